import pytest

from pipl_guard.detect.fields import classify_field, tokenize

CASES = {
    # Chinese
    "身份证号": "CN_RESIDENT_ID", "手机号码": "CN_MOBILE", "姓名": "PERSON_NAME", "民族": "ETHNICITY",
    "户籍地址": "ADDRESS", "出生日期": "DATE_OF_BIRTH", "联系人电话": "CN_MOBILE",
    # pinyin initials used in government systems
    "sfzh": "CN_RESIDENT_ID", "gmsfhm": "CN_RESIDENT_ID", "xm": "PERSON_NAME", "xb": "GENDER",
    "mz": "ETHNICITY", "csrq": "DATE_OF_BIRTH", "hjdz": "ADDRESS", "xzz": "ADDRESS", "lxdh": "CN_MOBILE",
    "sjhm": "CN_MOBILE", "zp": "PHOTO_URL", "zpurl": "PHOTO_URL",
    # English in snake, camel, kebab and spaced case
    "id_number": "CN_RESIDENT_ID", "idNumber": "CN_RESIDENT_ID", "ID Number": "CN_RESIDENT_ID",
    "phone": "CN_MOBILE", "customerPhone": "CN_MOBILE", "mobile-number": "CN_MOBILE", "dob": "DATE_OF_BIRTH",
    "home_address": "ADDRESS", "EmailAddress": "EMAIL",
    # paths
    "person.phones[0]": "CN_MOBILE", "data.kh_xm": "PERSON_NAME",
}


@pytest.mark.parametrize(("name", "entity"), sorted(CASES.items()))
def test_field_names(name, entity):
    assert classify_field(name) == entity


@pytest.mark.parametrize("name", ["setting", "settings", "xml", "f5", "amount", "order_id", "timestamp", "tinyint"])
def test_no_substring_matches(name):
    assert classify_field(name) is None


def test_tokenize():
    assert tokenize("customerPhone_no") == ["customer", "phone", "no"]
    assert tokenize("HTTPServerIP") == ["http", "server", "ip"]
