"""Operators (generalize, date shift, fake, pickling, bad settings) and the Deidentifier."""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pipl_guard as pg
from pipl_guard.detect import resident_id
from pipl_guard.detect.registry import value_validator
from pipl_guard.errors import InputError
from pipl_guard.testing import strategies as pst

KEY = pg.Key(bytes(range(32)), id="ops")
ID = "11010519491231002X"


# -- generalize ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "entity", "level", "expected"),
    [
        (ID, "CN_RESIDENT_ID", "province", "北京市"),
        (ID, "CN_RESIDENT_ID", "county", "北京市朝阳区"),
        (ID, "CN_RESIDENT_ID", "year", "1949"),
        (ID, "CN_RESIDENT_ID", "5y", "1945-1949"),
        ("广东省深圳市南山区科技园路1号", "ADDRESS", "province", "广东省"),
        ("广东省深圳市南山区科技园路1号", "ADDRESS", "county", "广东省深圳市南山区"),
        ("1990-05-12", "DATE_OF_BIRTH", "decade", "1990-1999"),
        ("37", None, "range", "30-39"),
    ],
)
def test_generalize(value: str, entity: str | None, level: str, expected: str) -> None:
    assert pg.ops.Generalize(level).apply_as(value, entity) == expected


@given(pst.resident_ids(born_between=(dt.date(1930, 1, 1), dt.date(2010, 1, 1))))
def test_generalized_id_region_matches_the_id(value: str) -> None:
    facts = resident_id.parse(value)
    province = pg.ops.Generalize("province").apply_as(value, "CN_RESIDENT_ID")
    assert facts["region"] is None or facts["region"].startswith(province)
    band = pg.ops.Generalize("age_band", as_of=dt.date(2025, 1, 1)).apply_as(value, "CN_RESIDENT_ID")
    lo, hi = map(int, band.split("-"))
    assert lo <= resident_id.age_on(facts["birth_date"], dt.date(2025, 1, 1)) <= hi


def test_generalize_rejects_what_it_cannot_do() -> None:
    with pytest.raises(InputError):
        pg.ops.Generalize("galaxy")
    with pytest.raises(InputError):
        pg.ops.Generalize("province").apply_as("13812345678", "CN_MOBILE")


# -- date shift ---------------------------------------------------------------------------------------


@given(
    st.dates(dt.date(1950, 1, 1), dt.date(2030, 1, 1)), st.integers(0, 400), st.text(min_size=1, max_size=20)
)
def test_date_shift_keeps_intervals_per_subject(start: dt.date, gap: int, subject: str) -> None:
    op = pg.ops.DateShift(KEY, 90, subject="sfzh")
    deid = pg.Deidentifier({}, fields={"admitted": op, "discharged": op})
    end = start + dt.timedelta(days=gap)
    out = deid.record({"sfzh": subject, "admitted": start.isoformat(), "discharged": end})
    a, b = dt.date.fromisoformat(out["admitted"]), out["discharged"]
    assert isinstance(b, dt.date) and (b - a).days == gap
    assert a != start and abs((a - start).days) <= 90


def test_date_shift_formats_and_errors() -> None:
    op = pg.ops.DateShift(KEY, 10)
    out = op.apply("入院日期2024年3月1日")
    assert out.startswith("入院日期2024年") and out.endswith("日") and out != "入院日期2024年3月1日"
    assert len(op.apply("20240301")) == 8
    with pytest.raises(InputError):
        op.apply("no date here")
    with pytest.raises(InputError):
        pg.ops.DateShift(KEY, 0)


# -- fake ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "entity", ["CN_RESIDENT_ID", "CN_MOBILE", "BANK_CARD", "CN_USCC", "PERSON_NAME", "EMAIL"]
)
def test_fake_is_consistent_and_valid(entity: str) -> None:
    op = pg.ops.Fake(key=KEY)
    a, b = op.apply_as("same input", entity), op.apply_as("same input", entity)
    assert a == b and a != op.apply_as("other input", entity)
    validate = value_validator(entity)
    assert validate is not None and validate(a), (entity, a)
    assert pg.ops.Fake(key=pg.Key(bytes(32))).apply_as("same input", entity) != a


# -- operators in general --------------------------------------------------------------------------------


def _all_ops(vault: object) -> list[pg.ops.Operator]:
    return [
        pg.ops.Redact(),
        pg.ops.Replace("X"),
        pg.ops.Mask(),
        pg.ops.Hash(KEY),
        pg.ops.Encrypt(KEY),
        pg.ops.Pseudonymize(KEY),
        pg.ops.Generalize("province"),
        pg.ops.DateShift(KEY, 5),
        pg.ops.Fake(key=KEY),
        pg.ops.Tokenize(vault),
    ]


def test_operators_pickle_and_repr_without_keys(tmp_path) -> None:
    from pipl_guard.transform.keys import shipping_keys
    from pipl_guard.transform.vault import open_vault

    vault = open_vault(tmp_path / "v.db", KEY)
    for op in _all_ops(vault)[:-1]:
        with shipping_keys():
            again = pickle.loads(pickle.dumps(op))
        assert repr(again) == repr(op)
        assert bytes(range(32)).hex() not in repr(op)
    with shipping_keys():
        blob = pickle.dumps(pg.ops.Hash(KEY))
    assert pickle.loads(blob).apply("a") == pg.ops.Hash(KEY).apply("a")
    with pytest.raises(pg.KeyMaterialError):  # outside the opt-in, a keyed operator does not pickle
        pickle.dumps(pg.ops.Hash(KEY))


def test_bad_operator_settings() -> None:
    for make in (
        lambda: pg.ops.Mask(char="**"),
        lambda: pg.ops.Mask(-1),
        lambda: pg.ops.Mask(1, 2, "*", 4),
        lambda: pg.ops.Replace(text=5),
        lambda: pg.ops.Hash(KEY, length=3),
        lambda: pg.ops.Tokenize("not a vault"),
        lambda: pg.ops.Mask(unknown=1),
    ):
        with pytest.raises(InputError):
            make()
    with pytest.raises(InputError):
        pg.ops.Mask().apply(12345)  # type: ignore[arg-type]


FORMAT_PRESERVING = {
    "CN_RESIDENT_ID": pst.resident_ids(),
    "CN_MOBILE": pst.mobiles(),
    "BANK_CARD": pst.bank_cards(),
    "CN_USCC": pst.usccs(),
}


@pytest.mark.parametrize("entity", sorted(FORMAT_PRESERVING))
@given(data=st.data())
def test_detectors_accept_pseudonyms_and_fakes_and_reject_masks(entity: str, data: st.DataObject) -> None:
    value = data.draw(FORMAT_PRESERVING[entity])
    validate = value_validator(entity)
    assert validate is not None and validate(value)
    assert validate(pg.ops.Pseudonymize(KEY).apply_as(value, entity))
    assert validate(pg.ops.Fake(key=KEY).apply_as(value, entity))
    for op in (pg.ops.Mask(), pg.ops.Hash(KEY), pg.ops.Encrypt(KEY), pg.ops.Redact(), pg.ops.Replace()):
        out = op.apply_as(value, entity)
        assert not validate(out) and value not in out


# -- Deidentifier -----------------------------------------------------------------------------------------


def test_fields_win_over_rules_and_shape_is_kept() -> None:
    deid = pg.Deidentifier(
        {"CN_MOBILE": pg.ops.Hash(KEY), "CN_RESIDENT_ID": pg.ops.Pseudonymize(KEY)},
        fields={"contact.phones[*]": pg.ops.Mask(), "secret": pg.ops.Redact()},
    )
    rec = {
        "sfzh": ID,
        "contact": {"phones": ["13812345678", 13912345678], "home": "13712345678"},
        "secret": "x",
        "n": 3,
        "ok": None,
        "tags": ("a", "b"),
    }
    out = deid.record(rec)
    assert resident_id.is_valid(out["sfzh"]) and out["sfzh"] != ID
    assert out["contact"]["phones"] == ["138****5678", "139****5678"]
    assert out["contact"]["home"] == pg.ops.Hash(KEY).apply("13712345678")
    assert out["secret"] == "" and out["n"] == 3 and out["ok"] is None and out["tags"] == ("a", "b")


def test_name_classified_field_is_transformed_even_if_text_scan_misses_it() -> None:
    deid = pg.Deidentifier({"CN_MOBILE": pg.ops.Mask()})
    # 10 digits: not a valid mobile, never found in free text; the field name says it is one
    out = deid.record({"sjhm": "1381234567", "remark": "1381234567"})
    assert out["sjhm"] != "1381234567" and out["remark"] == "1381234567"
    assert deid.record({"手机号码": "n/a"}) == {"手机号码": "n/a"}


def test_numbers_stay_numbers_where_possible() -> None:
    deid = pg.Deidentifier({"CN_MOBILE": pg.ops.Pseudonymize(KEY)})
    out = deid.record({"phone": 13812345678})
    assert isinstance(out["phone"], int) and out["phone"] != 13812345678


def test_strict_mode_raises_lenient_mode_redacts() -> None:
    rec = {"sjhm": "1381234567"}
    assert pg.Deidentifier({"CN_MOBILE": pg.ops.Pseudonymize(KEY)}).record(rec) == {"sjhm": ""}
    with pytest.raises(InputError):
        pg.Deidentifier({"CN_MOBILE": pg.ops.Pseudonymize(KEY)}, strict=True).record(rec)


def test_text_right_to_left_and_default() -> None:
    text = "身份证11010519491231002X，手机13812345678，手机13912345678"
    deid = pg.Deidentifier({"CN_MOBILE": pg.ops.Replace()}, default=pg.ops.Redact())
    assert deid.text(text) == "身份证，手机<CN_MOBILE>，手机<CN_MOBILE>"
    only_mobile = pg.Deidentifier({"CN_MOBILE": pg.ops.Replace()})
    assert only_mobile.text(text) == "身份证11010519491231002X，手机<CN_MOBILE>，手机<CN_MOBILE>"


def test_records_is_lazy() -> None:
    seen: list[int] = []

    def gen() -> Iterator[dict[str, str]]:
        for i in range(3):
            seen.append(i)
            yield {"phone": "13812345678"}

    it = pg.Deidentifier({}, default=pg.ops.Mask()).records(gen())
    assert seen == []
    assert next(it) == {"phone": "138****5678"} and seen == [0]


def test_deidentifier_rejects_bad_configuration() -> None:
    with pytest.raises(InputError):
        pg.Deidentifier({"NOT_AN_ENTITY": pg.ops.Mask()})
    with pytest.raises(InputError):
        pg.Deidentifier({"CN_MOBILE": "mask"})  # type: ignore[dict-item]
    with pytest.raises(InputError):
        pg.Deidentifier({}, fields={"": pg.ops.Mask()})
    with pytest.raises(InputError):
        pg.Deidentifier({}).record(["not", "a", "mapping"])  # type: ignore[arg-type]


@given(pst.leak_records(schema="pinyin"))
def test_mask_record_leaves_no_identifier(record: dict[str, str]) -> None:
    out = pg.mask_record(record)
    assert set(out) == set(record)
    for f in pg.scan_record(record):
        if f.entity in ("CN_RESIDENT_ID", "CN_MOBILE", "BANK_CARD"):
            assert f.text not in str(out)


def test_operators_are_safe_to_share_between_threads() -> None:
    import threading

    ops = [pg.ops.Pseudonymize(KEY), pg.ops.Hash(KEY), pg.ops.Hash(KEY, "hmac-sha256"), pg.ops.Encrypt(KEY)]
    expected = [ops[0].apply_as(ID, "CN_RESIDENT_ID"), ops[1].apply(ID), ops[2].apply(ID)]
    errors: list[str] = []

    def work() -> None:
        try:
            for _ in range(300):
                got = [ops[0].apply_as(ID, "CN_RESIDENT_ID"), ops[1].apply(ID), ops[2].apply(ID)]
                assert got == expected
                assert pg.ops.Decrypt(KEY).apply(ops[3].apply(ID)) == ID
        except Exception as exc:  # collected and asserted below
            errors.append(repr(exc))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
