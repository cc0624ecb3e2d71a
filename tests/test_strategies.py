"""pipl_guard.testing.strategies: values the detectors accept, near-misses they reject, true spans."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pipl_guard as pg
from pipl_guard.detect import address, bank_card, mobile, person_name, resident_id, uscc
from pipl_guard.errors import InputError
from pipl_guard.synth import LEAK_FIELDS
from pipl_guard.testing import (
    addresses,
    bank_cards,
    chinese_text_with_pi,
    corrupt,
    corrupt_value,
    leak_records,
    mobiles,
    names,
    resident_ids,
    usccs,
)


def spans_of(text: str, entity: str) -> list[tuple[int, int]]:
    return [(f.start, f.end) for f in pg.scan_text(text) if f.entity == entity]


@given(resident_ids())
def test_resident_ids_are_valid_and_found(v: str) -> None:
    assert resident_id.is_valid(v)
    assert spans_of(f"身份证号{v}。", "CN_RESIDENT_ID") == [(4, 22)]


@given(resident_ids(region="44", minor=True))
def test_resident_id_options(v: str) -> None:
    info = resident_id.parse(v)
    assert v.startswith("44") and info["is_minor"]


@given(resident_ids(born_between=(dt.date(1960, 1, 1), dt.date(1960, 12, 31)), minor=False))
def test_resident_id_birth_range(v: str) -> None:
    assert resident_id.parse(v)["birth_date"].year == 1960


@given(mobiles(formatted=True))
def test_formatted_mobiles_are_valid_and_found_whole(v: str) -> None:
    assert mobile.is_valid(v)
    assert spans_of(f"手机{v}。", "CN_MOBILE") == [(2, 2 + len(v))]


@given(bank_cards())
def test_bank_cards(v: str) -> None:
    assert bank_card.is_valid(v) and 16 <= len(v) <= 19
    assert spans_of(f"卡号{v}。", "BANK_CARD") == [(2, 2 + len(v))]


@given(usccs())
def test_usccs(v: str) -> None:
    assert uscc.is_valid(v)
    assert spans_of(f"统一社会信用代码：{v}。", "CN_USCC") == [(9, 27)]


@given(names())
def test_names(v: str) -> None:
    assert person_name.is_valid(v)


@given(addresses())
def test_addresses(v: str) -> None:
    assert address.is_valid(v)
    assert spans_of(f"地址：{v}。", "ADDRESS") == [(3, 3 + len(v))]


@pytest.mark.parametrize("schema", sorted(LEAK_FIELDS))
def test_leak_record_schemas(schema: str) -> None:
    @given(leak_records(schema=schema))  # type: ignore[arg-type]
    def check(rec: dict[str, str]) -> None:
        assert set(rec) == set(LEAK_FIELDS[schema].values())
        assert resident_id.is_valid(rec[LEAK_FIELDS[schema]["id"]])

    check()


def test_leak_records_rejects_unknown_schema() -> None:
    with pytest.raises(InputError):
        leak_records(schema="klingon")  # type: ignore[arg-type]


@given(chinese_text_with_pi())
def test_true_spans_are_all_found(sample: tuple[str, list[tuple[str, int, int]]]) -> None:
    text, spans = sample
    got = {(f.entity, f.start, f.end) for f in pg.scan_text(text)}
    assert set(spans) <= got


@given(st.data())
def test_corrupt_gives_rejected_one_off_near_misses(data: st.DataObject) -> None:
    kind, strategy, valid = data.draw(
        st.sampled_from(
            [
                ("id", resident_ids(), resident_id.is_valid),
                ("card", bank_cards(), bank_card.is_valid),
                ("uscc", usccs(), uscc.is_valid),
                ("mobile", mobiles(), mobile.is_valid),
            ]
        )
    )
    value = data.draw(strategy)
    bad = data.draw(corrupt(value))
    assert len(bad) == len(value)
    assert sum(a != b for a, b in zip(value, bad, strict=True)) == 1
    assert not valid(bad), kind
    assert pg.scan_text(bad) == []
    assert pg.scan_text(f"号码：{bad}。") == []


def test_corrupt_value_is_deterministic_and_rejected() -> None:
    v = "11010519491231002X"
    a, b = corrupt_value(v, seed=1), corrupt_value(v, seed=1)
    assert a == b and a != v and not resident_id.is_valid(a)


def test_corrupt_needs_something_to_break() -> None:
    with pytest.raises(InputError):
        corrupt("张伟")
    with pytest.raises(InputError):
        corrupt("")
