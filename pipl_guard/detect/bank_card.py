"""BANK_CARD: payment card numbers (银行卡号), 16-19 digits with a Luhn check digit (ISO/IEC 7812).

A number is reported on its own when it passes Luhn (python-stdnum's ``stdnum.luhn``) and falls in a
trusted scheme's IIN range and lengths (``data/card_schemes.toml``): UnionPay ``62`` (16-19 digits),
Visa ``4`` (16, 19), Mastercard ``51``-``55`` and ``2221``-``2720`` (16). Luhn-valid numbers of the
other listed schemes (JCB, Discover, pre-UnionPay domestic ``95…`` cards) need a context word such as
``卡号``. Digits may be grouped with spaces or dashes (``6222 0212 3456 7890 128``).

An 18-digit number that is also a valid resident ID is reported as the ID: the ID detector scores
higher and comes first in the registry.

>>> is_valid("6222021234567890128"), is_valid("6222021234567890123")
(True, False)
>>> parse("4111 1111 1111 1111")
{'scheme': 'visa', 'bin': '411111'}
>>> [(s.start, s.end) for s in find("卡号：6222 0212 3456 7890 128，")]
[(3, 26)]
"""

from __future__ import annotations

import tomllib
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from stdnum import luhn

from pipl_guard.detect.base import ScanContext, Span
from pipl_guard.detect.checksums import luhn_ok
from pipl_guard.detect.normalize import to_ascii

ENTITIES = ("BANK_CARD",)
ENTITY = "BANK_CARD"
CUES: tuple[str, ...] = ()
MIN_LENGTH = 16
MAX_LENGTH = 19
SCORE = 0.75
#: Luhn-valid, but an untrusted scheme, or part of a longer grouped run: needs a context word
SCORE_UNSURE = 0.4


@cache
def schemes() -> dict[str, dict[str, Any]]:
    """Scheme name -> ``{"ranges": [[lo, hi], ...], "lengths": [...], "trusted": bool, ...}``."""
    raw = resources.files("pipl_guard.data").joinpath("card_schemes.toml").read_text("utf-8")
    return tomllib.loads(raw)


def scheme_of(digits: str) -> str | None:
    """The scheme whose IIN range and lengths fit ``digits`` (no Luhn check).

    >>> scheme_of("6222021234567890128"), scheme_of("2221001234567890"), scheme_of("1234567890123456")
    ('unionpay', 'mastercard', None)
    """
    return _scheme_of(len(digits), digits[: _iin_length()])


@cache
def _iin_length() -> int:
    return max(len(lo) for sch in schemes().values() for lo, _hi in sch["ranges"])


@lru_cache(maxsize=1 << 16)
def _scheme_of(n: int, prefix: str) -> str | None:
    # IIN ranges are at most _iin_length() digits long, so the prefix decides; memoised per (length, prefix)
    digits = prefix
    for name, sch in schemes().items():
        if n not in sch["lengths"]:
            continue
        for lo, hi in sch["ranges"]:
            if lo <= digits[: len(lo)] <= hi:
                return name
    return None


def compact(value: str) -> str:
    """Strip spaces and dashes, map full-width digits."""
    return to_ascii(value).replace(" ", "").replace("-", "").strip()


def _valid_digits(d: str) -> bool:
    return (
        MIN_LENGTH <= len(d) <= MAX_LENGTH
        and d.isdigit()
        and d.isascii()
        and luhn.checksum(d) == 0
        and scheme_of(d) is not None
    )


def is_valid(value: str) -> bool:
    """Luhn, 16-19 digits, and an IIN range of a listed scheme."""
    return _valid_digits(compact(value))


def parse(value: str) -> dict[str, Any]:
    d = compact(value)
    return {"scheme": scheme_of(d), "bin": d[:6]}


def format(value: str) -> str:  # python-stdnum's name
    """Groups of four: ``6222 0212 3456 7890 128``."""
    d = compact(value)
    return " ".join(d[i : i + 4] for i in range(0, len(d), 4))


def find(text: str | ScanContext) -> list[Span]:
    ctx = ScanContext.of(text)
    table = schemes()
    out: list[Span] = []
    for c in ctx.digits_of_length(*range(MIN_LENGTH, MAX_LENGTH + 1)):
        d = c.digits
        if not (MIN_LENGTH <= len(d) <= MAX_LENGTH) or d[-1] == "X":
            continue
        # Luhn first: it rejects 9 of 10 random numbers and costs less than the scheme lookup
        if not luhn_ok(d):
            continue
        scheme = scheme_of(d)
        if scheme is None:
            continue
        score = SCORE if table[scheme]["trusted"] else SCORE_UNSURE
        if not c.whole_run:
            # a grouped number inside a longer grouped run ("2023 6222 0212 ..."): only with context
            score = min(score, SCORE_UNSURE)
        out.append(Span(c.start, c.end, ENTITY, score, {"scheme": scheme, "bin": d[:6]}))
    return out
