"""Full-width to half-width normalisation that keeps every character at its index.

Chinese text often writes numbers in full-width forms (``１３８…``). Each full-width character maps to
exactly one ASCII character, so offsets found in the normalised string are offsets in the original.

>>> normalize("手机１３８００１３８０００")
'手机13800138000'
>>> len(normalize("Ａ１＋")) == 3
True
"""

from __future__ import annotations

import re

# Full-width digits, letters and the few symbols that appear inside identifiers; ideographic space.
# Chinese punctuation such as ，。：（） is left alone: cue words and boundaries use it as written.
_FULLWIDTH = "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ＋－＠．＿\u3000"
_HALFWIDTH = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+-@._ "
_TABLE = str.maketrans(_FULLWIDTH, _HALFWIDTH)
_HAS_FULLWIDTH = re.compile("[" + re.escape(_FULLWIDTH) + "]")


def normalize(text: str) -> str:
    """Return ``text`` with full-width alphanumerics mapped to ASCII; same length, same indices."""
    if _HAS_FULLWIDTH.search(text) is None:
        return text
    return text.translate(_TABLE)


def to_ascii(value: str) -> str:
    """Normalise a short value (a field value, a user input) unconditionally."""
    return value.translate(_TABLE)
