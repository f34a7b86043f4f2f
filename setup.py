"""Build hook: the wheel carries the rule library, the drug catalog and the schemas inside the package.

The top-level ``rules/`` and ``schemas/`` folders stay where the layout puts them; at build time they are
copied to ``checker/_data/`` in the build tree, where ``checker.core.resources`` finds them through
``importlib.resources``.  An editable install reads the top-level folders directly.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
DATA = ("rules", "schemas")


class BuildWithData(build_py):
    """``build_py`` that also copies rules/ and schemas/ into the built package as ``checker/_data``."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        for name in DATA:
            target = Path(self.build_lib) / "checker" / "_data" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(HERE / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithData})
