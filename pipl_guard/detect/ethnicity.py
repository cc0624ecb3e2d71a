"""ETHNICITY: 民族, one of the 56 officially recognised ethnic groups (sensitive: PIPL Art. 28 specific identity).

The closed list with GB/T 3304 two-digit codes and romanised names is ``data/ethnic_groups.txt``. In text
a group counts only after a cue (``民族``, ``族别``): ``民族：汉族``, ``民族:汉``. A bare field value is valid when
it names a group, with or without 族 (``汉``, ``汉族``, ``蒙古族``) or romanised (``Han``). Two-digit codes
(``01``) are *not* accepted by ``is_valid``: a lone ``01`` is evidence only under a field named ``mz``/``民族``,
so the record layer decides; ``parse`` decodes them.

>>> t = "性别：男，民族：汉族，籍贯湖南"
>>> [t[s.start:s.end] for s in find(t)]
['汉族']
>>> find("中华民族伟大复兴")
[]
>>> is_valid("汉"), is_valid("汉族"), is_valid("01"), is_valid("火星族")
(True, True, False, False)
>>> parse("05")["name"]
'维吾尔族'
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from pipl_guard.detect import textutil as tu
from pipl_guard.detect.base import ScanContext, Span, trie_regex

ENTITIES = ("ETHNICITY",)
ENTITY = "ETHNICITY"
CUES: tuple[str, ...] = tuple(tu.section("ethnicity")["cues"])
_CUE_CLASS = dict.fromkeys(CUES, "cue")
SCORE = 0.85


@cache
def groups() -> tuple[tuple[str, str, str], ...]:
    """(GB/T 3304 code, name with 族, romanised name) of the 56 groups."""
    return tuple((r[0], r[1], r[2]) for r in tu.data_lines("ethnic_groups.txt"))


@cache
def _by_name() -> dict[str, tuple[str, str, str]]:
    out: dict[str, tuple[str, str, str]] = {}
    for g in groups():
        code, name, roman = g
        out[name] = g
        out[name[:-1]] = g  # "汉" for "汉族"
        out[roman.lower()] = g
        out[code] = g
    return out


@cache
def _name_regex() -> re.Pattern[str]:
    names = [g[1] for g in groups()] + [g[1][:-1] for g in groups()]
    names += [v for g in groups() for v in (g[2], g[2].upper(), g[2].lower())]  # "ethnicity: Han"
    return re.compile(trie_regex(names))


def find(text: str | ScanContext) -> list[Span]:
    ctx = ScanContext.of(text)
    norm = ctx.norm
    out: list[Span] = []
    for end, _w, _c in tu.cue_hits(ctx, _CUE_CLASS):
        s = tu.skip_separator(norm, end, links=False)
        m = _name_regex().match(norm, s)
        if m is None:
            continue
        e = m.end()
        # a short form must stand alone: "民族：满" yes, "民族满意度" no; "Han" yes, "Handbook" no
        if not m.group().endswith("族") and e < len(norm) and (tu.is_cjk(norm[e]) or norm[e].isalpha()):
            continue
        out.append(Span(s, e, ENTITY, SCORE, parse(m.group()), has_context=True))
    return out


def is_valid(value: str) -> bool:
    """A group's name (with or without 族) or romanised name; numeric codes are left to field context."""
    if not isinstance(value, str):
        return False
    v = value.strip()
    return bool(v) and not v.isdigit() and v.lower() in _by_name()


def is_code(value: str) -> bool:
    """A GB/T 3304 two-digit code (``01``-``56``); meaningful only under an ethnicity field name."""
    v = value.strip()
    return len(v) == 2 and v in _by_name()


def parse(value: str) -> dict[str, Any]:
    """GB/T 3304 code, Chinese name and romanised name for a name, short name, romanisation or code."""
    g = _by_name().get(value.strip().lower())
    if g is None:
        return {}
    return {"code": g[0], "name": g[1], "romanized": g[2]}
