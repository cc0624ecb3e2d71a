"""Fuzz targets: every public entry point must return a result or raise a ``PiplGuardError``.

Used by the bounded property tests in ``tests/test_fuzz.py`` and by the long-running harness
``python fuzz/run.py --minutes N``, which saves failing inputs to ``fuzz/regressions.jsonl`` so they
become regression tests.

>>> TARGETS["scan_text"].call("手机13812345678") is None
True
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from pipl_guard.errors import PiplGuardError

_PI_TEXT = st.sampled_from(
    [
        "11010519491231002X",
        "１３８１２３４５６７８",
        "+86 138-1234-5678",
        "6222021234567890128",
        "欧阳娜娜",
        "北京市海淀区中关村大街27号",
        "身份证号",
        "手机",
        "E12345678",
        "京A12345",
        "a@b.cn",
        "\x00",
        "\ud800",
        "🙂",
    ]
)
#: text that mixes arbitrary unicode with PI-shaped pieces
TEXT = st.lists(st.one_of(st.text(max_size=30), _PI_TEXT), max_size=12).map("".join)
LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.datetimes(),
    st.binary(max_size=20),
    TEXT,
)
KEY = st.one_of(st.sampled_from(["xm", "sfzh", "gmsfhm", "sjhm", "hjdz", "phone", "姓名", "f5"]), st.text(max_size=8), st.integers())
RECORD = st.recursive(
    st.dictionaries(KEY, LEAF, max_size=6),
    lambda children: st.dictionaries(KEY, st.one_of(LEAF, children, st.lists(st.one_of(LEAF, children), max_size=3)), max_size=4),
    max_leaves=30,
)
POLICY = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10), st.dates()),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.sampled_from(
                ["organization", "purposes", "destinations", "consent", "id", "kind", "legal_basis", "entities",
                 "retention_days", "name", "ciio", "require", "field", "country", "mechanism", "x"]
            ),
            children,
            max_size=5,
        ),
    ),
    max_leaves=25,
)


@dataclass(frozen=True)
class Target:
    name: str
    strategy: st.SearchStrategy[Any]
    run: Callable[[Any], object]

    def call(self, value: Any) -> None:
        """Run the target; re-raise anything that is not a ``PiplGuardError``."""
        try:
            self.run(value)
        except PiplGuardError:
            pass


def _scan_text(v: str) -> object:
    import pipl_guard as pg

    return pg.scan_text(v)


def _scan_record(v: dict[Any, Any]) -> object:
    import pipl_guard as pg

    return pg.scan_record(v)


def _mask_text(v: str) -> object:
    import pipl_guard as pg

    return pg.mask_text(v)


def _mask_record(v: dict[Any, Any]) -> object:
    import pipl_guard as pg

    return pg.mask_record(v)


def _deidentifier(v: dict[Any, Any]) -> object:
    import pipl_guard as pg

    return pg.Deidentifier({"CN_MOBILE": pg.ops.Mask(), "CN_RESIDENT_ID": pg.ops.Redact()}).record(v)


def _policy(v: Any) -> object:
    import pipl_guard as pg

    return pg.Policy.model_validate(v)


def _io_read(v: bytes) -> object:
    import os
    import tempfile

    from pipl_guard import io

    out: list[dict[str, Any]] = []
    for suffix in (".csv", ".jsonl", ".json", ".parquet"):
        fd, path = tempfile.mkstemp(suffix=suffix)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(v)
            out.extend(io.read(path))
        finally:
            os.unlink(path)
    return out


TARGETS: dict[str, Target] = {
    t.name: t
    for t in [
        Target("scan_text", TEXT, _scan_text),
        Target("scan_record", RECORD, _scan_record),
        Target("mask_text", TEXT, _mask_text),
        Target("mask_record", RECORD, _mask_record),
        Target("Deidentifier.record", RECORD, _deidentifier),
        Target("Policy.model_validate", POLICY, _policy),
        Target("io.read", st.one_of(st.binary(max_size=200), TEXT.map(lambda s: s.encode("utf-8", "surrogatepass"))), _io_read),
    ]
}


def encode_case(value: Any) -> Any:
    """A JSON-safe, lossless-enough form of a fuzz input for the regression file."""
    if isinstance(value, str):
        return {"str": value.encode("utf-8", "surrogatepass").hex()}
    if isinstance(value, bytes):
        return {"bytes": value.hex()}
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return {"int": str(value)}
    if isinstance(value, float):
        return {"float": repr(value)}
    if isinstance(value, decimal.Decimal):
        return {"decimal": str(value)}
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, list):
        return {"list": [encode_case(v) for v in value]}
    if isinstance(value, dict):
        return {"dict": [[encode_case(k), encode_case(v)] for k, v in value.items()]}
    return {"repr": repr(value)}


def decode_case(data: Any) -> Any:
    if data is None or isinstance(data, bool):
        return data
    (kind, raw), = data.items()
    if kind == "str":
        return bytes.fromhex(raw).decode("utf-8", "surrogatepass")
    if kind == "bytes":
        return bytes.fromhex(raw)
    if kind == "int":
        return int(raw)
    if kind == "float":
        return float(raw) if raw not in ("nan", "inf", "-inf") else float(raw.replace("nan", "nan"))
    if kind == "decimal":
        return decimal.Decimal(raw)
    if kind == "datetime":
        return dt.datetime.fromisoformat(raw)
    if kind == "date":
        return dt.date.fromisoformat(raw)
    if kind == "list":
        return [decode_case(v) for v in raw]
    if kind == "dict":
        return {decode_case(k): decode_case(v) for k, v in raw}
    return raw


__all__ = ["TARGETS", "Target", "decode_case", "encode_case", "math"]
