"""ETHNICITY: the 56 groups, cue-gated text detection, bare values, codes."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pipl_guard as pg
from pipl_guard.detect import ethnicity


def found(text: str) -> list[str]:
    return [f.text for f in pg.scan_text(text) if f.entity == "ETHNICITY"]


def test_closed_list_of_56_groups() -> None:
    groups = ethnicity.groups()
    assert len(groups) == 56
    assert len({g[0] for g in groups}) == 56
    assert [g[0] for g in groups] == [f"{i:02d}" for i in range(1, 57)]
    assert all(g[1].endswith("族") for g in groups)
    assert groups[0] == ("01", "汉族", "Han")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("性别：男，民族：汉族，籍贯湖南", "汉族"),
        ("民族:回", "回"),
        ("民族 土家族；", "土家族"),
        ("族别：维吾尔族", "维吾尔族"),
    ],
)
def test_after_cues(text: str, value: str) -> None:
    assert found(text) == [value]


@pytest.mark.parametrize(
    "text",
    ["中华民族伟大复兴", "民族满意度", "汉族人口最多", "民族：回家了", "藏族舞蹈表演", "ethnicity: Handbook"],
)
def test_not_without_cue_or_standalone_value(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize("value", ["汉", "汉族", "蒙古族", "蒙古", "Han", "Uygur", "柯尔克孜族"])
def test_bare_values(value: str) -> None:
    assert ethnicity.is_valid(value)


@pytest.mark.parametrize("value", ["01", "57", "火星族", "", "中华"])
def test_bare_non_values_and_codes(value: str) -> None:
    assert not ethnicity.is_valid(value)


def test_codes_decode_but_need_a_field_name() -> None:
    assert ethnicity.is_code("05") and not ethnicity.is_code("57")
    assert ethnicity.parse("05") == {"code": "05", "name": "维吾尔族", "romanized": "Uygur"}
    assert ethnicity.parse("汉") == ethnicity.parse("汉族") == ethnicity.parse("01")


@given(st.sampled_from(ethnicity.groups()), st.booleans(), st.sampled_from(["民族：", "民族:", "族别 "]))
def test_every_group_is_found_after_a_cue(group: tuple[str, str, str], short: bool, cue: str) -> None:
    value = group[1][:-1] if short else group[1]
    text = f"姓名：张伟，{cue}{value}，"
    hits = [(f.start, f.end) for f in pg.scan_text(text) if f.entity == "ETHNICITY"]
    start = len("姓名：张伟，") + len(cue)
    assert hits == [(start, start + len(value))]
