"""Regenerate ``leak_sample.csv``: a small synthetic leak-shaped table (all values made up).

Run once from the repository root: ``python examples/data/make_sample.py [OUT.csv]``. The output is
committed so the examples run without generating anything; the seed makes it reproducible for a given
version of ``pipl_guard.synth``.

The columns follow the pinyin initials of Chinese government systems, as in the 2022 leak of a police
database: xm (name), gmsfhm (resident ID), sjhm (mobile), hjdz (household address), csrq (birth date),
mz (ethnicity), xb (sex), zp (photo link).
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

from pipl_guard.synth import leak_records

ROWS = 400
SEED = 20260101


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    records = leak_records(random.Random(SEED), ROWS, schema="pinyin")
    out = Path(args[0]) if args else Path(__file__).with_name("leak_sample.csv")
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    print(f"wrote {len(records)} records to {out}")


if __name__ == "__main__":
    main()
