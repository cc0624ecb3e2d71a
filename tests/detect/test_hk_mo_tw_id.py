"""HK_ID, TW_ID (published check digits) and MO_ID (shape + context)."""

from __future__ import annotations

import string

from hypothesis import assume, given, settings
from hypothesis import strategies as st

import pipl_guard
from pipl_guard.detect import hk_mo_tw_id as ids
from pipl_guard.detect.registry import value_validator

FILLER = "的了吗呢吧啊很好看书写字跑步唱歌今天"
filler = st.text(alphabet=FILLER, max_size=12)
UPPER = string.ascii_uppercase
# letter values as published (A=10 .. Z=35) for the HK check; used to pick corruptions the check must catch
HK_VALUE = {c: i + 10 for i, c in enumerate(UPPER)} | {d: int(d) for d in string.digits}
TW_LETTER = dict(zip(UPPER, [10, 11, 12, 13, 14, 15, 16, 17, 34, 18, 19, 20, 21, 22, 35, 23, 24, 25, 26, 27,
                             28, 29, 32, 30, 31, 33], strict=True))
TW_WEIGHTS = [1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1]


def found(text: str, entity: str) -> list[tuple[int, int]]:
    return [(f.start, f.end) for f in pipl_guard.scan_text(text) if f.entity == entity]


@st.composite
def hk_ids(draw: st.DrawFn) -> str:
    prefix = draw(st.text(UPPER, min_size=1, max_size=2))
    body = prefix + draw(st.text(string.digits, min_size=6, max_size=6))
    return body + ids.hk_check_character(body)


@st.composite
def tw_ids(draw: st.DrawFn) -> str:
    body = draw(st.sampled_from(UPPER)) + draw(st.sampled_from("1289"))
    body += draw(st.text(string.digits, min_size=7, max_size=7))
    return body + ids.tw_check_digit(body)


# --- published examples ---------------------------------------------------------------------------------


def test_hk_published_examples() -> None:
    # A123456(3): the Immigration Department's sample; CA182361(1): iLexN/HKID-Check-Digit README;
    # G123456(A): a check value of 10 is written A
    for v in ["A123456(3)", "CA182361(1)", "G123456(A)", "A1234563", "a123456 (3)", "Ａ１２３４５６（３）"]:
        assert ids.is_hk_id(v), v
    assert ids.hk_check_character("A123456") == "3"
    assert ids.format_hk_id("CA1823611") == "CA182361(1)"


def test_tw_published_example() -> None:
    # A123456789: the sample number printed on Taiwan's specimen ID card
    assert ids.is_tw_id("A123456789")
    assert ids.parse("A123456789") == {"entity": "TW_ID", "gender": "male", "foreign_resident": False}
    assert not ids.is_tw_id("A123456788")
    assert not ids.is_tw_id("A323456789")  # second digit must be 1, 2, 8 or 9
    resident = "F9" + "1234567"
    resident += ids.tw_check_digit(resident)
    assert ids.parse(resident) == {"entity": "TW_ID", "gender": "female", "foreign_resident": True}
    assert [f.attributes for f in pipl_guard.scan_text("证号" + resident)] == [
        {"gender": "female", "foreign_resident": True}
    ]


def test_mo_shape() -> None:
    for v in ["1234567(8)", "5215299(8)", "7123456(0)", "12345678"]:
        assert ids.is_mo_id(v), v
    for v in ["2234567(8)", "123456(7)", "123456789", "A234567(8)"]:
        assert not ids.is_mo_id(v), v


def test_validators_table_matches_registry() -> None:
    for entity in ("HK_ID", "TW_ID", "MO_ID"):
        assert value_validator(entity) is ids.VALIDATORS[entity]
    assert ids.is_valid("A123456(3)") and ids.is_valid("A123456789") and not ids.is_valid("hello")


def test_format() -> None:
    assert ids.format("a1234563") == "A123456(3)"
    assert ids.format("12345678") == "1234567(8)"
    assert ids.format("A123456789") == "A123456789"


# --- text scanning -------------------------------------------------------------------------------------


def test_find_forms() -> None:
    text = "香港身份证A123456(3)，台湾身分證A123456789，澳门身份证1234567(8)"
    assert found(text, "HK_ID") == [(5, 15)]
    assert found(text, "TW_ID") == [(21, 31)]
    assert found(text, "MO_ID") == [(37, 47)]


def test_hk_separated_and_full_width() -> None:
    assert found("证件 A123456 (3) 已核", "HK_ID") == [(3, 14)]
    assert found("证件Ａ１２３４５６（３）已核", "HK_ID") == [(2, 12)]
    assert found("证件CA182361(1)", "HK_ID") == [(2, 13)]


def test_mo_needs_context() -> None:
    assert found("编号1234567(8)", "MO_ID") == []
    assert found("澳门身份证：1234567(8)", "MO_ID") == [(6, 16)]
    # without parentheses only right after the cue word
    assert found("澳门身份证号码：12345678。", "MO_ID") == [(8, 16)]
    assert found("澳門身份證 51234567", "MO_ID") == [(6, 14)]
    assert found("编号12345678", "MO_ID") == []
    assert found("澳门身份证号码：22345678", "MO_ID") == []
    assert found("澳门身份证号码：123456789", "MO_ID") == []
    assert found("澳门身份证已办，订单12345678", "MO_ID") == []


def test_not_inside_longer_codes() -> None:
    for text in ["XA123456(3)", "A123456(3)B", "SN-A1234563", "ZA123456789", "A1234567890", "A123456789-X",
                 "1A123456789"]:
        assert found(text, "HK_ID") == [] and found(text, "TW_ID") == [], text
    assert found("澳门身份证X1234567(8)", "MO_ID") == []
    assert found("澳门身份证11234567(8)", "MO_ID") == []


def test_decoys() -> None:
    for text in ["型号iPhone13", "产品编号AB12345", "model ABC123456", "HELLO WORLD 2023", "订单A12345678"]:
        assert pipl_guard.scan_text(text, entities=["HK_ID", "TW_ID", "MO_ID"]) == [], text


# --- properties ----------------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(pre=filler, value=hk_ids(), post=filler, paren=st.booleans())
def test_hk_found_with_exact_offsets(pre: str, value: str, post: str, paren: bool) -> None:
    shown = ids.format_hk_id(value) if paren else value
    text = pre + "香港身份证" + shown + post
    start = len(pre) + 5
    assert found(text, "HK_ID") == [(start, start + len(shown))]
    assert ids.is_hk_id(shown)


@settings(max_examples=200, deadline=None)
@given(value=hk_ids(), data=st.data())
def test_hk_single_corruption_rejected(value: str, data: st.DataObject) -> None:
    # weights 9..2 and values below 36: a change is caught unless it moves the value by a multiple of 11
    i = data.draw(st.integers(0, len(value) - 1))
    old = value[i]
    if i == len(value) - 1:
        pool = [c for c in "0123456789A" if c != old]
    elif old.isdigit():
        pool = [c for c in string.digits if c != old]
    else:
        pool = [c for c in UPPER if (HK_VALUE[c] - HK_VALUE[old]) % 11 != 0]
    bad = value[:i] + data.draw(st.sampled_from(pool)) + value[i + 1 :]
    assert not ids.is_hk_id(bad)
    assert found("香港身份证" + ids.format_hk_id(bad) + "。", "HK_ID") == []


@settings(max_examples=150, deadline=None)
@given(pre=filler, value=tw_ids(), post=filler)
def test_tw_found_with_exact_offsets(pre: str, value: str, post: str) -> None:
    text = pre + value + post
    assert found(text, "TW_ID") == [(len(pre), len(pre) + 10)]
    assert ids.is_tw_id(value)


@settings(max_examples=200, deadline=None)
@given(value=tw_ids(), data=st.data())
def test_tw_single_corruption_rejected(value: str, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, 9))
    if i == 0:
        old = TW_LETTER[value[0]]
        # the letter's two digits carry weights 1 and 9: the sum moves by (tens + 9 * units) difference
        pool = [c for c in UPPER
                if ((TW_LETTER[c] // 10 + 9 * (TW_LETTER[c] % 10)) - (old // 10 + 9 * (old % 10))) % 10 != 0]
    else:
        w = TW_WEIGHTS[i + 1]
        pool = [d for d in string.digits if ((int(d) - int(value[i])) * w) % 10 != 0]
        if i == 1:
            pool = [d for d in pool if d in "1289"]
    assume(pool)
    bad = value[:i] + data.draw(st.sampled_from(pool)) + value[i + 1 :]
    assert not ids.is_tw_id(bad)
    assert found("台湾身份证" + bad + "。", "TW_ID") == []


@settings(max_examples=100, deadline=None)
@given(pre=filler, first=st.sampled_from("157"), rest=st.text(string.digits, min_size=7, max_size=7),
       post=filler)
def test_mo_found_with_context(pre: str, first: str, rest: str, post: str) -> None:
    shown = f"{first}{rest[:6]}({rest[6]})"
    text = pre + "澳门身份证" + shown + post
    start = len(pre) + 5
    assert found(text, "MO_ID") == [(start, start + 10)]
    assert found(pre + shown + post, "MO_ID") == []
    bare = first + rest
    assert found(pre + "澳门身份证：" + bare + post, "MO_ID") == [(start + 1, start + 9)]
    assert found(pre + bare + post, "MO_ID") == []


def test_linear_on_adversarial_input() -> None:
    for text in ["澳门身份证" * 200_000, "澳门身份证：" + " " * 1_000_000, "A123456(" * 150_000, "A1" * 500_000, "1234567(" * 150_000, "(3)" * 400_000,
                 "A123456 (3" * 100_000]:
        assert isinstance(ids.find(text), list)
