"""Bounded memory in ``Profiler``: exact distinct counts up to ``exact_limit``, HyperLogLog beyond it."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipl_guard as pg
from pipl_guard import synth
from pipl_guard.detect import regions
from pipl_guard.record import Profiler
from pipl_guard.sketch import HyperLogLog, hash64

AS_OF = dt.date(2026, 1, 1)


def _ids(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    out: list[str] = []
    for i in range(n):
        # every 4th person a minor, the rest adults, over all provinces
        out.append(synth.resident_id(rng, minor=True if i % 4 == 0 else False, today=AS_OF))
    return out


def _truth(ids: list[str]) -> tuple[int, int, Counter[str]]:
    """Distinct people, minors and people per province, computed independently of the profiler."""
    people = {i.upper() for i in ids}
    minors = 0
    provinces: Counter[str] = Counter()
    for rid in people:
        birth = dt.date(int(rid[6:10]), int(rid[10:12]), int(rid[12:14]))
        age = AS_OF.year - birth.year - ((AS_OF.month, AS_OF.day) < (birth.month, birth.day))
        minors += age < 14
        r = regions.lookup(rid[:2] + "0000")
        if r is not None:
            provinces[r.province] += 1
    return len(people), minors, provinces


IDS = _ids(7, 2400)


def _profile(ids: list[str], limit: int) -> Profiler:
    prof = Profiler(as_of=AS_OF, exact_limit=limit)
    for rid in ids:
        prof.add({"sfzh": rid, "note": "备注"})
    return prof


def test_exact_at_and_below_the_cap() -> None:
    people, minors, provinces = _truth(IDS)
    for limit in (people, people + 1, 10**6):
        p = _profile(IDS + IDS[:100], limit).result()
        assert not p.approximate
        assert (p.individuals, p.minors) == (people, minors)
        assert p.regions == dict(provinces)


def test_one_past_the_cap_switches_to_sketches_and_stays_close() -> None:
    people, minors, provinces = _truth(IDS)
    prof = _profile(IDS, people - 1)
    p = prof.result()
    assert p.approximate and prof.approximate
    assert p.records == len(IDS)
    assert abs(p.individuals - people) <= 0.02 * people
    assert abs(p.minors - minors) <= 0.02 * minors
    assert set(p.regions) == set(provinces)
    for name, n in provinces.items():
        assert abs(p.regions[name] - n) <= max(2, 0.02 * n), name


def test_hll_error_within_two_percent_on_200k_distinct_keys() -> None:
    n = 200_000
    h = HyperLogLog()
    for i in range(n):
        h.add(f"person-{i}")
    for i in range(0, n, 3):  # repeats do not count
        h.add(f"person-{i}")
    assert abs(len(h) - n) <= 0.02 * n


def test_profiler_with_small_cap_estimates_200k_people_within_two_percent() -> None:
    # drives the profiler's people counter directly: scanning 200k records would make the test slow
    n = 200_000
    prof = Profiler(as_of=AS_OF, exact_limit=1_000)
    counter = prof._people
    for i in range(n):
        counter.add(hash64(f"id-{i}") & ~1 | (i % 10 == 0), "北京市" if i % 2 else "广东省")
    individuals, minors, by_province = counter.totals()
    assert counter.approximate
    assert abs(individuals - n) <= 0.02 * n
    assert abs(minors - n // 10) <= 0.02 * (n // 10)
    assert abs(by_province["北京市"] - n // 2) <= 0.02 * (n // 2)


def test_merge_of_sketches_equals_sketch_of_the_union() -> None:
    keys = [f"k{i}" for i in range(30_000)]
    a, b, union = HyperLogLog(), HyperLogLog(), HyperLogLog()
    for k in keys[:20_000]:
        a.add(k)
    for k in keys[10_000:]:
        b.add(k)
    for k in keys:
        union.add(k)
    assert a.copy().merge(b) == union
    assert b.copy().merge(a) == union
    assert a.copy().merge(a) == a  # idempotent
    with pytest.raises(pg.InputError):
        a.merge(HyperLogLog(12))


@pytest.mark.parametrize(("left_limit", "right_limit"), [(50, 50), (10**6, 50), (50, 10**6), (600, 600)])
def test_profiler_merge_matches_one_pass_across_modes(left_limit: int, right_limit: int) -> None:
    ids = IDS[:800]
    # the two halves overlap in people (records 300..500 are seen on both sides)
    # a sketch on either side makes the merge a sketch: it equals one pass under the smaller limit
    one = _profile(ids[:500] + ids[300:], min(left_limit, right_limit)).result()
    left = _profile(ids[:500], left_limit)
    right = _profile(ids[300:], right_limit)
    merged = left.merge(right).result()
    assert merged == one
    assert merged.approximate == (len({i.upper() for i in ids}) > min(left_limit, right_limit))


def test_sketch_mode_profile_renders_in_reports() -> None:
    p = _profile(IDS[:300], 10).result()
    assert p.approximate
    data = p.model_dump(mode="json")
    assert data["approximate"] is True and data["individuals"] > 0
    assert pg.Profile.model_validate(data) == p


def test_exact_limit_must_be_a_non_negative_integer() -> None:
    for bad in (-1, 1.5, True, "10"):
        with pytest.raises(pg.InputError):
            Profiler(exact_limit=bad)  # type: ignore[arg-type]


POOL = _ids(11, 40)
RECORDS = st.lists(
    st.fixed_dictionaries(
        {"sfzh": st.sampled_from(POOL)},
        optional={"jhr": st.sampled_from(POOL), "sjhm": st.just("13812345678")},
    ),
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(RECORDS, st.lists(st.integers(0, 30), max_size=4), st.randoms(use_true_random=False),
       st.sampled_from([10**6, 8]))
def test_merging_in_any_split_equals_one_pass(
    records: list[dict[str, str]], cuts: list[int], rnd: random.Random, limit: int
) -> None:
    one = Profiler(as_of=AS_OF, exact_limit=limit)
    for r in records:
        one.add(r)
    bounds = sorted({0, len(records), *(min(c, len(records)) for c in cuts)})
    parts: list[Profiler] = []
    for lo, hi in pairwise(bounds):
        part = Profiler(as_of=AS_OF, exact_limit=limit)
        for r in records[lo:hi]:
            part.add(r)
        parts.append(part)
    if not parts:
        parts.append(Profiler(as_of=AS_OF, exact_limit=limit))
    rnd.shuffle(parts)
    total = parts[0]
    for part in parts[1:]:
        total.merge(part)
    expected = one.result()
    assert total.result() == expected
    people = {v.upper() for r in records for k, v in r.items() if k != "sjhm"}
    if limit == 10**6:
        assert not expected.approximate and expected.individuals == len(people)


def test_pickled_profiler_carries_no_raw_values_and_still_merges() -> None:
    import pickle

    prof = _profile(IDS[:50], 10**6)
    blob = pickle.dumps(prof)
    assert IDS[0].encode() not in blob and "备注".encode() not in blob
    back = pickle.loads(blob)
    assert back.result() == prof.result()
    sketch = pickle.loads(pickle.dumps(_profile(IDS[:50], 10)))
    assert sketch.merge(back).result() == _profile(IDS[:50] * 2, 10).result()
