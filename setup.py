"""Build of the compiled parts of Limelight (everything else is in pyproject.toml).

Three optional C modules, each with a NumPy twin that gives the same results, only slower:
``lime_core._compiled`` turns a bit generator's raw draws into float32 uniforms,
``lime_tabular._compiled`` runs the per-value passes of tabular sampling (bin states and
within-bin values), ``lime_text._compiled`` builds the perturbed documents. Without a C
compiler the install still succeeds and NumPy does the work.
"""
import os

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

#: ``make test`` and ``make bench`` set this: there a build error fails the install instead of
#: falling back to NumPy unnoticed.
OPTIONAL = os.environ.get("LIMELIGHT_REQUIRE_COMPILED") != "1"


class BuildExt(build_ext):
    """Compile without fused multiply-adds, so the C path rounds exactly as the NumPy path."""

    def build_extensions(self) -> None:
        if self.compiler.compiler_type != "msvc":  # MSVC does not contract by default
            for extension in self.extensions:
                extension.extra_compile_args = ["-ffp-contract=off", *extension.extra_compile_args]
        super().build_extensions()


setup(
    ext_modules=[Extension("lime_core._compiled", ["lime_core/_compiled.c"], depends=["lime_core/_uniforms.h"],
                           optional=OPTIONAL),
                 Extension("lime_tabular._compiled", ["lime_tabular/_compiled.c"], depends=["lime_core/_uniforms.h"],
                           optional=OPTIONAL),
                 Extension("lime_text._compiled", ["lime_text/_compiled.c"], optional=OPTIONAL)],
    cmdclass={"build_ext": BuildExt},
)
