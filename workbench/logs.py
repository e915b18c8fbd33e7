"""The data home's log file: unexpected errors are written there with their traceback, never dropped.

The user sees a one-line message; `DATA_HOME/logs/workbench.log` keeps the details for a bug report.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

LOGGER = "workbench"
_configured: set[str] = set()


def log_path(home: str | os.PathLike[str]) -> Path:
    return Path(home) / "logs" / "workbench.log"


def attach(home: str | os.PathLike[str]) -> Path | None:
    """Send the workbench logger to the data home's log file (once per file); None when it cannot be written."""
    path = log_path(home)
    key = str(path.resolve())
    if key in _configured:
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8", delay=True)
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger(LOGGER)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    _configured.add(key)
    return path


def get(name: str = "") -> logging.Logger:
    return logging.getLogger(f"{LOGGER}.{name}" if name else LOGGER)
