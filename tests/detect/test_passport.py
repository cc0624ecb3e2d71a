"""CN_PASSPORT: shapes, context gating, offsets on full-width and glued input, linear time."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

import pipl_guard
from pipl_guard.detect import passport

FILLER = "的了吗呢吧啊很好看书写字跑步唱歌今天"
filler = st.text(alphabet=FILLER, max_size=12)
NOT_IO = "ABCDEFGHJKLMNPQRSTUVWXYZ"


@st.composite
def passports(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["E8", "EL7", "G8", "DE", "SE", "PE"]))
    if kind == "E8":
        return "E" + draw(st.text(string.digits, min_size=8, max_size=8))
    if kind == "EL7":
        return "E" + draw(st.sampled_from(NOT_IO)) + draw(st.text(string.digits, min_size=7, max_size=7))
    if kind == "G8":
        return "G" + draw(st.text(string.digits, min_size=8, max_size=8))
    return kind + draw(st.text(string.digits, min_size=7, max_size=7))


def found(text: str) -> list[tuple[int, int]]:
    return [(f.start, f.end) for f in pipl_guard.scan_text(text) if f.entity == "CN_PASSPORT"]


def test_published_shapes_valid() -> None:
    for v in ["E12345678", "EA1234567", "EH9876543", "G12345678", "DE1234567", "SE1234567", "PE1234567"]:
        assert passport.is_valid(v), v


def test_invalid_shapes() -> None:
    for v in ["E1234567", "E123456789", "EI1234567", "EO1234567", "A12345678", "GE1234567",
              "DE12345678", "XE1234567", "E1234567A", ""]:
        assert not passport.is_valid(v), v


def test_compact_full_width_and_case() -> None:
    assert passport.compact("ｅ１２３４ ５６７８") == "E12345678"
    assert passport.is_valid("ｅ１２３４５６７８")


def test_parse_kinds() -> None:
    assert passport.parse("E12345678") == {"kind": "ordinary"}
    assert passport.parse("G12345678") == {"kind": "ordinary_old"}
    assert passport.parse("SE1234567") == {"kind": "service"}
    assert passport.parse("PE1234567") == {"kind": "official"}
    assert passport.parse("X") == {}


def test_needs_context() -> None:
    assert found("编号E12345678已收到") == []
    assert found("护照号码：E12345678，谢谢") == [(5, 14)]
    assert found("passport E12345678") == [(9, 18)]
    assert found("Passport No.E12345678") == [(12, 21)]


def test_full_width_offsets() -> None:
    text = "我的护照是Ｅ１２３４５６７８。"
    assert found(text) == [(5, 14)]
    assert text[5:14] == "Ｅ１２３４５６７８"


def test_not_inside_longer_codes() -> None:
    for text in ["护照XE12345678", "护照E123456789", "护照E12345678A", "护照SN-E12345678",
                 "护照E12345678.jpg", "护照E12345678_v2", "护照号a@E12345678"]:
        assert found(text) == [], text


def test_decoys() -> None:
    for text in ["护照 iPhone13 Pro", "护照型号E123", "护照 EXAMPLE1", "订单号G2023112215", "护照 passport"]:
        assert found(text) == [], text


@settings(max_examples=150, deadline=None)
@given(pre=filler, value=passports(), post=filler)
def test_found_in_chinese_text_with_exact_offsets(pre: str, value: str, post: str) -> None:
    text = pre + "护照" + value + post
    start = len(pre) + 2
    assert found(text) == [(start, start + len(value))]
    assert passport.is_valid(value)


@settings(max_examples=100, deadline=None)
@given(pre=filler, value=passports(), post=filler)
def test_without_context_not_reported(pre: str, value: str, post: str) -> None:
    assert found(pre + value + post) == []
    # the raw detector still sees it, with a score below the default threshold
    spans = passport.find(pre + value + post)
    assert [(s.start, s.end) for s in spans] == [(len(pre), len(pre) + len(value))]
    assert spans[0].score < 0.5


@settings(max_examples=100, deadline=None)
@given(value=passports(), extra=st.sampled_from(list(string.ascii_letters + string.digits)))
def test_extended_token_never_reported(value: str, extra: str) -> None:
    assert passport.find("护照" + value + extra) == []
    assert passport.find("护照" + extra + value) == []


def test_linear_on_adversarial_input() -> None:
    for text in ["E1" * 500_000, "护照E" * 300_000, ("E1234567" + "护") * 120_000, "DE" * 500_000]:
        assert isinstance(passport.find(text), list)
