"""Files that ship with the project: prompt templates and the sample articles."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def project_dir(name: str) -> Path:
    """`prompts` or `seeds`: the checkout's folder when running from source, else the copy in the wheel."""
    for candidate in (_PACKAGE.parent / name, _PACKAGE / "_data" / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the project's {name}/ folder is missing from this installation")


def prompts_dir() -> Path:
    from .settings import prompts_override

    return prompts_override() or project_dir("prompts")


def seeds_dir() -> Path:
    return project_dir("seeds")
