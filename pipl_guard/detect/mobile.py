"""CN_MOBILE: mainland mobile numbers, 11 digits on an allocated 1[3-9] prefix.

The allocated prefixes come from phonenumbers' CN metadata (its mobile national-number pattern), so a
number on an unallocated prefix such as 154 or 194 is not a finding. Accepts ``+86``, ``0086``, ``86``
and ``(86)`` prefixes and digits grouped with spaces or dashes.

>>> is_valid("13812345678"), is_valid("15412345678")
(True, False)
>>> [(s.start, s.end) for s in find("电话：+86 138-1234-5678。")]
[(3, 20)]
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from pipl_guard.detect.base import ScanContext, Span
from pipl_guard.detect.normalize import to_ascii

ENTITIES = ("CN_MOBILE",)
ENTITY = "CN_MOBILE"
CUES: tuple[str, ...] = ()
_PREFIX_BEFORE = re.compile(r"(?:\+|00)?\(?86\)?[ \-]?$|\+$")


@cache
def _pattern() -> re.Pattern[str]:
    from phonenumbers import PhoneMetadata

    meta = PhoneMetadata.metadata_for_region("CN")
    assert meta is not None and meta.mobile is not None
    return re.compile(meta.mobile.national_number_pattern or r"1[3-9]\d{9}")


def compact(value: str) -> str:
    """Digits only, without a country prefix: ``+86 138-1234-5678`` -> ``13812345678``."""
    v = re.sub(r"[\s\-()（）]", "", to_ascii(value))
    if v.startswith("+86"):
        v = v[3:]
    elif v.startswith("0086"):
        v = v[4:]
    elif len(v) == 13 and v.startswith("86"):
        v = v[2:]
    return v


def is_valid(value: str) -> bool:
    v = compact(value)
    return len(v) == 11 and v.isdigit() and v.isascii() and _pattern().fullmatch(v) is not None


def parse(value: str) -> dict[str, Any]:
    return {"prefix": compact(value)[:3]}


def format(value: str) -> str:
    v = compact(value)
    return f"{v[:3]} {v[3:7]} {v[7:]}"


def find(text: str | ScanContext) -> list[Span]:
    ctx = ScanContext.of(text)
    pat = _pattern()
    norm = ctx.norm
    out: list[Span] = []
    for c in ctx.digits_of_length(11, 13, 15):
        d = c.digits
        n = len(d)
        start = c.start
        if n == 11:
            body = d
        elif n == 13 and d.startswith("86"):
            body = d[2:]
        elif n == 15 and d.startswith("0086"):
            body = d[4:]
        else:
            continue
        if body[0] != "1" or pat.fullmatch(body) is None:
            continue
        if n == 11:
            # "+86 138...", "(86)138...", "0086-138..." written with the prefix outside the digit run
            lo = max(0, start - 7)
            # the regex only matches a "+" or an "86" right before: test for them first
            if "86" in norm[lo:start] or (start > 0 and norm[start - 1] == "+"):
                m = _PREFIX_BEFORE.search(norm, lo, start)
                if m is not None and m.group():
                    start = m.start()
        elif start > 0 and norm[start - 1] == "+":
            start -= 1
        score = 0.85 if (c.whole_run or not c.separated) else 0.7
        out.append(Span(start, c.end, ENTITY, score, {"prefix": body[:3]}))
    return out
