"""``read``: records from a file or stdin, streamed in constant memory.

>>> import tempfile, os
>>> p = os.path.join(tempfile.mkdtemp(), "a.csv")
>>> _ = open(p, "wb").write("姓名,手机\\n张三,13812345678\\n".encode("gbk"))
>>> list(read(p))
[{'姓名': '张三', '手机': '13812345678'}]
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io as _io
import json
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from typing import IO, Any, Literal, cast

from pipl_guard.errors import InputError
from pipl_guard.io.formats import detect_encoding, detect_format, is_gzip, normalize_encoding, sniff_format

log = logging.getLogger("pipl_guard.io")

OnError = Literal["raise", "skip"]

#: bytes read up front to detect the encoding (and, on stdin, the format)
SAMPLE_BYTES = 1 << 18
#: bytes read per step when streaming a JSON array
JSON_CHUNK = 1 << 18
#: Parquet rows per batch
PARQUET_BATCH = 65_536
#: how many skipped line/row numbers a reader keeps for its report
KEEP_SKIPPED = 1000


class RecordReader:
    """An iterator of records that also reports what it skipped.

    ``skipped`` counts bad rows dropped under ``on_error="skip"``; ``skipped_at`` holds the first
    line (or row) numbers of them. A warning is logged when the stream ends with skipped rows.

    >>> r = RecordReader("x.jsonl", "jsonl", iter([{"a": 1}]))
    >>> list(r), r.records, r.skipped
    ([{'a': 1}], 1, 0)
    """

    def __init__(self, name: str, format: str, records: Iterator[dict[str, Any]]) -> None:
        self.name = name
        self.format = format
        self.records = 0
        self.skipped = 0
        self.skipped_at: list[int] = []
        self._it = records
        self._done = False

    def skip(self, where: int, reason: str) -> None:
        self.skipped += 1
        if len(self.skipped_at) < KEEP_SKIPPED:
            self.skipped_at.append(where)
        log.debug("%s: skipped line/row %d: %s", self.name, where, reason)

    def __iter__(self) -> RecordReader:
        return self

    def __next__(self) -> dict[str, Any]:
        error: InputError | None = None
        try:
            rec = next(self._it)
        except InputError as exc:
            error = exc
        except StopIteration:
            if not self._done:
                self._done = True
                if self.skipped:
                    log.warning("%s: skipped %d malformed rows (first at %s)", self.name, self.skipped,
                                ", ".join(map(str, self.skipped_at[:10])))
            raise
        if error is not None:
            # the decoder/parser error it replaced holds the raw line: drop it from the chain, and raise
            # outside the handler so it is not chained again
            error.__context__ = None
            error.__cause__ = None
            raise error
        self.records += 1
        return rec

    def close(self) -> None:
        close = getattr(self._it, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> RecordReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read(
    path_or_dash: str | os.PathLike[str],
    *,
    format: str | None = None,
    encoding: str | None = None,
    on_error: OnError = "raise",
) -> RecordReader:
    """Stream the records of a CSV, TSV, JSON-array, JSONL or Parquet file (``-`` reads stdin).

    The format comes from ``format`` or the extension (``.gz`` is decompressed on the fly); on stdin it
    is sniffed when not given. CSV encoding is UTF-8, UTF-8 with BOM or GB18030/GBK, detected unless
    ``encoding`` is given. CSV values are strings, as written. Bad input raises ``InputError`` with the
    file and line (row for Parquet), never the content; ``on_error="skip"`` skips and counts instead
    (a JSON array that is not well-formed cannot be resynchronised and always raises).

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "a.jsonl")
    >>> _ = open(p, "w").write('{"a": 1}\\nnot json\\n{"a": 2}\\n')
    >>> r = read(p, on_error="skip")
    >>> [x["a"] for x in r], r.skipped, r.skipped_at
    ([1, 2], 1, [2])
    """
    if on_error not in ("raise", "skip"):
        raise InputError(f"on_error must be 'raise' or 'skip', not {on_error!r}")
    name = os.fspath(path_or_dash)
    if name == "-":
        stream: IO[bytes] = sys.stdin.buffer
        display = "<stdin>"
        head = stream.read(SAMPLE_BYTES)
        fmt = detect_format(name, format) if format else sniff_format(head)
    else:
        display = name
        fmt = detect_format(name, format)
        stream = _open(name)
        head = b""
    reader = RecordReader(display, fmt, iter(()))
    if fmt == "parquet":
        reader._it = _parquet_records(stream, head, reader, on_error)
    else:
        reader._it = _text_records(stream, head, fmt, encoding, reader, on_error)
    return reader


def _open(name: str) -> IO[bytes]:
    try:
        if os.path.isdir(name):
            raise IsADirectoryError(21, "is a directory")
        if is_gzip(name):
            return cast(IO[bytes], gzip.open(name, "rb"))
        return open(name, "rb")
    except OSError as exc:
        raise InputError(f"{name}: cannot open ({exc.strerror or type(exc).__name__})") from None


def _lines(head: bytes, stream: IO[bytes]) -> Iterator[bytes]:
    """Byte lines of ``head`` followed by the rest of ``stream`` (a line may straddle the two)."""
    if head:
        for line in _io.BytesIO(head):  # shares head's buffer: no copy, no list of lines
            if line.endswith(b"\n"):
                yield line
            else:
                yield line + stream.readline()
    yield from stream


def _text_records(
    stream: IO[bytes], head: bytes, fmt: str, encoding: str | None, reader: RecordReader, on_error: OnError
) -> Iterator[dict[str, Any]]:
    try:
        if len(head) < 4:
            head += stream.read(4 - len(head))  # replayed below, like a stdin head
        if head.startswith(b"PAR1"):
            raise InputError(
                f"{reader.name}: this is a Parquet file, not {fmt.upper()}; name it .parquet or pass format='parquet'"
            )
        if fmt in ("csv", "tsv"):
            if encoding:
                enc = normalize_encoding(encoding)
            else:
                head, enc = _sniff_encoding(stream, head)
            yield from _csv_records(_lines(head, stream), enc, "\t" if fmt == "tsv" else ",", reader, on_error)
        elif fmt == "jsonl":
            enc = normalize_encoding(encoding or "utf-8")
            yield from _jsonl_records(_lines(head, stream), enc, reader, on_error)
        else:
            enc = normalize_encoding(encoding or "utf-8")
            yield from _json_array_records(head, stream, enc, reader, on_error)
    except (EOFError, gzip.BadGzipFile) as exc:
        raise InputError(f"{reader.name}: compressed stream is corrupt or truncated ({type(exc).__name__})") from None
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _sniff_encoding(stream: IO[bytes], head: bytes) -> tuple[bytes, str]:
    """Detect the encoding; returns the bytes consumed so far (to replay) and the codec name."""
    sample = head + stream.read(max(0, SAMPLE_BYTES - len(head)))
    eof = len(sample) < SAMPLE_BYTES
    if not sample.isascii() or eof:
        return sample, normalize_encoding(detect_encoding(sample, complete=eof))
    # An ASCII start says nothing (a GBK export may have an English header and ASCII first rows):
    # look ahead for the first non-ASCII chunk when the stream can seek back; constant memory.
    if stream.seekable():
        start = stream.tell()
        enc = "utf-8"
        while chunk := stream.read(SAMPLE_BYTES):
            if not chunk.isascii():
                at = next(i for i, b in enumerate(chunk) if b >= 0x80)
                enc = detect_encoding(chunk[at:], complete=len(chunk) < SAMPLE_BYTES)
                break
        stream.seek(start)
        return sample, normalize_encoding(enc)
    return sample, "utf-8"


def _decoder(encoding: str) -> Callable[[bytes, int], str]:
    """Per-line decoding; a BOM is only stripped on the first line."""
    rest = "utf-8" if encoding == "utf-8-sig" else encoding

    def decode(line: bytes, lineno: int) -> str:
        return line.decode(encoding if lineno == 1 else rest)

    return decode


def _bad_bytes(name: str, lineno: int, exc: UnicodeDecodeError, encoding: str) -> InputError:
    return InputError(
        f"{name}: line {lineno}: invalid {encoding} byte at column {exc.start + 1}; "
        f"pass encoding= if the file uses another encoding"
    )


def _csv_records(
    lines: Iterator[bytes], encoding: str, delimiter: str, reader: RecordReader, on_error: OnError
) -> Iterator[dict[str, Any]]:
    decode = _decoder(encoding)
    lineno = 0
    bad_lines: set[int] = set()

    def text_lines() -> Iterator[str]:
        nonlocal lineno
        for raw in lines:
            lineno += 1
            try:
                yield decode(raw, lineno)
            except UnicodeDecodeError as exc:
                if on_error == "raise":
                    raise _bad_bytes(reader.name, lineno, exc, encoding) from None
                bad_lines.add(lineno)
                yield raw.decode(encoding, errors="replace")

    rows = csv.reader(text_lines(), delimiter=delimiter)
    header: list[str] | None = None
    last_line = 0
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            # the message of csv.Error describes the problem (NUL, field limit, quoting), not the data
            if on_error == "raise":
                raise InputError(f"{reader.name}: line {lineno}: malformed CSV ({exc})") from None
            reader.skip(lineno, "malformed CSV")
            last_line = lineno
            continue
        first, last_line = last_line + 1, rows.line_num
        if not row:
            continue
        spans_bad = bool(bad_lines) and any(n in bad_lines for n in range(first, last_line + 1))
        if header is None:
            if spans_bad:
                raise InputError(f"{reader.name}: line {first}: header is not valid {encoding}")
            header = _header(row, reader.name)
            continue
        if spans_bad:
            reader.skip(first, "invalid bytes")
            continue
        if len(row) != len(header):
            if on_error == "raise":
                raise InputError(
                    f"{reader.name}: line {first}: row has {len(row)} fields, header has {len(header)}"
                )
            reader.skip(first, "ragged row")
            continue
        yield dict(zip(header, row, strict=True))


def _header(row: list[str], name: str) -> list[str]:
    header = [h.strip() or f"column_{i + 1}" for i, h in enumerate(row)]
    seen: set[str] = set()
    for i, h in enumerate(header):
        if h in seen:
            raise InputError(f"{name}: line 1: duplicate column name in header (column {i + 1})")
        seen.add(h)
    return header


def _jsonl_records(
    lines: Iterator[bytes], encoding: str, reader: RecordReader, on_error: OnError
) -> Iterator[dict[str, Any]]:
    decode = _decoder("utf-8-sig" if encoding == "utf-8" else encoding)
    loads = json.loads
    for lineno, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        problem: str
        try:
            value = loads(decode(raw, lineno))
        except UnicodeDecodeError as exc:
            if on_error == "raise":
                raise _bad_bytes(reader.name, lineno, exc, encoding) from None
            problem = "invalid bytes"
        except json.JSONDecodeError as exc:
            if on_error == "raise":
                raise InputError(f"{reader.name}: line {lineno}: not valid JSON ({exc.msg} at column {exc.pos + 1})") from None
            problem = "not JSON"
        except RecursionError:
            if on_error == "raise":
                raise InputError(f"{reader.name}: line {lineno}: JSON nested too deeply") from None
            problem = "too deep"
        else:
            if isinstance(value, dict):
                yield value
                continue
            if on_error == "raise":
                raise InputError(f"{reader.name}: line {lineno}: expected a JSON object, got {_json_kind(value)}")
            problem = "not an object"
        reader.skip(lineno, problem)


def _json_kind(value: object) -> str:
    return {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(type(value), "a number")


_WS = " \t\r\n"


def _json_array_records(
    head: bytes, stream: IO[bytes], encoding: str, reader: RecordReader, on_error: OnError
) -> Iterator[dict[str, Any]]:
    """Elements of a top-level JSON array, one at a time (``raw_decode`` over a sliding buffer)."""
    dec = codecs.getincrementaldecoder("utf-8-sig" if encoding == "utf-8" else encoding)()
    decoder = json.JSONDecoder()
    buf = ""
    pos = 0
    lines_before = 0  # newlines in text already dropped from ``buf``
    eof = False
    want = JSON_CHUNK

    def line_at(i: int) -> int:
        return lines_before + buf.count("\n", 0, i) + 1

    def more() -> bool:
        """Append the next chunk to the buffer (dropping consumed text); False at end of input."""
        nonlocal buf, pos, lines_before, eof, head
        if eof:
            return False
        if head:
            data, head = head, b""
        else:
            data = stream.read(want)
        try:
            text = dec.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            line = line_at(len(buf)) + data.count(b"\n", 0, max(0, exc.start))
            raise InputError(f"{reader.name}: line {line}: invalid {encoding} byte") from None
        lines_before += buf.count("\n", 0, pos)
        buf = buf[pos:] + text
        pos = 0
        if not data:
            eof = True
        return True

    def skip_ws() -> str:
        """The next non-blank character (reading on as needed); '' at end of input."""
        nonlocal pos
        while True:
            n = len(buf)
            while pos < n and buf[pos] in _WS:
                pos += 1
            if pos < n:
                return buf[pos]
            if not more():
                return ""

    first = skip_ws()
    if first != "[":
        what = "empty input" if not first else "an object" if first == "{" else "something else"
        raise InputError(f"{reader.name}: line {line_at(pos)}: expected a JSON array of records, found {what}")
    pos += 1
    index = 0
    if skip_ws() == "]":
        pos += 1
    else:
        while True:
            start = pos
            try:
                value, end = decoder.raw_decode(buf, pos)
                complete = end < len(buf) or eof
            except json.JSONDecodeError as exc:
                truncated = exc.pos >= len(buf) - 6 or exc.msg.startswith("Unterminated string")
                if truncated and not eof:
                    want = min(want * 2, 1 << 28)  # a big element: grow reads so re-parsing stays linear
                    more()
                    continue
                raise InputError(
                    f"{reader.name}: line {line_at(exc.pos)}: not valid JSON in element {index + 1} ({exc.msg})"
                ) from None
            except RecursionError:
                raise InputError(f"{reader.name}: element {index + 1}: JSON nested too deeply") from None
            if not complete:
                # a number or literal that ends exactly at the buffer's end may continue in the next chunk
                more()
                continue
            want = JSON_CHUNK
            index += 1
            if isinstance(value, dict):
                yield value
            elif on_error == "raise":
                raise InputError(
                    f"{reader.name}: line {line_at(start)}: element {index} is {_json_kind(value)}, not a record"
                )
            else:
                reader.skip(line_at(start), "not an object")
            pos = end
            sep = skip_ws()
            if sep == ",":
                pos += 1
                skip_ws()
                continue
            if sep == "]":
                pos += 1
                break
            raise InputError(
                f"{reader.name}: line {line_at(pos)}: "
                + ("unexpected end of input (truncated JSON array)" if not sep else "expected ',' or ']' after element")
            )
    if skip_ws():
        raise InputError(f"{reader.name}: line {line_at(pos)}: unexpected data after the JSON array")


def _parquet_records(
    stream: IO[bytes], head: bytes, reader: RecordReader, on_error: OnError
) -> Iterator[dict[str, Any]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    spool: IO[bytes] | None = None
    try:
        source: Any = stream
        if head or not stream.seekable():
            # Parquet needs random access (its footer is at the end): spool a stream to disk, not memory.
            spool = tempfile.TemporaryFile(prefix="pipl_guard-")
            spool.write(head)
            shutil.copyfileobj(stream, spool, 1 << 20)
            spool.seek(0)
            source = spool
        magic = b""
        if source.seekable():
            magic = source.read(4)
            source.seek(0)
        try:
            pf = pq.ParquetFile(source)
        except (pa.ArrowException, OSError, ValueError) as exc:
            hint = "empty file" if magic == b"" and source.seekable() else type(exc).__name__
            if magic and magic != b"PAR1":
                hint = "it does not start like Parquet; if it is CSV or JSON, name it so or pass format="
            raise InputError(f"{reader.name}: not a readable Parquet file, truncated or corrupt ({hint})") from None
        names = pf.schema_arrow.names
        if len(set(names)) != len(names):
            # records are dicts: a repeated column name would silently drop all but one of the columns
            dup = next(i for i, n in enumerate(names) if n in names[:i])
            raise InputError(f"{reader.name}: duplicate column name in the Parquet schema (column {dup + 1})")
        row = 0
        for group in range(pf.num_row_groups):
            in_group = 0
            try:
                for batch in pf.iter_batches(batch_size=PARQUET_BATCH, row_groups=[group]):
                    for rec in batch.to_pylist():
                        row += 1
                        in_group += 1
                        yield rec
            except (pa.ArrowException, OSError, ValueError) as exc:
                if on_error == "raise":
                    raise InputError(
                        f"{reader.name}: row group {group + 1} (after row {row}): unreadable Parquet data "
                        f"({type(exc).__name__})"
                    ) from None
                # the rest of the row group is lost: count every row of it
                lost = max(1, pf.metadata.row_group(group).num_rows - in_group)
                for k in range(lost):
                    reader.skip(row + 1 + k, "unreadable row group")
                row += lost
    finally:
        if spool is not None:
            spool.close()
        if stream is not sys.stdin.buffer:
            stream.close()
