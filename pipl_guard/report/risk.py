"""Re-identification risk of a table (``pg.risk``) and the least generalization reaching k (``pg.risk.suggest``).

Definitions (El Emam, *Guide to the De-Identification of Personal Health Information*, 2013, ch.
"Measuring the probability of re-identification"; as implemented by ARX ``RiskModelSampleSummary``; the
k-anonymity model and the "verify re-identification risk" step of GB/T 37964-2019):

- An **equivalence class** is a set of records with equal values in every quasi-identifier. ``f_j`` is the
  size of class ``j`` in the table (the sample), ``n`` the number of records, ``J`` the number of classes.
- **k** is the size of the smallest class: the table is k-anonymous.
- **Prosecutor** (the attacker knows the target is in the table): a record's risk is ``1/f_j``.
  ``prosecutor_max = 1/min f_j``; ``prosecutor_avg = J/n`` (the mean of ``1/f_j`` over records).
  ``records_below_threshold`` counts records whose risk exceeds ``1/threshold``, i.e. in classes smaller
  than ``threshold`` (ARX's "records at risk").
- **Journalist** (the attacker does not know whether the target is in the table; needs the population,
  ``F_j`` = size of class ``j`` in the population): ``journalist_max = 1/min F_j``;
  ``journalist_avg = max(J / sum F_j, (1/n) sum f_j/F_j)``. Without ``population=`` the table is taken as
  its own population (as ARX does without a superset), so the journalist risk equals the prosecutor risk
  and a note says so.
- **Marketer** (the attacker re-identifies as many records as possible): ``(1/n) sum f_j/F_j``, which is
  ``J/n`` without a population.
- **l-diversity** (Machanavajjhala et al. 2007) for a sensitive attribute: the smallest number of distinct
  sensitive values in a class (distinct l), and ``exp`` of the smallest entropy (entropy l).

>>> rows = [{"yb": "100080", "xb": "男"}] * 3 + [{"yb": "100081", "xb": "女"}]
>>> r = risk(rows, ["yb", "xb"], threshold=2)
>>> (r.k, r.classes, r.records_below_threshold, r.prosecutor_max, r.marketer)
(1, 2, 1, 1.0, 0.5)
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol, cast

from pydantic import BaseModel, ConfigDict, Field

from pipl_guard.errors import InputError, type_name
from pipl_guard.report import hierarchies as hz

log = logging.getLogger("pipl_guard.report")

#: records profiled to choose the default quasi-identifiers
DEFAULT_PROFILE_SAMPLE = 2000
DEFAULT_THRESHOLD = 5
_ABSENT = object()
_PATH = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_ID_LAYOUT = re.compile(r"^\d{17}[\dXx]$|^\d{15}$")


# --------------------------------------------------------------------------- input tables


class _Table:
    """Uniform column access to records or a pandas / polars / Arrow table (converted lazily)."""

    def __init__(self, data: Any, what: str = "records") -> None:
        if data is None or isinstance(data, Mapping | str | bytes):
            raise InputError(f"{what} must be an iterable of records or a table, got {type_name(data)}")
        module = type(data).__module__.split(".")[0]
        self.frame: Any = None
        self.kind = "records"
        self.rows: list[Any] = []
        if module in ("pandas", "polars", "pyarrow") and hasattr(data, "columns"):
            self.frame, self.kind = data, module
            self.n = int(data.num_rows if module == "pyarrow" else len(data))
            self.names = [str(c) for c in (data.column_names if module == "pyarrow" else data.columns)]
        else:
            try:
                self.rows = list(data)
            except TypeError:
                raise InputError(f"{what} must be an iterable of records or a table, got {type_name(data)}") from None
            for row in self.rows[:1]:
                if not isinstance(row, Mapping):
                    raise InputError(f"each record must be a mapping, got {type_name(row)}")
            self.n = len(self.rows)
            self.names = []

    def head(self, m: int) -> list[dict[str, Any]]:
        if self.kind == "pandas":
            return list(self.frame.head(m).to_dict("records"))
        if self.kind == "polars":
            return list(self.frame.head(m).to_dicts())
        if self.kind == "pyarrow":
            return list(self.frame.slice(0, m).to_pylist())
        return [dict(r) for r in self.rows[:m]]

    def has(self, path: str) -> bool:
        if self.frame is not None:
            return path in self.names
        return any(_get(r, path) is not _ABSENT for r in self.rows)

    def head_column(self, path: str, m: int) -> list[Any]:
        if self.frame is None:
            return [None if (v := _get(r, path)) is _ABSENT else v for r in self.rows[:m]]
        return [r.get(path) for r in self.head(m)]

    def column(self, path: str) -> list[Any]:
        if self.kind == "pandas":
            col = self.frame[path]
            return [None if _is_na(v) else v for v in col.tolist()]
        if self.kind == "polars":
            return list(self.frame.get_column(path).to_list())
        if self.kind == "pyarrow":
            return list(self.frame.column(path).to_pylist())
        if "." not in path and "[" not in path:
            try:
                return [r.get(path) for r in self.rows]
            except AttributeError:
                pass  # not all rows are dicts: the slow path names the offending type
        out = []
        for r in self.rows:
            if not isinstance(r, Mapping):
                raise InputError(f"each record must be a mapping, got {type_name(r)}")
            v = _get(r, path)
            out.append(None if v is _ABSENT else v)
        return out

    def records(self) -> Iterator[dict[str, Any]]:
        if self.frame is None:
            yield from (dict(r) for r in self.rows)
        else:
            yield from self.head(self.n)


def _is_na(v: Any) -> bool:
    return (isinstance(v, float) and v != v) or type(v).__name__ in ("NaTType", "NAType")


def _get(record: Any, path: str) -> Any:
    """The value at a field path (``a.b[0]``); ``_ABSENT`` when the path does not exist."""
    if isinstance(record, Mapping) and path in record:
        return record[path]
    cur = record
    for key, index in _PATH.findall(path):
        if key:
            if not isinstance(cur, Mapping) or key not in cur:
                return _ABSENT
            cur = cur[key]
        else:
            i = int(index)
            if not isinstance(cur, list | tuple) or i >= len(cur):
                return _ABSENT
            cur = cur[i]
    return cur


def _set(record: dict[str, Any], path: str, value: Any) -> None:
    if path in record or ("." not in path and "[" not in path):
        record[path] = value
        return
    parts = _PATH.findall(path)
    cur: Any = record
    for key, index in parts[:-1]:
        cur = cur[key] if key else cur[int(index)]
    key, index = parts[-1]
    if key:
        cur[key] = value
    else:
        cur[int(index)] = value


# --------------------------------------------------------------------------- quasi-identifiers


class QuasiIdentifier(BaseModel):
    """One quasi-identifier: a field path, its hierarchy kind, and for a resident ID which component."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    kind: str
    component: str | None = None

    @property
    def name(self) -> str:
        return f"{self.path}:{self.component}" if self.component else self.path


def _looks_like_ids(values: Sequence[Any]) -> bool:
    sample = [str(v).strip() for v in values[:200] if v is not None and str(v).strip()]
    return bool(sample) and sum(1 for v in sample if _ID_LAYOUT.match(v)) * 2 > len(sample)


def _split_component(name: str) -> tuple[str, str | None]:
    """``sfzh:region`` -> (``sfzh``, ``region``); any other name is a plain path."""
    path, sep, comp = name.rpartition(":")
    return (path, comp) if sep and comp in hz.ID_COMPONENTS else (name, None)


def _bundle(path: str) -> list[QuasiIdentifier]:
    return [QuasiIdentifier(path=path, kind=c, component=c) for c in hz.ID_COMPONENTS]


def resolve_quasi_identifiers(
    table: _Table, quasi_identifiers: Iterable[str] | Mapping[str, str] | str | None
) -> list[QuasiIdentifier]:
    """Named quasi-identifiers (checked to exist) or, when ``None``, those the profile marks."""
    if quasi_identifiers is None:
        return _default_quasi_identifiers(table)
    if isinstance(quasi_identifiers, str):
        quasi_identifiers = [quasi_identifiers]
    given: dict[str, str | None] = (
        {str(k): str(v) for k, v in quasi_identifiers.items()}
        if isinstance(quasi_identifiers, Mapping)
        else {str(q): None for q in quasi_identifiers}
    )
    if table.n == 0:
        return [QuasiIdentifier(path=q, kind=k or "flat") for q, k in given.items()]
    missing = [q for q in given if not table.has(_split_component(q)[0])]
    if missing:
        raise InputError(f"quasi-identifiers not in the table: {', '.join(missing)}")
    out: list[QuasiIdentifier] = []
    for q, kind in given.items():
        path, comp = _split_component(q)
        if comp is not None:
            out.append(QuasiIdentifier(path=path, kind=comp, component=comp))
            continue
        if kind is not None and kind not in (*hz.KINDS, "resident_id"):
            raise InputError(f"unknown hierarchy {kind!r} for quasi-identifier {q}; known: {', '.join(hz.KINDS)}")
        kind = kind or hz.kind_of_field(q)
        if kind == "resident_id" or (kind is None and _looks_like_ids(table.head_column(q, 200))):
            out.extend(_bundle(q))
        else:
            out.append(QuasiIdentifier(path=q, kind=kind or "flat"))
    return out


def default_quasi_identifiers(prof: Any) -> dict[str, str]:
    """Quasi-identifiers a ``pg.Profile`` marks, as ``{name: hierarchy}`` (``sfzh:region`` for ID parts).

    Birth date, gender, address, ethnicity by entity; age, postcode, region by field name; a resident ID
    adds the parts (region, birth date, sex) that no dedicated field already gives.
    """
    plain: dict[str, str] = {}
    ids: list[str] = []
    for path, fp in prof.fields.items():
        if "[]" in path:
            continue
        kind = hz.kind_of_field(path, fp.entity)
        if kind == "resident_id":
            ids.append(path)
        elif kind is not None and kind != "flat":
            plain[path] = kind
    have = set(plain.values())
    out = dict(plain)
    for path in ids:
        for comp in hz.ID_COMPONENTS:
            if not (comp in have or (comp == "region" and "address" in have)):
                out[f"{path}:{comp}"] = comp
    return out


def _default_quasi_identifiers(table: _Table) -> list[QuasiIdentifier]:
    from pipl_guard.record import profile

    head = table.head(DEFAULT_PROFILE_SAMPLE)
    if not head:
        return []
    return resolve_quasi_identifiers(table, default_quasi_identifiers(profile(head)))


def _values(table: _Table, qi: QuasiIdentifier) -> list[Any]:
    col = table.column(qi.path)
    if qi.component is None:
        return col
    return [_component(v, qi.component) for v in col]


def _component(value: Any, component: str) -> Any:
    if value is None:
        return None
    s = str(value).strip()
    if _ID_LAYOUT.match(s):
        if component == "region":
            return s[:6]
        if component == "birth_date":
            return s[6:14] if len(s) == 18 else "19" + s[6:12]
        digit = int(s[16] if len(s) == 18 else s[14])
        return "男" if digit % 2 else "女"
    return hz.id_component(s, component)


def _key(value: Any) -> str:
    if type(value) is str:
        return value.strip()
    if value is None or isinstance(value, bool):
        return "" if value is None else str(value)
    if isinstance(value, float):
        if value != value:
            return ""
        if value.is_integer():
            return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def _factorize(values: list[Any]) -> tuple[list[int], list[str]]:
    """An integer code per value and the normalized key of each code (``_key`` runs once per distinct value).

    ``True``/``1`` and ``False``/``0`` share a dict slot; a column mixing booleans and numbers is not a
    quasi-identifier worth the cost of telling them apart.
    """
    raw: dict[Any, int] = {}
    try:
        codes = [raw.setdefault(v, len(raw)) for v in values]
    except TypeError:  # unhashable leaves (lists, dicts): normalize every value
        keyed: dict[str, int] = {}
        return [keyed.setdefault(_key(v), len(keyed)) for v in values], list(keyed)
    norm: dict[str, int] = {}
    remap = [norm.setdefault(_key(v), len(norm)) for v in raw]
    if len(norm) == len(remap):
        return codes, list(norm)
    return [remap[c] for c in codes], list(norm)


# --------------------------------------------------------------------------- risk report


class RiskReport(BaseModel):
    """Re-identification risk over the quasi-identifiers (definitions in ``pipl_guard.report.risk``)."""

    model_config = ConfigDict(extra="forbid")

    records: int
    quasi_identifiers: list[str]
    threshold: int
    classes: int = 0
    k: int = 0
    uniques: int = 0
    classes_below_threshold: int = 0
    records_below_threshold: int = 0
    share_below_threshold: float = 0.0
    prosecutor_max: float = 0.0
    prosecutor_avg: float = 0.0
    journalist_max: float = 0.0
    journalist_avg: float = 0.0
    marketer: float = 0.0
    population: bool = False
    sensitive: str | None = None
    l_diversity: int | None = None
    entropy_l: float | None = None
    #: class size -> number of classes of that size (at most about sqrt(2n) entries)
    class_sizes: dict[int, int] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.records == 0

    def is_k_anonymous(self, k: int) -> bool:
        return self.records > 0 and self.k >= k

    def summary(self) -> str:
        """One line for a log or a terminal."""
        if self.empty:
            return "empty table: no records, no re-identification risk to measure"
        return (
            f"{self.records} records, {self.classes} classes over {', '.join(self.quasi_identifiers) or '(none)'}; "
            f"k={self.k}; {self.records_below_threshold} records ({self.share_below_threshold:.1%}) in classes "
            f"below {self.threshold}; prosecutor max {self.prosecutor_max:.3f} avg {self.prosecutor_avg:.3f}; "
            f"journalist max {self.journalist_max:.3f}; marketer {self.marketer:.3f}"
        )


def _population_counts(
    population: Any, qis: list[QuasiIdentifier]
) -> Mapping[tuple[str, ...], int]:
    if isinstance(population, Mapping):
        return {tuple(_key(x) for x in (k if isinstance(k, tuple) else (k,))): int(v) for k, v in population.items()}
    table = _Table(population, "population")
    missing = [q.path for q in qis if table.n and not table.has(q.path)]
    if missing:
        raise InputError(f"quasi-identifiers not in the population table: {', '.join(sorted(set(missing)))}")
    cols = [[_key(v) for v in _values(table, q)] for q in qis]
    return Counter(zip(*cols, strict=True)) if cols else Counter({(): table.n})


def _risk(
    records: Any,
    quasi_identifiers: Iterable[str] | Mapping[str, str] | str | None = None,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    sensitive: str | None = None,
    population: Any = None,
) -> RiskReport:
    """Equivalence classes over the quasi-identifiers and the prosecutor / journalist / marketer risk.

    ``records``: dicts (nested paths like ``person.csrq`` allowed) or a pandas / polars / Arrow table.
    ``quasi_identifiers``: field paths, or ``{path: hierarchy}``; a resident-ID field stands for its region,
    birth date and sex (``sfzh:region`` names one of them). Default: the fields the profile marks
    (birth date, gender, region, address, postcode, age, ethnicity, and what an ID carries).
    ``threshold``: the class size below which a record counts as at risk. ``sensitive``: a field for
    l-diversity. ``population``: a superset table (or ``{class tuple: count}``) for the journalist risk.

    >>> r = risk([{"age": 30}, {"age": 30}, {"age": 41}], ["age"], threshold=2)
    >>> (r.k, r.uniques, round(r.prosecutor_avg, 4))
    (1, 1, 0.6667)
    """
    if not isinstance(threshold, int) or isinstance(threshold, bool) or threshold < 1:
        raise InputError("threshold must be a positive integer (a class size)")
    table = _Table(records)
    qis = resolve_quasi_identifiers(table, quasi_identifiers)
    names = [q.name for q in qis]
    if sensitive is not None and table.n and not table.has(sensitive):
        raise InputError(f"sensitive attribute not in the table: {sensitive}")
    if table.n == 0:
        return RiskReport(
            records=0, quasi_identifiers=names, threshold=threshold, sensitive=sensitive,
            notes=["empty table: no records, no re-identification risk to measure"],
        )
    cols = [[_key(v) for v in _values(table, q)] for q in qis]
    keys: Iterable[tuple[str, ...]] = zip(*cols, strict=True) if cols else itertools.repeat((), table.n)
    notes: list[str] = []
    div_l: int | None = None
    ent_l: float | None = None
    if sensitive is not None:
        groups: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
        for key, s in zip(keys, table.column(sensitive), strict=True):
            groups[key][_key(s)] += 1
        counts: Mapping[tuple[str, ...], int] = {k: sum(c.values()) for k, c in groups.items()}
        div_l = min(len(c) for c in groups.values())
        ent_l = round(min(_entropy_l(c) for c in groups.values()), 4)
    else:
        counts = Counter(keys)
    if not qis:
        notes.append("no quasi-identifiers found: every record is in one class")
    report = _measure(counts, table.n, threshold, notes, population, qis)
    report.quasi_identifiers = names
    report.sensitive, report.l_diversity, report.entropy_l = sensitive, div_l, ent_l
    return report


def _entropy_l(c: Counter[str]) -> float:
    total = sum(c.values())
    h = -sum(v / total * math.log(v / total) for v in c.values())
    return math.exp(h)


def _measure(
    counts: Mapping[tuple[str, ...], int],
    n: int,
    threshold: int,
    notes: list[str],
    population: Any,
    qis: list[QuasiIdentifier],
) -> RiskReport:
    sizes = Counter(counts.values())
    classes = len(counts)
    k = min(sizes)
    below = {s: c for s, c in sizes.items() if s < threshold}
    rec_below = sum(s * c for s, c in below.items())
    pro_max, pro_avg = 1.0 / k, classes / n
    if population is None:
        j_max, j_avg, marketer = pro_max, pro_avg, pro_avg
        notes.append(
            "journalist risk equals prosecutor risk: no population table given, so the table is taken as "
            "its own population (ARX without a superset)"
        )
        used = False
    else:
        pop = _population_counts(population, qis)
        short = 0
        min_f = math.inf
        sum_f = 0
        ratio = 0.0
        for key, f in counts.items():
            big = pop.get(key, 0)
            if big < f:
                short += 1
                big = f
            min_f = min(min_f, big)
            sum_f += big
            ratio += f / big
        if short:
            notes.append(f"{short} classes are larger in the table than in the population (population too small)")
        j_max = 1.0 / min_f
        marketer = ratio / n
        j_avg = max(classes / sum_f, marketer)
        used = True
    return RiskReport(
        records=n,
        quasi_identifiers=[],
        threshold=threshold,
        classes=classes,
        k=k,
        uniques=sizes.get(1, 0),
        classes_below_threshold=sum(below.values()),
        records_below_threshold=rec_below,
        share_below_threshold=rec_below / n,
        prosecutor_max=pro_max,
        prosecutor_avg=pro_avg,
        journalist_max=j_max,
        journalist_avg=j_avg,
        marketer=marketer,
        population=used,
        class_sizes=dict(sorted(sizes.items())),
        notes=notes,
    )


# --------------------------------------------------------------------------- suggest (lattice search)

#: the search refuses lattices larger than this (each node is one grouping pass over the table)
MAX_LATTICE = 200_000


class _Lattice:
    """Per quasi-identifier: records factorized once, and each level's labels as a small code map."""

    def __init__(self, table: _Table, qis: list[QuasiIdentifier], as_of: dt.date) -> None:
        try:
            import numpy as np
        except ImportError:  # pragma: no cover - numpy comes with the frames extra
            np = None  # type: ignore[assignment]
        self.np = np
        self.n = table.n
        self.heights = [hz.height(q.kind) for q in qis]
        self.raw: list[Any] = []
        self.maps: list[list[Any]] = []
        self.cards: list[list[int]] = []
        for q in qis:
            codes, distinct = _factorize(_values(table, q))
            maps: list[Any] = []
            cards: list[int] = []
            # level l+1 is a function of level l (hierarchies nest), so each level is computed on one
            # representative value per class of the level below: |D| labels at level 0, far fewer above
            reps = distinct
            up_map: list[int] = list(range(len(distinct)))
            for level in range(hz.height(q.kind) + 1):
                lab: dict[str, int] = {}
                first: list[str] = []
                step = []
                for d in reps:
                    label = hz.generalize(q.kind, d or None, level, as_of=as_of)
                    code = lab.get(label)
                    if code is None:
                        code = lab[label] = len(lab)
                        first.append(d)
                    step.append(code)
                up_map = [step[c] for c in up_map]
                reps = first
                maps.append(np.asarray(up_map, dtype=np.int64) if np is not None else up_map)
                cards.append(len(lab))
            self.raw.append(np.asarray(codes, dtype=np.int64) if np is not None else codes)
            self.maps.append(maps)
            self.cards.append(cards)

    def sizes(self, node: Sequence[int]) -> Any:
        """Class sizes when each quasi-identifier j is generalized to level ``node[j]``."""
        if not node:
            return [self.n] if self.n else []
        np = self.np
        if np is None:
            cols = [[self.maps[j][lv][c] for c in self.raw[j]] for j, lv in enumerate(node)]
            return list(Counter(zip(*cols, strict=True)).values())
        key = None
        card = 1
        for j, lv in enumerate(node):
            m = self.cards[j][lv]
            if m == 1:
                continue
            codes = self.maps[j][lv][self.raw[j]]
            if key is None:
                key, card = codes, m
                continue
            if card * m >= 2**62:
                _, key = np.unique(key, return_inverse=True)
                card = int(key.max()) + 1
            key = key * m + codes
            card *= m
        if key is None:
            return [self.n]
        if card <= 8 * self.n + 1_000_000:
            counts = np.bincount(key, minlength=1)
            counts = counts[counts > 0]
        else:
            counts = np.unique(key, return_counts=True)[1]
        return [int(x) for x in counts] if len(counts) < 4096 else counts


def _suppressed(sizes: Any, k: int) -> int:
    if isinstance(sizes, list):
        return sum(s for s in sizes if s < k)
    return int(sizes[sizes < k].sum())


class Suggestion(BaseModel):
    """The least generalization (plus suppression) found to reach k-anonymity, and how to apply it.

    ``levels`` maps each quasi-identifier to its hierarchy level; ``operators`` maps field paths to the
    operators that generalize them; ``deidentifier`` is the ``pg.Deidentifier`` built from them; ``apply``
    generalizes a table *and* removes the records of classes still smaller than k (suppression depends on
    the whole table, so a per-record Deidentifier cannot do it; with ``max_suppression=0`` it has nothing
    to remove and the Deidentifier alone reaches k).
    """

    model_config = ConfigDict(extra="forbid")

    k: int
    max_suppression: float
    reached: bool
    records: int
    quasi_identifiers: list[str]
    kinds: dict[str, str]
    levels: dict[str, int]
    level_names: dict[str, str]
    suppressed: int = 0
    suppressed_share: float = 0.0
    classes: int = 0
    min_class: int = 0
    #: mean generalization height over the quasi-identifiers (0 = untouched, 1 = everything ``*``)
    loss: float = 0.0
    lattice_size: int = 1
    checked: int = 0
    as_of: dt.date

    def _groups(self) -> dict[str, list[tuple[str, str | None]]]:
        groups: dict[str, list[tuple[str, str | None]]] = {}
        for name in self.quasi_identifiers:
            path, comp = _split_component(name)
            groups.setdefault(path, []).append((name, comp))
        return groups

    @property
    def operators(self) -> dict[str, Any]:
        """Field path -> operator (``HierarchyGeneralize`` or, for a resident ID, ``ResidentIdGeneralize``)."""
        ops: dict[str, Any] = {}
        for path, members in self._groups().items():
            if members[0][1] is None:
                name = members[0][0]
                ops[path] = hz.HierarchyGeneralize(kind=self.kinds[name], level=self.levels[name], as_of=self.as_of)
            else:
                # components not among the quasi-identifiers are covered by another field: drop them (*)
                lv = {c: hz.height(c) for c in hz.ID_COMPONENTS}
                lv.update({comp: self.levels[name] for name, comp in members if comp})
                ops[path] = hz.ResidentIdGeneralize(**lv, as_of=self.as_of)
        return ops

    @property
    def deidentifier(self) -> Any:
        """A ``pg.Deidentifier`` applying the generalization (field rules; no suppression)."""
        from pipl_guard.transform.deidentifier import Deidentifier

        return Deidentifier({}, fields=self.operators)

    def apply(self, records: Any) -> list[dict[str, Any]]:
        """Generalize every record and drop those in classes smaller than k (suppression)."""
        import copy

        table = _Table(records)
        ops = self.operators
        groups = self._groups()
        out: list[dict[str, Any]] = []
        keys: list[tuple[str, ...]] = []
        for rec in table.records():
            new = copy.deepcopy(rec) if any("." in p or "[" in p for p in ops) else dict(rec)
            key: list[str] = []
            for path, members in groups.items():
                v = _get(rec, path)
                v = None if v is _ABSENT else v
                for name, comp in members:
                    raw = _component(v, comp) if comp else v
                    key.append(hz.generalize(self.kinds[name], None if raw is None else _key(raw) or None,
                                             self.levels[name], as_of=self.as_of))
                if v is not None or _get(rec, path) is not _ABSENT:
                    _set(new, path, ops[path].apply(v))
            out.append(new)
            keys.append(tuple(key))
        counts = Counter(keys)
        return [r for r, key in zip(out, keys, strict=True) if counts[key] >= self.k]


def suggest(
    records: Any,
    k: int = DEFAULT_THRESHOLD,
    *,
    max_suppression: float = 0.0,
    quasi_identifiers: Iterable[str] | Mapping[str, str] | str | None = None,
    max_levels: Mapping[str, int] | None = None,
    as_of: dt.date | None = None,
) -> Suggestion:
    """The least generalization over the Chinese hierarchies (plus suppression of at most
    ``max_suppression`` of the records) that makes the table k-anonymous.

    The search walks the lattice of level combinations bottom-up by total height. k-anonymity with a
    suppression budget is monotone (generalizing only merges classes), so a node above a k-anonymous node
    is k-anonymous and is not grouped again, and a node whose single-attribute projection already
    suppresses too much is rejected without grouping (the pruning of ARX's Flash, Kohlmayer et al. 2012).
    Among the minimal k-anonymous nodes the one with the lowest mean generalization height wins, then
    the fewest suppressed records. ``max_levels`` caps some quasi-identifiers (``{"hjdz": 3}``: never
    coarser than the province) to keep what analysts need; the result may then not reach k.

    >>> rows = [{"csrq": f"19{80 + i % 10}-0{1 + i % 9}-1{i % 10}", "xb": "男女"[i % 2]} for i in range(40)]
    >>> s = suggest(rows, k=4, quasi_identifiers=["csrq", "xb"])
    >>> s.reached, s.levels
    (True, {'csrq': 1, 'xb': 0})
    >>> risk(s.apply(rows), s.quasi_identifiers).k >= 4
    True
    """
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise InputError("k must be a positive integer")
    if not isinstance(max_suppression, int | float) or not 0.0 <= max_suppression <= 1.0:
        raise InputError("max_suppression must be a share between 0 and 1")
    on = as_of or dt.date.today()
    table = _Table(records)
    qis = resolve_quasi_identifiers(table, quasi_identifiers)
    names = [q.name for q in qis]
    kinds = {q.name: q.kind for q in qis}
    n = table.n
    budget = math.floor(max_suppression * n + 1e-9)
    lattice = _Lattice(table, qis, on)
    heights = lattice.heights
    caps = list(heights)
    unknown = sorted(set(max_levels or {}) - set(names))
    if unknown:
        raise InputError(f"max_levels names fields that are not quasi-identifiers: {', '.join(unknown)}")
    for j, nm in enumerate(names):
        if max_levels and nm in max_levels:
            cap = max_levels[nm]
            if not isinstance(cap, int) or cap < 0:
                raise InputError(f"max_levels[{nm}] must be a non-negative level")
            caps[j] = min(cap, heights[j])
    size = math.prod(h + 1 for h in caps)
    if size > MAX_LATTICE:
        raise InputError(
            f"{len(qis)} quasi-identifiers span {size} level combinations (limit {MAX_LATTICE}); name fewer"
        )
    # single-attribute projections: a level that alone leaves too many records in small classes
    # cannot be part of any k-anonymous node
    too_fine = [[_suppressed(lattice.sizes([lv if i == j else h for i, h in enumerate(heights)]), k) > budget
                 for lv in range(hj + 1)] for j, hj in enumerate(caps)]
    status: dict[tuple[int, ...], bool] = {}
    best: tuple[float, int, tuple[int, ...]] | None = None
    best_sizes: Any = None
    checked = len(qis)
    for node in sorted(itertools.product(*(range(h + 1) for h in caps)), key=lambda t: (sum(t), t)):
        preds = [(*node[:j], node[j] - 1, *node[j + 1:]) for j in range(len(node)) if node[j]]
        if any(status.get(p) for p in preds):
            status[node] = True
            continue
        if any(too_fine[j][lv] for j, lv in enumerate(node)):
            status[node] = False
            continue
        sizes = lattice.sizes(node)
        checked += 1
        supp = _suppressed(sizes, k)
        status[node] = ok = supp <= budget
        if ok:
            loss = sum(lv / h for lv, h in zip(node, heights, strict=True)) / len(node) if node else 0.0
            cand = (round(loss, 12), supp, node)
            if best is None or cand < best:
                best, best_sizes = cand, sizes
    reached = best is not None
    if best is None:
        top = tuple(caps)
        best_sizes = lattice.sizes(top)
        best = (1.0 if top else 0.0, _suppressed(best_sizes, k), top)
    loss, supp, node = best
    kept = [int(s) for s in best_sizes if s >= k]
    log.info("suggest: k=%d reached=%s after grouping %d of %d nodes", k, reached, checked, size)
    return Suggestion(
        k=k,
        max_suppression=float(max_suppression),
        reached=reached,
        records=n,
        quasi_identifiers=names,
        kinds=kinds,
        levels=dict(zip(names, node, strict=True)),
        level_names={nm: hz.levels(kinds[nm])[lv] for nm, lv in zip(names, node, strict=True)},
        suppressed=supp,
        suppressed_share=supp / n if n else 0.0,
        classes=len(kept),
        min_class=min(kept) if kept else 0,
        loss=loss,
        lattice_size=size,
        checked=checked,
        as_of=on,
    )


class RiskFunction(Protocol):
    """The type of ``pg.risk``: a function that also carries ``suggest`` (``pg.risk.suggest(...)``)."""

    suggest: Callable[..., Suggestion]

    def __call__(
        self,
        records: Any,
        quasi_identifiers: Iterable[str] | Mapping[str, str] | str | None = None,
        *,
        threshold: int = DEFAULT_THRESHOLD,
        sensitive: str | None = None,
        population: Any = None,
    ) -> RiskReport: ...


_risk.__name__ = _risk.__qualname__ = "risk"
_risk.suggest = suggest  # type: ignore[attr-defined]
#: ``pg.risk(records, quasi_identifiers)`` and ``pg.risk.suggest(records, k=...)``
risk: RiskFunction = cast(RiskFunction, _risk)
