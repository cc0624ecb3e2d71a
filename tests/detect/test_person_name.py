"""PERSON_NAME: cue and title contexts, compound surnames, boundaries, negatives, pinyin field values."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pipl_guard as pg
from pipl_guard.detect import person_name
from pipl_guard.testing.strategies import names

PROBE = "联系人：欧阳娜娜，住北京市海淀区中关村大街27号"


def names_in(text: str) -> list[str]:
    return [f.text for f in pg.scan_text(text) if f.entity == "PERSON_NAME"]


def test_probe_sentence_name() -> None:
    assert names_in(PROBE) == ["欧阳娜娜"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("收件人张伟电话13812345678", "张伟"),
        ("姓名：司马光，性别：男", "司马光"),
        ("户主: 诸葛亮", "诸葛亮"),
        ("法定代表人上官婉儿。", "上官婉儿"),
        ("患者东方明，男，45岁", "东方明"),
        ("收货人李娜北京市朝阳区", "李娜"),
        ("签收人 皇甫嵩；", "皇甫嵩"),
        ("联系人为慕容复，请回电", "慕容复"),
        ("姓名张三丰年龄30", "张三丰"),
        ("收件人张伟明天到", "张伟"),
        ("客户：尉迟恭", "尉迟恭"),
        ("请联系张伟先生办理", "张伟"),
        ("李娜老师说今天停课", "李娜"),
    ],
)
def test_names_after_cues_and_before_titles(text: str, name: str) -> None:
    assert names_in(text) == [name]


@pytest.mark.parametrize(
    ("text", "name"), [("姓名 Zhang Wei", "Zhang Wei"), ("name: ZHANG Weiming, age 30", "ZHANG Weiming")]
)
def test_pinyin_names_after_cues(text: str, name: str) -> None:
    assert names_in(text) == [name]


def test_surname_with_title_keeps_the_title() -> None:
    assert names_in("请王先生到前台") == ["王先生"]
    found = [f for f in pg.scan_text("请欧阳女士到前台") if f.entity == "PERSON_NAME"]
    assert len(found) == 1
    f = found[0]
    assert f.text == "欧阳女士"
    assert (f.attributes["surname"], f.attributes["title"]) == ("欧阳", "女士")


@pytest.mark.parametrize(
    "text",
    [
        "王国的历史很长",
        "大家都很高兴",
        "本单金额三百元",
        "他张开双臂",
        "客户满意度调查",
        "语文老师布置了作业",
        "用户名不能为空",
        "司机师傅很热情",
        "请填写与户主关系",
        "姓名：未填写",
        "联系人：暂无",
        "收件人：前台",
        "Name: John Smith",
    ],
)
def test_words_starting_with_a_surname_character_are_not_names(text: str) -> None:
    assert names_in(text) == []


def test_compound_surname_is_parsed_as_one_surname() -> None:
    assert person_name.parse("欧阳娜娜") == {
        "surname": "欧阳",
        "given_name": "娜娜",
        "compound_surname": True,
    }
    assert person_name.parse("张伟")["surname"] == "张"


def test_compound_surnames_are_in_the_data_file() -> None:
    table = person_name.surnames()
    for s in (
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "令狐",
    ):
        assert s in table
    assert table["王"][0] > table["欧阳"][0] > 0


@pytest.mark.parametrize(
    "value",
    [
        "张伟",
        "欧阳娜娜",
        "司马光",
        "Zhang Wei",
        "ZHANG Wei",
        "Wei Zhang",
        "Ouyang Nana",
        "Zhang Weiming",
        "阿卜杜拉·买买提",
    ],
)
def test_bare_field_values(value: str) -> None:
    assert person_name.is_valid(value)


@pytest.mark.parametrize(
    "value", ["", "张", "Hello World", "Data Science", "13812345678", "张伟伟伟伟", "abc", "北京市"]
)
def test_bare_non_names(value: str) -> None:
    assert not person_name.is_valid(value)


cues = st.sampled_from(
    ["姓名：", "联系人：", "收件人", "收货人: ", "寄件人 ", "户主：", "法定代表人", "签收人："]
)
tails = st.sampled_from(["，", "。", "；", " ", "电话13812345678", "，住北京市朝阳区", "性别男", ""])


@given(names(), cues, tails)
def test_generated_names_after_cues_are_found_exactly(name: str, cue: str, tail: str) -> None:
    text = "备注信息。" + cue + name + tail
    found = [(f.start, f.end) for f in pg.scan_text(text) if f.entity == "PERSON_NAME"]
    start = len("备注信息。") + len(cue)
    assert found == [(start, start + len(name))]


@given(names())
def test_generated_names_are_valid_field_values(name: str) -> None:
    assert person_name.is_valid(name)
