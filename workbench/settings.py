"""Settings resolved at call time: the environment variables, the data home, the config file, model folders.

This is the one module that touches `os.environ`: every environment variable the workbench reads is listed in
`VARIABLES` (the README's table says the same) and read here, booleans by one parser (`flag`); the variables it
sets for a library (OpenMP's thread count, uvicorn's trusted proxies) are set here too. Nothing is frozen at
import; every function reads the environment when called.
"""

from __future__ import annotations

import contextlib
import os
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_HOME = "workbench-data"
CONFIG_NAME = "config.toml"
DEFAULT_HUB = "https://huggingface.co"


@dataclass(frozen=True)
class Variable:
    """An environment variable the workbench reads: what it means and what holds without it."""

    name: str
    meaning: str
    default: str


VARIABLES: dict[str, Variable] = {v.name: v for v in (
    Variable("WORKBENCH_HOME", "The data home (database, caches, models, `config.toml`, logs); `--home` wins.",
             "`./workbench-data`"),
    Variable("WORKBENCH_MODELS", "Folders of offline model bundles (`models pull`), separated by `:`.",
             "config `models_dir`, then `DATA_HOME/models`"),
    Variable("WORKBENCH_THREADS", "CPU threads for model work (a positive whole number); `--threads` and config "
             "`threads` win.", "the cores this process may use"),
    Variable("WORKBENCH_TINY_DIR", "Where tiny random-weight models are built.", "`DATA_HOME/cache/tiny`"),
    Variable("WORKBENCH_CT2_DIR", "Where CTranslate2 conversions are cached.", "`DATA_HOME/cache/ct2`"),
    Variable("WORKBENCH_PROMPTS", "A folder of prompt templates used instead of the project's `prompts/`.",
             "the project's `prompts/`"),
    Variable("WORKBENCH_TRACE", "A JSONL file every model call is appended to (model, inputs), for auditing a run.",
             "no trace"),
    Variable("WORKBENCH_MAX_TEXT_CHARS", "The longest text one API call may save (a segment, a summary, a draft).",
             "100,000 characters"),
    Variable("WORKBENCH_ALLOWED_HOSTS", "More Host names `serve` answers (a reverse proxy's public name), "
             "comma-separated; also config `allowed_hosts`.", "none"),
    Variable("WORKBENCH_TRUSTED_PROXIES", "Proxy addresses or networks whose X-Forwarded-For names the client, "
             "comma-separated; also config `trusted_proxies`.", "none"),
    Variable("WORKBENCH_NO_PROBE", "Boolean: no compute probe on a CPU without a measurement (the first model "
             "load measures each number format for seconds and caches the choice); the rules decide instead.", "off"),
    Variable("WORKBENCH_CUDNN_ATTENTION", "Boolean: keep PyTorch's cuDNN attention on CUDA (it is slow on new "
             "shapes, so it is switched off).", "off"),
    Variable("HF_HUB_OFFLINE", "Boolean: load models only from this machine, never from the hub (huggingface_hub "
             "reads it too).", "off"),
    Variable("HF_ENDPOINT", "The model hub `models pull` and the reachability check use.", f"`{DEFAULT_HUB}`"),
    Variable("HF_HUB_CACHE", "The Hugging Face cache searched for downloaded models.", "`$HF_HOME/hub`"),
    Variable("HF_HOME", "The Hugging Face folder (its `hub/` is the cache).", "`~/.cache/huggingface`"),
)}
TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"", "0", "false", "no", "off"})


def env(name: str) -> str:
    """The value of one of our environment variables ("" when unset); a name not in VARIABLES is a bug."""
    if name not in VARIABLES:
        raise KeyError(f"{name} is not a documented workbench setting (add it to settings.VARIABLES)")
    return os.environ.get(name, "")


def parse_flag(value: str, name: str) -> bool:
    """A boolean setting: 1/true/yes/on or 0/false/no/off (any case; unset or empty is off)."""
    text = value.strip().lower()
    if text in TRUE or text in FALSE:
        return text in TRUE
    from .errors import WorkbenchError

    raise WorkbenchError(f"{name} must be one of 1, true, yes, on or 0, false, no, off; got {value!r}")


def flag(name: str) -> bool:
    """A boolean environment variable, parsed by `parse_flag`."""
    return parse_flag(env(name), name)


def child_environment(**overrides: str) -> dict[str, str]:
    """The environment for a process the workbench starts: this one's, with `overrides` (our variables by name)."""
    unknown = set(overrides) - set(VARIABLES)
    if unknown:
        raise KeyError(f"{sorted(unknown)} are not documented workbench settings (add them to settings.VARIABLES)")
    return {**os.environ, **overrides}


def probe_allowed() -> bool:
    """False with $WORKBENCH_NO_PROBE: the compute choice follows the rules until `workbench bench` measures."""
    return not flag("WORKBENCH_NO_PROBE")


def set_library_default(name: str, value: str) -> None:
    """Give a library's own variable (not one of ours) a value unless the user set one (OMP_NUM_THREADS)."""
    os.environ.setdefault(name, value)


@contextlib.contextmanager
def library_variable(name: str, value: str) -> Iterator[None]:
    """Set a library's own variable while it reads it (uvicorn's FORWARDED_ALLOW_IPS), then put it back."""
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


@dataclass(frozen=True)
class Home:
    """The data home (database, caches, models, `config.toml`, logs), resolved once per entry (a CLI command,
    `serve`, a Python `Workbench`) and handed down: nothing below re-reads $WORKBENCH_HOME. The variables that
    move one of its folders and config.toml are read when asked."""

    path: Path

    @classmethod
    def resolve(cls, given: str | os.PathLike[str] | Home | None = None) -> Home:
        """The argument, else $WORKBENCH_HOME, else ./workbench-data."""
        if isinstance(given, Home):
            return given
        return cls(Path(given or env("WORKBENCH_HOME") or DEFAULT_HOME).expanduser())

    def ensure(self) -> Home:
        self.path.mkdir(parents=True, exist_ok=True)
        return self

    def __str__(self) -> str:
        return str(self.path)

    @property
    def database(self) -> Path:
        return self.path / "workbench.sqlite"

    @property
    def cache(self) -> Path:
        return self.path / "cache"

    @property
    def config_file(self) -> Path:
        return self.path / CONFIG_NAME

    @property
    def tiny(self) -> Path:
        """Where tiny models are built: $WORKBENCH_TINY_DIR, else the cache."""
        chosen = env("WORKBENCH_TINY_DIR")
        return Path(chosen).expanduser() if chosen else self.cache / "tiny"

    @property
    def ct2(self) -> Path:
        """Where CTranslate2 conversions are cached: $WORKBENCH_CT2_DIR, else the cache."""
        chosen = env("WORKBENCH_CT2_DIR")
        return Path(chosen).expanduser() if chosen else self.cache / "ct2"


# The keys config.toml may hold, with their types; tables list their own keys (None: any key, checked where used).
CONFIG_KEYS: dict[str, Any] = {
    "profile": str, "device": str, "licence": str, "models_dir": str, "engine": str, "threads": int,
    "models": {"en": str, "ru": str, "summarizer": str, "via": {"en": str, "ru": str}},
    "engines": {"en": str, "ru": str, "summarizer": str},
    "templates": {"en": str, "ru": str},
    "suggest": {"en": str, "ru": str},  # a further translator per language, its outputs kept as suggestions
    "translation": None, "summary": None,
}


def load_config(home: Home) -> dict[str, Any]:
    """Read and check `config.toml` in the data home; an absent file is an empty config. A file that is not
    TOML, an unknown key or a value of the wrong type is a WorkbenchError naming the file and the key."""
    from .errors import WorkbenchError

    path = home.config_file
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
            raise WorkbenchError(f"{where}: {name} must be {_KIND_NAMES.get(expected, 'a string')}, got {value!r}")
        elif expected is int and value < 1:
            raise WorkbenchError(f"{where}: {name} must be at least 1, got {value}")


def models_dirs(home: Home) -> list[Path]:
    """Folders searched for offline model bundles: $WORKBENCH_MODELS, config `models_dir`, home/models."""
    dirs: list[Path] = []
    listed = env("WORKBENCH_MODELS")
    if listed:
        dirs.extend(Path(p).expanduser() for p in listed.split(os.pathsep) if p)
    configured = load_config(home).get("models_dir")
    if configured:
        dirs.append(Path(configured).expanduser())
    dirs.append(home.path / "models")
    return dirs


def hub_offline() -> bool:
    """$HF_HUB_OFFLINE: load models only from this machine (the same truth values huggingface_hub accepts)."""
    return flag("HF_HUB_OFFLINE")


def hub_endpoint() -> str:
    """The model hub: $HF_ENDPOINT, else huggingface.co."""
    return env("HF_ENDPOINT") or DEFAULT_HUB


def hub_cache() -> Path:
    """The Hugging Face cache of downloaded models: $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub."""
    if env("HF_HUB_CACHE"):
        return Path(env("HF_HUB_CACHE")).expanduser()
    return (Path(env("HF_HOME")).expanduser() if env("HF_HOME") else Path.home() / ".cache" / "huggingface") / "hub"


def positive_number(name: str, what: str) -> int | None:
    """A whole-number environment variable of at least 1 (None when unset); anything else is one clear error."""
    value = env(name).strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        from .errors import WorkbenchError

        raise WorkbenchError(f"{name} must be a positive whole number of {what}, got {value!r}")
    return int(value)


def threads() -> int | None:
    """$WORKBENCH_THREADS: CPU threads for model work, None when unset."""
    return positive_number("WORKBENCH_THREADS", "threads")


def prompts_override() -> Path | None:
    """$WORKBENCH_PROMPTS: a folder of prompt templates to use instead of the project's."""
    chosen = env("WORKBENCH_PROMPTS")
    return Path(chosen).expanduser() if chosen else None


def trace_file() -> str | None:
    """$WORKBENCH_TRACE: the JSONL file model calls are appended to, None when calls are not traced."""
    return env("WORKBENCH_TRACE") or None


def cudnn_attention() -> bool:
    """$WORKBENCH_CUDNN_ATTENTION: keep PyTorch's cuDNN attention on CUDA (off by default: slow on new shapes)."""
    return flag("WORKBENCH_CUDNN_ATTENTION")


DEFAULT_MAX_TEXT_CHARS = 100_000


def max_text_chars() -> int:
    """The longest text one API call may save (a segment, a summary, a draft): $WORKBENCH_MAX_TEXT_CHARS, else
    100,000 characters (about 40 pages; a segment is rarely over 1,000)."""
    return positive_number("WORKBENCH_MAX_TEXT_CHARS", "characters") or DEFAULT_MAX_TEXT_CHARS


# `serve` behind a reverse proxy: more Host names to answer, and the proxies whose X-Forwarded-For is believed.
CONFIG_KEYS.update({"allowed_hosts": str, "trusted_proxies": str})


def allowed_hosts(home: Home) -> list[str]:
    """Host names `serve` answers besides loopback and its bound address (e.g. a reverse proxy's public name):
    $WORKBENCH_ALLOWED_HOSTS and config `allowed_hosts`, each comma-separated."""
    return _listed("WORKBENCH_ALLOWED_HOSTS", "allowed_hosts", home)


def trusted_proxies(home: Home) -> list[str]:
    """Proxy addresses (IPs or networks) whose X-Forwarded-For names the client: $WORKBENCH_TRUSTED_PROXIES and
    config `trusted_proxies`, each comma-separated; none by default."""
    return _listed("WORKBENCH_TRUSTED_PROXIES", "trusted_proxies", home)


def _listed(name: str, key: str, home: Home) -> list[str]:
    values = env(name).split(",") + str(load_config(home).get(key, "")).split(",")
    return [value.strip() for value in values if value.strip()]


# --------------------------------------------------------------------------- the newsroom (feeds, publishing, webhooks)
# config.toml's [newsroom] table (the polite fetcher and publishing) and [webhook] table (notifications).
_KIND_NAMES: dict[Any, str] = {int: "a number", bool: "true or false", str: "a string"}
CONFIG_KEYS.update({
    "newsroom": {"user_agent": str, "host_interval_ms": int, "max_page_bytes": int, "timeout_seconds": int,
                 "allow_private_feeds": bool, "base_url": str, "templates": str},
    "webhook": {"url": str, "secret": str, "attempts": int, "backoff_ms": int, "timeout_seconds": int},
})
DEFAULT_USER_AGENT = "arabic-news-workbench/{version} (newsroom feed reader)"


@dataclass(frozen=True)
class NewsroomSettings:
    """How the newsroom fetches feeds and pages, and where publishing finds its templates and base URL."""

    user_agent: str
    host_interval: float  # seconds between two requests to one host
    max_page_bytes: int  # a feed or page larger than this is refused
    timeout: float  # seconds for one request (connect, each read, and the whole body)
    allow_private_feeds: bool  # fetch from loopback and private addresses (off: a server-side fetcher's SSRF guard)
    base_url: str  # where published pages will be served (links in the index and feeds); "" = relative links
    templates: Path | None  # a folder of publishing templates that override the built-in ones


def newsroom_settings(home: Home) -> NewsroomSettings:
    """config.toml's [newsroom] table with its defaults: the project's user agent, 2 s between requests to one
    host, 5 MB per feed or page, 20 s per request, private addresses refused, relative links, the data home's
    `templates/` folder when it exists."""
    from . import __version__

    table = load_config(home).get("newsroom", {})
    templates = Path(table["templates"]).expanduser() if table.get("templates") else home.path / "templates"
    return NewsroomSettings(
        user_agent=str(table.get("user_agent") or DEFAULT_USER_AGENT.format(version=__version__)),
        host_interval=int(table.get("host_interval_ms", 2000)) / 1000,
        max_page_bytes=int(table.get("max_page_bytes", 5_000_000)),
        timeout=float(table.get("timeout_seconds", 20)),
        allow_private_feeds=bool(table.get("allow_private_feeds", False)),
        base_url=str(table.get("base_url", "")),
        templates=templates if templates.is_dir() else None,
    )


@dataclass(frozen=True)
class WebhookSettings:
    """Where notifications go and how they are signed and retried."""

    url: str
    secret: str
    attempts: int  # deliveries tried in all before one is given up (and logged)
    backoff: float  # seconds before the first retry; doubled for each next one
    timeout: float  # seconds for one delivery


def webhook_settings(home: Home) -> WebhookSettings | None:
    """config.toml's [webhook] table (None when it names no url). A url needs a secret to sign the body with;
    one without is a WorkbenchError naming the file."""
    table = load_config(home).get("webhook", {})
    if not table.get("url"):
        return None
    if not table.get("secret"):
        from .errors import WorkbenchError

        raise WorkbenchError(f"{home.config_file}: webhook.url needs webhook.secret (a shared secret "
                             "the body is signed with)")
    return WebhookSettings(url=str(table["url"]), secret=str(table["secret"]), attempts=int(table.get("attempts", 6)),
                           backoff=int(table.get("backoff_ms", 2000)) / 1000,
                           timeout=float(table.get("timeout_seconds", 10)))
