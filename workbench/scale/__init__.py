"""Scaling out: the Ray runner (`distributed`), its result shards (`shards`) and merging them into a store
(`ingest`). Above `exchange`, because a shard holds the very record `translate --out` writes. A shard is input
from outside like any imported file: `ingest` checks every record of it before writing any, and a damaged shard
is named and skipped, never a reason to stop."""
