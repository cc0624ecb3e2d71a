"""GENDER, PHOTO_URL, HEALTH, BIOMETRIC: mostly field-level entities with narrow text forms."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pipl_guard as pg
from pipl_guard.detect import (
    address,
    biometric,
    date_of_birth,
    ethnicity,
    gender,
    health,
    person_name,
    photo_url,
    religion,
)


def found(text: str, entity: str) -> list[str]:
    return [f.text for f in pg.scan_text(text) if f.entity == entity]


# --- gender ---


@pytest.mark.parametrize(
    ("text", "value"),
    [("性别：男，民族：汉", "男"), ("性别女。", "女"), ("Gender: F,", "F"), ("性别:女性", "女性")],
)
def test_gender_in_text(text: str, value: str) -> None:
    assert found(text, "GENDER") == [value]


@pytest.mark.parametrize("text", ["性别平等是基本国策", "男女比例", "他是男的", "性别男女比例失衡"])
def test_gender_not_in_text(text: str) -> None:
    assert found(text, "GENDER") == []


def test_gender_values_and_codes() -> None:
    assert all(gender.is_valid(v) for v in ["男", "女", "男性", "女性", "M", "f", "male", "Female"])
    assert not any(gender.is_valid(v) for v in ["0", "1", "2", "9", "", "未知", "X"])
    assert [gender.parse(c)["gender"] for c in "0129"] == ["unknown", "male", "female", "unspecified"]
    assert gender.is_code("9") and not gender.is_code("3")
    assert gender.parse("男") == {"gender": "male", "code": "1"}


# --- photo links ---


def test_photo_url_after_cue() -> None:
    text = "照片：https://img.example.cn/zp/110105.jpg，请核对"
    assert found(text, "PHOTO_URL") == ["https://img.example.cn/zp/110105.jpg"]
    assert found("头像地址 https://cdn.example.com/avatar/123.", "PHOTO_URL") == [
        "https://cdn.example.com/avatar/123"
    ]


def test_photo_url_needs_a_cue_in_text() -> None:
    assert found("详见 https://img.example.cn/zp/110105.jpg", "PHOTO_URL") == []


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("https://cdn.example.com/avatar/123", True),
        ("http://x.gov.cn/zp/3301.JPG", True),
        ("https://example.com/a/b.webp?x=1", True),
        ("data:image/png;base64,iVBORw0KGgo=", True),
        ("https://example.com/index.html", False),
        ("ftp://example.com/a.jpg", False),
        ("photo.jpg", False),
        ("https:///a.jpg", False),
    ],
)
def test_photo_url_values(value: str, ok: bool) -> None:
    assert photo_url.is_valid(value) is ok


# --- health ---


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("患者自述患有高血压和糖尿病，无过敏史。", "高血压和糖尿病"),
        ("诊断：急性阑尾炎。", "急性阑尾炎"),
        ("过敏史：青霉素过敏；", "青霉素过敏"),
        ("确诊为2型糖尿病", "2型糖尿病"),
    ],
)
def test_health_clause(text: str, value: str) -> None:
    assert found(text, "HEALTH") == [value]


@pytest.mark.parametrize(
    "text",
    [
        "疾病预防控制中心发布通知",
        "诊断技术不断进步",
        "过敏史：无。",
        "病史不详",
        "他患有的病不严重",
        "病症 …)",
    ],
)
def test_health_not(text: str) -> None:
    assert found(text, "HEALTH") == []


def test_health_values() -> None:
    assert health.is_valid("2型糖尿病") and health.is_valid("高血压")
    assert not health.is_valid("正常") and not health.is_valid("")
    assert health.parse("高血压、糖尿病") == {"conditions": ["高血压", "糖尿病"]}


@given(st.sampled_from(health.diseases()), st.sampled_from(["诊断：", "患有", "既往病史：", "确诊为"]))
def test_every_listed_condition_is_found_after_a_cue(disease: str, cue: str) -> None:
    text = f"病历摘要。{cue}{disease}。"
    start = len("病历摘要。") + len(cue)
    assert [(f.start, f.end) for f in pg.scan_text(text) if f.entity == "HEALTH"] == [
        (start, start + len(disease))
    ]
    assert health.is_valid(disease)


# --- biometrics ---


def test_biometric_template_after_cue() -> None:
    text = "指纹特征值：Qk1QAAAAAAAAADYAAAAoAAAAAQAAAAEAAAA，已入库"
    assert found(text, "BIOMETRIC") == ["Qk1QAAAAAAAAADYAAAAoAAAAAQAAAAEAAAA"]
    vec = "[0.12, -0.5, 0.33, 0.9, 0.1, 0.2, 0.3, 0.4]"
    assert found(f"人脸特征向量 {vec}。", "BIOMETRIC") == [vec]


@pytest.mark.parametrize("text", ["人脸识别技术发展迅速", "指纹：已采集", "虹膜 abcdefg"])
def test_biometric_prose_is_not_a_template(text: str) -> None:
    assert found(text, "BIOMETRIC") == []


def test_biometric_values() -> None:
    assert biometric.is_valid("[0.12, -0.5, 0.33, 0.9, 0.1, 0.2, 0.3, 0.4]")
    assert biometric.is_valid("Qk1QAAAAAAAAADYAAAAoAAAAAQAAAAEAAAA")
    assert not biometric.is_valid("hello") and not biometric.is_valid("[1, 2, 3]")
    assert biometric.parse("[1, 2, 3, 4, 5, 6, 7, 8]") == {"kind": "vector", "dimensions": 8}


@given(st.lists(st.floats(-1, 1, allow_nan=False).map(lambda x: round(x, 4)), min_size=8, max_size=64))
def test_feature_vectors_are_biometric_values(vec: list[float]) -> None:
    assert biometric.is_valid("[" + ", ".join(str(v) for v in vec) + "]")


# --- all text detectors of this area: robustness ---


TEXT_DETECTORS = [
    person_name,
    address,
    date_of_birth,
    ethnicity,
    religion,
    gender,
    photo_url,
    health,
    biometric,
]
PIECES = [
    "姓名：",
    "联系人",
    "住",
    "地址：",
    "北京市",
    "海淀区",
    "27号",
    "出生日期",
    "1990-01-02",
    "民族：",
    "汉族",
    "信仰",
    "佛教",
    "性别：",
    "男",
    "照片 ",
    "http://a.cn/zp/1.jpg",
    "患有",
    "指纹：",
    "，",
    "。",
    " ",
    "张",
    "伟",
    "欧阳",
    "先生",
    "1",
    "A",
    "\n",
    "的",
]


@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_text_detectors_never_crash_and_stay_in_bounds(text: str) -> None:
    for mod in TEXT_DETECTORS:
        for span in mod.find(text):
            assert 0 <= span.start < span.end <= len(text)
            assert span.entity in mod.ENTITIES
            if span.has_context:
                assert span.score >= 0.5


@pytest.mark.parametrize("mod", TEXT_DETECTORS, ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_is_valid_rejects_non_strings(mod) -> None:  # type: ignore[no-untyped-def]
    assert mod.is_valid(None) is False
    assert mod.is_valid(12345) is False
    assert mod.is_valid("") is False
