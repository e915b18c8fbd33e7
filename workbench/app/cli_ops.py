"""`workbench op NAME --argument VALUE …`: the service's operations marked `cli` (`app/service.py`), one command
each, generated from the declaration (an option per parameter, required where it has no default, `--flag/--no-flag`
for a true/false one) and printing the operation's JSON result, the same the page and `gradio_client` get.

A value is taken as text where the parameter is text, else read as JSON (`--seen-revision 12`, `--picks
'[["s1", 4]]'`), a list also as comma-separated words (`--languages en,ru`); the operation's own checks then apply.
Registered on the `workbench` group when `cli.py` imports this module; the operations load only when it runs.
"""

from __future__ import annotations

import json
from typing import Any

import click

from .cli_base import _set_home, _workbench, cli, handle_errors


class OperationCommands(click.Group):
    """The operations marked `cli`, listed and built when asked for (an operation declared later is there too)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from .catalog import registry

        return sorted(name.replace("_", "-") for name, op in registry().items() if op.cli)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        from .catalog import registry

        op = registry().get(cmd_name.replace("-", "_"))
        return command(op) if op is not None and op.cli else None


@cli.group("op", cls=OperationCommands)
def op_group() -> None:
    """Run one operation of the review service (as the page and gradio_client scripts do) and print its JSON
    result; `workbench op --help` lists them."""


def command(op: Any) -> click.Command:
    """The click command of one operation."""
    properties = op.schema().get("properties", {})
    params: list[click.Parameter] = [click.Option(["--home"], default=None, metavar="DIR", expose_value=False,
                                                  is_eager=True, callback=_set_home, help="Data folder.")]
    for param in op.parameters:
        dash, schema = param.name.replace("_", "-"), properties.get(param.name, {})
        required = param.default is param.empty
        if _types(schema) == {"boolean"}:
            params.append(click.Option([f"--{dash}/--no-{dash}", param.name], default=None if required else param.default,
                                       required=required, help=_help(schema, required, param.default)))
        else:
            params.append(click.Option([f"--{dash}", param.name], required=required, metavar=_metavar(schema),
                                       help=_help(schema, required, param.default)))

    @click.pass_context
    @handle_errors
    def run(ctx: click.Context, **given: Any) -> None:
        arguments = {name: _value(value, properties.get(name, {})) for name, value in given.items() if value is not None}
        with _workbench(ctx) as wb:
            result = op(wb, **arguments)
        if not result.get("ok"):
            raise click.ClickException(str(result.get("error", "refused")))
        click.echo(json.dumps(result, ensure_ascii=False, indent=2, default=str))

    summary = op.doc.split("\n\n")[0]
    return click.Command(op.name.replace("_", "-"), params=params, callback=run, help=summary)


def _help(schema: dict[str, Any], required: bool, default: Any) -> str:
    """What the parameter is (its schema's description, or its JSON type) and its default (click marks the
    required ones)."""
    what = schema.get("description") or f"A {'/'.join(sorted(_types(schema)))}."
    return what if required else f"{what} (default: {json.dumps(default)})"


def _types(schema: dict[str, Any]) -> set[str]:
    """The JSON types a parameter's schema allows (besides null)."""
    options = schema.get("anyOf", [schema])
    return {o.get("type") for o in options if o.get("type") not in (None, "null")} or {"string"}


def _metavar(schema: dict[str, Any]) -> str:
    if "enum" in schema:
        return "|".join(schema["enum"])
    return {"string": "TEXT", "integer": "N", "number": "N", "array": "LIST"}.get(min(_types(schema)), "JSON")


def _value(value: Any, schema: dict[str, Any]) -> Any:
    """A command-line word as the operation's parameter takes it: text as is; anything else read as JSON, a list
    also as comma-separated words."""
    if isinstance(value, bool) or "string" in _types(schema):
        return value
    try:
        return json.loads(value)
    except (ValueError, RecursionError):  # not JSON, an integer of over 4,300 digits, nesting too deep
        return value.split(",") if "array" in _types(schema) else value
