"""Records and tables: ``scan_record``, ``profile`` and the streaming ``Profiler``.

A record is a mapping, possibly nested (dicts and lists). Each leaf is scanned as text; the field name is
evidence too: a bare ``张伟`` under ``xm`` is a PERSON_NAME, a passport number under ``hzhm`` passes without
context words, and an opaque name (``f5``) leaves the verdict to the values.

>>> [(f.path, f.entity) for f in scan_record({"xm": "张伟", "lxfs": {"phones": ["13812345678"]}})]
[('xm', 'PERSON_NAME'), ('lxfs.phones[0]', 'CN_MOBILE')]
>>> p = profile([{"sfzh": "11010519491231002X", "f5": "13812345678"}])
>>> (p.records, p.individuals, p.fields["f5"].entity)
(1, 1, 'CN_MOBILE')
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from pipl_guard.catalogue import CATALOGUE
from pipl_guard.detect.fields import classify_field
from pipl_guard.detect.registry import value_validator
from pipl_guard.detect.scanner import CONTEXT_BOOST, DEFAULT_MIN_SCORE, _check_entities, scan_spans
from pipl_guard.errors import InputError, type_name
from pipl_guard.finding import Finding, make_finding
from pipl_guard.sketch import DEFAULT_PRECISION, HyperLogLog, hash64

#: nesting deeper than this is refused (a record is data, not a program)
MAX_DEPTH = 10_000
#: score of a bare value that validates for the entity its field name names
FIELD_VALUE_SCORE = 0.95
_IDENT = re.compile(r"^[^\W\d][\w\-]*$")
_INDEX = re.compile(r"\[\d+\]")


def _join(parent: str, key: object) -> str:
    k = str(key)
    if not parent:
        return k
    return f"{parent}.{k}"


def iter_fields(record: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """Yield ``(path, leaf value)`` for every leaf of a nested record, depth first, in order.

    Paths look like ``person.phones[0]``. Cycles and nesting beyond ``MAX_DEPTH`` raise ``InputError``.

    >>> list(iter_fields({"a": {"b": [1, 2]}}))
    [('a.b[0]', 1), ('a.b[1]', 2)]
    """
    if not isinstance(record, Mapping):
        raise InputError(f"a record must be a mapping, got {type_name(record)}")
    # explicit stack: deep nesting must not hit Python's recursion limit
    stack: list[tuple[str, Any, int, tuple[int, ...]]] = [("", record, 0, ())]
    while stack:
        path, value, depth, ancestors = stack.pop()
        if isinstance(value, Mapping) or isinstance(value, list | tuple):
            if depth > MAX_DEPTH:
                raise InputError(f"record nested deeper than {MAX_DEPTH} levels at {path[:80]!r}")
            if id(value) in ancestors:
                raise InputError(f"record contains a cycle at {path[:80]!r}")
            chain = (*ancestors, id(value))
            if isinstance(value, Mapping):
                items = [(_join(path, k), v) for k, v in value.items()]
            else:
                items = [(f"{path}[{i}]", v) for i, v in enumerate(value)]
            for child_path, child in reversed(items):
                stack.append((child_path, child, depth + 1, chain))
        else:
            yield path, value


def leaf_text(value: Any) -> str | None:
    """The text a leaf is scanned as; ``None`` for leaves that hold no text (None, bools, NaN, bytes)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return None if not math.isfinite(value) else repr(value)
    if isinstance(value, decimal.Decimal):
        return None if not value.is_finite() else str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    # bytes, custom objects: not text; profiling counts them as present but unscanned
    return None


def scan_value(
    text: str,
    path: str | None,
    *,
    entities: frozenset[str] | None = None,
    min_score: float | None = None,
    name_entity: str | None = None,
) -> list[Finding]:
    """Scan one field value with its field name as evidence."""
    threshold = DEFAULT_MIN_SCORE if min_score is None else min_score
    if name_entity is None and path is not None:
        name_entity = classify_field(path)
    found: list[Finding] = []
    spans = scan_spans(text, entities=entities, min_score=0.0 if name_entity else threshold)
    covered = False
    for score, span, det in spans:
        if name_entity is not None and span.entity == name_entity and not span.has_context:
            score = min(1.0, score + CONTEXT_BOOST)
        if score < threshold:
            continue
        if span.entity == name_entity and span.start <= _lstrip_len(text) and span.end >= len(text.rstrip()):
            covered = True
        found.append(
            make_finding(
                span.entity,
                span.start,
                span.end,
                text[span.start : span.end],
                round(score, 4),
                det,
                path,
                span.attributes,
            )
        )
    if name_entity is not None and not covered and (entities is None or name_entity in entities):
        whole = _whole_value_finding(text, path, name_entity)
        if whole is not None and whole.score >= threshold:
            # a whole-value finding replaces partial findings it contains
            found = [f for f in found if not (f.start >= whole.start and f.end <= whole.end)]
            found.append(whole)
            found.sort(key=lambda f: f.start)
    return found


def _lstrip_len(text: str) -> int:
    return len(text) - len(text.lstrip())


def _whole_value_finding(text: str, path: str | None, entity_id: str) -> Finding | None:
    stripped = text.strip()
    if not stripped or len(stripped) > 512:
        return None
    validate = value_validator(entity_id)
    if validate is None:
        return None
    try:
        ok = bool(validate(stripped))
    except Exception:  # a validator must never turn a bad value into a crash
        ok = False
    if not ok:
        return None
    start = _lstrip_len(text)
    attributes: dict[str, Any] = {}
    from pipl_guard.detect.registry import detector_for

    mod = detector_for(entity_id)
    parse = getattr(mod, "parse", None) if mod is not None and not hasattr(mod, "VALIDATORS") else None
    if parse is not None:
        try:
            attributes = dict(parse(stripped))
        except Exception:
            attributes = {}
    return make_finding(
        entity_id,
        start,
        start + len(stripped),
        stripped,
        FIELD_VALUE_SCORE,
        "field_name",
        path,
        attributes,
    )


def scan_record(
    record: Mapping[str, Any], *, entities: Iterable[str] | None = None, min_score: float | None = None
) -> list[Finding]:
    """Findings in every leaf of a (nested) record; ``Finding.path`` names the leaf.

    Offsets index the leaf's text (``str`` values as given; numbers and dates as ``str()``/ISO).
    """
    if min_score is not None and not (0.0 <= float(min_score) <= 1.0):
        raise InputError("min_score must be between 0 and 1")
    chosen = _check_entities(entities)
    out: list[Finding] = []
    for path, value in iter_fields(record):
        text = leaf_text(value)
        if not text:
            continue
        out.extend(scan_value(text, path, entities=chosen, min_score=min_score))
    return out


# --------------------------------------------------------------------------- profiling


class FieldProfile(BaseModel):
    """What one field (path, list indices folded to ``[]``) holds across the profiled records."""

    model_config = ConfigDict(extra="forbid")

    path: str
    entity: str | None = None
    share: float = 0.0
    sensitive: bool = False
    non_empty: int = 0
    counts: dict[str, int] = Field(default_factory=dict)
    name_entity: str | None = None
    #: the name says personal information but the values mostly do not validate: look at it
    needs_review: bool = False


class Profile(BaseModel):
    """What personal information a set of records holds, where, and about how many people."""

    model_config = ConfigDict(extra="forbid")

    records: int = 0
    individuals: int = 0
    minors: int = 0
    entities: dict[str, int] = Field(default_factory=dict)
    sensitive_categories: dict[str, int] = Field(default_factory=dict)
    regions: dict[str, int] = Field(default_factory=dict)
    fields: dict[str, FieldProfile] = Field(default_factory=dict)
    sampled: bool = False
    as_of: dt.date = Field(default_factory=dt.date.today)
    #: ``individuals``, ``minors`` and ``regions`` are HyperLogLog estimates (about 1 % error): more
    #: distinct people than ``Profiler.exact_limit`` were seen
    approximate: bool = False

    @property
    def sensitive_fields(self) -> list[str]:
        return [p for p, f in self.fields.items() if f.sensitive]


#: entities a bare value can be recognised as without any context, checked for fields whose name says
#: nothing (``f5``): a column is classified by them only when nearly all its values validate
VALUE_ONLY_ENTITIES = ("PERSON_NAME", "ETHNICITY", "RELIGION", "GENDER", "PHOTO_URL")
VALUE_ONLY_SHARE = 0.8


class _FieldAcc:
    __slots__ = ("counts", "name_entity", "non_empty", "value_counts")

    def __init__(self, name_entity: str | None) -> None:
        self.non_empty = 0
        self.counts: Counter[str] = Counter()
        self.value_counts: Counter[str] = Counter()
        self.name_entity = name_entity


#: distinct individuals counted exactly before ``Profiler`` switches to HyperLogLog sketches; one person
#: is one int in one set (~95 bytes with the set's spare room, measured), so the exact phase stays < ~100 MB
EXACT_LIMIT = 1_000_000
#: scan results of short leaf values are memoised per profiler (bounded; see ``Profiler._scan``)
MEMO_SIZE = 4096
MEMO_MAX_CHARS = 64


def _person_key(resident_id: str, minor: bool) -> int:
    # a person is a 64-bit hash of the ID with the lowest bit replaced by the minor flag: one small int
    # per person, and whether they are a minor travels with them (both follow from the ID and as_of)
    return (hash64(resident_id.upper()) & ~1) | int(minor)


class _People:
    """Distinct individuals, minors and people per province: exact up to ``limit`` people, then sketches.

    Exact phase: one set of person keys per province. When the ``limit + 1``-th distinct person arrives,
    every key goes into HyperLogLog sketches (all people, minors, one per province) and the sets are
    dropped, so memory stays bounded (~16 KiB per sketch) however large the input.
    """

    __slots__ = ("by_province", "everyone", "limit", "minor_count", "minors", "person_count", "regions")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.by_province: dict[str | None, set[int]] | None = {}
        self.person_count = 0
        self.minor_count = 0
        self.everyone: HyperLogLog | None = None
        self.minors: HyperLogLog | None = None
        self.regions: dict[str, HyperLogLog] = {}

    @property
    def approximate(self) -> bool:
        return self.by_province is None

    def add(self, key: int, province: str | None) -> None:
        if self.by_province is None:
            self._sketch_add(key, province)
            return
        bucket = self.by_province.get(province)
        if bucket is None:
            bucket = self.by_province[province] = set()
        if key in bucket:
            return
        bucket.add(key)
        self.person_count += 1
        self.minor_count += key & 1
        if self.person_count > self.limit:
            self._to_sketch()

    def _sketch_add(self, key: int, province: str | None) -> None:
        assert self.everyone is not None and self.minors is not None
        h = key & ~1
        self.everyone.add_hash(h)
        if key & 1:
            self.minors.add_hash(h)
        if province:
            sketch = self.regions.get(province)
            if sketch is None:
                sketch = self.regions[province] = HyperLogLog(DEFAULT_PRECISION)
            sketch.add_hash(h)

    def _to_sketch(self) -> None:
        exact = self.by_province or {}
        self.by_province = None
        self.everyone = HyperLogLog(DEFAULT_PRECISION)
        self.minors = HyperLogLog(DEFAULT_PRECISION)
        for province, keys in exact.items():
            for key in keys:
                self._sketch_add(key, province)
        self.person_count = self.minor_count = 0

    def merge(self, other: _People) -> None:
        if other.by_province is not None:
            for province, keys in other.by_province.items():
                mine = self.by_province.get(province, set()) if self.by_province is not None else None
                fresh = keys - mine if mine is not None else keys
                if self.by_province is not None and self.person_count + len(fresh) <= self.limit:
                    # fast path: the union still fits, take it with set operations
                    self.by_province.setdefault(province, set()).update(fresh)
                    self.person_count += len(fresh)
                    self.minor_count += sum(k & 1 for k in fresh)
                else:
                    # one key at a time, so the switch to sketches happens exactly at the limit
                    for key in fresh:
                        self.add(key, province)
            return
        if self.by_province is not None:
            self._to_sketch()
        assert self.everyone is not None and self.minors is not None
        assert other.everyone is not None and other.minors is not None
        self.everyone.merge(other.everyone)
        self.minors.merge(other.minors)
        for province, sketch in other.regions.items():
            mine_sketch = self.regions.get(province)
            if mine_sketch is None:
                self.regions[province] = sketch.copy()
            else:
                mine_sketch.merge(sketch)

    def totals(self) -> tuple[int, int, dict[str, int]]:
        """``(individuals, minors, people per province)``, exact or estimated."""
        if self.by_province is not None:
            regions = {p: len(keys) for p, keys in self.by_province.items() if p and keys}
            return self.person_count, self.minor_count, regions
        assert self.everyone is not None and self.minors is not None
        regions = {p: len(sketch) for p, sketch in self.regions.items()}
        return len(self.everyone), len(self.minors), regions


class Profiler:
    """Streaming accumulator behind ``profile``: add records one by one, merge partial profilers
    (one per process, Spark partition or file), then read the ``Profile``.

    Distinct individuals (by resident ID) are counted exactly up to ``exact_limit`` people; beyond it the
    profiler switches to HyperLogLog sketches (about 1 % error, fixed memory) and the ``Profile`` says
    ``approximate=True``. Merging exact profilers stays exact while the union fits the limit.

    >>> a, b = Profiler(), Profiler()
    >>> a.add({"sfzh": "11010519491231002X"}); b.add({"sfzh": "11010519491231002X"})
    >>> a.merge(b).result().individuals
    1
    """

    def __init__(
        self, *, as_of: dt.date | None = None, strict_identity: bool = False, exact_limit: int = EXACT_LIMIT
    ) -> None:
        if not isinstance(exact_limit, int) or isinstance(exact_limit, bool) or exact_limit < 0:
            raise InputError("exact_limit must be a non-negative integer")
        self.exact_limit = exact_limit
        self.as_of = as_of or dt.date.today()
        self.strict_identity = strict_identity
        self.records = 0
        self.fields: dict[str, _FieldAcc] = {}
        self.entities: Counter[str] = Counter()
        self.categories: Counter[str] = Counter()
        self._people = _People(exact_limit)
        self._memo: dict[tuple[str | None, str], tuple[list[Finding], tuple[str, ...]]] = {}
        self.sampled = False

    def add(self, record: Mapping[str, Any]) -> None:
        from pipl_guard.detect.resident_id import age_on

        self.records += 1
        record_categories: set[str] = set()
        minor = False
        for path, value in iter_fields(record):
            key = _INDEX.sub("[]", path)
            acc = self.fields.get(key)
            if acc is None:
                acc = self.fields[key] = _FieldAcc(classify_field(key))
            text = leaf_text(value)
            if text is None or not text.strip():
                if value is not None and not isinstance(value, str):
                    acc.non_empty += 1
                continue
            acc.non_empty += 1
            findings, value_only = self._scan(text, path, acc.name_entity)
            seen: set[str] = set()
            for f in findings:
                self.entities[f.entity] += 1
                seen.add(f.entity)
                info = CATALOGUE.get(f.entity)
                if info is not None and info.is_sensitive(strict_identity=self.strict_identity):
                    record_categories.add(info.art28 or "sensitive")
                if f.entity == "CN_RESIDENT_ID":
                    birth = f.attributes.get("birth_date")
                    is_minor = isinstance(birth, dt.date) and age_on(birth, self.as_of) < 14
                    minor = minor or is_minor
                    region = f.attributes.get("region")
                    province = _province_of(f.attributes.get("region_code"), region)
                    self._people.add(_person_key(f.text.replace(" ", "").replace("-", ""), is_minor), province)
            for e in seen:
                acc.counts[e] += 1
            for e in value_only:
                acc.value_counts[e] += 1
        if minor:
            record_categories.add("minor")
        for c in record_categories:
            self.categories[c] += 1

    def __getstate__(self) -> dict[str, Any]:
        # partial profilers are pickled between processes (Spark): ship counts and person digests only,
        # never the memo, which holds findings with raw values
        state = dict(self.__dict__)
        state["_memo"] = {}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def _scan(self, text: str, path: str, name_entity: str | None) -> tuple[list[Finding], tuple[str, ...]]:
        """Findings of one leaf and, for a field whose name says nothing, the entities its bare value is.

        Columns repeat values (gender, ethnicity, status words, common names), and a scan's cost is mostly
        per call, not per character: short values are memoised per (field-name entity, text). The result
        depends on nothing else the profiler uses (``Finding.path`` is not read here).
        """
        memo_key = (name_entity, text)
        hit = self._memo.get(memo_key)
        if hit is not None:
            return hit
        findings = scan_value(text, path, name_entity=name_entity)
        value_only = tuple(_value_only_matches(text)) if name_entity is None and not findings else ()
        if len(text) <= MEMO_MAX_CHARS:
            if len(self._memo) >= MEMO_SIZE:
                # bounded: start afresh (frequent values come straight back) rather than track recency
                self._memo.clear()
            self._memo[memo_key] = (findings, value_only)
        return findings, value_only

    def merge(self, other: Profiler) -> Profiler:
        self.records += other.records
        for key, acc in other.fields.items():
            mine = self.fields.get(key)
            if mine is None:
                self.fields[key] = acc
            else:
                mine.non_empty += acc.non_empty
                mine.counts.update(acc.counts)
                mine.value_counts.update(acc.value_counts)
        self.entities.update(other.entities)
        self.categories.update(other.categories)
        self._people.merge(other._people)
        self.sampled = self.sampled or other.sampled
        return self

    def result(self) -> Profile:
        fields: dict[str, FieldProfile] = {}
        for key, acc in self.fields.items():
            fields[key] = _field_profile(key, acc, self.strict_identity)
        individuals, minors, regions = self._people.totals()
        return Profile(
            records=self.records,
            individuals=individuals,
            minors=minors,
            entities=dict(self.entities.most_common()),
            sensitive_categories=dict(self.categories.most_common()),
            regions=dict(Counter(regions).most_common()),
            fields=fields,
            sampled=self.sampled,
            as_of=self.as_of,
            approximate=self._people.approximate,
        )

    @property
    def approximate(self) -> bool:
        """True once more than ``exact_limit`` distinct people were seen (counts are estimates)."""
        return self._people.approximate


def _value_only_matches(text: str) -> list[str]:
    value = text.strip()
    if not value or len(value) > 200:
        return []
    out = []
    for entity_id in VALUE_ONLY_ENTITIES:
        validate = value_validator(entity_id)
        try:
            if validate is not None and validate(value):
                out.append(entity_id)
        except Exception:  # a validator must never turn a bad value into a crash
            continue
    return out


def _province_of(code: object, region: object) -> str | None:
    if isinstance(code, str) and len(code) == 6:
        from pipl_guard.detect import regions

        r = regions.lookup(code[:2] + "0000")
        if r is not None:
            return r.province
        if isinstance(region, str):
            return region
    return None


#: a field's dominant entity needs at least this share of its non-empty values
DOMINANT_SHARE = 0.3
#: a field whose name names an entity is classified by the name when its values support it this much
NAME_SUPPORT_SHARE = 0.1


def _field_profile(key: str, acc: _FieldAcc, strict_identity: bool) -> FieldProfile:
    n = acc.non_empty
    entity: str | None = None
    share = 0.0
    review = False
    if n:
        best, best_count = acc.counts.most_common(1)[0] if acc.counts else (None, 0)
        name_count = acc.counts.get(acc.name_entity, 0) if acc.name_entity else 0
        if acc.name_entity and name_count / n >= NAME_SUPPORT_SHARE and name_count * 2 >= best_count:
            entity, share = acc.name_entity, name_count / n
        elif best is not None and best_count / n >= DOMINANT_SHARE:
            entity, share = best, best_count / n
        if entity is None and acc.value_counts:
            value_best, value_count = acc.value_counts.most_common(1)[0]
            if value_count / n >= VALUE_ONLY_SHARE:
                entity, share = value_best, value_count / n
        if acc.name_entity and (entity != acc.name_entity or share < 0.5):
            review = True
    info = CATALOGUE.get(entity) if entity else None
    return FieldProfile(
        path=key,
        entity=entity,
        share=share,
        sensitive=bool(info and info.is_sensitive(strict_identity=strict_identity)),
        non_empty=n,
        counts=dict(acc.counts),
        name_entity=acc.name_entity,
        needs_review=review,
    )


def profile(
    records: Iterable[Mapping[str, Any]], *, sample: int | None = None, as_of: dt.date | None = None
) -> Profile:
    """Profile records: per-field dominant entity, share and sensitivity, and totals.

    ``sample`` profiles only the first ``sample`` records (a head sample, so results are reproducible);
    ``as_of`` is the date ages are computed at (default today).
    """
    if sample is not None and (not isinstance(sample, int) or sample < 1):
        raise InputError("sample must be a positive integer")
    if isinstance(records, Mapping) or isinstance(records, str | bytes):
        raise InputError(f"profile expects an iterable of records, got {type_name(records)}")
    prof = Profiler(as_of=as_of)
    for i, record in enumerate(records):
        if sample is not None and i >= sample:
            prof.sampled = True
            break
        prof.add(record)
    return prof.result()
