import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pipl_guard as pg
from pipl_guard.detect import resident_id
from pipl_guard.record import Profiler, iter_fields


def make_id(region: str, birth: dt.date, seq: int) -> str:
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + resident_id.check_character(body)


def test_nested_paths():
    rec = {"person": {"phones": ["13812345678", {"work": "13912345678"}]}}
    found = pg.scan_record(rec)
    assert [(f.path, f.entity) for f in found] == [
        ("person.phones[0]", "CN_MOBILE"),
        ("person.phones[1].work", "CN_MOBILE"),
    ]


def test_offsets_index_the_field_value():
    rec = {"note": "请联系13812345678"}
    (f,) = pg.scan_record(rec)
    assert rec["note"][f.start : f.end] == f.text


def test_numbers_and_dates_are_scanned_as_text():
    (f,) = pg.scan_record({"f5": 13812345678})
    assert f.entity == "CN_MOBILE"


def test_bad_records():
    with pytest.raises(pg.InputError):
        pg.scan_record(["not", "a", "mapping"])  # type: ignore[arg-type]
    cyc: dict = {}
    cyc["self"] = cyc
    with pytest.raises(pg.InputError):
        pg.scan_record(cyc)
    deep: dict = {}
    cur = deep
    for _ in range(20_000):
        cur["a"] = {}
        cur = cur["a"]
    with pytest.raises(pg.InputError):
        pg.scan_record(deep)


def test_odd_leaf_values_do_not_crash():
    rec = {1: "13812345678", "n": math.nan, "i": math.inf, "b": b"\x00\xff", "o": object(), "none": None}
    found = pg.scan_record(rec)
    assert [f.path for f in found] == ["1"]


def test_profile_totals_with_known_minors():
    at = dt.date(2026, 11, 23)
    adults = [make_id("110105", dt.date(1980, 1, 1) + dt.timedelta(days=i), 10 + i) for i in range(30)]
    minors = [make_id("440305", dt.date(2015, 1, 1) + dt.timedelta(days=i), 20 + i) for i in range(7)]
    records = [{"gmsfhm": v, "sjhm": f"138{i:08d}", "f5": v} for i, v in enumerate(adults + minors)]
    records.append({"gmsfhm": adults[0], "sjhm": "", "f5": "x"})  # same person twice
    p = pg.profile(records, as_of=at)
    assert p.records == 38
    assert p.individuals == 37
    assert p.minors == 7
    assert p.regions == {"北京市": 30, "广东省": 7}
    assert p.sensitive_categories.get("minor") == 7
    assert p.fields["gmsfhm"].entity == "CN_RESIDENT_ID"
    assert p.fields["f5"].entity == "CN_RESIDENT_ID"  # classified by values alone
    assert p.fields["sjhm"].entity == "CN_MOBILE"
    assert p.fields["sjhm"].non_empty == 37
    assert math.isclose(p.fields["f5"].share, 37 / 38)


def test_needs_review_when_name_says_pi_but_values_do_not():
    p = pg.profile([{"sfzh": "unknown"}, {"sfzh": "n/a"}])
    assert p.fields["sfzh"].entity is None
    assert p.fields["sfzh"].needs_review is True


def test_profile_sample_and_bad_input():
    recs = [{"sjhm": "13812345678"}] * 10
    p = pg.profile(recs, sample=3)
    assert p.records == 3 and p.sampled
    with pytest.raises(pg.InputError):
        pg.profile({"a": 1})  # type: ignore[arg-type]
    with pytest.raises(pg.InputError):
        pg.profile(recs, sample=0)


@given(st.lists(st.dictionaries(st.sampled_from(["a", "b", "sfzh", "sjhm"]),
                                st.one_of(st.none(), st.integers(), st.text(max_size=20)), max_size=4), max_size=20),
       st.integers(0, 20))
def test_merged_profilers_equal_one_pass(records, cut):
    one = Profiler(as_of=dt.date(2026, 1, 1))
    for r in records:
        one.add(r)
    left, right = Profiler(as_of=dt.date(2026, 1, 1)), Profiler(as_of=dt.date(2026, 1, 1))
    for r in records[:cut]:
        left.add(r)
    for r in records[cut:]:
        right.add(r)
    assert left.merge(right).result() == one.result()


def test_iter_fields_order():
    assert list(iter_fields({"b": 1, "a": [2, {"c": 3}]})) == [("b", 1), ("a[0]", 2), ("a[1].c", 3)]


def test_opaque_field_classified_by_values_alone():
    rows = [{"f0": n, "f1": e, "f2": "备注"} for n, e in zip(["张伟", "欧阳娜娜", "李娜", "王芳", "刘洋"], ["汉族", "回族", "汉族", "满族", "汉"], strict=True)]
    p = pg.profile(rows)
    assert p.fields["f0"].entity == "PERSON_NAME"
    assert p.fields["f1"].entity == "ETHNICITY"
    assert p.fields["f1"].sensitive is True
    assert p.fields["f2"].entity is None
