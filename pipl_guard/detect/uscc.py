"""CN_USCC: 统一社会信用代码 (unified social credit code, GB 32100-2015).

18 characters from ``0-9A-HJ-NP-RTUWXY`` (no I, O, S, V, Z): registration authority (1), organisation
type (1), administrative division (6 digits, GB/T 2260), organisation code (9) and a MOD 31 check
character (``checksums.gb32100_check``, property-tested equal to python-stdnum's
``stdnum.cn.uscc.calc_check_digit``).

``is_valid`` checks the alphabet, the 6-digit division field and the check character (what GB 32100
guarantees). ``find`` also weighs plausibility: an authority/type pair from the standard's table
(``data/uscc.toml``) and a division code known to GB/T 2260. An all-digit 18-character candidate
(which could as well be an order number) must pass both to be reported.

A company's code is not personal information; a sole trader's (个体工商户, type ``92``) can be.

>>> is_valid("91110000600037341L"), is_valid("91110000600037341M")
(True, False)
>>> parse("91110000600037341L")["type"]
'企业'
>>> [(s.start, s.end) for s in find("信用代码：91110000600037341L。")]
[(5, 23)]
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

from pipl_guard.detect import regions
from pipl_guard.detect.base import ScanContext, Span
from pipl_guard.detect.checksums import gb32100_check
from pipl_guard.detect.normalize import to_ascii

ENTITIES = ("CN_USCC",)
ENTITY = "CN_USCC"
CUES: tuple[str, ...] = ()
ALPHABET = frozenset("0123456789ABCDEFGHJKLMNPQRTUWXY")
LENGTH = 18
#: the validated code with a known authority/type pair and division
SCORE = 0.85
#: check character right but authority/type or division unknown: needs a context word
SCORE_UNSURE = 0.45


@cache
def authorities() -> dict[str, dict[str, Any]]:
    """GB 32100 authority codes -> ``{"name": ..., "types": {code: name}}`` (from ``data/uscc.toml``)."""
    raw = resources.files("pipl_guard.data").joinpath("uscc.toml").read_text("utf-8")
    table: dict[str, dict[str, Any]] = tomllib.loads(raw)["authority"]
    return table


def compact(value: str) -> str:
    """Strip spaces and dashes, map full-width forms, upper-case."""
    return to_ascii(value).replace(" ", "").replace("-", "").strip().upper()


def _well_formed(v: str) -> bool:
    return (
        len(v) == LENGTH
        and v.isascii()
        and v[2:8].isdigit()
        and all(c in ALPHABET for c in v)
        and gb32100_check(v) == v[17]
    )


def is_valid(value: str) -> bool:
    """Alphabet, division field and GB 32100 check character."""
    return _well_formed(compact(value))


def _plausible(v: str) -> tuple[bool, bool]:
    """(authority/type pair known, division code known)."""
    auth = authorities().get(v[0])
    pair = auth is not None and v[1] in auth["types"]
    return pair, regions.is_assigned(v[2:8])


def parse(value: str) -> dict[str, Any]:
    """Authority, organisation type, division code and region name (where known).

    >>> parse("91110000600037341L")["region"]
    '北京市'
    """
    v = compact(value)
    auth = authorities().get(v[:1])
    region = regions.lookup(v[2:8])
    return {
        "authority_code": v[:1],
        "authority": auth["name"] if auth else None,
        "type_code": v[1:2],
        "type": auth["types"].get(v[1:2]) if auth else None,
        "region_code": v[2:8],
        "region": region.name if region else None,
        "sole_trader": v[:2] == "92",
    }


def format(value: str) -> str:  # python-stdnum's name
    return compact(value)


def find(text: str | ScanContext) -> list[Span]:
    ctx = ScanContext.of(text)
    out: list[Span] = []
    # codes holding letters: the alphanumeric-token pass
    for s, e, tok in ctx.alnum_tokens:
        if e - s != LENGTH:
            continue
        v = tok.upper()
        if not _well_formed(v):
            continue
        pair, region = _plausible(v)
        out.append(Span(s, e, ENTITY, SCORE if pair and region else SCORE_UNSURE, parse(v)))
    # all-digit codes (possibly ending in X): the digit pass; whole, unseparated runs only
    for c in ctx.digits_of_length(LENGTH):
        # a trailing X makes the run an alphanumeric token too: the loop above has it
        if len(c.digits) != LENGTH or not c.whole_run or c.separated or c.digits[-1] == "X":
            continue
        v = c.digits
        # the cheap plausibility lookups first: most 18-digit runs are order numbers and fail them
        if _plausible(v) == (True, True) and _well_formed(v):
            out.append(Span(c.start, c.end, ENTITY, SCORE, parse(v)))
    return out
