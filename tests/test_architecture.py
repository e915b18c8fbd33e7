"""The layout is the architecture: stages only import lower stages (function-level imports included), and
importing the package or its CLI loads no heavy library."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "workbench"
# Lower numbers are lower stages; a module may import its own stage and any lower one.
# No two packages share a stage. Models receive what choice resolved (a folder, a compute type);
# choice finds, licenses, measures and builds them through the models' registry; the benchmarks drive the
# service from above it; the installed command (`workbench.cli`) puts the app's commands and `bench` together.
# Review records events in the store's outbox; the newsroom, above it, sends them. No exemptions.
LAYERS = {"text": 1, "store": 2, "models": 3, "testing": 4, "choice": 5, "review": 6, "newsroom": 7, "runs": 8,
          "exchange": 9, "scale": 10, "app": 11, "bench": 12, "cli": 13}


def _stage(module: str) -> int:
    parts = module.split(".")
    return LAYERS.get(parts[1], 0) if len(parts) > 1 else 0


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[str]:
    """Every workbench module `path` imports, at any depth in the file."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("workbench"):
                found.append(target)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("workbench")]
    return found


def test_stages_only_import_lower_stages():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = _module_name(path)
        if name in ("workbench", "workbench.__main__"):  # entry points: the root re-exports the API, __main__ runs the CLI
            continue
        for target in _imports(path):
            if _stage(target) > _stage(name):
                wrong.append(f"{name} imports {target}")
    assert not wrong, "\n".join(wrong)


def test_every_stage_is_a_package_with_a_docstring():
    for stage in LAYERS:
        init = PACKAGE / stage / "__init__.py"
        assert init.exists() and ast.get_docstring(ast.parse(init.read_text())), stage


def test_only_the_distributed_runner_imports_ray():
    users = sorted(str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                   if any(isinstance(node, (ast.Import, ast.ImportFrom)) and "ray" in (
                       [a.name.split(".")[0] for a in node.names] if isinstance(node, ast.Import)
                       else [(node.module or "").split(".")[0]]) for node in ast.walk(ast.parse(path.read_text()))))
    assert users == ["scale/distributed.py"]


def test_importing_the_package_and_cli_loads_no_heavy_library():
    code = ("import sys, workbench, workbench.cli, workbench.app.api; "
            "print(sorted(m for m in ('torch', 'transformers', 'gradio', 'ctranslate2', 'ray') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
