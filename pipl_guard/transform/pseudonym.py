"""Keyed, format-preserving, checksum-valid pseudonyms that the key holder can reverse.

Every value is mapped to an index in a *domain* of valid values (for a resident ID: region × birth date ×
sequence number), the index is permuted by a keyed pseudorandom permutation of ``[0, N)``, and the
result is mapped back to a value, whose check character is then recomputed. Because the permutation is a
bijection on the domain, no two people ever merge and the key reverses every pseudonym.

The permutation (``FeistelPRP``) is a 10-round balanced Feistel network over ``[0, u)²`` with
``u = ⌈√N⌉`` (addition mod ``u``, like NIST FF1's numeral-string Feistel) whose round function is AES-128
on ``round ‖ right half``, under a key derived from the pipl_guard key and the domain (the "tweak"). Values
of ``u²`` outside ``[0, N)`` are skipped by cycle-walking (expected < 2 steps since ``u² < N + 2√N + 1``).
NIST FF1 itself does not fit: its radix is at most 2¹⁶ and its domain a power of the radix, while these
domains are products of unrelated sizes (and a digits-only FF1 would yield impossible regions and dates).

>>> from pipl_guard.transform.keys import Key
>>> p = Pseudonymizer(Key(bytes(range(32)), id="demo"))
>>> fake = p.forward("11010519491231002X", "CN_RESIDENT_ID")
>>> from pipl_guard.detect import resident_id
>>> resident_id.is_valid(fake), fake != "11010519491231002X"
(True, True)
>>> p.reverse(fake, "CN_RESIDENT_ID")
'11010519491231002X'
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any

from pipl_guard.detect.checksums import mod11_2_check
from pipl_guard.errors import InputError
from pipl_guard.transform.keys import Key, KeyRing, as_ring

ROUNDS = 10
#: keep options each entity understands
KEEP_OPTIONS: dict[str, frozenset[str]] = {
    "CN_RESIDENT_ID": frozenset({"province", "city", "county", "birth_year", "gender"}),
    "CN_MOBILE": frozenset({"prefix"}),
    "BANK_CARD": frozenset({"bin"}),
    "PERSON_NAME": frozenset({"surname"}),
    "EMAIL": frozenset({"domain"}),
}
ALL_KEEP = frozenset().union(*KEEP_OPTIONS.values())
#: birth dates on or after this day keep their date (only region and sequence change): a fixed bound
#: keeps every pseudonym stable forever and never puts a birth date in the future
DEFAULT_DATE_CUTOFF = dt.date(2020, 1, 1)
FIRST_BIRTH_DATE = dt.date(1900, 1, 1)
_LEGACY_END = dt.date(2000, 1, 1)  # 15-digit numbers carry a two-digit 19xx year
_FIRST_ORD = FIRST_BIRTH_DATE.toordinal()
_LEGACY_END_ORD = _LEGACY_END.toordinal()
_SEQ = tuple(f"{i:03d}" for i in range(1000))
#: dates covered by the lookup tables below (birth dates outside it take the slow path)
_TABLE_END = dt.date(2100, 1, 1)
_DIGITS = "0123456789"
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I, O
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_UPPER = _LOWER.upper()
_CJK_LO, _CJK_HI = 0x4E00, 0x9FA5

__all__ = ["ALL_KEEP", "KEEP_OPTIONS", "FeistelPRP", "Pseudonymizer"]


# --------------------------------------------------------------------------- the permutation


class FeistelPRP:
    """A keyed permutation of ``[0, n)`` for any ``n ≥ 1`` (one instance per key and tweak)."""

    __slots__ = ("_bases", "_key", "_local", "n", "u")

    def __init__(self, key: bytes, n: int) -> None:
        if n < 1:
            raise InputError("pseudonym domain is empty")
        self.n = n
        self.u = max(2, math.isqrt(n - 1) + 1)
        if self.u >= 1 << 120:
            raise InputError("pseudonym domain too large (value too long)")
        self._key = key[:16]
        # cipher contexts must not be shared between threads ("Already borrowed"): one per thread
        self._local = threading.local()
        self._bases = tuple(i << 120 for i in range(ROUNDS))

    @property
    def _upd(self) -> Callable[[bytes], bytes]:
        upd: Callable[[bytes], bytes] | None = getattr(self._local, "upd", None)
        if upd is None:
            from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

            # ECB over single blocks = the raw AES permutation used as a PRF on (round, right half)
            upd = self._local.upd = Cipher(algorithms.AES(self._key), modes.ECB()).encryptor().update
        return upd

    def _encrypt_once(self, x: int) -> int:
        u, upd = self.u, self._upd
        left, right = divmod(x, u)
        for b in self._bases:
            left, right = right, (left + int.from_bytes(upd((b | right).to_bytes(16, "big")), "big")) % u
        return left * u + right

    def _decrypt_once(self, x: int) -> int:
        u, upd = self.u, self._upd
        left, right = divmod(x, u)
        for b in reversed(self._bases):
            left, right = (right - int.from_bytes(upd((b | left).to_bytes(16, "big")), "big")) % u, left
        return left * u + right

    def encrypt(self, x: int) -> int:
        n = self.n
        if n == 1:
            return x
        x = self._encrypt_once(x)
        while x >= n:  # cycle-walking: stay inside [0, n)
            x = self._encrypt_once(x)
        return x

    def decrypt(self, x: int) -> int:
        n = self.n
        if n == 1:
            return x
        x = self._decrypt_once(x)
        while x >= n:
            x = self._decrypt_once(x)
        return x

    def encrypt_many(self, xs: Sequence[int], back: bool = False) -> list[int]:
        """``encrypt``/``decrypt`` over many inputs: one AES call per round for the whole batch (numpy,
        when installed and ``u < 2**32``), same results as the one-at-a-time path."""
        one = self.decrypt if back else self.encrypt
        if self.n == 1 or len(xs) < 16 or self.u >= 1 << 32:
            return [one(x) for x in xs]
        try:
            import numpy as np
        except ImportError:  # pragma: no cover - numpy is optional
            return [one(x) for x in xs]
        u = np.uint64(self.u)
        c64 = np.uint64((1 << 64) % self.u)
        arr = np.fromiter(xs, dtype=np.uint64, count=len(xs))
        left, right = arr // u, arr % u
        blocks = np.zeros((len(xs), 2), dtype=">u8")
        upd = self._upd

        def f(i: int, half: Any) -> Any:
            blocks[:, 0] = i << 56
            blocks[:, 1] = half
            out = np.frombuffer(upd(blocks.tobytes()), dtype=">u8").reshape(-1, 2).astype(np.uint64)
            return ((out[:, 0] % u) * c64 + out[:, 1] % u) % u

        if not back:
            for i in range(ROUNDS):
                left, right = right, (left + f(i, right)) % u
        else:
            for i in reversed(range(ROUNDS)):
                left, right = (right + u - f(i, left)) % u, left
        ys = (left * u + right).tolist()
        n, once = self.n, (self._decrypt_once if back else self._encrypt_once)
        for j, y in enumerate(ys):
            while y >= n:  # cycle-walk the few that left the domain
                y = once(y)
            ys[j] = y
        return ys


# --------------------------------------------------------------------------- domain data


@cache
def _ymd_table() -> tuple[dict[str, int], tuple[str, ...]]:
    """ "YYYYMMDD" <-> ordinal for 1900-2099: one dict lookup validates and converts a birth date."""
    first = _FIRST_ORD
    texts = tuple(dt.date.fromordinal(o).strftime("%Y%m%d") for o in range(first, _TABLE_END.toordinal()))
    return {t: first + i for i, t in enumerate(texts)}, texts


def _ymd_ordinals() -> dict[str, int]:
    return _ymd_table()[0]


def _ordinal_ymd(ordinal: int) -> str:
    texts = _ymd_table()[1]
    i = ordinal - _FIRST_ORD
    if 0 <= i < len(texts):
        return texts[i]
    return dt.date.fromordinal(ordinal).strftime("%Y%m%d")


@cache
def _year_start(year: int) -> int:
    return dt.date(year, 1, 1).toordinal()


@cache
def _id_regions() -> tuple[tuple[str, ...], dict[str, int]]:
    from pipl_guard.detect import regions

    codes = regions.county_codes()
    return codes, {c: i for i, c in enumerate(codes)}


@cache
def _id_region_group(prefix: str) -> tuple[tuple[str, ...], dict[str, int]]:
    codes = tuple(c for c in _id_regions()[0] if c.startswith(prefix))
    return codes, {c: i for i, c in enumerate(codes)}


#: GB 11643 MOD 11-2 check character of the first 17 digits (the name callers of this module use)
id_check = mod11_2_check


@cache
def _mobile_blocks() -> tuple[tuple[str, ...], tuple[int, ...]]:
    """Allocated mobile prefixes (from phonenumbers' CN metadata) as blocks of 10^k numbers."""
    from pipl_guard.detect.mobile import _pattern

    pat = _pattern()
    blocks: list[str] = []

    def visit(prefix: str) -> None:
        rest = 11 - len(prefix)
        hits = [pat.fullmatch(prefix + d * rest) is not None for d in _DIGITS]
        if all(hits) and rest <= 8:
            blocks.append(prefix)
        elif any(hits) or len(prefix) < 3:
            if len(prefix) >= 8:
                return
            for d in _DIGITS:
                visit(prefix + d)

    visit("1")
    blocks.sort()
    starts, total = [], 0
    for b in blocks:
        starts.append(total)
        total += 10 ** (11 - len(b))
    return tuple(blocks), (*starts, total)


@cache
def _common_hanzi() -> tuple[str, ...]:
    """GB 2312 level-1 characters (the 3,755 most common hanzi), read from Python's codec, no data file."""
    out = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return tuple(out)


#: single-character surnames at least this frequent (% of population) form the "common" class
COMMON_SURNAME_PCT = 0.05


@cache
def _name_data() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(common single surnames, rare single surnames, compound surnames)."""
    freq: dict[str, float] = {}
    try:
        from pipl_guard.detect.person_name import surnames

        freq = {s: v[0] for s, v in surnames().items()}
    except Exception:  # surname data absent: Faker's list still gives plausible output
        from faker.providers.person.zh_CN import Provider

        freq = {s: 1.0 for s in Provider.last_names}
    common = sorted(s for s, f in freq.items() if len(s) == 1 and f >= COMMON_SURNAME_PCT)
    rare = sorted(s for s, f in freq.items() if len(s) == 1 and f < COMMON_SURNAME_PCT)
    compound = sorted(s for s in freq if len(s) == 2)
    return tuple(common), tuple(rare), tuple(compound)


# --------------------------------------------------------------------------- mixed-radix helpers


class _Alphabet:
    __slots__ = ("chars", "index")

    def __init__(self, chars: Sequence[str]) -> None:
        self.chars = tuple(chars)
        self.index = {c: i for i, c in enumerate(self.chars)}


@cache
def _alphabet(name: str) -> _Alphabet:
    if name == "cjk":
        common = set(_common_hanzi())
        return _Alphabet(
            [
                chr(c)
                for c in range(_CJK_LO, _CJK_HI + 1)
                if chr(c) not in common and chr(c) not in _stop_chars()
            ]
        )
    if name == "stop":
        return _Alphabet(sorted(_stop_chars()))
    if name == "given":
        return _Alphabet([c for c in _common_hanzi() if c not in _stop_chars()])
    table: dict[str, Sequence[str]] = {
        "digit": _DIGITS,
        "lower": _LOWER,
        "upper": _UPPER,
        "uscc": _USCC_ALPHABET,
        "plate": _PLATE_LETTERS,
        "surname1": _name_data()[0],
        "surname1r": _name_data()[1],
        "surname2": _name_data()[2],
    }
    return _Alphabet(table[name])


@cache
def _stop_chars() -> frozenset[str]:
    """Characters the name detector never accepts in a given name (的, 是, 住 ...): a class of their own, so
    a name without them never gains one."""
    try:
        from pipl_guard.detect.person_name import _STOP

        return frozenset(c for c in _STOP if _CJK_LO <= ord(c) <= _CJK_HI)
    except Exception:  # pragma: no cover - detector absent
        return frozenset()


def _char_class(ch: str) -> str | None:
    if "0" <= ch <= "9":
        return "digit"
    if "a" <= ch <= "z":
        return "lower"
    if "A" <= ch <= "Z":
        return "upper"
    if ch in _alphabet("given").index:
        return "given"
    if ch in _stop_chars():
        return "stop"
    if _CJK_LO <= ord(ch) <= _CJK_HI:
        return "cjk"
    return None


# --------------------------------------------------------------------------- the pseudonymizer


class Pseudonymizer:
    """Forward and reverse format-preserving pseudonyms for one key and a set of ``keep`` options."""

    def __init__(
        self,
        key: Key | KeyRing,
        keep: Iterable[str] = (),
        *,
        date_cutoff: dt.date = DEFAULT_DATE_CUTOFF,
    ) -> None:
        self.key = as_ring(key).current
        self.keep = frozenset(keep)
        unknown = self.keep - ALL_KEEP
        if unknown:
            raise InputError(
                f"pseudonymize keep: unknown option(s) {sorted(unknown)}; known: {sorted(ALL_KEEP)}"
            )
        if date_cutoff > dt.date.today():
            raise InputError("pseudonymize date_cutoff: must not be in the future")
        self.date_cutoff = date_cutoff
        self._cutoff_ord = date_cutoff.toordinal()
        self._keep_year = "birth_year" in self.keep
        self._keep_gender = "gender" in self.keep
        self._prps: dict[tuple[str | tuple[object, ...], int], FeistelPRP] = {}
        self._handlers: dict[str, Callable[[str, bool], str]] = {
            "CN_RESIDENT_ID": self._resident_id,
            "CN_MOBILE": self._mobile,
            "BANK_CARD": self._card,
            "IMEI": self._imei,
            "CN_USCC": self._uscc,
            "PERSON_NAME": self._name,
            "EMAIL": self._email,
            "CN_LICENSE_PLATE": self._plate,
            "CN_PASSPORT": self._passport,
        }

    # -- plumbing ---------------------------------------------------------------------------------
    def prp(self, tweak: str | tuple[object, ...], n: int) -> FeistelPRP:
        cache_key = (tweak, n)
        prp = self._prps.get(cache_key)
        if prp is None:
            if len(self._prps) > 8192:
                self._prps.clear()
            label = tweak if isinstance(tweak, str) else "/".join(map(str, tweak))
            prp = FeistelPRP(self.key.derive(f"fpe/v1/{label}/{n}", 16), n)
            self._prps[cache_key] = prp
        return prp

    def _perm(self, tweak: str | tuple[object, ...], n: int, x: int, back: bool) -> int:
        prp = self.prp(tweak, n)
        return prp.decrypt(x) if back else prp.encrypt(x)

    def forward(self, value: str, entity: str | None = None) -> str:
        return self._dispatch(value, entity, back=False)

    def reverse(self, value: str, entity: str | None = None) -> str:
        return self._dispatch(value, entity, back=True)

    def _dispatch(self, value: str, entity: str | None, back: bool) -> str:
        if not isinstance(value, str):
            raise InputError(f"pseudonymize: expected str, got {type(value).__name__}")
        if entity is None:
            entity = _guess_entity(value)
        handler = self._handlers.get(entity or "")
        if handler is None:
            return self._generic(value, back, tweak=f"generic/{entity}")
        return handler(value, back)

    # -- generic class-preserving pseudonym ------------------------------------------------------------
    def _generic(
        self, value: str, back: bool, *, tweak: str, skip: Callable[[int, str], bool] | None = None
    ) -> str:
        """Digits stay digits, letters keep their case, CJK stays CJK (common name characters among
        themselves, GB 2312 level 1); everything else, and positions ``skip`` selects, stays as it is."""
        slots: list[tuple[int, _Alphabet]] = []
        for i, ch in enumerate(value):
            if skip is not None and skip(i, ch):
                continue
            cls = _char_class(ch)
            if cls is not None:
                slots.append((i, _alphabet(cls)))
        if not slots:
            return value
        n, x = 1, 0
        for i, alpha in slots:
            x = x * len(alpha.chars) + alpha.index[value[i]]
            n *= len(alpha.chars)
        pattern = "".join(str(len(a.chars)) + "." for _, a in slots)
        y = self._perm(f"{tweak}/{pattern}", n, x, back)
        chars = list(value)
        for i, alpha in reversed(slots):
            y, r = divmod(y, len(alpha.chars))
            chars[i] = alpha.chars[r]
        return "".join(chars)

    # -- resident ID ---------------------------------------------------------------------------------
    def _id_region_class(self, code: str) -> tuple[str, tuple[str, ...], dict[str, int]]:
        codes, index = _id_regions()
        if "county" in self.keep or code not in index:
            return code, (code,), {code: 0}
        if "city" in self.keep:
            return code[:4], *_id_region_group(code[:4])
        if "province" in self.keep:
            return code[:2], *_id_region_group(code[:2])
        return "*", codes, index

    def _date_class(self, born: int, lo: int, hi: int) -> tuple[int, int]:
        """(first ordinal, count) of the birth dates ``born`` (an ordinal) may become."""
        if self._keep_year:
            year = _ordinal_ymd(born)[:4]
            lo = max(lo, _year_start(int(year)))
            hi = min(hi, _year_start(int(year) + 1))
        if lo <= born < hi:
            return lo, hi - lo
        return born, 1

    def _resident_id(self, value: str, back: bool) -> str:
        tweak, n, x, ctx = self._id_split(value)
        return self._id_join(ctx, self._perm(tweak, n, x, back))

    def _id_split(self, value: str) -> tuple[str, int, int, tuple[Any, ...]]:
        if not self.keep and len(value) == 18 and value.isascii():
            fast = self._id_split_fast(value)
            if fast is not None:
                return fast
        v = value.strip().upper()
        if not v.isascii():
            from pipl_guard.detect.normalize import to_ascii

            v = to_ascii(v)
        legacy = len(v) == 15
        if not ((len(v) == 18 and v[:17].isdigit() and v[17] in "0123456789X") or (legacy and v.isdigit())):
            raise InputError(
                "pseudonymize CN_RESIDENT_ID: expected 18 characters (or a 15-digit legacy number)"
            )
        if not legacy and id_check(v[:17]) != v[17]:
            raise InputError("pseudonymize CN_RESIDENT_ID: check character does not match")
        region = v[:6]
        ymd = "19" + v[6:12] if legacy else v[6:14]
        born = _ymd_ordinals().get(ymd)
        if born is None:  # outside the table (future, or before 1900): check it the slow way
            try:
                born = dt.date(int(ymd[:4]), int(ymd[4:6]), int(ymd[6:8])).toordinal()
            except ValueError:
                raise InputError("pseudonymize CN_RESIDENT_ID: birth date is not a real date") from None
        seq = int(v[12:15] if legacy else v[14:17])
        rtag, rcodes, rindex = self._id_region_class(region)
        d0, dn = self._date_class(born, _FIRST_ORD, _LEGACY_END_ORD if legacy else self._cutoff_ord)
        if self._keep_gender:
            sn, parity, si = 500, seq & 1, seq >> 1
        else:
            sn, parity, si = 1000, 0, seq
        x = (rindex[region] * dn + (born - d0)) * sn + si
        tweak = ("id15" if legacy else "id18", rtag, d0, dn, sn, parity)
        return tweak, len(rcodes) * dn * sn, x, (legacy, rcodes, d0, dn, sn, parity)  # type: ignore[return-value]

    def _id_split_fast(self, v: str) -> tuple[str, int, int, tuple[Any, ...]] | None:
        """The common case (18 ASCII characters, no ``keep``, region in the table, birth date before the
        cutoff) with the class lookups inlined; anything else returns ``None`` for the general path."""
        body = v[:17]
        last = v[17]
        if last == "x":
            last = "X"
        if not body.isdigit() or id_check(body) != last:
            return None
        codes, index = _id_regions()
        ri = index.get(v[:6])
        born = _ymd_ordinals().get(v[6:14])
        if ri is None or born is None or born >= self._cutoff_ord:
            return None
        dn = self._cutoff_ord - _FIRST_ORD
        x = (ri * dn + (born - _FIRST_ORD)) * 1000 + int(v[14:17])
        return (
            ("id18", "*", _FIRST_ORD, dn, 1000, 0),
            len(codes) * dn * 1000,
            x,
            (  # type: ignore[return-value]
                False,
                codes,
                _FIRST_ORD,
                dn,
                1000,
                0,
            ),
        )

    @staticmethod
    def _id_join(ctx: tuple[Any, ...], y: int) -> str:
        legacy, rcodes, d0, dn, sn, parity = ctx
        y, si2 = divmod(y, sn)
        ri2, di2 = divmod(y, dn)
        seq2 = (si2 << 1) | parity if sn == 500 else si2
        ymd = _ordinal_ymd(d0 + di2)
        if legacy:
            return rcodes[ri2] + ymd[2:] + _SEQ[seq2]
        body = rcodes[ri2] + ymd + _SEQ[seq2]
        return body + id_check(body)

    # -- phones and cards ------------------------------------------------------------------------------
    def _mobile(self, value: str, back: bool) -> str:
        tweak, n, x, ctx = self._mobile_split(value)
        return self._mobile_join(ctx, self._perm(tweak, n, x, back))

    def _mobile_split(self, value: str) -> tuple[str, int, int, tuple[Any, ...]]:
        if len(value) == 11 and value.isascii() and value.isdigit():
            body, body_pos = value, None
        else:
            positions = [i for i, ch in enumerate(value) if ch.isdigit()]
            if len(positions) < 11:
                raise InputError("pseudonymize CN_MOBILE: expected an 11-digit mobile number")
            body_pos = positions[-11:]
            from pipl_guard.detect.normalize import to_ascii

            body = to_ascii("".join(value[i] for i in body_pos))
        blocks, starts = _mobile_blocks()
        b = bisect.bisect_right(blocks, body) - 1
        if b < 0 or not body.startswith(blocks[b]) or len(body) != 11:
            raise InputError("pseudonymize CN_MOBILE: not on an allocated mobile prefix")
        if "prefix" in self.keep:
            lo = bisect.bisect_left(blocks, body[:3])
            hi = bisect.bisect_left(blocks, body[:3] + "~")
            tweak = f"mobile/{body[:3]}"
        else:
            lo, hi, tweak = 0, len(blocks), "mobile"
        base = starts[lo]
        x = starts[b] + int(body[len(blocks[b]) :]) - base
        return tweak, starts[hi] - base, x, (value, body_pos, base)

    @staticmethod
    def _mobile_join(ctx: tuple[Any, ...], y: int) -> str:
        value, body_pos, base = ctx
        blocks, starts = _mobile_blocks()
        y += base
        b2 = bisect.bisect_right(starts, y) - 1
        new = blocks[b2] + str(y - starts[b2]).zfill(11 - len(blocks[b2]))
        if body_pos is None:
            return new
        chars = list(value)
        for i, d in zip(body_pos, new, strict=True):
            chars[i] = d
        return "".join(chars)

    # -- batches -------------------------------------------------------------------------------------
    def forward_many(self, values: Sequence[str], entity: str | None = None) -> list[str]:
        """``forward`` over many values of one entity; resident IDs and mobiles run the permutation
        batched (one AES call per round per batch)."""
        return self._many(values, entity, back=False)

    def reverse_many(self, values: Sequence[str], entity: str | None = None) -> list[str]:
        return self._many(values, entity, back=True)

    def _many(self, values: Sequence[str], entity: str | None, back: bool) -> list[str]:
        split_join: dict[str, tuple[Callable[[str], Any], Callable[[Any, int], str]]] = {
            "CN_RESIDENT_ID": (self._id_split, self._id_join),
            "CN_MOBILE": (self._mobile_split, self._mobile_join),
        }
        pair = split_join.get(entity or "")
        if pair is None:
            return [self._dispatch(v, entity, back) for v in values]
        split, join = pair
        for v in values:
            if not isinstance(v, str):
                raise InputError(f"pseudonymize: expected str, got {type(v).__name__}")
        if entity == "CN_RESIDENT_ID" and not self.keep:
            return self._ids_fast(values, back)
        parts = [split(v) for v in values]
        groups: dict[tuple[str, int], list[int]] = {}
        for j, part in enumerate(parts):
            groups.setdefault((part[0], part[1]), []).append(j)
        ys = [0] * len(parts)
        for (tweak, n), idx in groups.items():
            res = self.prp(tweak, n).encrypt_many([parts[j][2] for j in idx], back)
            for j, y in zip(idx, res, strict=True):
                ys[j] = y
        return [join(parts[j][3], ys[j]) for j in range(len(parts))]

    def _ids_fast(self, values: Sequence[str], back: bool) -> list[str]:
        """``_many`` for resident IDs without ``keep``: the common values (18 ASCII characters, region in
        the table, born before the cutoff) share one permutation class, so they are split, permuted and
        joined in tight loops without per-value tuples; the rest take the general path. Same results as
        ``forward`` value by value (tested)."""
        codes, index = _id_regions()
        ords = _ymd_ordinals()
        texts = _ymd_table()[1]
        d0, cutoff = _FIRST_ORD, self._cutoff_ord
        dn = cutoff - d0
        seqs, check = _SEQ, mod11_2_check
        xs: list[int] = []
        fast_at: list[int] = []
        out: list[str] = [""] * len(values)
        slow: list[int] = []
        for j, v in enumerate(values):
            ri = index.get(v[:6]) if len(v) == 18 and v.isascii() else None
            born = ords.get(v[6:14]) if ri is not None else None
            if ri is None or born is None or born >= cutoff or not v[14:17].isdigit():
                slow.append(j)
                continue
            last = v[17]
            if check(v) != ("X" if last == "x" else last):
                slow.append(j)  # the general path raises the precise error
                continue
            xs.append((ri * dn + (born - d0)) * 1000 + int(v[14:17]))
            fast_at.append(j)
        if xs:
            ys = self.prp(("id18", "*", d0, dn, 1000, 0), len(codes) * dn * 1000).encrypt_many(xs, back)
            for j, y in zip(fast_at, ys, strict=True):
                y, si2 = divmod(y, 1000)
                ri2, di2 = divmod(y, dn)
                body = codes[ri2] + texts[di2] + seqs[si2]
                out[j] = body + check(body)
        for j in slow:
            out[j] = self._resident_id(values[j], back)
        return out

    def _luhn_digits(self, value: str, back: bool, keep: int, tag: str, lengths: range) -> str:
        from stdnum import luhn

        positions = [i for i, ch in enumerate(value) if ch.isdigit()]
        from pipl_guard.detect.normalize import to_ascii

        digits = to_ascii("".join(value[i] for i in positions))
        if len(digits) not in lengths:
            raise InputError(f"pseudonymize {tag}: expected {lengths.start}-{lengths.stop - 1} digits")
        if luhn.checksum(digits) != 0:
            raise InputError(f"pseudonymize {tag}: Luhn check digit does not match")
        keep = min(keep, len(digits) - 2)
        mid = digits[keep:-1]
        y = self._perm(f"{tag}/{len(digits)}/{digits[:keep]}", 10 ** len(mid), int(mid), back)
        body = digits[:keep] + str(y).zfill(len(mid))
        new = body + luhn.calc_check_digit(body)
        chars = list(value)
        for i, d in zip(positions, new, strict=True):
            chars[i] = d
        return "".join(chars)

    def _card(self, value: str, back: bool) -> str:
        keep = 6 if "bin" in self.keep else _scheme_prefix_len(value)
        return self._luhn_digits(value, back, keep, "BANK_CARD", range(12, 20))

    def _imei(self, value: str, back: bool) -> str:
        # the 8-digit TAC names the device model, not the person: kept
        return self._luhn_digits(value, back, 8, "IMEI", range(15, 16))

    def _uscc(self, value: str, back: bool) -> str:
        from stdnum.cn.uscc import calc_check_digit

        v = value.strip().upper()
        if len(v) != 18 or any(c not in _USCC_ALPHABET for c in v) or calc_check_digit(v) != v[17]:
            raise InputError("pseudonymize CN_USCC: expected 18 characters with a valid check character")
        # authority, type and division stay; the 9-character organisation code is permuted
        alpha = _alphabet("uscc")
        x = 0
        for c in v[8:17]:
            x = x * 31 + alpha.index[c]
        y = self._perm(f"uscc/{v[:8]}", 31**9, x, back)
        out = []
        for _ in range(9):
            y, r = divmod(y, 31)
            out.append(alpha.chars[r])
        body = v[:8] + "".join(reversed(out))
        return body + calc_check_digit(body + "0")

    # -- names, e-mail, plates, passports ------------------------------------------------------------------
    def _name(self, value: str, back: bool) -> str:
        """Names cycle-walk over the names the detector accepts: when the input is a valid name, the
        permutation is re-applied until the output is one too (still a bijection on valid names, so
        ``reverse`` walks back the same way). Reversal is guaranteed for names the detector accepts."""
        try:
            from pipl_guard.detect.person_name import is_valid
        except Exception:  # pragma: no cover - detector absent
            return self._name_once(value, back)
        if not is_valid(value):
            return self._name_once(value, back)
        out = self._name_once(value, back)
        for _ in range(1000):
            if is_valid(out):
                return out
            out = self._name_once(out, back)
        raise InputError("pseudonymize PERSON_NAME: no valid name found (cycle too long)")

    def _name_once(self, value: str, back: bool) -> str:
        v = value.strip()
        if not v:
            raise InputError("pseudonymize PERSON_NAME: empty name")
        if v.isascii() or "·" in v or "•" in v:
            return self._generic(value, back, tweak="name/other")
        lead = value[: len(value) - len(value.lstrip())]
        compound = _name_data()[2]
        sl = 2 if len(v) >= 3 and v[:2] in set(compound) else 1
        surname, given = v[:sl], v[sl:]
        if "surname" in self.keep:
            new_surname = surname
        elif sl == 2:
            new_surname = self._generic_slot(surname, "surname2", back, "name/surname2")
        elif surname in _alphabet("surname1").index:
            new_surname = self._generic_slot(surname, "surname1", back, "name/surname1")
        elif surname in _alphabet("surname1r").index:
            new_surname = self._generic_slot(surname, "surname1r", back, "name/surname1r")
        else:
            new_surname = self._generic(surname, back, tweak="name/surname-other")
        # the given name is permuted under a tweak of the *original* surname class only, so it reverses
        new_given = self._generic(given, back, tweak=f"name/given/{sl}") if given else ""
        return lead + new_surname + new_given + value[len(lead) + len(v) :]

    def _generic_slot(self, token: str, alphabet: str, back: bool, tweak: str) -> str:
        alpha = _alphabet(alphabet)
        y = self._perm(tweak, len(alpha.chars), alpha.index[token], back)
        return alpha.chars[y]

    def _email(self, value: str, back: bool) -> str:
        local, at, domain = value.rpartition("@")
        if not at or not local or not domain:
            raise InputError("pseudonymize EMAIL: expected local@domain")
        # the domain is kept: it names a provider or an employer, and keeps the address routable in tests
        return self._generic(local, back, tweak="email") + "@" + domain

    def _plate(self, value: str, back: bool) -> str:
        v = value
        if len(v) < 7:
            raise InputError("pseudonymize CN_LICENSE_PLATE: expected 7 or 8 characters")
        keep_upto = 3 if len(v.replace("·", "").replace(" ", "")) == 8 else 2

        def skip(i: int, ch: str) -> bool:
            return i < keep_upto or ch in "IO" or not ch.isascii()

        # plate letters never include I or O; map letters inside the plate alphabet only
        slots = [(i, ch) for i, ch in enumerate(v) if not skip(i, ch) and ch.isalnum()]
        n, x = 1, 0
        alphas = []
        for _i, ch in slots:
            alpha = _alphabet("digit" if ch.isdigit() else "plate")
            if ch not in alpha.index:
                raise InputError("pseudonymize CN_LICENSE_PLATE: unexpected character")
            alphas.append(alpha)
            x = x * len(alpha.chars) + alpha.index[ch]
            n *= len(alpha.chars)
        pattern = "".join("d" if len(a.chars) == 10 else "l" for a in alphas)
        y = self._perm(f"plate/{v[:keep_upto]}/{pattern}", n, x, back)
        chars = list(v)
        for (i, _), alpha in zip(reversed(slots), reversed(alphas), strict=True):
            y, r = divmod(y, len(alpha.chars))
            chars[i] = alpha.chars[r]
        return "".join(chars)

    def _passport(self, value: str, back: bool) -> str:
        v = value.strip()
        keep = 2 if len(v) > 1 and v[1].isalpha() else 1
        return self._generic(value, back, tweak=f"passport/{v[:keep]}", skip=lambda i, ch: i < keep)


def _scheme_prefix_len(value: str) -> int:
    """Digits of the card scheme's IIN range (``62`` UnionPay, ``4`` Visa ...), kept so the card stays
    a card of the same scheme; 1 when the scheme is unknown."""
    digits = "".join(ch for ch in value if ch.isdigit())
    try:
        from pipl_guard.detect.bank_card import schemes
    except Exception:  # pragma: no cover - card data absent
        return 2
    for sch in schemes().values():
        if len(digits) not in sch["lengths"]:
            continue
        for lo, hi in sch["ranges"]:
            if lo <= digits[: len(lo)] <= hi:
                return len(lo)
    return 1


_ID_SHAPE = re.compile(r"\d{17}[\dXx]|\d{15}")


def _guess_entity(value: str) -> str | None:
    """The entity of a bare value, by its validators (used when no finding names it)."""
    v = value.strip()
    from pipl_guard.detect import mobile, resident_id

    if _ID_SHAPE.fullmatch(v) and resident_id.is_valid(v):
        return "CN_RESIDENT_ID"
    if mobile.is_valid(v):
        return "CN_MOBILE"
    return None


def describe() -> dict[str, Any]:
    """Domain sizes (for docs and benchmarks)."""
    blocks, starts = _mobile_blocks()
    return {"id_regions": len(_id_regions()[0]), "mobile_blocks": len(blocks), "mobiles": starts[-1]}
