import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum.cn.uscc import calc_check_digit

import pipl_guard as pg
from pipl_guard.detect import foreigner_pr_id, regions, resident_id, uscc

PUBLISHED = "91110000600037341L"  # python-stdnum's documented example
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
FW = str.maketrans(
    "0123456789ABCDEFGHJKLMNPQRTUWXY", "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＸＹ"
)
FILLER = "我的是请在这里用了和也都会把给对从就"
PAIRS = [(a, t) for a, info in uscc.authorities().items() for t in info["types"]]


def make(pair: tuple[str, str], region: str, org: str) -> str:
    body = pair[0] + pair[1] + region + org
    return body + calc_check_digit(body)


codes = st.builds(
    make,
    st.sampled_from(PAIRS),
    st.sampled_from(regions.all_codes()),
    st.text(alphabet=ALPHABET, min_size=9, max_size=9),
)


def found(text: str) -> list[tuple[int, int]]:
    return [(f.start, f.end) for f in pg.scan_text(text) if f.entity == "CN_USCC"]


def test_published_example():
    assert uscc.is_valid(PUBLISHED)
    attrs = uscc.parse(PUBLISHED)
    assert attrs["authority"] == "工商"
    assert attrs["type"] == "企业"
    assert attrs["region_code"] == "110000"
    assert attrs["sole_trader"] is False
    assert uscc.format("9 1110 0006 0003 7341l") == PUBLISHED


@pytest.mark.parametrize(
    "value",
    [
        "91110000600037341M",  # wrong check character
        "9111000060003734L",  # 17 characters
        "9111000060003734IL",  # I is not in the alphabet
        "911100O0600037341L",  # letter O in the division field
        "",
    ],
)
def test_invalid(value):
    assert not uscc.is_valid(value)


@pytest.mark.parametrize(
    "written",
    [PUBLISHED, PUBLISHED.translate(FW), PUBLISHED.lower()],
)
def test_written_forms_found_with_exact_span(written):
    text = f"统一社会信用代码：{written}。"
    assert found(text) == [(9, 9 + len(written))]


def test_glued_to_chinese():
    text = f"公司代码{PUBLISHED}已登记"
    assert found(text) == [(4, 22)]


def test_inside_longer_token_not_found():
    assert found(f"编号A{PUBLISHED}") == []
    assert found(f"编号{PUBLISHED}7") == []


def test_all_digit_order_number_is_not_a_code():
    # an 18-digit order number whose last digit happens to be the MOD 31 check: the division field
    # (positions 3-8) is no GB/T 2260 code and the authority 2 has no type 0
    body = "20231122153045123"
    check = calc_check_digit(body)
    number = body + check
    if check.isdigit():
        assert uscc.is_valid(number)
    assert found(f"订单号{number}") == []


def test_sole_trader_parse():
    code = make(("9", "2"), "440305", "MA5D12345")
    assert uscc.parse(code)["sole_trader"] is True
    assert uscc.parse(code)["region"] == "广东省深圳市南山区"


@given(codes, st.text(alphabet=FILLER, max_size=10), st.text(alphabet=FILLER, max_size=10), st.booleans())
def test_generated_codes_found_in_chinese_text(code, before, after, fullwidth):
    assume(not resident_id.is_valid(code) and not foreigner_pr_id.is_valid(code))
    written = code.translate(FW) if fullwidth else code
    text = before + written + after
    assert uscc.is_valid(written)
    assert (len(before), len(before) + len(written)) in found(text)


@given(codes, st.data())
def test_single_substitution_is_rejected(code, data):
    i = data.draw(st.integers(0, 17), label="position")
    repl = data.draw(st.sampled_from([c for c in ALPHABET if c != code[i]]), label="replacement")
    bad = code[:i] + repl + code[i + 1 :]
    assert not uscc.is_valid(bad)
    assert found(f"统一社会信用代码{bad}") == []


def test_adversarial_megabyte_returns():
    for text in ("9" * 1_000_000, ("91110000600037341L" * 60_000), "A1" * 500_000):
        assert isinstance(uscc.find(text), list)
