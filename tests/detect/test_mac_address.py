import pytest
from hypothesis import given
from hypothesis import strategies as st

import pipl_guard as pg
from pipl_guard.detect import mac_address

FILLER = "我的是请在这里用了和也都会把给对从就"


def found(text: str) -> list[tuple[int, int]]:
    return [(f.start, f.end) for f in pg.scan_text(text) if f.entity == "MAC_ADDRESS"]


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("00:1a:2b:3c:4d:5e", "00:1a:2b:3c:4d:5e"),
        ("00-1A-2B-3C-4D-5E", "00:1a:2b:3c:4d:5e"),
        ("001a.2b3c.4d5e", "00:1a:2b:3c:4d:5e"),
        ("F0:18:98:AB:CD:EF", "f0:18:98:ab:cd:ef"),
    ],
)
def test_forms_found(written, canonical):
    assert mac_address.is_valid(written)
    text = f"设备{written}已连接"
    assert found(text) == [(2, 2 + len(written))]
    assert mac_address.format(written) == canonical


def test_label_glued_with_colon():
    assert found("MAC:00:1a:2b:3c:4d:5e") == [(4, 21)]
    assert found("mac-00-1A-2B-3C-4D-5E") == [(4, 21)]
    assert found("11:00:1a:2b:3c:4d:5e") == []


def test_parse_flags():
    assert mac_address.parse("00:1a:2b:3c:4d:5e") == {
        "oui": "001a2b",
        "multicast": False,
        "locally_administered": False,
    }
    assert mac_address.parse("da:a1:19:00:00:01")["locally_administered"] is True  # a randomised phone MAC
    assert mac_address.parse("01:00:5e:00:00:fb")["multicast"] is True


@pytest.mark.parametrize(
    "value",
    ["00:1a:2b:3c:4d", "00:1a:2b:3c:4d:5e:6f", "00:1a-2b:3c:4d:5e", "00:1g:2b:3c:4d:5e", "001a.2b3c.4d5"],
)
def test_not_mac(value):
    assert not mac_address.is_valid(value)
    assert found(f"MAC {value}") == []


@pytest.mark.parametrize(
    "decoy",
    [
        "地址2001:db8:aa:bb:cc:dd:ee:ff",
        "时间12:30:45",
        "日期2023-11-22",
        "编号12-34-56-78-90-12",
        "版本1.2.3.4",
    ],
)
def test_decoys(decoy):
    assert found(decoy) == []


def test_degenerate_addresses_need_context():
    assert found("值00:00:00:00:00:00") == []
    assert found("MAC地址00:00:00:00:00:00") == [(5, 22)]


macs = st.binary(min_size=6, max_size=6).filter(lambda b: b not in (b"\0" * 6, b"\xff" * 6))


@given(
    macs,
    st.sampled_from([":", "-", "."]),
    st.booleans(),
    st.text(alphabet=FILLER, max_size=10),
    st.text(alphabet=FILLER, max_size=10),
)
def test_generated_macs_found(raw, sep, upper, before, after):
    h = raw.hex().upper() if upper else raw.hex()
    if sep == ".":
        written = ".".join(h[i : i + 4] for i in range(0, 12, 4))
    else:
        written = sep.join(h[i : i + 2] for i in range(0, 12, 2))
    text = before + written + after
    assert mac_address.is_valid(written)
    assert mac_address.format(written) == ":".join(raw.hex()[i : i + 2] for i in range(0, 12, 2))
    if sep == "-" and h.isdigit():
        return  # all-decimal dashed groups need context (could be a date-time)
    assert found(text) == [(len(before), len(before) + len(written))]


def test_adversarial_megabyte_returns():
    for text in ("aa:" * 340_000, "aa-" * 340_000, "aaaa." * 200_000, "a" * 1_000_000):
        assert isinstance(mac_address.find(text), list)
