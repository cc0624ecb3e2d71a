"""Pseudonymize a table for analysts: they can still join by person and count by region and age band.

    python examples/pseudonymize_for_analytics.py [FILE] [-o analytics.csv]

Without FILE, 3,000 leak-shaped customer records are generated with ``pipl_guard.synth`` (seeded): the
400-row sample in ``examples/data`` is too small to keep province x age band at k=5 (31 provinces x 10
bands is more cells than it has records), which is itself the lesson: k-anonymity costs detail on small
tables.

Steps: measure the re-identification risk of the raw table over its quasi-identifiers (birth date, sex,
household address, ethnicity); ask ``pg.risk.suggest`` for the least generalization of birth date and
address, never coarser than age band and province (what analysts need), that reaches k=5 with at most 5%
of records suppressed; drop what analysts do not need (name, photo, sex, ethnicity: PIPL Art. 6 minimum
necessary); replace resident ID and mobile by keyed hashes that still join; measure again; then show a
join on the hashed ID and counts by province and age band. No raw value is printed.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter

import pipl_guard as pg
from pipl_guard import synth
from pipl_guard.io import read, write

QIS = ["csrq", "xb", "hjdz", "mz"]
K = 5
ROWS = 3000


def _band_start(band: str) -> int:
    head = band.split("-", 1)[0]
    return int(head) if head.isdigit() else -1


def show(label: str, r: pg.RiskReport) -> None:
    print(f"{label:<14} records={r.records:<5} classes={r.classes:<5} k={r.k:<3} "
          f"below_{r.threshold}={r.records_below_threshold:<5} prosecutor_max={r.prosecutor_max:.3f} "
          f"prosecutor_avg={r.prosecutor_avg:.3f} marketer={r.marketer:.3f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="De-identify a table for analytics and measure the risk.")
    ap.add_argument("file", nargs="?", help="CSV/JSON/JSONL/Parquet with leak-shaped columns (default: generated)")
    ap.add_argument("-o", "--output", default="analytics.csv")
    args = ap.parse_args(argv)
    records = list(read(args.file)) if args.file else synth.leak_records(random.Random(2026), ROWS, schema="pinyin")

    before = pg.risk(records, QIS, threshold=K)
    show("raw table", before)

    s = pg.risk.suggest(records, k=K, max_suppression=0.05, quasi_identifiers=["csrq", "hjdz"],
                        max_levels={"csrq": 3, "hjdz": 3})
    print(f"suggest k={K}: reached={s.reached} levels={s.level_names} "
          f"suppressed={s.suppressed} ({s.suppressed_share:.1%})")

    # demo key: in production load it from a KMS or a file (pg.Key.from_file / from_env)
    key = pg.Key(b"analytics pseudonym key 2026 !!!", id="analytics-2026")
    identifiers = {
        "gmsfhm": pg.ops.Hash(key, "hmac-sha256"),  # the join key: same ID, same hash
        "sjhm": pg.ops.Hash(key, "hmac-sha256"),
        "xm": pg.ops.Redact(),
        "zp": pg.ops.Redact(),
        "xb": pg.ops.Redact(),
        "mz": pg.ops.Redact(),
    }
    hasher = pg.Deidentifier(fields=identifiers)
    # suppression needs the whole table, so generalize + suppress first, then transform the identifiers;
    # for a stream without suppression, pg.Deidentifier(fields={**identifiers, **s.operators}) does both
    final = list(hasher.records(s.apply(records)))
    after = pg.risk(final, QIS, threshold=K)
    show("de-identified", after)
    print(f"k-anonymous at k={K}: {after.is_k_anonymous(K)}")

    # join: a second table keyed by the same resident IDs, hashed with the same key, lines up
    visits = [{"gmsfhm": r["gmsfhm"], "visits": i % 4} for i, r in enumerate(records[:50])]
    hashed = {v["gmsfhm"] for v in hasher.records(visits)}
    kept = {r["gmsfhm"] for r in final}
    print(f"join on hashed gmsfhm: {len(hashed & kept)} of {len(visits)} visit rows matched "
          f"({len(visits) - len(hashed & kept)} belong to suppressed records)")
    raw_ids = {r["gmsfhm"] for r in records}
    print(f"raw resident IDs left in the output: {sum(1 for r in final if r['gmsfhm'] in raw_ids)}")

    by_place = Counter(r["hjdz"] for r in final)
    by_band = Counter(r["csrq"] for r in final)
    print("count by province (top 3):", ", ".join(f"{k}={v}" for k, v in by_place.most_common(3)))
    bands = sorted(by_band.items(), key=lambda kv: _band_start(kv[0]))
    print("count by age band:", ", ".join(f"{k}={v}" for k, v in bands))
    n = write(args.output, final)
    print(f"wrote {n} records to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
