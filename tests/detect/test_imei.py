import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import imei as stdnum_imei
from stdnum import luhn

import pipl_guard as pg
from pipl_guard.detect import imei

FW = str.maketrans("0123456789-", "０１２３４５６７８９－")
FILLER = "我的是请在这里用了和也都会把给对从就"
EXAMPLE = "352099001761481"  # python-stdnum's documented IMEI example


def found(text: str) -> list[tuple[int, int]]:
    return [(f.start, f.end) for f in pg.scan_text(text) if f.entity == "IMEI"]


imeis = st.builds(
    lambda body: body + luhn.calc_check_digit(body), st.from_regex(r"[0-9]{14}", fullmatch=True)
)


def test_example_agrees_with_stdnum():
    assert imei.is_valid(EXAMPLE) and stdnum_imei.is_valid(EXAMPLE)
    assert imei.parse(EXAMPLE) == {"tac": "35209900", "reporting_body": "35", "serial": "176148"}
    assert imei.format(EXAMPLE) == "35-209900-176148-1"


@pytest.mark.parametrize(
    "written", [EXAMPLE, "35-209900-176148-1", "35 209900 176148 1", EXAMPLE.translate(FW)]
)
def test_written_forms_found_with_context(written):
    text = f"手机串号：{written}。"
    assert found(text) == [(5, 5 + len(written))]


def test_needs_context():
    assert found(f"编号{EXAMPLE}") == []
    assert found(f"IMEI：{EXAMPLE}") == [(5, 20)]


@pytest.mark.parametrize(
    "value",
    ["352099001761482", "35209900176148", "3520990017614811", "35209900176148X"],
)
def test_invalid(value):
    assert not imei.is_valid(value)
    assert found(f"IMEI: {value}") == []


def test_inside_longer_run_not_found():
    assert found(f"IMEI 9{EXAMPLE}") == []
    assert found(f"IMEI 1234 {EXAMPLE}") == []


@pytest.mark.parametrize("decoy", ["IMEI未知，订单号202311221530451234", "设备号时间戳1700000000000"])
def test_decoys(decoy):
    assert found(decoy) == []


@given(imeis, st.text(alphabet=FILLER, max_size=8), st.text(alphabet=FILLER, max_size=10), st.booleans())
def test_generated_imeis_found(number, before, after, fullwidth):
    written = number.translate(FW) if fullwidth else number
    text = before + "IMEI：" + written + after
    start = len(before) + 5
    assert (start, start + 15) in found(text)


@given(imeis, st.data())
def test_single_digit_corruption_is_rejected(number, data):
    i = data.draw(st.integers(0, 14), label="position")
    d = data.draw(st.sampled_from([c for c in "0123456789" if c != number[i]]), label="digit")
    bad = number[:i] + d + number[i + 1 :]
    assert not imei.is_valid(bad)
    assert found(f"IMEI：{bad}") == []


def test_adversarial_megabyte_returns():
    for text in ("3" * 1_000_000, "35-" * 330_000):
        assert isinstance(imei.find(text), list)


@given(imeis, st.sampled_from("0123456789"), st.booleans())
def test_never_found_inside_a_longer_digit_run(number, extra, before):
    glued = extra + number if before else number + extra
    assert found(f"IMEI：{glued}") == []
