"""``write``: records to CSV, TSV, JSON (array), JSONL or Parquet, atomically.

A file is written to a temporary file next to the target and renamed into place at the end, so an
interrupted run (Ctrl-C, an exception) never leaves a half-written file under the final name.

>>> import tempfile, os
>>> p = os.path.join(tempfile.mkdtemp(), "out.json")
>>> write(p, iter([{"a": 1}, {"a": 2}]))
2
>>> open(p).read()
'[\\n{"a": 1},\\n{"a": 2}\\n]\\n'
>>> write(p, [])
Traceback (most recent call last):
...
pipl_guard.io.writer.OutputExistsError: ...out.json: output exists; pass force=True (--force) to overwrite
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import decimal
import gzip
import io as _io
import json
import os
import sys
import tempfile
import uuid
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import IO, Any, cast

from pipl_guard.errors import InputError
from pipl_guard.io.formats import detect_format, is_gzip

#: records per Parquet batch (row group slice) written at a time
PARQUET_BATCH = 65_536


class OutputExistsError(InputError, FileExistsError):
    """The output path exists and ``force`` was not given."""


def write(
    path_or_dash: str | os.PathLike[str],
    records: Iterable[Mapping[str, Any]],
    *,
    format: str | None = None,
    force: bool = False,
    encoding: str = "utf-8",
) -> int:
    """Write records; returns how many. ``-`` writes to stdout (JSONL unless ``format`` says otherwise).

    CSV columns come from the first record (later records may leave fields out; a field the header
    lacks is an error); nested values are written as JSON text. ``encoding`` applies to CSV/TSV
    (``utf-8-sig`` or ``gb18030`` for Excel on Chinese Windows). Values JSON cannot hold (dates,
    decimals, bytes) are written as ISO text, decimal text and base64.
    """
    name = os.fspath(path_or_dash)
    if name == "-":
        fmt = detect_format(name, format or "jsonl")
        out = sys.stdout.buffer
        n = _write_to(out, fmt, records, encoding, name="<stdout>")
        out.flush()
        return n
    fmt = detect_format(name, format)
    if os.path.exists(name) and not force:
        raise OutputExistsError(f"{name}: output exists; pass force=True (--force) to overwrite")
    directory = os.path.dirname(os.path.abspath(name))
    if not os.path.isdir(directory):
        raise InputError(f"{name}: output directory does not exist")
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(name)}.", suffix=".part", dir=directory)
        with os.fdopen(fd, "wb") as raw:
            if is_gzip(name):
                with gzip.GzipFile(fileobj=raw, mode="wb") as gz:
                    n = _write_to(cast(IO[bytes], gz), fmt, records, encoding, name=name)
            else:
                n = _write_to(raw, fmt, records, encoding, name=name)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, name)
    except BaseException:  # includes KeyboardInterrupt: never leave the partial file behind
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        raise
    return n


def json_default(value: Any) -> Any:
    """JSON form of values ``json`` cannot write (a ``default=`` hook)."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        return item()
    tolist = getattr(value, "tolist", None)  # numpy arrays
    if callable(tolist):
        return tolist()
    raise InputError(f"cannot write a value of type {type(value).__name__}")


def _dumps(record: Mapping[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, default=json_default)


def _check(record: object, n: int, name: str) -> Mapping[str, Any]:
    if not isinstance(record, Mapping):
        raise InputError(f"{name}: record {n} is a {type(record).__name__}, not a mapping")
    return record


def _write_to(out: IO[bytes], fmt: str, records: Iterable[Mapping[str, Any]], encoding: str, *, name: str) -> int:
    if fmt == "parquet":
        return _write_parquet(out, records, name)
    text = _io.TextIOWrapper(out, encoding=encoding if fmt in ("csv", "tsv") else "utf-8", newline="",
                             write_through=False)
    try:
        if fmt == "jsonl":
            n = 0
            for n, rec in enumerate(records, 1):
                text.write(_dumps(_check(rec, n, name)))
                text.write("\n")
        elif fmt == "json":
            text.write("[")
            n = 0
            for n, rec in enumerate(records, 1):
                text.write(",\n" if n > 1 else "\n")
                text.write(_dumps(_check(rec, n, name)))
            text.write("\n]\n")
        else:
            n = _write_csv(text, records, "\t" if fmt == "tsv" else ",", name)
        text.flush()
    except UnicodeEncodeError as exc:
        raise InputError(f"{name}: a value cannot be written in {encoding} ({exc.reason})") from None
    finally:
        text.detach()
    return n


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=json_default)
    return value


def _write_csv(text: IO[str], records: Iterable[Mapping[str, Any]], delimiter: str, name: str) -> int:
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\n")
    header: list[str] | None = None
    columns: set[str] = set()
    n = 0
    for n, rec in enumerate(records, 1):
        _check(rec, n, name)
        if header is None:
            header = [str(k) for k in rec]
            columns = set(header)
            writer.writerow(header)
        extra = [k for k in rec if k not in columns]
        if extra:
            raise InputError(f"{name}: record {n} has field {extra[0]!r} that the CSV header (record 1) lacks")
        writer.writerow([_cell(rec.get(k)) for k in header])
    return n


def _batches(records: Iterable[Mapping[str, Any]], size: int) -> Iterator[list[Mapping[str, Any]]]:
    it = iter(records)
    while batch := list(islice(it, size)):
        yield batch


def _write_parquet(out: IO[bytes], records: Iterable[Mapping[str, Any]], name: str) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer: pq.ParquetWriter | None = None
    schema: pa.Schema | None = None
    n = 0
    try:
        for batch in _batches(records, PARQUET_BATCH):
            for i, rec in enumerate(batch, n + 1):
                _check(rec, i, name)
            try:
                if schema is None:
                    table = pa.Table.from_pylist(batch)
                    # a column that is all null in the first batch would fix the type to null
                    fields = [f.with_type(pa.string()) if pa.types.is_null(f.type) else f for f in table.schema]
                    schema = pa.schema(fields)
                    table = table.cast(schema)
                    writer = pq.ParquetWriter(out, schema)
                else:
                    known = set(schema.names)
                    extra = next((k for rec in batch for k in rec if k not in known), None)
                    if extra is not None:
                        raise InputError(f"{name}: a record after row {n} has field {extra!r} the Parquet schema lacks")
                    table = pa.Table.from_pylist(batch, schema=schema)
            except (pa.ArrowException, TypeError, ValueError) as exc:
                raise InputError(
                    f"{name}: records {n + 1}-{n + len(batch)} do not fit one Parquet schema ({type(exc).__name__})"
                ) from None
            assert writer is not None
            writer.write_table(table)
            n += len(batch)
        if writer is None:  # no records: an empty file with an empty schema
            writer = pq.ParquetWriter(out, pa.schema([]))
    finally:
        if writer is not None:
            writer.close()
    return n
