"""Keyed date shifting, consistent per subject: one person's dates all move by the same offset.

The offset is HMAC-SHA256(key-derived, subject) mapped to ``[-max_days, max_days]`` without 0, so the
intervals between one person's dates (admission → discharge, birth → visit) survive while the calendar
dates do not. Dates keep their written format (``2024-03-01``, ``2024/3/1``, ``2024年3月1日``,
``20240301``, ISO date-times).

>>> from pipl_guard.transform.keys import Key
>>> s = DateShifter(Key(bytes(range(32)), id="demo"), max_days=30)
>>> a, b = s.shift("2024-03-01", "p1"), s.shift("2024-03-11", "p1")
>>> import datetime as dt
>>> (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days
10
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from contextvars import ContextVar

from pipl_guard.errors import InputError
from pipl_guard.transform.keys import Key, KeyRing, as_ring

#: the current record's subject values (field path -> value), set by the Deidentifier for each record
SUBJECTS: ContextVar[dict[str, str] | None] = ContextVar("pipl_guard_date_subjects", default=None)

_DATE = re.compile(
    r"(?P<y>\d{4})(?P<s1>[-/.年])(?P<m>\d{1,2})(?P<s2>[-/.月])(?P<d>\d{1,2})(?P<s3>日?)"
    r"|(?P<cy>\d{4})(?P<cm>\d{2})(?P<cd>\d{2})(?!\d)"
)

__all__ = ["SUBJECTS", "DateShifter"]


class DateShifter:
    __slots__ = ("_mac", "max_days")

    def __init__(self, key: Key | KeyRing, max_days: int) -> None:
        if not isinstance(max_days, int) or isinstance(max_days, bool) or max_days < 1:
            raise InputError("date shift max_days: must be a positive integer")
        self.max_days = max_days
        self._mac = hmac.new(as_ring(key).current.derive("date-shift"), digestmod=hashlib.sha256)

    def offset(self, subject: str | None) -> int:
        """Days to add for ``subject`` (``None``: one offset for everything under this key)."""
        h = self._mac.copy()
        h.update(b"\x00" if subject is None else b"\x01" + subject.encode("utf-8"))
        r = int.from_bytes(h.digest()[:8], "big") % (2 * self.max_days)
        return r - self.max_days if r < self.max_days else r - self.max_days + 1  # never 0

    def shift(self, value: str, subject: str | None = None) -> str:
        """Shift every date written in ``value``; a value without a date is an ``InputError``."""
        days = self.offset(subject)
        found = False

        def repl(m: re.Match[str]) -> str:
            nonlocal found
            try:
                if m.group("y"):
                    d = dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
                else:
                    d = dt.date(int(m.group("cy")), int(m.group("cm")), int(m.group("cd")))
                new = d + dt.timedelta(days=days)
            except (ValueError, OverflowError):
                return m.group()
            found = True
            if m.group("y"):
                width_m, width_d = len(m.group("m")), len(m.group("d"))
                return (
                    f"{new.year:04d}{m.group('s1')}{new.month:0{width_m}d}{m.group('s2')}"
                    f"{new.day:0{width_d}d}{m.group('s3')}"
                )
            return f"{new.year:04d}{new.month:02d}{new.day:02d}"

        out = _DATE.sub(repl, value)
        if not found:
            raise InputError("date shift: the value holds no recognizable date")
        return out
