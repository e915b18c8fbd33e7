"""The `workbench` command as installed: the app's commands (`workbench.app.cli`) and the benchmarks' `bench`
(`workbench.bench.cli`), which measures the service from above it. `reference` writes the docs from it."""

from __future__ import annotations

from ..app.cli import add_home_option, cli
from ..bench.cli import bench_cmd

cli.add_command(bench_cmd)
add_home_option(bench_cmd)

__all__ = ["cli", "main"]


def main() -> None:
    cli(obj={})
