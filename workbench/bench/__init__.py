"""Benchmarks, the top stage: engine and LLM throughput, compute choice, and the whole pipeline through the service."""
