"""Hypothesis strategies for the service tests, built independently of the detectors they check.

Values are computed from the standards (MOD 11-2, Luhn, GB 32100 MOD 31) so a round-trip test compares
two implementations rather than one with itself.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import uscc as std_uscc
from stdnum.cn.ric import calc_check_digit

from pipl_guard.detect import mobile, regions

FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
TODAY = dt.date.today()


@st.composite
def resident_ids(draw: st.DrawFn, *, min_age: int = 0) -> tuple[str, dt.date, str]:
    """(ID, birth date, gender)."""
    region = draw(st.sampled_from(regions.county_codes()))
    latest = TODAY.replace(year=TODAY.year - min_age) if min_age else TODAY - dt.timedelta(days=1)
    birth = draw(st.dates(min_value=dt.date(1920, 1, 1), max_value=latest))
    seq = draw(st.integers(0, 999))
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + calc_check_digit(body + "0"), birth, "male" if seq % 2 else "female"


def mobiles() -> st.SearchStrategy[str]:
    return st.from_regex(r"\A1[3-9][0-9]{9}\Z").filter(mobile.is_valid)


@st.composite
def bank_cards(draw: st.DrawFn) -> str:
    length = draw(st.integers(16, 19))
    body = "62" + draw(st.text("0123456789", min_size=length - 3, max_size=length - 3))
    return body + luhn.calc_check_digit(body)


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@st.composite
def usccs(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(regions.county_codes()))
    org = draw(st.text(_USCC_ALPHABET, min_size=9, max_size=9))
    body = draw(st.sampled_from(["91", "92", "93", "11", "51"])) + region + org
    return body + std_uscc.calc_check_digit(body)


def passports() -> st.SearchStrategy[str]:
    return st.one_of(
        st.from_regex(r"\AE[0-9]{8}\Z"),
        st.from_regex(r"\AE[A-HJ-NP-Z][0-9]{7}\Z"),
        st.from_regex(r"\AG[0-9]{8}\Z"),
    )


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"


@st.composite
def names(draw: st.DrawFn) -> str:
    surname = draw(st.sampled_from([*SURNAMES, "欧阳", "司马", "诸葛"]))
    return surname + draw(st.text(GIVEN, min_size=1, max_size=2))


@st.composite
def emails(draw: st.DrawFn) -> str:
    local = draw(st.from_regex(r"\A[a-z][a-z0-9]{3,11}\Z"))
    domain = draw(st.from_regex(r"\A[a-z]{3,10}\Z"))
    return f"{local}@{domain}.{draw(st.sampled_from(['com', 'cn', 'com.cn', 'net']))}"


def substitute_one(value: str, alphabet: str, positions: range | None = None) -> st.SearchStrategy[str]:
    """``value`` with exactly one character replaced by a different one from ``alphabet``."""
    idx = positions or range(len(value))

    @st.composite
    def build(draw: st.DrawFn) -> str:
        i = draw(st.sampled_from(list(idx)))
        ch = draw(st.sampled_from([c for c in alphabet if c != value[i]]))
        return value[:i] + ch + value[i + 1 :]

    return build()


def typed_forms(value: str) -> st.SearchStrategy[str]:
    """Ways people type an identifier: full-width digits, spaces or dashes between groups, padding."""
    return st.sampled_from(
        [
            value,
            value.translate(FULLWIDTH),
            " ".join(value[i : i + 4] for i in range(0, len(value), 4)),
            "-".join(value[i : i + 6] for i in range(0, len(value), 6)),
            f"  {value} ",
        ]
    )


_HK_VALUES = {c: i + 10 for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")} | {" ": 36}


@st.composite
def hk_ids(draw: st.DrawFn) -> str:
    """HKID with its MOD 11 check character (weights 9..2 over a space-padded 8-character body)."""
    letters = draw(st.text("ABCDEFGHJKLMNPRSTVWXYZ", min_size=1, max_size=2))
    digits = draw(st.text("0123456789", min_size=6, max_size=6))
    body = letters.rjust(2) + digits
    total = sum((_HK_VALUES[c] if not c.isdigit() else int(c)) * w for c, w in zip(body, range(9, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return f"{letters}{digits}({'A' if check == 10 else check})"


_TW_CODES = dict(zip("ABCDEFGHJKLMNPQRSTUVXYWZIO", range(10, 36), strict=True))


@st.composite
def tw_ids(draw: st.DrawFn) -> str:
    """Taiwan ID: letter (two-digit code), sex digit 1/2, 7 digits, check digit making the sum 0 mod 10."""
    letter = draw(st.sampled_from(sorted(_TW_CODES)))
    body = draw(st.sampled_from("12")) + draw(st.text("0123456789", min_size=7, max_size=7))
    code = _TW_CODES[letter]
    total = code // 10 + (code % 10) * 9 + sum(int(d) * w for d, w in zip(body, range(8, 0, -1), strict=True))
    return letter + body + str((10 - total % 10) % 10)


_VIN_VALUES = dict(zip("ABCDEFGHJKLMNPRSTUVWXYZ", [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9], strict=True))
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


@st.composite
def vins(draw: st.DrawFn) -> str:
    """ISO 3779 VIN: check character at position 9 (weighted sum mod 11, 10 written X)."""
    chars = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    body = draw(st.text(chars, min_size=8, max_size=8)) + "0"
    body += draw(st.sampled_from("ABCDEFGHJKLMNPRSTVWXY123456789"))  # model-year code
    body += draw(st.text(chars, min_size=1, max_size=1)) + draw(st.text("0123456789", min_size=6, max_size=6))
    total = sum((int(c) if c.isdigit() else _VIN_VALUES[c]) * w for c, w in zip(body, _VIN_WEIGHTS, strict=True))
    check = "X" if total % 11 == 10 else str(total % 11)
    return body[:8] + check + body[9:]


@st.composite
def imeis(draw: st.DrawFn) -> str:
    body = draw(st.sampled_from(["35", "86", "01", "99"])) + draw(st.text("0123456789", min_size=12, max_size=12))
    return body + luhn.calc_check_digit(body)


def plates() -> st.SearchStrategy[str]:
    return st.builds(
        lambda p, a, s: p + a + s,
        st.sampled_from("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"),
        st.sampled_from("ABCDEFGHJKLMNPQRSTUVWXY"),
        st.text("0123456789", min_size=5, max_size=5),
    )
