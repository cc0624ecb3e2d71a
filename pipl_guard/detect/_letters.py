"""Small helpers shared by the letter-bearing identifier detectors (passport, permits, HK/MO/TW IDs, VIN,
plates, IM accounts).

A token found by ``ScanContext.alnum_tokens`` already stops at ASCII letters and digits. These helpers add
the rule that a token joined to more alphanumerics by ``-``, ``_``, ``/``, ``\\`` or ``@`` (and by ``.``
after it) is part of a longer code (``SN-E12345678``, ``E12345678.jpg``) and not an identifier of its own.
A dot before the token is allowed: ``No.E12345678`` is an abbreviation, not a domain.

>>> glued("SN-E12345678", 3, 12), glued("护照E12345678。", 2, 11), glued("No.E12345678", 3, 12)
(True, False, False)
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

from pipl_guard.detect.base import is_ascii_alnum

#: characters that join two alphanumeric runs into one code
JOINERS = frozenset("-_./\\@")
#: joiners that glue a token to what precedes it (``No.E12345678`` stays an identifier)
JOINERS_BEFORE = JOINERS - {"."}


def glued(norm: str, start: int, end: int) -> bool:
    """True when ``norm[start:end]`` touches an ASCII alphanumeric, directly or across one joiner."""
    if start > 0:
        before = norm[start - 1]
        if is_ascii_alnum(before) or (
            before in JOINERS_BEFORE and start > 1 and (is_ascii_alnum(norm[start - 2]) or norm[start - 2] == "_")
        ):
            return True
        if before == "_":
            return True
    if end < len(norm):
        after = norm[end]
        if is_ascii_alnum(after) or after == "_":
            return True
        if after in JOINERS and end + 1 < len(norm) and (is_ascii_alnum(norm[end + 1]) or norm[end + 1] == "_"):
            return True
    return False


@cache
def vehicles() -> dict[str, Any]:
    """``data/vehicles.toml``: plate province abbreviations and suffixes, VIN region codes."""
    text = resources.files("pipl_guard.data").joinpath("vehicles.toml").read_text("utf-8")
    return tomllib.loads(text)
