"""Text: reading files (encodings, JSONL, folders), cleaning, metadata, segmentation, article records. Pure functions, no storage."""
