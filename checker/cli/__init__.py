"""The ``mtus`` command line: one module per command group; it parses arguments and calls the library."""

from checker.cli.fast import main

__all__ = ["main"]
