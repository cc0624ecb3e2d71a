import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pipl_guard as pg
from pipl_guard.detect import regions, resident_id

PUBLISHED = "11010519491231002X"  # GB 11643-1999's example


def make_id(region: str, birth: dt.date, seq: int) -> str:
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + resident_id.check_character(body)


ids = st.builds(
    make_id,
    st.sampled_from(regions.county_codes()),
    st.dates(dt.date(1900, 1, 1), dt.date.today()),
    st.integers(0, 999),
)


def test_published_example_is_valid_and_parsed():
    assert resident_id.is_valid(PUBLISHED)
    attrs = resident_id.parse(PUBLISHED, today=dt.date(2026, 11, 23))
    assert attrs["birth_date"] == dt.date(1949, 12, 31)
    assert attrs["gender"] == "female"
    assert attrs["region_code"] == "110105"
    assert attrs["region"] == "北京市朝阳区"
    assert attrs["age"] == 76
    assert attrs["is_minor"] is False


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("110105194912310021", "check digit"),
        ("110105194902300029", "birth date"),  # 30 February
        ("999999194912310021", "region code"),
        ("11010519491231002", "length"),
        ("1101051949123100AX", "format"),
    ],
)
def test_invalid_ids_name_the_reason(value, reason):
    assert resident_id.problem(value) == reason
    assert not resident_id.is_valid(value)


def test_future_birth_date_is_rejected():
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    value = make_id("110105", tomorrow, 1)
    assert resident_id.problem(value) == "birth date in the future"
    assert pg.scan_text(f"身份证号{value}") == []


def test_abolished_region_code_still_valid():
    # 110103 (崇文区) was abolished in 2010; IDs issued under it stay valid, whatever the birth year
    late = make_id("110103", dt.date(2015, 5, 1), 12)
    assert resident_id.is_valid(late)
    # 110118 (密云区) did not exist before 2015; someone born earlier may still hold it
    early = make_id("110118", dt.date(1960, 5, 1), 12)
    assert resident_id.is_valid(early)


def test_residence_permit_regions():
    value = make_id("810000", dt.date(1990, 1, 1), 3)
    assert resident_id.is_valid(value)
    assert resident_id.parse(value)["region"] == "香港特别行政区"


def test_glued_to_chinese_and_lowercase_x():
    text = f"身份证{PUBLISHED.lower()}号"
    (f,) = pg.scan_text(text)
    assert (f.entity, text[f.start : f.end]) == ("CN_RESIDENT_ID", PUBLISHED.lower())


def test_fullwidth_and_grouped_forms_keep_offsets():
    fw = PUBLISHED.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    for written in (fw, "110105 19491231 002X", "110105-19491231-002X"):
        text = f"证件号码：{written}，谢谢"
        (f,) = pg.scan_text(text)
        assert f.entity == "CN_RESIDENT_ID"
        assert text[f.start : f.end] == written == f.text


def test_minor_flag_at_a_given_day():
    birth = dt.date(2012, 6, 15)
    value = make_id("310101", birth, 5)
    assert resident_id.parse(value, today=dt.date(2026, 6, 14))["is_minor"] is True
    assert resident_id.parse(value, today=dt.date(2026, 6, 15))["is_minor"] is False


def test_order_numbers_and_timestamps_are_not_ids():
    text = "订单号202311221530451234，时间戳20221122153045123，快递单号SF1234567890123"
    assert [f.entity for f in pg.scan_text(text) if f.entity == "CN_RESIDENT_ID"] == []


def test_id_inside_a_longer_number_is_not_found():
    assert [f for f in pg.scan_text("编号9" + PUBLISHED + "7") if f.entity == "CN_RESIDENT_ID"] == []


@given(ids, st.text(alphabet="的一是在不了有和人这中大为上个国我以要他", max_size=20),
       st.text(alphabet="，。的了在", max_size=5))
def test_generated_ids_are_found_with_exact_offsets(value, before, after):
    text = before + "身份证号" + value + after
    found = [f for f in pg.scan_text(text) if f.entity == "CN_RESIDENT_ID"]
    assert len(found) == 1
    assert (found[0].start, found[0].end) == (len(before) + 4, len(before) + 4 + 18)
    assert found[0].text == value


@given(ids, st.integers(0, 16), st.integers(1, 9))
def test_single_digit_corruptions_are_not_found(value, pos, delta):
    digit = (int(value[pos]) + delta) % 10
    corrupted = value[:pos] + str(digit) + value[pos + 1 :]
    # MOD 11-2 detects every single-digit substitution
    assert not resident_id.is_valid(corrupted)
    assert [f for f in pg.scan_text("身份证号" + corrupted) if f.entity == "CN_RESIDENT_ID"] == []


@given(ids)
def test_repr_never_shows_the_full_value(value):
    (f,) = [f for f in pg.scan_text("身份证号" + value) if f.entity == "CN_RESIDENT_ID"]
    assert value not in repr(f)
    assert value not in str(f)
