"""Settings in one place: every environment variable is read (and every library variable set) in
`workbench/settings.py`, booleans by one parser (docs/usage.md's table is written from `settings.VARIABLES` by cog,
checked in tests/test_docs.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workbench import settings
from workbench.errors import WorkbenchError

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "workbench"
ENV_ACCESS = re.compile(r"\bos\.environ\b|\bgetenv\b|\benvvar\s*=|\bfrom os import .*environ")


def _sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "_data" not in p.parts)


def test_only_settings_touches_the_environment():
    """`grep -rn os.environ workbench/` finds settings.py alone (click's `envvar=` would be a second reader)."""
    hits = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
            for path in _sources() if path.name != "settings.py" or path.parent != PACKAGE
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
            if ENV_ACCESS.search(line)]
    assert hits == []


def test_every_variable_named_in_the_code_is_a_documented_setting():
    """A WORKBENCH_/HF_ name anywhere in the package (code, messages, docstrings) is one of settings.VARIABLES."""
    named = {name for path in _sources()
             for name in re.findall(r"\b((?:WORKBENCH|HF)_[A-Z0-9_]+)\b", path.read_text(encoding="utf-8"))}
    assert named - set(settings.VARIABLES) == set()


def test_an_undocumented_name_is_a_bug_not_a_silent_empty_string():
    with pytest.raises(KeyError):
        settings.env("WORKBENCH_NO_SUCH_SETTING")


@pytest.mark.parametrize("value, expected", [("1", True), ("true", True), ("YES", True), (" on ", True),
                                             ("", False), ("0", False), ("False", False), ("no", False),
                                             ("off", False)])
def test_one_boolean_parser(value: str, expected: bool):
    assert settings.parse_flag(value, "X") is expected


@pytest.mark.parametrize("value", ["2", "enabled", "tru"])
def test_a_boolean_that_is_neither_is_one_clear_error(value: str):
    with pytest.raises(WorkbenchError, match="X must be one of 1, true, yes, on"):
        settings.parse_flag(value, "X")


@pytest.mark.parametrize("value", ["1", "true", "yes", "ON"])
def test_hf_hub_offline_means_the_same_to_the_locator_and_the_transformers_loader(
        monkeypatch: pytest.MonkeyPatch, value: str):
    """Found: settings.hub_offline() took `true`/`yes`/`on`, models/hf.py only "1", so HF_HUB_OFFLINE=true
    refused hub downloads in one place and let transformers try the network in the other."""
    import transformers

    from workbench.choice.locate import Located
    from workbench.models import hf

    monkeypatch.setenv("HF_HUB_OFFLINE", value)
    assert settings.hub_offline()
    asked: dict[str, object] = {}

    def from_pretrained(path: str, **kw: object) -> None:
        asked.update(kw)
        raise OSError("not here")

    monkeypatch.setattr(transformers.AutoTokenizer, "from_pretrained", from_pretrained)
    with pytest.raises(WorkbenchError, match="not available on this machine"):
        hf._load(Located("org/model", "org/model", None, "unknown", local=False), "ar→en translation", "seq2seq",
                 "cpu", 1)
    assert asked["local_files_only"] is True


def test_threads_from_the_environment(monkeypatch: pytest.MonkeyPatch):
    from workbench.choice.threads import resolve_threads

    monkeypatch.setenv("WORKBENCH_THREADS", "3")
    assert settings.threads() == 3 and resolve_threads() == 3 and resolve_threads(2) == 2
    monkeypatch.setenv("WORKBENCH_THREADS", "")
    assert settings.threads() is None
    for bad in ("many", "0", "-1"):
        monkeypatch.setenv("WORKBENCH_THREADS", bad)
        with pytest.raises(WorkbenchError, match="WORKBENCH_THREADS must be a positive whole number"):
            resolve_threads()


def test_paths_and_hub_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    assert settings.hub_cache() == tmp_path / "hf" / "hub"
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "cache"))
    assert settings.hub_cache() == tmp_path / "cache"
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    assert settings.hub_endpoint() == "https://huggingface.co"
    monkeypatch.setenv("HF_ENDPOINT", "http://mirror.local")
    assert settings.hub_endpoint() == "http://mirror.local"
    monkeypatch.setenv("WORKBENCH_PROMPTS", str(tmp_path / "prompts"))
    from workbench.resources import prompts_dir

    assert prompts_dir() == tmp_path / "prompts"
    assert settings.trace_file() is None
    monkeypatch.setenv("WORKBENCH_TRACE", str(tmp_path / "calls.jsonl"))
    assert settings.trace_file() == str(tmp_path / "calls.jsonl")
    monkeypatch.setenv("WORKBENCH_CUDNN_ATTENTION", "yes")
    assert settings.cudnn_attention()


def test_the_home_comes_from_the_environment_without_click_reading_it(monkeypatch: pytest.MonkeyPatch,
                                                                        tmp_path: Path):
    from click.testing import CliRunner

    from workbench.app.cli import cli

    monkeypatch.setenv("WORKBENCH_HOME", str(tmp_path / "from-env"))
    result = CliRunner().invoke(cli, ["import", str(ROOT / "seeds" / next(p.name for p in (ROOT / "seeds").glob("003_*")))])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "from-env" / "workbench.sqlite").exists()


def test_the_data_home_is_resolved_only_where_a_command_server_or_workbench_starts():
    """`Home.resolve` (the one reader of $WORKBENCH_HOME) runs at the entries; everything below is handed a Home."""
    found = {p.relative_to(PACKAGE).as_posix() for p in _sources() if "Home.resolve(" in p.read_text(encoding="utf-8")}
    assert found == {"app/api.py", "app/cli_base.py", "bench/models.py"}  # bench/models.py: the probe's process


def test_a_library_variable_is_set_for_the_while_and_put_back(monkeypatch: pytest.MonkeyPatch):
    import os

    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    with settings.library_variable("FORWARDED_ALLOW_IPS", "10.0.0.1"):
        assert os.environ["FORWARDED_ALLOW_IPS"] == "10.0.0.1"
    assert "FORWARDED_ALLOW_IPS" not in os.environ
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")
    with settings.library_variable("FORWARDED_ALLOW_IPS", ""):
        assert os.environ["FORWARDED_ALLOW_IPS"] == ""
    assert os.environ["FORWARDED_ALLOW_IPS"] == "*"
