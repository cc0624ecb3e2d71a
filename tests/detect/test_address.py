"""ADDRESS: cue and structure triggers, full extent, no run-on, parse of divisions."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pipl_guard as pg
from pipl_guard.detect import address
from pipl_guard.testing.strategies import addresses

PROBE = "联系人：欧阳娜娜，住北京市海淀区中关村大街27号"


def addresses_in(text: str) -> list[str]:
    return [f.text for f in pg.scan_text(text) if f.entity == "ADDRESS"]


def test_probe_sentence_full_address() -> None:
    findings = pg.scan_text(PROBE)
    assert [(f.entity, f.text) for f in findings] == [
        ("PERSON_NAME", "欧阳娜娜"),
        ("ADDRESS", "北京市海淀区中关村大街27号"),
    ]
    attrs = findings[1].attributes
    assert (attrs["province"], attrs["city"], attrs["district"]) == ("北京市", "北京市", "海淀区")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "地址：广东省深圳市南山区科技园路1号3栋502室，电话13812345678",
            "广东省深圳市南山区科技园路1号3栋502室",
        ),
        ("住北京市海淀区中关村大街27号电话13812345678", "北京市海淀区中关村大街27号"),
        ("他去了北京市海淀区中关村大街27号的商店", "北京市海淀区中关村大街27号"),
        ("收货地址:上海市浦东新区张江路88弄5号1202室 张伟", "上海市浦东新区张江路88弄5号1202室"),
        ("户籍地：湖南省长沙市岳麓区。", "湖南省长沙市岳麓区"),
        ("家住天津市和平区南京路100号，", "天津市和平区南京路100号"),
        ("现住广州市天河区体育西路191号中石化大厦B座28楼", "广州市天河区体育西路191号中石化大厦B座28楼"),
        ("地址：朝阳区建国路88号2单元1501，收件人李娜", "朝阳区建国路88号2单元1501"),
        ("家住北京市海淀区，在超市工作", "北京市海淀区"),
        ("收货人：张伟 13812345678 北京市朝阳区建国路1号院2号楼301", "北京市朝阳区建国路1号院2号楼301"),
        ("地址：北京市朝阳区建国门外大街甲6号SK大厦", "北京市朝阳区建国门外大街甲6号SK大厦"),
        (
            "住址：河南省郑州市金水区农业路与经三路交叉口东北角，",
            "河南省郑州市金水区农业路与经三路交叉口东北角",
        ),
    ],
)
def test_address_extent(text: str, expected: str) -> None:
    assert addresses_in(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "他住院治疗了三天",
        "记住这个号码",
        "订单号2023号已发货",
        "第3号选手出场",
        "北京是首都",
        "住宿费三百元",
        "上海市浦东新区第3号地块已经出让",
    ],
)
def test_not_addresses(text: str) -> None:
    assert addresses_in(text) == []


def test_parse_resolves_divisions() -> None:
    p = address.parse("广东省深圳市南山区科技园路1号")
    assert (p["province"], p["city"], p["district"], p["region_code"]) == (
        "广东省",
        "深圳市",
        "南山区",
        "440305",
    )
    assert address.parse("深圳南山科技园")["district"] == "南山区"


@pytest.mark.parametrize("value", ["北京市海淀区中关村大街27号", "广东省深圳市", "海淀区学院路30号"])
def test_bare_values(value: str) -> None:
    assert address.is_valid(value)


@pytest.mark.parametrize("value", ["", "张伟", "13812345678", "今天天气很好"])
def test_bare_non_addresses(value: str) -> None:
    assert not address.is_valid(value)


cues = st.sampled_from(["地址：", "住址 ", "家住", "收货地址:", "现住", "户籍地址：", "寄往", ""])
tails = st.sampled_from(["，", "。", "；", "", "，电话13812345678", "电话13812345678", "的快递"])


@given(addresses(), cues, tails)
def test_generated_addresses_are_found_exactly(value: str, cue: str, tail: str) -> None:
    text = "请核对。" + cue + value + tail
    start = len("请核对。") + len(cue)
    found = [(f.start, f.end) for f in pg.scan_text(text) if f.entity == "ADDRESS"]
    assert found == [(start, start + len(value))]


@given(addresses())
def test_generated_addresses_parse_to_their_province(value: str) -> None:
    p = address.parse(value)
    assert address.is_valid(value)
    assert value.startswith(p["province"])
