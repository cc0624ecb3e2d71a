"""enforce: required transforms applied with the given keys and verified; violations raise."""

from __future__ import annotations

from pathlib import Path

import pytest
from policy_support import AT, dest_index, make_policy, person

import pipl_guard as pg
from pipl_guard.policy import guard as guard_mod

REQUIRE = {"CN_RESIDENT_ID": "hash", "CN_MOBILE": "mask"}


def policy() -> pg.Policy:
    return make_policy(**{f"destinations.{dest_index('db')}.require": REQUIRE})


def rec(i: int) -> dict:
    return {**person(i), "sjhm": "13812345678", "note": f"客户身份证号{person(i)['sfzh']}"}


def test_enforce_applies_required_transforms(key: pg.Key) -> None:
    records = [rec(1), rec(2)]
    out = pg.Guard(policy(), keys=key).enforce(records, pg.Action("store", "crm", "db", at=AT))
    assert len(out) == 2
    for raw, landed in zip(records, out, strict=True):
        assert raw["sfzh"] not in str(landed)
        assert landed["sjhm"] == "138****5678"
        assert landed["consent"] == raw["consent"]
    # deterministic keyed hash: the same person hashes the same way
    again = pg.Guard(policy(), keys=key).enforce([rec(1)], pg.Action("store", "crm", "db", at=AT))
    assert again[0]["sfzh"] == out[0]["sfzh"]


def test_check_with_key_predicts_enforce(key: pg.Key) -> None:
    d = pg.Guard(policy(), keys=key).check([rec(1)], pg.Action("store", "crm", "db", at=AT))
    assert d.allowed


def test_missing_key_raises_in_enforce_and_denies_in_check() -> None:
    guard = pg.Guard(policy())
    with pytest.raises(pg.KeyMaterialError):
        guard.enforce([rec(1)], pg.Action("store", "crm", "db", at=AT))
    d = guard.check([rec(1)], pg.Action("store", "crm", "db", at=AT))
    issue = next(i for i in d.violations if i.code == "PIPL-51")
    assert set(issue.fields) == {"sfzh", "note"} and "no key" in issue.message_en


def test_missing_key_matters_only_when_the_entity_is_present() -> None:
    guard = pg.Guard(policy())
    out = guard.enforce([{"sjhm": "13812345678", "consent": {"basic": True}}], pg.Action("store", "crm", "db", at=AT))
    assert out == [{"sjhm": "138****5678", "consent": {"basic": True}}]


def test_keys_by_entity_mapping_and_keyring(key: pg.Key) -> None:
    by_entity = pg.Guard(policy(), keys={"CN_RESIDENT_ID": key})
    assert by_entity.enforce([rec(1)], pg.Action("store", "crm", "db", at=AT))
    ring = pg.KeyRing([pg.Key(bytes(16), id="old"), key])
    assert pg.Guard(policy(), keys=ring).enforce([rec(1)], pg.Action("store", "crm", "db", at=AT))
    with pytest.raises(pg.KeyMaterialError):
        pg.Guard(policy(), keys={"CN_MOBILE": key}).enforce([rec(1)], pg.Action("store", "crm", "db", at=AT))
    with pytest.raises(pg.KeyMaterialError):
        pg.Guard(policy(), keys="secret")


def test_required_transform_is_verified_not_assumed(key: pg.Key, monkeypatch: pytest.MonkeyPatch) -> None:
    # a transform that silently does nothing must be caught on the records as they would land
    monkeypatch.setattr(guard_mod, "build_transform", lambda dest, keys, **kw: (lambda r: dict(r)))
    guard = pg.Guard(policy(), keys=key)
    with pytest.raises(pg.PolicyViolation) as err:
        guard.enforce([rec(1)], pg.Action("store", "crm", "db", at=AT))
    issue = next(i for i in err.value.decision.violations if i.code == "PIPL-51")
    assert set(issue.fields) == {"sfzh", "note", "sjhm"}
    assert "CN_RESIDENT_ID" in issue.message_en and "CN_MOBILE" in issue.message_en


def test_enforce_raises_violation_with_decision() -> None:
    guard = pg.Guard(make_policy())
    with pytest.raises(pg.PolicyViolation) as err:
        guard.enforce([person(1, consent={})], pg.Action("store", "crm", "db", at=AT))
    assert not err.value.decision.allowed
    assert "PIPL-13" in str(err.value)


def test_guarded_decorator(key: pg.Key, tmp_path: Path) -> None:
    guard = pg.Guard(policy(), keys=key)

    @pg.guarded(guard, pg.Action("store", "crm", "db", at=AT))
    def extract(n: int) -> list[dict]:
        return [rec(i) for i in range(n)]

    out = extract(3)
    assert len(out) == 3 and all(r["sjhm"] == "138****5678" for r in out)

    @pg.guarded(pg.Guard(make_policy()), pg.Action("store", "crm", "db", at=AT))
    def leaky() -> list[dict]:
        return [person(1, consent={})]

    with pytest.raises(pg.PolicyViolation):
        leaky()


@pytest.mark.parametrize("kind", ["pandas", "polars", "arrow"])
def test_guarded_decorator_keeps_the_frame_type(key: pg.Key, kind: str) -> None:
    import pandas as pd
    import polars as pl
    import pyarrow as pa

    rows = [rec(i) for i in range(3)]
    flat = [{k: v for k, v in r.items() if k != "consent"} | {"consent": r["consent"]} for r in rows]
    make = {"pandas": pd.DataFrame, "polars": pl.DataFrame, "arrow": pa.Table.from_pylist}[kind]

    @pg.guarded(pg.Guard(policy(), keys=key), pg.Action("store", "crm", "db", at=AT))
    def extract():  # type: ignore[no-untyped-def]
        return make(flat)

    out = extract()
    assert type(out) is type(make(flat))
    landed = pa.Table.from_pandas(out).to_pylist() if kind == "pandas" else (
        out.to_dicts() if kind == "polars" else out.to_pylist())
    assert [r["sjhm"] for r in landed] == ["138****5678"] * 3
    assert all(raw["sfzh"] not in str(r) for raw, r in zip(rows, landed, strict=True))
