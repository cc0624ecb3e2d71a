"""Chinese generalization hierarchies for quasi-identifiers (GB/T 37964-2019 "generalization").

Each hierarchy maps a value to a label at a level, from the (normalized) value at level 0 up to ``*``:

- ``region``: GB/T 2260 code (or a place name) → county (``110105 北京市朝阳区``) → city → province → ``*``
- ``birth_date``: date → year → 5-year band → 10-year age band → ``*``
- ``age``: age → 5-year band → 10-year band → ``*``
- ``address``: address → district → city → province → ``*``
- ``postcode``: ``100080`` → ``1000**`` → ``10****`` → ``*``
- ``gender``: 男/女 → ``*``; ``ethnicity``: group → 汉族/少数民族 → ``*``
- ``flat``: any other value → ``*`` (a quasi-identifier without a known hierarchy)
- a resident ID is a bundle of three of them: region + birth date + gender (``id_component``).

A level is always a function of the level below it, so merging only ever grows equivalence classes and
k-anonymity is monotone over the lattice of level combinations (ARX's Flash relies on the same property).
Ages and age bands are the age reached in the year of ``as_of`` (default: today), so birth-year bands nest
inside age bands.

>>> import datetime as dt
>>> on = dt.date(2026, 6, 1)
>>> [generalize("birth_date", "1990-05-17", lv, as_of=on) for lv in range(5)]
['1990-05-17', '1990', '1987-1991', '30-39', '*']
>>> [generalize("region", "110105", lv) for lv in range(4)]
['110105 北京市朝阳区', '北京市', '北京市', '*']
>>> generalize("postcode", "100080", 1), generalize("gender", "F", 0), generalize("ethnicity", "回族", 1)
('1000**', '女', '少数民族')
>>> id_component("11010519491231002X", "gender")
'女'
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable
from functools import cache, lru_cache
from importlib import resources
from typing import Any, Literal

from pydantic import Field

from pipl_guard.errors import InputError
from pipl_guard.transform.ops import Operator

Kind = Literal["region", "birth_date", "age", "address", "postcode", "gender", "ethnicity", "flat"]
KINDS: tuple[str, ...] = ("region", "birth_date", "age", "address", "postcode", "gender", "ethnicity", "flat")
#: the three quasi-identifiers a resident ID carries (GB 11643: address code, birth date, sex digit)
ID_COMPONENTS: tuple[str, ...] = ("region", "birth_date", "gender")
UNKNOWN = "?"
MISSING = ""

# possessive \s*+ : two adjacent whitespace repeats must not trade spaces back and forth (quadratic)
_DATE = re.compile(r"^\s*+(\d{4})\s*+[-/.年]?\s*+(\d{1,2})\s*+[-/.月]?\s*+(\d{1,2})\s*+日?")
_INT = re.compile(r"^\s*+(\d{1,3})(?:\.0++)?\s*+(?:岁|周岁)?\s*+$")
_POSTCODE = re.compile(r"^\s*(\d{6})\s*$")
_CODE = re.compile(r"^\s*(\d{6})(?:\d{6})?\s*$")


@cache
def _data() -> dict[str, Any]:
    text = resources.files("pipl_guard.data").joinpath("report_hierarchies.toml").read_text("utf-8")
    return tomllib.loads(text)


def suppressed() -> str:
    """The label of the top level of every hierarchy (``*``)."""
    return str(_data()["suppressed"])


def levels(kind: str) -> tuple[str, ...]:
    """Level names of a hierarchy, level 0 first.

    >>> levels("postcode")
    ('postcode', '4-digit prefix', '2-digit prefix', '*')
    """
    try:
        return tuple(_data()["levels"][kind])
    except KeyError:
        raise InputError(f"unknown hierarchy {kind!r}; known: {', '.join(KINDS)}") from None


def levels_zh(kind: str) -> tuple[str, ...]:
    """Chinese level names of a hierarchy."""
    return tuple(_data()["labels_zh"][kind])


@cache
def height(kind: str) -> int:
    """Index of the top level (``*``)."""
    return len(levels(kind)) - 1


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        if value != value:  # NaN from a data frame
            return None
        if value.is_integer():
            return str(int(value))
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    s = str(value).strip()
    return s or None


# --------------------------------------------------------------------------- parsing


def parse_date(value: Any) -> dt.date | None:
    """A date from ``date``/``datetime`` objects and ``1990-05-17``, ``19900517``, ``1990年5月17日``."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    s = _text(value)
    if s is None:
        return None
    m = _DATE.match(s)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def parse_age(value: Any) -> int | None:
    s = _text(value)
    if s is None:
        return None
    m = _INT.match(s)
    return int(m.group(1)) if m else None


def _band(age: int, width: int) -> str:
    lo = (age // width) * width
    return f"{lo}-{lo + width - 1}"


@cache
def _gender_map() -> dict[str, str]:
    return {alias.lower(): label for label, aliases in _data()["gender"].items() for alias in aliases}


def normalize_gender(value: Any) -> str | None:
    s = _text(value)
    if s is None:
        return None
    return _gender_map().get(s.lower(), s)


# --------------------------------------------------------------------------- places

_PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
_CITY_SUFFIXES = ("自治州", "地区", "市", "盟")
_COUNTY_SUFFIXES = ("自治县", "自治旗", "区", "县", "市", "旗")
_SKIP = frozenset(
    {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "省直辖县级行政单位", "自治区直辖县级行政单位"}
)


def _clean(name: str) -> str:
    # GB/T 2260 lists county-level cities under a placeholder "prefecture"; a label must not show it
    for word in _SKIP:
        if len(word) > 2:
            name = name.replace(word, "")
    return name


def _short(name: str, suffixes: tuple[str, ...]) -> str:
    for suf in suffixes:
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            return name[: -len(suf)]
    return name


class _Places:
    """Name index over GB/T 2260 for a longest-prefix parse of place names and addresses."""

    def __init__(self) -> None:
        from pipl_guard.detect import regions

        self.province: dict[str, str] = {}  # name or short name -> province code (2 digits)
        self.city: dict[str, dict[str, str]] = {}  # province -> name -> 4-digit code
        self.county: dict[str, dict[str, str]] = {}  # 4- or 2-digit parent -> name -> 6-digit code
        self.city_any: dict[str, str] = {}
        self.names: dict[str, tuple[str, str | None, str | None]] = {}
        for code in regions.all_codes():
            r = regions.lookup(code)
            if r is None:
                continue
            p2 = code[:2]
            if code.endswith("0000"):
                for n in (r.province, _short(r.province, _PROVINCE_SUFFIXES)):
                    self.province.setdefault(n, p2)
            elif code.endswith("00"):
                name = r.prefecture or ""
                if name and name not in _SKIP:
                    for n in (name, _short(name, _CITY_SUFFIXES)):
                        self.city.setdefault(p2, {}).setdefault(n, code[:4])
                        self.city_any.setdefault(n, code[:4])
            elif r.county and r.county not in _SKIP:
                for n in (r.county, _short(r.county, _COUNTY_SUFFIXES)):
                    self.county.setdefault(code[:4], {}).setdefault(n, code)
                    self.county.setdefault(p2, {}).setdefault(n, code)

    @staticmethod
    def _prefix(text: str, names: dict[str, str]) -> tuple[str, str] | None:
        # longest name first: 内蒙古自治区 before 内蒙古
        for size in range(min(len(text), 12), 1, -1):
            code = names.get(text[:size])
            if code is not None:
                return code, text[size:]
        return None

    def parse(self, text: str) -> tuple[str | None, str | None, str | None]:
        """(province code2, city code4, county code6) found at the start of ``text``."""
        s = re.sub(r"\s+", "", text)
        p2 = c4 = c6 = None
        hit = self._prefix(s, self.province)
        if hit:
            p2, s = hit
            hit = self._prefix(s, self.city.get(p2, {}))
            if hit:
                c4, s = hit
        else:
            hit = self._prefix(s, self.city_any)
            if hit:
                c4, s = hit
                p2 = c4[:2]
        if p2 is not None:
            hit = self._prefix(s, self.county.get(c4 or p2, {}))
            if hit:
                c6 = hit[0]
                c4 = c4 or c6[:4]
        return p2, c4, c6


@cache
def _places() -> _Places:
    return _Places()


def _province_name(p2: str) -> str | None:
    from pipl_guard.detect import regions

    r = regions.lookup(p2 + "0000")
    return r.province if r else None


def _city_name(c4: str) -> str | None:
    from pipl_guard.detect import regions

    r = regions.lookup(c4 + "00")
    if r is None or (r.prefecture or "") in _SKIP:
        return _province_name(c4[:2])
    return _clean(r.name)


def _county_name(c6: str) -> str | None:
    from pipl_guard.detect import regions

    r = regions.lookup(c6)
    return _clean(r.name) if r else None


def _address_parts(text: str) -> tuple[str | None, str | None, str | None]:
    """(province, city, district) names of an address; the address detector's parse when it offers one."""
    detector: Any
    try:
        from pipl_guard.detect import address as detector  # written alongside; optional here
    except ImportError:
        detector = None
    parse = getattr(detector, "parse", None) if detector is not None else None
    if callable(parse):
        try:
            got = parse(text)
        except Exception:  # a parse failure must not break risk analysis; fall back to GB/T 2260 names
            got = None
        if got:
            def pick(*keys: str) -> str | None:
                for k in keys:
                    v = got.get(k) if isinstance(got, dict) else getattr(got, k, None)
                    if isinstance(v, str) and v:
                        return v
                return None

            prov = pick("province")
            if prov:
                city = pick("city", "prefecture")
                city = None if city in _SKIP else city
                dist = pick("district", "county")
                city_label = prov + city if city and city != prov else prov
                return prov, city_label, (city_label + dist) if dist else None
    p2, c4, c6 = _places().parse(text)
    if p2 is None:
        return None, None, None
    prov = _province_name(p2)
    city = _city_name(c4) if c4 else None
    county = _county_name(c6) if c6 else None
    return prov, city, county


# --------------------------------------------------------------------------- generalizers


def _g_region(s: str, level: int, as_of: dt.date) -> str:
    from pipl_guard.detect import regions

    m = _CODE.match(s)
    if m:
        code = m.group(1)
        r = regions.lookup(code)
        if r is None:
            return s if level == 0 else UNKNOWN
        if level == 0:
            # the code stays in the label: a county-level city may share its name with a later prefecture
            return f"{code} {_clean(r.name)}"
        if level == 1:
            return _city_name(code[:4]) or UNKNOWN
        return r.province
    prov, city, county = _address_parts(s)
    if level == 0:
        return county or city or prov or s
    if level == 1:
        return city or prov or UNKNOWN
    return prov or UNKNOWN


def _g_address(s: str, level: int, as_of: dt.date) -> str:
    if level == 0:
        return s
    prov, city, county = _address_parts(s)
    if level == 1:
        return county or city or prov or UNKNOWN
    if level == 2:
        return city or prov or UNKNOWN
    return prov or UNKNOWN


def _g_birth(s: str, level: int, as_of: dt.date) -> str:
    d = parse_date(s)
    if d is None:
        return s if level == 0 else UNKNOWN
    if level == 0:
        return d.isoformat()
    if level == 1:
        return str(d.year)
    age = as_of.year - d.year
    if age < 0:
        return UNKNOWN
    if level == 2:
        lo = (age // 5) * 5
        return f"{as_of.year - lo - 4}-{as_of.year - lo}"
    return _band(age, 10)


def _g_age(s: str, level: int, as_of: dt.date) -> str:
    a = parse_age(s)
    if a is None:
        return s if level == 0 else UNKNOWN
    if level == 0:
        return str(a)
    return _band(a, 5 if level == 1 else 10)


def _g_postcode(s: str, level: int, as_of: dt.date) -> str:
    m = _POSTCODE.match(s)
    if not m:
        return s if level == 0 else UNKNOWN
    code = m.group(1)
    keep = (6, 4, 2)[level]
    return code[:keep] + "*" * (6 - keep)


def _g_gender(s: str, level: int, as_of: dt.date) -> str:
    return normalize_gender(s) or s


def _g_ethnicity(s: str, level: int, as_of: dt.date) -> str:
    eth = _data()["ethnicity"]
    han = s.lower() in eth["han"]
    if level == 0:
        return eth["han_label"] if han else s
    return eth["han_label"] if han else eth["minority_label"]


_GENERALIZERS: dict[str, Callable[[str, int, dt.date], str]] = {
    "region": _g_region,
    "birth_date": _g_birth,
    "age": _g_age,
    "address": _g_address,
    "postcode": _g_postcode,
    "gender": _g_gender,
    "ethnicity": _g_ethnicity,
    "flat": lambda s, level, as_of: s,
}


def generalize(kind: str, value: Any, level: int, *, as_of: dt.date | None = None) -> str:
    """The label of ``value`` at ``level`` of hierarchy ``kind``; a missing value stays ``""``.

    >>> generalize("age", 37, 1), generalize("age", "37岁", 2), generalize("age", None, 3)
    ('35-39', '30-39', '')
    """
    top = height(kind)
    if not isinstance(level, int) or not 0 <= level <= top:
        raise InputError(f"level of hierarchy {kind!r} must be 0..{top}")
    s = value.strip() or None if type(value) is str else _text(value)
    if s is None:
        # a missing value stays missing at every level, as a Deidentifier leaves empty cells alone
        return MISSING
    if level == top:
        return suppressed()
    return _cached(kind, s, level, as_of or dt.date.today())


@lru_cache(maxsize=200_000)
def _cached(kind: str, s: str, level: int, as_of: dt.date) -> str:
    return _GENERALIZERS[kind](s, level, as_of)


def id_component(value: Any, component: str) -> Any:
    """One quasi-identifier of a resident ID: ``region`` (code), ``birth_date`` (date) or ``gender`` (男/女).

    A value that is already a generalized bundle (``北京市|1990|女``, made by ``ResidentIdGeneralize``)
    yields its part; anything else yields ``None``.
    """
    from pipl_guard.detect import resident_id

    s = _text(value)
    if s is None:
        return None
    if resident_id.is_valid(s):
        attrs = resident_id.parse(s)
        if component == "region":
            return attrs.get("region_code")
        if component == "birth_date":
            return attrs.get("birth_date")
        return normalize_gender(attrs.get("gender"))
    parts = s.split("|")
    if len(parts) == 3:
        return parts[ID_COMPONENTS.index(component)] or None
    return None


# --------------------------------------------------------------------------- field kinds


@cache
def _name_kinds() -> dict[str, str]:
    out: dict[str, str] = {}
    for kind, names in _data()["field_names"].items():
        for n in names:
            out[n.lower()] = kind
    return out


def kind_of_field(path: str, entity: str | None = None) -> str | None:
    """The hierarchy a field needs, from its profiled entity or else its name (``resident_id`` for an ID).

    >>> kind_of_field("csrq", "DATE_OF_BIRTH"), kind_of_field("yzbm"), kind_of_field("user.age")
    ('birth_date', 'postcode', 'age')
    """
    from pipl_guard.detect.fields import classify_field, last_segment, tokenize

    kinds: dict[str, str] = _data()["entity_kinds"]
    entity = entity or classify_field(path)
    if entity in kinds:
        return kinds[entity]
    name = last_segment(path)
    table = _name_kinds()
    if name.lower() in table:
        return table[name.lower()]
    joined = "_".join(tokenize(name))
    return table.get(joined)


# --------------------------------------------------------------------------- operators


class HierarchyGeneralize(Operator):
    """Operator (``pg.ops``-compatible): a field's value becomes its label at ``level`` of a hierarchy.

    >>> op = HierarchyGeneralize("birth_date", 1)
    >>> op.apply("1990-05-17")
    '1990'
    """

    _positional = ("kind", "level")
    kind: Kind
    level: int = Field(ge=0)
    as_of: dt.date | None = None

    def _build(self) -> Any:
        if self.level > height(self.kind):
            raise InputError(f"HierarchyGeneralize.level: hierarchy {self.kind} has levels 0..{height(self.kind)}")
        return True

    def apply(self, value: Any, finding: Any = None) -> Any:
        if value is None:
            return None
        return generalize(self.kind, value, self.level, as_of=self.as_of)


class ResidentIdGeneralize(Operator):
    """Operator: replace a resident ID by its generalized quasi-identifiers ``region|birth|gender``.

    >>> ResidentIdGeneralize(region=2, birth_date=1, gender=0).apply("11010519491231002X")
    '北京市|1949|女'
    """

    region: int = Field(default=0, ge=0)
    birth_date: int = Field(default=0, ge=0)
    gender: int = Field(default=0, ge=0)
    as_of: dt.date | None = None

    def apply(self, value: Any, finding: Any = None) -> Any:
        if value is None:
            return None
        parts = []
        for comp in ID_COMPONENTS:
            raw = id_component(value, comp)
            parts.append(generalize(comp, raw, getattr(self, comp), as_of=self.as_of))
        if not any(parts):
            return suppressed()
        return "|".join(parts)
