"""The bad-input suite of issue 8: each hostile input gives a result or a typed, helpful error.

"Helpful": the message names the file/line, field or limit and the problem. "Nothing lost": when one
field or row is bad, the others still come back transformed.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import pathlib
from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import pipl_guard as pg
from pipl_guard import io
from pipl_guard.errors import InputError, PolicyError

RID = "11010519491231002X"
MOBILE = "13812345678"
MASKED_MOBILE = "138****5678"
MASKED_RID = "110105********002X"
KEY = pg.Key(bytes(range(40, 72)), id="bad-input")
DEID = pg.Deidentifier({"CN_MOBILE": pg.ops.Mask(keep_first=3, keep_last=4)}, default=pg.ops.Redact())

# the four record-level entry points, each returning something whose PI we can inspect
RECORD_CALLS: dict[str, Callable[[Any], Any]] = {
    "scan_record": pg.scan_record,
    "mask_record": pg.mask_record,
    "profile": lambda r: pg.profile([r]),
    "Deidentifier.record": DEID.record,
}


def _write(path: pathlib.Path, data: bytes) -> pathlib.Path:
    path.write_bytes(data)
    return path


# -- text: invalid UTF-8, lone surrogates, NUL, 100 MB -------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".json"])
def test_invalid_utf8_in_a_file_is_an_input_error_naming_the_line(
    tmp_path: pathlib.Path, suffix: str
) -> None:
    body = {
        ".csv": b"xm,sjhm\n\xe5\xbc\xa0\xe4\xbc\x9f,13812345678\n\xff\xfe\x80,13900001111\nok,13700002222\n",
        ".jsonl": b'{"sjhm": "13812345678"}\n{"sjhm": "\xff\xfe"}\n{"sjhm": "13700002222"}\n',
        ".json": b'[{"sjhm": "13812345678"},\n {"sjhm": "\xff\xfe"},\n {"sjhm": "13700002222"}]',
    }[suffix]
    path = _write(tmp_path / f"people{suffix}", body)
    with pytest.raises(InputError) as info:
        list(io.read(path))
    msg = str(info.value)
    assert path.name in msg and f"line {3 if suffix == '.csv' else 2}" in msg
    assert "utf-8" in msg.lower()
    assert "\ufffd" not in msg and "\\xff" not in msg
    if suffix != ".json":  # a broken JSON array cannot be resynchronised (documented); lines can
        reader = io.read(path, on_error="skip")
        rows = list(reader)
        assert reader.skipped == 1
        assert [r["sjhm"] for r in rows] == ["13812345678", "13700002222"]  # the good rows, all of them


def test_invalid_utf8_with_the_right_encoding_is_read(tmp_path: pathlib.Path) -> None:
    # GBK bytes are "invalid UTF-8": the message's advice (pass encoding=) works
    path = _write(tmp_path / "gbk.csv", "姓名,手机\n张伟,13812345678\n".encode("gbk"))
    assert list(io.read(path, encoding="gbk")) == [{"姓名": "张伟", "手机": "13812345678"}]


LONE = ["\ud800", "\udfff", "\udc80\ud800"]


@pytest.mark.parametrize("lone", LONE)
def test_lone_surrogates_in_text(lone: str) -> None:
    text = f"{lone}手机{MOBILE}{lone}身份证{RID}{lone}"
    found = {f.entity: f for f in pg.scan_text(text)}
    assert set(found) >= {"CN_MOBILE", "CN_RESIDENT_ID"}
    assert text[found["CN_MOBILE"].start : found["CN_MOBILE"].end] == MOBILE  # offsets index the input
    masked = pg.mask_text(text)
    assert MOBILE not in masked and RID not in masked and masked.count(lone) == 3


@pytest.mark.parametrize("name", sorted(RECORD_CALLS))
def test_lone_surrogates_in_records(name: str) -> None:
    record = {"bad\ud800key": "\udfff", "sjhm": MOBILE, "note": f"\ud800电话{MOBILE}"}
    out = RECORD_CALLS[name](record)
    _assert_mobile_handled(name, out, ["sjhm", "note"])


def test_lone_surrogates_in_a_jsonl_file_come_back_as_given(tmp_path: pathlib.Path) -> None:
    path = _write(tmp_path / "s.jsonl", b'{"a": "\\ud800x", "sjhm": "13812345678"}\n{"a": "ok"}\n')
    rows = list(io.read(path))
    assert rows == [{"a": "\ud800x", "sjhm": MOBILE}, {"a": "ok"}]
    assert pg.mask_record(rows[0]) == {"a": "\ud800x", "sjhm": MASKED_MOBILE}


def test_nul_characters() -> None:
    text = f"\x00手机\x00{MOBILE}\x00\x00身份证{RID}\x00"
    assert {f.entity for f in pg.scan_text(text)} >= {"CN_MOBILE", "CN_RESIDENT_ID"}
    assert pg.mask_text(text) == f"\x00手机\x00{MASKED_MOBILE}\x00\x00身份证{MASKED_RID}\x00"
    assert pg.mask_record({"\x00": "\x00", "sjhm": MOBILE}) == {"\x00": "\x00", "sjhm": MASKED_MOBILE}
    assert pg.scan_text("\x00" * 10_000) == []


def test_nul_bytes_in_a_csv_file(tmp_path: pathlib.Path) -> None:
    path = _write(tmp_path / "nul.csv", b"a,sjhm\n\x00x,13812345678\ny,13700002222\n")
    rows = list(io.read(path))
    assert rows == [{"a": "\x00x", "sjhm": MOBILE}, {"a": "y", "sjhm": "13700002222"}]


def test_a_100_mb_string() -> None:
    # ~100 MB of UTF-8; the identifier at the very end must still be found at its offset (no truncation)
    text = "中" * 33_000_000 + f"手机{MOBILE}"
    found = pg.scan_text(text)
    assert isinstance(found, list)
    assert [(f.entity, f.start) for f in found] == [("CN_MOBILE", 33_000_002)]


# -- records: deep nesting, cycles, odd keys and values ---------------------------------------------------


def _nest(depth: int, leaf: Any) -> dict[str, Any]:
    record: dict[str, Any] = {"sjhm": leaf}
    for _ in range(depth - 1):
        record = {"a": record}
    return record


def _bottom(value: Any) -> Any:
    while isinstance(value, dict) and "a" in value:
        value = value["a"]
    return value


@pytest.mark.parametrize("name", sorted(RECORD_CALLS))
def test_ten_thousand_deep_nesting(name: str) -> None:
    deep = {"top": MOBILE, "deep": _nest(10_000, MOBILE)}
    out = RECORD_CALLS[name](deep)
    if name == "scan_record":
        paths = {f.path for f in out if f.entity == "CN_MOBILE"}
        assert "top" in paths and any(p.endswith(".sjhm") and p.count(".a") == 9_999 for p in paths)
    elif name == "profile":
        assert out.records == 1 and out.entities.get("CN_MOBILE") == 2
    else:
        assert out["top"] == MASKED_MOBILE
        assert _bottom(out["deep"]) == {"sjhm": MASKED_MOBILE}  # the shape kept all the way down


@pytest.mark.parametrize("name", sorted(RECORD_CALLS))
def test_nesting_beyond_the_limit_is_an_input_error(name: str) -> None:
    from pipl_guard.record import MAX_DEPTH

    with pytest.raises(InputError, match=f"nested deeper than {MAX_DEPTH}"):
        RECORD_CALLS[name](_nest(MAX_DEPTH + 5, MOBILE))


@pytest.mark.parametrize("name", sorted(RECORD_CALLS))
def test_cyclic_dict_is_an_input_error_naming_the_path(name: str) -> None:
    record: dict[str, Any] = {"sjhm": MOBILE, "person": {"phones": [MOBILE]}}
    record["person"]["me"] = record
    with pytest.raises(InputError) as info:
        RECORD_CALLS[name](record)
    assert "cycle" in str(info.value) and "person.me" in str(info.value)
    assert MOBILE not in str(info.value)


@pytest.mark.parametrize("name", sorted(RECORD_CALLS))
def test_shared_subtrees_are_not_cycles(name: str) -> None:
    phones = [MOBILE]
    out = RECORD_CALLS[name]({"home": {"phones": phones}, "work": {"phones": phones}})
    if name in ("mask_record", "Deidentifier.record"):
        assert out == {"home": {"phones": [MASKED_MOBILE]}, "work": {"phones": [MASKED_MOBILE]}}
        assert phones == [MOBILE]  # the input is not modified


class _Custom:
    def __str__(self) -> str:
        return MOBILE  # str() would hand out a phone number: not scanned as text, kept as the object


ODD_VALUES: dict[str, Any] = {
    "nan": float("nan"),
    "inf": float("inf"),
    "-inf": float("-inf"),
    "bytes": b"\xff\x00" + MOBILE.encode(),
    "decimal": decimal.Decimal("1234.50"),
    "decimal_nan": decimal.Decimal("NaN"),
    "datetime": dt.datetime(2024, 5, 1, 8, 30),
    "date": dt.date(2024, 5, 1),
    "custom": _Custom(),
    "set": {1, 2},
}
ODD_KEYS: list[Any] = [1, 2.5, None, (1, 2), True, dt.date(2024, 1, 1), b"k", frozenset({1})]


def _assert_mobile_handled(name: str, out: Any, paths: list[str]) -> None:
    """The fine fields were still found/transformed: every path in ``paths`` holds the mobile."""
    if name == "scan_record":
        assert {f.path for f in out if f.entity == "CN_MOBILE"} >= set(paths)
    elif name == "profile":
        for p in paths:
            assert out.fields[p].counts.get("CN_MOBILE") == 1
    else:
        for p in paths:
            assert MOBILE not in str(out[p])
            if name == "mask_record":
                assert MASKED_MOBILE in out[p]


@pytest.mark.parametrize("name", sorted(RECORD_CALLS))
@pytest.mark.parametrize("kind", sorted(ODD_VALUES))
def test_odd_values_keep_the_shape_and_the_other_fields(name: str, kind: str) -> None:
    value = ODD_VALUES[kind]
    record = {"odd": value, "sjhm": MOBILE, "nested": {"odd": [value], "note": f"电话{MOBILE}"}}
    out = RECORD_CALLS[name](record)
    _assert_mobile_handled(
        name, out, ["sjhm"] if name in ("mask_record", "Deidentifier.record") else ["sjhm", "nested.note"]
    )
    if name in ("mask_record", "Deidentifier.record"):
        assert set(out) == {"odd", "sjhm", "nested"} and set(out["nested"]) == {"odd", "note"}
        assert MOBILE not in out["nested"]["note"]
        # a value that is not text comes back as it was (same object; NaN is not equal to itself)
        assert out["odd"] is value and out["nested"]["odd"][0] is value
    if name == "profile":
        assert out.fields["odd"].non_empty == 1 and out.fields["odd"].entity is None


def test_numbers_dates_and_decimals_under_pi_field_names_are_transformed() -> None:
    out = pg.mask_record(
        {"sjhm": 13812345678, "sfzh": decimal.Decimal(RID[:-1] + "0"), "csrq": dt.date(1990, 5, 1)}
    )
    assert out["sjhm"] == MASKED_MOBILE
    assert str(out["sfzh"]) != RID[:-1] + "0"
    assert set(out) == {"sjhm", "sfzh", "csrq"}


@pytest.mark.parametrize("name", sorted(RECORD_CALLS))
def test_non_string_keys(name: str) -> None:
    record: dict[Any, Any] = {k: "x" for k in ODD_KEYS}
    record["sjhm"] = MOBILE
    record[7] = {"note": f"电话{MOBILE}", 8: [MOBILE]}
    out = RECORD_CALLS[name](record)
    if name in ("mask_record", "Deidentifier.record"):
        assert list(out) == list(record)  # the same keys, of the same types, in the same order
        assert all(type(a) is type(b) for a, b in zip(out, record, strict=True))
        assert MOBILE not in out["sjhm"] and MOBILE not in out[7]["note"] and MOBILE not in out[7][8][0]
        assert out[1] == "x"
    else:
        _assert_mobile_handled(name, out, ["sjhm", "7.note"])


def test_non_mapping_records_are_input_errors() -> None:
    for bad in ([MOBILE], MOBILE, None, 5, b"{}"):
        for name in ("scan_record", "mask_record", "Deidentifier.record"):
            with pytest.raises(InputError, match="mapping"):
                RECORD_CALLS[name](bad)
    with pytest.raises(InputError):
        pg.profile(MOBILE)  # a string is not an iterable of records


def test_scan_text_of_non_text_is_an_input_error() -> None:
    for bad in (MOBILE.encode(), None, 13812345678, [MOBILE]):
        with pytest.raises(InputError) as info:
            pg.scan_text(bad)  # type: ignore[arg-type]
        assert type(bad).__name__ in str(info.value)


def test_nan_and_inf_under_a_pi_field_name() -> None:
    for value in (float("nan"), float("inf"), decimal.Decimal("Infinity")):
        out = pg.mask_record({"sjhm": value, "tel": MOBILE})
        assert out["tel"] == MASKED_MOBILE
        assert out["sjhm"] is value or (isinstance(out["sjhm"], float) and math.isnan(out["sjhm"]))


# -- policies ---------------------------------------------------------------------------------------------


def test_a_50_mb_policy_file_is_refused_without_reading_it_all(tmp_path: pathlib.Path) -> None:
    from pipl_guard.policy.models import MAX_POLICY_BYTES

    path = tmp_path / "huge.yaml"
    with path.open("wb") as fh:
        fh.write(b"version: '1'\nnotes: |\n")
        line = b"  " + b"x" * 1022 + b"\n"
        for _ in range(50 * 1024):
            fh.write(line)
    assert path.stat().st_size > 50_000_000
    with pytest.raises(PolicyError) as info:
        pg.Policy.load(path)
    assert "huge.yaml" in str(info.value) and str(MAX_POLICY_BYTES) in str(info.value)


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".toml"])
def test_a_large_policy_in_every_format(tmp_path: pathlib.Path, suffix: str) -> None:
    path = tmp_path / f"big{suffix}"
    path.write_bytes(b" " * 2_000_000)
    with pytest.raises(PolicyError, match="larger than"):
        pg.Policy.load(path)


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_a_yaml_bomb_is_a_policy_error(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(BILLION_LAUGHS, "utf-8")
    with pytest.raises(PolicyError) as info:
        pg.Policy.load(path)
    assert "alias" in str(info.value).lower() or "anchor" in str(info.value).lower()
    assert "line 1" in str(info.value)


def test_deeply_nested_policy_documents(tmp_path: pathlib.Path) -> None:
    for suffix, text in ((".json", "[" * 100_000 + "]" * 100_000), (".yaml", "[" * 100_000 + "]" * 100_000)):
        path = tmp_path / f"deep{suffix}"
        path.write_text(text, "utf-8")
        with pytest.raises(PolicyError):
            pg.Policy.load(path)


def test_policy_file_that_is_not_utf8_or_not_a_mapping(tmp_path: pathlib.Path) -> None:
    (tmp_path / "gbk.yaml").write_bytes("版本: 1\n".encode("gbk"))
    with pytest.raises(PolicyError, match="not UTF-8"):
        pg.Policy.load(tmp_path / "gbk.yaml")
    (tmp_path / "list.yaml").write_text("- a\n- b\n", "utf-8")
    with pytest.raises(PolicyError, match="mapping"):
        pg.Policy.load(tmp_path / "list.yaml")
    with pytest.raises(PolicyError, match="cannot read"):
        pg.Policy.load(tmp_path / "missing.yaml")


# -- files: wrong Parquet schema, empty files, wrong extensions -------------------------------------


def test_parquet_with_duplicate_columns_is_refused_not_silently_merged(tmp_path: pathlib.Path) -> None:
    table = pa.Table.from_arrays([pa.array([MOBILE]), pa.array([RID])], names=["a", "a"])
    pq.write_table(table, tmp_path / "dup.parquet")
    with pytest.raises(InputError) as info:
        list(io.read(tmp_path / "dup.parquet"))
    assert "duplicate column" in str(info.value) and "column 2" in str(info.value)


def test_parquet_with_non_flat_schema_keeps_every_column(tmp_path: pathlib.Path) -> None:
    table = pa.table(
        {
            "m": pa.array([[("k", 1)]], pa.map_(pa.string(), pa.int64())),
            "s": pa.array([{"sjhm": MOBILE, "n": 1}]),
            "l": pa.array([[MOBILE, None]]),
            "dur": pa.array([1], pa.duration("s")),
            "bin": pa.array([b"\xff"]),
            "nul": pa.array([None], pa.null()),
        }
    )
    pq.write_table(table, tmp_path / "odd.parquet")
    rows = list(io.read(tmp_path / "odd.parquet"))
    assert len(rows) == 1 and set(rows[0]) == {"m", "s", "l", "dur", "bin", "nul"}
    masked = pg.mask_record(rows[0])
    assert masked["s"]["sjhm"] == MASKED_MOBILE and masked["l"] == [MASKED_MOBILE, None]


def test_truncated_parquet_is_an_input_error(tmp_path: pathlib.Path) -> None:
    pq.write_table(pa.table({"sjhm": [MOBILE] * 100}), tmp_path / "ok.parquet")
    data = (tmp_path / "ok.parquet").read_bytes()
    path = _write(tmp_path / "cut.parquet", data[: len(data) // 2])
    with pytest.raises(InputError, match=r"cut\.parquet: not a readable Parquet file"):
        list(io.read(path))


@pytest.mark.parametrize(
    ("suffix", "expected"),
    # no bytes, no records where the format allows it; JSON and Parquet need a structure, so empty is an error
    [
        (".csv", []),
        (".tsv", []),
        (".jsonl", []),
        (".csv.gz", []),
        (".json", InputError),
        (".parquet", InputError),
    ],
)
def test_empty_files(tmp_path: pathlib.Path, suffix: str, expected: Any) -> None:
    path = _write(tmp_path / f"empty{suffix}", b"")
    if expected is InputError:
        with pytest.raises(InputError) as info:
            list(io.read(path))
        assert path.name in str(info.value)
        assert "empty" in str(info.value) or "truncated" in str(info.value)
    else:
        assert list(io.read(path)) == expected


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".jsonl", ".json"])
def test_a_parquet_file_under_a_text_extension(tmp_path: pathlib.Path, suffix: str) -> None:
    pq.write_table(pa.table({"sjhm": [MOBILE]}), tmp_path / "real.parquet")
    path = _write(tmp_path / f"data{suffix}", (tmp_path / "real.parquet").read_bytes())
    with pytest.raises(InputError) as info:
        list(io.read(path))
    assert "Parquet" in str(info.value) and "format=" in str(info.value)
    assert list(io.read(path, format="parquet")) == [{"sjhm": MOBILE}]  # the advice works


@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [
        ("text.parquet", b"sjhm\n13812345678\n", "does not start like Parquet"),
        ("csv.json", b"sjhm\n13812345678\n", "expected a JSON array"),
        ("csv.jsonl", b"sjhm\n13812345678\n", "not valid JSON"),
        ("array.jsonl", b'[{"sjhm": "13812345678"}]\n', "expected a JSON object"),
        ("plain.csv.gz", b"sjhm\n13812345678\n", "compressed stream is corrupt"),
        ("data.xlsx", b"PK\x03\x04", "cannot tell the format"),
    ],
)
def test_a_file_that_is_not_what_its_extension_says(
    tmp_path: pathlib.Path, name: str, data: bytes, needle: str
) -> None:
    path = _write(tmp_path / name, data)
    with pytest.raises(InputError) as info:
        list(io.read(path))
    msg = str(info.value)
    assert needle in msg and name in msg
    assert MOBILE not in msg


def test_a_directory_and_a_missing_file(tmp_path: pathlib.Path) -> None:
    (tmp_path / "folder.csv").mkdir()
    for path in (tmp_path / "folder.csv", tmp_path / "missing.csv"):
        with pytest.raises(InputError, match="cannot open") as info:
            list(io.read(path))
        assert path.name in str(info.value)
