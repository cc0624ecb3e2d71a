"""HK_ID, TW_ID, MO_ID: identity card numbers of Hong Kong, Taiwan and Macao.

- **HK_ID** (香港身份证): 1-2 letters + 6 digits + check character, usually written ``A123456(3)``. The check
  is the published weighted mod 11: letters A=10 .. Z=35, a single letter is padded in front with 36
  (a space), weights 9..2 over the 8 positions, check = 11 - (sum mod 11) with 10 -> ``A`` and 11 -> ``0``.
- **TW_ID** (台湾身分证统一编号): letter + ``1``/``2`` (sex) or ``8``/``9`` (foreign residents' new-format
  certificate, 2021-) + 8 digits. The letter becomes two digits (A10 B11 C12 D13 E14 F15 G16 H17 I34 J18
  K19 L20 M21 N22 O35 P23 Q24 R25 S26 T27 U28 V29 W32 X30 Y31 Z33), weights 1 9 8 7 6 5 4 3 2 1 1 over the
  11 digits, valid when the sum is a multiple of 10.
- **MO_ID** (澳门身份证, BIR): ``1234567(8)``, first digit 1, 5 or 7. The check algorithm is not public, so
  only the shape is validated and the span needs context (澳门身份证 ..., +0.35 in the scanner). Written
  without parentheses (``12345678``) it is only reported right after a cue word (``澳门身份证：12345678``).

Sources: research/legal.md section 8 (HK and TW: published algorithms; Macao: secondary - unverified).

>>> is_hk_id("A123456(3)"), is_hk_id("CA182361(1)"), is_hk_id("A123456(4)")
(True, True, False)
>>> is_tw_id("A123456789"), is_tw_id("A123456788")
(True, False)
>>> [(s.entity, s.start, s.end) for s in find("香港身份证A123456(3)，台湾A123456789")]
[('HK_ID', 5, 15), ('TW_ID', 18, 28)]
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pipl_guard.detect._letters import glued
from pipl_guard.detect.base import ScanContext, Span
from pipl_guard.detect.normalize import to_ascii

ENTITIES = ("HK_ID", "TW_ID", "MO_ID")
#: cue words right before a bare 8-digit Macao ID number
CUES: tuple[str, ...] = ("澳门身份证", "澳門身份證", "澳门居民身份证", "澳門居民身份證")
#: HK check character written in parentheses, as on the card
HK_SCORE = 0.85
#: HK check character glued to the digits (``A1234563``): a 1-in-11 chance for a random code
HK_BARE_SCORE = 0.6
TW_SCORE = 0.8
#: Macao: shape only, needs context
MO_SCORE = 0.3
#: Macao number without parentheses, right after its cue word
MO_CUE_SCORE = 0.75

_HK_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)
_TW_LETTERS = dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", (
    10, 11, 12, 13, 14, 15, 16, 17, 34, 18, 19, 20, 21, 22, 35, 23, 24, 25, 26, 27, 28, 29, 32, 30, 31, 33,
), strict=True))
_TW_WEIGHTS = (1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1)

_HK = re.compile(r"([A-Z]{1,2})([0-9]{6})([0-9A])")
_HK_BODY = re.compile(r"[A-Z]{1,2}[0-9]{6}")
# check character in ASCII or full-width parentheses, optionally after one space
_HK_PAREN = re.compile(r" ?[(（]([0-9A])[)）]")
_TW = re.compile(r"[A-Z][1289][0-9]{8}")
_MO = re.compile(r"[157][0-9]{7}")
_MO_PAREN = re.compile(r"[(（]([0-9])[)）]")
# after the cue: an optional 号/号码, a short separator, then exactly 8 digits; every part is bounded
_MO_AFTER_CUE = re.compile(r"(?:号码|號碼|号|號)?[ \t]{0,3}[:：]?[ \t]{0,3}([157][0-9]{7})(?![0-9A-Za-z_(（])")


def compact(value: str) -> str:
    """Strip spaces, dashes and parentheses, map full-width forms, upper-case: ``a123456(3)`` -> ``A1234563``."""
    return re.sub(r"[\s\-()（）]", "", to_ascii(value)).upper()


# --- Hong Kong -----------------------------------------------------------------------------------------


def hk_check_character(body: str) -> str:
    """The check character for ``body`` (1-2 letters + 6 digits).

    >>> hk_check_character("A123456"), hk_check_character("G123456")
    ('3', 'A')
    """
    padded = body.rjust(8)
    total = 0
    for ch, w in zip(padded, _HK_WEIGHTS, strict=True):
        if ch == " ":
            v = 36
        elif ch.isdigit():
            v = int(ch)
        else:
            v = ord(ch) - ord("A") + 10
        total += v * w
    check = 11 - total % 11
    return "A" if check == 10 else "0" if check == 11 else str(check)


def is_hk_id(value: str) -> bool:
    v = compact(value)
    m = _HK.fullmatch(v)
    return m is not None and hk_check_character(m.group(1) + m.group(2)) == m.group(3)


def format_hk_id(value: str) -> str:
    """``A1234563`` -> ``A123456(3)``."""
    v = compact(value)
    return f"{v[:-1]}({v[-1]})"


# --- Taiwan --------------------------------------------------------------------------------------------


def tw_checksum(value: str) -> int:
    """The weighted sum of a TW ID mod 10 (0 for a valid number)."""
    code = _TW_LETTERS[value[0]]
    digits = [code // 10, code % 10, *(int(c) for c in value[1:])]
    return sum(d * w for d, w in zip(digits, _TW_WEIGHTS, strict=True)) % 10


def tw_check_digit(body9: str) -> str:
    """The last digit that makes ``body9`` (letter + 8 digits) a valid TW ID.

    >>> tw_check_digit("A12345678")
    '9'
    """
    return str((10 - tw_checksum(body9 + "0")) % 10)


def is_tw_id(value: str) -> bool:
    v = compact(value)
    return _TW.fullmatch(v) is not None and tw_checksum(v) == 0


# --- Macao ---------------------------------------------------------------------------------------------


def is_mo_id(value: str) -> bool:
    """Shape only: 8 digits, first digit 1, 5 or 7 (the check algorithm is not public)."""
    return _MO.fullmatch(compact(value)) is not None


VALIDATORS: dict[str, Callable[[str], bool]] = {"HK_ID": is_hk_id, "TW_ID": is_tw_id, "MO_ID": is_mo_id}


def is_valid(value: str) -> bool:
    """Valid as any of the three (use ``VALIDATORS`` for one entity)."""
    return any(check(value) for check in VALIDATORS.values())


def _tw_attributes(v: str) -> dict[str, Any]:
    second = v[1]
    return {"gender": "male" if second in "18" else "female", "foreign_resident": second in "89"}


def parse(value: str) -> dict[str, Any]:
    """Which of the three a value is, with its attributes: TW sex digit, HK prefix letters.

    >>> parse("A123456789")
    {'entity': 'TW_ID', 'gender': 'male', 'foreign_resident': False}
    """
    v = compact(value)
    if is_tw_id(v):
        return {"entity": "TW_ID", **_tw_attributes(v)}
    if is_hk_id(v):
        return {"entity": "HK_ID", "prefix": v[:-7]}
    if is_mo_id(v):
        return {"entity": "MO_ID"}
    return {}


def format(value: str) -> str:  # python-stdnum's name
    """HK and MO numbers with the check character in parentheses, TW as is."""
    v = compact(value)
    if is_tw_id(v):
        return v
    return f"{v[:-1]}({v[-1]})"


def find(text: str | ScanContext) -> list[Span]:
    ctx = ScanContext.of(text)
    norm = ctx.norm
    out: list[Span] = []
    for start, end, tok in ctx.alnum_tokens:
        n = len(tok)
        if n == 10 and _TW.fullmatch(tok) and tw_checksum(tok) == 0:
            if not glued(norm, start, end):
                out.append(Span(start, end, "TW_ID", TW_SCORE, _tw_attributes(tok)))
        elif (n == 7 or n == 8) and _HK_BODY.fullmatch(tok):
            # ``A123456(3)``: the token is the body, the check character follows in parentheses
            m = _HK_PAREN.match(norm, end)
            if m is None or hk_check_character(tok) != m.group(1):
                continue
            if glued(norm, start, m.end()):
                continue
            out.append(Span(start, m.end(), "HK_ID", HK_SCORE, {"prefix": tok[:-6]}))
        elif (n == 8 or n == 9) and (hk := _HK.fullmatch(tok)):
            if hk_check_character(hk.group(1) + hk.group(2)) != hk.group(3) or glued(norm, start, end):
                continue
            out.append(Span(start, end, "HK_ID", HK_BARE_SCORE, {"prefix": hk.group(1)}))
    for c in ctx.digits_of_length(7):
        # ``1234567(8)``: a whole 7-digit run, the eighth digit in parentheses right after it
        if not c.whole_run or c.separated or c.digits[0] not in "157" or not c.digits.isdigit():
            continue
        m = _MO_PAREN.match(norm, c.end)
        if m is None or glued(norm, c.start, m.end()):
            continue
        out.append(Span(c.start, m.end(), "MO_ID", MO_SCORE, {}))
    for pos, _word in ctx.cues(CUES):
        cue = _MO_AFTER_CUE.match(norm, pos)
        if cue is None or glued(norm, cue.start(1), cue.end(1)):
            continue
        out.append(Span(cue.start(1), cue.end(1), "MO_ID", MO_CUE_SCORE, {}, has_context=True))
    return out
