import pytest
from hypothesis import given
from hypothesis import strategies as st

import pipl_guard as pg
from pipl_guard.detect import email

FW = str.maketrans(
    "abcdefghijklmnopqrstuvwxyz0123456789@.-_",
    "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ０１２３４５６７８９＠．－＿",
)
FILLER = "我的是请在这里用了和也都会把给对从就"


def found(text: str) -> list[tuple[int, int]]:
    return [(f.start, f.end) for f in pg.scan_text(text) if f.entity == "EMAIL"]


@pytest.mark.parametrize(
    "address",
    [
        "zhangsan@163.com",
        "zhang.san+news@example.com.cn",
        "li_si-2024@mail.pku.edu.cn",
        "UPPER@EXAMPLE.COM",
        "a@b.co",
    ],
)
def test_valid_addresses(address):
    assert email.is_valid(address)
    text = f"邮箱：{address}，谢谢"
    assert found(text) == [(3, 3 + len(address))]


@pytest.mark.parametrize(
    "value",
    [
        "zhang@localhost",
        "@example.com",
        "zhang@",
        "zhang..san@example.com",
        ".zhang@example.com",
        "zhang@-example.com",
        "zhang@example.c",
        "zhang@example.123",
        "zhangexample.com",
    ],
)
def test_invalid(value):
    assert not email.is_valid(value)


def test_full_width_address_keeps_original_offsets():
    written = "zhangsan@qq.com".translate(FW)
    text = f"邮箱{written}。"
    (f,) = [f for f in pg.scan_text(text) if f.entity == "EMAIL"]
    assert (f.start, f.end, f.text) == (2, 2 + len(written), written)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("联系zhangsan@qq.com谢谢", "zhangsan@qq.com"),
        ("Mail zhang@example.com.", "zhang@example.com"),
        ("<zhang@example.com>", "zhang@example.com"),
        ("https://example.com/u/zhang@example.org/x", "zhang@example.org"),
    ],
)
def test_boundaries(text, expected):
    spans = found(text)
    assert [text[s:e] for s, e in spans] == [expected]


@pytest.mark.parametrize("decoy", ["图标icon@2x.png", "价格@10元", "@张三 你好", "a@b", "版本1.2.3@beta"])
def test_decoys(decoy):
    assert found(decoy) == []


def test_rfc_characters_are_valid_but_not_read_from_text():
    assert email.is_valid("o'brien/x=y@example.org")
    text = "见 https://example.com/u/o'brien@example.org"
    assert [text[s:e] for s, e in found(text)] == ["brien@example.org"]


def test_no_at_sign_costs_nothing():
    assert email.find("没有地址的文本" * 1000) == []


def test_parse_and_format():
    assert email.parse("Zhang@Example.COM") == {"domain": "example.com"}
    assert email.format("ｚｈａｎｇ＠ｑｑ．ｃｏｍ") == "zhang@qq.com"


locals_ = st.from_regex(r"[a-z0-9]{1,10}(?:[._+-][a-z0-9]{1,8}){0,2}", fullmatch=True)
domains = st.from_regex(
    r"[a-z0-9]{1,12}(?:-[a-z0-9]{1,6})?(?:\.[a-z0-9]{1,8}){0,2}\.(?:com|cn|org|net|edu)", fullmatch=True
)


@given(
    locals_,
    domains,
    st.text(alphabet=FILLER, max_size=10),
    st.text(alphabet=FILLER, max_size=10),
    st.booleans(),
)
def test_generated_addresses_found(local, domain, before, after, fullwidth):
    address = f"{local}@{domain}"
    written = address.translate(FW) if fullwidth else address
    text = before + written + after
    assert email.is_valid(written)
    assert found(text) == [(len(before), len(before) + len(written))]


def test_adversarial_megabyte_returns():
    for text in (
        "a" * 1_000_000 + "@",
        "@" * 1_000_000,
        "a@" * 500_000,
        "a@" + "a." * 500_000,
        "a." * 500_000 + "@",
    ):
        assert isinstance(email.find(text), list)
