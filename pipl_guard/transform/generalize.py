"""Generalization along Chinese hierarchies: region (GB/T 2260), birth date, address, numbers.

Levels: ``county`` / ``city`` / ``province`` for resident IDs (their region code) and addresses;
``year`` / ``5y`` / ``decade`` / ``age_band`` for birth dates (and for the birth date inside a resident ID);
numbers become ranges of width ``bucket``.

>>> generalize("11010519491231002X", "CN_RESIDENT_ID", "city")
'北京市'
>>> generalize("11010519491231002X", "CN_RESIDENT_ID", "5y")
'1945-1949'
>>> generalize("广东省深圳市南山区科技园路1号", "ADDRESS", "city")
'广东省深圳市'
>>> generalize("37", None, "range", bucket=10)
'30-39'
"""

from __future__ import annotations

import datetime as dt
import re

from pipl_guard.errors import InputError

REGION_LEVELS = ("county", "city", "province")
DATE_LEVELS = ("year", "5y", "decade", "age_band", "month")
LEVELS = (*REGION_LEVELS, *DATE_LEVELS, "range")
_DATE = re.compile(r"(\d{4})\D{0,1}(\d{1,2})\D{0,1}(\d{1,2})")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")

__all__ = ["DATE_LEVELS", "LEVELS", "REGION_LEVELS", "generalize"]


def _region_name(code: str, level: str) -> str:
    from pipl_guard.detect import regions

    reg = regions.lookup(code) or regions.lookup(code[:4] + "00") or regions.lookup(code[:2] + "0000")
    if reg is None:
        raise InputError("generalize: unknown region code")
    if level == "province":
        return reg.province
    pref = reg.prefecture if reg.prefecture and reg.prefecture not in ("市辖区", "县") else None
    if level == "city":
        return reg.province + pref if pref and pref != reg.province else reg.province
    return reg.name


def _date_band(born: dt.date, level: str, as_of: dt.date | None, bucket: int) -> str:
    if level == "year":
        return f"{born.year}"
    if level == "month":
        return f"{born.year}-{born.month:02d}"
    if level == "5y":
        lo = born.year - born.year % 5
        return f"{lo}-{lo + 4}"
    if level == "decade":
        lo = born.year - born.year % 10
        return f"{lo}-{lo + 9}"
    on = as_of or dt.date.today()
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    lo = age - age % bucket
    return f"{lo}-{lo + bucket - 1}"


def generalize(
    value: str, entity: str | None, level: str, *, bucket: int = 10, as_of: dt.date | None = None
) -> str:
    """``value`` (of ``entity``) at ``level`` of its hierarchy; an unsupported pair is an ``InputError``."""
    if level not in LEVELS:
        raise InputError(f"generalize level: unknown; choose one of {', '.join(LEVELS)}")
    if bucket < 1:
        raise InputError("generalize bucket: must be positive")
    v = value.strip()
    if entity == "CN_RESIDENT_ID":
        from pipl_guard.detect import resident_id

        if not resident_id.is_valid(v):
            raise InputError("generalize CN_RESIDENT_ID: not a valid resident ID")
        facts = resident_id.parse(v)
        if level in REGION_LEVELS:
            return _region_name(facts["region_code"], level)
        if level in DATE_LEVELS:
            return _date_band(facts["birth_date"], level, as_of, bucket)
    elif entity == "ADDRESS":
        if level in REGION_LEVELS:
            from pipl_guard.detect import address

            facts = address.parse(v)
            parts = [facts.get("province"), facts.get("city"), facts.get("district")]
            upto = {"province": 1, "city": 2, "county": 3}[level]
            names: list[str] = []
            for p in parts[:upto]:
                if p and p not in names:
                    names.append(p)
            if not names:
                raise InputError("generalize ADDRESS: no administrative division found")
            return "".join(names)
    elif level in DATE_LEVELS:
        m = _DATE.search(v)
        if m is None:
            raise InputError(f"generalize {entity or 'value'}: no date found")
        try:
            born = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise InputError(f"generalize {entity or 'value'}: not a real date") from None
        return _date_band(born, level, as_of, bucket)
    if level == "range":
        m = _NUMBER.fullmatch(v)
        if m is None:
            raise InputError(f"generalize {entity or 'value'}: 'range' needs a number")
        x = float(v)
        lo = int(x // bucket * bucket)
        return f"{lo}-{lo + bucket - 1}"
    raise InputError(f"generalize: level {level!r} does not apply to {entity or 'this value'}")
