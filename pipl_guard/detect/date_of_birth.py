"""DATE_OF_BIRTH: a date after a birth cue (``出生日期``, ``生于``, ``DOB`` ...), or a bare field value.

A date alone is not a birth date (orders, invoices and timestamps carry dates), so in text the date must
follow a cue. Formats: ``1990年1月2日``, ``1990-01-02``, ``1990/1/2``, ``1990.01.02``, ``19900102`` and,
after ``出生年月``-style cues, year and month only (``1990年5月``). The date must be real, not in the
future, and in 1900 or later.

>>> t = "出生日期：1990年1月2日，籍贯湖南"
>>> [t[s.start:s.end] for s in find(t)]
['1990年1月2日']
>>> t = "张伟，男，1985年6月出生，汉族"
>>> [t[s.start:s.end] for s in find(t)]
['1985年6月']
>>> find("下单日期2023-05-06")
[]
>>> is_valid("1990-01-02"), is_valid("2990-01-02"), is_valid("1990-02-30")
(True, False, False)
>>> parse("2015-06-01", today=dt.date(2024, 1, 1))["is_minor"]
True
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pipl_guard.detect import textutil as tu
from pipl_guard.detect.base import ScanContext, Span
from pipl_guard.detect.normalize import to_ascii

ENTITIES = ("DATE_OF_BIRTH",)
ENTITY = "DATE_OF_BIRTH"
CUES: tuple[str, ...] = tuple(tu.section("date_of_birth")["cues"])
_CUE_CLASS = dict.fromkeys(CUES, "cue")
MIN_YEAR = 1900
MINOR_AGE = 14  # PIPL Art. 28 / 31

# year, month, day with one separator family; each part bounded, so matching is linear
_DATE = re.compile(
    r"(?P<y>(?:19|20)[0-9]{2})\s?(?:"
    r"年\s?(?P<m1>[0-9]{1,2})\s?月(?:\s?(?P<d1>[0-9]{1,2})\s?[日号])?"
    r"|(?P<sep>[-/.])(?P<m2>[0-9]{1,2})(?P=sep)(?P<d2>[0-9]{1,2})(?![0-9])"
    r"|(?P<m3>[01][0-9])(?P<d3>[0-3][0-9])(?![0-9])"
    r")"
)
SCORE = 0.85
#: a cue that may also follow the date, as in résumés: "1990年1月2日出生"
_AFTER_DATE_CUES = frozenset({"出生", "出生于", "出生在"})
_LONGEST_DATE = 16


def _date_before(text: str, pos: int) -> re.Match[str] | None:
    """A date ending at ``pos`` (one space allowed), searched in the few characters before it."""
    end = pos - 1 if pos > 0 and text[pos - 1] == " " else pos
    for m in _DATE.finditer(text, max(0, end - _LONGEST_DATE), end):
        if m.end() == end:
            return m
    return None


def _to_date(m: re.Match[str]) -> dt.date | None:
    y = int(m.group("y"))
    month = m.group("m1") or m.group("m2") or m.group("m3")
    day = m.group("d1") or m.group("d2") or m.group("d3") or "1"
    try:
        return dt.date(y, int(month), int(day))
    except ValueError:
        return None


def _plausible(d: dt.date, today: dt.date) -> bool:
    return MIN_YEAR <= d.year and d <= today


def find(text: str | ScanContext) -> list[Span]:
    ctx = ScanContext.of(text)
    norm = ctx.norm
    today = ctx.today
    out: list[Span] = []
    for end, word, _cls in tu.cue_hits(ctx, _CUE_CLASS):
        s = tu.skip_separator(norm, end, limit=6)
        m = _DATE.match(norm, s)
        if m is None and word in _AFTER_DATE_CUES:
            m = _date_before(norm, end - len(word))
        if m is None:
            continue
        d = _to_date(m)
        if d is None or not _plausible(d, today):
            continue
        out.append(Span(m.start(), m.end(), ENTITY, SCORE, _attributes(d, today), has_context=True))
    return out


def _parse_date(value: str) -> dt.date | None:
    v = to_ascii(value).strip()
    m = _DATE.fullmatch(v)
    if m is None:
        # ISO datetimes ("1990-01-02T00:00:00", "1990-01-02 00:00:00") as databases export them
        m2 = re.fullmatch(r"((?:19|20)[0-9]{2}-[0-9]{2}-[0-9]{2})(?:[T ][0-9:.]+Z?)?", v)
        if m2 is None:
            return None
        m = _DATE.fullmatch(m2.group(1))
        if m is None:
            return None
    return _to_date(m)


def is_valid(value: str | dt.date, *, today: dt.date | None = None) -> bool:
    """A bare value that is a real past date in 1900 or later."""
    on = today or dt.date.today()
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return _plausible(value, on)
    if not isinstance(value, str):
        return False
    d = _parse_date(value)
    return d is not None and _plausible(d, on)


def age_on(birth: dt.date, on: dt.date) -> int:
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years


def _attributes(d: dt.date, today: dt.date) -> dict[str, Any]:
    age = age_on(d, today)
    return {"birth_date": d, "age": age, "is_minor": age < MINOR_AGE}


def parse(value: str | dt.date, *, today: dt.date | None = None) -> dict[str, Any]:
    """``birth_date``, ``age`` and ``is_minor`` (under 14) of a birth date; empty when not a date."""
    on = today or dt.date.today()
    if isinstance(value, dt.datetime):
        d: dt.date | None = value.date()
    elif isinstance(value, dt.date):
        d = value
    else:
        d = _parse_date(value)
    if d is None:
        return {}
    return _attributes(d, on)
