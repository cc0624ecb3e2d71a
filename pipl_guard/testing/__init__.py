"""pipl_guard.testing: Hypothesis strategies for tests that handle Chinese personal information.

>>> from pipl_guard.testing import resident_ids, corrupt
>>> callable(corrupt)
True
"""

from pipl_guard.testing.strategies import (
    addresses,
    bank_cards,
    chinese_text_with_pi,
    corrupt,
    corrupt_value,
    leak_records,
    mobiles,
    names,
    resident_ids,
    usccs,
)

__all__ = [
    "addresses",
    "bank_cards",
    "chinese_text_with_pi",
    "corrupt",
    "corrupt_value",
    "leak_records",
    "mobiles",
    "names",
    "resident_ids",
    "usccs",
]
