"""BIOMETRIC: biometric data (sensitive: PIPL Art. 28) — fingerprint, face, iris, voice templates.

In text: a template-like value (a base64/hex blob of 24+ characters, or a numeric feature vector of 8+
numbers) after a cue (``指纹``, ``人脸特征``, ``虹膜``, ``声纹`` ...) and an optional word such as 特征值/模板.
Prose about the technology (``人脸识别技术发展迅速``) is not a finding. ``is_valid`` accepts the same value
shapes; they are evidence only under a biometric field name, which the record layer checks.

>>> t = "指纹特征值：Qk1QAAAAAAAAADYAAAAoAAAAAQAAAAEAAAA，已入库"
>>> [t[s.start:s.end] for s in find(t)]
['Qk1QAAAAAAAAADYAAAAoAAAAAQAAAAEAAAA']
>>> find("人脸识别技术发展迅速")
[]
>>> is_valid("[0.12, -0.5, 0.33, 0.9, 0.1, 0.2, 0.3, 0.4]"), is_valid("hello")
(True, False)
"""

from __future__ import annotations

import re
from typing import Any

from pipl_guard.detect import textutil as tu
from pipl_guard.detect.base import ScanContext, Span

ENTITIES = ("BIOMETRIC",)
ENTITY = "BIOMETRIC"
_CFG = tu.section("biometric")
_FEATURE_CUES: tuple[str, ...] = tuple(_CFG["feature_cues"])
_SUBJECTS: tuple[str, ...] = tuple(_CFG["feature_subjects"])
CUES: tuple[str, ...] = (*_CFG["cues"], *_FEATURE_CUES)
_CUE_CLASS = {**dict.fromkeys(_CFG["cues"], "cue"), **dict.fromkeys(_FEATURE_CUES, "feature")}
_INFIX = frozenset(_CFG["infix"])
# each repetition starts at a comma, so the vector pattern is linear
_VECTOR = re.compile(r"[\[(]?\s?-?[0-9]+(?:\.[0-9]+)?(?:\s?,\s?-?[0-9]+(?:\.[0-9]+)?){7,}\s?[\])]?")
_BLOB = re.compile(r"[A-Za-z0-9+/_\-]{24,}={0,2}")
SCORE = 0.8


def _value_at(text: str, pos: int) -> re.Match[str] | None:
    m = _VECTOR.match(text, pos)
    if m is not None:
        return m
    m = _BLOB.match(text, pos)
    if m is not None:
        v = m.group()
        if any(c.isdigit() for c in v) or (any(c.isupper() for c in v) and any(c.islower() for c in v)):
            return m
    return None


def find(text: str | ScanContext) -> list[Span]:
    ctx = ScanContext.of(text)
    norm = ctx.norm
    out: list[Span] = []
    seen: set[tuple[int, int]] = set()
    for end, word, cls in tu.cue_hits(ctx, _CUE_CLASS):
        if cls == "feature":
            # "人脸特征值": the subject word must stand right before "特征…"
            start = end - len(word)
            if not any(norm.startswith(subj, start - len(subj)) for subj in _SUBJECTS if start >= len(subj)):
                continue
        p = end
        while p < len(norm) and p < end + 6 and norm[p] in _INFIX:
            p += 1
        s = tu.skip_separator(norm, p, links=False)
        m = _value_at(norm, s)
        if m is None or m.span() in seen:
            continue
        seen.add(m.span())
        out.append(Span(m.start(), m.end(), ENTITY, SCORE, parse(m.group()), has_context=True))
    return out


def is_valid(value: str) -> bool:
    """A template-shaped value: a feature vector of 8+ numbers or a base64/hex blob of 32+ characters."""
    if not isinstance(value, str):
        return False
    v = value.strip()
    if _VECTOR.fullmatch(v):
        return True
    return len(v) >= 32 and _BLOB.fullmatch(v) is not None and _value_at(v, 0) is not None


def parse(value: str) -> dict[str, Any]:
    v = value.strip()
    if _VECTOR.fullmatch(v):
        return {"kind": "vector", "dimensions": v.count(",") + 1}
    return {"kind": "blob", "length": len(v)}
