"""Spark scale-out: ``spark.deidentify`` rows/s in ``local[1]`` vs ``local[2]`` (target >= 1.7x).

The same table and Deidentifier as ``benchmarks/frames.py`` (mask + HMAC), written to Spark's ``noop``
sink so only the transform is timed. Each master runs in its own process (one SparkSession per JVM).
The in-process ``frames.deidentify`` on Arrow is printed as the same-run baseline.

    python benchmarks/spark.py                  # 1,000,000 rows
    python benchmarks/spark.py --rows 200000

Each master warms all its Python workers first, times ``--repeat`` runs (best counts) and an identity
``mapInArrow`` pass (Spark's own data path: on a 2-core machine the JVM shares the cores with the
workers, so its share of the time bounds how far local[2] can scale).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

_HERE = os.path.dirname(os.path.abspath(__file__))

CHILD = r"""
import json, os, sys, time
import importlib.util
spec = importlib.util.spec_from_file_location("bench_frames", os.path.join(os.environ["PG_BENCH_DIR"], "frames.py"))
bench = importlib.util.module_from_spec(spec); spec.loader.exec_module(bench)
deidentifier = bench.deidentifier
master, path, partitions = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.environ["PYSPARK_PYTHON"] = sys.executable
from pyspark.sql import SparkSession
from pipl_guard import spark as pgs
t0 = time.perf_counter()
spark = (SparkSession.builder.master(master).appName("pipl_guard-bench")
         .config("spark.ui.enabled", "false").config("spark.sql.execution.arrow.maxRecordsPerBatch", "50000")
         .getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
start = time.perf_counter() - t0
sdf = spark.read.parquet(path).repartition(partitions).cache()
n = sdf.count()
deid = deidentifier()
# warm every Python worker (a sample keeps all partitions, so each worker runs tasks; .limit() would not)
pgs.deidentify(sdf.sample(fraction=0.01, seed=1), deid).write.format("noop").mode("overwrite").save()
# Spark's own cost for the same data path: cached rows -> Arrow -> Python worker -> back, no transform
t0 = time.perf_counter()
sdf.mapInArrow(lambda it: it, sdf.schema).write.format("noop").mode("overwrite").save()
identity = time.perf_counter() - t0
dt = float("inf")
for _ in range(int(sys.argv[4])):  # best of N: the least disturbed run on a shared machine
    t0 = time.perf_counter()
    pgs.deidentify(sdf, deid).write.format("noop").mode("overwrite").save()
    dt = min(dt, time.perf_counter() - t0)
spark.stop()
print(json.dumps({"rows": n, "seconds": dt, "startup": start, "identity": identity}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--partitions", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=2, help="timed runs per master; the best counts")
    args = ap.parse_args()

    import importlib.util

    import pyarrow.parquet as pq

    spec = importlib.util.spec_from_file_location("bench_frames", os.path.join(_HERE, "frames.py"))
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    deidentifier, make_table = bench.deidentifier, bench.make_table
    from pipl_guard import frames

    table = make_table(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "table.parquet")
        pq.write_table(table, path)
        deid = deidentifier()
        frames.deidentify(table.slice(0, 1000), deid)  # warm-up: detector data, regexes
        t0 = time.perf_counter()
        frames.deidentify(table, deid)
        base = args.rows / (time.perf_counter() - t0)
        print(f"{args.rows:,} rows; in-process frames.deidentify (arrow, baseline): {base:,.0f} rows/s")
        rates: dict[str, float] = {}
        identity_s: dict[str, float] = {}
        for master in ("local[1]", "local[2]"):
            env = {**os.environ, "PG_BENCH_DIR": _HERE}
            out = subprocess.run([sys.executable, "-c", CHILD, master, path, str(args.partitions), str(args.repeat)],
                                 capture_output=True, text=True, env=env, check=False)
            if out.returncode != 0:
                print(out.stderr[-3000:], file=sys.stderr)
                raise SystemExit(f"{master} failed")
            r = json.loads(out.stdout.strip().splitlines()[-1])
            rates[master] = r["rows"] / r["seconds"]
            identity_s[master] = r["identity"]
            print(f"spark {master:<9} {rates[master]:>12,.0f} rows/s  ({r['seconds']:.1f} s; session start {r['startup']:.1f} s)"
                  f"  {rates[master] / base:.2f}x in-process; identity mapInArrow (Spark's own cost) {r['identity']:.1f} s")
        ratio = rates["local[2]"] / rates["local[1]"]
        # the JVM shares the machine's cores with the Python workers: its share of the work bounds the scaling
        share = identity_s["local[1]"] / (args.rows / rates["local[1]"])
        print(f"Spark's own data path (identity mapInArrow) = {share:.0%} of the local[1] time")
        print(f"local[2] / local[1] = {ratio:.2f}x (target >= 1.7x: {'met' if ratio >= 1.7 else 'NOT met'}); "
              f"cores on this machine: {os.cpu_count()}")


if __name__ == "__main__":
    main()
