"""pipl_guard.synth: deterministic, valid by the detectors' own validators, labelled text is findable."""

import csv
import datetime as dt
import json
import random

import pytest

import pipl_guard as pg
from pipl_guard import synth
from pipl_guard.detect import (
    address,
    bank_card,
    date_of_birth,
    ethnicity,
    gender,
    mobile,
    person_name,
    photo_url,
    resident_id,
    uscc,
)
from pipl_guard.detect.registry import value_validator
from pipl_guard.errors import InputError

GENERATORS = [synth.resident_id, synth.mobile, synth.bank_card, synth.uscc, synth.name, synth.address]


@pytest.mark.parametrize("gen", GENERATORS)
def test_same_seed_same_values(gen) -> None:  # type: ignore[no-untyped-def]
    a = [gen(random.Random(42)) for _ in range(3)]
    b = [gen(random.Random(42)) for _ in range(3)]
    assert a == b
    assert len({gen(random.Random(s)) for s in range(20)}) > 10


def test_text_and_records_are_deterministic() -> None:
    assert synth.text_with_pi(random.Random(3), 2000) == synth.text_with_pi(random.Random(3), 2000)
    assert synth.leak_records(random.Random(3), 5) == synth.leak_records(random.Random(3), 5)
    assert synth.text_with_pi(random.Random(3), 2000) != synth.text_with_pi(random.Random(4), 2000)


def test_values_pass_the_detectors_validators() -> None:
    rng = random.Random(1)
    for _ in range(300):
        assert resident_id.is_valid(synth.resident_id(rng))
        assert mobile.is_valid(synth.mobile(rng))
        assert bank_card.is_valid(synth.bank_card(rng))
        assert uscc.is_valid(synth.uscc(rng))
        assert person_name.is_valid(synth.name(rng))
        assert address.is_valid(synth.address(rng))
        assert mobile.is_valid(synth.format_mobile(rng, synth.mobile(rng)))


@pytest.mark.parametrize(
    ("gen", "entity"),
    [
        (synth.email, "EMAIL"),
        (synth.landline, "CN_LANDLINE"),
        (synth.passport, "CN_PASSPORT"),
        (synth.license_plate, "CN_LICENSE_PLATE"),
        (synth.ipv4, "IP_ADDRESS"),
    ],
)
def test_other_identifiers_pass_their_validators(gen, entity: str) -> None:  # type: ignore[no-untyped-def]
    validate = value_validator(entity)
    assert validate is not None
    rng = random.Random(4)
    for _ in range(200):
        assert validate(gen(rng)), entity


def test_resident_id_options() -> None:
    rng = random.Random(2)
    today = dt.date.today()
    for _ in range(100):
        assert synth.resident_id(rng, region="4403").startswith("4403")
        assert resident_id.parse(synth.resident_id(rng, region="广东省"))["region_code"].startswith("44")
        assert resident_id.parse(synth.resident_id(rng, minor=True))["is_minor"] is True
        assert resident_id.parse(synth.resident_id(rng, minor=False))["is_minor"] is False
        lo, hi = dt.date(1990, 1, 1), dt.date(1990, 12, 31)
        assert lo <= resident_id.parse(synth.resident_id(rng, born_between=(lo, hi)))["birth_date"] <= hi
        assert resident_id.parse(synth.resident_id(rng, gender="female"))["gender"] == "female"
    assert synth.resident_id(rng, region="110105").startswith("110105")
    assert resident_id.parse(synth.resident_id(rng, minor=True, today=today))["age"] < 14


def test_bad_options_raise_input_errors() -> None:
    with pytest.raises(InputError):
        synth.resident_id(random.Random(1), region="99")
    with pytest.raises(InputError):
        synth.resident_id(random.Random(1), born_between=(dt.date(2000, 1, 1), dt.date(1990, 1, 1)))
    with pytest.raises(InputError):
        synth.leak_records(random.Random(1), 1, schema="klingon")  # type: ignore[arg-type]


def test_labelled_text_density_and_bounds() -> None:
    text, spans = synth.text_with_pi(random.Random(11), 20_000)
    assert len(text) >= 20_000
    assert 60 <= len(text) / len(spans) <= 150  # about one item per 100 characters
    prev_end = 0
    for entity, start, end in spans:
        assert entity in pg.ENTITY_IDS
        assert prev_end <= start < end <= len(text)
        prev_end = end


def test_labelled_text_is_found_by_scan_text() -> None:
    text, spans = synth.text_with_pi(random.Random(12), 30_000)
    truth = set(spans)
    got = {(f.entity, f.start, f.end) for f in pg.scan_text(text)}
    recall = len(truth & got) / len(truth)
    precision = len(truth & got) / len(got)
    assert recall >= 0.99, sorted(truth - got)[:5]
    assert precision >= 0.99, sorted(got - truth)[:5]


def test_decoys_are_not_found() -> None:
    rng = random.Random(5)
    for _ in range(200):
        d = synth._decoy(rng)
        assert pg.scan_text(d) == [], d


@pytest.mark.parametrize("schema", ["pinyin", "pinyin_alt", "chinese", "english"])
def test_leak_records_shape_and_consistency(schema: str) -> None:
    keys = synth.LEAK_FIELDS[schema]
    for rec in synth.leak_records(random.Random(8), 50, schema=schema):  # type: ignore[arg-type]
        assert set(rec) == set(keys.values())
        rid = rec[keys["id"]]
        info = resident_id.parse(rid)
        assert resident_id.is_valid(rid)
        assert date_of_birth.parse(rec[keys["birth"]])["birth_date"] == info["birth_date"]
        assert gender.parse(rec[keys["gender"]])["gender"] == info["gender"]
        assert person_name.is_valid(rec[keys["name"]])
        assert mobile.is_valid(rec[keys["mobile"]])
        assert address.parse(rec[keys["address"]])["region_code"] == rid[:6]
        assert ethnicity.is_valid(rec[keys["ethnicity"]])
        assert photo_url.is_valid(rec[keys["photo"]])


def test_pinyin_schema_uses_government_field_names() -> None:
    rec = synth.leak_records(random.Random(1), 1, schema="pinyin")[0]
    assert sorted(rec) == sorted(["xm", "gmsfhm", "sjhm", "hjdz", "csrq", "mz", "xb", "zp"])
    assert len(rec["csrq"]) == 8 and rec["csrq"].isdigit()


def test_writers_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    recs = synth.leak_records(random.Random(9), 7, schema="chinese")
    assert synth.write_jsonl(tmp_path / "a.jsonl", recs) == 7
    back = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text("utf-8").splitlines()]
    assert back == recs
    assert synth.write_csv(tmp_path / "a.csv", iter(recs)) == 7
    with open(tmp_path / "a.csv", encoding="utf-8", newline="") as fh:
        assert list(csv.DictReader(fh)) == recs
