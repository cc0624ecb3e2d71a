"""HEALTH: health and medical information (sensitive: PIPL Art. 28 medical health).

In text: the clause after a diagnosis cue, up to the next punctuation. ``患有``/``确诊为``-style cues take the
clause directly (``患有高血压和糖尿病``); field-like cues (``诊断``, ``病史``, ``过敏史``, ``疾病``) only before a
separator (``诊断：急性阑尾炎``), so topics such as ``疾病预防控制中心`` are not findings. A bare field value is
valid when it names a common condition from ``data/diseases.txt`` (``2型糖尿病``, ``高血压``).

>>> t = "患者自述患有高血压和糖尿病，无过敏史。"
>>> [t[s.start:s.end] for s in find(t)]
['高血压和糖尿病']
>>> find("疾病预防控制中心发布通知")
[]
>>> is_valid("2型糖尿病"), is_valid("正常")
(True, False)
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from pipl_guard.detect import textutil as tu
from pipl_guard.detect.base import ScanContext, Span, trie_regex

ENTITIES = ("HEALTH",)
ENTITY = "HEALTH"
_CFG = tu.section("health")
_CUE_CLASS = {**dict.fromkeys(_CFG["field_cues"], "field"), **dict.fromkeys(_CFG["direct_cues"], "direct")}
CUES: tuple[str, ...] = tuple(_CUE_CLASS)
MAX_CHARS: int = _CFG["max_chars"]
_NOT_FIRST = frozenset(_CFG["not_first"])
SCORE = 0.8
MAX_VALUE = 64


@cache
def diseases() -> tuple[str, ...]:
    return tuple(r[0] for r in tu.data_lines("diseases.txt"))


@cache
def _disease_regex() -> re.Pattern[str]:
    return re.compile(trie_regex(diseases()), re.IGNORECASE)


def find(text: str | ScanContext) -> list[Span]:
    ctx = ScanContext.of(text)
    norm = ctx.norm
    out: list[Span] = []
    for end, _w, cls in tu.cue_hits(ctx, _CUE_CLASS):
        s = tu.skip_separator(norm, end, links=cls == "direct")
        if cls == "field" and s == end:
            continue  # a field cue needs a separator ("诊断：…"); "疾病预防" is a topic
        if s < len(norm) and norm[s] in _NOT_FIRST:
            continue  # "患有的病…": a function word, not a condition
        e = tu.clause_end(norm, s, MAX_CHARS)
        while e > s and norm[e - 1].isspace():
            e -= 1
        value = norm[s:e]
        if value in ("无", "不详", "暂无", "正常") or not any(tu.is_cjk(c) or c.isalnum() for c in value):
            continue  # empty, a "none" statement, or only symbols ("病症 …")
        out.append(Span(s, e, ENTITY, SCORE, parse(norm[s:e]), has_context=True))
    return out


def is_valid(value: str) -> bool:
    """A short value naming a known condition."""
    if not isinstance(value, str):
        return False
    v = value.strip()
    return 0 < len(v) <= MAX_VALUE and _disease_regex().search(v) is not None


def parse(value: str) -> dict[str, Any]:
    found = [m.group() for m in _disease_regex().finditer(value)]
    return {"conditions": found} if found else {}
