"""MAC_ADDRESS: IEEE 802 MAC-48 addresses (MAC地址 / 物理地址).

Forms: ``aa:bb:cc:dd:ee:ff``, ``AA-BB-CC-DD-EE-FF`` (one separator throughout) and Cisco's
``aabb.ccdd.eeff``. A candidate glued to more hex digits or separators (``aa:bb:cc:dd:ee:ff:00``, part
of an IPv6 address) is not reported. All-zero and broadcast addresses, and dash-separated groups that
are all decimal digits (``12-34-56-78-90-12``, likely a date-time or serial), need a context word.

>>> is_valid("00:1A:2B:3C:4D:5E"), is_valid("001a.2b3c.4d5e"), is_valid("00:1A:2B:3C:4D")
(True, True, False)
>>> parse("02-00-5E-10-00-01")["locally_administered"]
True
>>> [(s.start, s.end) for s in find("网卡MAC：00:1a:2b:3c:4d:5e。")]
[(6, 23)]
"""

from __future__ import annotations

import re
from typing import Any

from pipl_guard.detect.base import ScanContext, Span
from pipl_guard.detect.normalize import to_ascii

ENTITIES = ("MAC_ADDRESS",)
ENTITY = "MAC_ADDRESS"
CUES: tuple[str, ...] = ()
SCORE = 0.75
SCORE_UNSURE = 0.3
_H = "[0-9A-Fa-f]"
# Whole-value pattern (for ``is_valid``), and search patterns that open with a literal separator so
# ``re`` finds them with a fast scan; the two hex digits before it and the left boundary are read in
# Python, the right boundary by the look-ahead.
_MAC = re.compile(
    rf"(?:{_H}{{2}}(?P<sep>[:\-]){_H}{{2}}(?:(?P=sep){_H}{{2}}){{4}}"
    rf"|{_H}{{4}}\.{_H}{{4}}\.{_H}{{4}})"
)
_AFTER = r"(?![0-9A-Za-z]|[:.\-][0-9A-Za-z])"
_TAILS = (
    (":", re.compile(rf":{_H}{{2}}(?::{_H}{{2}}){{4}}{_AFTER}"), 2),
    ("-", re.compile(rf"-{_H}{{2}}(?:-{_H}{{2}}){{4}}{_AFTER}"), 2),
    (".", re.compile(rf"\.{_H}{{4}}\.{_H}{{4}}{_AFTER}"), 4),
)
_HEX = frozenset("0123456789ABCDEFabcdef")
_BEFORE = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz:.-")
_SEPARATORS = re.compile(r"[:\-.\s]")


def compact(value: str) -> str:
    """Twelve lower-case hex digits."""
    return _SEPARATORS.sub("", to_ascii(value)).lower()


def is_valid(value: str) -> bool:
    v = to_ascii(value).strip()
    return _MAC.fullmatch(v) is not None


def parse(value: str) -> dict[str, Any]:
    """OUI (vendor prefix) and the two flag bits of the first octet."""
    h = compact(value)
    first = int(h[:2], 16)
    return {
        "oui": h[:6],
        "multicast": bool(first & 1),
        # set on randomised (privacy) addresses of phones and on virtual interfaces
        "locally_administered": bool(first & 2),
    }


def format(value: str) -> str:  # python-stdnum's name
    """``aa:bb:cc:dd:ee:ff``."""
    h = compact(value)
    return ":".join(h[i : i + 2] for i in range(0, 12, 2))


def _label_before(norm: str, s: int) -> bool:
    """``MAC:aa:bb:...``: a word and a colon (or dash) before the address, not another hex group."""
    if s < 2 or norm[s - 1] not in ":-":
        return False
    k = s - 1
    while k > 0 and norm[k - 1].isascii() and norm[k - 1].isalnum() and s - 1 - k < 8:
        k -= 1
    word = norm[k : s - 1]
    if not word or (k > 0 and norm[k - 1] in ":-."):
        return False  # nothing before the colon, or a longer colon run ("2001:db8:aa:bb:...")
    return len(word) != 2 or any(ch not in _HEX for ch in word)


def find(text: str | ScanContext) -> list[Span]:
    ctx = ScanContext.of(text)
    norm = ctx.norm
    if ":" not in norm and "-" not in norm and "." not in norm:
        return []
    out: list[Span] = []
    for sep, tail, head in _TAILS:
        if sep not in norm:
            continue
        for m in tail.finditer(norm):
            s = m.start() - head
            if s < 0 or any(ch not in _HEX for ch in norm[s : m.start()]):
                continue
            if s > 0 and norm[s - 1] in _BEFORE and not _label_before(norm, s):
                continue  # part of a longer hex or colon run (an IPv6 address, a hash)
            h = compact(norm[s : m.end()])
            score = SCORE
            if h in ("000000000000", "ffffffffffff") or (sep == "-" and h.isdigit()):
                score = SCORE_UNSURE
            out.append(Span(s, m.end(), ENTITY, score, parse(h)))
    out.sort(key=lambda sp: sp.start)
    return out
