"""CN_HMT_PERMIT: travel permits between the mainland and Hong Kong, Macao and Taiwan.

Shapes (none carries a public check character, so only the shape is validated):

- 港澳居民来往内地通行证 (回乡证, home return permit): ``H`` (Hong Kong) or ``M`` (Macao) + 8 digits; the
  10-digit form appends a 2-digit issue count (``H1234567801``);
- 往来港澳通行证 (mainland residents to HK/Macao): card (2014-) ``C`` + 8 digits, later ``C`` + a letter other
  than I/O + 7 digits; old booklet ``W`` + 8 digits;
- 往来台湾通行证 (mainland residents to Taiwan): ``L`` + 8 digits;
- 台湾居民来往大陆通行证 (台胞证, card from 2015): 8 digits. A bare 8-digit number is anything, so this form is
  only reported right after a 台胞证 cue word (``台胞证号码：12345678``).

Sources: secondary descriptions only (research/legal.md section 8, *secondary - unverified*); no issuing
authority specification was seen. Letter forms score 0.35 and need a context word (回乡证, 通行证 ...,
+0.35 in the scanner); the cue-gated 台胞证 form is reported with ``has_context``.

>>> is_valid("H12345678"), is_valid("H1234567801"), is_valid("CI1234567")
(True, True, False)
>>> [(s.start, s.end, s.has_context) for s in find("台胞证号码：12345678")]
[(6, 14, True)]
>>> parse("M12345678")["region"]
'Macao'
"""

from __future__ import annotations

import re
from typing import Any

from pipl_guard.detect._letters import glued
from pipl_guard.detect.base import ScanContext, Span
from pipl_guard.detect.normalize import to_ascii

ENTITIES = ("CN_HMT_PERMIT",)
ENTITY = "CN_HMT_PERMIT"
#: cue words right before a bare 8-digit 台胞证 number
CUES: tuple[str, ...] = ("台胞证", "台湾居民来往大陆通行证")
#: a letter-form shape match without context: below the default threshold on purpose
SCORE = 0.35
#: the 8-digit 台胞证 number found right after its cue word
CUE_SCORE = 0.8

_SHAPE = re.compile(
    r"(?P<home_return>[HM][0-9]{8}(?:[0-9]{2})?)"
    r"|(?P<to_hk_macao>C[0-9]{8}|C[A-HJ-NP-Z][0-9]{7}|W[0-9]{8})"
    r"|(?P<to_taiwan>L[0-9]{8})"
    r"|(?P<taiwan_resident>[0-9]{8})"
)
# after the cue: an optional 号/号码, a short separator, then exactly 8 digits; every part is bounded
_AFTER_CUE = re.compile(r"(?:号码|编号|号)?(?:[ \t]{0,3}[:：=]?[ \t]{0,3}|是|为)([0-9]{8})(?![0-9A-Za-z_])")
_KIND_NAMES = {
    "home_return": "港澳居民来往内地通行证",
    "to_hk_macao": "往来港澳通行证",
    "to_taiwan": "往来台湾通行证",
    "taiwan_resident": "台湾居民来往大陆通行证",
}


def compact(value: str) -> str:
    """Strip spaces, dashes and parentheses, map full-width forms, upper-case."""
    return re.sub(r"[\s\-()（）]", "", to_ascii(value)).upper()


def is_valid(value: str) -> bool:
    """Shape check of a bare value (a field already known to hold a permit number)."""
    return _SHAPE.fullmatch(compact(value)) is not None


def parse(value: str) -> dict[str, Any]:
    """The permit kind, its Chinese name and, for home return permits, region and issue count."""
    v = compact(value)
    m = _SHAPE.fullmatch(v)
    if m is None or m.lastgroup is None:
        return {}
    kind = m.lastgroup
    out: dict[str, Any] = {"kind": kind, "name": _KIND_NAMES[kind]}
    if kind == "home_return":
        out["region"] = "Hong Kong" if v[0] == "H" else "Macao"
        if len(v) == 11:
            out["issue_count"] = int(v[9:])
    elif kind == "to_hk_macao":
        out["card"] = v[0] == "C"
    return out


def format(value: str) -> str:  # python-stdnum's name
    return compact(value)


def find(text: str | ScanContext) -> list[Span]:
    ctx = ScanContext.of(text)
    norm = ctx.norm
    out: list[Span] = []
    for start, end, tok in ctx.alnum_tokens:
        n = len(tok)
        if (n != 9 and n != 11) or tok[0] not in "HMCWL":
            continue
        m = _SHAPE.fullmatch(tok)
        if m is None or m.lastgroup == "taiwan_resident" or glued(norm, start, end):
            continue
        out.append(Span(start, end, ENTITY, SCORE, parse(tok)))
    for pos, _word in ctx.cues(CUES):
        m = _AFTER_CUE.match(norm, pos)
        if m is None or glued(norm, m.start(1), m.end(1)):
            continue
        out.append(
            Span(m.start(1), m.end(1), ENTITY, CUE_SCORE, parse(m.group(1)), has_context=True)
        )
    return out
