"""Prompt templates: one TOML file per template in prompts/, validated on load.

Two kinds: summaries (`summary-*.toml`, the article in, a summary out) and translations (`translate-SRC-TGT.toml`,
`kind = "translation"`: one segment in, its translation out, with the article's title, the segments before it and
the glossary terms it contains). A template naming a variable its kind does not have is a clear error.
"""

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
# A translation prompt's variables: the segment, the article's title, the preceding segments with their current
# translations (`context`), the glossary terms in the segment (`terms`), and the language pair.
TRANSLATION_VARIABLES = {"segment", "title", "context", "terms", "source_language", "target_language"}
KINDS = {"summary": VARIABLES, "translation": TRANSLATION_VARIABLES}
INPUTS = {"source", "translation"}
KEYS = {"language", "input", "system", "user", "description", "kind", "source", "content"}
# How the user turn reaches the model's chat template: as text, or as TranslateGemma's structured content (a list of
# {type, source_lang_code, target_lang_code, text}: its own chat template writes the instruction around the text,
# so such a template gives the segment alone, without context or glossary).
CONTENTS: dict[str, set[str]] = {"text": set(), "translategemma": {"segment"}}  # variables allowed (text: its kind's)


@dataclass(frozen=True)
class Template:
    name: str
    language: str
    input: str  # "source" (the Arabic original) or "translation" (the current text in `language`)
    system: str
    user: str
    description: str = ""
    hash: str = ""
    kind: str = "summary"  # summary | translation
    source: str = "ar"  # a translation template: the language it translates from
    content: str = "text"  # a translation template: text, or translategemma (see CONTENTS)

    def variables(self) -> set[str]:
        return {f for part in (self.system, self.user) for _, f, _, _ in string.Formatter().parse(part) if f}

    def fill(self, **values: str) -> tuple[str, str]:
        """(system, user) with the values filled in; MissingVariables names every variable without a value."""
        missing = sorted(v for v in self.variables() if values.get(v) is None)
        if missing:
            raise MissingVariables(self.name, missing)
        return self.system.format(**values), self.user.format(**values)

    def render(self, **values: str) -> Prompt:
        """Fill a summary template; MissingVariables names every variable without a value."""
        system, user = self.fill(**values)
        return Prompt(template=self.name, template_hash=self.hash, lang=self.language, system=system, user=user,
                      input_text=values.get("text", ""), input_kind=self.input)


def _check(template: Template) -> None:
    name = template.name
    if template.kind not in KINDS:
        raise TemplateError(f"prompt template {name!r}: kind must be one of {', '.join(sorted(KINDS))}")
    if template.input not in INPUTS:
        raise TemplateError(f"prompt template {name!r}: input must be one of {', '.join(sorted(INPUTS))}")
    for key, lang in (("language", template.language), ("source", template.source)):
        if lang not in LANGUAGE_NAMES:
            raise TemplateError(f"prompt template {name!r}: unknown {key} {lang!r}")
    if template.content not in CONTENTS:
        raise TemplateError(f"prompt template {name!r}: content must be one of {', '.join(sorted(CONTENTS))}")
    if template.content != "text" and (template.kind != "translation" or template.system.strip()):
        raise TemplateError(f"prompt template {name!r}: content {template.content!r} is for translation templates"
                            " without a system text (the model's own chat template writes the instruction)")
    if template.kind == "translation" and template.source == template.language:
        raise TemplateError(f"prompt template {name!r}: source and language are both {template.language!r}")
    known = CONTENTS[template.content] or KINDS[template.kind]
    try:
        unknown = template.variables() - known
    except ValueError as exc:
        raise TemplateError(f"prompt template {name!r}: bad placeholder ({exc})") from exc
    if unknown:
        raise TemplateError(f"prompt template {name!r}: unknown variables {', '.join(sorted(unknown))};"
                            f" known: {', '.join(sorted(known))}")


def parse_template(name: str, data: bytes) -> Template:
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TemplateError(f"prompt template {name!r}: not valid UTF-8 TOML ({exc})") from exc
    for key in ("language", "user"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise TemplateError(f"prompt template {name!r}: missing required key {key!r}")
    unknown_keys = set(raw) - KEYS
    if unknown_keys:
        raise TemplateError(f"prompt template {name!r}: unknown keys {', '.join(sorted(unknown_keys))}")
    if any(not isinstance(value, str) for value in raw.values()):
        raise TemplateError(f"prompt template {name!r}: every value must be a string")
    template = Template(
        name=name, language=raw["language"], input=raw.get("input", "source"), system=raw.get("system", ""),
        user=raw["user"], description=raw.get("description", ""), hash=hashlib.sha256(data).hexdigest()[:16],
        kind=raw.get("kind", "summary"), source=raw.get("source", "ar"), content=raw.get("content", "text"))
    _check(template)
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


def translation_template_name(source: str, target: str) -> str:
    """The translation template of a language pair: `translate-ar-en`, `translate-ar-ru`, `translate-en-ru`."""
    return f"translate-{source}-{target}"


def structured_template_name(source: str, target: str) -> str:
    """The template of a model whose chat template takes TranslateGemma's structured content."""
    return f"translategemma-{source}-{target}"


def load_translation_template(source: str, target: str, name: str | None = None) -> Template:
    """The translation template for `source` → `target` (a named one, else the pair's own), checked to be a
    translation template for that pair."""
    template = load_template(name or translation_template_name(source, target))
    if template.kind != "translation":
        raise TemplateError(f"prompt template {template.name!r} is a {template.kind} template, not a translation one")
    if (template.source, template.language) != (source, target):
        raise TemplateError(f"prompt template {template.name!r} translates {template.source}→{template.language},"
                            f" not {source}→{target}")
    return template
