"""EMAIL: e-mail addresses (电子邮箱), ``local@domain.tld``.

The detector only works when the text holds an ``@`` (a ``str`` membership test, so prose without one
costs nothing). Around each ``@`` it reads the local part leftwards (letters, digits and ``._%+-``, at
most 64; ``is_valid`` accepts every RFC 5322 dot-atom character, but in running text ``/ = ? '`` ...
would swallow URLs and quotes) and the domain rightwards (LDH labels, at most 63 characters each, an alphabetic TLD of 2
or more letters). Each character is read at most twice, so the pass is linear on any input. Quoted
local parts, IP-literal domains and internationalised (Chinese) domain names are not detected.

Image names such as ``icon@2x.png`` are not addresses: a TLD that is a common file extension is
rejected.

>>> is_valid("zhang.san+news@example.com.cn"), is_valid("zhang@localhost")
(True, False)
>>> [(s.start, s.end) for s in find("邮箱zhangsan@163.com，谢谢")]
[(2, 18)]
"""

from __future__ import annotations

import re
from typing import Any

from pipl_guard.detect.base import ScanContext, Span
from pipl_guard.detect.normalize import to_ascii

ENTITIES = ("EMAIL",)
ENTITY = "EMAIL"
CUES: tuple[str, ...] = ()
SCORE = 0.85
MAX_LOCAL = 64
MAX_LABEL = 63
MAX_DOMAIN = 253
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-")
# in running text only the common local-part characters: "/", "=", "?" ... would swallow URLs and
# query strings ("https://x.cn/u/zhang@example.org")
_TEXT_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
# the domain run right of "@": one character class, so matching is linear
_DOMAIN_RUN = re.compile(r"[A-Za-z0-9.\-]+")
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?")
_FILE_EXTENSIONS = frozenset(
    {"png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "pdf", "js", "css", "txt", "json", "xml"}
)


def compact(value: str) -> str:
    """Map full-width forms, strip surrounding space, lower-case the domain."""
    v = to_ascii(value).strip()
    local, _, domain = v.rpartition("@")
    return f"{local}@{domain.lower()}" if local else v


def _local_ok(local: str) -> bool:
    return (
        0 < len(local) <= MAX_LOCAL
        and all(c in _LOCAL_CHARS for c in local)
        and local[0] != "."
        and local[-1] != "."
        and ".." not in local
    )


def _domain_end(domain: str) -> int:
    """Length of the longest prefix of ``domain`` that is a valid domain name, 0 if none."""
    labels = domain.split(".")
    # drop trailing labels until the last one is an alphabetic TLD ("a@b.com." ends a sentence)
    while labels and not (labels[-1].isalpha() and len(labels[-1]) >= 2):
        labels.pop()
    if len(labels) < 2 or labels[-1].lower() in _FILE_EXTENSIONS:
        return 0
    if any(len(lb) > MAX_LABEL or _LABEL.fullmatch(lb) is None for lb in labels):
        return 0
    n = sum(len(lb) for lb in labels) + len(labels) - 1
    return n if n <= MAX_DOMAIN else 0


def is_valid(value: str) -> bool:
    v = compact(value)
    local, at, domain = v.partition("@")
    return bool(at) and _local_ok(local) and 0 < _domain_end(domain) == len(domain)


def parse(value: str) -> dict[str, Any]:
    """The domain (lower-cased)."""
    return {"domain": compact(value).rpartition("@")[2]}


def format(value: str) -> str:  # python-stdnum's name
    return compact(value)


def find(text: str | ScanContext) -> list[Span]:
    if isinstance(text, str) and "@" not in text and "＠" not in text:
        return []
    ctx = ScanContext.of(text)
    norm = ctx.norm
    if "@" not in norm:
        return []
    out: list[Span] = []
    at = norm.find("@")
    while at != -1:
        # local part: read leftwards; stops at the previous "@" (not a local character), so each
        # character is read by one "@" only
        s = at
        while s > 0 and norm[s - 1] in _TEXT_LOCAL_CHARS and at - s <= MAX_LOCAL:
            s -= 1
        while s < at and norm[s] == ".":
            s += 1
        m = _DOMAIN_RUN.match(norm, at + 1)
        nxt = norm.find("@", at + 1)
        if m is not None and at - s <= MAX_LOCAL and _local_ok(norm[s:at]):
            end = at + 1 + _domain_end(m.group())
            if end > at + 1 and (end >= len(norm) or norm[end] != "@"):
                domain = norm[at + 1 : end].lower()
                out.append(Span(s, end, ENTITY, SCORE, {"domain": domain}))
        at = nxt
    return out
