"""Scaling out: the Ray runner (`distributed`), its result shards (`shards`) and merging them into a store
(`ingest`). Above `exchange`, because a shard holds the very record `translate --out` writes."""
