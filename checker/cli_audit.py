"""`mtus audit`: consistency audit of past decisions (registered on import)."""
