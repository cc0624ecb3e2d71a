"""GENDER: 性别, mostly a field-level entity.

In text only after a cue: ``性别：男``, ``性别女``, ``Gender: F``. A bare field value is valid when it is a
gender word (``男``, ``女``, ``男性``, ``女性``, ``M``, ``F``, ``male``, ``female``). The GB/T 2261.1 codes
(``0`` unknown, ``1`` male, ``2`` female, ``9`` unspecified) are digits that mean gender only under a field
named ``xb``/``性别``/``gender``, so ``is_valid`` rejects them and ``parse``/``is_code`` decode them.

>>> t = "姓名：张伟，性别：男，民族：汉"
>>> [t[s.start:s.end] for s in find(t)]
['男']
>>> find("性别平等是基本国策")
[]
>>> is_valid("女性"), is_valid("F"), is_valid("1")
(True, True, False)
>>> parse("2")["gender"]
'female'
"""

from __future__ import annotations

import re
from typing import Any

from pipl_guard.detect import textutil as tu
from pipl_guard.detect.base import ScanContext, Span, trie_regex

ENTITIES = ("GENDER",)
ENTITY = "GENDER"
_CFG = tu.section("gender")
CUES: tuple[str, ...] = tuple(_CFG["cues"])
_CUE_CLASS = dict.fromkeys(CUES, "cue")
_VALUES: tuple[str, ...] = tuple(_CFG["values"])
_VALUE_RX = re.compile(trie_regex(_VALUES))
#: GB/T 2261.1-2003 human sex codes
CODES = {"0": "unknown", "1": "male", "2": "female", "9": "unspecified"}
_MALE = frozenset({"男", "男性", "m", "male", "man"})
_FEMALE = frozenset({"女", "女性", "f", "female", "woman"})
SCORE = 0.85


def find(text: str | ScanContext) -> list[Span]:
    ctx = ScanContext.of(text)
    norm = ctx.norm
    out: list[Span] = []
    for end, _w, _c in tu.cue_hits(ctx, _CUE_CLASS):
        s = tu.skip_separator(norm, end, links=False)
        m = _VALUE_RX.match(norm, s)
        if m is None:
            continue
        e = m.end()
        # the value stands alone: "性别：男，" yes; "性别男女比例", "sex: Manchester" no
        if e < len(norm) and (tu.is_cjk(norm[e]) or norm[e].isalpha()):
            continue
        out.append(Span(s, e, ENTITY, SCORE, parse(m.group()), has_context=True))
    return out


def is_valid(value: str) -> bool:
    """A gender word; bare GB/T 2261.1 digit codes are left to the field name (see ``is_code``)."""
    if not isinstance(value, str):
        return False
    v = value.strip().lower()
    return v in _MALE or v in _FEMALE


def is_code(value: str) -> bool:
    return value.strip() in CODES


def parse(value: str) -> dict[str, Any]:
    v = value.strip()
    if v in CODES:
        return {"gender": CODES[v], "code": v}
    lv = v.lower()
    if lv in _MALE:
        return {"gender": "male", "code": "1"}
    if lv in _FEMALE:
        return {"gender": "female", "code": "2"}
    return {}
