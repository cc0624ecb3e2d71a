"""Long-running fuzz harness: ``python fuzz/run.py --minutes 10 [--target scan_text ...]``.

Runs each target of ``pipl_guard.testing.fuzz.TARGETS`` with Hypothesis for its share of the time
budget. Every input must give a result or a ``PiplGuardError``; any other exception is a bug. The
shrunk failing input is appended to ``fuzz/regressions.jsonl``, which ``tests/test_fuzz.py`` replays on
every test run, so a bug found once stays fixed.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys
import time
import traceback
from typing import Any

from hypothesis import HealthCheck, given, settings

from pipl_guard.testing.fuzz import TARGETS, Target, encode_case

REGRESSIONS = pathlib.Path(__file__).with_name("regressions.jsonl")


def fuzz_one(target: Target, seconds: float) -> bool:
    """Run rounds of 500 examples (fresh random seed each) until the time share is used up."""
    last: list[Any] = [None]

    @settings(max_examples=500, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(target.strategy)
    def prop(value: Any) -> None:
        last[0] = value  # after shrinking, hypothesis replays the minimal example last
        target.call(value)

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            prop()
        except Exception as exc:  # a crash that is not a PiplGuardError
            case = {"target": target.name, "input": encode_case(last[0]), "error": type(exc).__name__}
            with REGRESSIONS.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(case, ensure_ascii=True) + "\n")
            print(f"[{target.name}] FAILED with {type(exc).__name__}; input saved to {REGRESSIONS}", file=sys.stderr)
            traceback.print_exception(exc, limit=3)
            return False
    return True


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=5.0)
    ap.add_argument("--target", action="append", choices=sorted(TARGETS))
    args = ap.parse_args()
    names = args.target or sorted(TARGETS)
    share = args.minutes * 60 / len(names)
    ok = True
    for name in names:
        t0 = time.monotonic()
        passed = fuzz_one(TARGETS[name], share)
        print(f"{name:<24} {'ok' if passed else 'FAIL'}  {time.monotonic() - t0:6.1f}s")
        ok = ok and passed
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
