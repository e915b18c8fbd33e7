"""The reference parts of docs/ written from the code by cog (`cog -r README.md docs/*.md`; `.ci/run` and
tests/test_docs.py run `cog --check`): every command's `--help` from the click group, the environment variables
and `config.toml` keys from `workbench.settings`, and the `--json` shapes from `workbench.app.shapes`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import click

WIDTH = 100  # the help text's width, fixed so the output is the same on every terminal


def commands(group: click.Group | None = None, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...],
                                                                                               click.Command]]:
    """Every command of the CLI (groups and their commands), depth first in the order `--help` lists them."""
    if group is None:
        from . import cli

        group = cli
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)  # a group may build its commands when asked (`workbench op`)
        assert command is not None
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from commands(command, (*prefix, name))


def help_text(path: tuple[str, ...]) -> str:
    """`workbench PATH --help` as printed on a terminal WIDTH columns wide."""
    from . import cli

    # the group's own context settings (its -h), as `workbench` itself makes them: a command's help option is
    # made once and kept, so a context without them would print whichever the first caller happened to give
    ctx = click.Context(cli, info_name="workbench", terminal_width=WIDTH, max_content_width=WIDTH,
                        **cli.context_settings)
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        found = command.get_command(ctx, name)
        assert found is not None
        command = found
        ctx = click.Context(command, info_name=name, parent=ctx, terminal_width=WIDTH, max_content_width=WIDTH)
    return command.get_help(ctx)


def cli_reference() -> str:
    """Markdown: the top-level help, then one section per command with its help."""
    parts = ["```text\n" + help_text(()) + "\n```"]
    for path, _ in commands():
        parts.append(f"### workbench {' '.join(path)}\n\n```text\n{help_text(path)}\n```")
    return "\n\n".join(parts)


def variables_table() -> str:
    """Markdown: every environment variable the workbench reads, from `settings.VARIABLES`."""
    from ..settings import VARIABLES

    rows = [f"| `{v.name}` | {v.meaning} | {v.default} |" for v in VARIABLES.values()]
    return "\n".join(["| variable | meaning | default |", "|---|---|---|", *rows])


def _config_rows(schema: dict[str, Any], prefix: str) -> Iterator[str]:
    from ..settings import _KIND_NAMES

    for key, kind in schema.items():
        if isinstance(kind, dict):
            yield f"| `[{prefix}{key}]` | a table with the keys below |"
            yield from _config_rows(kind, f"{prefix}{key}.")
        else:
            yield f"| `{prefix}{key}` | " + ("a table (its keys are checked where it is used)" if kind is None
                                              else _KIND_NAMES[kind]) + " |"


def config_table() -> str:
    """Markdown: every key `config.toml` may hold with its type, from `settings.CONFIG_KEYS`."""
    from ..settings import CONFIG_KEYS

    return "\n".join(["| key | value |", "|---|---|", *_config_rows(CONFIG_KEYS, "")])


def json_shapes() -> str:
    """Markdown: one line per command that takes `--json`, its shape in short form, the shapes named in it, and
    what its values mean; then each `workbench op` command's, generated from its result type."""
    from ..app.catalog import registry
    from ..app.shapes import NOTES, SCHEMAS, brief, generated

    lines = []
    for label, shape in SCHEMAS.items():
        named: dict[str, Any] = {}
        line = f"- `{label} --json`: `{brief(shape, named)}`"
        done = 0
        while done < len(named):  # the named shapes, and those named inside them
            name, inside = list(named.items())[done]
            line += f"; `{name}` is `{brief(inside, named)}`"
            done += 1
        lines.append(line + (f"; {NOTES[label]}" if label in NOTES else ""))
    lines += [f"- `op {name.replace('_', '-')}`: `{brief(generated(op.result_schema()))}`"
              for name, op in sorted(registry().items()) if op.cli and op.result is not None]
    return "\n".join(lines)
