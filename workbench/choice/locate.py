"""Find a model's files: tiny builds, local folders, offline bundles, the Hugging Face cache or hub."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from ..errors import ModelNotAvailable, UnknownModelError, WorkbenchError
from ..models.base import TINY_PREFIX, Located
from ..settings import Home, hub_cache, hub_endpoint, hub_offline, models_dirs
from .catalog import licence_of

BUNDLE_FILE = "workbench-model.json"
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.\-]*/[\w.\-]+$")


def bundle_folder_name(model_id: str) -> str:
    return model_id.replace("/", "--")


def folder_revision(path: Path) -> str | None:
    """A revision for a local folder: the bundle's commit, the hub snapshot hash, else a content hash."""
    data = read_bundle(path)
    if data.get("revision"):
        return str(data["revision"])
    if path.parent.name == "snapshots" and re.fullmatch(r"[0-9a-f]{40}", path.name):
        return path.name
    digest = hashlib.sha256()
    for name in ("config.json", "generation_config.json", "tokenizer_config.json"):
        file = path / name
        if file.exists():
            digest.update(file.read_bytes())
    for weights in sorted(path.glob("*.safetensors")) + sorted(path.glob("*.bin")):
        stat = weights.stat()
        digest.update(f"{weights.name}:{stat.st_size}".encode())
    return "local-" + digest.hexdigest()[:12]


def _looks_like_model(path: Path) -> bool:
    return (path / "config.json").exists()


def profile_hint(spec: str, profile: str | None) -> str | None:
    """`profile` when `spec` is one of its models, so `models pull --profile` fetches it; else None (the hint
    then names `models pull --model SPEC`)."""
    from .profiles import PROFILES

    chosen = PROFILES.get(profile or "")
    if chosen is None:
        return None
    return profile if spec in {r.model for r in chosen.routes.values()} | {chosen.summarizer} else None


def locate(spec: str, task: str, *, home: Home, profile: str | None = None) -> Located:
    """Resolve a model spec (tiny name, folder, or hub id) to files; typed errors when it cannot be."""
    profile = profile_hint(spec, profile)
    if spec.startswith(TINY_PREFIX):
        from ..testing.tiny import build_tiny

        folder = build_tiny(spec[len(TINY_PREFIX):], home.tiny)
        return Located(spec, str(folder), folder_revision(folder), licence_of(spec), True, profile)
    path = Path(spec).expanduser()
    if path.exists():
        if not _looks_like_model(path):
            raise ModelNotAvailable(spec, task, profile, f"{path} has no config.json: not a model folder")
        model_id = _bundle_id(path) or spec
        return Located(model_id, str(path), folder_revision(path), licence_of(model_id, str(path)), True, profile)
    if not _HUB_ID.match(spec):
        raise UnknownModelError(
            f"unknown model {spec!r} for {task}: not a folder, not a tiny model (tiny:NAME) and not a hub id (org/name)")
    for root in models_dirs(home):
        for candidate in (root / bundle_folder_name(spec), root / spec):
            if _looks_like_model(candidate):
                return Located(spec, str(candidate), folder_revision(candidate), licence_of(spec, str(candidate)), True, profile)
    snapshot = _hub_cache_snapshot(spec)
    if snapshot is not None:
        return Located(spec, str(snapshot), snapshot.name, licence_of(spec, str(snapshot)), True, profile)
    if hub_offline():
        raise ModelNotAvailable(spec, task, profile, "HF_HUB_OFFLINE is set and the model is not in any local folder")
    if not hub_reachable():
        raise ModelNotAvailable(spec, task, profile, f"the model hub ({hub_endpoint()}) cannot be reached from here")
    return Located(spec, spec, None, licence_of(spec), False, profile)


def local_copy(spec: str, home: Home) -> str | None:
    """Where this machine has the model, without building, converting or downloading anything: "built locally"
    for tiny models, else the folder (a local path, an offline bundle, the Hugging Face cache); None if nowhere."""
    if spec.startswith(TINY_PREFIX):
        return "built locally"
    path = Path(spec).expanduser()
    if path.exists():
        return str(path) if _looks_like_model(path) else None
    if not _HUB_ID.match(spec):
        return None
    for root in models_dirs(home):
        for candidate in (root / bundle_folder_name(spec), root / spec):
            if _looks_like_model(candidate):
                return str(candidate)
    snapshot = _hub_cache_snapshot(spec)
    return str(snapshot) if snapshot is not None else None


_REACHABLE: dict[str, bool] = {}


def hub_reachable(timeout: float = 3.0) -> bool:
    """Whether a TCP connection to the hub opens within `timeout` (checked once per process), so an offline
    machine gets the clear message at once instead of after the hub client's retries."""
    import socket
    from urllib.parse import urlparse

    url = urlparse(hub_endpoint())
    key = url.netloc
    if key not in _REACHABLE:
        try:
            with socket.create_connection((url.hostname or "", url.port or (443 if url.scheme == "https" else 80)), timeout):
                _REACHABLE[key] = True
        except OSError:
            _REACHABLE[key] = False
    return _REACHABLE[key]


def read_bundle(path: Path) -> dict[str, Any]:
    """The folder's `workbench-model.json` (id, revision, licence), {} when there is none; a damaged one is an
    error naming the file, never silently ignored (it decides the revision that cache keys depend on)."""
    bundle = path / BUNDLE_FILE
    if not bundle.exists():
        return {}
    try:
        data = json.loads(bundle.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WorkbenchError(f"{bundle}: cannot read the model bundle file ({exc}); pull the model again") from exc
    if not isinstance(data, dict):
        raise WorkbenchError(f"{bundle}: the model bundle file must hold a JSON object; pull the model again")
    return data


def _bundle_id(path: Path) -> str | None:
    value = read_bundle(path).get("id")
    return str(value) if value else None


def _hub_cache_snapshot(model_id: str) -> Path | None:
    """A complete snapshot of `model_id` in the Hugging Face cache, if one is there."""
    repo = hub_cache() / ("models--" + model_id.replace("/", "--"))
    ref = repo / "refs" / "main"
    if ref.exists():
        snap = repo / "snapshots" / ref.read_text().strip()
        if _looks_like_model(snap):
            return snap
    return None


def pull(model_id: str, dest: Path) -> Path:
    """Download a hub model into `dest/<org>--<name>` with a bundle file recording its revision."""
    from huggingface_hub import HfApi, snapshot_download

    target = dest / bundle_folder_name(model_id)
    info = HfApi().model_info(model_id)
    snapshot_download(model_id, revision=info.sha, local_dir=str(target),
                      allow_patterns=["*.json", "*.safetensors", "*.spm", "*.model", "*.txt", "*.md", "*.jinja", "*.tiktoken"])
    (target / BUNDLE_FILE).write_text(json.dumps(
        {"id": model_id, "revision": info.sha, "licence": licence_of(model_id, str(target))}, indent=2))
    return target


def pull_failure(exc: BaseException) -> str:
    """One line on why `pull` failed: offline mode, a hub that cannot be reached, else the error's first line."""
    if hub_offline():
        return "HF_HUB_OFFLINE is set; unset it on a machine that can reach the model hub"
    if not hub_reachable():
        return f"the model hub ({hub_endpoint()}) cannot be reached from here; pull on a connected machine and copy the folder"
    return f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:200]}"


# --------------------------------------------------------------------------- which models are LLM translators
SEQ2SEQ_TINY = ("marian-", "m2m100")


def is_llm(spec: str, home: Home) -> bool:
    """Whether `spec` is an instruction LLM (a decoder-only model) rather than a sentence translator: the catalog
    says so, or the model's config on this machine is not an encoder-decoder. Nothing is built or downloaded."""
    from .catalog import CATALOG

    if spec.startswith(TINY_PREFIX):
        return not spec[len(TINY_PREFIX):].startswith(SEQ2SEQ_TINY)
    if spec in CATALOG and CATALOG[spec].kind != "seq2seq":
        return CATALOG[spec].kind == "llm"
    folder = local_copy(spec, home)
    config = Path(folder) / "config.json" if folder else None
    if config is None or not config.exists():
        return False
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False  # the engine that loads it says what is wrong with it
    return isinstance(data, dict) and not data.get("is_encoder_decoder") and bool(data.get("model_type"))
