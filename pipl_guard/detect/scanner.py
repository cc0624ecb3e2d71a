"""``scan_text``: run the registered detectors over a string, score with context, resolve overlaps.

>>> [f.entity for f in scan_text("联系电话13812345678，身份证号11010519491231002X")]
['CN_MOBILE', 'CN_RESIDENT_ID']
>>> scan_text("订单号202311221530451234")   # an 18-digit order number is not an ID
[]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from types import ModuleType

from pipl_guard.catalogue import CATALOGUE, ENTITY_IDS
from pipl_guard.detect.base import CueMatcher, ScanContext, Span, case_variants, trie_regex
from pipl_guard.detect.registry import detectors
from pipl_guard.errors import InputError, type_name
from pipl_guard.finding import Finding, make_finding

#: default minimum score: validated identifiers pass on their own, unvalidatable ones need context
DEFAULT_MIN_SCORE = 0.5
#: score added when a context word of the entity stands within the window around a candidate
CONTEXT_BOOST = 0.35
CONTEXT_BEFORE = 16
CONTEXT_AFTER = 6


@cache
def _context_regex(entity_id: str) -> re.Pattern[str] | None:
    words = CATALOGUE[entity_id].context
    if not words:
        return None
    return re.compile(trie_regex(case_variants(words)))


@cache
def _plan(entities: frozenset[str] | None) -> tuple[tuple[ModuleType, ...], CueMatcher | None]:
    """Detectors to run for an entity selection, and the shared cue regex they need."""
    mods = tuple(
        m for m in detectors() if entities is None or not entities.isdisjoint(m.ENTITIES)
    )
    cues: set[str] = set()
    for m in mods:
        cues.update(getattr(m, "CUES", ()))
    return mods, CueMatcher(cues) if cues else None


def _check_entities(entities: Iterable[str] | None) -> frozenset[str] | None:
    if entities is None:
        return None
    if isinstance(entities, str):
        entities = [entities]
    chosen = frozenset(entities)
    unknown = chosen.difference(ENTITY_IDS)
    if unknown:
        raise InputError(f"unknown entity IDs: {', '.join(sorted(unknown))}")
    return chosen


def context_score(span: Span, norm: str) -> float:
    """The span's score, raised when a context word of its entity is near it."""
    if span.has_context:
        return span.score
    rx = _context_regex(span.entity)
    if rx is None:
        return span.score
    if rx.search(norm, max(0, span.start - CONTEXT_BEFORE), span.start) or rx.search(
        norm, span.end, min(len(norm), span.end + CONTEXT_AFTER)
    ):
        return min(1.0, span.score + CONTEXT_BOOST)
    return span.score


def resolve(spans: list[tuple[float, int, Span, str]]) -> list[tuple[float, Span, str]]:
    """Keep the best non-overlapping spans: higher score, then longer, then registry priority.

    Spans are swept in text order; most stand alone and are kept as they are. Only clusters of
    overlapping spans go through the greedy choice.
    """
    spans.sort(key=lambda t: t[2].start)
    kept: list[tuple[float, Span, str]] = []
    cluster: list[tuple[float, int, Span, str]] = []
    cluster_end = -1
    for item in spans:
        span = item[2]
        if span.start >= cluster_end:
            if len(cluster) == 1:
                c = cluster[0]
                kept.append((c[0], c[2], c[3]))
            elif cluster:
                kept.extend(_choose(cluster))
            cluster = [item]
            cluster_end = span.end
        else:
            cluster.append(item)
            cluster_end = max(cluster_end, span.end)
    if len(cluster) == 1:
        c = cluster[0]
        kept.append((c[0], c[2], c[3]))
    elif cluster:
        kept.extend(_choose(cluster))
    return kept


def _choose(cluster: list[tuple[float, int, Span, str]]) -> list[tuple[float, Span, str]]:
    """Greedy choice inside one cluster of overlapping spans (small: a handful of spans)."""
    cluster.sort(key=lambda t: (-t[0], -(t[2].end - t[2].start), t[1], t[2].start))
    chosen: list[tuple[float, Span, str]] = []
    for score, _prio, span, det in cluster:
        if any(span.start < s.end and s.start < span.end for _sc, s, _d in chosen):
            continue
        chosen.append((score, span, det))
    chosen.sort(key=lambda t: t[1].start)
    return chosen


def scan_spans(
    text: str, *, entities: frozenset[str] | None = None, min_score: float | None = None
) -> list[tuple[float, Span, str]]:
    """The scanner core without building ``Finding`` models (used by masks and the logging filter)."""
    mods, cue_regex = _plan(entities)
    ctx = ScanContext(text, cue_regex)
    threshold = DEFAULT_MIN_SCORE if min_score is None else min_score
    candidates: list[tuple[float, int, Span, str]] = []
    for prio, mod in enumerate(mods):
        for span in mod.find(ctx):
            if entities is not None and span.entity not in entities:
                continue
            score = context_score(span, ctx.norm)
            if score >= threshold:
                candidates.append((score, prio, span, mod.__name__.rsplit(".", 1)[-1]))
    return resolve(candidates)


def scan_text(
    text: str, *, entities: Iterable[str] | None = None, min_score: float | None = None
) -> list[Finding]:
    """Find Chinese personal information in ``text``.

    ``entities`` limits the search to catalogue IDs; ``min_score`` (default 0.5) drops less confident
    findings. Offsets index the original string: ``text[f.start:f.end] == f.text``.
    """
    if not isinstance(text, str):
        raise InputError(f"scan_text expects str, got {type_name(text)}")
    if min_score is not None and not (0.0 <= float(min_score) <= 1.0):
        raise InputError("min_score must be between 0 and 1")
    chosen = _check_entities(entities)
    return [
        make_finding(
            span.entity,
            span.start,
            span.end,
            text[span.start : span.end],
            round(score, 4),
            det,
            None,
            span.attributes,
        )
        for score, span, det in scan_spans(text, entities=chosen, min_score=min_score)
    ]
