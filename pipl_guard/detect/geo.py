"""GEO_COORDINATE: latitude/longitude pairs (经纬度), whereabouts under PIPL Art. 28.

Three written forms:

* **labelled pairs** — ``lat=39.9042, lng=116.4074``, ``"latitude": 39.9, "longitude": 116.4``,
  ``纬度：39.9042 经度：116.4074``: unambiguous, reported on their own.
* **hemisphere-marked values** — ``北纬39.9042°，东经116.4074°``, ``39°54′15″N 116°24′27″E``,
  ``N39.9042° E116.4074°``: a lat + lng pair is reported on its own; a single precise value (two or
  more decimals, or minutes) needs a context word. Letter forms need the ``°`` sign.
* **bare decimal pairs** — ``39.9042, 116.4074`` (or ``116.4074,39.9042``, longitude first as map
  APIs write it): numbers in range, both with three or more decimals; they score below the default
  threshold, so a context word (``坐标``, ``位置``, ``GPS`` ...) is needed. Two-decimal pairs need one
  too and score lower still.

Latitude must lie in [-90, 90] and longitude in [-180, 180]; 0, 0 is not reported. Every pattern uses
bounded repetitions and mandatory separators, so matching is linear.

>>> [(s.start, s.end) for s in find("定位 lat=39.9042, lng=116.4074 完")]
[(7, 28)]
>>> is_valid("39.9042, 116.4074"), is_valid("95.1234, 116.4074")
(True, False)
>>> parse("北纬39.9042°，东经116.4074°")
{'latitude': 39.9042, 'longitude': 116.4074}
"""

from __future__ import annotations

import re
from typing import Any

from pipl_guard.detect.base import ScanContext, Span
from pipl_guard.detect.normalize import to_ascii

ENTITIES = ("GEO_COORDINATE",)
ENTITY = "GEO_COORDINATE"
#: key words of labelled and hemisphere-marked forms, found by the scanner's shared cue pass
CUES: tuple[str, ...] = (
    *("lat", "latitude", "lng", "lon", "long", "longitude"),
    *("纬度", "经度", "北纬", "南纬", "东经", "西经", "°"),
)
#: a labelled or hemisphere-marked lat/lng pair
SCORE = 0.85
#: a bare decimal pair with 3+ decimals, or a single precise hemisphere-marked value: needs context
SCORE_BARE = 0.45
#: a bare pair with two decimals: needs context
SCORE_LOW = 0.2
MAX_PAIR_GAP = 24  # characters between a labelled latitude and longitude

_NUM = r"-?[0-9]{1,3}(?:\.[0-9]{1,15})?"
# The bare-pair pattern opens with a literal (``re`` scans for it fast; a class or look-behind first
# would test every position) and left boundaries are checked in Python. The labelled and hemisphere
# patterns are only matched at the hits of CUES, which the scanner finds in its one shared cue pass.
# Bare pair, from the first number's decimal point on; the separator is mandatory, so the first
# number cannot lend digits to the second.
_PAIR = re.compile(
    r"\.([0-9]{2,15})(?:[ \t]{0,3}[,，/;；][ \t]{0,3}|[ \t]{1,3})"
    r"(-?[0-9]{1,3}\.[0-9]{2,15})(?![0-9]|\.[0-9])"
)
_DIGITS = frozenset("0123456789")
_PAIR_BEFORE = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.-")
# "lat=39.9", "\"latitude\": 39.9"; "纬度：39.9"
_VALUE = r"[\"']?[ \t]{0,2}[:=：][ \t]{0,2}[\"']?(?P<num>" + _NUM + r")(?![0-9])"
_LABELLED_EN = re.compile(
    r"(?<![A-Za-z])(?P<key>latitude|lat|longitude|lng|lon|long)" + _VALUE, re.IGNORECASE
)
_VALUE_RX = re.compile(_VALUE)
# a value with degrees (and optional minutes, seconds)
_DMS_TAIL = (
    r"(?:[ \t]?[0-9]{1,2}(?:\.[0-9]{1,10})?[ \t]?[′'分](?:[ \t]?[0-9]{1,2}(?:\.[0-9]{1,10})?[ \t]?[″\"秒])?)?"
)
_DEG = r"[0-9]{1,3}(?:\.[0-9]{1,15})?[ \t]?(?:°|度)" + _DMS_TAIL
_HEMI_ZH = re.compile(
    r"(?P<word>北纬|南纬|东经|西经)[ \t]?(?P<value>[0-9]{1,3}(?:\.[0-9]{1,15})?(?:[ \t]?(?:°|度)"
    + _DMS_TAIL
    + r")?)"
)
_HEMI_WORDS = frozenset(("北纬", "南纬", "东经", "西经"))
# "N39.9°" or "39.9°N": the letter before or after is checked in Python
_HEMI_EN = re.compile(
    r"(?P<before>[NSEW])[ \t]?(?P<v1>" + _DEG + r")|(?P<v2>" + _DEG + r")[ \t]?(?P<after>[NSEW])(?![A-Za-z])"
)
_NUMBER_CHARS = frozenset("0123456789.")
_BACK = 24  # hemisphere letter, space and up to 19 characters of degrees before the sign
_AHEAD = 40  # minutes, seconds and the hemisphere letter after it
_DMS = re.compile(
    r"(?P<d>[0-9]{1,3}(?:\.[0-9]+)?)(?:[ \t]?(?:°|度)(?:[ \t]?(?P<m>[0-9]{1,2}(?:\.[0-9]+)?)[ \t]?[′'分]"
    r"(?:[ \t]?(?P<s>[0-9]{1,2}(?:\.[0-9]+)?)[ \t]?[″\"秒])?)?)?"
)
_GAP = re.compile(r"[ \t]{0,3}[,，、;；/]?[ \t]{0,3}")
_LAT_WORDS = {"北纬": 1, "南纬": -1, "N": 1, "S": -1}
_LNG_WORDS = {"东经": 1, "西经": -1, "E": 1, "W": -1}


def _decimals(num: str) -> int:
    return len(num.partition(".")[2])


def _orient(a: float, b: float) -> tuple[float, float] | None:
    """(lat, lng) from a bare pair written either way round, or None when out of range."""
    if a == 0 and b == 0:
        return None
    if abs(a) <= 90 and abs(b) <= 180:
        return a, b
    if abs(a) <= 180 and abs(b) <= 90:
        return b, a
    return None


def _dms_value(raw: str) -> tuple[float, bool]:
    """Decimal degrees of ``39°54′15″`` / ``39.9042`` and whether it is precise (minutes or 2+ decimals)."""
    m = _DMS.match(raw)
    assert m is not None
    value = float(m["d"])
    if m["m"]:
        value += float(m["m"]) / 60 + (float(m["s"]) / 3600 if m["s"] else 0.0)
    return round(value, 7), bool(m["m"]) or _decimals(m["d"]) >= 2


def _hemispheres(ctx: ScanContext, hits: list[tuple[int, str]]) -> list[tuple[int, int, str, float, bool]]:
    """(start, end, "lat"|"lng", signed value, precise) of each hemisphere-marked value."""
    norm = ctx.norm
    found: list[tuple[int, int, str, str]] = []
    seen: set[int] = set()
    for end, word in hits:
        if word in _HEMI_WORDS:
            m = _HEMI_ZH.match(norm, end - len(word))
            if m is not None:
                found.append((m.start(), m.end(), m["word"], m["value"]))
        elif word == "°":
            p = end - 1
            lo, hi = max(0, p - _BACK), min(len(norm), p + _AHEAD)
            if not any(h in norm[lo:hi] for h in "NSEW"):
                continue
            # a bounded window around the degree sign: linear however many signs the text holds
            for m in _HEMI_EN.finditer(norm, lo, hi):
                s, e = m.span()
                if not s <= p < e or s in seen:
                    continue
                before = m["before"]
                prev = norm[s - 1] if s > 0 else ""
                if (before and prev.isascii() and prev.isalpha()) or (not before and prev in _NUMBER_CHARS):
                    continue  # "SN39°", or the window cut a longer number
                seen.add(s)
                found.append((s, e, before or m["after"], m["v1"] or m["v2"]))
    out = []
    for s, e, word, raw in sorted(found):
        value, precise = _dms_value(raw)
        if word in _LAT_WORDS:
            axis, sign, limit = "lat", _LAT_WORDS[word], 90
        else:
            axis, sign, limit = "lng", _LNG_WORDS[word], 180
        if value <= limit:
            out.append((s, e, axis, sign * value, precise))
    return out


def _labelled(ctx: ScanContext, hits: list[tuple[int, str]]) -> list[tuple[int, int, int, str, float]]:
    """(key start, number start, number end, axis, value) of each labelled value."""
    norm = ctx.norm
    out: list[tuple[int, int, int, str, float]] = []
    for end, word in hits:
        key = word.lower()
        if key in ("纬度", "经度"):
            start, m = end - len(word), _VALUE_RX.match(norm, end)
        elif key.startswith(("lat", "lng", "lon")):
            start = end - len(word)
            m = _LABELLED_EN.match(norm, start)
        else:
            continue
        if m is None:
            continue
        axis = "lat" if key.startswith("lat") or key == "纬度" else "lng"
        value = float(m["num"])
        if abs(value) <= (90 if axis == "lat" else 180):
            out.append((start, m.start("num"), m.end("num"), axis, value))
    return out


def compact(value: str) -> str:
    return to_ascii(value).strip()


def _coordinates(v: str) -> tuple[float, float] | None:
    """(lat, lng) of a value written in any of the accepted forms, or None."""
    spans = find(v)
    if len(spans) != 1 or "latitude" not in spans[0].attributes:
        return None
    s = spans[0]
    if v[: s.start].strip(" \t(（[") or v[s.end :].strip(" \t)）]"):
        # the value must be the coordinate pair itself (labelled pairs may keep their first label)
        if not _labelled_whole(v, s):
            return None
    return s.attributes["latitude"], s.attributes["longitude"]


def _labelled_whole(v: str, s: Span) -> bool:
    m = _LABELLED_EN.match(v) or (_VALUE_RX.match(v, 2) if v[:2] in ("纬度", "经度") else None)
    return m is not None and m.start("num") == s.start and not v[s.end :].strip()


def is_valid(value: str) -> bool:
    """A lat/lng pair in one of the accepted forms, in range."""
    return _coordinates(compact(value)) is not None


def parse(value: str) -> dict[str, Any]:
    c = _coordinates(compact(value))
    return {"latitude": c[0], "longitude": c[1]} if c else {}


def format(value: str) -> str:  # python-stdnum's name
    """``39.9042, 116.4074`` (latitude first)."""
    c = _coordinates(compact(value))
    return f"{c[0]}, {c[1]}" if c else compact(value)


def _attrs(lat: float, lng: float) -> dict[str, Any]:
    return {"latitude": lat, "longitude": lng}


def find(text: str | ScanContext) -> list[Span]:
    ctx = ScanContext.of(text)
    norm = ctx.norm
    out: list[Span] = []
    if "." not in norm and "°" not in norm and "度" not in norm:
        return out
    # bare decimal pairs
    for m in _PAIR.finditer(norm):
        start = m.start()
        while start > 0 and norm[start - 1] in _DIGITS and m.start() - start < 4:
            start -= 1
        if start == m.start() or m.start() - start > 3:
            continue  # no integer part, or too long for degrees
        a = norm[start : m.start()] + "." + m.group(1)
        b = m.group(2)
        if start > 0 and norm[start - 1] == "-" and (start < 2 or norm[start - 2] not in _PAIR_BEFORE):
            start -= 1
            a = "-" + a
        if start > 0 and norm[start - 1] in _PAIR_BEFORE:
            continue  # inside a longer number, a dotted run or a word
        ll = _orient(float(a), float(b))
        if ll is None:
            continue
        score = SCORE_BARE if min(_decimals(a), _decimals(b)) >= 3 else SCORE_LOW
        out.append(Span(start, m.end(), ENTITY, score, _attrs(*ll)))
    # labelled values, paired latitude-longitude (either order) when close together
    hits = ctx.cues(CUES)
    lab = _labelled(ctx, hits)
    i = 0
    while i + 1 < len(lab):
        _k1, s1, e1, ax1, v1 = lab[i]
        k2, s2, e2, ax2, v2 = lab[i + 1]
        if ax1 != ax2 and 0 <= k2 - e1 <= MAX_PAIR_GAP and not (v1 == 0 and v2 == 0):
            lat, lng = (v1, v2) if ax1 == "lat" else (v2, v1)
            out.append(Span(s1, e2, ENTITY, SCORE, _attrs(lat, lng), has_context=True))
            i += 2
        else:
            i += 1
    # hemisphere-marked values: pairs, else single precise values
    hemi = _hemispheres(ctx, hits)
    used: set[int] = set()
    for j in range(len(hemi) - 1):
        s1, e1, ax1, v1, _p1 = hemi[j]
        s2, e2, ax2, v2, _p2 = hemi[j + 1]
        gap = _GAP.match(norm, e1)
        if ax1 != ax2 and j not in used and gap is not None and gap.end() == s2:
            lat, lng = (v1, v2) if ax1 == "lat" else (v2, v1)
            out.append(Span(s1, e2, ENTITY, SCORE, _attrs(lat, lng), has_context=True))
            used.update((j, j + 1))
    for j, (s, e, axis, v, precise) in enumerate(hemi):
        if j not in used and precise:
            key = "latitude" if axis == "lat" else "longitude"
            out.append(Span(s, e, ENTITY, SCORE_BARE, {key: v}))
    return out
