"""DATE_OF_BIRTH: formats after cues, no bare dates in text, field values, age and minor flags."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pipl_guard as pg
from pipl_guard.detect import date_of_birth


def dobs_in(text: str) -> list[str]:
    return [f.text for f in pg.scan_text(text) if f.entity == "DATE_OF_BIRTH"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("出生日期：1990年1月2日，籍贯湖南", "1990年1月2日"),
        ("生日 1990/1/2", "1990/1/2"),
        ("DOB: 1990-01-02", "1990-01-02"),
        ("born 19900102 in Hunan", "19900102"),
        ("他生于1990.01.02。", "1990.01.02"),
        ("出生年月:1985年6月", "1985年6月"),
        ("出生于２００１年１２月３日", "２００１年１２月３日"),
        ("张伟，男，1990年1月2日出生，汉族", "1990年1月2日"),
        ("1985年6月 出生于湖南", "1985年6月"),
    ],
)
def test_dates_after_cues(text: str, value: str) -> None:
    assert dobs_in(text) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "下单日期2023-05-06",
        "1990年1月2日晴",
        "出生日期：1990年13月1日",
        "生日：2990-01-01",
        "出生日期 1899-12-31",
        "reborn 1990-01-02",
    ],
)
def test_not_birth_dates(text: str) -> None:
    assert dobs_in(text) == []


def test_attributes() -> None:
    p = date_of_birth.parse("2015-06-01", today=dt.date(2024, 1, 1))
    assert p == {"birth_date": dt.date(2015, 6, 1), "age": 8, "is_minor": True}
    assert date_of_birth.parse("2010-01-01", today=dt.date(2024, 1, 1))["is_minor"] is False
    assert date_of_birth.parse("2010-01-02", today=dt.date(2024, 1, 1))["is_minor"] is True
    assert date_of_birth.parse("not a date") == {}


@pytest.mark.parametrize(
    "value", ["1990-01-02", "19900102", "1990/1/2", "1990年1月2日", "1990-01-02T00:00:00", "2000.02.29"]
)
def test_valid_field_values(value: str) -> None:
    assert date_of_birth.is_valid(value)


@pytest.mark.parametrize("value", ["1990-02-30", "2990-01-02", "1899-01-01", "hello", "2001-02-29", "123"])
def test_invalid_field_values(value: str) -> None:
    assert not date_of_birth.is_valid(value)


fmts = st.sampled_from(
    ["{y}年{m}月{d}日", "{y}-{m:02d}-{d:02d}", "{y}/{m}/{d}", "{y}.{m:02d}.{d:02d}", "{y}{m:02d}{d:02d}"]
)
cues = st.sampled_from(["出生日期：", "出生年月日 ", "生日:", "出生于", "DOB ", "Date of birth: "])


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date.today()), fmts, cues)
def test_generated_dates_after_cues_are_found_with_their_date(d: dt.date, fmt: str, cue: str) -> None:
    value = fmt.format(y=d.year, m=d.month, d=d.day)
    text = "资料：" + cue + value + "，备注无"
    found = [f for f in pg.scan_text(text) if f.entity == "DATE_OF_BIRTH"]
    assert [(f.start, f.end) for f in found] == [
        (len("资料：") + len(cue), len("资料：") + len(cue) + len(value))
    ]
    assert found[0].attributes["birth_date"] == d


@given(st.dates(min_value=dt.date.today() + dt.timedelta(days=1), max_value=dt.date(2099, 12, 31)))
def test_future_dates_are_never_birth_dates(d: dt.date) -> None:
    assert not date_of_birth.is_valid(d.isoformat())
    assert dobs_in(f"出生日期：{d.isoformat()}") == []
