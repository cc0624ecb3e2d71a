import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import pipl_guard as pg
from pipl_guard.detect import landline

FW = str.maketrans("0123456789+-", "０１２３４５６７８９＋－")
FILLER = "我的是请在这里用了和也都会把给对从就"
AREAS = [
    "10",
    "20",
    "21",
    "22",
    "23",
    "24",
    "25",
    "27",
    "28",
    "29",
    "311",
    "351",
    "371",
    "431",
    "451",
    "471",
    "531",
    "551",
    "571",
    "591",
    "731",
    "755",
    "757",
    "769",
    "871",
    "898",
    "931",
    "951",
    "991",
]


def found(text: str) -> list[tuple[int, int]]:
    return [(f.start, f.end) for f in pg.scan_text(text) if f.entity == "CN_LANDLINE"]


@pytest.mark.parametrize(
    "written",
    [
        "010-12345678",
        "(010)12345678",
        "（0755）1234 5678",
        "(0755) 12345678",
        "0755 1234 5678",
        "0755-8888 6666",
        "+86 10 1234 5678",
        "+86-755-12345678",
        "0086 755 12345678",
        "(+86) 10 1234 5678",
        "+86 1012345678",
        "０１０－１２３４５６７８",
        "＋８６ １０ １２３４ ５６７８",
    ],
)
def test_written_forms_found_with_exact_span(written):
    text = f"办公地点联系：{written}。"
    assert found(text) == [(7, 7 + len(written))]
    assert landline.is_valid(written)


def test_parse_area_and_city():
    attrs = landline.parse("（0755）1234 5678")
    assert attrs["area_code"] == "0755"
    assert attrs["subscriber"] == "12345678"
    assert attrs["city"] == "广东省深圳市"
    assert landline.parse("+86 10 1234 5678")["area_code"] == "010"
    assert landline.format("+86 10 1234 5678") == "010-12345678"


def test_extension_is_not_part_of_the_number():
    text = "总机010-12345678-806"
    assert found(text) == [(2, 14)]


def test_bare_run_needs_context():
    assert found("编号07551234567801") == []  # too long anyway
    assert found("编号075512345678") == []
    assert found("座机075512345678") == [(2, 14)]


@pytest.mark.parametrize(
    "value",
    [
        "400-800-1234",  # service number
        "800-820-8820",
        "138-1234-5678",  # a mobile
        "0571-8765432",  # Hangzhou subscribers have 8 digits
        "010-1234567",  # Beijing subscribers have 8 digits
        "099-12345678",  # no area code 099
        "12345678",  # no area code
    ],
)
def test_not_landlines(value):
    assert not landline.is_valid(value)
    assert found(f"电话{value}") == []


@pytest.mark.parametrize(
    "decoy",
    ["订单号202311221530451234", "日期2023-10-12", "时间戳1700000000000", "金额1,234.56元", "版本10.2.3"],
)
def test_decoys(decoy):
    assert found(decoy) == []


def test_inside_longer_run_not_found():
    assert found("流水号9010-12345678") == []
    assert found("流水号1 010 1234 5678") == []


numbers = st.builds(
    lambda area, sub: (area, f"{sub:08d}"), st.sampled_from(AREAS), st.integers(20_000_000, 89_999_999)
)


@given(
    numbers,
    st.sampled_from(["0{a}-{s}", "(0{a}){s}", "（0{a}）{s}", "0{a} {s}", "+86 {a} {s}", "+86-{a}-{s}"]),
    st.text(alphabet=FILLER, max_size=10),
    st.text(alphabet=FILLER, max_size=10),
    st.booleans(),
)
def test_generated_landlines_found(number, form, before, after, fullwidth):
    area, sub = number
    written = form.format(a=area, s=sub)
    assume(landline.is_valid(written))
    written = written.translate(FW) if fullwidth else written
    text = before + written + after
    assert found(text) == [(len(before), len(before) + len(written))]
    assert landline.parse(written)["area_code"] == "0" + area


def test_adversarial_megabyte_returns():
    for text in ("0" * 1_000_000, "(010)" * 200_000, "+86 " * 250_000, "010-1-" * 160_000):
        assert isinstance(landline.find(text), list)


def test_city_table_agrees_with_phonenumbers_geocoder():
    import phonenumbers
    from phonenumbers import geocoder

    for area in ("10", "21", "755", "571", "898"):
        num = phonenumbers.PhoneNumber(country_code=86, national_number=int(area + "23456789"))
        assert landline.parse(f"0{area}-23456789")["city"] == geocoder.description_for_number(num, "zh")


@given(numbers, st.sampled_from("123456789"))
def test_never_found_inside_a_longer_digit_run(number, extra):
    area, sub = number
    assert found(f"电话{extra}0{area}{sub}") == []
    assert found(f"电话0{area}-{sub}{extra}") == []
