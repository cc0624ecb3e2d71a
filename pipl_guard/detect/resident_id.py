"""CN_RESIDENT_ID: 居民身份证号码 (GB 11643-1999), 18 digits, and the legacy 15-digit form.

Validation: ISO 7064 MOD 11-2 check character (python-stdnum's ``calc_check_digit``), a region code that
appears anywhere in GB/T 2260's history (an ID keeps the code it was issued under, so stdnum's
``is_valid``, which wants the code to exist in the birth year, is not used), and a real birth date that is
not in the future. Residence permits for Hong Kong, Macao and Taiwan residents (2018) use the same layout
with region codes 810000, 820000 and 830000.

>>> is_valid("11010519491231002X")
True
>>> is_valid("110105194912310021")   # wrong check digit
False
>>> parse("11010519491231002X")["gender"]
'female'
>>> [(s.start, s.end) for s in find("身份证11010519491231002X号")]
[(3, 21)]
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from stdnum.cn.ric import calc_check_digit

from pipl_guard.detect import regions
from pipl_guard.detect.base import ScanContext, Span
from pipl_guard.detect.checksums import mod11_2_check
from pipl_guard.detect.normalize import to_ascii

ENTITIES = ("CN_RESIDENT_ID",)
ENTITY = "CN_RESIDENT_ID"
CUES: tuple[str, ...] = ()
#: address codes of the 2018 residence permits for HK, Macao and Taiwan residents
PERMIT_REGIONS = {"810000": "香港特别行政区", "820000": "澳门特别行政区", "830000": "台湾地区"}
MIN_BIRTH_YEAR = 1850
MINOR_AGE = 14  # PIPL Art. 28 / 31: minors under fourteen


def compact(value: str) -> str:
    """Strip spaces and dashes, map full-width forms, upper-case the X."""
    return to_ascii(value).replace(" ", "").replace("-", "").strip().upper()


def check_character(body17: str) -> str:
    """The MOD 11-2 check character for the first 17 digits."""
    return calc_check_digit(body17 + "0")


def _region_ok(code: str) -> bool:
    return code in PERMIT_REGIONS or regions.is_assigned(code)


def _birth_date(number: str) -> dt.date | None:
    try:
        if len(number) == 18:
            d = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        else:
            d = dt.date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    except ValueError:
        return None
    return d


def problem(value: str, *, today: dt.date | None = None) -> str | None:
    """Why ``value`` is not a valid resident ID (``None`` when it is). Never echoes the value.

    >>> problem("11010519491231002X") is None
    True
    >>> problem("110105194912310021")
    'check digit'
    """
    n = compact(value)
    if len(n) == 18:
        if not n[:17].isdigit() or not (n[17].isdigit() or n[17] == "X"):
            return "format"
    elif len(n) == 15:
        if not n.isdigit():
            return "format"
    else:
        return "length"
    if not n.isascii():
        return "format"
    if not _region_ok(n[:6]):
        return "region code"
    birth = _birth_date(n)
    if birth is None:
        return "birth date"
    if birth > (today or dt.date.today()):
        return "birth date in the future"
    if birth.year < MIN_BIRTH_YEAR:
        return "birth date"
    if len(n) == 18 and check_character(n[:17]) != n[17]:
        return "check digit"
    return None


def is_valid(value: str, *, today: dt.date | None = None) -> bool:
    return problem(value, today=today) is None


def age_on(birth: dt.date, on: dt.date) -> int:
    """Completed years of age on ``on`` (a person born 29 Feb ages on 1 Mar in common years)."""
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years


def parse(value: str, *, today: dt.date | None = None) -> dict[str, Any]:
    """Attributes of a valid ID: birth date, gender, region code and name, age, minor under 14."""
    n = compact(value)
    on = today or dt.date.today()
    birth = _birth_date(n)
    if birth is None:
        return {}
    seq_digit = int(n[16] if len(n) == 18 else n[14])
    region_name = _region_name(n[:6])
    age = age_on(birth, on)
    return {
        "birth_date": birth,
        "gender": "male" if seq_digit % 2 else "female",
        "region_code": n[:6],
        "region": region_name,
        "age": age,
        "is_minor": age < MINOR_AGE,
        "legacy": len(n) == 15,
    }


def format(value: str) -> str:
    return compact(value)


def _digits_ok(n: str, today: dt.date) -> dt.date | None:
    """Fast check of an already compact candidate; returns the birth date when valid."""
    if len(n) == 18:
        # cheapest test first: 10 of 11 random numbers fail the check character
        if mod11_2_check(n) != n[17]:
            return None
    if not _region_ok(n[:6]):
        return None
    birth = _birth_date(n)
    if birth is None or birth > today or birth.year < MIN_BIRTH_YEAR:
        return None
    return birth


@cache
def _region_name(code: str) -> str | None:
    region = regions.lookup(code)
    return PERMIT_REGIONS.get(code) or (region.name if region else None)


def find(text: str | ScanContext) -> list[Span]:
    ctx = ScanContext.of(text)
    today = ctx.today
    out: list[Span] = []
    for c in ctx.digits_of_length(18, 15):
        d = c.digits
        n = len(d)
        if n == 15 and "X" in d:
            continue
        birth = _digits_ok(d, today)
        if birth is None:
            continue
        # a 15-digit legacy number carries no check digit: it needs context to be trusted
        score = 0.9 if n == 18 else 0.45
        if c.separated and not c.whole_run:
            score -= 0.2
        age = age_on(birth, today)
        seq_digit = int(d[16] if n == 18 else d[14])
        attrs = {
            "birth_date": birth,
            "gender": "male" if seq_digit % 2 else "female",
            "region_code": d[:6],
            "region": _region_name(d[:6]),
            "age": age,
            "is_minor": age < MINOR_AGE,
            "legacy": n == 15,
        }
        out.append(Span(c.start, c.end, ENTITY, score, attrs))
    return out
