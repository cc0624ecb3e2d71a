"""CN_LICENSE_PLATE: mainland motor-vehicle plates (机动车号牌, GA 36).

Shapes supported (letters never include I or O):

- ordinary: province abbreviation + authority letter + 5 serial characters (digits and at most two letters),
  optionally written with ``·`` or a space after the authority letter: ``京A·12345``, ``粤B 3C4D5``;
- special purpose: province + letter + 4 serial characters + a suffix (警 学 挂 港 澳 领 使 试 超):
  ``粤Z1234港``, ``京A1234警``;
- new-energy (GA 36-2018, 8 characters): small vehicles ``D``/``F`` + letter or digit + 4 digits after the
  authority letter (``京AD12345``), large vehicles 5 digits + ``D``/``F`` (``京A12345D``);
- embassy: ``使`` + 6 digits (``使014578``).

Province abbreviations and suffix meanings live in ``data/vehicles.toml``. Plates carry no check character:
a shape match scores 0.75, which passes on its own (the CJK province character plus the fixed layout is
strong evidence). Sources: GA 36-2018 via secondary descriptions (research/legal.md section 8); the
"at most two letters in the serial" rule and any NEV letters beyond D/F are unverified.

>>> is_valid("京A12345"), is_valid("京AD12345"), is_valid("京AI2345")
(True, True, False)
>>> [(s.start, s.end) for s in find("车牌号京A·12345，停在门口")]
[(3, 11)]
>>> parse("粤Z1234港")["suffix"]
'hong_kong'
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from pipl_guard.detect._letters import JOINERS, vehicles
from pipl_guard.detect.base import ScanContext, Span, is_ascii_alnum
from pipl_guard.detect.normalize import to_ascii

ENTITIES = ("CN_LICENSE_PLATE",)
ENTITY = "CN_LICENSE_PLATE"
CUES: tuple[str, ...] = ()
SCORE = 0.75
#: most letters allowed in the serial (ordinary plates)
MAX_SERIAL_LETTERS = 2
#: separators written after the authority letter: middle dots, bullet, space, dash
SEPARATORS = "·・• -"
_LETTER = "A-HJ-NP-Z"


@cache
def _tables() -> tuple[dict[str, str], dict[str, str], str]:
    plate = vehicles()["plate"]
    return plate["provinces"], plate["suffixes"], plate["embassy_prefix"]


@cache
def _pattern() -> re.Pattern[str]:
    provinces, suffixes, embassy = _tables()
    # one leading character class: ``re`` skips every position that cannot start a plate
    head = "[" + "".join(sorted(provinces)) + re.escape(embassy) + "]"
    sep = "[" + re.escape(SEPARATORS) + "]?"
    suffix = "[" + "".join(sorted(suffixes)) + "]"
    return re.compile(
        rf"(?P<head>{head})"
        rf"(?:(?P<auth>[{_LETTER}])(?P<sep>{sep})"
        rf"(?:(?P<nev_small>[DF][{_LETTER}0-9][0-9]{{4}})"
        rf"|(?P<nev_large>[0-9]{{5}}[DF])"
        rf"|(?P<ordinary>[{_LETTER}0-9]{{5}})"
        rf"|(?P<special>[{_LETTER}0-9]{{4}})(?P<suffix>{suffix}))"
        rf"|(?P<embassy>[0-9]{{3}}{sep}[0-9]{{3}}))"
        r"(?![0-9A-Za-z_])"
    )


def _letters(s: str) -> int:
    return sum(1 for c in s if c.isalpha())


def _accept(m: re.Match[str]) -> bool:
    """Rules the regex does not carry: head/branch pairing and the letter count of the serial."""
    _provinces, _suffixes, embassy = _tables()
    if (m.group("head") == embassy) != (m.group("embassy") is not None):
        return False
    serial = m.group("ordinary") or m.group("special")
    return serial is None or _letters(serial) <= MAX_SERIAL_LETTERS


def compact(value: str) -> str:
    """Remove separators, map full-width forms, upper-case: ``京ａ·１２３４５`` -> ``京A12345``."""
    v = to_ascii(value).upper()
    return "".join(c for c in v if c not in SEPARATORS and not c.isspace())


def is_valid(value: str) -> bool:
    v = compact(value)
    m = _pattern().fullmatch(v)
    return m is not None and _accept(m)


def _attributes(m: re.Match[str]) -> dict[str, Any]:
    provinces, suffixes, _embassy = _tables()
    if m.group("embassy") is not None:
        return {"kind": "embassy", "new_energy": False}
    head = m.group("head")
    out: dict[str, Any] = {
        "province_code": head,
        "province": provinces[head],
        "authority": head + m.group("auth"),
        "new_energy": False,
    }
    if m.group("nev_small") is not None:
        out.update(kind="new_energy_small", new_energy=True)
    elif m.group("nev_large") is not None:
        out.update(kind="new_energy_large", new_energy=True)
    elif m.group("special") is not None:
        out.update(kind="special", suffix=suffixes[m.group("suffix")])
    else:
        out["kind"] = "ordinary"
    return out


def parse(value: str) -> dict[str, Any]:
    """Province, issuing authority (province + letter), kind, new-energy flag, suffix meaning."""
    m = _pattern().fullmatch(compact(value))
    if m is None or not _accept(m):
        return {}
    return _attributes(m)


def format(value: str) -> str:  # python-stdnum's name
    """``京A12345`` -> ``京A·12345`` (the dot printed on the plate)."""
    v = compact(value)
    if v.startswith(_tables()[2]):
        return v
    return f"{v[:2]}·{v[2:]}"


def find(text: str | ScanContext) -> list[Span]:
    ctx = ScanContext.of(text)
    norm = ctx.norm
    n = len(norm)
    out: list[Span] = []
    for m in _pattern().finditer(norm):
        if not _accept(m):
            continue
        end = m.end()
        # ``京A12345-2``, ``京A12345.jpg``: part of a longer code
        if end + 1 < n and norm[end] in JOINERS and is_ascii_alnum(norm[end + 1]):
            continue
        out.append(Span(m.start(), end, ENTITY, SCORE, _attributes(m)))
    return out
