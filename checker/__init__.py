"""mtus-checker: predict IMR outcomes from case facts and the MTUS, and explain every criterion."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mtus-checker")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0.0.0+source"
