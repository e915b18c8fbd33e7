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


# The keys config.toml may hold, with their types; tables list their own keys (None: any key, checked where used).
CONFIG_KEYS: dict[str, Any] = {
    "profile": str, "device": str, "licence": str, "models_dir": str, "engine": str, "threads": int,
    "models": {"en": str, "ru": str, "summarizer": str, "via": {"en": str, "ru": str}},
    "engines": {"en": str, "ru": str, "summarizer": str},
    "templates": {"en": str, "ru": str},
    "translation": None, "summary": None,
}


def load_config(home: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Read and check `config.toml` in the data home; an absent file is an empty config. A file that is not
    TOML, an unknown key or a value of the wrong type is a WorkbenchError naming the file and the key."""
    from .errors import WorkbenchError

    path = home_dir(home) / CONFIG_NAME
    if not path.exists():
        return {}
    try:
        with path.open("rb") as fh:
            config = tomllib.load(fh)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise WorkbenchError(f"{path}: not valid TOML ({exc})") from exc
    except OSError as exc:
        raise WorkbenchError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    _check_keys(config, CONFIG_KEYS, str(path), "")
    return config


def _check_keys(values: dict[str, Any], schema: dict[str, Any], where: str, prefix: str) -> None:
    import difflib

    from .errors import WorkbenchError

    for key, value in values.items():
        name = prefix + key
        if key not in schema:
            close = difflib.get_close_matches(key, list(schema), 1)
            hint = f" (did you mean {prefix}{close[0]}?)" if close else f"; known: {', '.join(prefix + k for k in schema)}"
            raise WorkbenchError(f"{where}: unknown key {name}{hint}")
        expected = schema[key]
        if expected is None:
            if not isinstance(value, dict):
                raise WorkbenchError(f"{where}: {name} must be a table ([{name}])")
        elif isinstance(expected, dict):
            if not isinstance(value, dict):
                raise WorkbenchError(f"{where}: {name} must be a table ([{name}])")
            _check_keys(value, expected, where, name + ".")
        elif not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise WorkbenchError(f"{where}: {name} must be {'a number' if expected is int else 'a string'}, got {value!r}")
        elif expected is int and value < 1:
            raise WorkbenchError(f"{where}: {name} must be at least 1, got {value}")


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


DEFAULT_MAX_TEXT_CHARS = 100_000


def max_text_chars() -> int:
    """The longest text one API call may save (a segment, a summary, a draft): $WORKBENCH_MAX_TEXT_CHARS, else
    100,000 characters (about 40 pages; a segment is rarely over 1,000)."""
    value = os.environ.get("WORKBENCH_MAX_TEXT_CHARS", "").strip()
    if not value:
        return DEFAULT_MAX_TEXT_CHARS
    if not value.isdigit() or int(value) < 1:
        from .errors import WorkbenchError

        raise WorkbenchError(f"WORKBENCH_MAX_TEXT_CHARS must be a positive number of characters, got {value!r}")
    return int(value)


# `serve` behind a reverse proxy: more Host names to answer, and the proxies whose X-Forwarded-For is believed.
CONFIG_KEYS.update({"allowed_hosts": str, "trusted_proxies": str})


def allowed_hosts(home: str | os.PathLike[str] | None = None) -> list[str]:
    """Host names `serve` answers besides loopback and its bound address (e.g. a reverse proxy's public name):
    $WORKBENCH_ALLOWED_HOSTS and config `allowed_hosts`, each comma-separated."""
    return _listed("WORKBENCH_ALLOWED_HOSTS", "allowed_hosts", home)


def trusted_proxies(home: str | os.PathLike[str] | None = None) -> list[str]:
    """Proxy addresses (IPs or networks) whose X-Forwarded-For names the client: $WORKBENCH_TRUSTED_PROXIES and
    config `trusted_proxies`, each comma-separated; none by default."""
    return _listed("WORKBENCH_TRUSTED_PROXIES", "trusted_proxies", home)


def _listed(env: str, key: str, home: str | os.PathLike[str] | None) -> list[str]:
    values = os.environ.get(env, "").split(",") + str(load_config(home).get(key, "")).split(",")
    return [value.strip() for value in values if value.strip()]
