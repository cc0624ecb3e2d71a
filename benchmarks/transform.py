"""Transform throughput: values/s per operator over N values, with hashlib.sha256 as same-run baseline.

    /work/venv/bin/python benchmarks/transform.py            # N = 1,000,000
    /work/venv/bin/python benchmarks/transform.py --n 200000 # quicker

Targets (SPEC / issue 4): mask and HMAC >= 300,000/s per core, pseudonymize >= 100,000/s, tokenize >= 50,000/s
batched. The run also checks that 1,000,000 distinct resident IDs give 1,000,000 distinct valid pseudonyms.
The key is random per run (a benchmark needs no fixed key). Rates are values per CPU-second of this process
(per core), with the SQLite tokenize rows also shown per wall-clock second (they wait on disk).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import tempfile
import time
from collections.abc import Callable, Sequence

import pipl_guard as pg
from pipl_guard.detect import resident_id
from pipl_guard.transform.pseudonym import _id_regions, id_check
from pipl_guard.transform.vault import open_vault

_HERE = os.path.dirname(os.path.abspath(__file__))


def make_ids(n: int, seed: int = 42) -> list[str]:
    rnd = random.Random(seed)
    codes = _id_regions()[0]
    out: set[str] = set()
    while len(out) < n:
        born = dt.date(1940, 1, 1) + dt.timedelta(days=rnd.randrange(28_000))
        body = f"{rnd.choice(codes)}{born:%Y%m%d}{rnd.randrange(1000):03d}"
        out.add(body + id_check(body))
    values = list(out)
    rnd.shuffle(values)
    return values


def make_mobiles(n: int, seed: int = 43) -> list[str]:
    rnd = random.Random(seed)
    prefixes = ["138", "139", "150", "186", "137", "159", "188", "177", "199", "135"]
    return [rnd.choice(prefixes) + f"{rnd.randrange(10**8):08d}" for _ in range(n)]


def timed(fn: Callable[[], object]) -> float:
    """CPU seconds of this process: "per core" throughput that other load on the machine does not skew
    (wall-clock figures on a shared machine swing several-fold)."""
    t = time.process_time()
    fn()
    return time.process_time() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--batch", type=int, default=10_000, help="tokenize batch size")
    ap.add_argument("--only", choices=("all", "tokenize"), default="all", help="run only some rows")
    args = ap.parse_args()
    n = args.n
    print(f"generating {n:,} resident IDs and mobiles ...", flush=True)
    ids = make_ids(n)
    mobiles = make_mobiles(n)
    key = pg.Key.generate(id="bench")

    base = timed(lambda: [hashlib.sha256(v.encode()).hexdigest() for v in mobiles])
    base_rate = n / base
    rows: list[tuple[str, float, float | None]] = [("hashlib.sha256 baseline", base_rate, None)]

    def bench(name: str, fn: Callable[[], Sequence[str]], target: float | None) -> Sequence[str]:
        """Time ``fn`` over all N values (operators are warmed up on a few values first)."""
        out: list[Sequence[str]] = []
        secs = timed(lambda: out.append(fn()))
        rate = n / secs
        rows.append((name, rate, target))
        ok = "" if target is None else ("  ok" if rate >= target else "  BELOW TARGET")
        print(f"{name:42s} {rate:12,.0f}/s  {rate / base_rate:5.2f}x baseline{ok}", flush=True)
        return out[0]

    print(f"{'hashlib.sha256 baseline':42s} {base_rate:12,.0f}/s")
    if args.only == "all":
        run_operators(n, ids, mobiles, key, bench, base_rate)
    run_tokenize(n, mobiles, key, bench, args.batch)


Bench = Callable[[str, Callable[[], Sequence[str]], "float | None"], Sequence[str]]


def run_operators(
    n: int, ids: list[str], mobiles: list[str], key: pg.Key, bench: Bench, base_rate: float
) -> None:
    bench(
        "mask CN_MOBILE (Mask().apply_many)", lambda: pg.ops.Mask().apply_many(mobiles, "CN_MOBILE"), 300_000
    )
    bench("mask CN_RESIDENT_ID", lambda: pg.ops.Mask().apply_many(ids, "CN_RESIDENT_ID"), 300_000)
    bench("HMAC-SM3 (Hash)", lambda: pg.ops.Hash(key).apply_many(mobiles), 300_000)
    bench("HMAC-SHA256 (Hash)", lambda: pg.ops.Hash(key, "hmac-sha256").apply_many(mobiles), 300_000)
    bench("SM4-GCM encrypt", lambda: pg.ops.Encrypt(key).apply_many(mobiles), None)
    bench("AES-GCM-SIV encrypt", lambda: pg.ops.Encrypt(key, "aes-gcm-siv").apply_many(mobiles), None)
    p = pg.ops.Pseudonymize(key)
    p.apply_many(ids[:100], "CN_RESIDENT_ID")  # warm-up: builds the date tables and the mobile blocks
    p.apply_many(mobiles[:100], "CN_MOBILE")
    pg.ops.Mask().apply_many(mobiles[:100], "CN_MOBILE")
    sample = ids[: max(1, n // 10)]
    t = timed(lambda: [p.apply_as(v, "CN_RESIDENT_ID") for v in sample])
    single = len(sample) / t
    print(
        f"{'pseudonymize ID, one at a time':42s} {single:12,.0f}/s  {single / base_rate:5.2f}x baseline"
        f" (on {len(sample):,})",
        flush=True,
    )
    out_ids = bench(
        "pseudonymize CN_RESIDENT_ID (apply_many)", lambda: p.apply_many(ids, "CN_RESIDENT_ID"), 100_000
    )
    bench("pseudonymize CN_MOBILE (apply_many)", lambda: p.apply_many(mobiles, "CN_MOBILE"), 100_000)

    distinct = len(set(out_ids))
    checked = sum(resident_id.is_valid(v) for v in out_ids[:: max(1, n // 100_000)])
    print(
        f"bijection: {n:,} distinct IDs -> {distinct:,} distinct pseudonyms; "
        f"{checked:,} of {len(out_ids[:: max(1, n // 100_000)]):,} sampled outputs valid",
        flush=True,
    )


def run_tokenize(n: int, mobiles: list[str], key: pg.Key, bench: Bench, batch: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for alg in ("sm4-gcm", "aes-gcm-siv"):
            vault = open_vault(os.path.join(tmp, f"{alg}.db"), key, algorithm=alg)
            tk = pg.ops.Tokenize(vault)

            def run(tk: pg.ops.Tokenize = tk, b: int = batch) -> list[str]:
                out: list[str] = []
                for i in range(0, n, b):
                    out.extend(tk.apply_many(mobiles[i : i + b], "CN_MOBILE"))
                return out

            t0 = time.perf_counter()
            bench(f"tokenize new values, SQLite, {alg}, batch {batch:,}", run, 50_000)
            print(f"{'':42s} {n / (time.perf_counter() - t0):12,.0f}/s wall clock", flush=True)
            t0 = time.perf_counter()
            bench(f"tokenize known values, SQLite, {alg}", run, 50_000)
            print(f"{'':42s} {n / (time.perf_counter() - t0):12,.0f}/s wall clock", flush=True)
            vault.close()


if __name__ == "__main__":
    main()
