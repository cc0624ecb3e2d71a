"""Shapes shared by every detector: ``Span``, ``ScanContext`` and the shared candidate passes.

A detector module (one per identifier family) exposes the same few names::

    ENTITIES: tuple[str, ...]          # catalogue IDs it can emit
    CUES: tuple[str, ...]              # words that trigger it (only for context-gated detectors)
    def find(text: str | ScanContext) -> list[Span]
    def is_valid(value: str) -> bool   # for a bare value (field values, pydantic types)
    def parse(value: str) -> dict      # attributes, where the identifier carries any

Detectors share the expensive passes over the text through ``ScanContext``: the digit runs (all
numeric identifiers read them), the alphanumeric tokens (passports, permits, VINs, USCCs ...) and the
cue-word hits. Each pass runs once per scan, whatever the number of detectors.

>>> ctx = ScanContext("电话 138 1234 5678，订单2023")
>>> [c.digits for c in ctx.digit_candidates if len(c.digits) == 11]
['13812345678']
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, NamedTuple

from pipl_guard.detect.normalize import normalize


@dataclass(slots=True)
class Span:
    """A detector's raw result, before context scoring and overlap resolution."""

    start: int
    end: int
    entity: str
    score: float
    attributes: dict[str, Any] = field(default_factory=dict)
    #: the detector already used context (a cue word or field name) to produce this span
    has_context: bool = False


class DigitCandidate(NamedTuple):
    """A contiguous sequence of digit groups inside one run (``138 1234 5678`` -> ``13812345678``)."""

    start: int
    end: int
    digits: str  # digits only, upper-case trailing X kept
    whole_run: bool  # the candidate is the whole run (not a part of a longer number)
    separated: bool  # the candidate contains separators


# A run of digits, optionally grouped by single spaces or dashes, optionally ending in X (the ID check
# character). Possessive repeats: linear on any input. The lookahead drops runs that cannot hold 5
# digits (nothing pipl_guard detects is shorter) inside the regex engine, so "1中1中…" never reaches Python.
# Runs glued to an ASCII letter or digit on either side are dropped whole inside the engine too: the
# lookbehinds refuse a start inside a run (also after one of its separators), the final lookahead a run
# that a letter continues; possessive repeats cannot give a shorter run back.
_DIGIT_RUN = re.compile(
    r"(?<![0-9A-Za-z])(?<![0-9][ \-])(?=[0-9][0-9 \-]{4})[0-9]++(?:[ \-][0-9]++)*+(?:[Xx](?![0-9A-Za-z]))?+"
    r"(?![0-9A-Za-z])"
)
_GROUP7 = re.compile(r"[0-9]{7,}+[Xx]?")
_GROUP = re.compile(r"[0-9]+[Xx]?")
# Alphanumeric tokens of 5+ chars holding a letter and a digit, tried only at token starts (the
# lookbehind fails at once inside a token), each lookahead possessive: O(n) on any input.
_ALNUM = re.compile(
    r"(?<![0-9A-Za-z])(?=[0-9A-Za-z]{5})(?=[A-Za-z]*+[0-9])(?=[0-9]*+[A-Za-z])[0-9A-Za-z]++"
)
_ASCII_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
#: a grouped run with more groups than this is a table of numbers, not one identifier: only its
#: single groups of 7+ digits are candidates (the shortest identifier read from a digit run alone is a
#: 7-digit Macao ID after its cue; keeps adversarial runs like "12345 67890 …" cheap)
MAX_GROUPS_FOR_SUBSEQUENCES = 8
#: longest digit candidate any detector asks for (+86/0086 prefixed 11-digit mobiles: 15)
MAX_CANDIDATE_DIGITS = 20


def is_ascii_alnum(ch: str) -> bool:
    return ch in _ASCII_ALNUM


def trie_regex(words: Iterable[str]) -> str:
    """A regex alternation of literal ``words``, factored as a trie (fast in ``re``: one branch per char).

    >>> trie_regex(["身份证", "身份证号", "手机"])
    '(?:手机|身份证(?:号)?)'
    """
    trie: dict[str, Any] = {}
    for w in set(words):
        if not w:
            continue
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict[str, Any]) -> str:
        end = "" in node
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch != ""]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if end:
            return "(?:" + body + ")?"
        return body

    inner = build(trie)
    return inner if inner.startswith("(?:") else "(?:" + inner + ")"


def case_variants(words: Iterable[str]) -> set[str]:
    """Lower, Title and UPPER forms of ASCII words (cheaper than a case-insensitive regex)."""
    out: set[str] = set()
    for w in words:
        out.update({w, w.lower(), w.upper(), w.title()})
    return out


_ASCII_WORD = re.compile(r"[A-Za-z]{2,}+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


class CueMatcher:
    """Finds cue words: a trie regex for Chinese cues (the engine skips to their first characters)
    and, for ASCII cues, a pass over ASCII words with a dictionary lookup (word starts only, case
    folded, so ``qq`` matches ``QQ号`` but not ``aqq``; a run of letters costs one regex match).

    >>> [m for m in CueMatcher(["身份证", "QQ", "date of birth"]).finditer("Date of birth 身份证 qq1")]
    [(13, 'date of birth'), (17, '身份证'), (20, 'qq')]
    """

    __slots__ = ("ascii_first", "cjk")

    def __init__(self, words: Iterable[str]) -> None:
        words = set(words)
        cjk = {w for w in words if _NON_ASCII.search(w)}
        self.cjk = re.compile(trie_regex(cjk)) if cjk else None
        self.ascii_first: dict[str, list[str]] = {}
        for w in sorted(words - cjk, key=len, reverse=True):
            lw = w.lower()
            first = _ASCII_WORD.match(lw)
            if first is not None:
                self.ascii_first.setdefault(first.group(), []).append(lw)

    def finditer(self, norm: str) -> list[tuple[int, str]]:
        """(end position, cue as listed; ASCII cues lower-cased) in text order."""
        out: list[tuple[int, str]] = []
        if self.cjk is not None:
            out.extend((m.end(), m.group()) for m in self.cjk.finditer(norm))
        if self.ascii_first:
            for m in _ASCII_WORD.finditer(norm):
                cands = self.ascii_first.get(m.group().lower())
                if cands is None:
                    continue
                start = m.start()
                for cue in cands:  # longest first
                    end = start + len(cue)
                    if norm[start:end].lower() == cue and not (end < len(norm) and norm[end].isascii() and norm[end].isalpha()):
                        out.append((end, cue))
                        break
            out.sort()
        return out


@lru_cache(maxsize=512)
def _wanted(words: tuple[str, ...] | frozenset[str]) -> frozenset[str]:
    return frozenset(words) | {w.lower() for w in words if w.isascii()}


@lru_cache(maxsize=4096)
def _accepts(wanted: frozenset[str], hit: str) -> bool:
    # the shared pass reports the longest cue at a position: accept hits that extend a wanted word
    return hit in wanted or any(hit.startswith(x) for x in wanted)


@lru_cache(maxsize=256)
def _matcher_for(words: tuple[str, ...] | frozenset[str]) -> CueMatcher:
    return CueMatcher(words)


class ScanContext:
    """One text being scanned, with lazily computed passes shared by all detectors.

    ``text`` is the original string; ``norm`` is the same string with full-width alphanumerics mapped
    to ASCII (same length, same indices). Detectors search ``norm`` and report indices into both.
    """

    __slots__ = ("__dict__", "cue_regex", "norm", "text")

    def __init__(self, text: str, cue_regex: CueMatcher | None = None) -> None:
        self.text = text
        self.norm = normalize(text)
        self.cue_regex = cue_regex

    @cached_property
    def today(self) -> dt.date:
        """The scan's reference day (birth dates in the future are impossible; ages count to it)."""
        return dt.date.today()

    @classmethod
    def of(cls, text: str | ScanContext) -> ScanContext:
        return text if isinstance(text, ScanContext) else cls(text)

    @cached_property
    def digit_candidates(self) -> list[DigitCandidate]:
        """Every digit-group sequence of at most ``MAX_CANDIDATE_DIGITS`` digits inside each run.

        Runs glued to ASCII letters (``E12345678``, ``HK$100``) are skipped: they belong to tokens.
        """
        norm = self.norm
        out: list[DigitCandidate] = []
        append = out.append
        new = tuple.__new__  # NamedTuple's generated __new__ costs a Python call per candidate
        for m in _DIGIT_RUN.finditer(norm):  # glued runs never match (see _DIGIT_RUN)
            s, e = m.span()
            run = m.group()
            if " " not in run and "-" not in run:
                if e - s <= MAX_CANDIDATE_DIGITS:
                    append(new(DigitCandidate, (s, e, run.upper(), True, False)))
                continue
            if run.count(" ") + run.count("-") >= MAX_GROUPS_FOR_SUBSEQUENCES:
                for g in _GROUP7.finditer(norm, s, e):
                    if g.end() - g.start() <= MAX_CANDIDATE_DIGITS:
                        append(DigitCandidate(g.start(), g.end(), g.group().upper(), False, False))
                continue
            groups = [(g.start() + s, g.end() + s, g.group().upper()) for g in _GROUP.finditer(run)]
            for i in range(len(groups)):
                digits = ""
                for j in range(i, len(groups)):
                    digits += groups[j][2]
                    if len(digits) > MAX_CANDIDATE_DIGITS:
                        break
                    # an X may only end the candidate
                    if "X" in digits[:-1]:
                        break
                    if len(digits) >= 5:
                        append(
                            DigitCandidate(
                                groups[i][0], groups[j][1], digits, i == 0 and j == len(groups) - 1, j > i
                            )
                        )
        return out

    @cached_property
    def digits_by_length(self) -> dict[int, list[DigitCandidate]]:
        """``digit_candidates`` grouped by digit count, so a detector only visits the lengths it wants."""
        out: dict[int, list[DigitCandidate]] = {}
        for c in self.digit_candidates:
            out.setdefault(len(c.digits), []).append(c)
        return out

    def digits_of_length(self, *lengths: int) -> list[DigitCandidate]:
        """Digit candidates with one of ``lengths`` digits, in text order."""
        table = self.digits_by_length
        if len(lengths) == 1:
            return table.get(lengths[0], [])
        out = [c for n in lengths for c in table.get(n, ())]
        out.sort(key=lambda c: c.start)
        return out

    @cached_property
    def alnum_tokens(self) -> list[tuple[int, int, str]]:
        """ASCII alphanumeric tokens holding at least one letter and one digit, 5-20 chars long."""
        out: list[tuple[int, int, str]] = []
        for m in _ALNUM.finditer(self.norm):
            s, e = m.span()
            if e - s <= 20:
                out.append((s, e, m.group()))
        return out

    @cached_property
    def cue_hits(self) -> dict[str, list[int]]:
        """Positions (end of the cue) of every cue word of the active detectors, by cue word."""
        hits: dict[str, list[int]] = {}
        if self.cue_regex is None:
            return hits
        for end, word in self.cue_regex.finditer(self.norm):
            hits.setdefault(word, []).append(end)
        return hits

    @cached_property
    def cue_starts(self) -> frozenset[int]:
        """Start positions of every shared-pass cue hit: a value cannot begin where another cue word does
        (``地址手机…``), so detectors skip such hits without reading further."""
        return frozenset(end - len(word) for word, ends in self.cue_hits.items() for end in ends)

    def cues(self, words: Iterable[str]) -> list[tuple[int, str]]:
        """(end position, word) of every hit of ``words``, in text order.

        Uses the shared cue pass when the scanner built one; otherwise searches for the words directly.
        Cost is proportional to the number of hits, not to the number of ``words``.
        """
        key = words if isinstance(words, tuple | frozenset) else tuple(words)
        if self.cue_regex is None:
            return _matcher_for(key).finditer(self.norm)
        hits = self.cue_hits
        if not hits:
            return []
        wanted = _wanted(key)
        out = [(pos, w) for w, positions in hits.items() if _accepts(wanted, w) for pos in positions]
        out.sort()
        return out
