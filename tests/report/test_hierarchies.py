"""Chinese generalization hierarchies: levels, and the nesting that makes k-anonymity monotone."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipl_guard.detect import regions
from pipl_guard.errors import InputError
from pipl_guard.report import hierarchies as hz

ON = dt.date(2026, 6, 1)


def test_region_levels() -> None:
    assert [hz.generalize("region", "440305", lv) for lv in range(4)] == ["440305 广东省深圳市南山区", "广东省深圳市", "广东省", "*"]
    assert [hz.generalize("region", 110105, lv) for lv in range(4)] == ["110105 北京市朝阳区", "北京市", "北京市", "*"]
    # a county-level city directly under the province has no city level of its own
    assert hz.generalize("region", "429004", 1) == "湖北省"
    assert hz.generalize("region", "999999", 1) == hz.UNKNOWN
    # a place name instead of a code
    assert hz.generalize("region", "广东深圳", 2) == "广东省"


def test_address_levels() -> None:
    a = "广东省深圳市南山区科技园路1号"
    assert [hz.generalize("address", a, lv) for lv in range(5)] == [a, "广东省深圳市南山区", "广东省深圳市", "广东省", "*"]
    # short forms and a missing province
    assert hz.generalize("address", "浙江杭州西湖区文三路9号", 1) == "浙江省杭州市西湖区"
    assert hz.generalize("address", "深圳市福田区福华路1号", 3) == "广东省"
    assert hz.generalize("address", "火星基地1号", 1) == hz.UNKNOWN
    # a county-level city directly under the province: no placeholder "prefecture" in the labels
    assert [hz.generalize("address", "湖北省仙桃市钱沟路1号", lv) for lv in (1, 2)] == ["湖北省仙桃市", "湖北省"]


def test_birth_date_levels() -> None:
    assert [hz.generalize("birth_date", "1990年5月17日", lv, as_of=ON) for lv in range(5)] == [
        "1990-05-17", "1990", "1987-1991", "30-39", "*",
    ]
    assert hz.generalize("birth_date", dt.date(1990, 5, 17), 0) == "1990-05-17"
    assert hz.generalize("birth_date", "19900517", 1) == "1990"
    assert hz.generalize("birth_date", "not a date", 1) == hz.UNKNOWN
    assert hz.generalize("birth_date", "2031-01-01", 3, as_of=ON) == hz.UNKNOWN


def test_other_levels() -> None:
    assert [hz.generalize("age", "37岁", lv) for lv in range(4)] == ["37", "35-39", "30-39", "*"]
    assert [hz.generalize("postcode", "100080", lv) for lv in range(4)] == ["100080", "1000**", "10****", "*"]
    assert [hz.generalize("gender", g, 0) for g in ("M", "female", "1", "女性")] == ["男", "女", "男", "女"]
    assert [hz.generalize("ethnicity", e, 1) for e in ("汉", "汉族", "回族", "维吾尔族")] == ["汉族", "汉族", "少数民族", "少数民族"]
    assert hz.generalize("flat", "x", 0) == "x" and hz.generalize("flat", "x", 1) == "*"
    # missing stays missing at every level (a Deidentifier leaves empty cells alone)
    assert hz.generalize("age", None, 1) == hz.MISSING == hz.generalize("age", "", 3)


def test_bad_levels_and_kinds() -> None:
    with pytest.raises(InputError):
        hz.generalize("age", 3, 9)
    with pytest.raises(InputError):
        hz.levels("shoe_size")


def test_levels_have_chinese_names() -> None:
    for kind in hz.KINDS:
        assert len(hz.levels(kind)) == len(hz.levels_zh(kind)) == hz.height(kind) + 1
        assert hz.levels(kind)[-1] == "*"


def test_resident_id_components() -> None:
    rid = "11010519491231002X"
    assert hz.id_component(rid, "region") == "110105"
    assert hz.id_component(rid, "birth_date") == dt.date(1949, 12, 31)
    assert hz.id_component(rid, "gender") == "女"
    assert hz.id_component("北京市|1949|女", "birth_date") == "1949"
    assert hz.id_component("hashed-token", "region") is None
    op = hz.ResidentIdGeneralize(region=1, birth_date=2, gender=1, as_of=ON)
    assert op.apply(rid) == "北京市|1947-1951|*"  # age 77 in 2026: the 75-79 band
    assert op.apply(None) is None


def test_kind_of_field() -> None:
    assert hz.kind_of_field("csrq") == "birth_date"
    assert hz.kind_of_field("gmsfhm") == "resident_id"
    assert hz.kind_of_field("邮政编码") == "postcode"
    assert hz.kind_of_field("user.age") == "age"
    assert hz.kind_of_field("xzqh") == "region"
    assert hz.kind_of_field("f5", "DATE_OF_BIRTH") == "birth_date"
    assert hz.kind_of_field("order_no") is None


def _assert_nested(kind: str, values: Sequence[object]) -> None:
    """Level l+1 is a function of level l: equal labels below stay equal above."""
    for level in range(hz.height(kind)):
        up: dict[str, str] = {}
        for v in values:
            lo = hz.generalize(kind, v, level, as_of=ON)
            hi = hz.generalize(kind, v, level + 1, as_of=ON)
            assert up.setdefault(lo, hi) == hi, (kind, level, lo)


def test_region_hierarchy_nests_over_all_codes() -> None:
    _assert_nested("region", regions.all_codes())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2026, 5, 31)), min_size=2, max_size=80))
def test_birth_date_hierarchy_nests(dates: list[dt.date]) -> None:
    _assert_nested("birth_date", dates)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=120), min_size=2, max_size=80))
def test_age_hierarchy_nests_and_agrees_with_birth_bands(ages: list[int]) -> None:
    _assert_nested("age", ages)
    for a in ages:
        assert hz.generalize("age", a, 2) == hz.generalize("birth_date", dt.date(ON.year - a, 7, 1), 3, as_of=ON)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.from_regex(r"[0-9]{6}", fullmatch=True), min_size=2, max_size=80))
def test_postcode_hierarchy_nests(codes: list[str]) -> None:
    _assert_nested("postcode", codes)


def test_address_hierarchy_nests() -> None:
    from pipl_guard import synth

    rng = random.Random(3)
    _assert_nested("address", [synth.address(rng) for _ in range(300)])
