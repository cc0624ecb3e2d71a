"""The example policies in examples/policies load and decide as their comments say."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from policy_support import rid

import pipl_guard as pg
from pipl_guard.policy.guard import ledger_key
from pipl_guard.policy.ledger import Ledger

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "policies"
AT = dt.date(2026, 6, 10)
KEY = pg.Key(bytes(range(32)), id="examples")


def load(name: str) -> pg.Policy:
    return pg.Policy.load(EXAMPLES / name)


def test_every_example_loads() -> None:
    files = sorted(EXAMPLES.glob("*.yaml"))
    assert len(files) >= 4
    for f in files:
        assert pg.Policy.load(f).organization.name


def test_government_dashboard_is_denied_pipl51() -> None:
    policy = load("government_dashboard.yaml")
    residents = [{"xm": "张伟", "gmsfhm": rid(dt.date(1960 + i, 1, 1), i), "mz": "汉族"} for i in range(5)]
    action = pg.Action("store", "resident-registry", "dashboard", at=AT)
    d = pg.Guard(policy).check(residents, action)
    assert not d.allowed and "PIPL-51" in {i.code for i in d.violations}
    assert "AUDIT-4" in {i.code for i in d.obligations}
    # even with the hashing key, a password-less dashboard stays denied
    with pytest.raises(pg.PolicyViolation) as err:
        pg.Guard(policy, keys=KEY).enforce(residents, action)
    messages = [i.message_en for i in err.value.decision.violations if i.code == "PIPL-51"]
    assert any("without logging in" in m for m in messages)


def test_logistics_store_entrust_and_export() -> None:
    policy = load("logistics.yaml")
    parcel = {"xm": "李娜", "sjh": "13912345678", "address": "上海市徐汇区漕溪北路100号", "sfzh": rid(),
              "created_at": "2026-06-01"}
    guard = pg.Guard(policy, keys=KEY)
    landed = guard.enforce([parcel], pg.Action("store", "delivery", "warehouse", at=AT))
    assert landed[0]["sjh"] == "139****5678" and landed[0]["sfzh"] != parcel["sfzh"]
    assert guard.check([parcel], pg.Action("entrust", "delivery", "call-centre", at=AT)).allowed
    export = guard.check([parcel], pg.Action("export", "delivery", "sg-partner", at=AT))
    assert export.allowed and "CBDF-5" in {i.code for i in export.notes}
    stale = {**parcel, "created_at": "2025-06-01"}
    assert "PIPL-19" in {i.code for i in guard.check([stale], pg.Action("store", "delivery", "warehouse", at=AT)).violations}


def test_hospital_separate_consent() -> None:
    policy = load("hospital.yaml")
    patient = {"xm": "王芳", "sfzh": rid(dt.date(1970, 3, 3)), "diagnosis": "高血压", "visit_date": "2026-05-01"}
    guard = pg.Guard(policy, keys=KEY)
    share = pg.Action("provide", "research-registry", "university", at=AT)
    ok = {**patient, "consent": {"basic": True, "separate": ["sensitive", "provide"]}}
    assert guard.check([ok], share).allowed
    general_only = {**patient, "consent": {"basic": True}}
    assert {"PIPL-29", "PIPL-23"} <= {i.code for i in guard.check([general_only], share).violations}
    child = {**ok, "sfzh": rid(dt.date(2016, 1, 1))}
    assert "PIPL-31" in {i.code for i in guard.check([child], share).violations}


def test_ecommerce_export_ledger_across_the_year(tmp_path: Path) -> None:
    policy = load("ecommerce_export.yaml")
    path = tmp_path / "xborder.db"
    guard = pg.Guard(policy, ledger=path, keys=KEY)
    consent = {"basic": True, "separate": ["cross_border"]}

    def batch(start: int, n: int) -> list[dict]:
        # no resident ID here: an individual is the keyed hash of name + mobile
        return [{"xm": "赵敏", "sjhm": f"138{i:08d}", "order_date": "2026-06-01", "consent": consent}
                for i in range(start, start + n)]

    analytics = pg.Action("export", "analytics", "sg-analytics", at=AT)
    first = guard.enforce(batch(0, 20), analytics)
    assert all(not r["sjhm"].startswith("138") for r in first)  # hashed before it leaves
    # earlier exports this year bring the tally to the contract band
    Ledger(path, key=ledger_key(KEY)).add_prior(2026, general=99_970, note="exports before adoption")
    repeat = guard.check(batch(0, 20), analytics)  # the same 20 people again: not new
    assert repeat.facts["cross_border"]["general_including_batch"] == 99_990
    d = guard.check(batch(20, 10), analytics)
    assert d.facts["cross_border"]["general_including_batch"] == 100_000
    assert d.allowed  # the standard contract (since 2026-01-15) covers the band
    # before the contract took effect, the same tally is a violation
    early = guard.check(batch(20, 10), pg.Action("export", "analytics", "sg-analytics", at=dt.date(2026, 1, 10)))
    assert {"CBDF-8", "PIPL-38"} <= {i.code for i in early.violations}
    # next year starts from zero and is exempt again
    assert "CBDF-5" in guard.check(batch(20, 10), pg.Action("export", "analytics", "sg-analytics", at=dt.date(2027, 1, 2))).codes
    # shipping under the order contract is exempt even without a mechanism
    ship = guard.check(batch(0, 3), pg.Action("export", "shipping", "hk-warehouse", at=AT))
    assert ship.allowed and "CBDF-5" in {i.code for i in ship.notes}
