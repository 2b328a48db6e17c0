"""Build of the one compiled part of Limelight (everything else is in pyproject.toml).

``lime_tabular._compiled`` runs the two per-value passes of tabular sampling (bin states and
within-bin values) in one pass each; it is optional: without a C compiler the install still
succeeds and the same draws come from NumPy (``lime_tabular._representation``), only slower.
"""
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class BuildExt(build_ext):
    """Compile without fused multiply-adds, so the C path rounds exactly as the NumPy path."""

    def build_extensions(self) -> None:
        if self.compiler.compiler_type != "msvc":  # MSVC does not contract by default
            for extension in self.extensions:
                extension.extra_compile_args = ["-ffp-contract=off", *extension.extra_compile_args]
        super().build_extensions()


setup(
    ext_modules=[Extension("lime_tabular._compiled", ["lime_tabular/_compiled.c"], optional=True)],
    cmdclass={"build_ext": BuildExt},
)
