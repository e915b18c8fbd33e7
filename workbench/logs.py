"""The data home's log file: unexpected errors are written there with their traceback, never dropped.

The user sees a one-line message; `DATA_HOME/logs/workbench.log` keeps the details for a bug report. Logging never
writes to the terminal by itself: with no log file attached, records are dropped (a NullHandler keeps Python's
last-resort handler from printing tracebacks to stderr), and a log file that cannot be written (full disk, read-only
folder) is noted by its handler instead of printing "--- Logging error ---".
"""

from __future__ import annotations

import logging
from pathlib import Path

from .settings import Home

LOGGER = "workbench"
_handlers: dict[str, QuietFileHandler] = {}

logging.getLogger(LOGGER).addHandler(logging.NullHandler())


class QuietFileHandler(logging.FileHandler):
    """A file handler that swallows its own write errors and remembers that it failed."""

    failed = False

    def emit(self, record: logging.LogRecord) -> None:
        self.failed = False
        try:
            super().emit(record)  # write errors go to handleError; opening the file raises here
        except OSError:
            self.failed = True
        if self.failed:  # start afresh with the next record: the disk may have room again
            try:
                self.close()
            except OSError:
                self.stream = None

    def handleError(self, record: logging.LogRecord) -> None:
        self.failed = True


def log_path(home: Home) -> Path:
    return home.path / "logs" / "workbench.log"


def attach(home: Home) -> Path | None:
    """Send the workbench logger to the data home's log file (once per file); None when it cannot be written."""
    path = log_path(home)
    key = str(path.resolve())
    if key in _handlers:
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = QuietFileHandler(path, encoding="utf-8", delay=True)
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger(LOGGER)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    _handlers[key] = handler
    return path


def log_exception(home: Home, name: str, message: str, *args: object) -> Path | None:
    """Write the current exception's traceback to the data home's log; the log file when that worked, else None
    (and nothing is printed anywhere)."""
    path = attach(home)
    if path is None:
        return None
    get(name).exception(message, *args)
    handler = _handlers.get(str(path.resolve()))
    return None if handler is None or handler.failed else path


def get(name: str = "") -> logging.Logger:
    return logging.getLogger(f"{LOGGER}.{name}" if name else LOGGER)
