"""Numbers in Arabic, English and Russian text with where they are: digits (Arabic-Indic too, thousands separators,
decimals: as `qa.numbers_in` reads them), ordinals written with digits ("30th", "30-летия", "الـ 30") and numbers
written out in words ("three decades", "трёх школ", "тридцатилетие", "ثلاث مدارس").

Words for one and two are left out on purpose: "one of", "no one", "أحد", "двум странам" are far more often not a
count than a count, and a fact check that cries wolf is not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..text.metadata import ARABIC_DIGITS
from .qa import numbers_in

_DIGITS = re.compile(r"\d+(?:[.,\u066b\u066c\u00a0 ]\d{3}(?!\d))*(?:[.,\u066b]\d+)?")

EN_WORDS = {
    "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000,
    "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
    "twelfth": 12, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60,
    "seventieth": 70, "eightieth": 80, "ninetieth": 90, "hundredth": 100,
}
RU_LEMMAS = {
    "три": 3, "четыре": 4, "пять": 5, "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10,
    "одиннадцать": 11, "двенадцать": 12, "пятнадцать": 15, "двадцать": 20, "тридцать": 30, "сорок": 40,
    "пятьдесят": 50, "шестьдесят": 60, "семьдесят": 70, "восемьдесят": 80, "девяносто": 90, "сто": 100,
    "двести": 200, "триста": 300, "четыреста": 400, "пятьсот": 500, "тысяча": 1000, "миллион": 1_000_000,
    "миллиард": 1_000_000_000, "третий": 3, "четвёртый": 4, "четвертый": 4, "пятый": 5, "десятый": 10,
    "двадцатый": 20, "тридцатый": 30, "сороковой": 40, "пятидесятый": 50, "сотый": 100, "трое": 3, "четверо": 4,
}
# "тридцатилетие", "двадцатипятилетний": the number's genitive stem before -лет-
RU_STEMS = {"трех": 3, "трёх": 3, "четырех": 4, "четырёх": 4, "пяти": 5, "десяти": 10, "пятнадцати": 15,
            "двадцати": 20, "тридцати": 30, "сорока": 40, "пятидесяти": 50, "шестидесяти": 60, "семидесяти": 70,
            "восьмидесяти": 80, "девяноста": 90, "столетие": 100, "ста": 100}
AR_WORDS = {
    "ثلاث": 3, "ثلاثه": 3, "اربع": 4, "اربعه": 4, "خمس": 5, "خمسه": 5, "ست": 6, "سته": 6, "سبع": 7, "سبعه": 7,
    "ثماني": 8, "ثمانيه": 8, "تسع": 9, "تسعه": 9, "عشر": 10, "عشره": 10, "عشرون": 20, "عشرين": 20,
    "ثلاثون": 30, "ثلاثين": 30, "اربعون": 40, "اربعين": 40, "خمسون": 50, "خمسين": 50, "ستون": 60, "ستين": 60,
    "سبعون": 70, "سبعين": 70, "ثمانون": 80, "ثمانين": 80, "تسعون": 90, "تسعين": 90, "مئه": 100, "مائه": 100,
    "الف": 1000, "مليون": 1_000_000, "مليار": 1_000_000_000,
}
_AR_PREFIXES = ("وال", "بال", "لل", "ال", "و", "ب", "ل")


@dataclass(frozen=True)
class Number:
    """A number found in a text: its value as a canonical string ("7591", "1.5", "30"), where it is, how written."""

    value: str
    start: int
    end: int
    words: bool = False  # written out in words


def _canonical(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _digit_numbers(text: str) -> list[Number]:
    plain = text.translate(ARABIC_DIGITS)
    out = []
    for match in _DIGITS.finditer(plain):
        values = numbers_in(match.group())
        if values:
            out.append(Number(values[0], match.start(), match.end()))
    return out


def _en_words(text: str) -> list[Number]:
    out: list[Number] = []
    for match in re.finditer(r"[A-Za-z]+(?:-[A-Za-z]+)*(?:\s+(?:and\s+)?[A-Za-z]+(?:-[A-Za-z]+)*)*", text):
        _en_run(match.group(), match.start(), out)
    return out


def _en_run(run: str, offset: int, out: list[Number]) -> None:
    total, current, start, end = 0, 0, None, 0
    for word in re.finditer(r"[A-Za-z]+", run):
        value = EN_WORDS.get(word.group().lower())
        if value is None and start is not None:  # "ninety-one", "two hundred and two": one and two inside a number
            value = {"one": 1, "two": 2}.get(word.group().lower())
        if value is None:
            if word.group().lower() == "and" and start is not None:
                continue
            if start is not None:
                out.append(Number(_canonical(total + current), offset + start, offset + end, True))
            total, current, start = 0, 0, None
            continue
        if value >= 1000:
            total, current = total + max(current, 1) * value, 0
        elif value == 100:
            current = max(current, 1) * 100
        else:
            current += value
        start = word.start() if start is None else start
        end = word.end()
    if start is not None:
        out.append(Number(_canonical(total + current), offset + start, offset + end, True))


@cache
def _morph():  # type: ignore[no-untyped-def]
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@cache
def _ru_value(word: str) -> int | None:
    """The number a Russian word names (any case of a numeral or an ordinal; "тридцатилетие"), else None."""
    value = next((RU_LEMMAS[p.normal_form] for p in _morph().parse(word) if p.normal_form in RU_LEMMAS), None)
    if value is None and "лет" in word:
        stem = word.split("лет")[0]
        value = RU_STEMS.get(stem) or RU_STEMS.get(stem.removesuffix("и") + "и")
    return value


def _ru_words(text: str) -> list[Number]:
    out = []
    for match in re.finditer(r"[А-Яа-яЁё]+", text):
        value = _ru_value(match.group().lower())
        if value is not None:
            out.append(Number(str(value), match.start(), match.end(), True))
    return out


def _ar_words(text: str) -> list[Number]:
    from .glossary import normalise_arabic

    out = []
    for match in re.finditer(r"[\u0621-\u064a\u0640\u064b-\u065f]+", text):
        word = normalise_arabic(match.group())
        forms = [word] + [word[len(p):] for p in _AR_PREFIXES if word.startswith(p) and len(word) - len(p) >= 3]
        value = next((AR_WORDS[f] for f in forms if f in AR_WORDS), None)
        if value is not None:
            out.append(Number(str(value), match.start(), match.end(), True))
    return out


def numbers(text: str, lang: str) -> list[Number]:
    """Every number in `text` (a language of ar, en, ru), in order of where it starts."""
    found = _digit_numbers(text)
    found += _ar_words(text) if lang == "ar" else _en_words(text) if lang == "en" else _ru_words(text) if lang == "ru" else []
    return sorted(found, key=lambda n: n.start)


def values(text: str, lang: str) -> set[str]:
    """The values of the numbers in `text`."""
    return {n.value for n in numbers(text, lang)}
