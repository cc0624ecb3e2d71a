"""CN_LICENSE_PLATE: ordinary, special-purpose, new-energy and embassy plates."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

import pipl_guard
from pipl_guard.detect import license_plate as lp
from pipl_guard.detect._letters import vehicles

FILLER = "的了吗呢吧啊很好看书写字跑步唱歌今天"
filler = st.text(alphabet=FILLER, max_size=12)
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I, O
PROVINCES = sorted(vehicles()["plate"]["provinces"])
SUFFIXES = sorted(vehicles()["plate"]["suffixes"])


def nd(n: int) -> st.SearchStrategy[str]:
    return st.text(string.digits, min_size=n, max_size=n)


@st.composite
def serials(draw: st.DrawFn, size: int) -> str:
    """``size`` characters from digits and letters without I/O, at most two letters."""
    chars = list(draw(nd(size)))
    for i in draw(st.lists(st.integers(0, size - 1), max_size=2, unique=True)):
        chars[i] = draw(st.sampled_from(LETTERS))
    return "".join(chars)


@st.composite
def plates(draw: st.DrawFn) -> str:
    head = draw(st.sampled_from(PROVINCES)) + draw(st.sampled_from(LETTERS))
    kind = draw(st.sampled_from(["ordinary", "special", "nev_small", "nev_large"]))
    if kind == "ordinary":
        return head + draw(serials(5))
    if kind == "special":
        return head + draw(serials(4)) + draw(st.sampled_from(SUFFIXES))
    if kind == "nev_small":
        return head + draw(st.sampled_from("DF")) + draw(st.sampled_from(LETTERS + string.digits)) + draw(nd(4))
    return head + draw(nd(5)) + draw(st.sampled_from("DF"))


def found(text: str) -> list[tuple[int, int]]:
    return [(f.start, f.end) for f in pipl_guard.scan_text(text) if f.entity == "CN_LICENSE_PLATE"]


def test_data_file() -> None:
    assert len(PROVINCES) == 31 and "京" in PROVINCES and "琼" in PROVINCES
    assert {"警", "学", "挂", "港", "澳", "领", "使", "试", "超"} == set(SUFFIXES)


def test_valid_examples() -> None:
    for v in ["京A12345", "京A·12345", "京A 12345", "沪B3C4D5", "粤Z1234港", "京A1234警", "沪A1234领",
              "京AD12345", "京AFA1234", "粤B12345D", "使014578", "京Ａ１２３４５"]:
        assert lp.is_valid(v), v


def test_invalid_examples() -> None:
    for v in ["京I12345", "京A1234O", "京AABC12", "京A123456", "京A1234", "港A12345", "京12345", "使A12345",
              "京A1234X警", "京AG12345", ""]:
        assert not lp.is_valid(v), v


def test_parse() -> None:
    p = lp.parse("京AD12345")
    assert p["province"] == "北京市" and p["authority"] == "京A" and p["new_energy"] and p["kind"] == "new_energy_small"
    assert lp.parse("粤B12345F")["kind"] == "new_energy_large"
    assert lp.parse("粤Z1234港")["suffix"] == "hong_kong"
    assert lp.parse("使014578")["kind"] == "embassy"
    assert lp.parse("京A12345")["kind"] == "ordinary"
    assert lp.parse("nope") == {}


def test_format_and_compact() -> None:
    assert lp.format("京a 12345") == "京A·12345"
    assert lp.compact("京Ａ・１２３４５") == "京A12345"
    assert lp.format("使014578") == "使014578"


def test_find_forms() -> None:
    text = "车牌号京A·12345，新能源粤BD12345；挂车鲁C1234挂。"
    assert found(text) == [(3, 11), (15, 23), (26, 33)]


def test_full_width_and_space_offsets() -> None:
    text = "停着京Ａ　１２３４５的车"
    assert found(text) == [(2, 10)]


def test_not_inside_longer_codes() -> None:
    for text in ["京A123456", "京A12345B6", "京A12345-1", "京A12345.jpg", "京A12345_x"]:
        assert found(text) == [], text


def test_decoys() -> None:
    for text in ["新VERSION发布", "京ABCD12", "云API12", "新iPhone13", "京东A12", "川A1234", "订单号20231122"]:
        assert found(text) == [], text


@settings(max_examples=200, deadline=None)
@given(pre=filler, value=plates(), post=filler)
def test_found_with_exact_offsets(pre: str, value: str, post: str) -> None:
    text = pre + value + post
    assert found(text) == [(len(pre), len(pre) + len(value))]
    assert lp.is_valid(value)


@settings(max_examples=100, deadline=None)
@given(value=plates(), sep=st.sampled_from(["·", " ", "・", "•"]))
def test_separator_after_authority_letter(value: str, sep: str) -> None:
    shown = value[:2] + sep + value[2:]
    text = "车牌" + shown + "。"
    assert found(text) == [(2, 2 + len(shown))]
    assert lp.compact(shown) == value


@settings(max_examples=100, deadline=None)
@given(value=plates(), extra=st.sampled_from(list(string.ascii_letters + string.digits)))
def test_extended_plate_never_reported(value: str, extra: str) -> None:
    # the plate is never reported as the prefix of a longer alphanumeric run
    assert all(s.end != len(value) for s in lp.find(value + extra))


@settings(max_examples=100, deadline=None)
@given(head=st.sampled_from(PROVINCES), serial=st.text(LETTERS, min_size=3, max_size=5), digits=nd(2))
def test_three_letters_rejected(head: str, serial: str, digits: str) -> None:
    assert not lp.is_valid(head + "A" + (serial + digits)[:5])


def test_linear_on_adversarial_input() -> None:
    for text in ["京A" * 500_000, "京A1234" * 150_000, "京A·" * 300_000, "使0145" * 200_000, "京" * 1_000_000]:
        assert isinstance(lp.find(text), list)
