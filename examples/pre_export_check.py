"""Pre-export check: two batches of a cross-border export in one calendar year, counted in the ledger.

    python examples/pre_export_check.py [--ledger exports.sqlite] [--report export_report.html]

The scenario: a company sends customer records (name, mobile, e-mail; no sensitive PI) to a partner in
Singapore under consent with separate cross-border consent (PIPL Art. 39). 99,950 individuals already
went abroad this year from another system (entered as prior counts). CBDF (CAC Order 16, 2024) Art. 5(4)
exempts a non-CIIO below 100,000 non-sensitive individuals since 1 January; from 100,000 on, Art. 8 asks
for a standard contract, certification or assessment. Batch 1 (30 people) stays under the line and goes;
batch 2 (another 30) would cross it: with no mechanism in place the Guard refuses it (CBDF-8), and once
the standard contract is recorded in the policy the same batch goes through.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

import pipl_guard as pg
from pipl_guard import synth
from pipl_guard.policy.ledger import Ledger
from pipl_guard.report.html import write_report

YEAR = 2026
PRIOR = 99_950
BATCH = 30


def make_policy(mechanism: str) -> pg.Policy:
    return pg.Policy.model_validate(
        {
            "organization": {"name": "Example Retail Co.", "ciio": False, "individuals_held": 250_000,
                             "officer_reported": True},
            "purposes": [{"id": "loyalty", "legal_basis": "consent",
                          "entities": ["PERSON_NAME", "CN_MOBILE", "EMAIL"], "pipia": True}],
            "destinations": [{"id": "sg-partner", "kind": "cross_border", "country": "SG", "mechanism": mechanism,
                              **({"mechanism_since": "2026-02-01"} if mechanism != "none" else {}),
                              "authentication": True, "encryption_at_rest": True, "pipia": True}],
            "consent": {"field": "consent"},
        }
    )


def batch(rng: random.Random) -> list[dict[str, Any]]:
    consent = {"basic": True, "separate": ["provide", "cross_border"], "withdrawn": False}
    return [
        {"name": synth.name(rng), "mobile": synth.mobile(rng), "email": f"user{rng.randrange(10**9)}@example.com",
         "consent": consent}
        for _ in range(BATCH)
    ]


def show(label: str, decision: Any, ledger: Ledger) -> None:
    general, sensitive = ledger.totals(YEAR)
    verdict = "ALLOWED" if decision.allowed else "DENIED"
    print(f"{label}: {verdict}  violations={[i.code for i in decision.violations]} "
          f"notes={[i.code for i in decision.notes]}  ledger {YEAR}: general={general} sensitive={sensitive}")
    for issue in decision.violations:
        print(f"    {issue.code} ({issue.article}): {issue.message_en} / {issue.message_zh}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Cross-border export checked against a policy, with the ledger.")
    ap.add_argument("--ledger", help="ledger file (default: a new temporary file)")
    ap.add_argument("--report", default="export_report.html", help="HTML report for batch 2")
    args = ap.parse_args(argv)
    ledger_path = Path(args.ledger or Path(tempfile.mkdtemp()) / "exports.sqlite")
    key = pg.Key(b"example ledger key, keep it in a KMS!", id="ledger-demo")
    rng = random.Random(2026)
    at = dt.date(YEAR, 3, 1)
    action = pg.Action("export", "loyalty", "sg-partner", at=at)

    # the ledger holds keyed digests of who went abroad, never identifiers; one file shared by every run
    guard = pg.Guard(make_policy("none"), ledger=ledger_path, keys={"ledger": key})
    guard.ledger.add_prior(YEAR, general=PRIOR, note="exports before pipl_guard")
    print(f"Prior exports this year (other system): {PRIOR} individuals; threshold 100000 (CBDF Art. 5(4), 8)")

    first = batch(rng)
    show("Batch 1 check", guard.check(first, action), guard.ledger)
    sent = guard.enforce(first, action)
    print(f"Batch 1 sent: {len(sent)} records")
    show("After batch 1", guard.check([], action), guard.ledger)

    second = batch(rng)
    decision = guard.check(second, action)
    show("Batch 2 check", decision, guard.ledger)
    try:
        guard.enforce(second, action)
    except pg.PolicyViolation as exc:
        print(f"Batch 2 refused: {sorted(i.code for i in exc.decision.violations)}")
    # the report for the manager: batch 2 as it stands, counted against the same ledger
    out = write_report(second, args.report, policy=make_policy("none"), action=action, ledger=ledger_path,
                       keys={"ledger": key}, title="出境前检查 Pre-export check (batch 2, no mechanism)")
    print(f"Report: {out}")

    contracted = pg.Guard(make_policy("standard_contract"), ledger=ledger_path, keys={"ledger": key})
    show("Batch 2 with standard contract", contracted.check(second, action), contracted.ledger)
    sent = contracted.enforce(second, action)
    print(f"Batch 2 sent: {len(sent)} records")
    general, _ = contracted.ledger.totals(YEAR)
    print(f"Ledger total {YEAR}: {general} individuals (crossed 100000: {general >= 100_000})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
