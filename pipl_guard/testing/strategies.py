"""Hypothesis strategies for Chinese personal information (public: SPEC section 10).

Values are valid by construction from the same data the detectors validate against (GB/T 2260 codes,
the surname list, card BINs, GB 32100 authorities), so a service developer can prove that their code
never logs, stores or returns a resident ID::

    from hypothesis import given
    from pipl_guard.testing.strategies import resident_ids

    @given(resident_ids(minor=True))
    def test_handler_masks_minors(rid):
        assert rid not in handler({"id": rid}).log_text

``corrupt(value)`` gives near-misses (one character off) that no detector accepts: for checksummed
identifiers the change always breaks the check digit; for mobiles it moves the number to an unallocated
prefix.

>>> from hypothesis import find as hfind
>>> from pipl_guard.detect import resident_id
>>> resident_id.is_valid(hfind(resident_ids(), lambda _v: True))
True
"""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import strategies as st
from stdnum import luhn

from pipl_guard import synth
from pipl_guard.detect import bank_card as _card
from pipl_guard.detect import mobile as _mobile
from pipl_guard.detect import resident_id as _rid
from pipl_guard.detect import uscc as _uscc
from pipl_guard.errors import InputError

__all__ = [
    "addresses",
    "bank_cards",
    "chinese_text_with_pi",
    "corrupt",
    "corrupt_value",
    "leak_records",
    "mobiles",
    "names",
    "resident_ids",
    "usccs",
]

_SEEDS = st.integers(min_value=0, max_value=2**32 - 1)
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_HALFWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def resident_ids(
    region: str | None = None,
    born_between: tuple[dt.date, dt.date] | None = None,
    minor: bool | None = None,
) -> st.SearchStrategy[str]:
    """Valid 18-digit resident IDs; ``region`` is a code, code prefix or division name; ``minor``: under 14."""
    codes = synth._region_codes(region)
    today = dt.date.today()
    if born_between is not None:
        lo, hi = born_between
    elif minor is True:
        lo, hi = dt.date(today.year - synth.MINOR_AGE, today.month, 1) + dt.timedelta(days=31), today
    elif minor is False:
        lo, hi = dt.date(1920, 1, 1), dt.date(today.year - synth.MINOR_AGE - 1, 1, 1)
    else:
        lo, hi = dt.date(1920, 1, 1), today
    hi = min(hi, today)
    if lo > hi:
        raise InputError("born_between: empty or future range")

    @st.composite
    def build(draw: st.DrawFn) -> str:
        code = draw(st.sampled_from(codes))
        birth = draw(st.dates(min_value=lo, max_value=hi))
        seq = draw(st.integers(0, 999))
        body = f"{code}{birth:%Y%m%d}{seq:03d}"
        return body + _rid.check_character(body)

    return build()


def mobiles(formatted: bool = False) -> st.SearchStrategy[str]:
    """Mainland mobile numbers; ``formatted=True`` adds ``+86 138-1234-5678``, spaced and full-width forms."""

    @st.composite
    def build(draw: st.DrawFn) -> str:
        number = draw(st.sampled_from(synth._MOBILE_PREFIXES)) + f"{draw(st.integers(0, 10**8 - 1)):08d}"
        if not formatted:
            return number
        a, b, c = number[:3], number[3:7], number[7:]
        forms = (
            number,
            f"+86 {a}-{b}-{c}",
            f"+86{number}",
            f"+86 {number}",
            f"0086 {number}",
            f"{a} {b} {c}",
            f"{a}-{b}-{c}",
            number.translate(_FULLWIDTH),
            f"{a} {b} {c}".translate(_FULLWIDTH),
        )
        return draw(st.sampled_from(forms))

    return build()


def bank_cards() -> st.SearchStrategy[str]:
    """Luhn-valid UnionPay card numbers, 16-19 digits."""

    @st.composite
    def build(draw: st.DrawFn) -> str:
        length = draw(st.integers(16, 19))
        body = draw(st.sampled_from(synth._CARD_BINS)) + "".join(
            str(d) for d in draw(st.lists(st.integers(0, 9), min_size=length - 7, max_size=length - 7))
        )
        return body + luhn.calc_check_digit(body)

    return build()


def usccs() -> st.SearchStrategy[str]:
    """Valid unified social credit codes (GB 32100)."""
    return _SEEDS.map(lambda s: synth.uscc(random.Random(s)))


def names() -> st.SearchStrategy[str]:
    """Chinese names: weighted surnames (compound ones included) + one or two given-name characters."""
    return _SEEDS.map(lambda s: synth.name(random.Random(s), compound_share=0.15))


def addresses(region: str | None = None) -> st.SearchStrategy[str]:
    """Postal addresses on real GB/T 2260 divisions with road, number and often building/unit/room."""
    return _SEEDS.map(lambda s: synth.address(random.Random(s), region=region))


def leak_records(schema: synth.Schema = "pinyin") -> st.SearchStrategy[dict[str, str]]:
    """Records shaped like the 2022 police-database leak (see ``pipl_guard.synth.LEAK_FIELDS``)."""
    if schema not in synth.LEAK_FIELDS:
        raise InputError(f"schema must be one of {', '.join(synth.LEAK_FIELDS)}")
    return _SEEDS.map(lambda s: synth.leak_record(random.Random(s), schema))


def chinese_text_with_pi(
    min_chars: int = 40, max_chars: int = 800
) -> st.SearchStrategy[tuple[str, list[tuple[str, int, int]]]]:
    """Chinese prose with PI and decoys, and its true ``(entity, start, end)`` spans."""

    @st.composite
    def build(draw: st.DrawFn) -> tuple[str, list[tuple[str, int, int]]]:
        n = draw(st.integers(min_chars, max_chars))
        return synth.text_with_pi(random.Random(draw(_SEEDS)), n)

    return build()


# --- near-misses --------------------------------------------------------------------------------------


def _swap_digit(value: str, index: int, new: str) -> str:
    ch = value[index]
    if "０" <= ch <= "９":
        new = new.translate(_FULLWIDTH)
    return value[:index] + new + value[index + 1 :]


def _digit_positions(value: str) -> list[int]:
    return [i for i, c in enumerate(value) if c.isdigit()]


def _found_anywhere(value: str) -> bool:
    from pipl_guard import scan_text

    return bool(scan_text(value)) or bool(scan_text(f"号码{value}。"))


def corrupt(value: str) -> st.SearchStrategy[str]:
    """Near-misses of ``value`` (one character off) that no detector finds.

    Resident IDs, bank cards and USCCs get one changed character, which their check digit always catches;
    mobiles get an unallocated second digit (``12…``). Other values with digits get one digit changed.
    """
    if not isinstance(value, str) or not value:
        raise InputError("corrupt expects a non-empty str")
    if _rid.is_valid(value) or _card.is_valid(value) or _uscc.is_valid(value):
        positions = _digit_positions(value) or list(range(len(value)))
        is_uscc = _uscc.is_valid(value)

        @st.composite
        def one_off(draw: st.DrawFn) -> str:
            i = draw(st.sampled_from(positions))
            if is_uscc and not value[i].isdigit():
                alphabet = sorted(_uscc.ALPHABET - {value[i]})
                return value[:i] + draw(st.sampled_from(alphabet)) + value[i + 1 :]
            old = value[i].translate(_HALFWIDTH)
            return _swap_digit(value, i, draw(st.sampled_from([d for d in "0123456789" if d != old])))

        strategy = one_off()
    elif _mobile.is_valid(value):
        number = _mobile.compact(value)

        @st.composite
        def unallocated(draw: st.DrawFn) -> str:
            return number[0] + draw(st.sampled_from("012")) + number[2:]

        strategy = unallocated()
    else:
        positions = _digit_positions(value)
        if not positions:
            raise InputError("corrupt: the value has no digit or check character to break")

        @st.composite
        def any_digit(draw: st.DrawFn) -> str:
            i = draw(st.sampled_from(positions))
            old = value[i].translate(_HALFWIDTH)
            return _swap_digit(value, i, draw(st.sampled_from([d for d in "0123456789" if d != old])))

        strategy = any_digit()
    return strategy.filter(lambda v: v != value and not _found_anywhere(v))


def _candidates(value: str) -> list[str]:
    """Every one-character near-miss ``corrupt`` may give (before the not-found filter)."""
    if _rid.is_valid(value) or _card.is_valid(value) or _uscc.is_valid(value):
        out = []
        for i, ch in enumerate(value):
            if ch.isdigit():
                old = ch.translate(_HALFWIDTH)
                out += [_swap_digit(value, i, d) for d in "0123456789" if d != old]
            elif _uscc.is_valid(value):
                out += [value[:i] + c + value[i + 1 :] for c in sorted(_uscc.ALPHABET - {ch})]
        return out
    if _mobile.is_valid(value):
        number = _mobile.compact(value)
        return [number[0] + d + number[2:] for d in "012"]
    return [
        _swap_digit(value, i, d)
        for i, ch in enumerate(value)
        if ch.isdigit()
        for d in "0123456789"
        if d != ch.translate(_HALFWIDTH)
    ]


def corrupt_value(value: str, seed: int = 0) -> str:
    """One deterministic near-miss of ``value``, for use outside Hypothesis tests."""
    cands = _candidates(value)
    random.Random(seed).shuffle(cands)
    for cand in cands:
        if cand != value and not _found_anywhere(cand):
            return cand
    raise InputError("corrupt: no near-miss found")
