"""IMEI: International Mobile Equipment Identity (设备识别码 / 手机串号), 15 digits with a Luhn check.

Layout (3GPP TS 23.003): 8-digit Type Allocation Code (TAC, whose first two digits name the reporting
body), 6-digit serial number, Luhn check digit (python-stdnum's ``stdnum.imei``). Often written
grouped: ``35-209900-176148-1``.

One in ten 15-digit numbers passes Luhn, and 15-digit legacy resident IDs exist, so a candidate
scores below the default threshold: a context word (``IMEI``, ``串号``, ``设备号`` ...) is needed.

>>> is_valid("35-209900-176148-1"), is_valid("352099001761482")
(True, False)
>>> parse("352099001761481")["tac"]
'35209900'
>>> [(s.start, s.end) for s in find("IMEI：352099001761481")]
[(5, 20)]
"""

from __future__ import annotations

from typing import Any

from stdnum import luhn

from pipl_guard.detect.base import ScanContext, Span
from pipl_guard.detect.checksums import luhn_ok
from pipl_guard.detect.normalize import to_ascii

ENTITIES = ("IMEI",)
ENTITY = "IMEI"
CUES: tuple[str, ...] = ()
LENGTH = 15
SCORE = 0.45


def compact(value: str) -> str:
    """Strip spaces and dashes, map full-width digits."""
    return to_ascii(value).replace(" ", "").replace("-", "").strip()


def _valid_digits(d: str) -> bool:
    return len(d) == LENGTH and d.isascii() and d.isdigit() and luhn.checksum(d) == 0


def is_valid(value: str) -> bool:
    return _valid_digits(compact(value))


def parse(value: str) -> dict[str, Any]:
    """TAC, its reporting-body prefix and the serial number."""
    d = compact(value)
    return {"tac": d[:8], "reporting_body": d[:2], "serial": d[8:14]}


def format(value: str) -> str:  # python-stdnum's name
    """``AA-BBBBBB-CCCCCC-D``, the grouping printed on devices."""
    d = compact(value)
    return f"{d[:2]}-{d[2:8]}-{d[8:14]}-{d[14:]}"


def find(text: str | ScanContext) -> list[Span]:
    ctx = ScanContext.of(text)
    out: list[Span] = []
    for c in ctx.digits_of_length(LENGTH):
        d = c.digits
        # whole runs only: 15 digits inside a longer (grouped) number are not an IMEI
        if len(d) != LENGTH or not c.whole_run or d[-1] == "X" or not luhn_ok(d):
            continue
        out.append(Span(c.start, c.end, ENTITY, SCORE, parse(d)))
    return out
