"""Speed of ``pg.profile``: records/s on synthetic leak records, with the per-profiler scan memo on and off.

The same-run baseline is ``profile`` with the memo disabled (``MEMO_MAX_CHARS = -1``: every leaf is
scanned, as before the memo existed). Runs are interleaved and the best of ``--repeat`` is kept, so
load from other processes hits both sides alike.

    python benchmarks/profile_speed.py                     # 5,000 pinyin-schema records
    python benchmarks/profile_speed.py --records 20000 --schema chinese
"""

from __future__ import annotations

import argparse
import random
import sys
import time

import pipl_guard as pg
from pipl_guard import record, synth


def timed(records: list[dict[str, str]], memo: bool) -> tuple[float, pg.Profile]:
    saved = record.MEMO_MAX_CHARS
    record.MEMO_MAX_CHARS = saved if memo else -1
    try:
        t0 = time.perf_counter()
        p = pg.profile(records)
        return time.perf_counter() - t0, p
    finally:
        record.MEMO_MAX_CHARS = saved


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=5000)
    ap.add_argument("--schema", default="pinyin", choices=["pinyin", "chinese", "english"])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    recs = synth.leak_records(random.Random(1), args.records, schema=args.schema)
    pg.profile(recs[:100])  # imports, compiled patterns, caches
    best = {True: float("inf"), False: float("inf")}
    results: dict[bool, pg.Profile] = {}
    for _ in range(args.repeat):
        for memo in (False, True):
            seconds, results[memo] = timed(recs, memo)
            best[memo] = min(best[memo], seconds)
    same = results[True].model_dump(exclude={"as_of"}) == results[False].model_dump(exclude={"as_of"})
    n = len(recs)
    print(f"python {sys.version.split()[0]}; {n:,} {args.schema} records; best of {args.repeat}")
    print(f"profile, memo off (baseline)  {n / best[False]:>9,.0f} records/s")
    print(f"profile, memo on              {n / best[True]:>9,.0f} records/s  ({best[False] / best[True]:.2f}x baseline)"
          f"  same Profile: {same}")


if __name__ == "__main__":
    main()
