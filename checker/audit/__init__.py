"""`mtus audit`: evaluate many letters or cases, compare with the actual IMR outcomes, report and store runs."""
