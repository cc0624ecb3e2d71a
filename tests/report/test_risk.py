"""pg.risk: equivalence classes and prosecutor / journalist / marketer risk against hand-computed tables."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipl_guard as pg
from pipl_guard.errors import InputError
from pipl_guard.report.risk import RiskReport, risk

# 10 records, classes over (yb, xb): A=3, B=3, C=2, D=1, E=1
TABLE = (
    [{"yb": "100080", "xb": "男", "zd": "高血压"}] * 2
    + [{"yb": "100080", "xb": "男", "zd": "糖尿病"}]
    + [{"yb": "100080", "xb": "女", "zd": "哮喘"}] * 3
    + [{"yb": "200001", "xb": "男", "zd": "哮喘"}, {"yb": "200001", "xb": "男", "zd": "痛风"}]
    + [{"yb": "200001", "xb": "女", "zd": "痛风"}]
    + [{"yb": "300002", "xb": "女", "zd": "哮喘"}]
)


def test_hand_computed_table() -> None:
    r = risk(TABLE, ["yb", "xb"], threshold=3)
    assert (r.records, r.classes, r.k, r.uniques) == (10, 5, 1, 2)
    # classes below 3: C (2 records), D, E (1 each)
    assert (r.classes_below_threshold, r.records_below_threshold) == (3, 4)
    assert r.share_below_threshold == pytest.approx(0.4)
    assert r.prosecutor_max == 1.0
    # mean over records of 1/f: (3*1/3 + 3*1/3 + 2*1/2 + 1 + 1) / 10 = 5/10 = J/n
    assert r.prosecutor_avg == pytest.approx(0.5)
    assert r.marketer == pytest.approx(0.5)
    assert (r.journalist_max, r.journalist_avg) == (r.prosecutor_max, r.prosecutor_avg)
    assert any("population" in n for n in r.notes)
    assert r.class_sizes == {1: 2, 2: 1, 3: 2}


def test_k_anonymous_table() -> None:
    r = risk(TABLE[:6], ["yb", "xb"], threshold=3)
    assert (r.k, r.classes, r.records_below_threshold, r.prosecutor_max) == (3, 2, 0, pytest.approx(1 / 3))
    assert r.is_k_anonymous(3) and not r.is_k_anonymous(4)


def test_journalist_with_population() -> None:
    # population counts F for the five sample classes: A=6, B=3, C=4, D=5, E=2
    pop = {("100080", "男"): 6, ("100080", "女"): 3, ("200001", "男"): 4, ("200001", "女"): 5, ("300002", "女"): 2}
    r = risk(TABLE, ["yb", "xb"], population=pop)
    assert r.population
    assert r.journalist_max == pytest.approx(1 / 2)  # 1 / smallest population class
    ratio = 3 / 6 + 3 / 3 + 2 / 4 + 1 / 5 + 1 / 2  # sum f/F
    assert r.marketer == pytest.approx(ratio / 10)
    assert r.journalist_avg == pytest.approx(max(5 / (6 + 3 + 4 + 5 + 2), ratio / 10))
    # the prosecutor risk does not depend on the population
    assert r.prosecutor_max == 1.0


def test_population_as_table_superset() -> None:
    extra = [{"yb": "300002", "xb": "女", "zd": "x"}] * 4 + [{"yb": "999999", "xb": "男", "zd": "y"}]
    r = risk(TABLE, ["yb", "xb"], population=TABLE + extra)
    assert r.journalist_max == pytest.approx(1 / 1)  # class D (200001, 女) is unique in the population too
    r2 = risk(TABLE[:6], ["yb", "xb"], population=TABLE + extra)
    assert r2.journalist_max == pytest.approx(1 / 3)


def test_population_smaller_than_sample_is_noted() -> None:
    r = risk(TABLE, ["yb", "xb"], population={("100080", "男"): 1})
    assert any("population too small" in n for n in r.notes)


def test_l_diversity() -> None:
    r = risk(TABLE, ["yb", "xb"], sensitive="zd")
    # A: {高血压, 糖尿病} -> 2; B: {哮喘} -> 1; C: {哮喘, 痛风} -> 2; D, E -> 1
    assert r.l_diversity == 1
    assert r.entropy_l == pytest.approx(1.0)
    r2 = risk(TABLE[:3] + TABLE[6:8], ["yb"], sensitive="zd")
    # 100080: 高血压 x2, 糖尿病; 200001: 哮喘, 痛风 -> distinct l = 2, entropy l = exp(H(2/3, 1/3))
    assert r2.l_diversity == 2
    h = -(2 / 3 * math.log(2 / 3) + 1 / 3 * math.log(1 / 3))
    assert r2.entropy_l == pytest.approx(math.exp(h), abs=1e-4)


def test_missing_quasi_identifiers_named() -> None:
    with pytest.raises(InputError) as exc:
        risk(TABLE, ["yb", "csrq", "age"])
    msg = str(exc.value)
    assert "csrq" in msg and "age" in msg and "100080" not in msg
    with pytest.raises(InputError, match="zzz"):
        risk(TABLE, ["yb"], sensitive="zzz")


def test_bad_arguments() -> None:
    with pytest.raises(InputError):
        risk(TABLE, ["yb"], threshold=0)
    with pytest.raises(InputError):
        risk({"yb": "1"}, ["yb"])
    with pytest.raises(InputError):
        risk([1, 2, 3], ["yb"])
    with pytest.raises(InputError, match="hierarchy"):
        risk(TABLE, {"yb": "nonsense"})


def test_empty_table() -> None:
    r = risk([], ["yb"])
    assert r.empty and r.records == 0 and r.k == 0
    assert "empty" in r.summary() and any("empty" in n for n in r.notes)


def test_resident_id_is_a_bundle() -> None:
    # same county, birth date and sex (17th digit even: female); different sequence numbers -> one class
    ids = ["11010519491231002X", "110105194912310045"]
    third = "110105194912310013"  # same county and birth date, 17th digit odd: male
    rows = [{"sfzh": i} for i in (*ids, third)]
    r = risk(rows, ["sfzh"])
    assert r.quasi_identifiers == ["sfzh:region", "sfzh:birth_date", "sfzh:gender"]
    assert (r.classes, r.k, r.class_sizes) == (2, 1, {1: 1, 2: 1})
    one = risk(rows, ["sfzh:region"])
    assert (one.classes, one.k) == (1, 3)


def test_nested_paths() -> None:
    rows = [{"p": {"csrq": "1990-01-01", "tags": ["a"]}}, {"p": {"csrq": "1990-01-01", "tags": ["b"]}}]
    assert risk(rows, ["p.csrq"]).k == 2
    assert risk(rows, ["p.tags[0]"]).k == 1


def test_values_are_normalized() -> None:
    rows = [{"a": 1}, {"a": 1.0}, {"a": " 1 "}, {"a": None}, {"a": float("nan")}]
    r = risk(rows, ["a"])
    assert r.class_sizes == {2: 1, 3: 1}


def test_default_quasi_identifiers_from_profile() -> None:
    rows = [
        {"xm": "张伟", "gmsfhm": "11010519491231002X", "csrq": "1949-12-31", "xb": "女", "yzbm": "100020"},
        {"xm": "李娜", "gmsfhm": "110105194912310045", "csrq": "1949-12-31", "xb": "女", "yzbm": "100020"},
    ]
    r = risk(rows)
    # birth date and sex come from their own fields; the ID adds only its region
    assert set(r.quasi_identifiers) == {"csrq", "xb", "yzbm", "gmsfhm:region"}
    assert "xm" not in r.quasi_identifiers
    assert r.k == 2


@pytest.mark.parametrize("kind", ["pandas", "polars", "pyarrow"])
def test_tables_match_records(kind: str) -> None:
    rows = [{"yb": t["yb"], "xb": t["xb"], "zd": t["zd"]} for t in TABLE]
    if kind == "pandas":
        import pandas as pd

        table: Any = pd.DataFrame(rows)
    elif kind == "polars":
        import polars as pl

        table = pl.DataFrame(rows)
    else:
        import pyarrow as pa

        table = pa.Table.from_pylist(rows)
    assert risk(table, ["yb", "xb"], sensitive="zd") == risk(rows, ["yb", "xb"], sensitive="zd")
    with pytest.raises(InputError, match="nope"):
        risk(table, ["nope"])


def test_public_entry_points() -> None:
    assert pg.risk is risk
    assert pg.RiskReport is RiskReport
    assert callable(pg.risk.suggest)


def _naive(rows: Sequence[tuple[str, ...]], threshold: int) -> dict[str, float]:
    """Record-by-record computation straight from the definitions (El Emam 2013; ARX)."""
    n = len(rows)
    size = Counter(rows)
    per_record = [1 / size[r] for r in rows]
    return {
        "k": min(size.values()),
        "classes": len(size),
        "prosecutor_max": max(per_record),
        "prosecutor_avg": sum(per_record) / n,
        "records_below_threshold": sum(1 for r in rows if 1 / size[r] > 1 / threshold),
        "uniques": sum(1 for r in rows if size[r] == 1),
    }


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from(["1", "2", "3", "4"])), min_size=1, max_size=60),
    st.integers(min_value=1, max_value=6),
)
def test_matches_definitions(rows: list[tuple[str, str]], threshold: int) -> None:
    records = [{"x": a, "y": b} for a, b in rows]
    r = risk(records, ["x", "y"], threshold=threshold)
    want = _naive(rows, threshold)
    assert r.k == want["k"] and r.classes == want["classes"] and r.uniques == want["uniques"]
    assert r.prosecutor_max == pytest.approx(want["prosecutor_max"])
    assert r.prosecutor_avg == pytest.approx(want["prosecutor_avg"])
    assert r.marketer == pytest.approx(want["prosecutor_avg"])
    assert r.records_below_threshold == want["records_below_threshold"]
    assert sum(s * c for s, c in r.class_sizes.items()) == len(rows)
