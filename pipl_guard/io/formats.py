"""File formats and text encodings: which reader a path needs.

>>> detect_format("people.csv"), detect_format("logs.ndjson.gz"), detect_format("t.parquet")
('csv', 'jsonl', 'parquet')
>>> detect_encoding("姓名,手机\\n张三,1".encode("gbk"))
'gb18030'
"""

from __future__ import annotations

import codecs
import os
from typing import Final

from pipl_guard.errors import InputError

FORMATS: Final = ("csv", "tsv", "json", "jsonl", "parquet")

#: file-name endings per format (compression suffixes are stripped first)
_EXTENSIONS: Final[dict[str, str]] = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "tsv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".jsonlines": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_COMPRESSED: Final = (".gz",)


def check_format(fmt: str) -> str:
    name = fmt.lower().lstrip(".")
    if name == "ndjson":
        name = "jsonl"
    if name not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return name


def is_gzip(path: str | os.PathLike[str]) -> bool:
    return os.fspath(path).lower().endswith(_COMPRESSED)


def detect_format(path: str | os.PathLike[str], format: str | None = None) -> str:
    """The format named by ``format`` or, failing that, by the path's extension."""
    if format:
        return check_format(format)
    name = os.fspath(path).lower()
    for suffix in _COMPRESSED:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    ext = os.path.splitext(name)[1]
    if ext in _EXTENSIONS:
        return _EXTENSIONS[ext]
    raise InputError(f"{os.fspath(path)}: cannot tell the format from the extension; pass format= (--format)")


def sniff_format(head: bytes) -> str:
    """Guess the format of a stream (stdin) from its first bytes."""
    if head.startswith(b"PAR1"):
        return "parquet"
    text = head.lstrip(codecs.BOM_UTF8).lstrip()
    if text.startswith(b"["):
        return "json"
    if text.startswith(b"{"):
        return "jsonl"
    return "csv"


def detect_encoding(sample: bytes, *, complete: bool = False) -> str:
    """Encoding of CSV bytes as Chinese systems write them: UTF-8 (with or without BOM) or GB18030.

    GB18030 is a superset of GBK and GB2312, so one decoder covers all three. A sample that is valid
    UTF-8 is UTF-8 (GBK text of any length is almost never valid UTF-8). ``complete`` says the sample is
    the whole input, so a multi-byte sequence cut at its end is an error rather than a cut.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for candidate in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(candidate)().decode(sample, final=complete)
        except UnicodeDecodeError:
            continue
        return candidate
    # neither decodes: report it as UTF-8 so the error names the line of the bad byte
    return "utf-8"


def normalize_encoding(encoding: str) -> str:
    """Canonical codec name; GBK and GB2312 are read as GB18030 (their superset)."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError as exc:
        raise InputError(f"unknown encoding {encoding!r}") from exc
    if name in ("gbk", "gb2312", "gb18030"):
        return "gb18030"
    return name
