"""Policy loading: formats, strictness with paths, cross-references, bombs; Action; schema."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from policy_support import BASE

import pipl_guard as pg
from pipl_guard.policy import models

GOOD_YAML = """
organization:
  name: Demo
  last_audit: 2025-03-01
purposes:
  - id: delivery
    legal_basis: contract
    entities: [PERSON_NAME, CN_MOBILE]
    retention_days: 180
destinations:
  - id: warehouse
    kind: storage
    authentication: true
    require: {CN_MOBILE: mask}
actions:
  - {kind: store, purpose: delivery, destination: warehouse}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def load_error(tmp_path: Path, name: str, text: str) -> pg.PolicyError:
    with pytest.raises(pg.PolicyError) as err:
        pg.Policy.load(write(tmp_path, name, text))
    return err.value


def test_yaml_json_toml_give_the_same_policy(tmp_path: Path) -> None:
    import yaml

    data = yaml.safe_load(GOOD_YAML)
    y = pg.Policy.load(write(tmp_path, "p.yaml", GOOD_YAML))
    j = pg.Policy.load(write(tmp_path, "p.json", json.dumps(data, default=str)))
    toml = """
[organization]
name = "Demo"
last_audit = 2025-03-01
[[purposes]]
id = "delivery"
legal_basis = "contract"
entities = ["PERSON_NAME", "CN_MOBILE"]
retention_days = 180
[[destinations]]
id = "warehouse"
kind = "storage"
authentication = true
require = {CN_MOBILE = "mask"}
[[actions]]
kind = "store"
purpose = "delivery"
destination = "warehouse"
"""
    t = pg.Policy.load(write(tmp_path, "p.toml", toml))
    assert y == j == t
    assert y.organization.last_audit == dt.date(2025, 3, 1)


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("organization: {name: x, ciio: false, nmae: y}\n", "organization.nmae"),  # typo key
        ("organization: {name: x}\npurposes:\n  - {id: a, entities: [PERSON_NAME, PASPORT]}\n", "purposes[0].entities[1]"),
        ("organization: {name: x}\npurposes:\n  - {id: a, legal_basis: legitimate_interest}\n", "purposes[0].legal_basis"),
        ("organization: {name: x}\npurposes:\n  - {id: a, retention_days: -1}\n", "purposes[0].retention_days"),
        (
            "organization: {name: x}\npurposes:\n  - {id: a}\nactions:\n  - {kind: store, purpose: a, destination: nowhere}\n",
            "actions[0].destination",
        ),
        ("organization: {name: x}\nactions:\n  - {kind: store, purpose: ghost}\n", "actions[0].purpose"),
        ("organization: {name: x}\ndestinations:\n  - {id: d, kind: storage, require: {CN_MOBILE: shred}}\n", "destinations[0].require.CN_MOBILE"),
        ("organization: {name: x}\ndestinations:\n  - {id: d, kind: storage, encryption: true}\n", "destinations[0].encryption"),
        ("organization: {name: x}\ndestinations:\n  - {id: d, kind: cloud}\n", "destinations[0].kind"),
        ("organization: {name: x}\nconsent: {feild: c}\n", "consent.feild"),
        ("organization: {name: x}\npurposes:\n  - {id: a}\n  - {id: a}\n", "purposes[1].id"),
        ("organization: {name: x, individuals_held: -5}\n", "organization.individuals_held"),
        ("purposes: []\n", "organization"),
    ],
)
def test_load_errors_carry_the_path(tmp_path: Path, text: str, path: str) -> None:
    err = load_error(tmp_path, "p.yaml", text)
    assert err.path == path
    assert path in str(err) and "p.yaml" in str(err)


def test_unknown_entity_in_require_is_refused() -> None:
    data = {"organization": {"name": "x"}, "destinations": [{"id": "d", "kind": "storage", "require": {"SSN": "hash"}}]}
    with pytest.raises(pg.PolicyError) as err:
        pg.Policy.model_validate(data)
    assert err.value.path is not None and err.value.path.startswith("destinations[0].require")


def test_model_validate_raises_policy_error_with_path() -> None:
    data = json.loads(json.dumps(BASE))
    data["purposes"][0]["entitys"] = []
    with pytest.raises(pg.PolicyError) as err:
        pg.Policy.model_validate(data)
    assert err.value.path == "purposes[0].entitys"


def test_yaml_bomb_is_refused(tmp_path: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    err = load_error(tmp_path, "bomb.yaml", bomb)
    assert "alias" in str(err) or "anchor" in str(err)
    # an anchor alone is refused as well
    load_error(tmp_path, "anchor.yaml", "organization: &o {name: x}\n")


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    err = load_error(tmp_path, "big.yaml", "organization: {name: x}\n# " + "x" * (models.MAX_POLICY_BYTES + 10) + "\n")
    assert "larger than" in str(err)


def test_syntax_errors_and_bad_files(tmp_path: Path) -> None:
    assert load_error(tmp_path, "bad.yaml", "organization: [unclosed\n").path is not None
    assert "JSON" in str(load_error(tmp_path, "bad.json", "{"))
    assert "TOML" in str(load_error(tmp_path, "bad.toml", "a = "))
    assert "mapping" in str(load_error(tmp_path, "list.yaml", "- 1\n- 2\n"))
    assert "must end in" in str(load_error(tmp_path, "p.txt", "organization: {name: x}\n"))
    with pytest.raises(pg.PolicyError):
        pg.Policy.load(tmp_path / "missing.yaml")
    with pytest.raises(pg.PolicyError):
        pg.Policy.load(write(tmp_path, "p.ini", "x"))


def test_json_schema_describes_the_file_format() -> None:
    schema = pg.Policy.json_schema()
    assert schema is not None and models.schema() == schema
    assert {"organization", "purposes", "destinations", "consent"} <= set(schema["properties"])
    text = json.dumps(schema)
    assert "additionalProperties" in text and "legal_basis" in text


def test_action_validation() -> None:
    a = pg.Action("export", "crm", "abroad")
    assert a.at == dt.date.today()
    assert pg.Action("store", "crm", "db", at="2026-01-02").at == dt.date(2026, 1, 2)
    assert pg.Action("store", "crm", "db", at=dt.datetime(2026, 1, 2, 23, 59)).at == dt.date(2026, 1, 2)
    with pytest.raises(pg.InputError):
        pg.Action("sell", "crm", "db")
    with pytest.raises(pg.InputError):
        pg.Action("store", "crm", "db", at="yesterday")
    with pytest.raises(pg.InputError):
        pg.Action("breach", "crm", "db", affected=-1)


def test_action_must_reference_policy_entries() -> None:
    guard = pg.Guard(pg.Policy.model_validate(BASE))
    with pytest.raises(pg.PolicyError) as err:
        guard.check([], pg.Action("store", "crm", "nowhere"))
    assert err.value.path == "action.destination"
    with pytest.raises(pg.PolicyError):
        guard.check([], pg.Action("store", "ghost", "db"))
    with pytest.raises(pg.PolicyError):
        guard.check([], pg.Action("export", "crm", None))


def test_bad_records_are_input_errors() -> None:
    guard = pg.Guard(pg.Policy.model_validate(BASE))
    with pytest.raises(pg.InputError):
        guard.check([["not", "a", "mapping"]], pg.Action("store", "crm", "db"))  # type: ignore[list-item]
    with pytest.raises(pg.InputError):
        guard.check({"xm": "张伟"}, pg.Action("store", "crm", "db"))  # type: ignore[arg-type]


def test_check_reads_each_record_once() -> None:
    seen = 0

    def stream():  # type: ignore[no-untyped-def]
        nonlocal seen
        for i in range(5):
            seen += 1
            yield {"note": f"row {i}"}

    d = pg.Guard(pg.Policy.model_validate(BASE)).check(stream(), pg.Action("store", "crm", "db"))
    assert seen == 5 and d.facts["records"] == 5


@pytest.mark.parametrize(("name", "text"), [("deep.yaml", "[" * 50_000), ("deep.json", "[" * 50_000 + "]" * 50_000)])
def test_deep_nesting_is_a_policy_error(tmp_path: Path, name: str, text: str) -> None:
    err = load_error(tmp_path, name, text)
    assert name in str(err)
