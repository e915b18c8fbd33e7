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
