"""CN_HMT_PERMIT: 回乡证, 往来港澳/台湾通行证 and the cue-gated 8-digit 台胞证."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

import pipl_guard
from pipl_guard.detect import hmt_permit

FILLER = "的了吗呢吧啊很好看书写字跑步唱歌今天"
filler = st.text(alphabet=FILLER, max_size=12)
NOT_IO = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def nd(n: int) -> st.SearchStrategy[str]:
    return st.text(string.digits, min_size=n, max_size=n)


letter_permits = st.one_of(
    st.tuples(st.sampled_from("HM"), nd(8)).map("".join),
    st.tuples(st.sampled_from("HM"), nd(10)).map("".join),
    st.tuples(st.just("C"), nd(8)).map("".join),
    st.tuples(st.just("C"), st.sampled_from(NOT_IO), nd(7)).map("".join),
    st.tuples(st.sampled_from("WL"), nd(8)).map("".join),
)


def found(text: str) -> list[tuple[int, int]]:
    return [(f.start, f.end) for f in pipl_guard.scan_text(text) if f.entity == "CN_HMT_PERMIT"]


def test_valid_shapes() -> None:
    for v in ["H12345678", "M12345678", "H1234567801", "C12345678", "CA1234567", "W12345678",
              "L12345678", "12345678", "ｈ１２３４５６７８"]:
        assert hmt_permit.is_valid(v), v


def test_invalid_shapes() -> None:
    for v in ["H1234567", "H123456789", "CI1234567", "CO1234567", "A12345678", "L1234567A", "1234567", ""]:
        assert not hmt_permit.is_valid(v), v


def test_parse() -> None:
    assert hmt_permit.parse("H1234567803") == {
        "kind": "home_return", "name": "港澳居民来往内地通行证", "region": "Hong Kong", "issue_count": 3,
    }
    assert hmt_permit.parse("M12345678")["region"] == "Macao"
    assert hmt_permit.parse("W12345678")["card"] is False
    assert hmt_permit.parse("CA1234567")["card"] is True
    assert hmt_permit.parse("L12345678")["kind"] == "to_taiwan"
    assert hmt_permit.parse("12345678")["kind"] == "taiwan_resident"
    assert hmt_permit.parse("?") == {}


def test_letter_forms_need_context() -> None:
    assert found("编号H12345678") == []
    assert found("回乡证H12345678") == [(3, 12)]
    assert found("港澳通行证：C12345678。") == [(6, 15)]
    assert found("往来台湾通行证L12345678") == [(7, 16)]


def test_taiwan_compatriot_permit_only_after_cue() -> None:
    assert found("台胞证12345678") == [(3, 11)]
    assert found("台胞证号码：12345678，") == [(6, 14)]
    assert found("台湾居民来往大陆通行证号 12345678") == [(13, 21)]
    assert found("编号12345678") == []
    # a cue far away, or a number of another length, is not enough
    assert found("台胞证已办理，订单12345678") == []
    assert found("台胞证123456789") == []
    assert found("台胞证1234567") == []


def test_full_width_offsets() -> None:
    text = "回乡证：Ｈ１２３４５６７８。台胞证１２３４５６７８"
    assert found(text) == [(4, 13), (17, 25)]


def test_not_inside_longer_codes() -> None:
    for text in ["回乡证XH12345678", "回乡证H123456789", "回乡证H12345678B", "回乡证SN-H12345678",
                 "回乡证H12345678.pdf", "台胞证12345678-9A", "台胞证12345678X"]:
        assert found(text) == [], text


def test_decoys() -> None:
    for text in ["通行证 iPhone13", "通行证型号C1234", "permit HELLO123", "台胞证办理 2023年"]:
        assert found(text) == [], text


@settings(max_examples=150, deadline=None)
@given(pre=filler, value=letter_permits, post=filler, cue=st.sampled_from(["回乡证", "通行证", "港澳通行证"]))
def test_letter_forms_found_with_context(pre: str, value: str, post: str, cue: str) -> None:
    text = pre + cue + value + post
    start = len(pre) + len(cue)
    assert found(text) == [(start, start + len(value))]
    assert hmt_permit.is_valid(value)
    assert found(pre + value + post) == []


@settings(max_examples=100, deadline=None)
@given(pre=filler, value=nd(8), post=filler, sep=st.sampled_from(["", "：", ": ", "号", "号码：", " "]))
def test_taiwan_permit_found_after_cue(pre: str, value: str, post: str, sep: str) -> None:
    text = pre + "台胞证" + sep + value + post
    start = len(pre) + 3 + len(sep)
    assert found(text) == [(start, start + 8)]
    assert found(pre + value + post) == []


def test_linear_on_adversarial_input() -> None:
    for text in ["H1" * 500_000, "台胞证" * 300_000, "台胞证：" + " " * 1_000_000, ("台胞证1234567") * 80_000]:
        assert isinstance(hmt_permit.find(text), list)
