"""lime's ``lime.wrappers`` path: :mod:`lime_image.wrappers.scikit_image`."""
