"""Test support that ships with the package: tiny real-architecture models built from scratch (the `tiny:` model source)."""
