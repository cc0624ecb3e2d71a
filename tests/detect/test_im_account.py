"""QQ_NUMBER and WECHAT_ID: cue-gated accounts."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

import pipl_guard
from pipl_guard.detect import im_account as im
from pipl_guard.detect.registry import value_validator

FILLER = "的了吗呢吧啊很好看书写字跑步唱歌今天"
filler = st.text(alphabet=FILLER, max_size=12)
# QQ numbers of 5-10 digits: 11-digit numbers on a mobile prefix belong to the mobile detector
qq_numbers = st.tuples(st.sampled_from("123456789"), st.text(string.digits, min_size=4, max_size=9)).map("".join)
wechat_ids = st.tuples(
    st.sampled_from(string.ascii_letters),
    st.text(string.ascii_letters + string.digits + "_-", min_size=5, max_size=19),
).map("".join)


def found(text: str, entity: str) -> list[tuple[int, int]]:
    return [(f.start, f.end) for f in pipl_guard.scan_text(text) if f.entity == entity]


def test_validators() -> None:
    assert value_validator("QQ_NUMBER") is im.VALIDATORS["QQ_NUMBER"]
    assert value_validator("WECHAT_ID") is im.VALIDATORS["WECHAT_ID"]
    qq, wx = im.VALIDATORS["QQ_NUMBER"], im.VALIDATORS["WECHAT_ID"]
    assert qq("10001") and qq("１２３４５６７８") and qq(" 12345678 ") and qq("12345678901")
    assert not qq("01234") and not qq("1234") and not qq("123456789012") and not qq("12345a")
    assert wx("wxid_abc123") and wx("zhang-san_88") and wx("abcdef")
    assert not wx("abcde") and not wx("1abcdef") and not wx("13812345678") and not wx("a" * 21)
    assert not wx("abc.def") and not wx("张三abcdef")
    assert im.is_valid("12345") and im.is_valid("abcdef") and not im.is_valid("!!")


def test_qq_forms() -> None:
    assert found("QQ:12345678", "QQ_NUMBER") == [(3, 11)]
    assert found("QQ号 12345678", "QQ_NUMBER") == [(4, 12)]
    assert found("扣扣12345678", "QQ_NUMBER") == [(2, 10)]
    assert found("加我QQ12345678吧", "QQ_NUMBER") == [(4, 12)]
    assert found("qq号码：10001", "QQ_NUMBER") == [(5, 10)]
    assert found("ＱＱ：１２３４５６７８", "QQ_NUMBER") == [(3, 11)]


def test_qq_needs_cue() -> None:
    assert found("编号12345678", "QQ_NUMBER") == []
    assert found("QQ群12345678", "QQ_NUMBER") == []
    assert found("QQ:01234567", "QQ_NUMBER") == []
    assert found("QQ:1234", "QQ_NUMBER") == []
    assert found("QQ:123456789012", "QQ_NUMBER") == []
    assert found("QQ:12345678@qq.com", "QQ_NUMBER") == []
    assert found("XQQ12345678", "QQ_NUMBER") == []


def test_mobile_after_cue_is_a_mobile() -> None:
    kinds = [f.entity for f in pipl_guard.scan_text("微信13812345678")]
    assert "WECHAT_ID" not in kinds and "CN_MOBILE" in kinds
    assert [f.entity for f in pipl_guard.scan_text("QQ：13812345678")] == ["CN_MOBILE"]


def test_wechat_forms() -> None:
    assert found("微信号：wxid_abc12345", "WECHAT_ID") == [(4, 17)]
    assert found("微信zhangsan88", "WECHAT_ID") == [(2, 12)]
    assert found("WeChat: zhang_san", "WECHAT_ID") == [(8, 17)]
    assert found("vx abc123", "WECHAT_ID") == [(3, 9)]
    assert found("加wx：Lily-2024，谢谢", "WECHAT_ID") == [(4, 13)]
    assert found("微信号是ａｂｃ１２３", "WECHAT_ID") == [(4, 10)]


def test_wechat_decoys() -> None:
    for text in ["wechat account", "WeChat payment", "devx abc123", "wxid_abc123", "微信支付", "微信abc",
                 "微信：abc123@example.com", "微信：abc123.example.com", "微信12abcdef", "vxabc123"]:
        assert found(text, "WECHAT_ID") == [], text


@settings(max_examples=150, deadline=None)
@given(pre=filler, value=qq_numbers, post=filler,
       cue=st.sampled_from(["QQ", "QQ号", "QQ号码", "qq", "扣扣", "QQ:", "QQ：", "QQ号: ", "QQ "]))
def test_qq_found_with_exact_offsets(pre: str, value: str, post: str, cue: str) -> None:
    text = pre + cue + value + post
    start = len(pre) + len(cue)
    assert found(text, "QQ_NUMBER") == [(start, start + len(value))]
    assert found(pre + value + post, "QQ_NUMBER") == []


@settings(max_examples=150, deadline=None)
@given(pre=filler, value=wechat_ids, post=filler,
       cue=st.sampled_from(["微信", "微信号", "微信：", "微信号: ", "wechat: ", "WeChat：", "wx:", "vx "]))
def test_wechat_found_with_exact_offsets(pre: str, value: str, post: str, cue: str) -> None:
    text = pre + cue + value + post
    start = len(pre) + len(cue)
    if value.isalpha() and cue == "vx ":
        # an all-letter word after a bare English cue is prose, not an ID
        assert found(text, "WECHAT_ID") == []
    else:
        assert found(text, "WECHAT_ID") == [(start, start + len(value))]
    assert found(pre + value + post, "WECHAT_ID") == []


@settings(max_examples=100, deadline=None)
@given(value=wechat_ids, extra=st.sampled_from(list(string.ascii_letters + string.digits + "_")))
def test_wechat_never_cut_from_longer_run(value: str, extra: str) -> None:
    # a 20-character ID plus one more character is longer than any WeChat ID: nothing is cut out of it
    if len(value) == 20:
        assert found("微信：" + value + extra, "WECHAT_ID") == []
    else:
        assert found("微信：" + value + extra, "WECHAT_ID") == [(3, 3 + len(value) + 1)]


def test_linear_on_adversarial_input() -> None:
    for text in ["QQ" * 500_000, "微信" * 500_000, "微信：" + "a" * 1_000_000, "wx " * 300_000,
                 "QQ号码：" + "1" * 1_000_000, "扣扣" + " " * 1_000_000]:
        assert isinstance(im.find(text), list)
