"""Cleaning that keeps meaning: drop site chrome and empty lines, normalise Unicode and spaces."""

from __future__ import annotations

import re
import unicodedata

# Space-like characters that should read as a plain space (NBSP, thin spaces, ideographic space ...).
_SPACES = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_RUNS = re.compile(r" {2,}")
_INVISIBLE = "\ufeff\u200b"
# A leading language switcher such as "Ru En" or "En | Ru | عربي".
_LANG_TOKEN = r"(?:ru|en|ar|fr|de|es|tr|kz|uz|рус|ру|eng|عربي|english|русский)"
_CHROME = re.compile(rf"^{_LANG_TOKEN}(?:\s*[|/·•]?\s*{_LANG_TOKEN})+$", re.IGNORECASE)
# A separator line such as "---", "* * *" or "====": layout, nothing to translate (never a title).
_RULE = re.compile(r"^([-*_=~])(?:\s*\1){2,}$")


def normalise_line(line: str) -> str:
    line = _SPACES.sub(" ", line)
    line = _RUNS.sub(" ", line)
    return line.strip()


def is_chrome(line: str) -> bool:
    """True for site furniture such as a language switcher line."""
    return bool(_CHROME.match(line.strip()))


def is_rule(line: str) -> bool:
    """True for a separator line (`---`, `* * *`, `====`)."""
    return bool(_RULE.match(line.strip()))


def clean_lines(text: str) -> list[str]:
    """The article as a list of non-empty, normalised lines, without leading site chrome."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for ch in _INVISIBLE:
        text = text.replace(ch, "")
    lines = [normalise_line(raw) for raw in text.split("\n")]
    lines = [line for line in lines if line and not is_rule(line)]
    while lines and is_chrome(lines[0]):
        lines.pop(0)
    return lines


def clean_text(text: str) -> str:
    """Cleaned article text: one paragraph per line, joined by a single newline."""
    return "\n".join(clean_lines(text))


_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


def has_arabic(text: str) -> bool:
    return bool(_ARABIC.search(text))


def arabic_ratio(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if _ARABIC.match(c)) / len(letters)
