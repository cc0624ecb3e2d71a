"""pg.risk.suggest: the least generalization reaching k, checked against brute force and by re-measuring."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipl_guard as pg
from pipl_guard import synth
from pipl_guard.errors import InputError
from pipl_guard.report import hierarchies as hz
from pipl_guard.report.risk import Suggestion, _Lattice, _Table, resolve_quasi_identifiers, risk, suggest

ON = dt.date(2026, 6, 1)
QIS = ["csrq", "xb", "hjdz", "mz"]


@pytest.fixture(scope="module")
def leak() -> list[dict[str, Any]]:
    return synth.leak_records(random.Random(11), 600, schema="pinyin")


def _suppressed_at(records: list[dict[str, Any]], names: list[str], node: tuple[int, ...], k: int) -> int:
    """Brute force: generalize every record at ``node`` and count records in classes below k."""
    table = _Table(records)
    qis = resolve_quasi_identifiers(table, names)
    cols = []
    for q, lv in zip(qis, node, strict=True):
        col = table.column(q.path)
        if q.component:
            col = [hz.id_component(v, q.component) for v in col]
        cols.append([hz.generalize(q.kind, v, lv, as_of=ON) for v in col])
    sizes = Counter(zip(*cols, strict=True))
    return sum(s for s in sizes.values() if s < k)


@pytest.mark.parametrize(("k", "supp"), [(2, 0.0), (5, 0.0), (5, 0.05), (10, 0.02)])
def test_reaches_promised_k(leak: list[dict[str, Any]], k: int, supp: float) -> None:
    s = suggest(leak, k=k, max_suppression=supp, quasi_identifiers=QIS, as_of=ON)
    assert s.reached
    assert s.suppressed <= supp * len(leak)
    out = s.apply(leak)
    assert len(out) == len(leak) - s.suppressed
    after = risk(out, s.quasi_identifiers)
    assert after.k >= k
    assert after.records_below_threshold == 0 or after.threshold > k
    # the search's own count agrees with brute force
    node = tuple(s.levels[q] for q in s.quasi_identifiers)
    assert _suppressed_at(leak, s.quasi_identifiers, node, k) == s.suppressed


def test_minimal(leak: list[dict[str, Any]]) -> None:
    k, supp = 5, 0.02
    s = suggest(leak, k=k, max_suppression=supp, quasi_identifiers=QIS, as_of=ON)
    node = tuple(s.levels[q] for q in QIS)
    budget = int(supp * len(leak))
    # every one-step-less-generalized node fails: the choice is a minimal k-anonymous node
    for j in range(len(node)):
        if node[j]:
            lower = (*node[:j], node[j] - 1, *node[j + 1:])
            assert _suppressed_at(leak, QIS, lower, k) > budget
    # and no node with a smaller generalization loss reaches k (exhaustive over the small lattice)
    heights = [hz.height(hz.kind_of_field(q) or "flat") for q in QIS]
    for cand in itertools.product(*(range(h + 1) for h in heights)):
        loss = sum(lv / h for lv, h in zip(cand, heights, strict=True)) / len(cand)
        if loss < s.loss - 1e-9:
            assert _suppressed_at(leak, QIS, cand, k) > budget


def test_untouched_when_already_k_anonymous() -> None:
    rows = [{"yb": "100080", "xb": "男"}] * 5 + [{"yb": "100081", "xb": "女"}] * 5
    s = suggest(rows, k=5, quasi_identifiers=["yb", "xb"])
    assert s.reached and s.levels == {"yb": 0, "xb": 0} and s.loss == 0 and s.suppressed == 0


def test_unreachable() -> None:
    rows = [{"yb": "100080"}, {"yb": "100081"}]
    s = suggest(rows, k=3, quasi_identifiers=["yb"])
    assert not s.reached
    assert s.levels == {"yb": hz.height("postcode")}
    # allowing everything to be suppressed makes it "reachable" with an empty release
    s2 = suggest(rows, k=3, max_suppression=1.0, quasi_identifiers=["yb"])
    assert s2.reached and s2.apply(rows) == []


def test_resident_id_bundle_and_operator(leak: list[dict[str, Any]]) -> None:
    s = suggest(leak, k=5, max_suppression=0.02, quasi_identifiers=["gmsfhm"], as_of=ON)
    assert s.quasi_identifiers == ["gmsfhm:region", "gmsfhm:birth_date", "gmsfhm:gender"]
    out = s.apply(leak)
    ids = {r["gmsfhm"] for r in leak}
    assert not any(r["gmsfhm"] in ids for r in out)  # the ID itself is gone
    assert risk(out, s.quasi_identifiers).k >= 5
    assert isinstance(s.operators["gmsfhm"], hz.ResidentIdGeneralize)


def test_deidentifier_matches_apply_without_suppression(leak: list[dict[str, Any]]) -> None:
    s = suggest(leak, k=3, quasi_identifiers=["csrq", "xb"], as_of=ON)
    assert s.suppressed == 0
    deid = s.deidentifier
    assert isinstance(deid, pg.Deidentifier)
    assert list(deid.records(leak)) == s.apply(leak)


def test_numpy_and_pure_python_agree(leak: list[dict[str, Any]]) -> None:
    table = _Table(leak)
    qis = resolve_quasi_identifiers(table, QIS)
    fast = _Lattice(table, qis, ON)
    slow = _Lattice(table, qis, ON)
    slow.np = None  # type: ignore[assignment]  # force the pure-Python path
    slow.raw = [list(map(int, r)) for r in slow.raw]
    slow.maps = [[list(map(int, m)) for m in ms] for ms in slow.maps]
    for node in [(0, 0, 0, 0), (1, 0, 2, 1), (3, 1, 1, 0), (4, 1, 4, 2)]:
        assert sorted(int(x) for x in fast.sizes(node)) == sorted(slow.sizes(node))


def test_tables(leak: list[dict[str, Any]]) -> None:
    import pandas as pd

    a = suggest(pd.DataFrame(leak), k=5, quasi_identifiers=QIS, as_of=ON)
    b = suggest(leak, k=5, quasi_identifiers=QIS, as_of=ON)
    assert a == b


def test_bad_input(leak: list[dict[str, Any]]) -> None:
    with pytest.raises(InputError, match="nope"):
        suggest(leak, quasi_identifiers=["nope"])
    with pytest.raises(InputError):
        suggest(leak, k=0)
    with pytest.raises(InputError):
        suggest(leak, max_suppression=2)


def test_empty() -> None:
    s = suggest([], k=5, quasi_identifiers=["csrq"])
    assert s.records == 0 and s.apply([]) == []


def test_is_attached_to_risk() -> None:
    assert pg.risk.suggest is suggest
    assert isinstance(suggest([{"a": 1}] * 3, k=2, quasi_identifiers=["a"]), Suggestion)


@settings(max_examples=15, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=2, max_value=12), st.sampled_from([0.0, 0.03]))
def test_promise_holds_on_generated_data(seed: int, k: int, supp: float) -> None:
    rng = random.Random(seed)
    rows = [
        {"csrq": synth.birth_date_text(rng, dt.date(1950 + rng.randrange(70), 1 + rng.randrange(12), 1 + rng.randrange(28))),
         "xb": rng.choice("男女"), "yzbm": f"{rng.choice(['10', '20', '51'])}{rng.randrange(10000):04d}"}
        for _ in range(rng.randrange(20, 150))
    ]
    s = suggest(rows, k=k, max_suppression=supp, quasi_identifiers=["csrq", "xb", "yzbm"], as_of=ON)
    assert s.reached  # at least 20 rows and k <= 12: the all-* node always qualifies
    out = s.apply(rows)
    assert len(rows) - len(out) == s.suppressed <= supp * len(rows)
    assert risk(out, s.quasi_identifiers).k >= k
