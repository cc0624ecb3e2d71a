"""Bounded fuzzing in the normal suite, plus replay of inputs the long harness (fuzz/run.py) saved."""

import json
import pathlib

import pytest
from hypothesis import given, settings

from pipl_guard.testing.fuzz import TARGETS, decode_case, encode_case

REGRESSIONS = pathlib.Path(__file__).parents[1] / "fuzz" / "regressions.jsonl"


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_target_returns_or_raises_a_pipl_guard_error(name):
    target = TARGETS[name]

    @settings(max_examples=40, deadline=None)
    @given(target.strategy)
    def prop(value):
        target.call(value)

    prop()


def test_saved_regressions_replay():
    lines = [json.loads(line) for line in REGRESSIONS.read_text("utf-8").splitlines() if line.strip()]
    for case in lines:
        TARGETS[case["target"]].call(decode_case(case["input"]))


@given(TARGETS["scan_record"].strategy)
@settings(max_examples=30, deadline=None)
def test_case_encoding_round_trips(value):
    # floats NaN compare unequal to themselves; compare encodings instead
    assert encode_case(decode_case(encode_case(value))) == encode_case(value)
