"""Format-preserving keyed pseudonyms: validity, determinism, reversibility, key separation, bijection."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pipl_guard as pg
from pipl_guard.detect import mobile, resident_id
from pipl_guard.detect.registry import value_validator
from pipl_guard.errors import InputError
from pipl_guard.testing import strategies as pst
from pipl_guard.transform.pseudonym import FeistelPRP, Pseudonymizer, id_check

K1 = pg.Key(bytes(range(32)), id="p1")
K2 = pg.Key(bytes(range(1, 33)), id="p2")
P1 = pg.ops.Pseudonymize(K1)
P2 = pg.ops.Pseudonymize(K2)


def _valid(entity: str, value: str) -> bool:
    validate = value_validator(entity)
    assert validate is not None, entity
    return bool(validate(value))


@pytest.mark.parametrize("n", [1, 2, 3, 10, 97, 1000, 4096])
def test_feistel_is_a_permutation(n: int) -> None:
    prp = FeistelPRP(bytes(16), n)
    out = [prp.encrypt(x) for x in range(n)]
    assert sorted(out) == list(range(n))
    assert [prp.decrypt(y) for y in out] == list(range(n))
    assert prp.encrypt_many(list(range(n))) == out


ENTITY_STRATEGIES = {
    "CN_RESIDENT_ID": pst.resident_ids(),
    "CN_MOBILE": pst.mobiles(),
    "BANK_CARD": pst.bank_cards(),
    "CN_USCC": pst.usccs(),
    "PERSON_NAME": pst.names(),
}


@pytest.mark.parametrize("entity", sorted(ENTITY_STRATEGIES))
@given(data=st.data())
def test_pseudonyms_validate_are_deterministic_and_reverse(entity: str, data: st.DataObject) -> None:
    value = data.draw(ENTITY_STRATEGIES[entity])
    out = P1.apply_as(value, entity)
    assert _valid(entity, out), (entity, out)
    assert P1.apply_as(value, entity) == out
    assert P1.reverse_as(out, entity) == value
    assert pg.ops.Depseudonymize(K1).apply_as(out, entity) == value
    assert len(out) == len(value)


@given(pst.resident_ids())
def test_different_keys_give_different_ids(value: str) -> None:
    a, b = P1.apply_as(value, "CN_RESIDENT_ID"), P2.apply_as(value, "CN_RESIDENT_ID")
    assert a != b and a != value


@given(pst.mobiles(formatted=True))
def test_mobile_pseudonyms_keep_layout(value: str) -> None:
    out = P1.apply_as(value, "CN_MOBILE")
    assert mobile.is_valid(out)
    assert [c.isdigit() for c in out] == [c.isdigit() for c in value]
    assert P1.reverse_as(out, "CN_MOBILE") == value.translate(
        str.maketrans("０１２３４５６７８９", "0123456789")
    ) or (P1.reverse_as(out, "CN_MOBILE") == value)


@given(pst.resident_ids(born_between=(dt.date(1930, 1, 1), dt.date(2015, 12, 31))))
def test_keep_options_for_resident_ids(value: str) -> None:
    facts = resident_id.parse(value)
    for keep, check in [
        (("province",), lambda f: f["region_code"][:2] == facts["region_code"][:2]),
        (("city",), lambda f: f["region_code"][:4] == facts["region_code"][:4]),
        (("county",), lambda f: f["region_code"] == facts["region_code"]),
        (("birth_year",), lambda f: f["birth_date"].year == facts["birth_date"].year),
        (("gender",), lambda f: f["gender"] == facts["gender"]),
    ]:
        op = pg.ops.Pseudonymize(K1, keep=keep)
        out = op.apply_as(value, "CN_RESIDENT_ID")
        assert resident_id.is_valid(out)
        assert check(resident_id.parse(out)), keep
        assert op.reverse_as(out, "CN_RESIDENT_ID") == value


@given(pst.bank_cards())
def test_card_keeps_bin_when_asked(value: str) -> None:
    op = pg.ops.Pseudonymize(K1, keep=("bin",))
    out = op.apply_as(value, "BANK_CARD")
    assert out[:6] == value[:6] and _valid("BANK_CARD", out) and op.reverse_as(out, "BANK_CARD") == value


@given(pst.names())
def test_names_keep_surname_when_asked(value: str) -> None:
    op = pg.ops.Pseudonymize(K1, keep=("surname",))
    out = op.apply_as(value, "PERSON_NAME")
    assert out[0] == value[0] and op.reverse_as(out, "PERSON_NAME") == value


@pytest.mark.parametrize(
    ("entity", "value"),
    [
        ("EMAIL", "zhang.san99@example.com"),
        ("CN_LICENSE_PLATE", "京A12345"),
        ("CN_LICENSE_PLATE", "粤BD12345"),
        ("CN_PASSPORT", "E12345678"),
        ("CN_PASSPORT", "EA1234567"),
        ("IMEI", "490154203237518"),
    ],
)
def test_other_formats_are_kept(entity: str, value: str) -> None:
    out = P1.apply_as(value, entity)
    assert out != value and len(out) == len(value)
    assert [c.isdigit() for c in out] == [c.isdigit() for c in value]
    assert P1.reverse_as(out, entity) == value
    if entity in ("CN_LICENSE_PLATE", "CN_PASSPORT", "IMEI"):
        assert _valid(entity, out), out
    if entity == "EMAIL":
        assert out.endswith("@example.com")


def test_one_hundred_thousand_ids_stay_distinct() -> None:
    """Bijection on the domain: 100,000 distinct IDs give 100,000 distinct valid pseudonyms (the
    benchmark runs the same check on 1,000,000)."""
    from pipl_guard.transform.pseudonym import _id_regions

    rnd = random.Random(7)
    codes = _id_regions()[0]
    ids = set()
    while len(ids) < 100_000:
        born = dt.date(1940, 1, 1) + dt.timedelta(days=rnd.randrange(25_000))
        body = f"{rnd.choice(codes)}{born:%Y%m%d}{rnd.randrange(1000):03d}"
        ids.add(body + id_check(body))
    values = sorted(ids)
    out = P1.apply_many(values, "CN_RESIDENT_ID")
    assert len(set(out)) == len(values)
    assert all(resident_id.is_valid(v) for v in out[::97])
    assert pg.ops.Depseudonymize(K1).apply_many(out, "CN_RESIDENT_ID") == values


def test_batch_equals_single() -> None:
    values = ["11010519491231002X", "44030519900101123" + id_check("44030519900101123")]
    assert P1.apply_many(values, "CN_RESIDENT_ID") == [P1.apply_as(v, "CN_RESIDENT_ID") for v in values]
    mobiles = [f"139{i:08d}" for i in range(40)]
    assert P1.apply_many(mobiles, "CN_MOBILE") == [P1.apply_as(v, "CN_MOBILE") for v in mobiles]


def _id_variant(value: str, how: int) -> str:
    """The same ID as people write it: lower-case x, full-width digits, a recent birth date, legacy."""
    if how == 1:
        return value.replace("X", "x")
    if how == 2:
        return value.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789X"})
    if how == 3:
        body = f"{value[:6]}{dt.date.today() - dt.timedelta(days=30):%Y%m%d}{value[14:17]}"
        return body + id_check(body)
    if how == 4:
        return value[:6] + value[8:14] + value[14:17]  # 15-digit legacy form
    return value


@given(st.lists(st.tuples(pst.resident_ids(), st.integers(0, 4)), min_size=1, max_size=30))
def test_batched_ids_equal_one_by_one(items: list[tuple[str, int]]) -> None:
    """The batched fast path gives exactly what the general path gives, for every form, both ways."""
    values = [_id_variant(v, how) for v, how in items]
    out = P1.apply_many(values, "CN_RESIDENT_ID")
    assert out == [P1.apply_as(v, "CN_RESIDENT_ID") for v in values]
    back = pg.ops.Depseudonymize(K1)
    assert back.apply_many(out, "CN_RESIDENT_ID") == [back.apply_as(v, "CN_RESIDENT_ID") for v in out]


def test_batch_with_a_bad_id_raises_like_one_by_one() -> None:
    good = "11010519491231002X"
    bad = good[:17] + "1"  # wrong check character
    with pytest.raises(InputError, match="check character"):
        P1.apply_many([good, bad], "CN_RESIDENT_ID")


def test_recent_birth_dates_keep_their_date() -> None:
    body = f"110105{dt.date(2021, 6, 1):%Y%m%d}123"
    value = body + id_check(body)
    out = P1.apply_as(value, "CN_RESIDENT_ID")
    assert (
        out[6:14] == "20210601"
        and resident_id.is_valid(out)
        and P1.reverse_as(out, "CN_RESIDENT_ID") == value
    )


@pytest.mark.parametrize(
    ("entity", "value"),
    [
        ("CN_RESIDENT_ID", "11010519491231002"),  # 17 digits
        ("CN_RESIDENT_ID", "110105194912310021"),  # wrong check digit
        ("CN_RESIDENT_ID", "110105194902300020"),  # 30 February
        ("CN_MOBILE", "1381234567"),
        ("CN_MOBILE", "15412345678"),  # unallocated prefix
        ("BANK_CARD", "6222021234567890123"),  # Luhn fails
        ("CN_USCC", "91110000600037341M"),
        ("EMAIL", "no-at-sign"),
    ],
)
def test_wrong_values_raise_input_error_without_the_value(entity: str, value: str) -> None:
    with pytest.raises(InputError) as info:
        P1.apply_as(value, entity)
    assert value not in str(info.value) and entity in str(info.value)


def test_bad_keep_option() -> None:
    with pytest.raises(InputError):
        pg.ops.Pseudonymize(K1, keep=("eye_colour",))
    with pytest.raises(InputError):
        Pseudonymizer(K1, ["nope"])


def test_entity_guessed_without_finding() -> None:
    out = P1.apply("11010519491231002X")
    assert resident_id.is_valid(out) and P1.reverse(out) == "11010519491231002X"


@given(pst.resident_ids(born_between=(dt.date(1900, 1, 1), dt.date(1999, 12, 31))))
def test_legacy_fifteen_digit_ids(value18: str) -> None:
    legacy = value18[:6] + value18[8:17]  # the 15-digit form: two-digit year, no check character
    out = P1.apply_as(legacy, "CN_RESIDENT_ID")
    assert len(out) == 15 and out.isdigit() and resident_id.is_valid(out)
    assert P1.reverse_as(out, "CN_RESIDENT_ID") == legacy


def test_column_api_batches_field_operators() -> None:
    deid = pg.Deidentifier({}, fields={"sfzh": pg.ops.Pseudonymize(K1)})
    values = ["11010519491231002X"] * 3
    assert deid.column(values, "sfzh") == [P1.apply_as(values[0], "CN_RESIDENT_ID")] * 3


@given(pst.resident_ids())
def test_fast_path_equals_general_path(value: str) -> None:
    slow = Pseudonymizer(K1)
    slow._id_split_fast = lambda v: None  # type: ignore[method-assign]
    assert Pseudonymizer(K1).forward(value, "CN_RESIDENT_ID") == slow.forward(value, "CN_RESIDENT_ID")
