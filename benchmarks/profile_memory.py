"""Memory of the distinct-individual count in ``Profiler``: exact sets up to ``exact_limit``, then HyperLogLog.

Scanning is not what grows with a file's size; the set of people is. This feeds resident-ID keys straight
into a ``Profiler``'s people counter (the same call ``Profiler.add`` makes per resident-ID finding) in fresh
child processes, so each peak RSS is its own, and prints peak RSS for:

* ``library``   — ``import pipl_guard`` and profile a few records (the floor);
* ``baseline``  — the previous layout, a dict of 10-byte digest -> (is_minor, province), same people;
* ``exact``     — ``Profiler`` at the cap (``--people`` distinct people, all counted exactly);
* ``overflow``  — ``Profiler`` fed 3x the cap (switches to sketches; peak stays at the cap's).

    python benchmarks/profile_memory.py                    # cap 1,000,000
    python benchmarks/profile_memory.py --people 200000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CHILD = r"""
import datetime as dt, hashlib, json, resource, sys, time
mode, n = sys.argv[1], int(sys.argv[2])
import pipl_guard as pg
from pipl_guard.record import Profiler, _person_key
pg.profile([{"sfzh": "11010519491231002X", "sjhm": "13812345678", "xm": "张伟"}])
PROVINCES = ["北京市", "上海市", "广东省", "浙江省", "四川省", None]
t0 = time.perf_counter()
count = 0
if mode == "baseline":
    people = {}
    for i in range(n):
        rid = f"{110105 + i % 7}{19500101 + i:08d}"
        people[hashlib.blake2b(rid.encode(), digest_size=10).digest()] = (i % 20 == 0, PROVINCES[i % 6])
    count = len(people)
elif mode in ("exact", "overflow"):
    prof = Profiler(as_of=dt.date(2026, 1, 1), exact_limit=n)
    total = n if mode == "exact" else 3 * n
    for i in range(total):
        rid = f"{110105 + i % 7}{19500101 + i:08d}"
        prof._people.add(_person_key(rid, i % 20 == 0), PROVINCES[i % 6])
    p = prof.result()
    count = p.individuals
    assert p.approximate == (mode == "overflow")
seconds = time.perf_counter() - t0
print(json.dumps({"count": count, "seconds": seconds,
                  "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def run(mode: str, n: int) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, mode, str(n)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return,unused-ignore]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", type=int, default=1_000_000, help="exact_limit and people fed (default 1e6)")
    args = ap.parse_args()
    n = args.people
    print(f"python {sys.version.split()[0]}; {n:,} distinct people at the cap; target peak RSS < 200 MB")
    floor = None
    base = None
    for mode, label in [("library", "import + tiny profile (floor)"),
                        ("baseline", "old dict layout (baseline)"),
                        ("exact", f"Profiler exact, {n:,} people"),
                        ("overflow", f"Profiler -> HLL, {3 * n:,} people")]:
        r = run(mode, n)
        rss = r["peak_rss_kb"] / 1024
        floor = floor if floor is not None else rss
        extra = rss - floor
        if mode == "baseline":
            base = extra
        ratio = f"  ({extra / base:.2f}x baseline growth)" if base and mode != "library" else ""
        print(f"{label:<38} count {r['count']:>11,.0f}  {r['seconds']:6.1f} s  peak RSS {rss:6.1f} MB"
              f"  (+{extra:6.1f} MB over floor){ratio}{'' if rss < 200 else '  OVER TARGET'}")


if __name__ == "__main__":
    main()
