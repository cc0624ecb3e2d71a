"""VIN: vehicle identification numbers (ISO 3779; GB 16735 in China).

17 characters from ``0-9 A-H J-N P R-Z`` (I, O and Q never appear). Position 9 is a check character: each
character is transliterated to a number (digits as themselves; A-H = 1-8, J-N = 1-5, P = 7, R = 9,
S-Z = 2-9), multiplied by the weights 8 7 6 5 4 3 2 10 0 9 8 7 6 5 4 3 2, and the sum mod 11 is the check
(10 is written ``X``). North America and China (GB 16735) require the check character, so a VIN without a
valid one is not a finding. Two layout rules cut random 17-character codes further: position 10 is a
model-year character (never U, Z or 0) and the last four characters are digits (ISO 3779 / GB 16735 as
commonly described; the standard texts were not seen). A VIN identifies a vehicle and, through
registration, its keeper.

>>> is_valid("1M8GDM9AXKP042788"), is_valid("1M8GDM9A1KP042788")
(True, False)
>>> parse("1M8GDM9AXKP042788")["model_years"]
[1989, 2019]
>>> [(s.start, s.end) for s in find("车架号：1M8GDM9AXKP042788")]
[(4, 21)]
"""

from __future__ import annotations

import re
from typing import Any

from pipl_guard.detect._letters import glued, vehicles
from pipl_guard.detect.base import ScanContext, Span
from pipl_guard.detect.normalize import to_ascii

ENTITIES = ("VIN",)
ENTITY = "VIN"
CUES: tuple[str, ...] = ()
SCORE = 0.8

ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
_VALUES = dict(zip("ABCDEFGHJKLMNPRSTUVWXYZ", (1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_VALUES.update({d: int(d) for d in "0123456789"})
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_SHAPE = re.compile(r"[0-9A-HJ-NPR-Z]{9}[1-9A-HJ-NPR-TV-Y][0-9A-HJ-NPR-Z]{3}[0-9]{4}")
# model-year characters (position 10) in their 30-year cycle, starting with 1980 (and 2010, 2040 ...)
_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"
_FIRST_CYCLE = 1980


def compact(value: str) -> str:
    """Strip spaces and dashes, map full-width forms, upper-case."""
    return re.sub(r"[\s\-]", "", to_ascii(value)).upper()


def calc_check_digit(value: str) -> str:
    """The check character of a 17-character VIN (its own position 9 is ignored: weight 0).

    >>> calc_check_digit("1M8GDM9A_KP042788".replace("_", "0"))
    'X'
    """
    total = sum(_VALUES[c] * w for c, w in zip(value, _WEIGHTS, strict=True))
    r = total % 11
    return "X" if r == 10 else str(r)


def is_valid(value: str) -> bool:
    v = compact(value)
    return _SHAPE.fullmatch(v) is not None and calc_check_digit(v) == v[8]


def parse(value: str) -> dict[str, Any]:
    """WMI (manufacturer), VDS, VIS, the model-year character with its candidate years, region."""
    v = compact(value)
    if _SHAPE.fullmatch(v) is None:
        return {}
    table = vehicles()["vin"]
    year_code = v[9]
    i = _YEAR_CODES.find(year_code)
    years = [] if i < 0 else [_FIRST_CYCLE + i, _FIRST_CYCLE + 30 + i]
    out: dict[str, Any] = {
        "wmi": v[:3],
        "vds": v[3:9],
        "vis": v[9:],
        "model_year_code": year_code,
        "model_years": years,
        "continent": table["continents"].get(v[0]),
    }
    country = table["countries"].get(v[0])
    if country is not None:
        out["country"] = country
    return out


def format(value: str) -> str:  # python-stdnum's name
    return compact(value)


def find(text: str | ScanContext) -> list[Span]:
    ctx = ScanContext.of(text)
    norm = ctx.norm
    out: list[Span] = []
    for start, end, tok in ctx.alnum_tokens:
        if end - start != 17 or _SHAPE.fullmatch(tok) is None:
            continue
        if calc_check_digit(tok) != tok[8] or glued(norm, start, end):
            continue
        out.append(Span(start, end, ENTITY, SCORE, parse(tok)))
    return out
