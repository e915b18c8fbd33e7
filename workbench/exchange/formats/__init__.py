"""Export formats, one module each; each registers itself with `exchange.registry.register`."""
