"""FOREIGNER_PR_ID: 外国人永久居留身份证号码 (foreigner's permanent residence ID card number).

Two forms are in use (National Immigration Administration, machine-readable rules of the 2023 card):

* **2023 card** (issued from 1 Dec 2023): 18 digits modelled on the resident ID. First digit ``9``
  (foreigner), province of the accepting office (2), nationality as ISO 3166-1 numeric (3), birth date
  YYYYMMDD (8), sequence (3, odd = male), ISO 7064 MOD 11-2 check character (the resident ID's
  algorithm). The published rules fix the leading 9, a numeric nationality code in place of the
  letters and the MOD 11-2 check; the positions of the fields come from secondary sources, so
  ``is_valid`` requires the 9, the check and a real birth date, and ``find`` lowers the score when the
  province or nationality field is unknown.
* **2017 card**: 15 characters, ISO 3166-1 alpha-3 nationality (3 letters), accepting office's
  province + city code (4 digits), birth date YYMMDD (6), sequence (1, odd = male), check digit (1). Secondary sources give the check digit as ICAO 9303's 7-3-1 weighted sum over the
  first 14 characters; unverified, so a mismatch only lowers the score and ``is_valid`` does not
  require it.

Nationality codes come from ``data/iso3166.csv``.

>>> is_valid("911398199012310021"), is_valid("911398199012310022")
(True, False)
>>> is_valid("KAZ110090123105")
True
>>> parse("911398199012310021")["nationality"]
'KAZ'
>>> [(s.start, s.end) for s in find("永居证号KAZ110090123105，")]
[(4, 19)]
"""

from __future__ import annotations

import csv
import datetime as dt
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

from pipl_guard.detect import regions
from pipl_guard.detect.base import ScanContext, Span
from pipl_guard.detect.normalize import to_ascii
from pipl_guard.detect.resident_id import check_character

ENTITIES = ("FOREIGNER_PR_ID",)
ENTITY = "FOREIGNER_PR_ID"
CUES: tuple[str, ...] = ()
#: every field checks out (2023: check character + known province and nationality; 2017: ICAO check)
SCORE = 0.85
#: 2017 form with a known nationality, region and date but an unconfirmed check digit
SCORE_FORM = 0.6
#: the check passes but a field of the (unverified) layout is unknown: needs context
SCORE_UNSURE = 0.45
MIN_BIRTH_YEAR = 1900


class Country(NamedTuple):
    alpha3: str
    numeric: str
    name_en: str
    name_zh: str


@cache
def _countries() -> tuple[dict[str, Country], dict[str, Country]]:
    raw = resources.files("pipl_guard.data").joinpath("iso3166.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in raw.splitlines() if not line.startswith("#"))
    by_alpha: dict[str, Country] = {}
    by_num: dict[str, Country] = {}
    for r in rows:
        c = Country(r["alpha3"], r["numeric"], r["name_en"], r["name_zh"])
        by_alpha[c.alpha3] = c
        by_num[c.numeric] = c
    return by_alpha, by_num


def country_by_alpha3(code: str) -> Country | None:
    return _countries()[0].get(code)


def country_by_numeric(code: str) -> Country | None:
    return _countries()[1].get(code)


def compact(value: str) -> str:
    """Strip spaces and dashes, map full-width forms, upper-case."""
    return to_ascii(value).replace(" ", "").replace("-", "").strip().upper()


def icao_check_digit(body: str) -> str:
    """ICAO 9303 check digit: weights 7, 3, 1; letters A=10 ... Z=35.

    >>> icao_check_digit("KAZ11009012310")
    '5'
    """
    total = 0
    for i, ch in enumerate(body):
        v = int(ch) if ch.isdigit() else ord(ch) - 55
        total += v * (7, 3, 1)[i % 3]
    return str(total % 10)


def _date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _birth(v: str, today: dt.date) -> dt.date | None:
    if len(v) == 18:
        b = _date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    else:
        yy, mm, dd = int(v[7:9]), int(v[9:11]), int(v[11:13])
        b = _date(2000 + yy, mm, dd)
        if b is None or b > today:
            b = _date(1900 + yy, mm, dd)
    if b is None or b > today or b.year < MIN_BIRTH_YEAR:
        return None
    return b


def _shape(v: str) -> int:
    """18 for the 2023 shape, 15 for the 2017 shape, 0 otherwise."""
    if (
        len(v) == 18
        and v.isascii()
        and v[0] == "9"
        and v[:17].isdigit()
        and (v[17].isdigit() or v[17] == "X")
    ):
        return 18
    if len(v) == 15 and v.isascii() and v[:3].isalpha() and v[:3].isupper() and v[3:].isdigit():
        return 15
    return 0


def _valid(v: str, today: dt.date) -> bool:
    shape = _shape(v)
    if shape == 18:
        return check_character(v[:17]) == v[17] and _birth(v, today) is not None
    if shape == 15:
        return country_by_alpha3(v[:3]) is not None and _birth(v, today) is not None
    return False


def is_valid(value: str, *, today: dt.date | None = None) -> bool:
    """2023: leading 9, MOD 11-2 check, real birth date. 2017: known alpha-3 nationality, real birth date."""
    return _valid(compact(value), today or dt.date.today())


def _score(v: str) -> float:
    if len(v) == 18:
        known = regions.is_assigned(v[1:3] + "0000") and country_by_numeric(v[3:6]) is not None
        return SCORE if known else SCORE_UNSURE
    if not regions.is_assigned(v[3:7] + "00"):
        return SCORE_UNSURE
    return SCORE if icao_check_digit(v[:14]) == v[14] else SCORE_FORM


def parse(value: str, *, today: dt.date | None = None) -> dict[str, Any]:
    """Card generation, nationality, accepting province, birth date, gender."""
    v = compact(value)
    birth = _birth(v, today or dt.date.today())
    if len(v) == 18:
        country, province, seq = country_by_numeric(v[3:6]), regions.lookup(v[1:3] + "0000"), v[16]
    else:
        country, province, seq = country_by_alpha3(v[:3]), regions.lookup(v[3:5] + "0000"), v[13]
    return {
        "card": "2023" if len(v) == 18 else "2017",
        "nationality": country.alpha3 if country else None,
        "nationality_name": country.name_zh if country else None,
        "province": province.province if province else None,
        "birth_date": birth,
        "gender": "male" if int(seq) % 2 else "female",
    }


def format(value: str) -> str:  # python-stdnum's name
    return compact(value)


def find(text: str | ScanContext) -> list[Span]:
    ctx = ScanContext.of(text)
    today = ctx.today
    out: list[Span] = []
    for s, e, tok in ctx.alnum_tokens:
        if e - s == 15 and _valid(tok, today):
            out.append(Span(s, e, ENTITY, _score(tok), parse(tok, today=today)))
    for c in ctx.digits_of_length(18):
        v = c.digits
        if v[0] != "9" or not c.whole_run:
            continue
        if _valid(v, today):
            out.append(Span(c.start, c.end, ENTITY, _score(v), parse(v, today=today)))
    return out
