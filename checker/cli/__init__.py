"""The ``mtus`` command line: one module per command group; it parses arguments and calls the library."""

import gc

# Start-up allocates only long-lived objects (modules, the catalogs' compiled patterns): collecting while importing
# finds nothing and cost ~0.1 s of a ~0.5 s `mtus check`. Collection resumes once the imports are done, with what
# they made kept out of every later collection (gc.freeze), so a long audit's memory is collected as before.
gc.disable()
try:
    from checker.cli.fast import main
finally:
    gc.freeze()
    gc.enable()

__all__ = ["main"]
