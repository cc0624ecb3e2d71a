"""The same scanner, Deidentifier and Guard used from 8 threads give what one thread gives."""

import random
from concurrent.futures import ThreadPoolExecutor

import pipl_guard as pg
from pipl_guard import synth


def _texts(n: int) -> list[str]:
    rng = random.Random(11)
    return [synth.text_with_pi(rng, 400)[0] for _ in range(n)]


def _records(n: int) -> list[dict]:
    return list(synth.leak_records(random.Random(12), n, schema="pinyin"))


def _key(f: pg.Finding) -> tuple:
    return (f.entity, f.start, f.end, f.path, f.score)


def test_scan_text_from_8_threads():
    texts = _texts(64)
    single = [[_key(f) for f in pg.scan_text(t)] for t in texts]
    with ThreadPoolExecutor(8) as pool:
        threaded = list(pool.map(lambda t: [_key(f) for f in pg.scan_text(t)], texts))
    assert threaded == single
    assert any(single)


def test_scan_record_and_profile_from_8_threads():
    records = _records(64)
    single = [[_key(f) for f in pg.scan_record(r)] for r in records]
    with ThreadPoolExecutor(8) as pool:
        threaded = list(pool.map(lambda r: [_key(f) for f in pg.scan_record(r)], records))
    assert threaded == single
    with ThreadPoolExecutor(8) as pool:
        profiles = list(pool.map(lambda _i: pg.profile(records), range(8)))
    assert all(p == profiles[0] for p in profiles)


def test_mask_and_deidentifier_from_8_threads():
    records = _records(48)
    deid = pg.Deidentifier({"CN_MOBILE": pg.ops.Mask(), "CN_RESIDENT_ID": pg.ops.Mask(keep_first=6, keep_last=4)})
    single = [deid.record(r) for r in records]
    with ThreadPoolExecutor(8) as pool:
        threaded = list(pool.map(deid.record, records))
    assert threaded == single
    texts = _texts(32)
    single_masked = [pg.mask_text(t) for t in texts]
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(pg.mask_text, texts)) == single_masked
