"""GB/T 2260 administrative division codes, current and historical.

The data is the division table that python-stdnum ships (``stdnum/cn/loc.dat``, compiled from the
published GB/T 2260 editions, with the years each code was in use). A resident ID keeps the code it was
issued under, so *every* code that ever appeared counts as assigned, whatever the birth year.

>>> lookup("110105").county
'朝阳区'
>>> lookup("110105").province
'北京市'
>>> lookup("440300").prefecture
'深圳市'
>>> is_assigned("999999")
False
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

_ENTRY = re.compile(r'^(\s*)(\d+) (\w+)="(.*)"$')
_HISTORY = re.compile(r"^\[(\d*)-(\d*)\](.*)$")


#: GB/T 2260 grouping entries that are not places ("districts under the city", "counties under the province")
PLACEHOLDERS = frozenset(
    {"市辖区", "县", "省直辖县级行政单位", "自治区直辖县级行政单位", "省直辖县级行政区划", "自治区直辖县级行政区划"}
)


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    province: str
    prefecture: str | None
    county: str | None
    #: (name, first year, last year) of every name the code carried; years are None when open
    history: tuple[tuple[str, int | None, int | None], ...] = ()

    @property
    def name(self) -> str:
        """The most specific name, e.g. ``北京市朝阳区``; GB/T 2260's grouping placeholders are left out.

        >>> lookup("429004").name
        '湖北省仙桃市'
        """
        parts = [self.province]
        if self.prefecture and self.prefecture not in PLACEHOLDERS and self.prefecture != self.province:
            parts.append(self.prefecture)
        if self.county and self.county != self.prefecture and self.county not in PLACEHOLDERS:
            parts.append(self.county)
        return "".join(parts)

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"

    @property
    def prefecture_code(self) -> str:
        return self.code[:4] + "00"


def _parse_names(raw: str) -> tuple[str, tuple[tuple[str, int | None, int | None], ...]]:
    history = []
    for part in raw.split(","):
        m = _HISTORY.match(part)
        if m:
            start, end, name = m.groups()
            history.append((name, int(start) if start else None, int(end) if end else None))
        else:
            history.append((part, None, None))
    # the current (or last) name is the one whose period is open or latest
    current = max(history, key=lambda h: (h[2] is None, h[2] or 0))[0]
    return current, tuple(history)


@cache
def _table() -> dict[str, Region]:
    data = resources.files("stdnum.cn").joinpath("loc.dat").read_text("utf-8")
    provinces: dict[str, str] = {}
    counties: dict[str, tuple[str, tuple[tuple[str, int | None, int | None], ...]]] = {}
    province = ""
    for line in data.splitlines():
        if not line or line.startswith("#"):
            continue
        m = _ENTRY.match(line)
        if not m:
            continue
        indent, code, _key, value = m.groups()
        if not indent:
            province = code
            provinces[code] = value
        else:
            counties[province + code] = _parse_names(value)
    table: dict[str, Region] = {}
    for code, (name, history) in counties.items():
        pref = counties.get(code[:4] + "00")
        table[code] = Region(
            code=code,
            province=provinces[code[:2]],
            prefecture=pref[0] if pref else None,
            county=name if not code.endswith("00") else None,
            history=history,
        )
    for pcode, pname in provinces.items():
        table.setdefault(pcode + "0000", Region(pcode + "0000", pname, None, None, ((pname, None, None),)))
    return table


def lookup(code: str) -> Region | None:
    """The region for a 6-digit code (current or historical), or ``None``."""
    return _table().get(code)


def is_assigned(code: str) -> bool:
    """True when ``code`` appears anywhere in GB/T 2260's history."""
    return code in _table()


@cache
def province_codes() -> frozenset[str]:
    return frozenset(c[:2] for c in _table())


def all_codes() -> list[str]:
    """Every known code (for generators and pseudonyms)."""
    return sorted(_table())


@cache
def county_codes() -> tuple[str, ...]:
    """Codes of county-level divisions (not ending in 00), the ones resident IDs normally carry."""
    return tuple(sorted(c for c in _table() if not c.endswith("00") and c[:2] not in ("71", "81", "82")))
