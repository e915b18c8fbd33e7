"""Exchange: export formats (each registers itself), XLIFF re-import, batch result files."""
