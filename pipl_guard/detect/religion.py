"""RELIGION: 宗教信仰 (sensitive: PIPL Art. 28 religious belief).

A closed list (``data/religions.txt``: 佛教, 道教, 伊斯兰教, 天主教, 基督教, 东正教 ... and the statement
``无宗教信仰``) and believer words (``data/religion_adherents.txt``: 佛教徒, 基督徒, 穆斯林 ...). In text a
religion counts after a cue (``宗教信仰：佛教``, ``信仰佛教``, ``信奉伊斯兰教``) and a believer word counts on its own
(``他是虔诚的基督徒``); a religion mentioned as a topic (``佛教寺庙的历史``) is not personal information.

>>> t = "宗教信仰：佛教；他是基督徒"
>>> [t[s.start:s.end] for s in find(t)]
['佛教', '基督徒']
>>> find("佛教寺庙的历史")
[]
>>> is_valid("伊斯兰教"), is_valid("信仰佛教"), is_valid("无宗教信仰"), is_valid("足球")
(True, True, True, False)
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from pipl_guard.detect import textutil as tu
from pipl_guard.detect.base import ScanContext, Span, trie_regex

ENTITIES = ("RELIGION",)
ENTITY = "RELIGION"
_CUE_WORDS: tuple[str, ...] = tuple(tu.section("religion")["cues"])
SCORE = 0.85
SCORE_ADHERENT = 0.75


@cache
def religions() -> dict[str, tuple[str, str]]:
    """Name -> (group, English)."""
    return {r[0]: (r[1], r[2]) for r in tu.data_lines("religions.txt")}


@cache
def adherents() -> dict[str, str]:
    """Believer word -> religion group."""
    return {r[0]: r[1] for r in tu.data_lines("religion_adherents.txt")}


#: believer words are found through their ending "教徒" (佛教徒, 天主教徒 ...) plus the two that lack it: a
#: cue per believer word would start on common characters (天, 东, 道) and slow the shared cue pass
_ADHERENT_CUES = ("教徒", "基督徒", "穆斯林")
CUES: tuple[str, ...] = (*_CUE_WORDS, *_ADHERENT_CUES)
_CUE_CLASS = {**dict.fromkeys(_CUE_WORDS, "cue"), **dict.fromkeys(_ADHERENT_CUES, "adherent")}


def _adherent_start(text: str, end: int) -> int | None:
    """Start of the believer word ending at ``end`` (``…教徒``, ``基督徒``, ``穆斯林``), or ``None``."""
    best = None
    for word in adherents():
        s = end - len(word)
        if s >= 0 and text.startswith(word, s) and (best is None or s < best):
            best = s
    return best


@cache
def _name_regex() -> re.Pattern[str]:
    return re.compile(trie_regex(religions()))


def find(text: str | ScanContext) -> list[Span]:
    ctx = ScanContext.of(text)
    norm = ctx.norm
    out: list[Span] = []
    for end, _word, cls in tu.cue_hits(ctx, _CUE_CLASS):
        if cls == "adherent":
            start = _adherent_start(norm, end)
            if start is None:
                continue
            group = adherents()[norm[start:end]]
            out.append(Span(start, end, ENTITY, SCORE_ADHERENT, {"religion": group}, has_context=True))
            continue
        s = tu.skip_separator(norm, end, links=False)
        m = _name_regex().match(norm, s)
        if m is None:
            continue
        out.append(Span(s, m.end(), ENTITY, SCORE, parse(m.group()), has_context=True))
    return out


def _core(value: str) -> str:
    v = value.strip()
    for prefix in ("信仰", "信奉", "信"):
        if v.startswith(prefix) and v[len(prefix) :] in religions():
            return v[len(prefix) :]
    return v


def is_valid(value: str) -> bool:
    """A religion of the list (optionally as ``信仰X``) or a believer word."""
    if not isinstance(value, str):
        return False
    v = _core(value)
    return v in religions() or v in adherents()


def parse(value: str) -> dict[str, Any]:
    v = _core(value)
    if v in religions():
        group, english = religions()[v]
        return {"religion": group, "english": english}
    if v in adherents():
        return {"religion": adherents()[v]}
    return {}
