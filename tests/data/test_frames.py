"""frames: the vectorised path equals ``deid.record(row)`` for every row, with pandas, polars and Arrow."""

from __future__ import annotations

from typing import Any

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipl_guard as pg
from pipl_guard import frames
from pipl_guard.errors import InputError
from pipl_guard.testing import strategies as pst

KEY = pg.Key(bytes(range(32)), id="frames-test")

# column name -> what it holds; names cover the three planning paths (fields, name-classified, free text)
_COLUMNS = ["xm", "sfzh", "sjhm", "address", "note", "f5"]


def _cell() -> st.SearchStrategy[str | None]:
    pi = st.one_of(pst.resident_ids(), pst.mobiles(), pst.mobiles(formatted=True), pst.names(), pst.bank_cards())
    noise = st.one_of(
        st.just(""), st.just("*"), st.just("无"), st.text(max_size=12),
        st.sampled_from(["n/a", "138", "12-34", "  13812345678 ", "13812345678*", "订单号202311221530451234"]),
    )
    text_with_pi = st.tuples(st.sampled_from(["联系电话", "身份证号", "备注：", ""]), pi, st.text(max_size=6)).map(
        lambda t: "".join(t)
    )
    return st.one_of(st.none(), pi, noise, text_with_pi)


@st.composite
def tables(draw: st.DrawFn) -> list[dict[str, Any]]:
    cols = draw(st.lists(st.sampled_from(_COLUMNS), min_size=1, max_size=4, unique=True))
    n = draw(st.integers(min_value=1, max_value=25))
    rows = [{c: draw(_cell()) for c in cols} for _ in range(n)]
    if draw(st.booleans()):  # repeated values exercise the distinct-value caches
        rows = rows + rows[: n // 2]
    return rows


DEIDS = {
    "fields-mask-hash": pg.Deidentifier(
        {"CN_MOBILE": pg.ops.Mask(keep_first=3, keep_last=4), "CN_RESIDENT_ID": pg.ops.Replace()},
        fields={"sjhm": pg.ops.Mask(keep_first=3, keep_last=4), "sfzh": pg.ops.Hash(KEY, "hmac-sha256"),
                "xm": pg.ops.Mask(keep_first=1, keep_last=0, char="#")},
    ),
    "default-mask": pg.Deidentifier({}, default=pg.ops.Mask()),
    "rules-only": pg.Deidentifier({"CN_MOBILE": pg.ops.Hash(KEY), "BANK_CARD": pg.ops.Mask(keep_first=6, keep_last=4)}),
    "redact-replace": pg.Deidentifier({"PERSON_NAME": pg.ops.Replace("[姓名]")}, default=pg.ops.Redact(),
                                      fields={"note": pg.ops.Redact(), "f5": pg.ops.Replace("x")}),
}


def _expected(rows: list[dict[str, Any]], deid: pg.Deidentifier) -> list[dict[str, Any]]:
    return [deid.record(r) for r in rows]


def _as_rows(out: Any) -> list[dict[str, Any]]:
    if isinstance(out, pd.DataFrame):
        return pa.Table.from_pandas(out, preserve_index=False).to_pylist()
    if isinstance(out, pl.DataFrame):
        return out.to_dicts()
    return out.to_pylist()  # type: ignore[no-any-return]


def _frame(lib: str, rows: list[dict[str, Any]]) -> Any:
    table = pa.Table.from_pylist(rows, schema=pa.schema([(c, pa.string()) for c in rows[0]]))
    if lib == "pandas":
        return table.to_pandas()
    if lib == "polars":
        return pl.from_arrow(table)
    return table


@settings(max_examples=40, deadline=None)
@given(rows=tables(), deid_name=st.sampled_from(sorted(DEIDS)))
def test_vectorised_equals_row_by_row(rows: list[dict[str, Any]], deid_name: str) -> None:
    deid = DEIDS[deid_name]
    expected = _expected(rows, deid)
    for lib in ("arrow", "pandas", "polars"):
        df = _frame(lib, rows)
        out = frames.deidentify(df, deid)
        assert type(out) is type(df)
        assert _as_rows(out) == expected, lib


def test_kernels_are_used_and_exact_on_a_larger_column() -> None:
    # 2,000 rows through the Arrow mask kernel and the distinct-value hash path, checked row by row
    ids = [f"11010519{1950 + i % 50}0101{i % 1000:03d}X" for i in range(2000)]
    phones = [f"13{i % 10}{i:08d}" if i % 7 else f"13{i % 10} {i:04d} 5678" for i in range(2000)]
    table = pa.table({"sfzh": ids, "sjhm": phones})
    deid = DEIDS["fields-mask-hash"]
    out = frames.deidentify(table, deid)
    assert out.to_pylist() == _expected(table.to_pylist(), deid)


def test_self_check_falls_back_when_a_kernel_disagrees(monkeypatch: pytest.MonkeyPatch) -> None:
    deid = DEIDS["fields-mask-hash"]
    table = pa.table({"sjhm": ["13812345678", "13912345678"]})
    monkeypatch.setattr(frames, "_mask_kernel", lambda name, arr, op, d: pa.array(["wrong", "wrong"]))
    assert frames.deidentify(table, deid).to_pylist() == _expected(table.to_pylist(), deid)


def test_non_string_columns_and_nested_values() -> None:
    table = pa.table(
        {"sjhm": pa.array([13812345678, None], pa.int64()), "amount": [1.5, 2.0],
         "contacts": [{"phone": "13812345678"}, {"phone": "无"}]}
    )
    deid = pg.Deidentifier({}, default=pg.ops.Mask())
    out = frames.deidentify(table, deid)
    assert out.schema.field("sjhm").type == pa.string()  # a PI-named number becomes text
    assert out.column("amount").to_pylist() == [1.5, 2.0]  # other numbers pass through
    assert out.to_pylist()[0]["sjhm"] == "138****5678"
    assert out.column("contacts").to_pylist() == [deid.record(r)["contacts"] for r in table.to_pylist()]
    assert frames.output_schema(table.schema, deid) == out.schema
    # no operator for the entity the name says: the number column keeps its type and values
    untouched = frames.deidentify(table, pg.Deidentifier({"EMAIL": pg.ops.Redact()}))
    assert untouched.column("sjhm").type == pa.int64() and untouched.column("sjhm").to_pylist() == [13812345678, None]


def test_record_level_operator_uses_rows() -> None:
    shift = pg.ops.DateShift(KEY, max_days=30, subject="sfzh")
    deid = pg.Deidentifier({"DATE_OF_BIRTH": shift}, fields={"csrq": shift})
    rows = [{"sfzh": "11010519491231002X", "csrq": "1949-12-31"}, {"sfzh": "110105194912310021", "csrq": "1949-12-31"}]
    assert frames.deidentify(pa.Table.from_pylist(rows), deid).to_pylist() == _expected(rows, deid)


def test_profile_matches_record_profile() -> None:
    rows = [{"xm": "张伟", "sfzh": "11010519491231002X", "f5": "13812345678", "bz": "电话13912345678"}] * 3 + [
        {"xm": "李娜", "sfzh": "110105201801010028", "f5": "无", "bz": None}
    ]
    expected = pg.profile(rows).model_dump(exclude={"as_of"})
    for lib in ("arrow", "pandas", "polars"):
        got = frames.profile(_frame(lib, rows)).model_dump(exclude={"as_of"})
        assert got == expected, lib
    sampled = frames.profile(pa.Table.from_pylist(rows), sample=2)
    assert sampled.records == 2 and sampled.sampled


def test_rejects_other_types() -> None:
    with pytest.raises(InputError):
        frames.deidentify([{"a": 1}], DEIDS["default-mask"])  # type: ignore[type-var]
    with pytest.raises(InputError):
        frames.profile(pa.table({"a": [1]}), sample=0)


def test_records_round_trip_for_guarded_steps() -> None:
    rows = [{"sjhm": "13812345678", "n": 1}, {"sjhm": None, "n": 2}]
    for lib in ("arrow", "pandas", "polars"):
        df = pa.Table.from_pylist(rows)
        df = df.to_pandas() if lib == "pandas" else pl.from_arrow(df) if lib == "polars" else df
        back = frames.from_records(frames.to_records(df), df)
        assert type(back) is type(df)
        assert frames.to_records(back) == [{"sjhm": "13812345678", "n": 1}, {"sjhm": None, "n": 2}]
