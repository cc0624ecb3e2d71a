import pytest
from hypothesis import given
from hypothesis import strategies as st

import pipl_guard as pg
from pipl_guard.detect import mobile

FW = str.maketrans("0123456789+-", "０１２３４５６７８９＋－")


@pytest.mark.parametrize(
    "written",
    [
        "13812345678",
        "+8613812345678",
        "+86 138 1234 5678",
        "+86-138-1234-5678",
        "0086 13812345678",
        "(86)13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "１３８１２３４５６７８",
        "＋８６ １３８１２３４５６７８",
    ],
)
def test_written_forms_are_found_with_exact_span(written):
    text = f"联系电话：{written}。"
    found = [f for f in pg.scan_text(text) if f.entity == "CN_MOBILE"]
    assert len(found) == 1
    assert found[0].text == written
    assert text[found[0].start : found[0].end] == written


@pytest.mark.parametrize("value", ["15412345678", "19412345678", "12012345678", "1381234567", "138123456789"])
def test_unallocated_or_wrong_length_is_not_a_mobile(value):
    assert not mobile.is_valid(value)
    assert [f for f in pg.scan_text(f"电话{value}") if f.entity == "CN_MOBILE"] == []


def test_glued_to_chinese_characters():
    (f,) = pg.scan_text("我的手机13812345678谢谢")
    assert (f.entity, f.start, f.end) == ("CN_MOBILE", 4, 15)


def test_mobile_inside_longer_digit_run_is_not_found():
    assert pg.scan_text("流水号2023138123456789901") == []


prefixes = st.sampled_from(["130", "135", "138", "150", "159", "166", "177", "180", "186", "199", "147"])


@given(prefixes, st.integers(0, 99_999_999), st.sampled_from(["", "+86", "+86 ", "0086"]),
       st.booleans(), st.text(alphabet="我的号码是请拨打，。", max_size=12))
def test_generated_mobiles_found(prefix, rest, country, fullwidth, before):
    number = f"{country}{prefix}{rest:08d}"
    written = number.translate(FW) if fullwidth else number
    text = before + written + "。"
    found = [f for f in pg.scan_text(text) if f.entity == "CN_MOBILE"]
    assert [(f.start, f.end) for f in found] == [(len(before), len(before) + len(written))]
    assert mobile.is_valid(written)
