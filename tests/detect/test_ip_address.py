import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pipl_guard as pg
from pipl_guard.detect import ip_address

FW = str.maketrans("0123456789.", "０１２３４５６７８９．")
FILLER = "我的是请在这里用了和也都会把给对从就"


def found(text: str) -> list[tuple[int, int]]:
    return [(f.start, f.end) for f in pg.scan_text(text) if f.entity == "IP_ADDRESS"]


@pytest.mark.parametrize(
    ("value", "version", "private"),
    [
        ("202.96.134.133", 4, False),
        ("192.168.1.10", 4, True),
        ("10.0.0.8", 4, True),
        ("2001:db8::8a2e:370:7334", 6, True),
        ("2400:3200::1", 6, False),
        ("2001:0db8:85a3:0000:0000:8a2e:0370:7334", 6, True),
    ],
)
def test_valid(value, version, private):
    assert ip_address.is_valid(value)
    assert ip_address.parse(value) == {"version": version, "is_private": private}
    text = f"登录来源{value}，请核实"
    assert found(text) == [(4, 4 + len(value))]


@pytest.mark.parametrize("value", ["256.1.1.1", "192.168.01.1", "1.2.3", "1.2.3.4.5", "12:30:45", "gggg::1"])
def test_invalid_or_not_an_address(value):
    assert found(f"地址{value}。") == []


def test_leading_zero_octets_are_rejected():
    # decision: ambiguous (octal in some parsers) and ``ipaddress`` rejects them
    assert not ip_address.is_valid("192.168.001.001")


@pytest.mark.parametrize(
    "decoy",
    [
        "版本1.2.3.4",
        "version 10.2.3.40",
        "v1.2.3.4",
        "固件 4.20.1.13",
        "1.2.3.4.5",
        "第1.2.3.4节",
        "金额1,234.56",
        "时间12:30:45",
        "订单202311221530451234",
    ],
)
def test_decoys(decoy):
    assert found(decoy) == []


def test_special_addresses_need_context():
    assert found("地址127.0.0.1") == []
    assert found("IP：127.0.0.1") == [(3, 12)]
    assert found("服务1.1.1.1") == []
    assert found("IP 1.1.1.1") == [(3, 10)]


def test_ports_brackets_and_mapped_forms():
    assert found("连接192.168.1.1:8080失败") == [(2, 13)]
    text = "连接[2001:db8::1]:443"
    assert [text[s:e] for s, e in found(text)] == ["2001:db8::1"]
    text = "地址::ffff:202.96.134.133。"
    assert [text[s:e] for s, e in found(text)] == ["::ffff:202.96.134.133"]


def test_full_width_keeps_offsets():
    written = "202.96.134.133".translate(FW)
    assert found(f"IP{written}") == [(2, 2 + len(written))]


def test_format():
    assert ip_address.format("2001:0DB8:0000:0000:0000:0000:0000:0001") == "2001:db8::1"


public_v4 = st.builds(
    lambda a, b, c, d: f"{a}.{b}.{c}.{d}",
    st.integers(11, 223),
    st.integers(0, 255),
    st.integers(0, 255),
    st.integers(10, 254),
).filter(lambda s: ipaddress.IPv4Address(s).is_global)
v6 = (
    st.ip_addresses(v=6)
    .filter(lambda a: a.is_global and not (a.is_reserved or a.is_multicast))
    .map(str)
    .filter(lambda s: sum(1 for g in s.split(":") if g) >= 3)
)


@given(
    st.one_of(public_v4, v6),
    st.text(alphabet=FILLER, max_size=10),
    st.text(alphabet=FILLER, max_size=10),
    st.booleans(),
)
def test_generated_addresses_found(value, before, after, fullwidth):
    written = value.translate(FW) if fullwidth and "." in value and ":" not in value else value
    text = before + written + after
    assert ip_address.is_valid(written)
    assert found(text) == [(len(before), len(before) + len(written))]


def test_adversarial_megabyte_returns():
    for text in ("1." * 500_000, "1:" * 500_000, "f" * 1_000_000 + ":", ":" * 1_000_000, "1.1.1." * 170_000):
        assert isinstance(ip_address.find(text), list)
