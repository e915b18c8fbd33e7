"""Word-level diffs between two texts (machine output → current text, or any two revisions)."""

from __future__ import annotations

import difflib
import html


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """A word-level diff as (op, text) pairs with op in "=", "-", "+"."""
    a, b = old.split(), new.split()
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("=", " ".join(a[i1:i2])))
        else:
            if i2 > i1:
                out.append(("-", " ".join(a[i1:i2])))
            if j2 > j1:
                out.append(("+", " ".join(b[j1:j2])))
    return out


def diff_html(old: str, new: str) -> str:
    """The word diff as escaped HTML (<del>/<ins>)."""
    if not old and not new:
        return "<p class='diff'>—</p>"
    parts = []
    for op, text in word_diff(old, new):
        text = html.escape(text)
        parts.append(text if op == "=" else f"<del>{text}</del>" if op == "-" else f"<ins>{text}</ins>")
    return "<p class='diff'>" + " ".join(parts) + "</p>"
