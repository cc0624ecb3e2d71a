"""The fast check digits equal python-stdnum's on every input."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric, uscc

from pipl_guard.detect.checksums import gb32100_check, luhn_ok, mod11_2_check

DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=40)


@given(DIGITS)
def test_luhn_equals_stdnum(digits: str) -> None:
    assert luhn_ok(digits) == (luhn.checksum(digits) == 0)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_mod11_2_equals_stdnum(body: str) -> None:
    check = mod11_2_check(body)
    assert check == ric.calc_check_digit(body + "0")
    assert mod11_2_check(body + check) == check  # an 18-character ID: the last character is ignored


@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=17, max_size=17))
def test_gb32100_equals_stdnum(body: str) -> None:
    check = gb32100_check(body)
    assert check == uscc.calc_check_digit(body)
    assert gb32100_check(body + check) == check


def test_published_examples() -> None:
    assert mod11_2_check("11010519491231002") == "X"  # GB 11643's example
    assert luhn_ok("79927398713") and not luhn_ok("79927398710")  # the classic Luhn example
    assert gb32100_check("91110000600037341") == "L"  # a published USCC (python-stdnum's doctest)
