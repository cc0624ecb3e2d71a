"""Facts for the rules: one streaming pass over a batch of records, aggregates only.

Per record: the findings (``pipl_guard.record.scan_record``, the consent field itself excluded), which of
them are sensitive under PIPL Art. 28 (all PI of a minor under 14 is), minors from the resident ID's birth
date at ``Action.at``, the consent facts, the retention clock, a keyed digest of the individual for the
cross-border ledger, and, when the destination requires transforms, what is still detectable after them.
Nothing here keeps a raw value: paths, counts and keyed digests only.

>>> import datetime as dt
>>> c = FactCollector(consent_field="consent", at=dt.date(2026, 1, 1), digest=lambda s: s.encode()[:4])
>>> _ = c.add({"xm": "张伟", "sjh": "13812345678", "consent": {"basic": True}})
>>> f = c.result()
>>> (f.records, f.records_with_pi, sorted(f.entity_fields))
(1, 1, ['CN_MOBILE', 'PERSON_NAME'])
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pipl_guard.catalogue import CATALOGUE
from pipl_guard.detect.resident_id import MINOR_AGE, age_on
from pipl_guard.errors import InputError, type_name
from pipl_guard.finding import Finding

_INDEX = re.compile(r"\[\d+\]")
SEPARATE_SCOPES: tuple[str, ...] = ("sensitive", "provide", "disclose", "cross_border")
_CONSENT_KEYS = frozenset({"basic", "separate", "guardian", "withdrawn"})
_MISSING = object()

Transform = Callable[[Mapping[str, Any]], dict[str, Any]]


_LONG_DIGITS = re.compile(r"\d{6,}")


@lru_cache(maxsize=8192)
def fold(path: str | None) -> str:
    """A field path with list indices folded: ``phones[3]`` -> ``phones[]`` (paths, never values).

    A mapping keyed by personal data (``{"13812345678": {...}}``) would put the value into the path, so a
    path segment holding a long digit run or detectable PI is replaced by ``<key>``.

    >>> fold("person.phones[3]")
    'person.phones[]'
    >>> fold("by_phone.13812345678.name")
    'by_phone.<key>.name'
    """
    from pipl_guard.detect.scanner import scan_text

    text = _INDEX.sub("[]", path or "")
    for f in sorted(scan_text(text), key=lambda f: f.start, reverse=True):
        text = text[: f.start] + "<key>" + text[f.end :]
    return _LONG_DIGITS.sub("<key>", text)


@dataclass(frozen=True)
class ConsentFacts:
    """One record's consent facts; anything missing means "not given"."""

    basic: bool = False
    separate: frozenset[str] = frozenset()
    guardian: bool = False
    withdrawn: bool = False


def parse_consent(value: Any) -> ConsentFacts | None:
    """Consent facts from a record's consent field; ``None`` when malformed (never raises).

    >>> parse_consent({"basic": True, "separate": ["sensitive"]}).separate
    frozenset({'sensitive'})
    >>> parse_consent({"basic": "yes"}) is None
    True
    """
    if value is _MISSING or value is None:
        return ConsentFacts()
    if not isinstance(value, Mapping):
        return None
    if not set(value).issubset(_CONSENT_KEYS):
        return None
    flags: dict[str, bool] = {}
    for key in ("basic", "guardian", "withdrawn"):
        v = value.get(key, False)
        if v is None:
            v = False
        if not isinstance(v, bool):
            return None
        flags[key] = v
    sep = value.get("separate", ())
    if sep is None:
        sep = ()
    if isinstance(sep, str) or not isinstance(sep, list | tuple | set | frozenset):
        return None
    if not all(isinstance(s, str) for s in sep):
        return None
    # scopes other than the four the rules read (e.g. "marketing") are kept out, not an error: a
    # misspelt scope simply counts as not given
    return ConsentFacts(separate=frozenset(s for s in sep if s in SEPARATE_SCOPES), **flags)


def get_path(record: Mapping[str, Any], dotted: str) -> Any:
    """The value at a dotted path (``meta.consent``), or a private sentinel when absent."""
    cur: Any = record
    for part in dotted.split("."):
        if not isinstance(cur, Mapping) or part not in cur:
            return _MISSING
        cur = cur[part]
    return cur


def without_path(record: Mapping[str, Any], dotted: str) -> Mapping[str, Any]:
    """A shallow copy of ``record`` without the value at ``dotted`` (the record itself if absent)."""
    head, _, rest = dotted.partition(".")
    if head not in record:
        return record
    out = dict(record)
    if not rest:
        del out[head]
        return out
    inner = record[head]
    if isinstance(inner, Mapping):
        out[head] = without_path(inner, rest)
    return out


def to_date(value: Any) -> dt.date | None:
    """A record timestamp as a date (date, datetime, ISO string); ``None`` when it cannot be read."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        s = value.strip()
        try:
            return dt.datetime.fromisoformat(s.replace("Z", "+00:00")).date()
        except ValueError:
            pass
        try:
            return dt.date.fromisoformat(s[:10])
        except ValueError:
            return None
    return None


def _birth(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _norm(text: str) -> str:
    return "".join(text.split()).replace("-", "").upper()


def identity_of(findings: list[Finding]) -> list[str]:
    """Identity strings of the individuals a record is about (fed to a keyed hash, never stored).

    A resident ID names an individual on its own; without one, the record's identifying findings taken
    together (name + mobile + ...) stand for one individual. Records with no finding are about nobody.
    """
    rids = sorted({_norm(f.text) for f in findings if f.entity == "CN_RESIDENT_ID"})
    if rids:
        return [f"rid:{r}" for r in rids]
    ident = sorted({f"{f.entity}:{_norm(f.text)}" for f in findings if CATALOGUE[f.entity].identifier})
    if not ident:
        ident = sorted({f"{f.entity}:{_norm(f.text)}" for f in findings})
    return ["set:" + "\x1f".join(ident)] if ident else []


@dataclass
class BatchFacts:
    """Aggregates over a batch. Only paths, counts and keyed digests."""

    at: dt.date
    records: int = 0
    records_with_pi: int = 0
    entity_fields: dict[str, set[str]] = field(default_factory=dict)
    entity_records: Counter[str] = field(default_factory=Counter)
    sensitive_records: int = 0
    sensitive_fields: set[str] = field(default_factory=set)
    sensitive_categories: Counter[str] = field(default_factory=Counter)
    minors: int = 0
    minor_fields: set[str] = field(default_factory=set)
    # consent (counted over records that carry PI)
    consent_malformed: int = 0
    consent_basic_missing: int = 0
    consent_withdrawn: int = 0
    separate_missing: Counter[str] = field(default_factory=Counter)
    sensitive_without_separate: int = 0
    minors_without_guardian: int = 0
    # retention
    expired: int = 0
    undated: int = 0
    time_field_checked: bool = False
    # individuals: keyed digest -> (has general PI, has sensitive PI)
    individuals: dict[bytes, tuple[bool, bool]] = field(default_factory=dict)
    # what lands at the destination (after required transforms)
    landed_entity_fields: dict[str, set[str]] = field(default_factory=dict)
    landed_sensitive_records: int = 0
    landed_identifier_records: int = 0
    residual_required: dict[str, set[str]] = field(default_factory=dict)
    residual_required_records: int = 0

    @property
    def individuals_general(self) -> int:
        return sum(1 for g, _s in self.individuals.values() if g)

    @property
    def individuals_sensitive(self) -> int:
        return sum(1 for _g, s in self.individuals.values() if s)

    def summary(self) -> dict[str, Any]:
        """JSON-ready aggregates for ``Decision.facts`` (no values)."""
        return {
            "at": self.at.isoformat(),
            "records": self.records,
            "records_with_pi": self.records_with_pi,
            "entities": dict(sorted(self.entity_records.items())),
            "fields": {e: sorted(p) for e, p in sorted(self.entity_fields.items())},
            "sensitive_records": self.sensitive_records,
            "sensitive_categories": dict(sorted(self.sensitive_categories.items())),
            "minors": self.minors,
            "individuals": len(self.individuals),
            "individuals_general": self.individuals_general,
            "individuals_sensitive": self.individuals_sensitive,
            "consent": {
                "malformed": self.consent_malformed,
                "basic_missing": self.consent_basic_missing,
                "withdrawn": self.consent_withdrawn,
                "separate_missing": dict(sorted(self.separate_missing.items())),
                "sensitive_without_separate": self.sensitive_without_separate,
                "minors_without_guardian": self.minors_without_guardian,
            },
            "retention": {"expired": self.expired, "undated": self.undated},
            "landed": {
                "entities": sorted(self.landed_entity_fields),
                "sensitive_records": self.landed_sensitive_records,
                "identifier_records": self.landed_identifier_records,
                "residual_required": {e: sorted(p) for e, p in sorted(self.residual_required.items())},
            },
        }


class FactCollector:
    """Streaming accumulator: ``add(record)`` once per record, then ``result()``.

    ``digest`` turns an identity string into the keyed digest the ledger stores. ``transform`` (optional)
    applies the destination's required transforms; the transformed record is returned by ``add`` so
    ``enforce`` can hand it on without a second pass. ``required`` names the entities the transforms must
    remove: any still detectable afterwards is reported with its field paths.
    """

    def __init__(
        self,
        *,
        consent_field: str,
        at: dt.date,
        digest: Callable[[str], bytes],
        strict_identity: bool = False,
        time_field: str | None = None,
        retention_days: int | None = None,
        transform: Transform | None = None,
        required: frozenset[str] = frozenset(),
    ) -> None:
        from pipl_guard.record import scan_record

        self._scan = scan_record
        self.consent_field = consent_field
        self.digest = digest
        self.strict = strict_identity
        self.time_field = time_field
        self.retention_days = retention_days
        self.transform = transform
        self.required = required
        self.facts = BatchFacts(at=at, time_field_checked=time_field is not None and retention_days is not None)

    def add(self, record: Mapping[str, Any]) -> Mapping[str, Any]:
        """Account for one record; returns what would land (transformed when a transform is set)."""
        if not isinstance(record, Mapping):
            raise InputError(f"a record must be a mapping, got {type_name(record)}")
        f = self.facts
        f.records += 1
        scanned = without_path(record, self.consent_field)
        findings = self._scan(scanned)
        has_pi = bool(findings)
        sensitive = False
        general = False
        minor = False
        for fd in findings:
            path = fold(fd.path)
            f.entity_fields.setdefault(fd.entity, set()).add(path)
            info = CATALOGUE[fd.entity]
            if info.is_sensitive(strict_identity=self.strict):
                sensitive = True
                f.sensitive_fields.add(path)
                if info.art28:
                    f.sensitive_categories[info.art28] += 1
            else:
                general = True
            if fd.entity == "CN_RESIDENT_ID":
                birth = _birth(fd.attributes.get("birth_date"))
                if birth is not None and age_on(birth, f.at) < MINOR_AGE:
                    minor = True
                    f.minor_fields.add(path)
        for entity in {fd.entity for fd in findings}:
            f.entity_records[entity] += 1
        if minor:
            # PIPL Art. 28: all PI of a minor under 14 is sensitive
            f.minors += 1
            f.sensitive_categories["minor"] += 1
            sensitive = True
            general = False
        if sensitive:
            f.sensitive_records += 1
        if has_pi:
            f.records_with_pi += 1
            self._consent(record, sensitive=sensitive, minor=minor)
            self._retention(record)
            for ident in identity_of(findings):
                key = self.digest(ident)
                g0, s0 = f.individuals.get(key, (False, False))
                f.individuals[key] = (g0 or general, s0 or sensitive)
        landed: Mapping[str, Any] = record
        landed_findings = findings
        if self.transform is not None:
            landed = self.transform(record)
            landed_findings = self._scan(without_path(landed, self.consent_field))
        self._landed(landed_findings, minor=minor)
        return landed

    def _consent(self, record: Mapping[str, Any], *, sensitive: bool, minor: bool) -> None:
        f = self.facts
        c = parse_consent(get_path(record, self.consent_field))
        if c is None:
            # malformed facts: counted, and treated as "nothing given" (fail closed)
            f.consent_malformed += 1
            c = ConsentFacts()
        if not c.basic:
            f.consent_basic_missing += 1
        if c.withdrawn:
            f.consent_withdrawn += 1
        for scope in SEPARATE_SCOPES:
            if scope not in c.separate:
                f.separate_missing[scope] += 1
        if sensitive and "sensitive" not in c.separate:
            f.sensitive_without_separate += 1
        if minor and not c.guardian:
            f.minors_without_guardian += 1

    def _retention(self, record: Mapping[str, Any]) -> None:
        f = self.facts
        if self.time_field is None or self.retention_days is None:
            return
        when = to_date(get_path(record, self.time_field))
        if when is None:
            f.undated += 1
        elif (f.at - when).days > self.retention_days:
            f.expired += 1

    def _landed(self, findings: list[Finding], *, minor: bool) -> None:
        f = self.facts
        sens = minor and bool(findings)
        ident = False
        residual = False
        for fd in findings:
            info = CATALOGUE[fd.entity]
            path = fold(fd.path)
            f.landed_entity_fields.setdefault(fd.entity, set()).add(path)
            if info.is_sensitive(strict_identity=self.strict):
                sens = True
            if info.identifier:
                ident = True
            if fd.entity in self.required:
                residual = True
                f.residual_required.setdefault(fd.entity, set()).add(path)
        f.landed_sensitive_records += sens
        f.landed_identifier_records += ident
        f.residual_required_records += residual

    def result(self) -> BatchFacts:
        return self.facts
