"""pipl_guard.types: validate, normalise, never print in full, never echo a bad input."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from svc_strategies import (
    FULLWIDTH,
    bank_cards,
    emails,
    hk_ids,
    imeis,
    mobiles,
    names,
    passports,
    plates,
    resident_ids,
    substitute_one,
    tw_ids,
    typed_forms,
    usccs,
    vins,
)

from pipl_guard.errors import InputError
from pipl_guard.transform.masks import mask_value
from pipl_guard.types import (
    HKID,
    IMEI,
    TWID,
    USCC,
    VIN,
    BankCard,
    CNLandline,
    CNMobile,
    CNPassport,
    Email,
    LicensePlate,
    PersonName,
    PIValue,
    ResidentID,
    Withheld,
)

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class Customer(BaseModel):
    name: PersonName
    id_number: ResidentID
    phone: CNMobile
    card: BankCard | None = None
    company: USCC | None = None
    passport: CNPassport | None = None
    email: Email | None = None


class Holder(BaseModel):
    value: Any


def _model_for(cls: type[PIValue]) -> type[BaseModel]:
    return type(f"Has{cls.__name__}", (BaseModel,), {"__annotations__": {"value": cls}})


def _rendered(model: BaseModel) -> list[str]:
    """Every default rendering a developer might print or send."""
    return [
        repr(model),
        str(model),
        f"{model}",
        model.model_dump_json(),
        json.dumps(model.model_dump(mode="json"), ensure_ascii=False),
        repr(model.model_dump()),
        str(model.model_dump()),
    ]


IDENTIFIERS: list[tuple[type[PIValue], st.SearchStrategy[str]]] = [
    (ResidentID, resident_ids().map(lambda t: t[0])),
    (CNMobile, mobiles()),
    (BankCard, bank_cards()),
    (USCC, usccs()),
    (CNPassport, passports()),
    (PersonName, names()),
    (Email, emails()),
    (HKID, hk_ids()),
    (TWID, tw_ids()),
    (VIN, vins()),
    (IMEI, imeis()),
    (LicensePlate, plates()),
]


@pytest.mark.parametrize("cls,values", IDENTIFIERS, ids=[c.__name__ for c, _ in IDENTIFIERS])
@SETTINGS
@given(data=st.data())
def test_valid_values_round_trip(cls: type[PIValue], values: st.SearchStrategy[str], data: st.DataObject) -> None:
    value = data.draw(values)
    model = _model_for(cls)
    instance = model.model_validate({"value": value})
    held = getattr(instance, "value")  # noqa: B009 - a field of a model built at run time
    assert isinstance(held, cls)
    assert held.reveal() == cls._normalise(value)
    assert held.masked == mask_value(held.reveal(), cls.entity)
    # JSON with the reveal context, validated again, gives the same value
    again = model.model_validate_json(instance.model_dump_json(context={"pipl": "reveal"}))
    assert getattr(again, "value") == held  # noqa: B009
    assert pickle.loads(pickle.dumps(held)) == held
    for text in _rendered(instance):
        assert held.reveal() not in text
        assert value not in text


@pytest.mark.parametrize(
    "cls,values",
    [(ResidentID, resident_ids().map(lambda t: t[0])), (CNMobile, mobiles()), (BankCard, bank_cards()), (USCC, usccs())],
    ids=["ResidentID", "CNMobile", "BankCard", "USCC"],
)
@SETTINGS
@given(data=st.data())
def test_typed_forms_normalise_to_the_same_value(
    cls: type[PIValue], values: st.SearchStrategy[str], data: st.DataObject
) -> None:
    value = data.draw(values)
    typed = data.draw(typed_forms(value))
    assert cls(typed).reveal() == value
    assert cls(typed) == cls(value)


@SETTINGS
@given(mobiles(), st.sampled_from(["+86 {}", "+86-{}", "0086{}", "(86) {}", "８６{}"]))
def test_mobile_country_prefixes(number: str, form: str) -> None:
    assert CNMobile(form.format(number)).reveal() == number
    assert CNMobile(int(number)).reveal() == number
    assert CNMobile(number).e164 == "+86" + number


@SETTINGS
@given(resident_ids())
def test_resident_id_attributes(generated: tuple[str, dt.date, str]) -> None:
    number, birth, gender = generated
    rid = ResidentID(number.lower())
    assert rid.birth_date == birth
    assert rid.gender == gender
    assert rid.region_code == number[:6]
    assert rid.region
    today = dt.date.today()
    age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    assert rid.age == age
    assert rid.is_minor == (age < 14)
    assert str(rid) == number[:6] + "*" * 8 + number[-4:]


def _assert_hidden(exc: ValidationError, *raw: str) -> None:
    texts = [str(exc), repr(exc), exc.json(), json.dumps(exc.errors(), default=str, ensure_ascii=False)]
    for text in texts:
        for value in raw:
            assert value not in text
    for err in exc.errors():
        assert isinstance(err["input"], Withheld)
        assert err["input"] == "[withheld]"
        assert vars(err["input"]) == {"_raw": None}  # no reference to the input survives


CORRUPTIONS: list[tuple[type[PIValue], st.SearchStrategy[str]]] = [
    # MOD 11-2 catches every single substitution in the 17 body digits, and in the check character
    (ResidentID, resident_ids().flatmap(lambda t: substitute_one(t[0], "0123456789X"))),
    # Luhn catches every single-digit substitution
    (BankCard, bank_cards().flatmap(lambda v: substitute_one(v, "0123456789"))),
    # GB 32100 MOD 31 catches every single substitution within its alphabet
    (USCC, usccs().flatmap(lambda v: substitute_one(v, "0123456789ABCDEFGHJKLMNPQRTUWXY"))),
    # a mobile has no check digit: a wrong length, a leading digit other than 1, a second digit 0-2
    (
        CNMobile,
        mobiles().flatmap(
            lambda v: st.sampled_from([v[:-1], v + "0", "2" + v[1:], v[0] + "2" + v[2:], v[:5] + "a" + v[6:]])
        ),
    ),
    (CNPassport, passports().flatmap(lambda v: st.sampled_from(["A" + v[1:], v[:-1], v + "1", "EI" + v[2:]]))),
    (Email, emails().map(lambda v: v.replace("@", " at "))),
    (PersonName, st.sampled_from(["Hello World", "12345", "张", "这是一个很长的句子而不是名字"])),
    # HKID: MOD 11 with weights 7..2 on the digits catches every single-digit substitution
    (HKID, hk_ids().flatmap(lambda v: substitute_one(v, "0123456789", range(len(v) - 9, len(v) - 3)))),
    (TWID, tw_ids().flatmap(lambda v: substitute_one(v, "0123456789", range(9, 10)))),
    (VIN, vins().flatmap(lambda v: substitute_one(v, "0123456789X", range(8, 9)))),
    (IMEI, imeis().flatmap(lambda v: substitute_one(v, "0123456789"))),
    (LicensePlate, plates().flatmap(lambda v: st.sampled_from(["A" + v[1:], v[:-1], v[:2] + "I" + v[3:]]))),
]


@pytest.mark.parametrize("cls,bad", CORRUPTIONS, ids=[c.__name__ for c, _ in CORRUPTIONS])
@SETTINGS
@given(data=st.data())
def test_corruptions_fail_without_echoing_the_input(
    cls: type[PIValue], bad: st.SearchStrategy[str], data: st.DataObject
) -> None:
    value = data.draw(bad)
    model = _model_for(cls)
    with pytest.raises(ValidationError) as info:
        model.model_validate({"value": value})
    _assert_hidden(info.value, value)
    err = info.value.errors()[0]
    assert err["loc"] == ("value",)
    assert err["type"] == f"pipl_{cls.entity.lower()}"
    assert err["ctx"]["reason"] in err["msg"]
    with pytest.raises(ValidationError) as from_json:
        model.model_validate_json(json.dumps({"value": value}))
    _assert_hidden(from_json.value, value)
    with pytest.raises(InputError) as direct:
        cls(value)
    assert value not in str(direct.value)


@SETTINGS
@given(resident_ids())
def test_resident_id_reasons(generated: tuple[str, dt.date, str]) -> None:
    number = generated[0]
    wrong_check = number[:17] + ("0" if number[17] != "0" else "1")
    future = ResidentID._normalise(number[:6] + f"{dt.date.today().year + 1}0101" + "001")
    future += __import__("stdnum.cn.ric", fromlist=["x"]).calc_check_digit(future + "0")
    cases = {wrong_check: "check digit", future: "birth date in the future", number[:10]: "length"}
    for bad, reason in cases.items():
        with pytest.raises(ValidationError) as info:
            Customer(name="张三", id_number=bad, phone="13812345678")
        text = str(info.value)
        assert "id_number" in text and reason in text
        _assert_hidden(info.value, bad)


@pytest.mark.parametrize("raw", [110105194912310021, ["11010519491231002X"], {"v": "11010519491231002X"}, 3.5, None])
def test_wrong_types_are_errors_without_the_value(raw: object) -> None:
    with pytest.raises(ValidationError) as info:
        Customer(name="张三", id_number=raw, phone="13812345678")
    assert "11010519491231002" not in str(info.value)
    assert "110105194912310021" not in info.value.json()


def test_plain_user_model_hides_input_without_config() -> None:
    """No ``hide_input_in_errors`` needed: the placeholder is what pydantic reports."""

    class Plain(BaseModel):
        ids: list[ResidentID]
        phones: dict[str, CNMobile]

    with pytest.raises(ValidationError) as info:
        Plain(ids=["11010519491231002X", "110105194912310021"], phones={"home": "15412345678"})
    assert len(info.value.errors()) == 2
    _assert_hidden(info.value, "110105194912310021", "15412345678")


def test_serialisation_context_choices() -> None:
    c = Customer(name="欧阳娜娜", id_number="11010519491231002X", phone="13812345678", card="6222021234567890128")
    assert c.model_dump(mode="json")["id_number"] == "110105********002X"
    assert c.model_dump(mode="json")["name"] == "欧阳**"
    assert c.model_dump(mode="json")["card"] == "622202*********0128"
    assert c.model_dump(mode="json", context={"pipl": "reveal"})["id_number"] == "11010519491231002X"
    assert c.model_dump(context={"pipl": "reveal"})["phone"] == "13812345678"
    assert c.model_dump(mode="json", context={"pipl": "redact"})["phone"] is None
    assert isinstance(c.model_dump()["id_number"], ResidentID)

    class Upper:
        """A stand-in operator: anything with ``apply(value, finding)`` works."""

        def apply(self, value: str, finding: Any) -> str:
            return f"{finding.entity}:{len(value)}"

    mixed = c.model_dump(mode="json", context={"pipl": {"CN_RESIDENT_ID": Upper(), "*": "reveal"}})
    assert mixed["id_number"] == "CN_RESIDENT_ID:18"
    assert mixed["phone"] == "13812345678"
    with pytest.raises(Exception, match="expected 'mask'"):
        c.model_dump_json(context={"pipl": "rot13"})


def test_values_are_immutable_and_compare_by_value() -> None:
    a, b = ResidentID("11010519491231002X"), ResidentID("11010519491231002x")
    assert a == b and hash(a) == hash(b)
    assert a != CNMobile("13812345678")
    with pytest.raises(AttributeError):
        a._value = "x"
    assert f"{a:>20}" == "  110105********002X"
    assert "%s" % a == "110105********002X"  # noqa: UP031 - logging's %-style is what matters
    assert Customer(name="张三", id_number=a, phone="13812345678").id_number is a


def test_json_schema_is_a_masked_string() -> None:
    schema = Customer.model_json_schema()
    prop = schema["properties"]["id_number"]
    assert prop["type"] == "string" and prop["format"] == "cn-resident-id"


def test_fullwidth_resident_id() -> None:
    assert ResidentID("11010519491231002X".translate(FULLWIDTH)).reveal() == "11010519491231002X"


@SETTINGS
@given(resident_ids().map(lambda t: t[0]), mobiles())
def test_context_with_real_operators(number: str, phone: str) -> None:
    import pipl_guard as pg

    key = pg.Key(b"s" * 32, id="svc-test")
    hasher = pg.ops.Hash(key)
    c = Customer(name="张伟", id_number=number, phone=phone)
    out = c.model_dump(mode="json", context={"pipl": {"CN_RESIDENT_ID": hasher, "*": "mask"}})
    assert out["id_number"] == hasher.apply(number, c.id_number.finding())
    assert number not in out["id_number"]
    assert out["phone"] == mask_value(phone, "CN_MOBILE")


@pytest.mark.parametrize(
    "typed,digits,area", [("010-12345678", "01012345678", "010"), ("(0755) 2345 6789", "075523456789", "0755")]
)
def test_landline(typed: str, digits: str, area: str) -> None:
    tel = CNLandline(typed)
    assert tel.reveal() == digits and tel.area_code == area
    assert digits not in repr(tel) and digits not in _model_for(CNLandline)(value=typed).model_dump_json()
    with pytest.raises(InputError, match="landline"):
        CNLandline("0101234567")
