"""VIN: ISO 3779 check character, alphabet without I/O/Q, parse, offsets, linear time."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import pipl_guard
from pipl_guard.detect import vin

FILLER = "的了吗呢吧啊很好看书写字跑步唱歌今天"
filler = st.text(alphabet=FILLER, max_size=12)
ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"
# ISO 3779 transliteration, as published (digits are themselves)
TRANSLIT = dict(zip("ABCDEFGHJKLMNPRSTUVWXYZ", [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9],
                    strict=True)) | {d: int(d) for d in "0123456789"}


@st.composite
def vins(draw: st.DrawFn) -> str:
    raw = draw(st.text(ALPHABET, min_size=9, max_size=9)) + draw(st.sampled_from(YEAR_CODES))
    raw += draw(st.text(ALPHABET, min_size=3, max_size=3)) + draw(st.text("0123456789", min_size=4, max_size=4))
    v = raw[:8] + vin.calc_check_digit(raw) + raw[9:]
    # a token needs a letter to be scanned; all-digit VINs are valid but are not searched in free text
    if not any(c.isalpha() for c in v):
        v = "L" + v[1:]
        v = v[:8] + vin.calc_check_digit(v) + v[9:]
    return v


def found(text: str) -> list[tuple[int, int]]:
    return [(f.start, f.end) for f in pipl_guard.scan_text(text) if f.entity == "VIN"]


def test_published_examples() -> None:
    # 1M8GDM9AXKP042788: the worked example of the check-digit calculation (check X);
    # 1HGCM82633A004352: a widely used sample Honda VIN
    for v in ["1M8GDM9AXKP042788", "1HGCM82633A004352", "1m8gdm9axkp042788", "１Ｍ８ＧＤＭ９ＡＸＫＰ０４２７８８"]:
        assert vin.is_valid(v), v
    assert vin.calc_check_digit("1M8GDM9A0KP042788") == "X"


def test_invalid() -> None:
    for v in ["1M8GDM9A1KP042788", "1M8GDM9AXKP04278", "1M8GDM9AXKP0427888", "IM8GDM9AXKP042788",
              "1M8GDM9AXKP04278Q", "1M8GDO9AXKP042788", ""]:
        assert not vin.is_valid(v), v


def test_layout_rules() -> None:
    # position 10 is a model-year character (no U, Z, 0); the last four are digits
    for ch in "UZ0":
        v = "1M8GDM9A0" + ch + "P042788"
        assert not vin.is_valid(v[:8] + vin.calc_check_digit(v) + v[9:])
    v = "1M8GDM9A0KP04278A"
    assert not vin.is_valid(v[:8] + vin.calc_check_digit(v) + v[9:])


def test_parse() -> None:
    p = vin.parse("1M8GDM9AXKP042788")
    assert p["wmi"] == "1M8" and p["vds"] == "GDM9AX" and p["vis"] == "KP042788"
    assert p["model_year_code"] == "K" and p["model_years"] == [1989, 2019]
    assert p["continent"] == "North America" and p["country"] == "United States"
    assert vin.parse("LFV3A23C6E3000000")["country"] == "China"
    assert vin.parse("too short") == {}


def test_find_in_text() -> None:
    text = "车架号：1M8GDM9AXKP042788，车辆识别代号１ＨＧＣＭ８２６３３Ａ００４３５２。"
    assert found(text) == [(4, 21), (28, 45)]


def test_not_inside_longer_codes() -> None:
    for text in ["车架号X1M8GDM9AXKP042788", "车架号1M8GDM9AXKP0427889", "VIN-1M8GDM9AXKP042788",
                 "1M8GDM9AXKP042788.png", "id_1M8GDM9AXKP042788"]:
        assert found(text) == [], text


def test_decoys() -> None:
    for text in ["型号iPhone13 Pro Max", "订单ABCDEFGH12345678", "序列号SN20231122ABCDEFG", "HELLOWORLD1234567"]:
        assert found(text) == [], text


@settings(max_examples=200, deadline=None)
@given(pre=filler, value=vins(), post=filler)
def test_found_with_exact_offsets(pre: str, value: str, post: str) -> None:
    text = pre + value + post
    assert found(text) == [(len(pre), len(pre) + 17)]
    assert vin.parse(value)["wmi"] == value[:3]


@settings(max_examples=200, deadline=None)
@given(value=vins(), data=st.data())
def test_single_corruption_rejected(value: str, data: st.DataObject) -> None:
    # weights are nonzero off position 9 and below 11: any change of transliterated value is caught
    i = data.draw(st.integers(0, 16).filter(lambda k: k != 8))
    pool = [c for c in ALPHABET if TRANSLIT[c] != TRANSLIT[value[i]]]
    if i == 9:
        pool = [c for c in pool if c in YEAR_CODES]
    elif i >= 13:
        pool = [c for c in pool if c.isdigit()]
    bad = value[:i] + data.draw(st.sampled_from(pool)) + value[i + 1 :]
    assert not vin.is_valid(bad)
    assert found("车架号" + bad + "。") == []


@settings(max_examples=100, deadline=None)
@given(value=vins(), data=st.data())
def test_wrong_check_character_rejected(value: str, data: st.DataObject) -> None:
    bad = value[:8] + data.draw(st.sampled_from([c for c in "0123456789X" if c != value[8]])) + value[9:]
    assert not vin.is_valid(bad)
    assert found(bad) == []


@settings(max_examples=100, deadline=None)
@given(value=vins(), forbidden=st.sampled_from("IOQ"), i=st.integers(0, 16))
def test_forbidden_letters_rejected(value: str, forbidden: str, i: int) -> None:
    assert not vin.is_valid(value[:i] + forbidden + value[i + 1 :])


def test_linear_on_adversarial_input() -> None:
    for text in ["1M8GDM9AXKP04278" * 60_000, "A1" * 500_000, ("1M8GDM9AXKP042788-") * 50_000]:
        assert isinstance(vin.find(text), list)
