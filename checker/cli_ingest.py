"""`mtus ingest`: IMR letters to cases (registered on import)."""
