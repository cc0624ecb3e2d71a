"""Overhead of ``pipl_guard.logging.PIFilter`` per log call, against the same handler without it.

Run: ``python benchmarks/log_filter.py [--calls N]``. Prints, per kind of log line, the CPU time of one
``logger.info`` call through a ``StreamHandler`` with a ``Formatter`` writing to an in-memory stream,
without and with the filter (same run), the overhead in microseconds and the ratio. Best of 7 alternating repeats.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import platform
import time

import pipl_guard.logging as pglog

LINES: list[tuple[str, str, tuple[object, ...]]] = [
    ("ascii, no PI (typical)", "GET /api/orders/%s completed in %d ms status=%d", ("42", 35, 200)),
    ("ascii, key=value", "cache miss key=%s region=%s retries=%d", ("user:profile", "eu-west-1", 3)),
    ("ascii, long number", "order %s shipped, tracking %s", ("202311221530451234", "SF1234567890123")),
    ("ascii, mobile", "sms sent to %s", ("13812345678",)),
    ("chinese, no PI", "订单%s已发货，预计%d天送达", ("A42", 3)),
    ("chinese, ID + mobile", "客户%s，手机%s，身份证号%s", ("张三", "13812345678", "11010519491231002X")),
]


def _logger(name: str, with_filter: bool) -> logging.Logger:
    log = logging.getLogger(name)
    log.handlers.clear()
    log.filters.clear()
    log.propagate = False
    log.setLevel(logging.INFO)
    handler = logging.StreamHandler(io.StringIO())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    log.addHandler(handler)
    if with_filter:
        pglog.install(log)
    return log


def _once(log: logging.Logger, msg: str, args: tuple[object, ...], calls: int) -> float:
    stream = log.handlers[0].stream  # type: ignore[attr-defined]
    stream.seek(0)
    stream.truncate()
    # CPU time of this process: on a shared machine, wall time measures the neighbours too
    t0 = time.process_time()
    for _ in range(calls):
        log.info(msg, *args)
    return (time.process_time() - t0) / calls * 1e6


def _pair(
    plain: logging.Logger, masked: logging.Logger, msg: str, args: tuple[object, ...], calls: int, repeats: int
) -> tuple[float, float]:
    """Best per-call µs of each logger; runs alternate so a busy machine slows both alike."""
    best_plain = best_masked = float("inf")
    for _ in range(repeats):
        best_plain = min(best_plain, _once(plain, msg, args, calls))
        best_masked = min(best_masked, _once(masked, msg, args, calls))
    return best_plain, best_masked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=7)
    opts = parser.parse_args()
    plain = _logger("bench.plain", with_filter=False)
    masked = _logger("bench.masked", with_filter=True)
    for msg, args in ((m, a) for _k, m, a in LINES):  # warm caches (detector tables, regexes)
        masked.info(msg, *args)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cpus, load {load:.1f}; "
        f"{opts.calls} calls, best of {opts.repeats}"
    )
    print(f"{'line':26s} {'prefilter':>9s} {'plain µs':>9s} {'filter µs':>10s} {'overhead':>9s} {'ratio':>6s}")
    for kind, msg, args in LINES:
        base, with_filter = _pair(plain, masked, msg, args, opts.calls, opts.repeats)
        scanned = "scan" if pglog.might_hold_pi(msg % args) else "skip"
        print(
            f"{kind:26s} {scanned:>9s} {base:9.2f} {with_filter:10.2f} {with_filter - base:9.2f} "
            f"{with_filter / base:6.2f}"
        )
    sample = masked.handlers[0].stream.getvalue().splitlines()[-1]  # type: ignore[attr-defined]
    print("last masked line:", sample.split(" ", 3)[-1])


if __name__ == "__main__":
    main()
