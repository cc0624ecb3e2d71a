"""Crash safety: the token vault and the cross-border ledger survive ``kill -9`` during heavy writing.

A writer process tokenizes (or enforces exports) in batches and, after each batch the library returned,
fsyncs what it received to a side file. The test SIGKILLs it at a random moment, reopens the store and
checks it against the side file: nothing the caller received is lost, nothing is doubled, nothing is half
written. Two writers on one file at once must agree. See docs/durability.md for the promise tested here.
"""

from __future__ import annotations

import random
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import crash_support as cs
import pytest

from pipl_guard.transform.vault import TOKEN_RE, open_vault

ROUNDS = 3


@pytest.fixture
def procs() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Every child started by a test; killed and reaped whatever happens in the test."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for p in started:
        cs.kill(p)


def _kill_at_random(proc: subprocess.Popen[bytes], side: Path, rng: random.Random, lines: int) -> None:
    # wait until the writer has finished one batch (past start-up and warm-up, in its write loop), then
    # let it run a random while
    cs.wait_for_lines(proc, side, lines)
    time.sleep(rng.uniform(0.0, 0.6))
    cs.kill(proc)


def _integrity_ok(db: Path) -> bool:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("PRAGMA integrity_check")] == ["ok"]
    finally:
        conn.close()


def _check_vault(db: Path, received: dict[str, str]) -> None:
    values = list(received)
    tokens = [received[v] for v in values]
    with open_vault(db, cs.KEY) as vault:  # opens (and recovers the WAL) without error
        assert vault.detokenize_many(tokens) == values  # every token the caller got still resolves
        assert vault.tokenize_many(values, cs.ENTITY) == tokens  # and tokenizing again gives the same one
    assert _integrity_ok(db)
    conn = sqlite3.connect(db)
    try:
        rows, lookups = conn.execute("SELECT count(*), count(DISTINCT lookup) FROM pg_vault_tokens").fetchone()
    finally:
        conn.close()
    assert rows == lookups  # no value (lookup hash) stored under two tokens
    assert rows >= len(received)


def test_vault_survives_kill_9(tmp_path: Path, procs: list[subprocess.Popen[bytes]]) -> None:
    db, side = tmp_path / "vault.db", tmp_path / "received.tsv"
    rng = random.Random()
    for r in range(ROUNDS):
        # each round re-tokenizes part of the values of the round before (existing rows) and adds new ones
        p = cs.spawn("vault", db, side, start=r * 3000, stop=r * 3000 + 1_000_000, size=400, step=300)
        procs.append(p)
        _kill_at_random(p, side, rng, lines=1)
        received = cs.received_tokens(side)
        assert received, "the writer received no token before the kill"
        _check_vault(db, received)


def test_vault_two_processes_agree(tmp_path: Path, procs: list[subprocess.Popen[bytes]]) -> None:
    db, go = tmp_path / "vault.db", tmp_path / "go"
    sides = [tmp_path / "a.tsv", tmp_path / "b.tsv"]
    # a fresh file: both processes also race to create the schema and the vault id
    procs.append(cs.spawn("vault", db, sides[0], start=0, stop=3000, size=200, step=150, go=go))
    procs.append(cs.spawn("vault", db, sides[1], start=1500, stop=4500, size=200, step=150, go=go))
    go.touch()
    for p in procs:
        cs.finish(p)
    a, b = (cs.received_tokens(s) for s in sides)
    shared = a.keys() & b.keys()
    assert len(shared) == 1500
    assert all(a[v] == b[v] for v in shared)
    assert all(TOKEN_RE.fullmatch(t) for t in a.values())
    _check_vault(db, a | b)


@pytest.mark.parametrize(
    ("writer", "size", "step", "stride", "seed"),
    [
        ("ledger", 40, 30, 200, 0),  # Guard.enforce export batches, as an application runs them
        # big Ledger.transaction batches into a ledger larger than SQLite's page cache: pages spill to the
        # file before COMMIT, so most kills leave a hot journal that the next reader must roll back
        ("ledger-tx", 5000, 4000, 6000, 100_000),
    ],
)
def test_ledger_survives_kill_9(
    tmp_path: Path, procs: list[subprocess.Popen[bytes]], writer: str, size: int, step: int, stride: int, seed: int
) -> None:
    db = tmp_path / "ledger.db"
    rng = random.Random()
    seeded = range(1_000_000, 1_000_000 + seed)
    cs.seed_ledger(db, seeded)
    counted = set(seeded)  # individuals known to be in the ledger
    for r in range(ROUNDS):
        side = tmp_path / f"batches-{r}.txt"
        # rounds overlap: individuals exported in an earlier round come back and must not count again
        p = cs.spawn(writer, db, side, start=r * stride, stop=r * stride + 90_000, size=size, step=step)
        procs.append(p)
        _kill_at_random(p, side, rng, lines=2)  # "try" and "done" of the first batch
        done, in_flight = cs.ledger_batches(side)
        counted |= done
        without = cs.distinct_individuals(counted)
        with_flight = cs.distinct_individuals(counted | in_flight)
        general, sensitive = cs.ledger_reader(db).totals(cs.AT.year)
        # the batch in flight is all in or all out: never partial, never double
        assert general in (without, with_flight), (general, without, with_flight)
        assert sensitive == 0
        if general == with_flight:
            counted |= in_flight
        assert _integrity_ok(db)
    assert cs.distinct_individuals(counted) > 0


def test_ledger_two_processes_do_not_double_count(tmp_path: Path, procs: list[subprocess.Popen[bytes]]) -> None:
    db, go = tmp_path / "ledger.db", tmp_path / "go"
    sides = [tmp_path / "a.txt", tmp_path / "b.txt"]
    procs.append(cs.spawn("ledger", db, sides[0], start=0, stop=600, size=40, step=30, go=go))
    procs.append(cs.spawn("ledger", db, sides[1], start=300, stop=900, size=40, step=30, go=go))
    go.touch()
    for p in procs:
        cs.finish(p)
    everyone: set[int] = set()
    for s in sides:
        done, in_flight = cs.ledger_batches(s)
        assert not in_flight
        everyone |= done
    assert everyone == set(range(900))
    assert len({cs.rid(i) for i in everyone}) == len(everyone)  # distinct ids are distinct individuals
    assert cs.ledger_reader(db).totals(cs.AT.year) == (cs.distinct_individuals(everyone), 0)


def test_ledger_reads_after_a_crash_inside_commit(tmp_path: Path, procs: list[subprocess.Popen[bytes]]) -> None:
    """The deterministic form of the random kills above: a writer dies after SQLite wrote pages of an
    uncommitted batch into the file. Readers (``totals``, ``Guard.check``) must see the last committed
    state, not fail, and the next writer must carry on."""
    db, side = tmp_path / "ledger.db", tmp_path / "abort.txt"
    cs.seed_ledger(db, range(60_000))  # below the 100,000 of CBDF Art. 5(4), so the export below is allowed
    p = cs.spawn("ledger-abort", db, side, start=200_000, stop=230_000, size=0, step=1)
    procs.append(p)
    p.wait(timeout=300)
    assert p.returncode == -9 and cs.complete_lines(side) == ["recorded, not committed"]
    # the journal left behind is "hot": a read-only connection alone cannot open the file
    assert (tmp_path / "ledger.db-journal").exists()
    assert cs.ledger_reader(db).totals(cs.AT.year) == (60_000, 0)
    guard = cs.pg.Guard(cs.pg.Policy.model_validate(cs.POLICY), ledger=db, keys=cs.KEY)
    decision = guard.check([cs.record(0)], cs.export_action())
    assert decision.facts["cross_border"]["general_before"] == 60_000
    guard.enforce([cs.record(0)], cs.export_action())
    assert cs.ledger_reader(db).totals(cs.AT.year) == (60_001, 0)
    assert _integrity_ok(db)


def test_vault_opens_while_another_process_holds_the_new_file(tmp_path: Path) -> None:
    """Two processes creating one vault at the same moment: switching a new file to WAL needs the write
    lock, and SQLite reports "database is locked" there without waiting. The open must wait its
    ``timeout`` like every other vault write instead of failing."""
    db = tmp_path / "vault.db"
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another connection is writing the not-yet-WAL file
        release = threading.Timer(0.5, holder.execute, ("COMMIT",))
        release.start()
        try:
            with open_vault(db, cs.KEY) as vault:
                token = vault.tokenize("13900000001", cs.ENTITY)
                assert vault.detokenize(token) == "13900000001"
        finally:
            release.join()
    finally:
        holder.close()
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()
