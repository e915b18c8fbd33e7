"""The README documents what the code does: every `--json` shape in its "`--json` output" section is parsed and
compared with what the command prints on the translated seeds (so a README that lies fails here), every command
that takes `--json` is documented there, and every command and option has help text (sqlite-utils'
tests/test_docs.py is the model)."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from workbench.app.cli import cli

from .conftest import ROOT, SEEDS

# the documentation: the README and the guides and reference in docs/, read as one text
README = "\n".join(path.read_text(encoding="utf-8") for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])
ARTICLE = "003_70140ed69b948bf5"
REFERENCES = ROOT / "tests" / "data" / "reference_pairs.json"
CHECKS = ROOT / "tests" / "data" / "seeded_errors.jsonl"


# ---------------------------------------------------------------------- the README's notation
@dataclass
class Shape:
    """A documented JSON shape: an object with these keys, a map (one key per LANG, MODEL, …), a list, a named
    shape (UNIT), or any value (None)."""

    kind: str  # object | map | list | name
    keys: dict[str, Shape | None] = field(default_factory=dict)  # object
    optional: set[str] = field(default_factory=set)  # object keys written `key?`
    each: Shape | None = None  # map values, list items
    name: str = ""


def _tokens(text: str) -> list[str]:
    return re.findall(r"[{}\[\],:]|[^\s{}\[\],:]+", text)


class _Parser:
    def __init__(self, text: str):
        self.tokens = _tokens(text)
        self.at = 0

    def take(self, expected: str | None = None) -> str:
        token = self.tokens[self.at]
        if expected is not None and token != expected:
            raise ValueError(f"expected {expected!r}, got {token!r} in {' '.join(self.tokens)}")
        self.at += 1
        return token

    def value(self) -> Shape:
        token = self.tokens[self.at]
        if token == "{":
            return self.obj()
        if token == "[":
            self.take("[")
            each = self.value()
            self.take("]")
            return Shape("list", each=each)
        if re.fullmatch(r"[A-Z_]+", token):
            return Shape("name", name=self.take())
        raise ValueError(f"not a shape: {token!r}")

    def obj(self) -> Shape:
        self.take("{")
        keys: dict[str, Shape | None] = {}
        optional: set[str] = set()
        while self.tokens[self.at] != "}":
            key = self.take()
            if key.endswith("?"):
                key = key[:-1]
                optional.add(key)
            keys[key] = None
            if self.tokens[self.at] == ":":
                self.take(":")
                keys[key] = self.value()
            if self.tokens[self.at] == ",":
                self.take(",")
        self.take("}")
        if len(keys) == 1 and re.fullmatch(r"[A-Z_]+", next(iter(keys))):  # {LANG: …}: one key per language
            return Shape("map", each=next(iter(keys.values())))
        return Shape("object", keys=keys, optional=optional)

    def done(self) -> Shape:
        shape = self.value()
        if self.at != len(self.tokens):
            raise ValueError(f"text after the shape: {' '.join(self.tokens[self.at:])}")
        return shape


def parse(text: str) -> Shape:
    return _Parser(text).done()


def _section() -> str:
    return README.split("## `--json` output\n", 1)[1].split("\n## ", 1)[0]


def documented() -> dict[str, Shape]:
    """README label ("list", "eval --approved") → the shape it documents."""
    found = re.findall(r"^- `([a-z][a-z -]*?) --json`: `([^`]+)`", _section(), re.M)
    return {label: parse(" ".join(text.split())) for label, text in found}


def definitions() -> dict[str, Shape]:
    """The named shapes: "`UNIT` (…) is `{…}`"."""
    found = re.findall(r"`([A-Z_]+)`(?: \([^)]*\))? is\s+`(\{[^`]+\})`", _section())
    return {name: parse(" ".join(text.split())) for name, text in found}


def check(shape: Shape | None, value: Any, where: str, names: dict[str, Shape]) -> None:
    """`value` has exactly the documented keys, all the way down (null and undocumented insides pass)."""
    if shape is None or value is None:
        return
    if shape.kind == "name":
        assert shape.name in names, f"{where}: {shape.name} is used but not defined in the README"
        check(names[shape.name], value, where, names)
    elif shape.kind == "list":
        assert isinstance(value, list), f"{where}: documented as a list, got {type(value).__name__}"
        for i, item in enumerate(value):
            check(shape.each, item, f"{where}[{i}]", names)
    else:
        assert isinstance(value, dict), f"{where}: documented as an object, got {type(value).__name__}"
        if shape.kind == "map":
            for key, item in value.items():
                check(shape.each, item, f"{where}.{key}", names)
            return
        required = set(shape.keys) - shape.optional
        assert set(value) >= required, f"{where}: the README lists {sorted(required - set(value))}, not printed"
        assert set(value) <= set(shape.keys), f"{where}: printed {sorted(set(value) - set(shape.keys))}, not in the README"
        for key, item in value.items():
            check(shape.keys[key], item, f"{where}.{key}", names)


def test_the_notation_is_parsed_and_checked():
    names = {"U": parse("{a, b?: [{c}]}")}
    shape = parse("{x: {LANG: U}, y: [U]}")
    check(shape, {"x": {"en": {"a": 1}, "ru": None}, "y": [{"a": 1, "b": [{"c": 2}]}]}, "v", names)
    with pytest.raises(AssertionError, match=r"printed \['z'\], not in the README"):
        check(shape, {"x": {}, "y": [], "z": 1}, "v", names)
    with pytest.raises(AssertionError, match=r"v.y\[0\].b\[0\]: the README lists \['c'\]"):
        check(shape, {"x": {}, "y": [{"a": 1, "b": [{}]}]}, "v", names)


# ---------------------------------------------------------------------- what the commands print
def _edit_and_approve(home: Path) -> None:
    """A reviewer's timed edit in an article whose English is then approved (effort, eval --approved), and one
    glossary save (glossary --history)."""
    from workbench import Workbench
    from workbench.review.glossary import save_rows, version

    with Workbench(home, profile="tiny") as wb:
        view = wb.article(ARTICLE)
        first = view.translatable[1]
        unit = first.unit("en")
        assert unit is not None
        wb.save(ARTICLE, first.id, "en", "Lavrov said the two countries solve their issues together.", author="ann",
                base_revision_id=unit.revision_id, seconds_open=12.0, reviewed=True)
        for row, current in wb.article(ARTICLE).units("en"):
            if current and not current.reviewed:
                wb.confirm(ARTICLE, row.id, "en", author="ann", base_revision_id=current.revision_id)
        wb.approve(ARTICLE, "en", "ann", override="tiny models")
        rows = [["|".join(t.ar), "|".join(t.en), "|".join(t.ru), t.note] for t in wb.glossary().terms]
        save_rows(wb.store, [*rows, ["أستانا", "Astana", "Астана", ""]], base_version=version(wb.store), author="ann")


def _xliff_with_every_outcome(home: Path, run: Any, tmp: Path) -> Path:
    """An exported XLIFF with one target changed (applied), one changed here and there (a conflict) and one id
    that does not exist (unknown)."""
    from lxml import etree

    from workbench import Workbench

    path = tmp / "review.xlf"
    assert run("export", ARTICLE, "--to", "ru", "--format", "xliff", "--out", str(path), as_json=False) is None
    ns = "urn:oasis:names:tc:xliff:document:1.2"
    doc = etree.parse(str(path))
    units = doc.findall(f".//{{{ns}}}trans-unit")
    units[1].find(f"{{{ns}}}target").text = "changed outside"
    units[2].find(f"{{{ns}}}target").text = "changed outside too"
    units[3].set("id", f"{ARTICLE}.doesnotexist")
    doc.write(str(path), xml_declaration=True, encoding="UTF-8")
    with Workbench(home, profile="tiny") as wb:
        unit = wb.article(ARTICLE).row(units[2].get("id")).unit("ru")
        assert unit is not None
        wb.save(ARTICLE, units[2].get("id"), "ru", "changed here", author="bob", base_revision_id=unit.revision_id)
    return path


@pytest.fixture(scope="module")
def printed(translated_template: Path, tmp_path_factory: pytest.TempPathFactory, tiny_dir: Path,
            ct2_dir: Path) -> dict[str, Any]:
    """Every documented command's --json output on a copy of the translated seeds."""
    tmp = tmp_path_factory.mktemp("docs")
    home = tmp / "data"
    shutil.copytree(translated_template, home)
    with pytest.MonkeyPatch.context() as mp:
        for name, value in {"HF_HUB_OFFLINE": "1", "WORKBENCH_THREADS": "1", "WORKBENCH_TINY_DIR": str(tiny_dir),
                            "WORKBENCH_CT2_DIR": str(ct2_dir), "HF_HOME": str(tiny_dir.parent / "hf-home-docs")}.items():
            mp.setenv(name, value)
        mp.delenv("WORKBENCH_HOME", raising=False)

        def run(*args: str, code: int = 0, at: Path = home, as_json: bool = True) -> Any:
            result = CliRunner().invoke(cli, ["--home", str(at), *args, *(["--json"] if as_json else [])])
            assert result.exit_code == code, (args, result.output)
            return json.loads(result.stdout) if as_json else None

        _edit_and_approve(home)
        xliff = _xliff_with_every_outcome(home, run, tmp)
        (tmp / "empty.txt").write_text("")
        (tmp / "shards").mkdir()
        from workbench.scale.shards import PREFIX

        (tmp / "shards" / f"{PREFIX}damaged.jsonl").write_text("not json\n")
        return {
            "import": run("import", str(next(SEEDS.glob("003_*.txt"))), str(tmp / "empty.txt"), code=1, at=tmp / "new"),
            "list": run("list"), "show": run("show", ARTICLE), "status": run("status"),
            "translate": run("translate", "--all", "--to", "en", "--profile", "tiny"),
            "ingest": run("ingest", str(tmp / "shards"), code=1),
            "import-xliff": run("import-xliff", str(xliff), code=1),
            "qa": run("qa", "--all"), "glossary": run("glossary"), "glossary --history": run("glossary", "--history"),
            "models list": run("models", "list"),
            "eval": run("eval", str(REFERENCES), "--profile", "tiny", "--to", "en", "--compare", "tiny:m2m100"),
            "eval --approved": run("eval", "--approved"), "effort": run("effort"),
            "eval --checks": run("eval", "--checks", str(CHECKS)), "ledger": run("ledger"), "queue": run("queue"),
            **_newsroom(run, tmp),
        }


def _newsroom(run: Any, tmp: Path) -> dict[str, Any]:
    """A followed feed on a loopback address (refused: private addresses need `allow_private_feeds`), so the
    poll has a failure to show; publishing the approved article."""
    run("feeds", "add", "http://127.0.0.1:9/feed.xml", "--name", "local", as_json=False)
    watched = run("watch", "--once", "--no-translate", code=1)
    return {"watch": watched, "feeds list": run("feeds", "list"),
            "publish": run("publish", "--format", "markdown", "--out", str(tmp / "site"))}


def _ray_report() -> dict[str, Any]:
    """`translate --runner ray --json` prints its report's to_dict() (running Ray is tests/test_ray.py's work)."""
    from workbench.app.render import RayText
    from workbench.scale.distributed import DistributedReport

    failure = {"article_id": ARTICLE, "lang": "en", "segment_id": f"{ARTICLE}.x", "reason": "boom"}
    return RayText(DistributedReport(failures=[failure]), "out").to_dict()


NOT_RUN_HERE = {"translate --runner ray", "bench"}  # checked below (Ray) and in the slow test (bench)


def test_every_documented_shape_is_what_the_command_prints(printed: dict[str, Any]):
    shapes, names = documented(), definitions()
    assert set(shapes) == set(printed) | NOT_RUN_HERE
    for label, value in printed.items():
        check(shapes[label], value, label, names)
    check(shapes["translate --runner ray"], _ray_report(), "translate --runner ray", names)


def test_the_runs_reach_what_the_readme_describes(printed: dict[str, Any]):
    """The outputs checked above are not empty where the README describes insides (so their keys were checked)."""
    assert printed["import"]["imported"] and printed["import"]["problems"]
    xliff = printed["import-xliff"]
    assert xliff["applied"] and xliff["unknown"] and "workbench_text" in xliff["conflicts"][0]
    assert printed["glossary --history"] and printed["effort"] and printed["qa"]
    assert printed["eval"]["languages"]["en"]["compare"]["paired_bootstrap"]
    assert printed["eval --approved"]["approved"]["en"]
    assert printed["eval --checks"]["cases"][0]["flags"] is not None and printed["ledger"]
    assert any(row["reasons"] for row in printed["queue"]["rows"])
    ru = next(row["targets"]["ru"] for row in printed["show"]["segments"] if row["kind"] != "meta")
    assert ru["machine"] and ru["confidence"] and printed["show"]["summaries"]["en"]["machine"]
    assert printed["watch"]["failures"] and printed["feeds list"][0]["error"] and printed["publish"]["written"]


def test_every_command_with_json_is_documented_and_its_help_agrees():
    """A command that takes --json is in the README's section; where its --json help names keys in braces, they
    are the README's (top-level) keys."""
    shapes = documented()
    for path, command in _commands():
        option = next((p for p in command.params if p.name == "as_json"), None)
        if option is None:
            continue
        label = " ".join(path)
        assert label in shapes, f"`{label} --json` is not documented in the README"
        braces = re.search(r"\{([^{}]*?)(?:\{|\})", getattr(option, "help", None) or "")
        if braces:
            keys = {k.split(":")[0].strip() for k in braces.group(1).split(",") if k.strip()}
            shape = shapes[label]
            top = shape.each if shape.kind == "list" else shape
            assert top is not None and keys == set(top.keys), f"{label}: --json help says {sorted(keys)}"


def _commands(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize("path", [" ".join(p) for p, _ in _commands()])
def test_every_command_and_option_has_help(path: str):
    command = dict((" ".join(p), c) for p, c in _commands())[path]
    assert command.help and command.help.strip(), f"{path} has no help text"
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help, f"{path} {param.opts[0]} has no help text"


def test_every_command_is_in_the_readme_usage():
    """Each top-level command is named somewhere in the README (as `workbench NAME`)."""
    for name in cli.commands:
        assert f"workbench {name}" in README, f"`workbench {name}` is not in the README"


@pytest.mark.slow
def test_bench_json_is_what_the_readme_says(tmp_path: Path):
    """bench measures the real opus-mt-ar-en architecture (random weights); the smallest run takes ~10 s."""
    result = CliRunner().invoke(cli, ["--home", str(tmp_path), "bench", "--sentences", "2", "--baseline-sentences", "1",
                                      "--output-tokens", "2", "--beams", "1", "--no-summarizer", "--no-confidence",
                                      "--no-compute", "--no-llm", "--threads", "1", "--json"])
    assert result.exit_code == 0, result.output
    check(documented()["bench"], json.loads(result.stdout), "bench", definitions())


# ---------------------------------------------------------------------- every code block of the README
@dataclass
class Block:
    line: int
    lang: str
    body: str


def readme_blocks() -> list[Block]:
    """The README's fenced code blocks (indented ones inside lists too), dedented."""
    found = []
    for m in re.finditer(r"^(?P<indent> *)```(?P<lang>\w*)\n(?P<body>.*?)^(?P=indent)```[ \t]*$", README, re.M | re.S):
        indent = len(m.group("indent"))
        body = "".join(line[indent:] if line[:indent].strip() == "" else line
                       for line in m.group("body").splitlines(keepends=True))
        found.append(Block(README.count("\n", 0, m.start()) + 1, m.group("lang"), body))
    return found


def _shell_commands(line: str) -> list[list[str]]:
    """The simple commands of one shell line (split at &&, ||, ;, |), comments dropped."""
    import shlex

    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    commands: list[list[str]] = [[]]
    for token in lexer:
        if token and set(token) <= set("&|;<>()"):
            commands.append([])
        else:
            commands[-1].append(token)
    return [c for c in commands if c]


def workbench_lines() -> list[tuple[int, list[str]]]:
    """Every `workbench …` command of the README's shell blocks (and a systemd unit's ExecStart): its arguments.
    In a block with `$ ` prompts only the prompted lines are commands; `[--option value]` is written as given."""
    out = []
    for block in readme_blocks():
        if block.lang not in ("", "bash", "sh", "console", "ini"):
            continue
        lines = block.body.splitlines()
        prompted = any(line.startswith("$ ") for line in lines)
        for i, line in enumerate(lines):
            if block.lang == "ini":
                if not line.startswith("ExecStart="):
                    continue
                line = line.removeprefix("ExecStart=")
            elif prompted:
                if not line.startswith("$ "):
                    continue
                line = line[2:]
            line = re.sub(r"\[(--[^\]]*)\]", r"\1", line)  # an optional part: checked as if given
            for command in _shell_commands(line):
                if Path(command[0]).name == "workbench":
                    out.append((block.line + 1 + i, command[1:]))
    return out


def _unset(value: Any) -> bool:
    return value is None or type(value).__name__ == "Sentinel"  # click 8.2+: UNSET


def parse_command(args: list[str]) -> str:
    """Parse `args` as the real CLI would, without running anything: the command exists, every option exists and
    has its value, and the arguments fit the command's (no extra, none missing). Returns the command's path."""
    group: click.Command = cli
    ctx = click.Context(cli, info_name="workbench")
    path = []
    while True:
        command = ctx.command
        opts, rest, _ = command.make_parser(ctx).parse_args(list(args))  # NoSuchOption, BadOptionUsage
        if isinstance(command, click.Group):
            assert rest, f"`workbench {' '.join(path)}` needs a command"
            name, args = rest[0], rest[1:]
            assert name in command.commands, f"no command `{' '.join([*path, name])}`"
            path.append(name)
            group = command.commands[name]
            ctx = click.Context(group, info_name=name, parent=ctx)
            continue
        assert not rest, f"`workbench {' '.join(path)}`: extra arguments {rest}"
        for param in command.params:
            if isinstance(param, click.Argument) and param.required:
                assert not _unset(opts.get(param.name)), f"`workbench {' '.join(path)}`: {param.name} is missing"
        return " ".join(path)


def test_the_command_parser_catches_what_it_should():
    assert parse_command(["--home", "x", "translate", "seeds/", "--to", "en,ru", "--summarize"]) == "translate"
    assert parse_command(["feeds", "add", "https://x/rss", "--name", "n"]) == "feeds add"
    with pytest.raises(click.NoSuchOption):
        parse_command(["eval", "--src", "a", "--reference", "b"])
    with pytest.raises(AssertionError, match="no command `translat`"):
        parse_command(["translat", "seeds/"])
    with pytest.raises(AssertionError, match="extra arguments"):
        parse_command(["show", "a", "b"])
    with pytest.raises(AssertionError, match="article_id is missing"):
        parse_command(["show"])
    with pytest.raises(click.BadOptionUsage):
        parse_command(["list", "--home"])
    assert _shell_commands("a b && .venv/bin/workbench list # c | d") == [["a", "b"], [".venv/bin/workbench", "list"]]


def test_every_workbench_command_in_the_readme_blocks_parses():
    lines = workbench_lines()
    assert len(lines) >= 20  # the Usage block, Quick start, newsroom, Ray, the systemd unit …
    problems = []
    for number, args in lines:
        try:
            parse_command(args)
        except (AssertionError, click.ClickException) as exc:
            problems.append(f"README.md:{number}: workbench {' '.join(args)}: {exc}")
    assert not problems, "\n".join(problems)


def test_every_workbench_option_in_the_readme_text_exists():
    """Inline `workbench …` spans (with placeholders such as `…`, `ID` and `[--x …|--y …]`): the command exists and
    each --option it names is one of that command's. (`eval --ref en=FILE` was one such line.)"""
    problems = []
    for span in re.findall(r"`(?:\.venv/bin/)?workbench ((?:--home \S+ )?[a-z][^`]*)`", README):
        words = span.removeprefix("--home DIR ").split()
        group: click.Command = cli
        path = []
        while isinstance(group, click.Group) and words and words[0] in group.commands:
            path.append(words[0])
            group = group.commands[words.pop(0)]
        if not path:
            if re.match(r"[a-z]+\b", span) and span.split()[0] not in ("COMMAND",):
                problems.append(f"`workbench {span}`: no command {span.split()[0]!r}")
            continue
        known = {o for p in group.params if isinstance(p, click.Option) for o in [*p.opts, *p.secondary_opts]}
        known |= {o for p in cli.params if isinstance(p, click.Option) for o in p.opts} | {"--help"}
        for option in re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", " ".join(words)):
            if option not in known:
                problems.append(f"`workbench {span}`: {' '.join(path)} has no {option}")
    assert not problems, "\n".join(problems)


def test_every_python_block_in_the_readme_compiles_and_calls_what_exists():
    """Each python block compiles; gradio_client calls name a registered endpoint with an argument count it takes
    (the Python API block runs in the next test)."""
    import ast

    from workbench.app.operations import OPERATIONS

    endpoints = {name: (len(op.kinds), sum(1 for k in op.kinds if k not in op.defaults))
                 for name, op in OPERATIONS.items()} | {"get_glossary": (0, 0), "save_glossary": (3, 1)}
    sources = [b.body for b in readme_blocks() if b.lang == "python"]
    sources += re.findall(r"^\$ python -c '([^']*)'", README, re.M)
    assert len(sources) >= 4
    calls = 0
    for source in sources:
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "predict":
                name = next(k.value.value for k in node.keywords if k.arg == "api_name"
                            and isinstance(k.value, ast.Constant)).lstrip("/")
                assert name in endpoints, f"/{name} is not an endpoint"
                most, least = endpoints[name]
                assert least <= len(node.args) <= most, f"/{name} takes {least}..{most} arguments, given {len(node.args)}"
                calls += 1
    assert calls >= 7


def test_the_readme_python_api_block_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_dir: Path,
                                          ct2_dir: Path) -> None:
    """The Python API block as written, in a folder with the seeds, on the tiny profile (the Ray line is left to
    tests/test_ray.py); the webhook receiver's check block verifies a signature."""
    import hashlib
    import hmac

    [api] = [b.body for b in readme_blocks() if b.lang == "python" and "from workbench import Workbench" in b.body]
    assert 'profile="tiny"' in api
    shutil.copytree(SEEDS, tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    for name, value in {"HF_HUB_OFFLINE": "1", "WORKBENCH_THREADS": "1", "WORKBENCH_TINY_DIR": str(tiny_dir),
                        "WORKBENCH_CT2_DIR": str(ct2_dir)}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("WORKBENCH_HOME", raising=False)
    runnable = "\n".join(line for line in api.splitlines() if "translate_on_ray" not in line)
    scope: dict[str, Any] = {}
    exec(compile(runnable, "README.md (Python API)", "exec"), scope)
    assert scope["report"].ok and scope["wb"].article(scope["article"].id).status["en"] == "approved"
    scope["wb"].close()
    [receiver] = [b.body for b in readme_blocks() if b.lang == "python" and "def signed" in b.body]
    exec(compile(receiver, "README.md (webhook)", "exec"), scope)
    body, secret = b'{"event": "published"}', b"s3cret"
    assert scope["signed"](secret, body, "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest())
    assert not scope["signed"](secret, body, "sha256=00")


def test_every_toml_block_in_the_readme_is_a_config_the_workbench_takes(tmp_path: Path) -> None:
    import tomllib

    from workbench.engines.profiles import select
    from workbench.settings import newsroom_settings, webhook_settings

    blocks = [b for b in readme_blocks() if b.lang == "toml"]
    assert len(blocks) >= 2
    for i, block in enumerate(blocks):
        tomllib.loads(block.body)
        home = tmp_path / f"home{i}"
        home.mkdir()
        (home / "config.toml").write_text(block.body, encoding="utf-8")
        select(home=home)
        newsroom_settings(home)
        webhook_settings(home)


@pytest.mark.slow
def test_the_open_article_benchmark_runs_as_the_readme_writes_it(tmp_path: Path, tiny_dir: Path) -> None:
    """`python benchmarks/open_article.py` from the repository root, with no PYTHONPATH: it failed with "No module
    named 'workbench'" (and then passed a dict where the header wants an ArticleView)."""
    import os
    import subprocess
    import sys

    assert "`python benchmarks/open_article.py`" in README
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update({"HF_HUB_OFFLINE": "1", "WORKBENCH_TINY_DIR": str(tiny_dir), "WORKBENCH_THREADS": "1",
                "OMP_NUM_THREADS": "1", "HF_HOME": str(tmp_path / "hf")})
    done = subprocess.run([sys.executable, "benchmarks/open_article.py", "--runs", "1"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert len([line for line in done.stdout.splitlines() if line.startswith("00")]) == 5
