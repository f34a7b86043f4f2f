"""mtus-checker: predict IMR outcomes from case facts and the MTUS, and explain every criterion."""

__version__ = "0.1.0"
