"""IP_ADDRESS: IPv4 dotted quads and IPv6 addresses, validated with the standard ``ipaddress`` module.

IPv4 decisions:

* An octet with a leading zero (``192.168.01.1``) is rejected: ``ipaddress`` rejects it too, since
  some parsers read it as octal, and such strings are usually zero-padded serials.
* Four dot-separated numbers inside a longer dotted run (``1.2.3.4.5``), glued to letters
  (``v1.2.3.4``) or right after a version word (``版本 1.2.3.4``) are version numbers, not addresses.
* Addresses whose octets are all single digits (``1.2.3.4``, section numbers) and the special ranges
  (unspecified, loopback, multicast, reserved) score below the default threshold: they need a
  context word such as ``IP``.

IPv6 is searched only when the text holds a ``:``; a candidate is a run of hex digits, colons and
dots that ``ipaddress.IPv6Address`` accepts. Short forms with fewer than three groups (``fe80::1``,
``12::30``) need context.

>>> is_valid("192.168.1.10"), is_valid("192.168.01.10"), is_valid("2001:db8::8a2e:370:7334")
(True, False, True)
>>> parse("10.0.0.8")
{'version': 4, 'is_private': True}
>>> [(s.start, s.end) for s in find("登录IP：202.96.134.133，版本1.2.3.4")]
[(5, 19)]
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from pipl_guard.detect.base import ScanContext, Span
from pipl_guard.detect.normalize import to_ascii

ENTITIES = ("IP_ADDRESS",)
ENTITY = "IP_ADDRESS"
CUES: tuple[str, ...] = ()
SCORE = 0.7
#: special ranges, single-digit quads, short IPv6 forms: need a context word
SCORE_UNSURE = 0.3
# The last three octets with their dots: the pattern opens with a literal, which ``re`` finds with a
# fast scan (a character class or look-behind first would test every position). The first octet and
# the left boundary are read in Python.
_V4_TAIL = re.compile(r"\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(?![0-9A-Za-z]|\.[0-9])")
_V6_RUN = re.compile(r"[0-9A-Fa-f:.]+")
_V6_CHARS = frozenset("0123456789abcdefABCDEF:.")
_DOTTED = frozenset("0123456789.")
_DIGITS = frozenset("0123456789")
MAX_V6 = 45  # longest textual IPv6 address (with an embedded IPv4 tail)
_VERSION_BEFORE = re.compile(r"(?:版本号?|[Vv]ersion|[Vv]er\.?|固件|firmware)[\s:：=]*$")


def compact(value: str) -> str:
    return to_ascii(value).strip()


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def is_valid(value: str) -> bool:
    return _address(compact(value)) is not None


def parse(value: str) -> dict[str, Any]:
    addr = _address(compact(value))
    if addr is None:
        return {}
    return {"version": addr.version, "is_private": addr.is_private}


def format(value: str) -> str:  # python-stdnum's name
    """The canonical form (IPv6 compressed, lower case)."""
    addr = _address(compact(value))
    return str(addr) if addr is not None else compact(value)


def _special(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return addr.is_unspecified or addr.is_loopback or addr.is_multicast or addr.is_reserved


def find(text: str | ScanContext) -> list[Span]:
    ctx = ScanContext.of(text)
    norm = ctx.norm
    out: list[Span] = []
    v6_spans: list[tuple[int, int]] = []
    n = len(norm)
    colon = norm.find(":")
    while colon != -1:
        # the hex/colon/dot run around this colon; a run longer than any address is skipped whole
        s = colon
        while s > 0 and norm[s - 1] in _V6_CHARS and colon - s <= MAX_V6:
            s -= 1
        m = _V6_RUN.match(norm, colon)
        e = m.end() if m is not None else colon + 1
        colon = norm.find(":", e)
        if e - s > MAX_V6 + 2 or (s > 0 and norm[s - 1] in _V6_CHARS):
            continue
        if s > 0 and norm[s - 1].isascii() and norm[s - 1].isalpha():
            continue
        run = norm[s:e]
        # a sentence-ending dot or a port/label colon is not part of the address
        while run and (run[-1] == "." or (run[-1] == ":" and not run.endswith("::"))):
            run = run[:-1]
        end = s + len(run)
        if end < n and norm[end].isascii() and norm[end].isalnum():
            continue
        colons = run.count(":")
        # a full address has 7 colons (6 before an IPv4 tail); fewer need "::" (skips times like 12:30:45)
        if colons < 2 or ("::" not in run and colons != 7 and not (colons == 6 and "." in run)):
            continue
        try:
            addr6 = ipaddress.IPv6Address(run)
        except ValueError:
            continue
        groups = sum(1 for g in run.split(":") if g)
        mapped = addr6.ipv4_mapped  # ::ffff:a.b.c.d is judged by its IPv4 address
        special = _special(mapped) if mapped is not None else _special(addr6)
        score = SCORE_UNSURE if groups < 2 or (groups < 3 and mapped is None) or special else SCORE
        out.append(Span(s, end, ENTITY, score, {"version": 6, "is_private": addr6.is_private}))
        v6_spans.append((s, end))
    if "." not in norm:
        return out
    for m in _V4_TAIL.finditer(norm):
        e = m.end()
        s = m.start()
        while s > 0 and norm[s - 1] in _DIGITS and m.start() - s < 4:
            s -= 1
        if s == m.start() or m.start() - s > 3 or (s > 0 and norm[s - 1] in _DOTTED):
            continue  # no first octet, or inside a longer number or dotted run ("1.2.3.4.5")
        if (
            s > 0
            and norm[s - 1].isascii()
            and norm[s - 1].isalpha()
            and norm[max(0, s - 2) : s].lower() != "ip"
        ):
            continue  # glued to a word ("v1.2.3.4", "build1.2.3.4"); "IP1.2.3.4" is an address
        if any(a <= s and e <= b for a, b in v6_spans):
            continue  # the tail of an IPv4-mapped IPv6 address
        try:
            addr4 = ipaddress.IPv4Address(norm[s:e])
        except ValueError:
            continue  # octet above 255 or with a leading zero
        if _VERSION_BEFORE.search(norm, max(0, s - 12), s):
            continue
        octets = norm[s:e].split(".")
        score = SCORE
        if _special(addr4) or all(len(o) == 1 for o in octets):
            score = SCORE_UNSURE
        out.append(Span(s, e, ENTITY, score, {"version": 4, "is_private": addr4.is_private}))
    return out
