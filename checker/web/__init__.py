"""The local web check and the CDS Hooks services served by ``mtus serve``."""
