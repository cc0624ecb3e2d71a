"""Chinese display masks: the default rendering of each entity for screens, exports and logs.

Each catalogue entry names its mask in ``data/entities.toml``: ``{keep_first, keep_last}`` or a rule
(``name``, ``address``, ``email``, ``ip``, ``geo``, ``date``, ``redact``). A mask is length-preserving
(separators stay in place) unless the rule says otherwise, and never leaves the whole value: when the
value is too short for the rule, fewer characters are kept (at most half of them).

Resident IDs keep the first 6 (region) and the last 4 characters. GB/T 35273-2020 §7.2 ("个人信息的展示
限制") requires display masking ("去标识化处理") of PI shown on screens but fixes no positions; "first 6 +
last 4" is the widest rule in common use (bank and government portals show 6+4 or less, e.g. 3+4), and the
SPEC allows at most that much.

>>> mask_value("13812345678", "CN_MOBILE")
'138****5678'
>>> mask_value("11010519491231002X", "CN_RESIDENT_ID")
'110105********002X'
>>> mask_value("欧阳娜娜", "PERSON_NAME"), mask_value("张三", "PERSON_NAME")
('欧阳**', '张*')
>>> mask_value("zhangsan@example.com", "EMAIL")
'z*******@example.com'
>>> mask_value("北京市海淀区中关村大街27号", "ADDRESS")
'北京市海淀区********'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from pipl_guard.catalogue import CATALOGUE

MASK_CHAR = "*"
#: characters that keep their place in a masked value (grouping separators)
_SEPARATORS = frozenset(" -\u3000\u00a0./:")
_MOBILE_PREFIX = re.compile(r"^\s*(?:\+\s?86|0086|\(\+?86\)|（\+?86）|86(?=1\d{10}$))[\s\-]?")
# each digit run is tried once (look-behind) and never gives digits back (possessive): linear
_GEO_DECIMALS = re.compile(r"(?<!\d)(\d++[.．]\d)(\d++)")
_DIGIT = re.compile(r"\d")
_REDACTED = "***"

__all__ = ["MASK_CHAR", "keep_mask", "mask_many", "mask_rule", "mask_value"]


def _budget(n: int, keep_first: int, keep_last: int) -> tuple[int, int]:
    """Shrink the kept counts so at least one character (and at least half when shrinking) is hidden."""
    keep_first, keep_last = max(0, keep_first), max(0, keep_last)
    if keep_first + keep_last < n:
        return keep_first, keep_last
    visible = n // 2
    kl = min(keep_last, visible // 2)
    kf = min(keep_first, visible - kl)
    return kf, kl


def keep_mask(value: str, keep_first: int = 0, keep_last: int = 0, char: str = MASK_CHAR) -> str:
    """Keep ``keep_first``/``keep_last`` significant characters, mask the others; separators stay.

    >>> keep_mask("6222 0212 3456 7890", 6, 4)
    '6222 02** **** 7890'
    >>> keep_mask("ab", 3, 3)
    'a*'
    """
    if value.isalnum():  # fast path: no separators to keep in place
        n = len(value)
        kf, kl = _budget(n, keep_first, keep_last)
        return value[:kf] + char * (n - kf - kl) + value[n - kl :] if n - kf - kl > 0 else value
    positions = [i for i, ch in enumerate(value) if ch not in _SEPARATORS]
    n = len(positions)
    kf, kl = _budget(n, keep_first, keep_last)
    hidden = positions[kf : n - kl]
    if not hidden:
        return value
    chars = list(value)
    for i in hidden:
        chars[i] = char
    return "".join(chars)


@cache
def _compound_surnames() -> frozenset[str]:
    try:
        from pipl_guard.detect.person_name import surnames

        return frozenset(s for s in surnames() if len(s) == 2)
    except Exception:  # the surname list is optional here: fall back to one-character surnames
        return frozenset()


def _mask_name(value: str, char: str) -> str:
    v = value.strip()
    if not v:
        return value
    lead = value[: len(value) - len(value.lstrip())]
    trail = value[len(lead) + len(v) :]
    if v.isascii():
        # romanized: keep the first token (usually the surname in Chinese order), mask letters after it
        m = re.match(r"([^ ,.\-]+)([ ,.\-]+)(.+)", v)
        if m is None:
            return lead + keep_mask(v, 1, 0, char) + trail
        return lead + m.group(1) + m.group(2) + re.sub(r"[A-Za-z]", char, m.group(3)) + trail
    if "·" in v or "•" in v:
        return lead + v[0] + "".join(ch if ch in "·•" else char for ch in v[1:]) + trail
    keep = 2 if len(v) >= 3 and v[:2] in _compound_surnames() else 1
    keep = min(keep, len(v) - 1)
    return lead + v[:keep] + char * (len(v) - keep) + trail


def _division_prefix(value: str) -> int:
    """Length of the division names (province, city, district) at the start of an address."""
    try:
        from pipl_guard.detect import textutil as tu
    except Exception:  # pragma: no cover - detector helpers absent
        return 0
    names = tu.division_names()
    pos, prefix = 0, ""
    while pos < len(value):
        name = tu.division_at(value, pos)
        if name is None:
            break
        cands = [(c, lvl) for c, lvl in names.get(name, ()) if c.startswith(prefix)]
        if not cands:
            break
        code, level = min(cands, key=lambda t: (-t[1] if prefix else t[1], t[0]))
        prefix = code[: 2 * level]
        pos += len(name)
        if level == 3:
            break
    return pos


def _mask_address(value: str, char: str) -> str:
    keep = _division_prefix(value)
    significant = sum(1 for ch in value if ch not in _SEPARATORS)
    if keep >= len(value.rstrip()):
        # only division names: hide the most specific one
        keep = min(keep, max(0, len(value) - 2), significant // 2)
    if keep == 0:
        keep = min(3, significant // 3)
    return value[:keep] + "".join(ch if ch in _SEPARATORS else char for ch in value[keep:])


def _mask_email(value: str, char: str) -> str:
    local, at, domain = value.rpartition("@")
    if not at or not local:
        return keep_mask(value, 1, 0, char)
    return local[0] + char * (len(local) - 1) + "@" + domain if len(local) > 1 else char + "@" + domain


def _mask_ip(value: str, char: str) -> str:
    v = value.strip()
    if "." in v and ":" not in v:
        parts = v.split(".")
        return ".".join(p if i < 2 else _DIGIT.sub(char, p) for i, p in enumerate(parts))
    if ":" in v:
        groups = v.split(":")
        return ":".join(g if i < 2 else re.sub(r"[0-9A-Fa-f]", char, g) for i, g in enumerate(groups))
    return keep_mask(value, 1, 0, char)


def _mask_geo(value: str, char: str) -> str:
    out = _GEO_DECIMALS.sub(lambda m: m.group(1) + char * len(m.group(2)), value)
    if out == value:
        return keep_mask(value, 2, 0, char)
    return out


def _mask_date(value: str, char: str) -> str:
    seen = 0
    chars = list(value)
    for i, ch in enumerate(chars):
        if ch.isdigit():
            seen += 1
            if seen > 4:
                chars[i] = char
    out = "".join(chars)
    return out if out != value else keep_mask(value, 0, 0, char)


def _redact(value: str, char: str) -> str:
    return char * len(_REDACTED)


_RULES: dict[str, Callable[[str, str], str]] = {
    "name": _mask_name,
    "address": _mask_address,
    "email": _mask_email,
    "ip": _mask_ip,
    "geo": _mask_geo,
    "date": _mask_date,
    "redact": _redact,
}


@cache
def _rule(entity: str | None) -> tuple[str | None, int, int]:
    m = (
        CATALOGUE[entity].mask
        if entity is not None and entity in CATALOGUE
        else {"keep_first": 1, "keep_last": 1}
    )
    rule = m.get("rule")
    return (str(rule) if rule is not None else None), int(m.get("keep_first", 0)), int(m.get("keep_last", 0))


def mask_rule(entity: str | None) -> dict[str, Any]:
    """The catalogue's mask for ``entity`` (a generic 1+1 rule for an unknown one)."""
    if entity is not None and entity in CATALOGUE:
        return dict(CATALOGUE[entity].mask)
    return {"keep_first": 1, "keep_last": 1}


def mask_many(values: list[str], entity: str | None = None, char: str = MASK_CHAR) -> list[str]:
    """``mask_value`` over a column: the rule is looked up once and plain values are sliced directly."""
    rule, kf, kl = _rule(entity)
    if rule is not None or kf + kl == 0:
        return [mask_value(v, entity, char) if v else v for v in values]
    stars: dict[int, str] = {}
    out = []
    for v in values:
        n = len(v)
        hidden = n - kf - kl
        if hidden > 0 and v.isalnum() and not (entity == "CN_MOBILE" and n != 11):
            s = stars.get(hidden)
            if s is None:
                s = stars[hidden] = char * hidden
            out.append(v[:kf] + s + v[n - kl :])
        else:
            out.append(mask_value(v, entity, char) if v else v)
    return out


def mask_value(value: str, entity: str | None = None, char: str = MASK_CHAR) -> str:
    """The default display mask of ``value`` as ``entity`` (catalogue rule)."""
    rule, keep_first, keep_last = _rule(entity)
    if rule is not None:
        out = _RULES.get(rule, _redact)(value, char)
    else:
        prefix = ""
        body = value
        if entity == "CN_MOBILE" and not (len(value) == 11 and value.isdigit()):
            m = _MOBILE_PREFIX.match(value)
            if m:
                prefix, body = value[: m.end()], value[m.end() :]
        out = prefix + keep_mask(body, keep_first, keep_last, char)
    if out == value and value:
        out = char * len(value)  # a rule that left everything visible: hide everything instead
    return out
