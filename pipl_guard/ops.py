"""Operators for ``Deidentifier`` rules: ``pg.ops.Mask()``, ``pg.ops.Hash(key)``, ...

>>> import pipl_guard as pg
>>> pg.ops.Mask().apply_as("11010519491231002X", "CN_RESIDENT_ID")
'110105********002X'
"""

from pipl_guard.transform.ops import (
    DateShift,
    Decrypt,
    Depseudonymize,
    Detokenize,
    Encrypt,
    Fake,
    Generalize,
    Hash,
    Mask,
    Operator,
    Pseudonymize,
    Redact,
    Replace,
    Tokenize,
    operators,
    whole_value,
)

__all__ = [
    "DateShift",
    "Decrypt",
    "Depseudonymize",
    "Detokenize",
    "Encrypt",
    "Fake",
    "Generalize",
    "Hash",
    "Mask",
    "Operator",
    "Pseudonymize",
    "Redact",
    "Replace",
    "Tokenize",
    "operators",
    "whole_value",
]
