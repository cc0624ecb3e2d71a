"""ADDRESS: Chinese postal addresses, one span per address.

Two triggers, both cheap on long text:

* a cue word (``地址``, ``住址``, ``收货地址`` ...; weak cues such as ``住``, ``家住`` want the address to start
  with a division name, so ``住院`` is not an address);
* a house-number token (``27号``, ``3栋``, ``502室``) preceded, within 40 characters of the same clause, by
  a GB/T 2260 division name (``北京市``, ``海淀区``, short forms ``广东``, ``深圳``). The suffix regex begins
  with a literal character set, so ``re`` skips to candidates quickly; a digit test rejects most of them.

The span runs to the last structure token (road, number, building, unit, room, village ...) before a
terminator (punctuation) or a stop word (``电话``, ``的``, ``附近`` ...), so it neither stops at the city nor
runs into the next clause. ``parse`` names the province, city and district for generalization.

>>> t = "联系人：欧阳娜娜，住北京市海淀区中关村大街27号"
>>> [t[s.start:s.end] for s in find(t)]
['北京市海淀区中关村大街27号']
>>> t = "快递送到广东省深圳市南山区科技园路1号3栋502室，电话13812345678"
>>> [t[s.start:s.end] for s in find(t)]
['广东省深圳市南山区科技园路1号3栋502室']
>>> parse("广东省深圳市南山区科技园路1号")["city"]
'深圳市'
>>> find("他住院治疗了三天")
[]
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from typing import Any

from pipl_guard.detect import textutil as tu
from pipl_guard.detect.base import ScanContext, Span, trie_regex

ENTITIES = ("ADDRESS",)
ENTITY = "ADDRESS"

_CFG = tu.section("address")
_CUE_CLASS: dict[str, str] = {
    **{w: "weak" for w in _CFG["weak_cues"]},
    **{w: "strong" for w in _CFG["strong_cues"]},
}
CUES: tuple[str, ...] = tuple(_CUE_CLASS)
_STRUCTURE_RX = re.compile(trie_regex(_CFG["structure"]))
_STOP_RX = re.compile(trie_regex(_CFG["stop_words"]))
_NUMBER_RX = re.compile(trie_regex(_CFG["number_suffixes"]))
_ROOM_AFTER = frozenset(_CFG["room_after"])
_ROOM_RX = re.compile(r"[0-9A-Za-z]{1,6}(?:室|房|户)?")
MAX_CHARS: int = _CFG["max_chars"]
LOOKBACK: int = _CFG["lookback"]

SCORE_STRONG = 0.85
SCORE_WEAK = 0.75
SCORE_STRUCTURE = 0.7
_FAR = 1 << 62  # bisect key: sorts after any real end position


# the characters an address is written with; a single space may separate parts, two end the address
_RUN = re.compile(r"(?:[\u3400-\u4dbf\u4e00-\u9fff0-9A-Za-z#\-－]| (?=[^ ]))+")
_NOT_ADDRESS = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff0-9A-Za-z#\-－ ]")


def _chain_end(text: str, start: int, limit: int) -> int:
    """End of the run of consecutive division names at ``start`` (``start`` when there is none)."""
    pos = start
    while True:
        name = tu.division_at(text, pos)
        if name is None or pos + len(name) > limit:
            return pos
        pos += len(name)


def _extent(text: str, start: int) -> int | None:
    """End of the address starting at ``start`` (``None`` when nothing address-like follows)."""
    if _STOP_RX.match(text, start) is not None and tu.division_at(text, start) is None:
        return None  # "地址手机…": a stop word, not an address, follows (checked before reading 60 chars)
    run = _RUN.match(text, start, min(len(text), start + MAX_CHARS))
    if run is None:
        return None
    i = run.end()
    # the leading chain of division names ("天津市和平区") may hold stop characters; look for stop words after it
    chain = _chain_end(text, start, i)
    stop = _STOP_RX.search(text, max(start + 1, chain), i)
    if stop is not None:
        i = stop.start()
    last_end = chain if chain > start else None
    last_tok = text[chain - 1] if chain > start else ""
    for m in _STRUCTURE_RX.finditer(text, chain, i):
        last_end, last_tok = m.end(), m.group()
    if last_end is None:
        return None
    if last_tok in _ROOM_AFTER or text[last_end - 1 : last_end] in _ROOM_AFTER:
        room = _ROOM_RX.match(text, last_end, i)
        if room is not None:
            last_end = room.end()
    if last_end - start < 3 and chain == start:
        return None
    return last_end


def find(text: str | ScanContext) -> list[Span]:
    ctx = ScanContext.of(text)
    norm = ctx.norm
    out: list[Span] = []
    covered: list[tuple[int, int]] = []
    hits = tu.cue_hits(ctx, _CUE_CLASS)
    cue_starts = ctx.cue_starts if hits else frozenset()
    for end, _word, cls in hits:
        s = tu.skip_separator(norm, end)
        if s in cue_starts or (cls == "weak" and tu.division_at(norm, s) is None):
            continue  # another cue word, not an address, follows ("地址手机…")
        e = _extent(norm, s)
        if e is None:
            continue
        score = SCORE_STRONG if cls == "strong" else SCORE_WEAK
        out.append(Span(s, e, ENTITY, score, parse(norm[s:e]), has_context=True))
        covered.append((s, e))
    covered.sort()
    # house-number tokens: the suffix regex starts with a literal character set, so re skips fast to them
    for m in _NUMBER_RX.finditer(norm):
        num_end = m.start()
        num_start = num_end
        while num_start > 0 and num_end - num_start < 6 and "0" <= norm[num_start - 1] <= "9":
            num_start -= 1
        if num_start == num_end or (
            num_start > 0 and ("0" <= norm[num_start - 1] <= "9" or norm[num_start - 1] == "第")
        ):
            continue  # no number, a longer number, or an ordinal ("第3号")
        i = bisect.bisect_right(covered, (num_start, _FAR)) - 1
        if i >= 0 and covered[i][1] > num_start:
            continue
        # walk back over the clause, then start at its first division name after any stop word
        b = max(0, num_start - LOOKBACK)
        for outside in _NOT_ADDRESS.finditer(norm, b, num_start):
            b = outside.end()
        # the address starts at the first division name with no stop word between its names and the number
        while True:
            s0 = tu.first_division(norm, b, num_start)
            if s0 is None:
                break
            stop = _STOP_RX.search(norm, _chain_end(norm, s0, num_start), num_start)
            if stop is None:
                break
            b = stop.end()
        if s0 is None:
            continue
        e2 = _extent(norm, s0)
        if e2 is None or e2 <= num_start:
            continue
        out.append(Span(s0, e2, ENTITY, SCORE_STRUCTURE, parse(norm[s0:e2])))
        bisect.insort(covered, (s0, e2))
    return out


def is_valid(value: str) -> bool:
    """A bare value that reads as an address: a division name at the start, or division + structure."""
    if not isinstance(value, str):
        return False
    v = value.strip()
    if not 2 <= len(v) <= 200:
        return False
    if tu.division_at(v, 0) is not None:
        return True
    return tu.first_division(v, 0, len(v)) is not None and _STRUCTURE_RX.search(v) is not None


def parse(value: str) -> dict[str, Any]:
    """Province, city, district (and their GB/T 2260 code) named in the address, where resolvable."""
    v = value.strip()
    out = dict(_resolve_prefix(v[: _chain_end(v, 0, len(v))]))
    if "province" not in out:
        out = tu.resolve_divisions(v)  # a generic first name ("城区…") resolves only with its parent
    out["has_number"] = any("0" <= c <= "9" for c in v)
    return out


@lru_cache(maxsize=4096)
def _resolve_prefix(chain: str) -> dict[str, Any]:
    """Divisions of the leading chain of names (cached: many addresses share their city and district)."""
    return tu.resolve_divisions(chain)
