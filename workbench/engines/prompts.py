"""Prompt templates: one TOML file per template in prompts/, validated on load."""

from __future__ import annotations

import hashlib
import string
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..errors import MissingVariables, TemplateError
from ..languages import LANGUAGE_NAMES
from ..resources import prompts_dir
from .base import Prompt

VARIABLES = {"title", "text", "date", "source", "language", "source_language"}
INPUTS = {"source", "translation"}


@dataclass(frozen=True)
class Template:
    name: str
    language: str
    input: str  # "source" (the Arabic original) or "translation" (the current text in `language`)
    system: str
    user: str
    description: str = ""
    hash: str = ""

    def variables(self) -> set[str]:
        return {f for part in (self.system, self.user) for _, f, _, _ in string.Formatter().parse(part) if f}

    def render(self, **values: str) -> Prompt:
        """Fill the template; MissingVariables names every variable without a value."""
        missing = sorted(v for v in self.variables() if values.get(v) is None)
        if missing:
            raise MissingVariables(self.name, missing)
        return Prompt(template=self.name, template_hash=self.hash, lang=self.language,
                      system=self.system.format(**values), user=self.user.format(**values),
                      input_text=values.get("text", ""), input_kind=self.input)


def parse_template(name: str, data: bytes) -> Template:
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TemplateError(f"prompt template {name!r}: not valid UTF-8 TOML ({exc})") from exc
    for key in ("language", "user"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise TemplateError(f"prompt template {name!r}: missing required key {key!r}")
    unknown_keys = set(raw) - {"language", "input", "system", "user", "description"}
    if unknown_keys:
        raise TemplateError(f"prompt template {name!r}: unknown keys {', '.join(sorted(unknown_keys))}")
    template = Template(
        name=name, language=raw["language"], input=raw.get("input", "source"), system=raw.get("system", ""),
        user=raw["user"], description=raw.get("description", ""), hash=hashlib.sha256(data).hexdigest()[:16])
    if template.input not in INPUTS:
        raise TemplateError(f"prompt template {name!r}: input must be one of {', '.join(sorted(INPUTS))}")
    if template.language not in LANGUAGE_NAMES:
        raise TemplateError(f"prompt template {name!r}: unknown language {template.language!r}")
    try:
        unknown = template.variables() - VARIABLES
    except ValueError as exc:
        raise TemplateError(f"prompt template {name!r}: bad placeholder ({exc})") from exc
    if unknown:
        raise TemplateError(f"prompt template {name!r}: unknown variables {', '.join(sorted(unknown))};"
                            f" known: {', '.join(sorted(VARIABLES))}")
    return template


def load_template(name: str, folder: Path | None = None) -> Template:
    folder = folder or prompts_dir()
    path = folder / f"{name}.toml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in folder.glob("*.toml")))
        raise TemplateError(f"no prompt template {name!r} in {folder} (known: {known})")
    return parse_template(name, path.read_bytes())


def default_template_name(lang: str) -> str:
    return f"summary-{lang}"
