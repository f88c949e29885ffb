"""Documents: what people read, rendered from records (reports, letters, deadline lists, CSV)."""
