"""QQ_NUMBER and WECHAT_ID: instant-messaging accounts, found only right after a cue word.

- **QQ_NUMBER**: 5-11 digits, first digit 1-9, after ``QQ``, ``QQ号``, ``QQ号码`` or ``扣扣``; the value may be
  glued to the cue (``QQ12345678``) or follow a colon or short space (``QQ：12345678``). ``QQ群`` (a group
  number) is not a personal account and is not a cue.
- **WECHAT_ID**: 6-20 characters, starting with a letter, then letters, digits, ``_`` or ``-`` (Tencent's rule
  for a self-chosen 微信号 as commonly quoted), after ``微信``, ``微信号``, ``wechat``, ``weixin``, ``wx`` or
  ``vx``.
  A mobile number after 微信 (``微信同号13812345678``) is left to the mobile detector: it cannot match the
  WeChat shape, which starts with a letter.

Neither number has a check character; the cue word is the evidence, so spans carry ``has_context`` and a
passing score. ASCII cues must stand alone (``devx``, ``wxid_`` are not cues). An all-letter WeChat ID
after an English cue needs an explicit ``:``/``：``/``是`` (``wechat group`` is prose, not an ID).

>>> [(s.entity, s.start, s.end) for s in find("加QQ：12345678或微信号abc_123")]
[('QQ_NUMBER', 4, 12), ('WECHAT_ID', 16, 23)]
>>> VALIDATORS["QQ_NUMBER"]("10001"), VALIDATORS["WECHAT_ID"]("13812345678")
(True, False)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pipl_guard.detect._letters import JOINERS
from pipl_guard.detect.base import ScanContext, Span, case_variants, is_ascii_alnum
from pipl_guard.detect.normalize import to_ascii

ENTITIES = ("QQ_NUMBER", "WECHAT_ID")
QQ_CUES: tuple[str, ...] = ("QQ", "QQ号", "QQ号码", "扣扣", "扣扣号")
WECHAT_CUES: tuple[str, ...] = ("微信", "微信号", "WeChat", "weixin", "wx", "vx")
CUES: tuple[str, ...] = QQ_CUES + WECHAT_CUES
QQ_SCORE = 0.8
WECHAT_SCORE = 0.75

_QQ_SHAPE = re.compile(r"[1-9][0-9]{4,10}")
_WECHAT_SHAPE = re.compile(r"[A-Za-z][A-Za-z0-9_\-]{5,19}")
# the gap between a cue and its value: an optional 号/号码/账号/ID, then a colon, 是/为 or up to 3 spaces
_GAP = r"(?:号码|账号|号|[ \t]?(?:ID|id|Id))?[ \t]{0,3}(?P<sep>[:：=]|是|为)?[ \t]{0,3}"
_QQ_AFTER = re.compile(_GAP + r"(?P<value>[1-9][0-9]{4,10})(?![0-9A-Za-z_])")
_WECHAT_AFTER = re.compile(_GAP + r"(?P<value>[A-Za-z][A-Za-z0-9_\-]{5,19})(?![A-Za-z0-9_\-])")
_QQ_WORDS = frozenset(case_variants(QQ_CUES))
_WECHAT_WORDS = frozenset(case_variants(WECHAT_CUES))


def compact(value: str) -> str:
    """Strip surrounding and inner spaces, map full-width forms."""
    return re.sub(r"\s", "", to_ascii(value))


def is_qq_number(value: str) -> bool:
    return _QQ_SHAPE.fullmatch(compact(value)) is not None


def is_wechat_id(value: str) -> bool:
    return _WECHAT_SHAPE.fullmatch(compact(value)) is not None


VALIDATORS: dict[str, Callable[[str], bool]] = {"QQ_NUMBER": is_qq_number, "WECHAT_ID": is_wechat_id}


def is_valid(value: str) -> bool:
    """Valid as either account (use ``VALIDATORS`` for one entity)."""
    return is_qq_number(value) or is_wechat_id(value)


def parse(value: str) -> dict[str, Any]:
    return {}


def format(value: str) -> str:  # python-stdnum's name
    return compact(value)


def _cue_ok(norm: str, end: int, word: str, *, glued_value: bool) -> bool:
    """A cue with ASCII ends must not be part of a longer word (``devx``, ``wxid``)."""
    start = end - len(word)
    if word[0].isascii() and start > 0 and (is_ascii_alnum(norm[start - 1]) or norm[start - 1] == "_"):
        return False
    if (
        word[-1].isascii()
        and not glued_value
        and end < len(norm)
        and (is_ascii_alnum(norm[end]) or norm[end] == "_")
    ):
        return False
    return True


def _value_glued(norm: str, end: int) -> bool:
    """``QQ:12345@qq.com``, ``wx: abc123.example``: the value runs on into a longer code."""
    return end + 1 < len(norm) and norm[end] in JOINERS and is_ascii_alnum(norm[end + 1])


def find(text: str | ScanContext) -> list[Span]:
    ctx = ScanContext.of(text)
    norm = ctx.norm
    out: list[Span] = []
    for pos, word in ctx.cues(_QQ_WORDS | _WECHAT_WORDS):
        # the shared cue pass may report a longer cue of another detector (``QQ号码``, ``微信号``)
        if word in _QQ_WORDS or word.upper().startswith("QQ") or word.startswith("扣扣"):
            entity, rx, score = "QQ_NUMBER", _QQ_AFTER, QQ_SCORE
        else:
            entity, rx, score = "WECHAT_ID", _WECHAT_AFTER, WECHAT_SCORE
        # QQ numbers may be glued to the cue (``QQ12345678``); WeChat IDs after ``wx``/``vx`` may not
        if not _cue_ok(norm, pos, word, glued_value=entity == "QQ_NUMBER"):
            continue
        m = rx.match(norm, pos)
        if m is None or _value_glued(norm, m.end()):
            continue
        value = m.group("value")
        if entity == "WECHAT_ID" and value.isalpha() and word.isascii() and m.group("sep") is None:
            continue
        out.append(Span(m.start("value"), m.end(), entity, score, {}, has_context=True))
    return out
