"""CN_PASSPORT: numbers of passports of the People's Republic of China.

Shapes (no check character is public, so only the shape is validated):

- ordinary e-passport (2012-): ``E`` + 8 digits, later ``E`` + a letter other than I/O + 7 digits;
- older ordinary passport: ``G`` + 8 digits;
- diplomatic / service / official passports: ``DE`` / ``SE`` / ``PE`` + 7 digits.

Sources: open-source validators and secondary descriptions (research/legal.md section 8, marked
*unverified*); no MPS/NIA specification was seen. A shape match alone is weak evidence (``E12345678`` is also
a plausible part number), so spans score 0.4 and need a context word such as 护照 (+0.35 in the scanner).

>>> is_valid("E12345678"), is_valid("EA1234567"), is_valid("EI1234567")
(True, True, False)
>>> [(s.start, s.end, s.score) for s in find("护照号E12345678")]
[(3, 12, 0.4)]
>>> parse("DE1234567")["kind"]
'diplomatic'
"""

from __future__ import annotations

import re
from typing import Any

from pipl_guard.detect._letters import glued
from pipl_guard.detect.base import ScanContext, Span
from pipl_guard.detect.normalize import to_ascii

ENTITIES = ("CN_PASSPORT",)
ENTITY = "CN_PASSPORT"
CUES: tuple[str, ...] = ()
#: a shape match without context: below the default threshold on purpose
SCORE = 0.4

_SHAPE = re.compile(
    r"(?P<ordinary>E[0-9]{8}|E[A-HJ-NP-Z][0-9]{7})"
    r"|(?P<old>G[0-9]{8})"
    r"|(?P<official>(?:DE|SE|PE)[0-9]{7})"
)
_KINDS = {"DE": "diplomatic", "SE": "service", "PE": "official"}


def compact(value: str) -> str:
    """Strip spaces and dashes, map full-width forms, upper-case: ``ｅ１２３４５６７８`` -> ``E12345678``."""
    return re.sub(r"[\s\-]", "", to_ascii(value)).upper()


def is_valid(value: str) -> bool:
    return _SHAPE.fullmatch(compact(value)) is not None


def parse(value: str) -> dict[str, Any]:
    """The passport kind: ``ordinary`` (E...), ``ordinary_old`` (G...), ``diplomatic``/``service``/``official``."""
    v = compact(value)
    m = _SHAPE.fullmatch(v)
    if m is None:
        return {}
    if m.group("ordinary"):
        return {"kind": "ordinary"}
    if m.group("old"):
        return {"kind": "ordinary_old"}
    return {"kind": _KINDS[v[:2]]}


def format(value: str) -> str:  # python-stdnum's name
    return compact(value)


def find(text: str | ScanContext) -> list[Span]:
    ctx = ScanContext.of(text)
    norm = ctx.norm
    out: list[Span] = []
    for start, end, tok in ctx.alnum_tokens:
        if len(tok) != 9 or tok[0] not in "EGDSP":
            continue
        if _SHAPE.fullmatch(tok) is None or glued(norm, start, end):
            continue
        out.append(Span(start, end, ENTITY, SCORE, parse(tok)))
    return out
