"""Metadata found in the article text itself: title, date line, source, photo credit, publisher."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

MONTHS: dict[str, int] = {
    "يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "ابريل": 4, "إبريل": 4, "مايو": 5,
    "يونيو": 6, "يونيه": 6, "يوليو": 7, "يوليه": 7, "أغسطس": 8, "اغسطس": 8, "سبتمبر": 9,
    "أكتوبر": 10, "اكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
    "كانون الثاني": 1, "شباط": 2, "آذار": 3, "نيسان": 4, "أيار": 5, "حزيران": 6, "تموز": 7,
    "آب": 8, "أيلول": 9, "تشرين الأول": 10, "تشرين الثاني": 11, "كانون الأول": 12,
}
_MONTH_ALT = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))
_DAY = r"[0-9٠-٩۰-۹]{1,2}"
_YEAR = r"[0-9٠-٩۰-۹]{4}"
DATE_LINE = re.compile(rf"^(?:[^\W\d]+\s*[،,]?\s*)?(?P<day>{_DAY})\s+(?P<month>{_MONTH_ALT})(?:\s*/\s*(?:{_MONTH_ALT}))?(?:\s+(?P<year>{_YEAR}))?$")

SOURCE_LINE = re.compile(r"^(?:المصدر|مصدر|Source|Источник)\s*[:：]\s*(?P<value>.+)$", re.IGNORECASE)
PHOTO_LINE = re.compile(r"^(?:الصورة|صورة|الصور|Photo|Фото)\s*[:：]\s*(?P<value>.+)$", re.IGNORECASE)
PUBLISHER_LINE = re.compile(r"^مجموعة الرؤية ال[اإأ]ستراتيجية")

KNOWN_SOURCES = {
    "تاس": "TASS", "وكالة تاس": "TASS", "tass": "TASS",
    "سبوتنيك": "Sputnik", "ريا نوفوستي": "RIA Novosti", "نوفوستي": "RIA Novosti",
    "كاز إنفورم": "Kazinform", "كازينفورم": "Kazinform", "روسيا اليوم": "RT", "آر تي": "RT",
    "إنترفاكس": "Interfax", "انترفاكس": "Interfax",
}

FINAL_PUNCT = tuple('.!?؟:"»”)…؛،')
TITLE_MAX_WORDS = 25
HEADING_MAX_WORDS = 10


@dataclass
class LineRole:
    kind: str  # title | heading | body | meta
    role: str | None = None  # for meta: date | source | photo | publisher


@dataclass
class Metadata:
    title: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd when the year is known
    date_raw: str | None = None
    source: str | None = None
    source_raw: str | None = None
    photo_credit: str | None = None
    publisher: str | None = None
    roles: list[LineRole] = field(default_factory=list)


def to_ascii_digits(text: str) -> str:
    return text.translate(ARABIC_DIGITS)


def normalise_source(raw: str) -> str:
    key = raw.strip().strip('"«»').strip()
    return KNOWN_SOURCES.get(key.lower(), KNOWN_SOURCES.get(key, key))


def _ends_like_sentence(line: str) -> bool:
    return line.rstrip().endswith(FINAL_PUNCT)


def _infer_year(day: int, month: int, body: str) -> int | None:
    """Find the year of a day-month date line from a full date in the body text."""
    body = to_ascii_digits(body)
    names = [n for n, m in MONTHS.items() if m == month]
    alt = "|".join(map(re.escape, names))
    exact = re.search(rf"\b0?{day}\s+(?:{alt})(?:\s*/\s*[^\d\n]{{2,20}}?)?\s+(\d{{4}})\b", body)
    if exact:
        return int(exact.group(1))
    near = re.search(rf"(?:{alt})(?:\s*/\s*[^\d\n]{{2,20}}?)?\s+(\d{{4}})\b", body)
    return int(near.group(1)) if near else None


def parse_date_line(line: str, body: str) -> tuple[str | None, bool]:
    """(ISO date or None, is_date_line)."""
    match = DATE_LINE.match(line)
    if not match:
        return None, False
    day = int(to_ascii_digits(match["day"]))
    month = MONTHS[match["month"]]
    year = int(to_ascii_digits(match["year"])) if match["year"] else _infer_year(day, month, body)
    if year is None or not 1 <= day <= 31:
        return None, True
    return f"{year:04d}-{month:02d}-{day:02d}", True


def classify(lines: list[str]) -> Metadata:
    """Give every cleaned line a kind (and a meta role) and collect the article's metadata."""
    meta = Metadata()
    body_text = "\n".join(lines)
    roles: list[LineRole] = []
    for index, line in enumerate(lines):
        words = len(line.split())
        if (m := SOURCE_LINE.match(line)) and words <= 12:
            meta.source_raw = m["value"].strip()
            meta.source = normalise_source(meta.source_raw)
            roles.append(LineRole("meta", "source"))
        elif (m := PHOTO_LINE.match(line)) and words <= 15:
            meta.photo_credit = m["value"].strip()
            roles.append(LineRole("meta", "photo"))
        elif PUBLISHER_LINE.match(line) and words <= 12:
            meta.publisher = line
            roles.append(LineRole("meta", "publisher"))
        elif index <= 2 and DATE_LINE.match(line):
            iso, _ = parse_date_line(line, body_text)
            meta.date_raw, meta.date = line, iso
            roles.append(LineRole("meta", "date"))
        elif index == 0 and len(lines) > 1 and words <= TITLE_MAX_WORDS and not _ends_like_sentence(line):
            meta.title = line
            roles.append(LineRole("title"))
        elif index > 0 and words <= HEADING_MAX_WORDS and not _ends_like_sentence(line):
            roles.append(LineRole("heading"))
        else:
            roles.append(LineRole("body"))
    meta.roles = roles
    return meta


# ---------------------------------------------------------------------- front matter
FRONT_MATTER_KEYS = ("title", "date", "source", "author", "url")
MAX_FRONT_MATTER_CHARS = 16_384
_FENCE = re.compile(r"\A\ufeff?---[ \t]*\r?\n")
_FENCE_END = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.M)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def split_front_matter(text: str) -> tuple[str, dict[str, str], list[str]]:
    """(text without its front matter, metadata fields, warnings) for a text that starts with a `---` line.

    Front matter is YAML (read with `yaml.safe_load`, at most MAX_FRONT_MATTER_CHARS); only the keys in
    FRONT_MATTER_KEYS with plain values are kept. Malformed front matter is left in the text, with a warning.
    """
    start = _FENCE.match(text)
    if not start:
        return text, {}, []
    end = _FENCE_END.search(text, start.end())
    if end is None or end.start() > MAX_FRONT_MATTER_CHARS:
        return text, {}, [f"starts with '---' but no closing '---' line within {MAX_FRONT_MATTER_CHARS // 1024} KB; "
                          "read as text, not as front matter"]
    block = text[start.end():end.start()]
    data, why = _load_yaml(block)
    if data is None:
        return text, {}, [f"front matter not read ({why}); read as text"]
    fields: dict[str, str] = {}
    warnings: list[str] = []
    for key, value in data.items():
        name = str(key).strip().lower()
        if name not in FRONT_MATTER_KEYS or value is None:
            continue
        shown = _plain_value(value)
        if shown is None:
            warnings.append(f"front matter `{name}` is not plain text; ignored")
        elif shown:
            fields[name] = _normal_date(shown) if name == "date" else shown
    rest = text[end.end():].lstrip("\r\n")
    return rest, fields, warnings


def _load_yaml(block: str) -> tuple[dict | None, str]:
    """The front matter as a mapping, or (None, why not)."""
    import yaml

    try:
        data = yaml.safe_load(block)
    except yaml.YAMLError as exc:
        return None, f"not valid YAML: {str(exc).splitlines()[0][:120]}"
    except RecursionError:
        return None, "nested too deep"
    if not isinstance(data, dict):
        return None, "not a list of `key: value` lines"
    return data, ""


def _plain_value(value: object) -> str | None:
    """A scalar (or a list of scalars, e.g. two authors) as one line of text; None for anything nested."""
    import datetime as dt

    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return " ".join(str(value).split())
    if isinstance(value, list) and value and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(" ".join(str(v).split()) for v in value)
    return None


def _normal_date(value: str) -> str:
    """An ISO date as is; an Arabic date line (`١ مارس ٢٠٢٤`) as ISO where it can be read; else the text."""
    if _ISO_DATE.match(value):
        return value[:10]
    iso, _ = parse_date_line(value, "")
    return iso or value
