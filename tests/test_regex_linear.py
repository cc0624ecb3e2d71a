"""Patterns that once backtracked quadratically on crafted input now finish on 200,000-character inputs.

Not a speed test: each case runs in a child process that is given a minute; a quadratic pattern needs
hours at this size, so the child is still running when the minute is up and the test fails.
"""

import multiprocessing as mp

import pytest

N = 200_000

CASES = {
    "logging prefilter, coordinate shape": ("pipl_guard.logging", "_DIGIT_SHAPES", "search", "1.1" + " " * N + "x"),
    "report hierarchy, dates": ("pipl_guard.report.hierarchies", "_DATE", "search", "2020" + " " * N + "x"),
    "report hierarchy, ages": ("pipl_guard.report.hierarchies", "_INT", "search", "1" + " " * N + "x"),
    "geo mask decimals": ("pipl_guard.transform.masks", "_GEO_DECIMALS", "sub", "1" * N),
    "field path indices": ("pipl_guard.detect.fields", "_INDEX", "sub", "[" * N),
}


def _run(module: str, name: str, how: str, text: str) -> None:
    import importlib

    rx = getattr(importlib.import_module(module), name)
    if how == "sub":
        rx.sub("", text)
    else:
        rx.search(text)


@pytest.mark.parametrize("case", sorted(CASES))
def test_pattern_is_linear_on_crafted_input(case):
    proc = mp.get_context("spawn").Process(target=_run, args=CASES[case])
    proc.start()
    proc.join(60)
    still_running = proc.is_alive()
    if still_running:
        proc.kill()
        proc.join()
    assert not still_running, f"{case}: pattern still running after 60 s on {N:,} characters"
    assert proc.exitcode == 0
