"""PERSON_NAME: Chinese personal names after a cue word or before a title; pinyin names as field values.

No model: a surname dictionary (``data/surnames.txt``: Faker zh_CN's 399 surnames with their frequency and
the compound surnames of the 百家姓, with pinyin readings) plus context. In text a name is found

* after a cue word (``姓名``, ``联系人``, ``收件人`` ...; ``data/text_cues.toml``) and an optional
  ``：``/``:``/space: surname + one or two given-name characters, ending at a boundary (punctuation, a
  digit, a stop character such as 电 住 的, the start of the next field word or of a province/city name);
* before a title (``张伟先生``, ``李娜老师``, ``王先生``).

Bare text without context is never a name: ``王国的历史``, ``高兴``, ``金额`` are words. A bare *field* value
(``xm = 张伟``) is checked by ``is_valid``, which also accepts pinyin names (``Zhang Wei``, ``OUYANG Nana``).

>>> [(s.start, s.end) for s in find("联系人：欧阳娜娜，住北京市海淀区")]
[(4, 8)]
>>> [(s.start, s.end) for s in find("收件人张伟电话13812345678")]
[(3, 5)]
>>> find("王国的历史很长")
[]
>>> is_valid("张伟"), is_valid("Zhang Wei"), is_valid("ZHANG Wei"), is_valid("Hello World")
(True, True, True, False)
>>> parse("欧阳娜娜")["surname"]
'欧阳'
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from pipl_guard.detect import textutil as tu
from pipl_guard.detect.base import ScanContext, Span, trie_regex

ENTITIES = ("PERSON_NAME",)
ENTITY = "PERSON_NAME"

_CFG = tu.section("person_name")
_CUE_CLASS: dict[str, str] = {
    **{w: "weak" for w in _CFG["weak_cues"]},
    **{w: "strong" for w in _CFG["strong_cues"]},
    **{w: "title_full" for w in _CFG["titles_full_name"]},
    **{w: "title_surname" for w in _CFG["titles_surname_only"]},
}
CUES: tuple[str, ...] = tuple(_CUE_CLASS)
_STOP = frozenset(_CFG["stop_chars"])
#: link words after a name cue ("联系人为张伟"); not 于/在, which are surnames and given-name characters
_LINKS: tuple[str, ...] = tuple(_CFG["links"])
_NOT_NAMES = frozenset(_CFG["not_names"])
_BOUNDARY_RX = re.compile(
    trie_regex([*_CFG["boundary_words"], *_CFG["titles_full_name"], *_CFG["titles_surname_only"]])
)
_PINYIN_TOKEN = re.compile(r"[A-Za-z]+")
_PINYIN_NAME = re.compile(r"[A-Za-z]+(?:[ \-,.]{1,2}[A-Za-z]+){1,3}")
# a pinyin name written after a cue in text: two or three words ("姓名 Zhang Wei", "name: ZHANG Weiming")
_PINYIN_IN_TEXT = re.compile(r"[A-Za-z]{1,12}(?: [A-Za-z]{1,12}){1,2}(?![A-Za-z])")

SCORE_STRONG = 0.85
SCORE_WEAK = 0.7
SCORE_TITLE = 0.7
SCORE_SURNAME_TITLE = 0.6
SCORE_FALLBACK = 0.55


@cache
def surnames() -> dict[str, tuple[float, tuple[str, ...]]]:
    """Surname -> (frequency in %, pinyin readings)."""
    out: dict[str, tuple[float, tuple[str, ...]]] = {}
    for row in tu.data_lines("surnames.txt"):
        out[row[0]] = (float(row[1]), tuple(row[2].split("|")))
    return out


@cache
def _single() -> frozenset[str]:
    return frozenset(s for s in surnames() if len(s) == 1)


@cache
def _compound() -> frozenset[str]:
    return frozenset(s for s in surnames() if len(s) == 2)


@cache
def _surname_readings() -> frozenset[str]:
    return frozenset(r for _f, readings in surnames().values() for r in readings)


@cache
def _syllables() -> frozenset[str]:
    return frozenset(row[0] for row in tu.data_lines("pinyin_syllables.txt"))


def _given_ok(text: str, start: int, end: int) -> bool:
    if end > len(text):
        return False
    for i in range(start, end):
        ch = text[i]
        if ch in _STOP or not tu.is_cjk(ch):
            return False
        if i > start and _BOUNDARY_RX.match(text, i):
            return False
    return not _BOUNDARY_RX.match(text, start)


def _boundary_after(text: str, pos: int) -> bool:
    if pos >= len(text):
        return True
    ch = text[pos]
    if ch in _STOP or not tu.is_cjk(ch):
        return True
    return bool(_BOUNDARY_RX.match(text, pos)) or tu.division_at(text, pos, major_only=True) is not None


def _boundary_before(text: str, pos: int) -> bool:
    if pos <= 0:
        return True
    ch = text[pos - 1]
    return ch in _STOP or not tu.is_cjk(ch)


def _surname_lengths(text: str, pos: int) -> list[int]:
    out = []
    if text[pos : pos + 2] in _compound():
        out.append(2)
    if pos < len(text) and text[pos] in _single():
        out.append(1)
    return out


def _name_after(text: str, pos: int) -> tuple[int, bool] | None:
    """End of the name starting at ``pos`` and whether it ends at a boundary."""
    if pos >= len(text):
        return None
    fallback = None
    for sl in _surname_lengths(text, pos):
        for gl in (2, 1):
            end = pos + sl + gl
            if not _given_ok(text, pos + sl, end) or text[pos:end] in _NOT_NAMES:
                continue
            if _boundary_after(text, end):
                return end, True
            if fallback is None or gl == 1:
                fallback = end
    return (fallback, False) if fallback is not None else None


def _name_shaped(text: str, start: int, end: int) -> bool:
    # a compound surname alone ("欧阳" in "欧阳女士") is a surname, not surname + given name
    if text[start:end] in _NOT_NAMES or text[start:end] in _compound():
        return False
    for sl in _surname_lengths(text, start):
        if 1 <= end - start - sl <= 2 and _given_ok(text, start + sl, end):
            return True
    return False


def _name_before(text: str, title_start: int, cls: str) -> tuple[int, int, float] | None:
    """(start, end, score) of the name in front of a title."""
    t = title_start
    for k in (4, 3, 2):
        s = t - k
        if s >= 0 and _name_shaped(text, s, t) and _boundary_before(text, s):
            return s, t, SCORE_TITLE
    if cls != "title_surname":
        return None
    for sl in (2, 1):
        s = t - sl
        if s >= 0 and (text[s:t] in _compound() if sl == 2 else text[s:t] in _single()):
            return s, t + 2, SCORE_SURNAME_TITLE  # "王先生": the surname with its title
    if t >= 2 and _name_shaped(text, t - 2, t):
        return t - 2, t, SCORE_FALLBACK
    return None


def find(text: str | ScanContext) -> list[Span]:
    ctx = ScanContext.of(text)
    norm = ctx.norm
    out: list[Span] = []
    hits = tu.cue_hits(ctx, _CUE_CLASS)
    cue_starts = ctx.cue_starts if hits else frozenset()
    for end, word, cls in hits:
        if cls.startswith("title"):
            got = _name_before(norm, end - len(word), cls)
            if got is None:
                continue
            s, e, score = got
            if score == SCORE_SURNAME_TITLE:  # "王先生": the surname and its title, no given name
                title = word if norm.endswith(word, 0, e) else norm[e - 2 : e]
                surname = norm[s : e - len(title)]
                attrs = {
                    "surname": surname,
                    "given_name": "",
                    "compound_surname": len(surname) == 2,
                    "title": title,
                }
                out.append(Span(s, e, ENTITY, score, attrs, has_context=True))
                continue
        else:
            s = tu.skip_separator(norm, end, links=_LINKS)
            if s in cue_starts:
                continue  # another cue word, not a name, follows ("姓名地址…")
            found = _name_after(norm, s)
            if found is None:
                if cls == "strong" and s < len(norm) and norm[s].isascii():
                    m = _PINYIN_IN_TEXT.match(norm, s)
                    if m is not None and _pinyin_valid(m.group()):
                        out.append(
                            Span(s, m.end(), ENTITY, SCORE_WEAK, {"romanized": True}, has_context=True)
                        )
                continue
            e, at_boundary = found
            if at_boundary:
                score = SCORE_STRONG if cls == "strong" else SCORE_WEAK
            elif cls == "strong":
                score = SCORE_FALLBACK
            else:
                continue
        out.append(Span(s, e, ENTITY, score, parse(norm[s:e]), has_context=True))
    return out


def _segments(token: str, max_parts: int) -> bool:
    """``token`` splits into 1..max_parts pinyin syllables."""
    t = token.lower()
    n = len(t)
    syl = _syllables()
    reach = {0: 0}
    for i in range(n):
        if i not in reach or reach[i] >= max_parts:
            continue
        for j in range(i + 1, min(n, i + 6) + 1):
            if t[i:j] in syl and (j not in reach or reach[j] > reach[i] + 1):
                reach[j] = reach[i] + 1
    return n in reach and reach[n] <= max_parts


def _pinyin_valid(value: str) -> bool:
    if _PINYIN_NAME.fullmatch(value) is None:
        return False
    tokens = _PINYIN_TOKEN.findall(value)
    if not 2 <= len(tokens) <= 3:
        return False
    readings = _surname_readings()
    for si in (0, len(tokens) - 1):  # "Zhang Wei" or "Wei Zhang"
        if tokens[si].lower() not in readings:
            continue
        given = [t for i, t in enumerate(tokens) if i != si]
        if len(given) == 1 and _segments(given[0], 2):
            return True
        if len(given) == 2 and all(_segments(g, 1) for g in given):
            return True
    return False


def is_valid(value: str) -> bool:
    """A bare value shaped like a Chinese name (surname + 1-2 characters) or a pinyin name."""
    if not isinstance(value, str):
        return False
    v = value.strip()
    if not v:
        return False
    if v.isascii():
        return _pinyin_valid(v)
    if "·" in v or "•" in v:  # transliterated minority and foreign names: 阿卜杜拉·买买提
        parts = re.split("[·•]", v)
        return (
            2 <= len(parts) <= 4 and len(v) <= 20 and all(p and all(tu.is_cjk(c) for c in p) for p in parts)
        )
    if not 2 <= len(v) <= 4 or not all(tu.is_cjk(c) for c in v):
        return False
    return _name_shaped(v, 0, len(v))


def parse(value: str) -> dict[str, Any]:
    """Surname and given name of a Chinese name (compound surnames first)."""
    v = value.strip()
    if v.isascii():
        return {"romanized": True}
    sl = 2 if v[:2] in _compound() and len(v) >= 3 else 1
    return {"surname": v[:sl], "given_name": v[sl:], "compound_surname": sl == 2}
