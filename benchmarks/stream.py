"""Streaming memory: profile a generated multi-GB JSONL file and print the peak RSS (target < 200 MB).

Generates the file once (``--size``, default 2 GB; reused when present), then in fresh child processes
(so each peak RSS is its own) runs (1) ``io.read`` alone, (2) ``pg.profile`` over ``io.read``. Prints
MB/s, records/s and peak RSS; the same-run baseline is the bare ``for line in file: json.loads(line)``
loop, which streams by construction.

    python benchmarks/stream.py                       # 2 GB
    python benchmarks/stream.py --size 200MB          # quicker
    python benchmarks/stream.py --size 5GB --path /big/disk/people.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"
REGIONS = ["110105", "310101", "440305", "330106", "510107"]
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def parse_size(text: str) -> int:
    units = {"KB": 10**3, "MB": 10**6, "GB": 10**9, "K": 10**3, "M": 10**6, "G": 10**9}
    t = text.strip().upper()
    for u in sorted(units, key=len, reverse=True):
        if t.endswith(u):
            return int(float(t[: -len(u)]) * units[u])
    return int(t)


def resident_id(rng: random.Random) -> str:
    body = f"{rng.choice(REGIONS)}{rng.randint(1950, 2015)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, W, strict=True)) % 11]


def generate(path: str, size: int) -> int:
    rng = random.Random(42)
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        while fh.tell() < size:
            lines = []
            for _ in range(2000):
                n += 1
                lines.append(json.dumps({
                    "id": n,
                    "xm": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                    "sfzh": resident_id(rng),
                    "sjhm": f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
                    "address": f"北京市海淀区中关村大街{rng.randint(1, 200)}号",
                    "note": rng.choice(["周末送货", f"备用电话139{rng.randint(0, 99999999):08d}", "放门卫"]),
                }, ensure_ascii=False))
            fh.write("\n".join(lines) + "\n")
    return n


CHILD = r"""
import json, resource, sys, time
mode, path = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
if mode == "baseline":
    n = 0
    with open(path, "rb") as fh:
        for line in fh:
            json.loads(line); n += 1
elif mode == "read":
    from pipl_guard import io
    n = sum(1 for _ in io.read(path))
else:
    import pipl_guard as pg
    from pipl_guard import io
    p = pg.profile(io.read(path))
    n = p.records
dt = time.perf_counter() - t0
print(json.dumps({"records": n, "seconds": dt, "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def run(mode: str, path: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, mode, path], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="2GB", help="file size to generate (e.g. 200MB, 2GB)")
    ap.add_argument("--path", default=None, help="where to put the file (default: temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the generated file")
    ap.add_argument("--skip-profile", action="store_true", help="measure reading only")
    args = ap.parse_args()
    size = parse_size(args.size)
    path = args.path or os.path.join(tempfile.gettempdir(), f"pipl_guard-stream-{size}.jsonl")
    if not os.path.exists(path) or os.path.getsize(path) < size:
        t0 = time.perf_counter()
        n = generate(path, size)
        print(f"generated {path}: {os.path.getsize(path) / 1e9:.2f} GB, {n:,} records in {time.perf_counter() - t0:.0f} s")
    actual = os.path.getsize(path)
    print(f"file: {actual / 1e9:.2f} GB; python {sys.version.split()[0]}; target peak RSS < 200 MB")
    modes = ["baseline", "read"] + ([] if args.skip_profile else ["profile"])
    labels = {"baseline": "bare json.loads loop (baseline)", "read": "pipl_guard.io.read", "profile": "pg.profile(io.read(...))"}
    base = None
    try:
        for mode in modes:
            r = run(mode, path)
            mbs = actual / 1e6 / r["seconds"]
            base = base or mbs
            rss = r["peak_rss_kb"] / 1024
            print(f"{labels[mode]:<34} {r['records']:>12,.0f} records  {mbs:8.1f} MB/s  {r['records'] / r['seconds']:>10,.0f} rec/s"
                  f"  peak RSS {rss:6.1f} MB  ({mbs / base:.2f}x baseline speed){'' if rss < 200 else '  OVER TARGET'}")
    finally:
        if not args.keep and not args.path:
            os.unlink(path)


if __name__ == "__main__":
    main()
