"""Settings resolved at call time: data home, config file, model folders.

Nothing here is frozen at import; every function reads the environment when called.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

DEFAULT_HOME = "workbench-data"
CONFIG_NAME = "config.toml"


def home_dir(home: str | os.PathLike[str] | None = None) -> Path:
    """The data home: the argument, else $WORKBENCH_HOME, else ./workbench-data."""
    chosen = home or os.environ.get("WORKBENCH_HOME") or DEFAULT_HOME
    return Path(chosen).expanduser()


def ensure_home(home: str | os.PathLike[str] | None = None) -> Path:
    path = home_dir(home)
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_path(home: str | os.PathLike[str] | None = None) -> Path:
    return home_dir(home) / "workbench.sqlite"


def cache_dir(home: str | os.PathLike[str] | None = None) -> Path:
    return home_dir(home) / "cache"


def tiny_dir(home: str | os.PathLike[str] | None = None) -> Path:
    """Where tiny models are built: $WORKBENCH_TINY_DIR, else the data home's cache."""
    env = os.environ.get("WORKBENCH_TINY_DIR")
    return Path(env).expanduser() if env else cache_dir(home) / "tiny"


def ct2_dir(home: str | os.PathLike[str] | None = None) -> Path:
    """Where CTranslate2 conversions are cached: $WORKBENCH_CT2_DIR, else the data home's cache."""
    env = os.environ.get("WORKBENCH_CT2_DIR")
    return Path(env).expanduser() if env else cache_dir(home) / "ct2"


def load_config(home: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Read `config.toml` from the data home; an absent file is an empty config."""
    path = home_dir(home) / CONFIG_NAME
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        try:
            return tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            from .errors import WorkbenchError

            raise WorkbenchError(f"{path}: not valid TOML ({exc})") from exc


def models_dirs(home: str | os.PathLike[str] | None = None) -> list[Path]:
    """Folders searched for offline model bundles: $WORKBENCH_MODELS, config `models_dir`, home/models."""
    dirs: list[Path] = []
    env = os.environ.get("WORKBENCH_MODELS")
    if env:
        dirs.extend(Path(p).expanduser() for p in env.split(os.pathsep) if p)
    configured = load_config(home).get("models_dir")
    if configured:
        dirs.append(Path(configured).expanduser())
    dirs.append(home_dir(home) / "models")
    return dirs


def hub_offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in {"1", "true", "yes", "on"}
