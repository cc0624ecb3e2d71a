"""Field names as evidence: which entity a column or key name suggests.

Vocabulary lives in ``data/field_names.toml`` (Chinese, pinyin, pinyin initials, English). ASCII names are
split into tokens (snake_case, camelCase, kebab-case, spaces, dots) and matched as whole tokens, never as
substrings: ``setting`` does not contain ``tin``. Chinese terms match as substrings and the term that ends
last wins (the head of a Chinese noun phrase comes last: ``联系人电话`` is a phone, not a name).

>>> classify_field("gmsfhm"), classify_field("customerPhone"), classify_field("联系人电话")
('CN_RESIDENT_ID', 'CN_MOBILE', 'CN_MOBILE')
>>> classify_field("person.phones[0]")
'CN_MOBILE'
>>> classify_field("settings") is None
True
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SPLIT = re.compile(r"[^0-9A-Za-z\u3400-\u9fff]+")
_INDEX = re.compile(r"\[[^\[\]]*+\]")  # a "[" inside cannot start a second scan: linear
_CJK = re.compile(r"[\u3400-\u9fff]")


@cache
def _vocabulary() -> tuple[dict[tuple[str, ...], str], list[tuple[str, str]]]:
    raw = tomllib.loads(resources.files("pipl_guard.data").joinpath("field_names.toml").read_text("utf-8"))
    ascii_terms: dict[tuple[str, ...], str] = {}
    zh_terms: list[tuple[str, str]] = []
    for entity_id, groups in raw.items():
        for term in groups.get("pinyin", []) + groups.get("en", []):
            tokens = tuple(tokenize(term))
            if tokens:
                ascii_terms.setdefault(tokens, entity_id)
        for term in groups.get("zh", []):
            if _CJK.search(term):
                zh_terms.append((term, entity_id))
            else:
                tokens = tuple(tokenize(term))
                if tokens:
                    ascii_terms.setdefault(tokens, entity_id)
    zh_terms.sort(key=lambda t: -len(t[0]))
    return ascii_terms, zh_terms


def tokenize(name: str) -> list[str]:
    """Lower-case ASCII tokens of a field name: ``customerPhone_no`` -> ``['customer', 'phone', 'no']``."""
    parts: list[str] = []
    for chunk in _SPLIT.split(name):
        if not chunk or _CJK.search(chunk):
            continue
        parts.extend(p.lower() for p in _CAMEL.split(chunk) if p)
    return parts


def last_segment(path: str) -> str:
    """The key name of a field path: ``person.phones[0]`` -> ``phones``."""
    bare = _INDEX.sub("", path)
    return bare.rsplit(".", 1)[-1] if bare else bare


@cache
def classify_field(name_or_path: str) -> str | None:
    """Entity ID suggested by a field name (its last path segment), or ``None``."""
    name = last_segment(name_or_path)
    if not name:
        return None
    ascii_terms, zh_terms = _vocabulary()
    best: tuple[int, int, str] | None = None  # (end position, length, entity)
    if _CJK.search(name):
        for term, entity_id in zh_terms:
            pos = name.rfind(term)
            if pos >= 0:
                cand = (pos + len(term), len(term), entity_id)
                if best is None or cand[:2] > best[:2]:
                    best = cand
    tokens = tokenize(name)
    if tokens:
        # singular/plural: "phones" -> "phone"
        variants = [tokens, [t[:-1] if len(t) > 3 and t.endswith("s") else t for t in tokens]]
        for toks in variants:
            n = len(toks)
            for i in range(n):
                for j in range(n, i, -1):
                    found = ascii_terms.get(tuple(toks[i:j]))
                    if found is not None:
                        # ASCII tokens rank after CJK matches that end later; among tokens, later wins
                        cand = (j * 1000, j - i, found)
                        if best is None or cand[:2] > best[:2]:
                            best = cand
                        break
    return best[2] if best else None
