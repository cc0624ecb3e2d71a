"""The HTML report: its numbers are profile()'s, it never shows a raw value, and it stays small."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipl_guard as pg
from pipl_guard.errors import InputError
from pipl_guard.io import read
from pipl_guard.report.html import (
    ReportData,
    _load,
    bar_chart,
    build_report,
    render,
    render_report,
    write_report,
)
from pipl_guard.testing import strategies as pg_strategies

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "data" / "leak_sample.csv"
ON = dt.date(2026, 6, 1)
POLICY = {
    "organization": {"name": "Demo", "individuals_held": 1000},
    "purposes": [{"id": "svc", "legal_basis": "consent", "entities": ["PERSON_NAME", "CN_MOBILE"]}],
    "destinations": [{"id": "db", "kind": "storage", "authentication": True, "encryption_at_rest": True}],
}


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return list(read(SAMPLE))


@pytest.fixture(scope="module")
def data(records: list[dict[str, Any]]) -> ReportData:
    s = pg.risk.suggest(records, k=5, max_suppression=0.05, quasi_identifiers=["csrq", "xb", "hjdz", "mz"], as_of=ON)
    return build_report(records, deidentifier=s, as_of=ON, policy=POLICY, action=pg.Action("store", "svc", "db", at=ON))


@pytest.fixture(scope="module")
def page(data: ReportData) -> str:
    return render(data)


def _card(page: str, key: str) -> str:
    m = re.search(rf"id='card-{key}'><div class='n'>([\d,]+)<", page)
    assert m, key
    return m.group(1)


def test_numbers_equal_profile(records: list[dict[str, Any]], data: ReportData, page: str) -> None:
    prof = pg.profile(records, as_of=ON)
    assert (data.records, data.individuals, data.minors) == (prof.records, prof.individuals, prof.minors)
    assert data.entities == prof.entities
    assert data.sensitive_categories == prof.sensitive_categories
    assert data.regions == prof.regions
    for row in data.fields:
        fp = prof.fields[row.path]
        assert (row.entity, row.share, row.sensitive, row.non_empty) == (fp.entity, fp.share, fp.sensitive, fp.non_empty)
    assert _card(page, "records") == f"{prof.records:,}"
    assert _card(page, "individuals") == f"{prof.individuals:,}"
    assert _card(page, "minors") == f"{prof.minors:,}"
    assert f"<b id='minors'>{prof.minors:,}</b>" in page
    # the top regions appear with their counts in the chart
    for province, count in list(prof.regions.items())[:5]:
        assert f"{province}</text>" in page and f">{count:,}</text>" in page


def test_sources_a_file_and_frames_give_the_same_records(records: list[dict[str, Any]]) -> None:
    import pandas as pd
    import polars as pl
    import pyarrow as pa

    assert _load(SAMPLE) == (records, "leak_sample.csv")
    assert _load(pd.DataFrame(records)) == (records, "pandas DataFrame")
    assert _load(pl.DataFrame(records)) == (records, "polars DataFrame")
    assert _load(pa.Table.from_pylist(records)) == (records, "Arrow table")


def test_never_a_raw_value(records: list[dict[str, Any]], page: str) -> None:
    for r in records:
        for field in ("xm", "gmsfhm", "sjhm", "hjdz", "zp", "csrq"):
            assert r[field] not in page, field
    # masked examples are there instead
    assert re.search(r"<code>\d{6}\*{8}[\dX]{4}</code>", page)


def test_risk_before_and_after(records: list[dict[str, Any]], page: str) -> None:
    assert "处理后 After" in page and "suggest(k=5" in page
    before = pg.risk(records, ["csrq", "xb", "hjdz", "mz"])
    rows = re.findall(r"<tr><td>最小等价类 k \(smallest class\)</td><td class='num'>([\d,]+)</td><td class='num'>([\d,]+)</td>", page)
    assert rows and int(rows[0][0]) == before.k and int(rows[0][1]) >= 5


def test_decision_with_citations(page: str) -> None:
    assert "id='verdict'>不允许 DENIED" in page
    assert "PIPL-13" in page and "PIPL Art. 13" in page


def test_self_contained(page: str) -> None:
    assert "<script" not in page
    for pattern in ("src=", "href=", "url(", "@import", "<link", "<img"):
        assert pattern not in page
    assert page.count("<svg") >= 3


def test_empty_table(tmp_path: Path) -> None:
    out = write_report([], tmp_path / "empty.html")
    page = out.read_text("utf-8")
    assert "The table is empty" in page and "空表" in page
    assert _card(page, "records") == "0"


def test_a_million_distinct_values_stay_small() -> None:
    n = 1_000_000
    rows = [{"order_no": f"NO{i:09d}", "xb": "男女"[i % 2]} for i in range(n)]
    page = render_report(rows, quasi_identifiers=["order_no"], sample=2000)
    assert len(page) < 60_000
    assert f">{n:,}</div>" in page  # the records card counts every row, the profile only a sample
    assert "NO000000001" not in page


def test_top_n_and_other() -> None:
    items = {f"省{i:02d}": 100 - i for i in range(40)}
    from pipl_guard.report.html import _top

    top = _top(items, 15)
    assert len(top) == 16 and top[-1] == ("其他 other (25)", sum(100 - i for i in range(15, 40)))
    svg = bar_chart(top, label="t")
    assert svg.count("<rect") == 16


def test_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        render_report(tmp_path / "missing.csv")
    with pytest.raises(InputError, match="both"):
        render_report([{"a": 1}], policy=POLICY)
    with pytest.raises(InputError):
        render_report([{"a": 1}], deidentifier=object())


@settings(max_examples=15, deadline=None)
@given(
    st.one_of(
        st.lists(pg_strategies.leak_records(schema="pinyin"), min_size=1, max_size=6),
        st.lists(pg_strategies.leak_records(schema="chinese"), min_size=1, max_size=6),
        st.lists(pg_strategies.leak_records(schema="english"), min_size=1, max_size=6),
    )
)
def test_property_never_leaks(rows: list[dict[str, str]]) -> None:
    page = render_report(rows)
    for r in rows:
        for v in r.values():
            # every value long enough to identify someone stays out of the page (gender/ethnicity words
            # and short values can coincide with labels)
            if len(v) >= 6:
                assert v not in page


def test_plain_deidentifier_before_and_after(records: list[dict[str, Any]]) -> None:
    from pipl_guard.report.hierarchies import HierarchyGeneralize

    deid = pg.Deidentifier(fields={"csrq": HierarchyGeneralize(kind="birth_date", level=3, as_of=ON),
                                   "hjdz": HierarchyGeneralize(kind="address", level=3)})
    data = build_report(records[:120], deidentifier=deid, quasi_identifiers=["csrq", "hjdz"], as_of=ON)
    assert data.risk_before is not None and data.risk_after is not None
    expected = pg.risk(list(deid.records(records[:120])), ["csrq", "hjdz"])
    assert data.risk_after == expected
    assert data.risk_after.k >= data.risk_before.k and data.deidentifier == "Deidentifier"
