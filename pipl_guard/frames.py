"""DataFrames: ``profile`` and ``deidentify`` for pandas, polars and pyarrow tables.

One code path for the three libraries: a frame is viewed as an Arrow table (zero-copy for polars and
Arrow, Arrow-backed strings for pandas), each column is handled column-wise, and the result comes back
as the type given. The contract is exactness: ``deidentify(df, deid)`` holds, row for row and column for
column, what ``deid.record(row)`` gives. Speed comes from doing per *column* what can be done per column:

* a column with a whole-field operator (``Deidentifier(fields={...})``) of a kind Arrow can run
  (``Mask``, ``Redact``, ``Replace``) is transformed by Arrow compute kernels; keyed operators (``Hash``
  ...) run once per *distinct* value and are gathered back with ``take``;
* a free-text column is screened with an Arrow regex prefilter (only when every entity the
  ``Deidentifier`` acts on is anchored on a digit or ``@``); only rows that can hold PI go to Python;
* everything else runs once per distinct value through ``deid.record({column: value})``.

Columns of other types (numbers, dates, booleans) pass through unchanged unless ``fields`` lists them
or their name says they hold an entity the Deidentifier has an operator for; then they come back as
strings. Cast an opaque numeric column to
string first if it may carry identifiers.

>>> import pyarrow as pa
>>> import pipl_guard as pg
>>> t = pa.table({"手机": ["13812345678", None], "备注": ["无", "电话13812345678"]})
>>> deidentify(t, pg.Deidentifier({"CN_MOBILE": pg.ops.Mask(keep_first=3, keep_last=4)})).to_pylist()
[{'手机': '138****5678', '备注': '无'}, {'手机': None, '备注': '电话138****5678'}]
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from pipl_guard.errors import InputError, type_name

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

    from pipl_guard.record import Profile
    from pipl_guard.transform.deidentifier import Deidentifier

log = logging.getLogger("pipl_guard.frames")

F = TypeVar("F")

#: entities that cannot occur in text without an ASCII or full-width digit (or, for EMAIL, an @):
#: for these a regex prefilter safely skips rows that cannot hold them
ANCHORED_ENTITIES = frozenset(
    {
        "CN_RESIDENT_ID", "CN_MOBILE", "CN_LANDLINE", "BANK_CARD", "CN_USCC", "CN_PASSPORT", "CN_HMT_PERMIT",
        "FOREIGNER_PR_ID", "HK_ID", "MO_ID", "TW_ID", "VIN", "IP_ADDRESS", "IMEI", "GEO_COORDINATE",
        "QQ_NUMBER", "EMAIL",
    }
)
#: prefilter for ANCHORED_ENTITIES (RE2 syntax, run by Arrow)
PREFILTER = "[0-9０-９@＠]"
#: how many distinct values of a vectorised column are re-checked against the row path
SELF_CHECK = 16
#: operators whose output depends on other fields of the record: such a Deidentifier runs row by row
RECORD_LEVEL_OPERATORS = frozenset({"DateShift"})


# ----------------------------------------------------------------------------------- frame <-> Arrow


def _kind(df: object) -> str:
    mod = type(df).__module__.split(".", 1)[0]
    name = type(df).__name__
    if mod == "pyarrow" and name in ("Table", "RecordBatch"):
        return "arrow" if name == "Table" else "batch"
    if mod == "pandas" and name == "DataFrame":
        return "pandas"
    if mod == "polars" and name == "DataFrame":
        return "polars"
    raise InputError(f"expected a pandas.DataFrame, polars.DataFrame or pyarrow.Table, got {type_name(df)}")


def to_arrow(df: Any) -> pa.Table:
    """The frame as an Arrow table (zero-copy where the library allows)."""
    import pyarrow as pa

    kind = _kind(df)
    if kind == "arrow":
        return df
    if kind == "batch":
        return pa.Table.from_batches([df])
    if kind == "polars":
        return df.to_arrow()
    return pa.Table.from_pandas(df, preserve_index=not _plain_index(df))


def _plain_index(df: Any) -> bool:
    import pandas as pd

    idx = df.index
    return isinstance(idx, pd.RangeIndex) and idx.start == 0 and idx.step == 1 and idx.name is None


def from_arrow(table: pa.Table, like: F) -> F:
    """``table`` as the same kind of frame as ``like``."""
    kind = _kind(like)
    frame: Any = like
    out: Any
    if kind == "arrow":
        out = table
    elif kind == "batch":
        out = table.combine_chunks().to_batches()[0] if table.num_rows else frame
    elif kind == "polars":
        import polars as pl

        out = pl.from_arrow(table)
    else:
        out = table.to_pandas()
        if _plain_index(frame):
            out.index = frame.index
    return cast(F, out)


def to_records(df: Any) -> list[dict[str, Any]]:
    """The rows of a frame as dicts (what ``pg.guarded`` hands to ``Guard.enforce`` for a DataFrame)."""
    return list(to_arrow(df).to_pylist())


def from_records(records: list[dict[str, Any]], like: F) -> F:
    """Records back as the same kind of frame as ``like`` (its column order and types where they fit)."""
    import pyarrow as pa

    schema = to_arrow(like).schema
    try:
        table = pa.Table.from_pylist(records, schema=schema)
    except (pa.ArrowException, TypeError, ValueError):
        table = pa.Table.from_pylist(records)  # transformed values changed a column's type
    return from_arrow(table, like)


# ----------------------------------------------------------------------------------- plans


def _operators(deid: Deidentifier) -> list[Any]:
    ops = list(getattr(deid, "rules", {}).values()) + list((getattr(deid, "fields", None) or {}).values())
    if getattr(deid, "default", None) is not None:
        ops.append(deid.default)
    return ops


def _record_level(deid: Deidentifier) -> bool:
    """True when an operator reads other fields of the record (a date shift keyed on the person)."""
    subjects = getattr(deid, "_subjects", None)
    if subjects is not None:
        return bool(subjects)
    return any(type(op).__name__ in RECORD_LEVEL_OPERATORS for op in _operators(deid))


def _active_entities(deid: Deidentifier) -> frozenset[str] | None:
    """Entities the Deidentifier transforms in free text; None means all of them."""
    if getattr(deid, "default", None) is not None:
        return None
    return frozenset(getattr(deid, "rules", {}))


def _field_operator(deid: Deidentifier, name: str) -> Any | None:
    lookup = getattr(deid, "field_operator", None)
    if lookup is not None:
        return lookup(name)
    return (getattr(deid, "fields", None) or {}).get(name)


def _name_entity(deid: Deidentifier, name: str) -> str | None:
    from pipl_guard.detect.fields import classify_field

    return classify_field(name)


def _cell(deid: Deidentifier) -> Callable[[Any, str], Any]:
    """The per-cell function of the row path: ``deid.value(v, path)`` is what ``record`` runs per leaf."""
    value = getattr(deid, "value", None)
    if value is not None:
        return cast(Callable[[Any, str], Any], value)
    return lambda v, name: deid.record({name: v}).get(name)


def _is_string(t: pa.DataType) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t))


# ----------------------------------------------------------------------------------- deidentify


def deidentify(df: F, deid: Deidentifier) -> F:
    """Apply ``deid`` to every row of a pandas/polars DataFrame or Arrow table; returns the same type.

    The values equal ``deid.record(row)`` for each row (string columns; see the module notes for
    other types).

    >>> import pandas as pd, pipl_guard as pg
    >>> df = pd.DataFrame({"sfzh": ["11010519491231002X"]})
    >>> deidentify(df, pg.Deidentifier({"CN_RESIDENT_ID": pg.ops.Mask(keep_first=6, keep_last=4)}))["sfzh"][0]
    '110105********002X'
    """
    table = to_arrow(df)
    return from_arrow(deidentify_table(table, deid), df)


def deidentify_table(table: pa.Table, deid: Deidentifier) -> pa.Table:
    """The Arrow core of ``deidentify`` (also what the Spark executors run on each batch)."""
    import pyarrow as pa

    if not hasattr(deid, "record"):
        raise InputError(f"deid must be a Deidentifier, got {type_name(deid)}")
    if _record_level(deid):
        # an operator reads other fields (e.g. a per-person date shift): only the row path is exact
        rows = [deid.record(r) for r in table.to_pylist()]
        return pa.Table.from_pylist(rows, schema=output_schema(table.schema, deid)) if rows else _empty(table, deid)
    arrays = []
    for name, col in zip(table.column_names, table.columns, strict=True):
        # a pandas index stored as a column is not data: it comes back as the index
        arrays.append(col if name.startswith("__index_level_") else transform_column(name, col, deid))
    return pa.Table.from_arrays(arrays, schema=output_schema(table.schema, deid))


def _empty(table: pa.Table, deid: Deidentifier) -> pa.Table:
    return output_schema(table.schema, deid).empty_table()


def output_schema(schema: pa.Schema, deid: Deidentifier) -> pa.Schema:
    """The schema ``deidentify`` produces: a column may only change type from non-string to string.

    Decided from names and types alone (no data), so Spark can declare it before running.
    """
    import pyarrow as pa

    fields = []
    for f in schema:
        if _touches_non_string(f, deid):
            fields.append(pa.field(f.name, pa.large_string() if pa.types.is_large_string(f.type) else pa.string(),
                                   nullable=True))
        elif pa.types.is_string_view(f.type):
            fields.append(f.with_type(pa.large_string()))
        else:
            fields.append(f)
    return pa.schema(fields, metadata=schema.metadata)


def _touches_non_string(f: pa.Field, deid: Deidentifier) -> bool:
    import pyarrow as pa

    t = f.type
    if _is_string(t) or pa.types.is_nested(t) or pa.types.is_null(t) or pa.types.is_boolean(t):
        return False
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_dictionary(t):
        return False
    if _field_operator(deid, f.name) is not None:
        return True
    entity = _name_entity(deid, f.name)
    if entity is None:
        return False
    operator_for = getattr(deid, "operator_for", None)
    return operator_for is None or operator_for(entity) is not None


def transform_column(name: str, col: Any, deid: Deidentifier) -> pa.Array:
    """One column transformed exactly as ``deid.record`` transforms that field."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    t = arr.type
    if pa.types.is_dictionary(t):
        arr = arr.cast(t.value_type)
        t = arr.type
    if pa.types.is_string_view(t):
        arr = arr.cast(pa.large_string())
        t = arr.type
    if len(arr) == 0 or arr.null_count == len(arr):
        return arr
    if pa.types.is_nested(t):
        return _rows(name, arr, deid)
    if not _is_string(t):
        field = pa.field(name, t)
        if not _touches_non_string(field, deid):
            return arr
        # numbers or dates under a PI name: as the row path sees them (str()/ISO), one call per value
        out = _by_unique(name, arr, deid, None)
        return out.cast(pa.string()) if not _is_string(out.type) else out
    op = _field_operator(deid, name)
    if op is not None:
        fast = _field_kernel(name, arr, op, deid)
        if fast is not None:
            return fast
        return _by_unique(name, arr, deid, None)
    if _name_entity(deid, name) is None:
        active = _active_entities(deid)
        if active is not None and not active:
            return arr  # nothing to transform in free text
        candidates = None
        if active is not None and active <= ANCHORED_ENTITIES:
            candidates = pc.match_substring_regex(arr, PREFILTER)
        return _by_unique(name, arr, deid, candidates, free_text=True)
    return _by_unique(name, arr, deid, None)


def _rows(name: str, arr: pa.Array, deid: Deidentifier) -> pa.Array:
    import pyarrow as pa

    values = [None if v is None else deid.record({name: v}).get(name) for v in arr.to_pylist()]
    try:
        return pa.array(values, type=arr.type)
    except (pa.ArrowException, TypeError, ValueError):
        raise InputError(f"column {name!r}: transformed values no longer fit the column type {arr.type}") from None


def _apply_unique(name: str, values: list[Any], deid: Deidentifier) -> list[Any]:
    cell = _cell(deid)
    return [None if v is None else cell(v, name) for v in values]


def _by_unique(
    name: str, arr: pa.Array, deid: Deidentifier, candidates: pa.Array | None, *, free_text: bool = False
) -> pa.Array:
    """Run the row path once per distinct value (of candidate rows only, when a prefilter is given)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if candidates is not None:
        candidates = pc.fill_null(candidates, False)
        if not pc.any(candidates).as_py():
            return arr
        subset = arr.filter(candidates)
        done = _by_unique(name, subset, deid, None, free_text=free_text)
        if not _is_string(done.type):
            done = done.cast(arr.type)
        # scatter back: positions of candidates, in order
        return pc.replace_with_mask(arr, candidates, done.cast(arr.type))
    encoded = pc.dictionary_encode(arr)
    uniques = encoded.dictionary.to_pylist()
    results = _scan_joined(name, uniques, deid) if free_text else None
    if results is None:
        results = _apply_unique(name, uniques, deid)
    out_type = arr.type if _is_string(arr.type) else pa.string()
    try:
        dictionary = pa.array(results, type=out_type)
    except (pa.ArrowException, TypeError, ValueError):
        dictionary = pa.array([None if r is None else str(r) for r in results], type=out_type)
    return dictionary.take(encoded.indices)


#: between values scanned as one text: longer than any context window, and no detector reads across it
_GAP = "\n" * 64
#: values per joined scan (bounds memory)
_JOIN_BATCH = 20_000


def _scan_joined(name: str, values: list[Any], deid: Deidentifier) -> list[Any] | None:
    """Free-text values scanned as one text (separated by a neutral gap) instead of one call each.

    The per-call overhead of the scanner dominates on short cells; joined, the regex passes run once over
    many cells. Findings map back to their cell by offset; the cell is then transformed exactly as
    ``Deidentifier.value`` does (same findings, same ``_apply_findings``). Returns None when the
    Deidentifier lacks the pieces this needs (the caller then uses the cell path).
    """
    import bisect

    from pipl_guard.detect.scanner import DEFAULT_MIN_SCORE, scan_spans
    from pipl_guard.finding import Finding, make_finding

    apply_findings = getattr(deid, "_apply_findings", None)
    if apply_findings is None or not all(v is None or isinstance(v, str) for v in values):
        return None
    min_score = getattr(deid, "min_score", None)
    threshold = DEFAULT_MIN_SCORE if min_score is None else min_score
    entities = _active_entities(deid)
    out: list[Any] = list(values)
    texts = [(i, v) for i, v in enumerate(values) if v]
    for lo in range(0, len(texts), _JOIN_BATCH):
        chunk = texts[lo : lo + _JOIN_BATCH]
        starts: list[int] = []
        pos = 0
        for _i, v in chunk:
            starts.append(pos)
            pos += len(v) + len(_GAP)
        joined = _GAP.join(v for _i, v in chunk)
        found: dict[int, list[Finding]] = {}
        for score, span, det in scan_spans(joined, entities=entities, min_score=threshold):
            if score < threshold:
                continue
            k = bisect.bisect_right(starts, span.start) - 1
            base = starts[k]
            text = chunk[k][1]
            s, e = span.start - base, span.end - base
            if e > len(text):  # cannot happen across the gap; be exact anyway
                found.setdefault(k, []).append(None)  # type: ignore[arg-type]
                continue
            found.setdefault(k, []).append(
                make_finding(span.entity, s, e, text[s:e], round(score, 4), det, name, span.attributes)
            )
        cell = _cell(deid)
        for k, findings in found.items():
            i, text = chunk[k]
            if any(f is None for f in findings):
                out[i] = cell(text, name)
            else:
                findings.sort(key=lambda f: f.start)
                out[i] = apply_findings(text, findings)
    return out


# ----------------------------------------------------------------------------------- vectorised kernels


_SEPARATOR_CLASS = "[ \\-\u3000\u00a0./:]"


def _field_kernel(name: str, arr: pa.Array, op: Any, deid: Deidentifier) -> pa.Array | None:
    """Column form of a whole-field operator (``fields={name: op}``), or None to use the cell path.

    ``Mask(keep_first, keep_last)`` runs as Arrow slices; any other operator runs once per distinct
    non-empty value through its ``apply_many`` (what ``Deidentifier.column`` does), gathered with ``take``.
    A kernel result is re-checked on a few values against the cell path, so a change in an operator's
    semantics falls back to the exact path instead of diverging silently.
    """
    kernel = _mask_kernel if type(op).__name__ == "Mask" else None
    out: pa.Array | None = None
    try:
        if kernel is not None:
            out = kernel(name, arr, op, deid)
        if out is None and hasattr(op, "apply_many"):
            out = _many_kernel(name, arr, op, deid)
    except Exception as exc:  # a kernel must never make the result wrong: use the exact path
        log.debug("column %s: %s kernel failed (%s); using the cell path", name, type(op).__name__, type(exc).__name__)
        return None
    if out is None or not _self_check(name, arr, out, deid):
        return None
    return out


def _self_check(name: str, arr: pa.Array, out: pa.Array, deid: Deidentifier) -> bool:
    cell = _cell(deid)
    for i in _sample_positions(arr):
        v = arr[i].as_py()
        expected = None if v is None else cell(v, name)
        if out[i].as_py() != expected:
            log.debug("column %s: vectorised result differs from the cell path; using the cell path", name)
            return False
    return True


def _sample_positions(arr: pa.Array) -> list[int]:
    """Positions of up to SELF_CHECK distinct values spread over the column, plus the shortest and longest."""
    import pyarrow.compute as pc

    n = len(arr)
    picks: list[int] = []
    seen: set[Any] = set()
    step = max(1, n // (SELF_CHECK * 4))
    for i in range(0, n, step):
        v = arr[i].as_py()
        if v is None or v in seen:
            continue
        seen.add(v)
        picks.append(i)
        if len(picks) >= SELF_CHECK:
            break
    lengths = pc.utf8_length(arr)
    extremes = pc.min_max(lengths)
    for target in (extremes["min"].as_py(), extremes["max"].as_py()):
        if target is not None:
            idx = pc.index(lengths, target).as_py()
            if idx is not None and idx >= 0 and idx not in picks:
                picks.append(idx)
    return picks


def _mask_kernel(name: str, arr: pa.Array, op: Any, deid: Deidentifier) -> pa.Array | None:
    """``Mask(keep_first, keep_last, char)`` as slices and a repeated mask character.

    Values with grouping separators, values too short for the kept counts and values that already hold
    the mask character follow ``keep_mask``'s special rules: they go through the cell path, once per
    distinct value.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    kf, kl, char = getattr(op, "keep_first", None), getattr(op, "keep_last", None), getattr(op, "char", "*")
    if (kf is None and kl is None) or not isinstance(char, str) or len(char) != 1:
        return None  # an entity-aware mask (names, addresses) has no column form
    kf, kl = max(0, int(kf or 0)), max(0, int(kl or 0))
    lengths = pc.utf8_length(arr)
    hidden = pc.subtract(lengths, kf + kl)
    plain = pc.invert(pc.or_(pc.match_substring_regex(arr, _SEPARATOR_CLASS), pc.match_substring(arr, char)))
    simple = pc.fill_null(pc.and_(pc.greater(hidden, 0), plain), False)
    stars = pc.binary_repeat(pa.scalar(char, arr.type), pc.max_element_wise(hidden, 0))
    parts = [pc.utf8_slice_codeunits(arr, 0, kf), stars]
    if kl:
        parts.append(pc.utf8_slice_codeunits(arr, -kl, 2**31 - 1))
    masked = pc.binary_join_element_wise(*parts, pa.scalar("", arr.type))
    rest = pc.and_(pc.invert(simple), pc.is_valid(arr))
    if pc.any(rest).as_py():
        done = _by_unique(name, arr.filter(rest), deid, None)
        masked = pc.replace_with_mask(masked, rest, done.cast(arr.type))
    return pc.if_else(pc.is_valid(arr), masked, pa.nulls(len(arr), arr.type))


def _many_kernel(name: str, arr: pa.Array, op: Any, deid: Deidentifier) -> pa.Array:
    """Any whole-field operator, once per distinct non-empty value (keyed hashes, encryption, pseudonyms)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from pipl_guard.detect.fields import classify_field

    encoded = pc.dictionary_encode(arr)
    uniques = encoded.dictionary.to_pylist()
    todo = [v for v in uniques if v]
    done = iter(op.apply_many(todo, classify_field(name)) if todo else [])
    results = [next(done) if v else v for v in uniques]
    return pa.array(results, type=arr.type).take(encoded.indices)


# ----------------------------------------------------------------------------------- profile


def profile(df: Any, *, sample: int | None = None) -> Profile:
    """Profile a pandas/polars DataFrame or Arrow table like ``pg.profile`` profiles its rows.

    ``sample`` profiles the first ``sample`` rows. Rows are read batch by batch from Arrow.

    >>> import pyarrow as pa
    >>> profile(pa.table({"sjhm": ["13812345678", "13912345678"]})).fields["sjhm"].entity
    'CN_MOBILE'
    """
    from pipl_guard.record import Profiler

    if sample is not None and (not isinstance(sample, int) or isinstance(sample, bool) or sample < 1):
        raise InputError("sample must be a positive integer")
    table = to_arrow(df)
    prof = profile_batches(table.to_batches(max_chunksize=65_536), sample=sample)
    assert isinstance(prof, Profiler)
    return prof.result()


def profile_batches(batches: Any, *, sample: int | None = None, profiler: Any = None) -> Any:
    """Feed Arrow record batches to a ``Profiler`` (row order kept); returns the Profiler."""
    from pipl_guard.record import Profiler

    prof = profiler if profiler is not None else Profiler()
    left = sample
    for batch in batches:
        if left is not None and left <= 0:
            prof.sampled = True
            break
        rows = batch.to_pylist() if left is None or len(batch) <= left else batch.slice(0, left).to_pylist()
        if left is not None:
            if len(batch) > left:
                prof.sampled = True
            left -= len(rows)
        for row in rows:
            prof.add(row)
    return prof


__all__ = [
    "deidentify", "deidentify_table", "from_arrow", "from_records", "output_schema", "profile", "to_arrow", "to_records",
]
