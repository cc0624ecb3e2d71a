"""Decisions (JSON and explain) never carry a raw value from the records."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from policy_support import AT, make_policy

import pipl_guard as pg
from pipl_guard.detect.resident_id import check_character

REGIONS = ["110105", "310104", "440305", "510107", "650102"]
SURNAMES = ["张", "王", "李", "赵", "欧阳", "司马"]
GIVEN = ["伟", "芳", "秀英", "建国", "子涵", "浩然"]


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    birth = draw(st.dates(dt.date(1930, 1, 1), AT))
    body = f"{draw(st.sampled_from(REGIONS))}{birth:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return body + check_character(body)


mobiles = st.builds(lambda p, r: f"{p}{r:08d}", st.sampled_from(["138", "139", "150", "186", "199"]), st.integers(0, 10**8 - 1))
names = st.builds(lambda s, g: s + g, st.sampled_from(SURNAMES), st.sampled_from(GIVEN))
consents = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {},
        optional={
            "basic": st.booleans(),
            "separate": st.lists(st.sampled_from(["sensitive", "provide", "disclose", "cross_border"]), max_size=4),
            "guardian": st.booleans(),
            "withdrawn": st.booleans(),
        },
    ),
    st.sampled_from(["yes", 1, ["basic"]]),
)


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    rid, mob, name = draw(resident_ids()), draw(mobiles), draw(names)
    style = draw(st.integers(0, 3))
    rec: dict[str, Any]
    if style == 0:
        rec = {"xm": name, "sfzh": rid, "sjhm": mob}
    elif style == 1:
        rec = {"姓名": name, "身份证号": rid, "contact": {"phones": [mob]}}
    elif style == 2:
        rec = {"note": f"客户{name}，身份证号{rid}，手机{mob}"}
    else:
        # personal data as mapping keys must not leak through field paths either
        rec = {"by_id": {rid: {"xm": name}}, "by_phone": {mob: "x"}}
    if draw(st.booleans()):
        rec["diagnosis"] = "高血压"
    c = draw(consents)
    if c is not None:
        rec["consent"] = c
    return rec


def leaves(rec: Any) -> list[str]:
    if isinstance(rec, dict):
        # the keys of by_id / by_phone are personal data themselves
        keys = [str(k) for name in ("by_id", "by_phone") for k in rec.get(name, {})]
        return keys + [v for k, x in rec.items() if k != "consent" for v in leaves(x)]
    if isinstance(rec, list):
        return [v for x in rec for v in leaves(x)]
    return [str(rec)]


def secrets_of(rec: dict[str, Any]) -> list[str]:
    out = []
    for v in leaves(rec):
        out.append(v)
        # identifiers also must not leak in part (IDs, phones) or inside free text
        out.extend(t for t in v.replace("，", " ").replace("身份证号", " ").replace("手机", " ").replace("客户", " ").split() if len(t) >= 2)
    return [s for s in out if len(s) >= 2 and s != "高血压"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(records(), min_size=1, max_size=6), kind=st.sampled_from(["store", "provide", "export", "breach", "disclose"]))
def test_decision_never_holds_a_raw_value(batch: list[dict[str, Any]], kind: str) -> None:
    dest = {"store": "db", "provide": "partner", "export": "abroad", "breach": "db", "disclose": "web"}[kind]
    policy = make_policy(**{"organization.individuals_held": 20_000_000})
    d = pg.Guard(policy).check(batch, pg.Action(kind, "crm", dest, at=AT))
    text = d.model_dump_json() + d.explain() + json.dumps(d.facts, ensure_ascii=False, default=str)
    for rec in batch:
        for s in secrets_of(rec):
            assert s not in text, "a raw value reached the decision"
    # and the violation wrapper too
    assert all(s not in str(pg.PolicyViolation(d)) for rec in batch for s in secrets_of(rec))


def test_decision_is_json_round_trippable() -> None:
    d = pg.Guard(make_policy()).check([{"xm": "张伟", "sfzh": "11010519491231002X"}], pg.Action("store", "crm", "db", at=AT))
    again = pg.Decision.model_validate_json(d.model_dump_json())
    assert again.allowed == d.allowed and again.violations == d.violations
    assert "Rules evaluated" in d.explain() and "已评估规则" in d.explain()
