"""Default Chinese display masks, mask_text / mask_record, and the never-leak property."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pipl_guard as pg
from pipl_guard.catalogue import ENTITY_IDS
from pipl_guard.detect.registry import value_validator
from pipl_guard.testing import strategies as pst
from pipl_guard.transform.masks import keep_mask, mask_value


@pytest.mark.parametrize(
    ("value", "entity", "expected"),
    [
        ("13812345678", "CN_MOBILE", "138****5678"),
        ("+86 138-1234-5678", "CN_MOBILE", "+86 138-****-5678"),
        ("11010519491231002X", "CN_RESIDENT_ID", "110105********002X"),
        ("6222021234567890128", "BANK_CARD", "622202*********0128"),
        ("张三", "PERSON_NAME", "张*"),
        ("欧阳娜娜", "PERSON_NAME", "欧阳**"),
        ("王小明", "PERSON_NAME", "王**"),
        ("zhangsan@example.com", "EMAIL", "z*******@example.com"),
        ("广东省深圳市南山区科技园路1号3栋502室", "ADDRESS", "广东省深圳市南山区" + "*" * 12),
        ("192.168.10.23", "IP_ADDRESS", "192.168.**.**"),
        ("1990年5月12日", "DATE_OF_BIRTH", "1990年*月**日"),
    ],
)
def test_chinese_default_masks(value: str, entity: str, expected: str) -> None:
    assert mask_value(value, entity) == expected
    assert pg.ops.Mask().apply_as(value, entity) == expected


def test_masks_are_length_preserving_except_redact() -> None:
    for value, entity in [
        ("13812345678", "CN_MOBILE"),
        ("欧阳娜娜", "PERSON_NAME"),
        ("京A12345", "CN_LICENSE_PLATE"),
    ]:
        assert len(mask_value(value, entity)) == len(value)
    assert mask_value("维吾尔族", "ETHNICITY") == mask_value("汉族", "ETHNICITY")  # no length leak


@given(
    st.sampled_from(ENTITY_IDS),
    st.text(alphabet=st.characters(blacklist_characters="*"), min_size=1, max_size=40),
)
def test_mask_never_returns_the_input(entity: str, value: str) -> None:
    out = mask_value(value, entity)
    assert value not in out or value.strip(" -\u3000\u00a0./:") == ""


@given(
    st.text(alphabet=st.characters(blacklist_characters="*"), min_size=1, max_size=30),
    st.integers(0, 40),
    st.integers(0, 40),
)
def test_explicit_keep_never_reveals_all(value: str, first: int, last: int) -> None:
    out = pg.ops.Mask(first, last).apply(value)
    assert out != value and len(out) == len(value)


@given(pst.resident_ids())
def test_masked_ids_are_not_ids(value: str) -> None:
    out = pg.mask_text(f"身份证号{value}")
    assert value not in out and "*" in out
    validate = value_validator("CN_RESIDENT_ID")
    assert validate is not None and not validate(mask_value(value, "CN_RESIDENT_ID"))


@given(pst.mobiles(formatted=True))
def test_masked_mobiles_are_rejected_by_the_detector(value: str) -> None:
    masked = mask_value(value, "CN_MOBILE")
    validate = value_validator("CN_MOBILE")
    assert validate is not None and not validate(masked)
    assert pg.scan_text(f"手机{masked}", entities=["CN_MOBILE"]) == []


@given(pst.bank_cards())
def test_masked_cards(value: str) -> None:
    masked = mask_value(value, "BANK_CARD")
    assert masked[:6] == value[:6] and masked[-4:] == value[-4:] and value not in masked


@given(pst.names())
def test_masked_names_keep_the_surname(value: str) -> None:
    masked = mask_value(value, "PERSON_NAME")
    assert masked != value and masked[0] == value[0] and masked.endswith("*")


def test_keep_mask_keeps_separators() -> None:
    assert keep_mask("6222 0212 3456 7890", 6, 4) == "6222 02** **** 7890"


def test_mask_text_and_record() -> None:
    text = "联系人：张三，手机号13812345678，身份证11010519491231002X"
    out = pg.mask_text(text)
    assert "13812345678" not in out and "11010519491231002X" not in out and "138****5678" in out
    rec = {
        "xm": "欧阳娜娜",
        "sjhm": 13812345678,
        "contact": {"phones": ["13912345678", "无"], "note": "身份证11010519491231002X"},
        "age": 30,
        "vip": True,
    }
    out_rec = pg.mask_record(rec)
    assert out_rec == {
        "xm": "欧阳**",
        "sjhm": "138****5678",
        "contact": {"phones": ["139****5678", "无"], "note": "身份证110105********002X"},
        "age": 30,
        "vip": True,
    }
    assert rec["sjhm"] == 13812345678  # input untouched


@given(
    st.lists(st.one_of(pst.mobiles(formatted=True), pst.resident_ids(), st.text(max_size=20)), max_size=30),
    st.sampled_from(["CN_MOBILE", "CN_RESIDENT_ID", "BANK_CARD", "PERSON_NAME", "EMAIL", None]),
)
def test_column_masking_equals_value_masking(values: list[str], entity: str | None) -> None:
    from pipl_guard.transform.masks import mask_many

    assert mask_many(values, entity) == [mask_value(v, entity) if v else v for v in values]
    assert pg.ops.Mask().apply_many(values, entity) == [
        pg.ops.Mask().apply_as(v, entity) if v else v for v in values
    ]
