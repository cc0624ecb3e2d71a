"""One test per rule: the code appears for a triggering batch and not for its near miss."""

from __future__ import annotations

import datetime as dt

from policy_support import (
    AT,
    FULL_CONSENT,
    dest_index,
    make_policy,
    notes,
    obligations,
    person,
    purpose_index,
    violations,
)

import pipl_guard as pg
from pipl_guard.policy.rules import RULES


def check(policy: pg.Policy, records: list[dict], kind: str, purpose: str, dest: str | None, at: dt.date = AT) -> pg.Decision:
    return pg.Guard(policy).check(records, pg.Action(kind, purpose, dest, at=at))


def test_registry_holds_the_minimum_code_set() -> None:
    codes = {r.code for r in RULES}
    minimum = {
        "PIPL-13", "PIPL-15", "PIPL-6", "PIPL-19", "PIPL-21", "PIPL-23", "PIPL-25", "PIPL-29", "PIPL-31",
        "PIPL-38", "PIPL-39", "PIPL-40", "PIPL-51", "PIPL-55", "PIPL-52", "PIPL-57", "CSIR-4", "AUDIT-4",
        "CBDF-5", "CBDF-7", "CBDF-8", "CBDF-9",
    }
    assert minimum <= codes
    kinds = {r.code: r.kind for r in RULES}
    assert {kinds[c] for c in ("PIPL-52", "PIPL-57", "CSIR-4", "AUDIT-4")} == {"obligation"}
    assert kinds["CBDF-5"] == "note"


def test_clean_batch_is_allowed() -> None:
    d = check(make_policy(), [person(1)], "store", "crm", "db")
    assert d.allowed and not d.violations


def test_pipl13_no_legal_basis() -> None:
    p = make_policy(**{f"purposes.{purpose_index('duty')}.legal_basis": None})
    assert "PIPL-13" in violations(check(p, [person(1)], "store", "duty", "db"))
    assert "PIPL-13" not in violations(check(make_policy(), [person(1)], "store", "duty", "db"))


def test_pipl13_consent_basis_without_basic_consent() -> None:
    p = make_policy()
    d = check(p, [person(1, consent={"separate": ["sensitive"]}), person(2)], "store", "crm", "db")
    assert "PIPL-13" in violations(d)
    assert next(i for i in d.violations if i.code == "PIPL-13").records == 1
    # missing consent facts mean "not given"
    assert "PIPL-13" in violations(check(p, [{"sfzh": person(3)["sfzh"]}], "store", "crm", "db"))
    # a contract basis needs no consent
    assert "PIPL-13" not in violations(check(p, [person(1, consent={})], "store", "ship", "db"))


def test_pipl14_malformed_consent_is_counted_not_crashed() -> None:
    p = make_policy()
    bad = [person(1, consent="yes"), person(2, consent={"basic": "true"}), person(3, consent={"separate": "all"}),
           person(4, consent={"basic": True, "colour": "blue"})]
    d = check(p, [*bad, person(5)], "store", "crm", "db")
    issue = next(i for i in d.violations if i.code == "PIPL-14")
    assert issue.records == 4 and issue.fields == ["consent"]
    assert not d.allowed
    assert "PIPL-14" not in violations(check(p, [person(5)], "store", "crm", "db"))
    # an extra scope is not malformed; a misspelt one simply counts as not given
    extra = {"basic": True, "separate": ["sensitive", "marketing", "cross-border"]}
    d2 = check(p, [person(6, consent=extra, health=True)], "export", "crm", "abroad")
    assert "PIPL-14" not in violations(d2) and "PIPL-39" in violations(d2) and "PIPL-29" not in violations(d2)


def test_pipl15_withdrawn() -> None:
    p = make_policy()
    withdrawn = {**FULL_CONSENT, "withdrawn": True}
    assert "PIPL-15" in violations(check(p, [person(1, consent=withdrawn)], "store", "crm", "db"))
    assert "PIPL-15" not in violations(check(p, [person(1, consent={**FULL_CONSENT, "withdrawn": False})], "store", "crm", "db"))
    # withdrawal matters only where the processing relies on consent
    assert "PIPL-15" not in violations(check(p, [person(1, consent=withdrawn)], "store", "ship", "db"))


def test_pipl6_minimum_necessary_names_fields() -> None:
    p = make_policy()
    rec = {**person(1), "mobile": "13812345678"}
    d = check(p, [rec], "store", "ship", "db")
    assert "PIPL-6" not in violations(d)
    rec2 = {**person(1), "email": "zhang.wei@example.com"}
    d2 = check(p, [rec2], "store", "ship", "db")
    issue = next(i for i in d2.violations if i.code == "PIPL-6")
    assert issue.fields == ["email"]


def test_pipl19_retention() -> None:
    p = make_policy(**{f"purposes.{purpose_index('crm')}.retention_days": 30,
                       f"purposes.{purpose_index('crm')}.time_field": "created_at"})
    old = {**person(1), "created_at": (AT - dt.timedelta(days=31)).isoformat()}
    edge = {**person(2), "created_at": (AT - dt.timedelta(days=30)).isoformat()}
    d = check(p, [old, edge], "store", "crm", "db")
    assert next(i for i in d.violations if i.code == "PIPL-19").records == 1
    assert "PIPL-19" not in violations(check(p, [edge], "store", "crm", "db"))
    undated = check(p, [{**person(3), "created_at": "someday"}], "store", "crm", "db")
    assert "PIPL-19" in notes(undated) and "PIPL-19" not in violations(undated)


def test_pipl21_entrustment_contract() -> None:
    p = make_policy(**{f"destinations.{dest_index('vendor')}.contract": False})
    assert "PIPL-21" in violations(check(p, [person(1)], "entrust", "crm", "vendor"))
    assert "PIPL-21" not in violations(check(make_policy(), [person(1)], "entrust", "crm", "vendor"))


def test_pipl23_provide_needs_separate_consent() -> None:
    p = make_policy()
    no_sep = {"basic": True}
    assert "PIPL-23" in violations(check(p, [person(1, consent=no_sep)], "provide", "crm", "partner"))
    assert "PIPL-23" not in violations(check(p, [person(1)], "provide", "crm", "partner"))
    assert "PIPL-23" not in violations(check(p, [person(1, consent=no_sep)], "provide", "ship", "partner"))


def test_pipl25_disclose_needs_separate_consent() -> None:
    p = make_policy()
    assert "PIPL-25" in violations(check(p, [person(1, consent={"basic": True})], "disclose", "crm", "web"))
    assert "PIPL-25" not in violations(check(p, [person(1)], "disclose", "crm", "web"))


def test_pipl29_sensitive_needs_separate_consent() -> None:
    p = make_policy()
    c = {"basic": True, "separate": ["provide"]}
    d = check(p, [person(1, consent=c, health=True)], "store", "crm", "db")
    issue = next(i for i in d.violations if i.code == "PIPL-29")
    assert issue.fields == ["diagnosis"]
    assert "PIPL-29" not in violations(check(p, [person(1, consent=c)], "store", "crm", "db"))


def test_pipl29_resident_id_sensitive_only_under_strict_reading() -> None:
    c = {"basic": True}
    assert "PIPL-29" not in violations(check(make_policy(), [person(1, consent=c)], "store", "crm", "db"))
    strict = make_policy(**{"organization.resident_id_is_sensitive": True})
    assert "PIPL-29" in violations(check(strict, [person(1, consent=c)], "store", "crm", "db"))


def test_pipl31_minor_exactly_14_vs_one_day_short() -> None:
    p = make_policy()
    c = {"basic": True, "separate": ["sensitive"]}
    fourteen_today = dt.date(AT.year - 14, AT.month, AT.day)
    one_day_short = fourteen_today + dt.timedelta(days=1)
    assert "PIPL-31" not in violations(check(p, [person(1, birth=fourteen_today, consent=c)], "store", "crm", "db"))
    d = check(p, [person(1, birth=one_day_short, consent=c)], "store", "crm", "db")
    assert "PIPL-31" in violations(d)
    assert d.facts["minors"] == 1
    ok = check(p, [person(1, birth=one_day_short, consent={**c, "guardian": True})], "store", "crm", "db")
    assert "PIPL-31" not in violations(ok)


def test_minor_pi_is_sensitive() -> None:
    p = make_policy()
    child = person(1, birth=AT - dt.timedelta(days=365 * 5), consent={"basic": True, "guardian": True})
    d = check(p, [child], "store", "crm", "db")
    assert "PIPL-29" in violations(d)
    assert d.facts["sensitive_categories"].get("minor") == 1


def test_age_is_computed_at_action_date() -> None:
    p = make_policy()
    birth = dt.date(2012, 1, 1)
    c = {"basic": True, "separate": ["sensitive"]}
    assert "PIPL-31" in violations(check(p, [person(1, birth=birth, consent=c)], "store", "crm", "db", at=dt.date(2025, 12, 31)))
    assert "PIPL-31" not in violations(check(p, [person(1, birth=birth, consent=c)], "store", "crm", "db", at=dt.date(2026, 1, 1)))


def test_pipl39_export_needs_separate_consent() -> None:
    p = make_policy()
    d = check(p, [person(1, consent={"basic": True})], "export", "crm", "abroad")
    assert "PIPL-39" in violations(d)
    assert "PIPL-39" not in violations(check(p, [person(1)], "export", "crm", "abroad"))


def test_pipl40_ciio_export_needs_assessment() -> None:
    p = make_policy(**{"organization.ciio": True})
    assert "PIPL-40" in violations(check(p, [person(1)], "export", "crm", "abroad"))
    assert "PIPL-40" in violations(check(p, [person(1)], "export", "ship", "abroad"))  # contract basis too
    i = dest_index("abroad")
    ok = make_policy(**{"organization.ciio": True, f"destinations.{i}.mechanism": "security_assessment",
                        f"destinations.{i}.mechanism_since": "2025-01-01"})
    d = check(ok, [person(1)], "export", "crm", "abroad")
    assert "PIPL-40" not in violations(d) and d.allowed
    assert "PIPL-40" not in violations(check(make_policy(), [person(1)], "export", "crm", "abroad"))


def test_pipl38_and_cbdf8_sensitive_needs_mechanism() -> None:
    p = make_policy()
    d = check(p, [person(1, health=True)], "export", "crm", "abroad")
    assert {"PIPL-38", "CBDF-8"} <= violations(d)
    i = dest_index("abroad")
    ok = make_policy(**{f"destinations.{i}.mechanism": "standard_contract", f"destinations.{i}.mechanism_since": "2025-01-01"})
    d2 = check(ok, [person(1, health=True)], "export", "crm", "abroad")
    assert not ({"PIPL-38", "CBDF-8"} & violations(d2))


def test_mechanism_not_yet_in_effect() -> None:
    i = dest_index("abroad")
    p = make_policy(**{f"destinations.{i}.mechanism": "standard_contract",
                       f"destinations.{i}.mechanism_since": (AT + dt.timedelta(days=1)).isoformat()})
    assert "CBDF-8" in violations(check(p, [person(1, health=True)], "export", "crm", "abroad"))


def test_cbdf5_exemptions() -> None:
    p = make_policy()
    d = check(p, [person(1)], "export", "crm", "abroad")
    assert "CBDF-5" in notes(d) and d.allowed
    # any sensitive PI removes the volume exemption
    assert "CBDF-5" not in notes(check(p, [person(1, health=True)], "export", "crm", "abroad"))
    # contract performance: exempt even with sensitive PI, and the message says the necessity is not proven
    d2 = check(make_policy(**{f"purposes.{purpose_index('ship')}.entities": ["CN_RESIDENT_ID", "HEALTH"]}),
               [person(1, health=True)], "export", "ship", "abroad")
    note = next(i for i in d2.notes if i.code == "CBDF-5")
    assert "truly necessary" in note.message_en and d2.allowed


def test_cbdf9_assessment_expires_after_three_years() -> None:
    i = dest_index("abroad")
    since = dt.date(2023, 6, 15)

    def pol() -> pg.Policy:
        return make_policy(**{"organization.ciio": True, f"destinations.{i}.mechanism": "security_assessment",
                              f"destinations.{i}.mechanism_since": since.isoformat()})

    last_valid = dt.date(2026, 6, 14)
    assert "CBDF-9" not in violations(check(pol(), [person(1)], "export", "crm", "abroad", at=last_valid))
    d = check(pol(), [person(1)], "export", "crm", "abroad", at=dt.date(2026, 6, 15))
    assert {"CBDF-9", "PIPL-40", "PIPL-38"} <= violations(d)
    no_date = make_policy(**{"organization.ciio": True, f"destinations.{i}.mechanism": "security_assessment"})
    assert "CBDF-9" in violations(check(no_date, [person(1)], "export", "crm", "abroad"))


def test_pipl51_no_authentication() -> None:
    i = dest_index("db")
    p = make_policy(**{f"destinations.{i}.authentication": False})
    assert "PIPL-51" in violations(check(p, [person(1)], "store", "crm", "db"))
    # a storage destination that does not declare authentication fails closed
    q = make_policy(**{f"destinations.{i}": {"id": "db", "kind": "storage", "encryption_at_rest": True}})
    assert "PIPL-51" in violations(check(q, [person(1)], "store", "crm", "db"))
    assert "PIPL-51" not in violations(check(make_policy(), [person(1)], "store", "crm", "db"))


def test_pipl51_encryption_at_rest_for_identifiers() -> None:
    i = dest_index("db")
    p = make_policy(**{f"destinations.{i}.encryption_at_rest": False})
    d = check(p, [person(1)], "store", "crm", "db")
    issue = next(x for x in d.violations if x.code == "PIPL-51")
    assert "sfzh" in issue.fields
    # nothing identifying lands: no encryption needed
    assert "PIPL-51" not in violations(check(p, [{"note": "包裹已签收", "consent": FULL_CONSENT}], "store", "crm", "db"))


def test_pipl51_required_transform_not_applied_without_key() -> None:
    i = dest_index("db")
    p = make_policy(**{f"destinations.{i}.require": {"CN_RESIDENT_ID": "hash"}})
    d = check(p, [person(1)], "store", "crm", "db")
    issue = next(x for x in d.violations if x.code == "PIPL-51")
    assert issue.fields == ["sfzh"] and "CN_RESIDENT_ID" in issue.message_en


def test_pipl55_impact_assessment() -> None:
    i = purpose_index("crm")
    p = make_policy(**{f"purposes.{i}.pipia": False})
    assert "PIPL-55" in violations(check(p, [person(1, health=True)], "store", "crm", "db"))
    assert "PIPL-55" in violations(check(p, [person(1)], "provide", "crm", "partner"))
    assert "PIPL-55" not in violations(check(p, [person(1)], "store", "crm", "db"))
    j = dest_index("partner")
    q = make_policy(**{f"purposes.{i}.pipia": False, f"destinations.{j}.pipia": True})
    assert "PIPL-55" not in violations(check(q, [person(1)], "provide", "crm", "partner"))


def test_pipl52_officer_threshold() -> None:
    def d(n: int, reported: bool = False) -> pg.Decision:
        p = make_policy(**{"organization.individuals_held": n, "organization.officer_reported": reported})
        return check(p, [person(1)], "store", "crm", "db")

    assert "PIPL-52" not in obligations(d(999_999))
    assert "PIPL-52" in obligations(d(1_000_000))
    assert "PIPL-52" in obligations(d(1_000_001))
    assert "PIPL-52" not in obligations(d(1_000_000, reported=True))
    assert d(1_000_000).allowed  # an obligation does not deny


def test_audit4_threshold_and_cadence() -> None:
    two_years = dt.date(AT.year - 2, AT.month, AT.day)

    def d(n: int, last: dt.date | None) -> pg.Decision:
        p = make_policy(**{"organization.individuals_held": n, "organization.last_audit": last})
        return check(p, [person(1)], "store", "crm", "db")

    stale = two_years - dt.timedelta(days=1)
    assert "AUDIT-4" not in obligations(d(10_000_000, stale))
    assert "AUDIT-4" in obligations(d(10_000_001, stale))
    assert "AUDIT-4" in obligations(d(10_000_001, None))
    assert "AUDIT-4" not in obligations(d(10_000_001, two_years))
    assert "AUDIT-4" in obligations(d(10_000_001, two_years - dt.timedelta(days=1)))


def test_pipl57_and_csir4_breach() -> None:
    p = make_policy()
    small = check(p, [person(1)], "breach", "crm", "db")
    assert "PIPL-57" in obligations(small) and "CSIR-4" not in obligations(small)
    assert small.allowed  # a breach decision lists duties; it does not "deny"

    def clock(n: int, ciio: bool = False) -> pg.Decision:
        q = make_policy(**{"organization.ciio": ciio})
        return pg.Guard(q).check([person(1)], pg.Action("breach", "crm", "db", at=AT, affected=n))

    assert "CSIR-4" not in obligations(clock(999_999))
    four = next(i for i in clock(1_000_000).obligations if i.code == "CSIR-4")
    assert "4 hour" in four.message_en
    one = next(i for i in clock(1_000_001, ciio=True).obligations if i.code == "CSIR-4")
    assert "1 hour" in one.message_en and "1小时" in one.message_zh
    assert "PIPL-57" not in obligations(check(p, [person(1)], "store", "crm", "db"))


def test_date_arithmetic_on_29_february() -> None:
    from pipl_guard.policy.rules.cross_border import valid_until
    from pipl_guard.policy.rules.organization import years_before

    assert valid_until(dt.date(2024, 2, 29), 3) == dt.date(2027, 3, 1)
    assert valid_until(dt.date(2023, 6, 15), 3) == dt.date(2026, 6, 15)
    assert years_before(dt.date(2028, 2, 29), 2) == dt.date(2026, 2, 28)


def test_explain_lists_every_rule_with_facts_in_both_languages() -> None:
    d = check(make_policy(), [person(1, consent={})], "store", "crm", "db")
    text = d.explain()
    for r in RULES:
        assert r.code in text and r.title_zh in text
    assert "DENIED" in text and "不允许" in text and "basic_consent_missing" in text
    traces = {t.code: t for t in d.rules}
    assert traces["PIPL-13"].outcome == "violation" and traces["PIPL-57"].outcome == "not_applicable"
