"""Small helpers kept at lime's module paths (``lime.utils``)."""
