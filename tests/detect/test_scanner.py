import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pipl_guard as pg
from pipl_guard.detect.base import _DIGIT_RUN, trie_regex
from pipl_guard.detect.normalize import normalize


@pytest.mark.parametrize("bad", [None, b"13812345678", {"a": 1}, 13812345678, ["x"]])
def test_non_string_input_is_an_input_error_naming_the_type(bad):
    with pytest.raises(pg.InputError) as err:
        pg.scan_text(bad)
    assert type(bad).__name__ in str(err.value)
    assert "13812345678" not in str(err.value)


def test_unknown_entity_and_bad_min_score():
    with pytest.raises(pg.InputError):
        pg.scan_text("x", entities=["NOT_AN_ENTITY"])
    with pytest.raises(pg.InputError):
        pg.scan_text("x", min_score=2)


def test_entity_filter_limits_findings():
    text = "手机13812345678，身份证11010519491231002X"
    assert [f.entity for f in pg.scan_text(text, entities=["CN_MOBILE"])] == ["CN_MOBILE"]


def test_min_score_zero_returns_more_or_equal():
    text = "手机13812345678"
    assert len(pg.scan_text(text, min_score=0.0)) >= len(pg.scan_text(text))


def test_odd_input_is_handled():
    for text in ["", "\x00" * 100, "\ud800abc\udfff", "1" * 1_000_000, "中" * 100_000, "1中" * 200_000]:
        assert isinstance(pg.scan_text(text), list)


@given(st.text(max_size=300))
def test_offsets_always_index_the_original(text):
    for f in pg.scan_text(text):
        assert text[f.start : f.end] == f.text
        assert 0 <= f.score <= 1


def test_normalize_keeps_length():
    s = "电话１３８－１２３４＋ＡＢｃ　x"
    assert len(normalize(s)) == len(s)


@given(st.lists(st.text(alphabet="abc身份证号", min_size=1, max_size=5), min_size=1, max_size=8))
def test_trie_regex_matches_exactly_the_words(words):
    import re

    rx = re.compile(trie_regex(words) + r"\Z")
    for w in words:
        assert rx.match(w)
    assert not rx.match("zz")


# Reference model of the digit-run pass: the run regex of 0.1 plus boundary checks in Python. The
# engine now does the boundary checks inside the regex; both must find the same runs.
_REFERENCE_RUN = re.compile(r"(?=[0-9][0-9 \-]{4})[0-9]++(?:[ \-][0-9]++)*+(?:[Xx](?![0-9A-Za-z]))?")
_ALNUM = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _reference_runs(norm: str) -> list[tuple[int, int]]:
    out = []
    for m in _REFERENCE_RUN.finditer(norm):
        s, e = m.span()
        if (s > 0 and norm[s - 1] in _ALNUM) or (e < len(norm) and norm[e] in _ALNUM):
            continue
        out.append((s, e))
    return out


@given(st.text(alphabet="0123456789 -xXa中.", max_size=60))
def test_digit_runs_match_the_reference_model(text):
    assert [m.span() for m in _DIGIT_RUN.finditer(text)] == _reference_runs(text)
