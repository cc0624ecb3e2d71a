"""HyperLogLog: count distinct items in fixed memory (stdlib only).

``Profiler`` counts distinct individuals exactly up to a cap and then switches to these sketches, so a
multi-GB file is profiled in bounded memory. Precision ``p`` gives ``2**p`` one-byte registers and a
relative standard error of about ``1.04 / sqrt(2**p)`` (p=14: 16 KiB, 0.81 %). Items are hashed to 64
bits with BLAKE2b, so sketches built in different processes merge (register-wise maximum) into exactly
the sketch of the union.

>>> h = HyperLogLog()
>>> for i in range(1000):
...     h.add(str(i % 500))
>>> abs(len(h) - 500) <= 10
True
>>> a, b = HyperLogLog(), HyperLogLog()
>>> a.add("x"); b.add("y")
>>> len(a.merge(b))
2
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable

from pipl_guard.errors import InputError

__all__ = ["DEFAULT_PRECISION", "HyperLogLog", "hash64"]

DEFAULT_PRECISION = 14
_MASK64 = (1 << 64) - 1


def hash64(data: str | bytes) -> int:
    """64-bit BLAKE2b hash of ``data`` (``str`` as UTF-8) as an unsigned integer; stable across runs.

    >>> hash64("a") == hash64(b"a")
    True
    """
    raw = data.encode() if isinstance(data, str) else data
    return int.from_bytes(hashlib.blake2b(raw, digest_size=8).digest(), "big")


def _sigma(x: float) -> float:
    # small-range correction: sum of x**(2**k) * 2**(k-1), x = share of empty registers (x < 1)
    y = 1.0
    z = x
    while True:
        x *= x
        previous = z
        z += x * y
        y += y
        if z == previous:
            return z


def _tau(x: float) -> float:
    # large-range correction for registers at the maximum rank (x = 1 - their share)
    if x in (0.0, 1.0):
        return 0.0
    y = 1.0
    z = 1.0 - x
    while True:
        x = math.sqrt(x)
        previous = z
        y *= 0.5
        z -= (1.0 - x) ** 2 * y
        if z == previous:
            return z / 3.0


class HyperLogLog:
    """A HyperLogLog sketch over 64-bit hashes (``add`` hashes for you; ``add_hash`` takes a hash)."""

    __slots__ = ("p", "registers")

    def __init__(self, p: int = DEFAULT_PRECISION) -> None:
        if not isinstance(p, int) or isinstance(p, bool) or not 4 <= p <= 18:
            raise InputError("HyperLogLog precision p must be an integer from 4 to 18")
        self.p = p
        self.registers = bytearray(1 << p)

    def add(self, item: str | bytes) -> None:
        self.add_hash(hash64(item))

    def add_hash(self, h: int) -> None:
        """Add one item given by its 64-bit hash (e.g. ``hash64(value)``)."""
        h &= _MASK64
        q = 64 - self.p
        idx = h >> q
        # rank = position of the leftmost 1 in the low q bits (q + 1 when they are all zero)
        rank = q - (h & ((1 << q) - 1)).bit_length() + 1
        if rank > self.registers[idx]:
            self.registers[idx] = rank

    def update_hashes(self, hashes: Iterable[int]) -> None:
        for h in hashes:
            self.add_hash(h)

    def merge(self, other: HyperLogLog) -> HyperLogLog:
        """Merge ``other`` into this sketch (in place) and return it: the sketch of the union."""
        if not isinstance(other, HyperLogLog):
            raise InputError(f"can only merge a HyperLogLog, got {type(other).__name__}")
        if other.p != self.p:
            raise InputError(f"cannot merge HyperLogLog sketches of precision {self.p} and {other.p}")
        self.registers = bytearray(map(max, self.registers, other.registers))
        return self

    def copy(self) -> HyperLogLog:
        out = HyperLogLog(self.p)
        out.registers = bytearray(self.registers)
        return out

    def estimate(self) -> float:
        """Estimated number of distinct items (Ertl's improved raw estimator).

        The classic estimate (raw harmonic mean, linear counting below ``2.5 * m``) is biased by about
        +2.3 % right where it switches (measured at 41,000 items, p=14, mean of 30 runs). Ertl (2017,
        "New cardinality estimation algorithms for HyperLogLog sketches", sec. 4) folds the small-range
        (linear counting) and large-range corrections into the estimator itself, with no empirical tables:
        its mean error stays within 0.2 % over the whole range.
        """
        m = len(self.registers)
        q = 64 - self.p
        regs = bytes(self.registers)
        # register histogram at C speed; the estimator needs only these counts
        counts = [regs.count(k) for k in range(q + 2)]
        if counts[0] == m:
            return 0.0
        z = m * _tau(1.0 - counts[q + 1] / m)
        for k in range(q, 0, -1):
            z = 0.5 * (z + counts[k])
        z += m * _sigma(counts[0] / m)
        return m * m / (2.0 * math.log(2.0)) / z

    def __len__(self) -> int:
        return round(self.estimate())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, HyperLogLog):
            return NotImplemented
        return self.p == other.p and self.registers == other.registers

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"HyperLogLog(p={self.p}, estimate={self.estimate():.0f})"
