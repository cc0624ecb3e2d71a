"""Fast check digits for the scanner's hot loops, property-tested equal to python-stdnum's.

python-stdnum stays the reference (``stdnum.luhn``, ``stdnum.cn.ric``): these versions only take an
already compact ASCII digit string and do the arithmetic on its bytes in C (``sum``, ``map``,
``bytes.translate``), about 5x faster, which matters when a text holds a candidate every 25 characters.

>>> luhn_ok("6222021234567890128"), luhn_ok("6222021234567890127")
(True, False)
>>> mod11_2_check("11010519491231002")
'X'
>>> gb32100_check("91110000600037341")
'L'
"""

from __future__ import annotations

from operator import mul

__all__ = ["gb32100_check", "luhn_ok", "mod11_2_check"]

# ASCII digit -> the digit sum of twice the digit, as a byte value (Luhn doubles every second digit)
_DOUBLED = bytes(range(256)).translate(
    bytes.maketrans(b"0123456789", bytes([0, 2, 4, 6, 8, 1, 3, 5, 7, 9]))
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_ZERO = 48 * sum(_ID_WEIGHTS)  # ASCII '0' times the weight sum, taken off once
# GB 32100-2015 (unified social credit code): 31 characters, no I, O, S, V, Z
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = bytes(
    _USCC_ALPHABET.index(chr(b)) if chr(b) in _USCC_ALPHABET else 0 for b in range(256)
)
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def luhn_ok(digits: str) -> bool:
    """Luhn (ISO/IEC 7812) check of an ASCII digit string, check digit last."""
    b = digits.encode("ascii")
    kept = b[-1::-2]
    doubled = b[-2::-2].translate(_DOUBLED)
    return (sum(kept) - 48 * len(kept) + sum(doubled)) % 10 == 0


def mod11_2_check(body17: str) -> str:
    """ISO 7064 MOD 11-2 check character (GB 11643) of the first 17 ASCII digits."""
    return _ID_CHECK[(sum(map(mul, body17.encode("ascii"), _ID_WEIGHTS)) - _ID_ZERO) % 11]


def gb32100_check(body17: str) -> str:
    """GB 32100 check character of the first 17 characters of a USCC (callers check the alphabet)."""
    values = body17.encode("ascii").translate(_USCC_VALUE)
    return _USCC_ALPHABET[(31 - sum(map(mul, values, _USCC_WEIGHTS))) % 31]
