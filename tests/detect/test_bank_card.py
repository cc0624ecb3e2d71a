import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum import luhn

import pipl_guard as pg
from pipl_guard.detect import bank_card, resident_id

FW = str.maketrans("0123456789-", "０１２３４５６７８９－")
FILLER = "我的是请在这里用了和也都会把给对从就"
VISA_TEST = "4111111111111111"  # the well-known Visa test number
MASTERCARD_TEST = "5555555555554444"
UNIONPAY = "6222021234567890128"


def with_check(body: str) -> str:
    return body + luhn.calc_check_digit(body)


def grouped(number: str, sep: str = " ") -> str:
    return sep.join(number[i : i + 4] for i in range(0, len(number), 4))


def found(text: str) -> list[tuple[int, int]]:
    return [(f.start, f.end) for f in pg.scan_text(text) if f.entity == "BANK_CARD"]


def _card(prefix: str, length: int, rest: int) -> str:
    body = (prefix + f"{rest:020d}")[: length - 1]
    return with_check(body)


cards = st.one_of(
    st.builds(
        _card,
        st.sampled_from(["62", "622202", "622848", "621700"]),
        st.integers(16, 19),
        st.integers(0, 10**19),
    ),
    st.builds(_card, st.just("4"), st.sampled_from([16, 19]), st.integers(0, 10**19)),
    st.builds(
        _card,
        st.sampled_from(["51", "53", "55", "2221", "2500", "2720"]),
        st.just(16),
        st.integers(0, 10**19),
    ),
)


@pytest.mark.parametrize(
    ("number", "scheme"),
    [
        (VISA_TEST, "visa"),
        (MASTERCARD_TEST, "mastercard"),
        (UNIONPAY, "unionpay"),
        ("2221000000000009", "mastercard"),
    ],
)
def test_known_numbers(number, scheme):
    assert bank_card.is_valid(number)
    assert bank_card.parse(number) == {"scheme": scheme, "bin": number[:6]}
    assert found(f"卡号{number}") == [(2, 2 + len(number))]


@pytest.mark.parametrize(
    "value",
    [
        "4111111111111112",  # Luhn fails
        with_check("123456789012345"),  # no listed scheme
        with_check("51234567890123456"),  # Mastercard range but 18 digits
        with_check("41111111111111111"),  # Visa is 16 or 19 digits, not 18
        with_check("62123456789012"),  # UnionPay prefix but 15 digits
    ],
)
def test_invalid(value):
    assert not bank_card.is_valid(value)
    assert found(f"银行卡号：{value}") == []


@pytest.mark.parametrize(
    "written",
    [
        grouped(UNIONPAY),
        grouped(UNIONPAY, "-"),
        UNIONPAY.translate(FW),
        grouped(UNIONPAY).translate(FW),
        "6222 0212 3456 7890 128",
    ],
)
def test_written_forms(written):
    text = f"请转账到{written}，谢谢"
    assert found(text) == [(4, 4 + len(written))]


def test_untrusted_scheme_needs_context():
    jcb = with_check("353011112222333")
    assert bank_card.parse(jcb)["scheme"] == "jcb"
    assert found(f"编号{jcb}") == []
    assert found(f"信用卡号{jcb}") == [(4, 20)]


def test_card_inside_longer_run_is_not_found():
    assert found(f"流水号1{UNIONPAY}") == []
    assert found(f"流水号{UNIONPAY}3") == []
    # inside a longer grouped run: only with a context word
    assert found(f"编号 2023 {grouped(VISA_TEST)}") == []


@pytest.mark.parametrize(
    "decoy",
    [
        "订单号202311221530451234",
        "时间戳1700000000000",
        "金额￥1,234,567.89元",
        "版本4.1.1.1",
        "运单号 SF1234567890123",
    ],
)
def test_decoys(decoy):
    assert found(decoy) == []


def test_resident_id_that_is_also_a_card_is_reported_as_id():
    # a Gansu (62xxxx) resident ID that passes Luhn looks like a UnionPay card; the ID wins
    for seq in range(1000):
        body = f"620102{dt.date(1990, 5, 17):%Y%m%d}{seq:03d}"
        number = body + resident_id.check_character(body)
        if number[-1] != "X" and luhn.checksum(number) == 0:
            break
    assert resident_id.is_valid(number) and bank_card.is_valid(number)
    assert [f.entity for f in pg.scan_text(f"号码{number}")] == ["CN_RESIDENT_ID"]
    assert [f.entity for f in pg.scan_text(f"身份证{number}")] == ["CN_RESIDENT_ID"]


@given(
    cards,
    st.text(alphabet=FILLER, max_size=10),
    st.text(alphabet=FILLER, max_size=10),
    st.booleans(),
    st.booleans(),
)
def test_generated_cards_found_in_chinese_text(number, before, after, fullwidth, group):
    assume(not (len(number) in (15, 18) and resident_id.is_valid(number)))
    written = grouped(number) if group else number
    written = written.translate(FW) if fullwidth else written
    text = before + written + after
    assert bank_card.is_valid(written)
    assert found(text) == [(len(before), len(before) + len(written))]


@given(cards, st.data())
def test_single_digit_corruption_is_rejected(number, data):
    i = data.draw(st.integers(0, len(number) - 1), label="position")
    d = data.draw(st.sampled_from([c for c in "0123456789" if c != number[i]]), label="digit")
    bad = number[:i] + d + number[i + 1 :]
    assert not bank_card.is_valid(bad)
    assert found(f"银行卡号{bad}") == []


def test_adversarial_megabyte_returns():
    for text in ("6" * 1_000_000, "6222 " * 200_000, "1-" * 500_000):
        assert isinstance(bank_card.find(text), list)


@given(cards, st.sampled_from("0123456789"), st.booleans())
def test_never_found_inside_a_longer_digit_run(number, extra, before):
    glued = extra + number if before else number + extra
    spans = found(f"卡号{glued}")
    # the card is never cut out of the longer run; the whole run may itself be another valid card
    assert spans in ([], [(2, 2 + len(glued))])
    assert spans == [] or bank_card.is_valid(glued)
