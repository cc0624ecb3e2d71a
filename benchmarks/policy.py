"""Benchmark: ``Guard.check`` throughput (records/s) against a bare ``scan_record`` pass in the same run.

Run:  python benchmarks/policy.py [--records 5000]

``check`` scans every record once (the consent field excluded), evaluates consent, retention and
minors, hashes individuals for the ledger, and runs the rules; with a ``require`` on the destination it
also transforms each record and scans it again. The baseline is ``scan_record`` alone over the same
records, so the ratio is the cost of the policy engine on top of detection.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import pipl_guard as pg
from pipl_guard.detect.resident_id import check_character

AT = dt.date(2026, 6, 10)
POLICY: dict[str, Any] = {
    "organization": {"name": "Bench Co.", "individuals_held": 2_000_000, "officer_reported": True},
    "purposes": [
        {
            "id": "crm",
            "legal_basis": "consent",
            "entities": ["PERSON_NAME", "CN_RESIDENT_ID", "CN_MOBILE", "ADDRESS"],
            "retention_days": 365,
            "time_field": "created_at",
            "pipia": True,
        }
    ],
    "destinations": [
        {"id": "db", "kind": "storage", "authentication": True, "encryption_at_rest": True},
        {"id": "db-hashed", "kind": "storage", "authentication": True, "encryption_at_rest": True,
         "require": {"CN_RESIDENT_ID": "hash", "CN_MOBILE": "mask"}},
        {"id": "abroad", "kind": "cross_border", "mechanism": "standard_contract", "authentication": True,
         "encryption_at_rest": True, "pipia": True},
    ],
}
SURNAMES = "王李张刘陈杨黄赵吴周"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军"]


def records(n: int, rng: random.Random) -> list[dict[str, Any]]:
    out = []
    for _ in range(n):
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20_000))  # adults only
        body = f"110105{birth:%Y%m%d}{rng.randrange(1000):03d}"
        out.append(
            {
                "xm": rng.choice(SURNAMES) + rng.choice(GIVEN),
                "sfzh": body + check_character(body),
                "sjhm": f"138{rng.randrange(10**8):08d}",
                "address": "北京市朝阳区建国路88号",
                "created_at": "2026-03-01",
                "consent": {"basic": True, "separate": ["cross_border"]},
            }
        )
    return out


def rate(fn: Any, n: int, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return n / best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=5000)
    args = ap.parse_args()
    recs = records(args.records, random.Random(7))
    policy = pg.Policy.model_validate(POLICY)
    key = pg.Key(bytes(range(32)), id="bench")
    with tempfile.TemporaryDirectory() as tmp:
        guard = pg.Guard(policy, ledger=Path(tmp) / "xb.db", keys=key)
        baseline = rate(lambda: [pg.scan_record({k: v for k, v in r.items() if k != "consent"}) for r in recs], len(recs))
        store = rate(lambda: guard.check(recs, pg.Action("store", "crm", "db", at=AT)), len(recs))
        hashed = rate(lambda: guard.check(recs, pg.Action("store", "crm", "db-hashed", at=AT)), len(recs))
        export = rate(lambda: guard.check(recs, pg.Action("export", "crm", "abroad", at=AT)), len(recs))
        enforce = rate(lambda: guard.enforce(recs, pg.Action("export", "crm", "abroad", at=AT)), len(recs), repeat=1)
    print(f"records: {len(recs)} (5 fields each)")
    print(f"baseline scan_record:              {baseline:10,.0f} records/s")
    for name, r in (
        ("check store", store),
        ("check store + require (2 ops)", hashed),
        ("check export (ledger read)", export),
        ("enforce export (ledger write)", enforce),
    ):
        print(f"{name:34s} {r:10,.0f} records/s   time per record vs baseline {baseline / r:5.2f}x")


if __name__ == "__main__":
    main()
