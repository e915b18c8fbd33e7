"""The fast tier (`pytest -m "not slow"`) tells the truth: no test in it asserts a duration, since a wall clock
flakes on a shared machine. A test whose behaviour is a deadline is marked `slow`; a fast test counts work
instead (as tests/test_cat.py counts folds rather than timing a search)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
CLOCKS = {"time", "monotonic", "perf_counter", "process_time"}


def _is_clock(node: ast.AST) -> bool:
    """`time.monotonic()`, `perf_counter()` and the like (`os.utime(..., time.time())` is not a call of a clock)."""
    if not isinstance(node, ast.Call) or node.args:
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name in CLOCKS


def _elapsed(node: ast.AST, spans: set[str]) -> bool:
    """Whether an expression is a clock reading minus another (or a name that holds one)."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id in spans:
            return True
        if isinstance(sub, ast.BinOp) and isinstance(sub.op, ast.Sub) and any(_is_clock(n) for n in ast.walk(sub)):
            return True
    return False


def _is_slow(decorators: list[ast.expr]) -> bool:
    """Marked `slow` as a whole (a parametrized test with one slow case is still in the fast tier)."""
    return any(ast.unparse(d) == "pytest.mark.slow" for d in decorators)


def duration_asserts(source: str) -> list[str]:
    """`line: name` of each test outside the slow tier that asserts an elapsed time."""
    tree = ast.parse(source)
    module_slow = any(isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "pytestmark" for t in node.targets)
                      and "slow" in ast.unparse(node.value) for node in tree.body)
    found = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or not node.name.startswith("test") or module_slow:
            continue
        if _is_slow(node.decorator_list):
            continue
        spans = {t.id for a in ast.walk(node) if isinstance(a, ast.Assign) and _elapsed(a.value, set())
                 for t in a.targets if isinstance(t, ast.Name)}
        if any(isinstance(a, ast.Assert) and _elapsed(a.test, spans) for a in ast.walk(node)):
            found.append(f"{node.lineno}: {node.name}")
    return found


def test_no_fast_test_asserts_a_duration() -> None:
    found = {path.name: hits for path in sorted(TESTS.glob("test_*.py"))
             if (hits := duration_asserts(path.read_text(encoding="utf-8")))}
    assert found == {}, "mark these `slow`, or count work instead of time"


def test_the_check_finds_each_way_a_duration_is_asserted() -> None:
    timed = '''
def test_a():
    started = time.monotonic()
    work()
    assert time.monotonic() - started < 10

def test_b():
    t = perf_counter()
    work()
    took = perf_counter() - t
    assert ok and took < 2

@pytest.mark.slow
def test_c():
    started = time.time()
    assert time.time() - started < 5

def test_d():
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        pass
    os.utime(path, (time.time() - 3600, time.time() - 3600))
    assert done
'''
    assert duration_asserts(timed) == ["2: test_a", "7: test_b"]
    assert duration_asserts("import pytest\npytestmark = pytest.mark.slow\n" + timed) == []
