"""Runs: making machine output over stored articles (translation, pivots, summaries) with progress reporting."""
