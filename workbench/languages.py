"""The one source of truth for languages and review statuses."""

from __future__ import annotations

SOURCE_LANG = "ar"
TARGETS: tuple[str, ...] = ("en", "ru")
LANGUAGE_NAMES = {"ar": "Arabic", "en": "English", "ru": "Russian"}
# The review status of one article language, in the order work moves through them.
STATUSES: tuple[str, ...] = ("new", "machine", "in_review", "approved")


def check_target(lang: str) -> str:
    """`lang` if it is a target language, else a WorkbenchError naming the known ones."""
    from .errors import WorkbenchError

    if lang not in TARGETS:
        raise WorkbenchError(f"unknown target language {lang!r}; use {', '.join(TARGETS)}")
    return lang


def parse_targets(value: str) -> list[str]:
    """`"en,ru"` → ["en", "ru"]; a WorkbenchError for anything else."""
    from .errors import WorkbenchError

    langs = [v.strip() for v in value.split(",") if v.strip()]
    if not langs or any(v not in TARGETS for v in langs):
        raise WorkbenchError(f"use {', '.join(TARGETS)} or {','.join(TARGETS)} (got {value!r})")
    return list(dict.fromkeys(langs))
