"""The cross-border ledger: persistence, processes, years, purity of check, fail-closed errors."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import sqlite3
from pathlib import Path

import pytest
from policy_support import AT, make_policy, person

import pipl_guard as pg
from pipl_guard.policy import ledger as ledger_mod
from pipl_guard.policy.ledger import Ledger

KEY = pg.Key(bytes(range(32)), id="ledger-test")


def export(guard: pg.Guard, ids: range, at: dt.date = AT) -> list[dict]:
    return guard.enforce([person(i) for i in ids], pg.Action("export", "crm", "abroad", at=at))


def test_persists_across_guard_instances(tmp_path: Path) -> None:
    path = tmp_path / "xb.db"
    export(pg.Guard(make_policy(), ledger=path, keys=KEY), range(0, 10))
    export(pg.Guard(make_policy(), ledger=str(path), keys=KEY), range(5, 15))  # 5 repeat individuals
    assert Ledger(path, key=pg.policy.guard.ledger_key(KEY)).totals(AT.year) == (15, 0)
    # the same file by URL
    d = pg.Guard(make_policy(), ledger=f"sqlite:///{path}", keys=KEY).check([person(99)], pg.Action("export", "crm", "abroad", at=AT))
    assert d.facts["cross_border"]["general_before"] == 15
    assert d.facts["cross_border"]["general_including_batch"] == 16


def test_year_rollover(tmp_path: Path) -> None:
    guard = pg.Guard(make_policy(), ledger=tmp_path / "xb.db", keys=KEY)
    export(guard, range(0, 3), at=dt.date(2026, 12, 31))
    d = guard.check([person(0)], pg.Action("export", "crm", "abroad", at=dt.date(2027, 1, 1)))
    assert d.facts["cross_border"]["general_before"] == 0
    assert d.facts["cross_border"]["general_including_batch"] == 1
    same_year = guard.check([person(0)], pg.Action("export", "crm", "abroad", at=dt.date(2026, 12, 31)))
    assert same_year.facts["cross_border"]["general_including_batch"] == 3


def test_check_never_writes(tmp_path: Path) -> None:
    path = tmp_path / "xb.db"
    guard = pg.Guard(make_policy(), ledger=path, keys=KEY)
    guard.check([person(1)], pg.Action("export", "crm", "abroad", at=AT))
    assert not path.exists()  # check does not even create the file
    export(guard, range(0, 2))
    before = path.read_bytes()
    for _ in range(3):
        guard.check([person(i) for i in range(10, 20)], pg.Action("export", "crm", "abroad", at=AT))
    assert path.read_bytes() == before
    assert Ledger(path, key=pg.policy.guard.ledger_key(KEY)).totals(AT.year) == (2, 0)


def test_denied_enforce_records_nothing(tmp_path: Path) -> None:
    path = tmp_path / "xb.db"
    guard = pg.Guard(make_policy(), ledger=path, keys=KEY)
    with pytest.raises(pg.PolicyViolation) as err:
        guard.enforce([person(1, health=True)], pg.Action("export", "crm", "abroad", at=AT))
    assert "CBDF-8" in {i.code for i in err.value.decision.violations}
    assert Ledger(path, key=pg.policy.guard.ledger_key(KEY)).totals(AT.year) == (0, 0)


def test_sensitive_and_general_tallied_separately(tmp_path: Path) -> None:
    i = [d["id"] for d in make_policy().model_dump()["destinations"]].index("abroad")
    policy = make_policy(**{f"destinations.{i}.mechanism": "standard_contract"})
    guard = pg.Guard(policy, ledger=tmp_path / "xb.db", keys=KEY)
    guard.enforce([person(1), person(2, health=True)], pg.Action("export", "crm", "abroad", at=AT))
    # person 2's record has both general (resident ID) and sensitive (health) PI
    assert guard.ledger.totals(AT.year) == (2, 1)


def test_scenario_exempt_exports_are_kept_apart(tmp_path: Path) -> None:
    guard = pg.Guard(make_policy(), ledger=tmp_path / "xb.db", keys=KEY)
    guard.enforce([person(i) for i in range(5)], pg.Action("export", "ship", "abroad", at=AT))
    assert guard.ledger.totals(AT.year) == (0, 0)
    with sqlite3.connect(tmp_path / "xb.db") as conn:
        assert conn.execute("SELECT count(*) FROM exports WHERE exempt = 1").fetchone()[0] == 5


def test_ledger_holds_no_identifier(tmp_path: Path) -> None:
    path = tmp_path / "xb.db"
    records = [person(i) for i in range(20)]
    pg.Guard(make_policy(), ledger=path, keys=KEY).enforce(records, pg.Action("export", "crm", "abroad", at=AT))
    raw = path.read_bytes()
    for r in records:
        assert r["sfzh"].encode() not in raw
        assert r["sfzh"][:10].encode() not in raw


def test_other_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "xb.db"
    export(pg.Guard(make_policy(), ledger=path, keys=KEY), range(3))
    other = pg.Guard(make_policy(), ledger=path, keys=pg.Key(bytes(32), id="other"))
    with pytest.raises(pg.LedgerError):
        export(other, range(3))
    with pytest.raises(pg.LedgerError):
        other.check([person(1)], pg.Action("export", "crm", "abroad", at=AT))
    salted = pg.Guard(make_policy(), ledger=path)
    with pytest.raises(pg.LedgerError):
        export(salted, range(3))


def test_salted_ledger_without_key_counts_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "xb.db"
    guard = pg.Guard(make_policy(), ledger=path)
    export(guard, range(4))
    d = pg.Guard(make_policy(), ledger=path).check([person(0), person(9)], pg.Action("export", "crm", "abroad", at=AT))
    assert d.facts["cross_border"]["general_including_batch"] == 5  # person 0 recognised across instances
    assert any(i.code == "LEDGER" and "salt" in i.message_en for i in d.notes)


def test_in_memory_ledger_counts_within_one_guard() -> None:
    guard = pg.Guard(make_policy())
    export(guard, range(3))
    d = guard.check([person(3)], pg.Action("export", "crm", "abroad", at=AT))
    assert d.facts["cross_border"]["general_including_batch"] == 4
    assert any(i.code == "LEDGER" and "No ledger file" in i.message_en for i in d.notes)


def test_corrupt_ledger_fails_closed(tmp_path: Path) -> None:
    path = tmp_path / "xb.db"
    path.write_bytes(b"this is not a database" * 100)
    guard = pg.Guard(make_policy(), ledger=path, keys=KEY)
    with pytest.raises(pg.LedgerError):
        export(guard, range(2))
    with pytest.raises(pg.LedgerError):
        guard.check([person(1)], pg.Action("export", "crm", "abroad", at=AT))


def test_locked_ledger_fails_closed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "xb.db"
    guard = pg.Guard(make_policy(), ledger=path, keys=KEY)
    export(guard, range(2))
    monkeypatch.setattr(ledger_mod, "BUSY_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(pg.LedgerError):
            export(pg.Guard(make_policy(), ledger=path, keys=KEY), range(10, 12))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert guard.ledger.totals(AT.year) == (2, 0)


def test_unsupported_url_and_bad_location() -> None:
    with pytest.raises(pg.LedgerError):
        Ledger("postgresql://host/db")
    with pytest.raises(pg.LedgerError):
        Ledger("sqlite://relative-without-slash")


def _worker(path: str, ids: list[int], barrier: mp.synchronize.Barrier, out: mp.Queue) -> None:  # type: ignore[name-defined]
    guard = pg.Guard(make_policy(), ledger=path, keys=KEY)
    barrier.wait()
    try:
        guard.enforce([person(i) for i in ids], pg.Action("export", "crm", "abroad", at=AT))
        out.put("ok")
    except pg.PolicyViolation as exc:
        out.put(",".join(sorted(i.code for i in exc.decision.violations)))


def _run_two(path: Path, a: list[int], b: list[int]) -> list[str]:
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(2)
    out = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(str(path), ids, barrier, out)) for ids in (a, b)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    return sorted(out.get(timeout=5) for _ in procs)


def test_two_processes_do_not_under_count(tmp_path: Path) -> None:
    path = tmp_path / "xb.db"
    Ledger(path, key=pg.policy.guard.ledger_key(KEY)).prepare()
    results = _run_two(path, list(range(0, 60)), list(range(40, 100)))
    assert results == ["ok", "ok"]
    assert Ledger(path, key=pg.policy.guard.ledger_key(KEY)).totals(AT.year) == (100, 0)


def test_two_processes_cannot_both_slip_under_a_threshold(tmp_path: Path) -> None:
    path = tmp_path / "xb.db"
    led = Ledger(path, key=pg.policy.guard.ledger_key(KEY))
    led.add_prior(AT.year, general=99_990)
    # each batch alone stays under 100,000 (99,995); both together reach it
    results = _run_two(path, list(range(0, 5)), list(range(100, 105)))
    assert results[0].startswith("CBDF-8") or "CBDF-8" in results[0]
    assert results[1] == "ok"
    assert led.totals(AT.year) == (99_995, 0)


def test_unreadable_ledger_fails_closed(tmp_path: Path) -> None:
    guard = pg.Guard(make_policy(), ledger=tmp_path, keys=KEY)  # a directory, not a file
    with pytest.raises(pg.LedgerError):
        guard.check([person(1)], pg.Action("export", "crm", "abroad", at=AT))
    with pytest.raises(pg.LedgerError):
        export(guard, range(2))
    # non-export actions do not need the ledger
    assert guard.enforce([person(1)], pg.Action("store", "crm", "db", at=AT))
