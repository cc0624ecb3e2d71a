"""Cross-border thresholds at n-1, n, n+1 (CBDF 2024 Arts. 5(4), 7, 8), using prior counts in the ledger
instead of a million records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from policy_support import AT, dest_index, make_policy, notes, person, violations

import pipl_guard as pg
from pipl_guard.policy.ledger import Ledger


def export_one(tmp_path: Path, *, general: int = 0, sensitive: int = 0, health: bool = False, **policy: object) -> pg.Decision:
    """Decision for exporting one new individual after ``general``/``sensitive`` prior individuals this year."""
    ledger = Ledger(tmp_path / "ledger.db", key=b"k" * 32)
    ledger.add_prior(AT.year, general=general, sensitive=sensitive)
    guard = pg.Guard(make_policy(**policy), ledger=ledger)
    return guard.check([person(1, health=health)], pg.Action("export", "crm", "abroad", at=AT))


# (prior general, expected codes, absent codes): the batch adds one general individual
GENERAL = [
    (99_997, {"CBDF-5"}, {"CBDF-8", "CBDF-7"}),  # 99,998
    (99_998, {"CBDF-5"}, {"CBDF-8", "CBDF-7"}),  # 99,999: 不满10万 -> exempt
    (99_999, {"CBDF-8", "PIPL-38"}, {"CBDF-5", "CBDF-7"}),  # 100,000: 10万人以上 -> contract
    (100_000, {"CBDF-8"}, {"CBDF-5", "CBDF-7"}),  # 100,001
    (999_998, {"CBDF-8"}, {"CBDF-7"}),  # 999,999
    (999_999, {"CBDF-7", "PIPL-38"}, {"CBDF-8", "CBDF-5"}),  # 1,000,000 -> assessment
    (1_000_000, {"CBDF-7"}, {"CBDF-8"}),  # 1,000,001
]


@pytest.mark.parametrize(("prior", "present", "absent"), GENERAL)
def test_general_thresholds(tmp_path: Path, prior: int, present: set[str], absent: set[str]) -> None:
    d = export_one(tmp_path, general=prior)
    codes = d.codes
    assert present <= codes, (prior, codes)
    assert not (absent & codes), (prior, codes)
    assert d.facts["cross_border"]["general_including_batch"] == prior + 1


# the batch adds one sensitive individual (health data)
SENSITIVE = [
    (0, {"CBDF-8"}, {"CBDF-5", "CBDF-7"}),  # 1 sensitive: contract band, no exemption
    (9_997, {"CBDF-8"}, {"CBDF-7"}),  # 9,998
    (9_998, {"CBDF-8"}, {"CBDF-7"}),  # 9,999: 不满1万
    (9_999, {"CBDF-7"}, {"CBDF-8"}),  # 10,000: 1万人以上 -> assessment
    (10_000, {"CBDF-7"}, {"CBDF-8"}),  # 10,001
]


@pytest.mark.parametrize(("prior", "present", "absent"), SENSITIVE)
def test_sensitive_thresholds(tmp_path: Path, prior: int, present: set[str], absent: set[str]) -> None:
    d = export_one(tmp_path, sensitive=prior, health=True)
    assert present <= d.codes, (prior, d.codes)
    assert not (absent & d.codes)
    assert d.facts["cross_border"]["sensitive_including_batch"] == prior + 1


def test_contract_band_satisfied_by_standard_contract(tmp_path: Path) -> None:
    i = dest_index("abroad")
    d = export_one(tmp_path, general=99_999, **{f"destinations.{i}.mechanism": "standard_contract"})
    assert d.allowed and "CBDF-8" not in d.codes


def test_assessment_band_not_satisfied_by_standard_contract(tmp_path: Path) -> None:
    i = dest_index("abroad")
    d = export_one(tmp_path, general=999_999, **{f"destinations.{i}.mechanism": "standard_contract"})
    assert {"CBDF-7", "PIPL-38"} <= violations(d)
    ok = export_one(
        tmp_path / "b",
        general=999_999,
        **{f"destinations.{i}.mechanism": "security_assessment", f"destinations.{i}.mechanism_since": "2024-01-01"},
    )
    assert ok.allowed


def test_ciio_has_no_volume_exemption(tmp_path: Path) -> None:
    d = export_one(tmp_path, **{"organization.ciio": True})
    assert "PIPL-40" in violations(d) and "CBDF-5" not in notes(d)


def test_counting_is_per_calendar_year(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "l.db", key=b"k" * 32)
    ledger.add_prior(2026, general=99_999)
    guard = pg.Guard(make_policy(), ledger=ledger)
    dec = guard.check([person(1)], pg.Action("export", "crm", "abroad", at=dt.date(2026, 12, 31)))
    assert "CBDF-8" in dec.codes
    new_year = guard.check([person(1)], pg.Action("export", "crm", "abroad", at=dt.date(2027, 1, 1)))
    assert "CBDF-5" in new_year.codes and new_year.facts["cross_border"]["general_including_batch"] == 1


def test_batch_is_counted_in_distinct_individuals(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "l.db", key=b"k" * 32)
    ledger.add_prior(AT.year, general=99_998)
    guard = pg.Guard(make_policy(), ledger=ledger)
    same_person_twice = [person(1), person(1)]
    assert "CBDF-5" in guard.check(same_person_twice, pg.Action("export", "crm", "abroad", at=AT)).codes
    two_people = [person(1), person(2)]
    assert "CBDF-8" in guard.check(two_people, pg.Action("export", "crm", "abroad", at=AT)).codes
