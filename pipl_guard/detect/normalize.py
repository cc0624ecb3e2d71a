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
_FULLWIDTH_RUN = re.compile("[" + re.escape(_FULLWIDTH) + "]+")


def _translate_run(m: re.Match[str]) -> str:
    return m.group().translate(_TABLE)


def normalize(text: str) -> str:
    """Return ``text`` with full-width alphanumerics mapped to ASCII; same length, same indices.

    Only the full-width runs are translated (``str.translate`` over a whole Chinese text is slow).
    """
    if _FULLWIDTH_RUN.search(text) is None:
        return text
    return _FULLWIDTH_RUN.sub(_translate_run, text)


def to_ascii(value: str) -> str:
    """Normalise a short value (a field value, a user input) unconditionally."""
    return value.translate(_TABLE)
