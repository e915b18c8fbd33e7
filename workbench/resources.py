"""Files that ship with the project: prompt templates and the sample articles."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def project_dir(name: str) -> Path:
    """`prompts` or `seeds`: the checkout's folder when running from source, else the copy in the wheel."""
    for candidate in (_PACKAGE.parent / name, _PACKAGE / "_data" / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the project's {name}/ folder is missing from this installation")


def prompts_dir() -> Path:
    override = os.environ.get("WORKBENCH_PROMPTS")
    return Path(override) if override else project_dir("prompts")


def seeds_dir() -> Path:
    return project_dir("seeds")
