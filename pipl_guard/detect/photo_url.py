"""PHOTO_URL: links to a person's photo (sensitive: facial images are biometric under PIPL Art. 28).

In text a URL counts after a cue (``照片：https://…``, ``头像 https://…``). A bare field value is valid when
it is an http(s) URL whose path ends in an image extension or has a photo-like segment (``photo``,
``avatar``, ``zp`` — 照片 in pinyin initials, as police and government systems name it), or a
``data:image/…`` URI.

>>> t = "照片：https://img.example.cn/zp/110105.jpg，请核对"
>>> [t[s.start:s.end] for s in find(t)]
['https://img.example.cn/zp/110105.jpg']
>>> is_valid("https://cdn.example.com/avatar/123"), is_valid("https://example.com/index.html")
(True, False)
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from pipl_guard.detect import textutil as tu
from pipl_guard.detect.base import ScanContext, Span

ENTITIES = ("PHOTO_URL",)
ENTITY = "PHOTO_URL"
_CFG = tu.section("photo_url")
CUES: tuple[str, ...] = tuple(_CFG["cues"])
_CUE_CLASS = dict.fromkeys(CUES, "cue")
_EXTENSIONS = frozenset(_CFG["extensions"])
_SEGMENTS = frozenset(_CFG["path_segments"])
_URL = re.compile(r"(?:https?://|data:image/)[^\s\"'<>，。；、（）()【】\[\]{}]+", re.IGNORECASE)
# a cue may name the field before the URL: "照片地址：", "头像链接 "
_FIELD_TAIL = re.compile(r"(?:地址|链接|网址|url|URL|Url)?")
SCORE = 0.85


def find(text: str | ScanContext) -> list[Span]:
    ctx = ScanContext.of(text)
    norm = ctx.norm
    out: list[Span] = []
    for end, _w, _c in tu.cue_hits(ctx, _CUE_CLASS):
        tail = _FIELD_TAIL.match(norm, end)
        s = tu.skip_separator(norm, tail.end() if tail else end, links=False)
        m = _URL.match(norm, s)
        if m is None:
            continue
        e = m.end()
        while e > s and norm[e - 1] in ".,;:!?":
            e -= 1
        out.append(Span(s, e, ENTITY, SCORE, parse(norm[s:e]), has_context=True))
    return out


def is_valid(value: str) -> bool:
    """An image URL: http(s) with an image extension or a photo-like path segment, or a data:image URI."""
    if not isinstance(value, str):
        return False
    v = value.strip()
    if v.lower().startswith("data:image/"):
        return True
    if not v.lower().startswith(("http://", "https://")) or any(c.isspace() for c in v):
        return False
    try:
        parts = urlsplit(v)
    except ValueError:
        return False
    if not parts.netloc:
        return False
    path = parts.path.lower()
    last = path.rsplit("/", 1)[-1]
    if "." in last and last.rsplit(".", 1)[-1] in _EXTENSIONS:
        return True
    return any(seg in _SEGMENTS for seg in path.split("/") if seg)


def parse(value: str) -> dict[str, Any]:
    v = value.strip()
    if v.lower().startswith("data:image/"):
        return {"inline": True}
    try:
        parts = urlsplit(v)
    except ValueError:
        return {}
    return {"host": parts.hostname}
