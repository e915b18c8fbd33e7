"""The command line (`app/cli.py`) as a new user meets it in the first hour (issue 21, item 11): `models pull`,
`list`/`status`/`serve` on a translated home, `translate` and its options, pipes, Ctrl-C and devices. Every step of
the README gives one clear line, never a traceback, and never a suggestion that is not true."""

from __future__ import annotations

import http.server
import json
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from workbench.app.cli import INTERRUPTED, MEANINGLESS_MARK, MEANINGLESS_NOTE, cli

from .conftest import ROOT, SEEDS, subprocess_env

FAST = ["Helsinki-NLP/opus-mt-ar-en", "Helsinki-NLP/opus-mt-en-ru", "Qwen/Qwen2.5-0.5B-Instruct"]


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), obj={}, env=env, catch_exceptions=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def hub_404() -> Iterator[str]:
    """A model hub on 127.0.0.1 that answers every request with 404 (a hub without the models)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b'{"error": "Repository not found"}'
            self.send_response(404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_HEAD = do_GET

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def pull_in_subprocess(home: Path, tiny: Path, endpoint: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = subprocess_env(home, tiny, HF_ENDPOINT=endpoint)
    env.pop("HF_HUB_OFFLINE")
    return subprocess.run([sys.executable, "-m", "workbench", "models", "pull", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


# ---------------------------------------------------------------------------------------------- models pull
def test_pull_without_a_hub_prints_one_line_per_model(tmp_path: Path) -> None:
    env = {"HF_HUB_OFFLINE": None, "HF_ENDPOINT": f"http://127.0.0.1:{free_port()}"}  # nothing listens there
    result = run("--home", str(tmp_path / "h"), "models", "pull", "--profile", "fast", "--to", str(tmp_path / "m"), env=env)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert [line.split(":")[0] for line in lines] == ["error"] * 3 + ["Error"], result.stderr
    assert all("cannot be reached" in line for line in lines[:3])
    assert "Traceback" not in result.output and "export WORKBENCH_MODELS" not in result.output


def test_pull_errors_keep_their_traceback_in_the_log_not_on_stderr(tmp_path: Path, tiny_dir: Path, hub_404: str) -> None:
    home = tmp_path / "h"
    done = pull_in_subprocess(home, tiny_dir, hub_404, "--profile", "fast", "--to", str(tmp_path / "m"))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "Logging error" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: could not pull")]
    assert [e.split()[4].rstrip(":") for e in errors] == FAST, done.stderr
    assert len(done.stderr.splitlines()) == 4
    log = (home / "logs" / "workbench.log").read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in log and [log.count(f"pulling {m} failed") for m in FAST] == [1, 1, 1]
    assert f"details in {home / 'logs' / 'workbench.log'}" in done.stderr


def test_a_log_that_cannot_be_written_prints_no_logging_error(tmp_path: Path, tiny_dir: Path, hub_404: str) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full to stand for a full disk")
    home = tmp_path / "h"
    (home / "logs").mkdir(parents=True)
    (home / "logs" / "workbench.log").symlink_to("/dev/full")  # every write: "No space left on device"
    done = pull_in_subprocess(home, tiny_dir, hub_404, "--model", FAST[0], "--to", str(tmp_path / "m"))
    assert done.returncode == 1
    assert "Logging error" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.splitlines() == [done.stderr.splitlines()[0], f"Error: 1 model(s) not pulled: {FAST[0]}"]


def test_internal_error_with_a_full_log_is_still_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.app.api import Workbench

    def broken(self: Workbench) -> list[dict[str, object]]:
        raise RuntimeError("a bug")

    monkeypatch.setattr(Workbench, "articles", broken)
    good = run("--home", str(tmp_path / "ok"), "list")
    log = tmp_path / "ok" / "logs" / "workbench.log"
    assert good.exit_code == 1 and f"the traceback is in {log}" in good.stderr
    assert "Traceback" in log.read_text(encoding="utf-8") and "Traceback" not in good.output
    if Path("/dev/full").exists():
        full = tmp_path / "full"
        (full / "logs").mkdir(parents=True)
        (full / "logs" / "workbench.log").symlink_to("/dev/full")
        bad = run("--home", str(full), "list")
        assert bad.exit_code == 1
        assert bad.stderr.strip() == ("Error: internal error (RuntimeError: a bug); the log file could not be written")


def test_pull_tiny_says_there_is_nothing_to_pull(tmp_path: Path) -> None:
    dest = tmp_path / "models"
    result = run("--home", str(tmp_path / "h"), "models", "pull", "--profile", "tiny", "--to", str(dest))
    assert result.exit_code == 0
    assert "nothing to pull" in result.output and "built on this machine" in result.output
    assert "WORKBENCH_MODELS=" not in result.output.replace("no WORKBENCH_MODELS", "") and "done" not in result.output
    assert not dest.exists()


# ---------------------------------------------------------------------------------------------- a translated home
ARTICLE = "عنوان الخبر\n\nقال الوزير إن المحادثات ستستمر غدا في العاصمة.\n"


@pytest.fixture(scope="module")
def tiny_home_template(tmp_path_factory: pytest.TempPathFactory, tiny_dir: Path, ct2_dir: Path) -> Path:
    """A home with one article translated by the tiny profile (through `--to "en,  ru"`) and one imported only."""
    root = tmp_path_factory.mktemp("first-hour")
    (root / "one.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "two.txt").write_text(ARTICLE.replace("غدا", "اليوم"), encoding="utf-8")
    env = {"HF_HUB_OFFLINE": "1", "WORKBENCH_TINY_DIR": str(tiny_dir), "WORKBENCH_CT2_DIR": str(ct2_dir),
           "WORKBENCH_THREADS": "1", "HF_HOME": str(root / "hf"), "HF_HUB_CACHE": str(root / "hf" / "hub")}
    home = str(root / "data")
    done = run("--home", home, "translate", "--profile", "tiny", "--to", "en,  ru", "-q", str(root / "one.txt"), env=env)
    assert done.exit_code == 0, done.output
    assert run("--home", home, "import", str(root / "two.txt"), env=env).exit_code == 0
    return root / "data"


@pytest.fixture
def tiny_home(tiny_home_template: Path, tmp_path: Path) -> Path:
    home = tmp_path / "data"
    shutil.copytree(tiny_home_template, home)
    return home


def test_list_and_status_mark_tiny_output(tiny_home: Path) -> None:
    for command in ("list", "status"):
        result = run("--home", str(tiny_home), command)
        assert result.exit_code == 0, result.output
        rows = [line for line in result.output.splitlines() if line.startswith(("one", "two"))]
        assert [row.startswith("one") for row in rows] == [True, False]
        assert MEANINGLESS_MARK in rows[0] and MEANINGLESS_MARK not in rows[1]
        assert MEANINGLESS_NOTE in result.output
        data = json.loads(run("--home", str(tiny_home), command, "--json").output)
        assert {r["id"]: r["meaningless"] for r in data} == {"one": True, "two": False}


def test_status_reports_a_bad_config(tiny_home: Path) -> None:
    (tiny_home / "config.toml").write_text("profile = \n", encoding="utf-8")
    result = run("--home", str(tiny_home), "status")
    assert result.exit_code == 1
    assert "config.toml: not valid TOML" in result.stderr and "one" not in result.output


def test_home_works_after_the_command_name(tiny_home: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    for args in (["list", "--home", str(tiny_home)], ["--home", str(other), "list", "--home", str(tiny_home)]):
        result = run(*args)
        assert result.exit_code == 0, result.output
        assert result.output.startswith("one")
    assert not other.exists()  # the --home after the command name wins
    env = {"WORKBENCH_HOME": str(other)}
    assert run("status", "--home", str(tiny_home), env=env).output.startswith("one")
    assert run("models", "list", "--home", str(tiny_home)).exit_code == 0
    assert "No such option" in CliRunner().invoke(cli, ["list", "--nohome"], obj={}).output


def test_serve_takes_the_profile_of_the_home_and_says_so(tiny_home: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import workbench.app.ui as ui

    launched: list[str] = []
    monkeypatch.setattr(ui, "launch", lambda wb, **kw: launched.append(wb.selection().profile))
    result = run("--home", str(tiny_home), "serve", "--port", "7999")
    assert result.exit_code == 0, result.output
    assert "profile tiny (this home's latest translation; --profile to choose), engine ct2, device cpu" in result.output
    assert MEANINGLESS_NOTE in result.output and "warning" not in result.stderr
    fresh = run("--home", str(tmp_path / "fresh"), "serve")
    assert "profile quality (the default; --profile to choose)" in fresh.output
    warnings = fresh.stderr.splitlines()
    assert len(warnings) == 3 and all("not on this machine" in w for w in warnings)
    assert all("`workbench models pull --profile quality`" in w for w in warnings)
    chosen = run("--home", str(tiny_home), "serve", "--profile", "fast")
    assert "profile fast (--profile" in chosen.output
    assert launched == ["tiny", "quality", "fast"]
    assert "engine auto" not in fresh.output + chosen.output and "device auto" not in fresh.output + chosen.output


def test_serve_exits_130_on_ctrl_c(tiny_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Gradio catches the KeyboardInterrupt, closes the server and returns: serve said nothing and exited 0."""
    import os
    import signal
    import time

    import workbench.app.ui as ui

    def gradio_like(wb: object, **kw: object) -> None:
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(30)  # interrupted at once
        except KeyboardInterrupt:
            pass  # what gradio's Blocks.block_thread does: "Keyboard interruption in main thread... closing server."

    monkeypatch.setattr(ui, "launch", gradio_like)
    result = run("--home", str(tiny_home), "serve", "--port", "7999")
    assert result.exit_code == 130, result.output
    assert result.stderr.strip().splitlines()[-1].startswith("stopped (Ctrl-C)")


# ---------------------------------------------------------------------------------------------- translate
def test_spaces_after_commas_in_to(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--home", str(tmp_path / "h"), "translate", "--profile", "tiny",
                                      "--to", "en,", "ru"], obj={})  # what the shell makes of `--to en,  ru`
    assert result.exit_code == 2
    assert "'ru' looks like a language; write --to en,ru without spaces" in result.output
    assert not (tmp_path / "h").exists()


def test_an_empty_folder_is_nothing_to_translate_and_loads_no_model(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    fresh_tiny = tmp_path / "tiny"
    monkeypatch.setenv("WORKBENCH_TINY_DIR", str(fresh_tiny))
    (tmp_path / "empty").mkdir()
    result = run("--home", str(tmp_path / "h"), "translate", "--profile", "tiny", str(tmp_path / "empty"))
    assert result.exit_code == 1
    assert "nothing to translate: no article was imported from" in result.stderr
    assert MEANINGLESS_NOTE not in result.output
    assert not fresh_tiny.exists()  # no tiny model was built, so none was loaded


def test_a_known_non_commercial_model_is_refused_before_anything_is_loaded(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    home = str(tmp_path / "h")
    result = run("--home", home, "translate", "--profile", "tiny", "--licence", "permissive",
                 "--model", "en=facebook/nllb-200-distilled-600M", str(tmp_path / "a.txt"))
    assert result.exit_code == 1
    assert "facebook/nllb-200-distilled-600M has licence 'cc-by-nc-4.0', which is not permissive" in result.stderr
    assert "not available" not in result.stderr  # refused from the catalog, not after trying to locate it
    assert run("--home", home, "list").output.startswith("no articles yet")  # nothing imported either


def test_show_list_and_effort_answer_as_their_operations(tmp_path: Path) -> None:
    """`show`, `list` and `effort` run the service's operations: the same checks, one line without its name."""
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    home = str(tmp_path / "h")
    assert run("--home", home, "import", str(tmp_path / "a.txt")).exit_code == 0
    assert json.loads(run("--home", home, "show", "a", "--json").output)["id"] == "a"
    assert [row["id"] for row in json.loads(run("--home", home, "list", "--json").output)] == ["a"]
    refused = run("--home", home, "show", "../a")
    assert refused.exit_code == 1 and refused.stderr.startswith("Error: article_id: not a valid article id: '../a' (")
    assert run("--home", home, "effort", "--by", "article", "--json").output == "[]\n"


def test_the_offline_hint_pulls_the_model_that_is_missing(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    outside = run("--home", str(tmp_path / "h"), "translate", "--profile", "fast", "--to", "en",
                  "--model", "en=Helsinki-NLP/opus-mt-ar-ru", str(tmp_path / "a.txt"))
    assert outside.exit_code == 1
    assert "`workbench models pull --model Helsinki-NLP/opus-mt-ar-ru --to DIR`" in outside.stderr
    inside = run("--home", str(tmp_path / "h"), "translate", "--profile", "fast", "--to", "en", str(tmp_path / "a.txt"))
    assert "`workbench models pull --profile fast --to DIR`" in inside.stderr


def test_models_list_shows_routes_and_availability(tmp_path: Path) -> None:
    home = tmp_path / "h"
    bundle = home / "models" / "Helsinki-NLP--opus-mt-ar-en"
    bundle.mkdir(parents=True)
    (bundle / "config.json").write_text("{}", encoding="utf-8")  # what `models pull` leaves, as far as finding it goes
    rows = json.loads(run("--home", str(home), "models", "list", "--json").output)
    by = {(r["profile"], r["role"]): r for r in rows}
    assert by[("tiny", "ru")]["available"] and by[("tiny", "ru")]["via"] == "en"
    assert by[("fast", "en")]["available"] and by[("fast", "en")]["where"] == str(bundle)
    assert not by[("quality", "en")]["available"] and by[("quality", "en")]["where"] is None
    assert by[("quality", "ru")]["route"] == "ar→en→ru (ru via en)"
    text = run("--home", str(home), "models", "list").output
    line = next(x for x in text.splitlines() if x.startswith("fast") and " ru " in x)
    assert "ru via en" in line and "not here" in line


# ---------------------------------------------------------------------------------------------- pipes and Ctrl-C
def test_a_closed_pipe_ends_quietly(tmp_path: Path, tiny_dir: Path) -> None:
    env = subprocess_env(tmp_path / "h", tiny_dir)
    proc = subprocess.Popen([sys.executable, "-m", "workbench", "models", "list"], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `| head -1` that has already exited
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 1
    assert stderr == "", stderr


def test_ctrl_c_says_what_was_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.app.api import Workbench

    def interrupted(self: Workbench, *args: object, **kw: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(Workbench, "translate", interrupted)
    shutil.copytree(SEEDS, tmp_path / "seeds")
    result = run("--home", str(tmp_path / "h"), "translate", "--profile", "tiny", str(tmp_path / "seeds"))
    assert result.exit_code == 130
    assert result.stderr.strip().endswith(INTERRUPTED) and "Aborted" not in result.output
    assert len(run("--home", str(tmp_path / "h"), "list").output.splitlines()) >= 5  # the import was kept



@pytest.mark.parametrize("device", ["gpu", "banana", "cuda:x", "CPU"])
def test_an_unknown_device_is_one_line_before_anything(tmp_path: Path, device: str) -> None:
    """`--device gpu` and `--device banana` were taken and the run went on on the CPU."""
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    result = run("--home", str(tmp_path / "h"), "translate", "--profile", "tiny", "--device", device,
                 str(tmp_path / "a.txt"))
    assert result.exit_code == 2
    assert f"Invalid value for '--device': '{device}': use auto, cpu, cuda or cuda:N" in result.stderr
    assert not (tmp_path / "h").exists()


def test_an_unknown_device_in_config_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "h").mkdir()
    (tmp_path / "h" / "config.toml").write_text('device = "gpu"\n', encoding="utf-8")
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    result = run("--home", str(tmp_path / "h"), "translate", "--profile", "tiny", str(tmp_path / "a.txt"))
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: config.toml device 'gpu': use auto, cpu, cuda or cuda:N"


def test_cuda_without_a_gpu_fails_once_before_importing_or_loading(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """It failed once per article and language, after the models were loaded."""
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    fresh_tiny = tmp_path / "tiny"
    monkeypatch.setenv("WORKBENCH_TINY_DIR", str(fresh_tiny))
    for name in ("a", "b"):
        (tmp_path / f"{name}.txt").write_text(ARTICLE.replace("غدا", name), encoding="utf-8")
    home = str(tmp_path / "h")
    result = run("--home", home, "translate", "--profile", "tiny", "--to", "en,ru", "--device", "cuda",
                 str(tmp_path / "a.txt"), str(tmp_path / "b.txt"))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "Error: --device cuda: no CUDA GPU is usable on this machine; use --device cpu or auto"]
    assert not fresh_tiny.exists()  # no model was built or loaded
    assert run("--home", home, "list").output.startswith("no articles yet")


def test_ctrl_c_in_a_finalizer_still_ends_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SIGINT that lands while the main thread runs a `__del__` is printed as "Exception ignored" by Python and
    the run went on to the end (1 Ctrl-C in 5): the next progress step now ends it, with exit 130."""
    import gc
    import os
    import signal

    from workbench.app.api import Workbench

    went_on: list[str] = []

    class Finalized:
        def __del__(self) -> None:
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(10_000_000):  # the handler runs here, inside the finalizer, and its exception is lost
                pass

    def translate(self: Workbench, ids: list[str], targets: list[str], *, progress: object, **kw: object) -> object:
        Finalized()  # dropped at once: __del__ runs now
        gc.collect()
        progress.start(len(ids), 10)  # type: ignore[attr-defined]
        for article_id in ids:
            progress.advance(1, 0)  # type: ignore[attr-defined]
            went_on.append(article_id)
        raise AssertionError("the run went on after Ctrl-C")

    monkeypatch.setattr(Workbench, "translate", translate)
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    result = run("--home", str(tmp_path / "h"), "translate", "--profile", "tiny", str(tmp_path / "a.txt"))
    assert result.exit_code == 130, result.output
    assert result.stderr.strip().endswith(INTERRUPTED) and went_on == []
    assert "Exception ignored" not in result.stderr and "Traceback" not in result.stderr
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back after the command


def test_one_article_has_one_segment_count_in_import_list_and_status(translated):
    """import said 19, list 15 and status 16 for the same article: now each counts what is translated and reviewed
    (title, headings and body; not the date/source/photo lines)."""
    article = "000_b2b0b7ef8c4c7ace"
    home = str(translated.home)
    imported = json.loads(run("--home", home, "import", str(SEEDS / f"{article}.txt"), "--json").output)
    listed = {r["id"]: r for r in json.loads(run("--home", home, "list", "--json").output)}[article]
    status = {r["id"]: r for r in json.loads(run("--home", home, "status", "--json").output)}[article]
    counts = {imported["imported"][0]["segments"], listed["translatable_segments"],
              status["languages"]["en"]["total"]}
    assert counts == {16}, counts
    line = next(ln for ln in run("--home", home, "list").output.splitlines() if ln.startswith(article))
    assert " 16 seg " in line
