"""CN_LANDLINE: mainland fixed-line numbers written with their area code (固定电话).

Validation: the national number (area code without the trunk ``0`` + subscriber number) must match
phonenumbers' CN fixed-line pattern, which encodes the allocated area codes and their subscriber
lengths (7 or 8 digits). Service numbers (400/800) and mobiles do not match it. Accepted forms::

    010-12345678   (010)12345678   （0755）1234 5678   0755 1234 5678
    +86 10 1234 5678   +86-755-12345678   0086 755 12345678   010-12345678-806 (extension not included)

A bare unseparated ``075512345678`` scores below the default threshold: it needs a context word
(``电话``, ``座机`` ...) because an 11-12 digit run starting with 0 is as often a serial number.

>>> is_valid("010-12345678"), is_valid("400-800-1234"), is_valid("0755 1234 5678")
(True, False, True)
>>> parse("(0755)12345678")["area_code"]
'0755'
>>> [(s.start, s.end) for s in find("电话：（010）12345678。")]
[(3, 16)]
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources
from typing import Any

from pipl_guard.detect.base import ScanContext, Span
from pipl_guard.detect.normalize import to_ascii

ENTITIES = ("CN_LANDLINE",)
ENTITY = "CN_LANDLINE"
CUES: tuple[str, ...] = ()
SCORE = 0.6
#: an unseparated digit run: could be any serial number, needs context
SCORE_BARE = 0.45
MIN_NATIONAL = 9  # 2-digit area code + 7-digit subscriber
MAX_NATIONAL = 11  # 3-digit area code + 8-digit subscriber
_DIGITS = frozenset("0123456789")
# "(010)" or "（0755）" right before a subscriber number
_PAREN_AREA = re.compile(r"[(（](0?[1-9][0-9]{1,2})[)）] ?$")
# a country code written apart from the national number: "+86 ", "(+86)", "0086-", "(86)"
_COUNTRY_BEFORE = re.compile(r"(?:[(（]?(?:\+|00)86[)）]?|[(（]86[)）])[ \-]?$")
# an extension after the number: "-806" ending the run
_EXTENSION = re.compile(r"-[0-9]{1,5}(?![0-9]|[ \-][0-9])")
_STRIP = re.compile(r"[\s\-()（）]")
_SEPARATOR = re.compile(r"[ \-]")


@cache
def _pattern() -> re.Pattern[str]:
    from phonenumbers import PhoneMetadata

    meta = PhoneMetadata.metadata_for_region("CN")
    assert meta is not None and meta.fixed_line is not None
    return re.compile(meta.fixed_line.national_number_pattern or r"[1-9]\d{8,10}")


def _national_ok(nat: str) -> bool:
    return (
        MIN_NATIONAL <= len(nat) <= MAX_NATIONAL
        and nat.isascii()
        and nat.isdigit()
        and nat[0] != "0"
        and not nat.startswith(("400", "800"))
        and _pattern().fullmatch(nat) is not None
    )


def compact(value: str) -> str:
    """The national number with its trunk 0: ``+86 10 1234 5678`` -> ``01012345678``."""
    v = _STRIP.sub("", to_ascii(value))
    if v.startswith("+86"):
        v = "0" + v[3:]
    elif v.startswith("0086"):
        v = "0" + v[4:]
    return v


def is_valid(value: str) -> bool:
    """The whole value is one landline in an accepted form (area code set apart where grouped)."""
    v = to_ascii(value).strip()
    return any(s.start == 0 and s.end == len(v) for s in find(v))


def _area_len(nat: str) -> int:
    # 10 (Beijing) and 20-29 (large cities) are two-digit area codes; every other one has three
    return 2 if nat[0] in "12" else 3


def parse(value: str) -> dict[str, Any]:
    """Area code, subscriber number and the city of the area code (where known)."""
    nat = compact(value)[1:]
    k = _area_len(nat)
    return {"area_code": "0" + nat[:k], "subscriber": nat[k:], "city": _city(nat[:k])}


@cache
def _cities() -> dict[str, str]:
    """Area code (without the trunk 0) -> city, from ``data/cn_area_codes.csv``.

    The table is generated from phonenumbers' offline geocoder data; reading it avoids importing
    ``phonenumbers.geocoder``, which takes over a second.
    """
    raw = resources.files("pipl_guard.data").joinpath("cn_area_codes.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in raw.splitlines() if not line.startswith("#"))
    return {r["area_code"][1:]: r["city"] for r in rows}


def _city(area: str) -> str | None:
    return _cities().get(area)


def format(value: str) -> str:  # python-stdnum's name
    """``0755-12345678``."""
    v = compact(value)
    k = _area_len(v[1:]) + 1
    return f"{v[:k]}-{v[k:]}"


def _at_run_start(norm: str, s: int) -> bool:
    if s == 0:
        return True
    ch = norm[s - 1]
    return ch not in _DIGITS and not (ch in " -" and s >= 2 and norm[s - 2] in _DIGITS)


def _grouping_ok(raw: str, area: str) -> bool:
    """A written grouping must set the area code apart: ``099-12345678`` is not ``0991-2345678``."""
    groups = _SEPARATOR.split(raw)
    if groups[0] in ("86", "0086"):
        groups = groups[1:]
    return len(groups) == 1 or groups[0].lstrip("0") == area


def find(text: str | ScanContext) -> list[Span]:
    ctx = ScanContext.of(text)
    norm = ctx.norm
    out: list[Span] = []
    table = ctx.digits_by_length
    # 7-8 digits after "(010)", up to "0086" + 11 national digits; 18-digit runs never reach the loop
    candidates = [c for n in range(7, MAX_NATIONAL + 5) for c in table.get(n, ())]
    for c in candidates:
        d = c.digits
        if d[-1] == "X":
            continue
        if not c.whole_run:
            # only "number-extension": the candidate opens the run and an extension closes it
            if not (_at_run_start(norm, c.start) and _EXTENSION.match(norm, c.end)):
                continue
        start = c.start
        score = SCORE if c.separated else SCORE_BARE
        nat = ""
        # the regexes below look back a few characters; a substring test first spares them on most numbers
        before = norm[max(0, start - 8) : start]
        paren = (
            _PAREN_AREA.search(norm, max(0, start - 8), start)
            if len(d) <= 8 and (")" in before or "）" in before)
            else None
        )
        if paren is not None:
            nat = paren.group(1).lstrip("0") + d
            start = paren.start()
            score = SCORE
        elif d.startswith("0086"):
            nat = d[4:]
        elif d.startswith("86") and start > 0 and norm[start - 1] == "+":
            nat = d[2:]
            start -= 1
            score = SCORE
        elif d[0] == "0":
            nat = d[1:]
        else:
            if "86" not in before:
                continue
            country = _COUNTRY_BEFORE.search(norm, max(0, start - 7), start)
            if country is None or not country.group():
                continue
            nat = d
            start = country.start()
            score = SCORE
        if not _national_ok(nat):
            continue
        k = _area_len(nat)
        if paren is not None:
            if paren.group(1).lstrip("0") != nat[:k]:
                continue
        elif c.separated and not _grouping_ok(norm[c.start : c.end], nat[:k]):
            continue
        attrs = {"area_code": "0" + nat[:k], "subscriber": nat[k:], "city": _city(nat[:k])}
        out.append(Span(start, c.end, ENTITY, score, attrs))
    out.sort(key=lambda s: s.start)  # candidates were visited by length
    return out
