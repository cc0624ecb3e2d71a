"""pipl_guard.io: round trips for every format, Chinese encodings, bad input, atomic writes."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipl_guard import io
from pipl_guard.errors import InputError

SECRET = "11010519491231002X"  # a value that must never appear in an error message

# field names and values as Chinese systems produce them (no surrogates: they cannot be encoded)
_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30
)
_names = st.sampled_from(["姓名", "sfzh", "手机号码", "address", "备注", "id_number"])


@st.composite
def tables(draw: st.DrawFn) -> list[dict[str, str]]:
    cols = draw(st.lists(_names, min_size=1, max_size=4, unique=True))
    n = draw(st.integers(min_value=1, max_value=8))
    return [{c: draw(_text) for c in cols} for _ in range(n)]


def _csv_safe(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    # csv normalises a bare CR inside an unquoted line end; the writer quotes, so only "\r" alone is at risk
    return [{k: v.replace("\r", "") for k, v in r.items()} for r in rows]


@settings(max_examples=40, deadline=None)
@given(rows=tables(), fmt=st.sampled_from(["csv", "tsv", "json", "jsonl", "parquet", "jsonl.gz", "csv.gz"]))
def test_round_trip_every_format(tmp_path_factory: pytest.TempPathFactory, rows: list[dict[str, str]], fmt: str) -> None:
    path = tmp_path_factory.mktemp("rt") / f"data.{fmt}"
    if fmt.startswith(("csv", "tsv")):
        rows = _csv_safe(rows)
    assert io.write(path, rows) == len(rows)
    assert list(io.read(path)) == rows


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_chinese_csv_encodings_detected(tmp_path: Path, encoding: str) -> None:
    rows = [{"姓名": "张三", "住址": "北京市海淀区中关村大街27号"}, {"姓名": "欧阳娜娜", "住址": "上海市"}]
    path = tmp_path / "people.csv"
    io.write(path, rows, encoding=encoding)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    assert list(io.read(path)) == rows


def test_gbk_detected_after_a_long_ascii_start(tmp_path: Path) -> None:
    # the first megabyte says nothing about the encoding; the reader looks further
    path = tmp_path / "late.csv"
    ascii_rows = "id,name\n" + "".join(f"{i},user{i}\n" for i in range(150_000))
    path.write_bytes(ascii_rows.encode("ascii") + "150000,张三\n".encode("gbk"))
    assert os.path.getsize(path) > io.reader.SAMPLE_BYTES
    rows = list(io.read(path))
    assert rows[-1] == {"id": "150000", "name": "张三"}


def test_explicit_encoding_wins(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes("名字\n张三\n".encode("gbk"))
    assert list(io.read(path, encoding="GBK")) == [{"名字": "张三"}]


def test_ragged_csv_row_names_line_not_content(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(f"a,b\n1,2\n{SECRET},2,3\n4,5\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        list(io.read(path))
    assert "line 3" in str(err.value) and str(path) in str(err.value)
    assert SECRET not in str(err.value)
    reader = io.read(path, on_error="skip")
    assert list(reader) == [{"a": "1", "b": "2"}, {"a": "4", "b": "5"}]
    assert (reader.skipped, reader.skipped_at) == (1, [3])


def test_invalid_utf8_byte(tmp_path: Path) -> None:
    path = tmp_path / "u.jsonl"
    path.write_bytes(b'{"a": "x"}\n{"a": "' + SECRET.encode() + b'\xff"}\n{"a": "y"}\n')
    with pytest.raises(InputError) as err:
        list(io.read(path))
    assert "line 2" in str(err.value) and SECRET not in str(err.value)
    reader = io.read(path, on_error="skip")
    assert [r["a"] for r in reader] == ["x", "y"] and reader.skipped == 1


def test_invalid_utf8_in_csv_after_detection(tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_bytes("姓名,x\n张三,1\n".encode() + b"\xe5\xff,2\n")
    with pytest.raises(InputError, match="line 3"):
        list(io.read(path, encoding="utf-8"))
    reader = io.read(path, encoding="utf-8", on_error="skip")
    assert list(reader) == [{"姓名": "张三", "x": "1"}] and reader.skipped_at == [3]


def test_jsonl_line_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"a": 1}\n\n' + SECRET + "\n[1, 2]\n" + '{"a": 2}\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        list(io.read(path))
    assert "line 3" in str(err.value) and SECRET not in str(err.value)
    reader = io.read(path, on_error="skip")
    assert [r["a"] for r in reader] == [1, 2]
    assert reader.skipped_at == [3, 4]


def test_truncated_parquet(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    io.write(path, [{"sfzh": SECRET, "n": i} for i in range(1000)])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as err:
        list(io.read(path))
    assert "Parquet" in str(err.value) and SECRET not in str(err.value)


def test_parquet_streams_in_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(io.reader, "PARQUET_BATCH", 100)
    path = tmp_path / "big.parquet"
    io.write(path, ({"i": i} for i in range(1050)))
    assert [r["i"] for r in io.read(path)] == list(range(1050))


def test_json_array_streams_and_reports_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(io.reader, "JSON_CHUNK", 7)  # elements straddle many chunk boundaries
    rows = [{"姓名": "张三" * i, "n": i, "nested": {"l": [1, 2.5, None, True]}} for i in range(50)]
    path = tmp_path / "a.json"
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    assert list(io.read(path)) == rows
    text = json.dumps(rows[:3], indent=1)
    path.write_text(text[: len(text) - 10], encoding="utf-8")
    with pytest.raises(InputError, match="element 3"):
        list(io.read(path))
    path.write_text('[{"a": 1}, 5, {"a": 2}]', encoding="utf-8")
    with pytest.raises(InputError, match="element 2"):
        list(io.read(path))
    reader = io.read(path, on_error="skip")
    assert list(reader) == [{"a": 1}, {"a": 2}] and reader.skipped == 1
    path.write_text('{"a": 1}', encoding="utf-8")
    with pytest.raises(InputError, match="JSON array"):
        list(io.read(path))


def test_missing_file_and_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot open"):
        io.read(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="format"):
        io.read(tmp_path / "file.xyz")
    with pytest.raises(InputError):
        io.read(tmp_path / "a.csv", on_error="ignore")  # type: ignore[arg-type]


def test_corrupt_gzip(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl.gz"
    blob = gzip.compress("".join(f'{{"a": {i * 7919 % 100003}}}\n' for i in range(5000)).encode())
    path.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(InputError, match="compressed"):
        list(io.read(path))


def test_write_refuses_to_overwrite_and_is_atomic(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    io.write(path, [{"a": 1}])
    with pytest.raises(io.OutputExistsError):
        io.write(path, [{"a": 2}])
    assert io.write(path, [{"a": 2}], force=True) == 1

    def interrupted() -> object:
        yield {"a": 3}
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        io.write(path, interrupted(), force=True)
    assert list(io.read(path)) == [{"a": 2}]  # the old file is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]  # no temporary file left


def test_write_special_values(tmp_path: Path) -> None:
    import datetime as dt
    import decimal

    path = tmp_path / "o.jsonl"
    io.write(path, [{"d": dt.date(2020, 1, 2), "x": decimal.Decimal("1.5"), "b": b"\x00\x01"}])
    assert list(io.read(path)) == [{"d": "2020-01-02", "x": "1.5", "b": "AAE="}]
    with pytest.raises(InputError, match="lacks"):
        io.write(tmp_path / "o.csv", [{"a": 1}, {"a": 2, "b": 3}])
    assert not (tmp_path / "o.csv").exists()


def test_csv_header_problems(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("a,a\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="duplicate"):
        list(io.read(path))


def test_detect_format_and_sniffing() -> None:
    assert io.detect_format("x.NDJSON") == "jsonl"
    assert io.detect_format("x.bin", "Parquet") == "parquet"
    from pipl_guard.io.formats import sniff_format

    assert [sniff_format(b) for b in (b"PAR1..", b"  [", b"\xef\xbb\xbf{", b"a,b")] == ["parquet", "json", "jsonl", "csv"]
