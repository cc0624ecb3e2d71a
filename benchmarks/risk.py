"""Benchmark: ``pg.risk`` and ``pg.risk.suggest`` on generated records (seconds and peak memory).

Run: ``python benchmarks/risk.py`` (100,000 and 1,000,000 records) or ``python benchmarks/risk.py --n 100000``.

Records carry a resident ID, a birth date, a sex, a GB/T 2260 county code and a postcode, drawn at random
(seeded). The baseline, measured in the same run, is one bare ``collections.Counter`` over the raw
quasi-identifier tuples (what a hand-written k check costs); ``risk`` is reported as a ratio to it. Times are CPU seconds
(``process_time``, robust on a shared machine) with wall seconds in brackets.
Peak memory is ``tracemalloc``'s peak of allocations during a second run of the call (numpy buffers
included; the input records themselves are not counted).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from typing import Any

from stdnum.cn.ric import calc_check_digit

from pipl_guard.detect import regions
from pipl_guard.report.risk import risk, suggest

QIS = ["csrq", "xb", "xzqh", "yzbm"]
AS_OF = dt.date(2026, 1, 1)


def make_records(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    codes = regions.county_codes()
    # a skewed population: most people in a few hundred counties, like a real customer table
    popular = rng.sample(codes, 300)
    start = dt.date(1940, 1, 1).toordinal()
    span = dt.date(2020, 12, 31).toordinal() - start
    out = []
    for _ in range(n):
        code = rng.choice(popular) if rng.random() < 0.9 else rng.choice(codes)
        birth = dt.date.fromordinal(start + rng.randrange(span))
        male = rng.random() < 0.5
        seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
        body = f"{code}{birth:%Y%m%d}{seq:03d}"
        out.append(
            {
                "sfzh": body + calc_check_digit(body + "0"),
                "csrq": birth.isoformat(),
                "xb": "男" if male else "女",
                "xzqh": code,
                "yzbm": f"{code[:2]}{rng.randrange(10000):04d}",
            }
        )
    return out


def measure(fn: Callable[[], Any], memory: bool = True) -> tuple[Any, float, float, float]:
    """CPU seconds of one plain run (``process_time``: on a shared machine wall time measures the neighbours;
    the wall time is printed too); peak MiB from a second run under tracemalloc (which slows it down)."""
    t0, w0 = time.process_time(), time.perf_counter()
    result = fn()
    seconds = time.process_time() - t0
    wall = time.perf_counter() - w0
    peak = 0.0
    if memory:
        tracemalloc.start()
        fn()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return result, seconds, wall, peak


def run(n: int, k: int, max_suppression: float) -> None:
    records = make_records(n)
    print(f"\n== {n:,} records, quasi-identifiers {QIS}")
    _, base_s, base_w, _ = measure(lambda: Counter((r["csrq"], r["xb"], r["xzqh"], r["yzbm"]) for r in records), memory=False)
    print(f"baseline  Counter over raw tuples       {base_s:8.2f} s cpu ({base_w:.2f} s wall)")
    rep, s, w, mem = measure(lambda: risk(records, QIS))
    print(f"risk      k={rep.k} classes={rep.classes:,}       {s:8.2f} s cpu ({w:.2f} s wall)  peak {mem:7.1f} MiB  "
          f"ratio {s / base_s:5.1f}x")
    sug, s, w, mem = measure(lambda: suggest(records, k=k, max_suppression=max_suppression, quasi_identifiers=QIS, as_of=AS_OF))
    print(
        f"suggest   k={k} supp<={max_suppression:.0%} levels={sug.level_names} suppressed={sug.suppressed:,} "
        f"grouped {sug.checked}/{sug.lattice_size} nodes   {s:8.2f} s cpu ({w:.2f} s wall)  peak {mem:7.1f} MiB"
    )
    _, s, w, mem = measure(lambda: risk(records, ["sfzh"]))
    print(f"risk      resident-ID bundle (3 QIs)      {s:8.2f} s cpu ({w:.2f} s wall)  peak {mem:7.1f} MiB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--n", type=int, action="append", help="number of records (repeatable)")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--max-suppression", type=float, default=0.02)
    args = ap.parse_args()
    for n in args.n or [100_000, 1_000_000]:
        run(n, args.k, args.max_suppression)


if __name__ == "__main__":
    main()
