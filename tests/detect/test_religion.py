"""RELIGION: closed list, cue forms (宗教信仰：X, 信仰X), believer words, negatives."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pipl_guard as pg
from pipl_guard.detect import religion


def found(text: str) -> list[str]:
    return [f.text for f in pg.scan_text(text) if f.entity == "RELIGION"]


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("宗教信仰：佛教；", ["佛教"]),
        ("他信仰伊斯兰教多年", ["伊斯兰教"]),
        ("宗教：无宗教信仰", ["无宗教信仰"]),
        ("她是虔诚的基督徒", ["基督徒"]),
        ("信奉天主教，是穆斯林的邻居", ["天主教", "穆斯林"]),
        ("他是天主教徒，她是道教徒", ["天主教徒", "道教徒"]),
        ("基督教徒和伊斯兰教徒", ["基督教徒", "伊斯兰教徒"]),
    ],
)
def test_found(text: str, values: list[str]) -> None:
    assert found(text) == values


@pytest.mark.parametrize(
    "text", ["佛教寺庙的历史", "基督教青年会成立", "信仰的力量", "宗教建筑风格", "教徒们"]
)
def test_topics_are_not_personal(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize("value", ["佛教", "伊斯兰教", "信仰佛教", "无宗教信仰", "基督徒", "东正教"])
def test_bare_values(value: str) -> None:
    assert religion.is_valid(value)


@pytest.mark.parametrize("value", ["足球", "", "信仰", "教育"])
def test_bare_non_values(value: str) -> None:
    assert not religion.is_valid(value)


def test_parse_groups_variants() -> None:
    assert religion.parse("藏传佛教")["religion"] == "佛教"
    assert religion.parse("穆斯林") == {"religion": "伊斯兰教"}


@given(
    st.sampled_from(sorted(religion.religions())), st.sampled_from(["宗教信仰：", "宗教 ", "信仰", "信奉"])
)
def test_every_listed_religion_is_found_after_a_cue(name: str, cue: str) -> None:
    text = f"备注：{cue}{name}。"
    start = len("备注：") + len(cue)
    assert [(f.start, f.end) for f in pg.scan_text(text) if f.entity == "RELIGION"] == [
        (start, start + len(name))
    ]
