"""Writer processes for the crash-safety tests, and the helpers that read what they left behind.

Run as a script in a child process (``python crash_support.py vault|ledger ...``); the test kills it with
SIGKILL at a random moment. After every batch the library returned, the writer appends what the caller
received to a side file and fsyncs it: the side file is "what the caller was told", which must survive.

>>> rid(0) != rid(1)
True
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pipl_guard as pg
from pipl_guard.detect.resident_id import check_character
from pipl_guard.policy.guard import ledger_key
from pipl_guard.policy.ledger import Ledger
from pipl_guard.transform.vault import open_vault

KEY = pg.Key(bytes(range(32)), id="crash-test")
ENTITY = "CN_MOBILE"
AT = dt.date(2026, 6, 15)
FULL_CONSENT = {"basic": True, "separate": ["sensitive", "provide", "disclose", "cross_border"], "guardian": True}
POLICY: dict[str, Any] = {
    "organization": {"name": "Test Co.", "ciio": False, "individuals_held": 1000, "officer_reported": True},
    "purposes": [
        {"id": "crm", "legal_basis": "consent", "entities": ["PERSON_NAME", "CN_RESIDENT_ID", "CN_MOBILE"], "pipia": True}
    ],
    "destinations": [
        {
            "id": "abroad",
            "kind": "cross_border",
            "country": "SG",
            "mechanism": "none",
            "authentication": True,
            "encryption_at_rest": True,
        }
    ],
}
HERE = Path(__file__).resolve()


# -- what the writers write ---------------------------------------------------------------------------


def value(i: int) -> str:
    """The ``i``-th distinct mobile number the vault writers tokenize."""
    return f"139{i:08d}"


def rid(i: int) -> str:
    """A valid resident ID, distinct for every ``i`` below 3,650,000."""
    birth = dt.date(1970, 1, 1) + dt.timedelta(days=i // 1000)
    body = f"110105{birth:%Y%m%d}{i % 1000:03d}"
    return body + check_character(body)


def identity(i: int) -> str:
    """Identity string of individual ``i`` for the writers that call ``Ledger`` directly (cheaper than ``rid``)."""
    return f"person:{i}"


def record(i: int) -> dict[str, Any]:
    return {"sfzh": rid(i), "consent": FULL_CONSENT}


def export_action() -> pg.Action:
    return pg.Action("export", "crm", "abroad", at=AT)


def ledger_reader(path: Path) -> Ledger:
    return Ledger(path, key=ledger_key(KEY))


def _append(side: Path, text: str) -> None:
    # one write, then fsync: once the line is in the file, the caller "knows" it
    with open(side, "a", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())


def _batches(start: int, stop: int, size: int, step: int) -> list[range]:
    """Overlapping windows: each batch repeats ``size - step`` items of the one before."""
    return [range(s, min(s + size, stop)) for s in range(start, stop, step)]


def run_vault_writer(db: Path, side: Path, start: int, stop: int, size: int, step: int, go: Path | None) -> None:
    _wait_for(go)
    with open_vault(db, KEY) as vault:
        for ids in _batches(start, stop, size, step):
            values = [value(i) for i in ids]
            tokens = vault.tokenize_many(values, ENTITY)
            _append(side, "".join(f"{v}\t{t}\n" for v, t in zip(values, tokens, strict=True)))
    _append(side, "END\n")


def run_ledger_writer(db: Path, side: Path, start: int, stop: int, size: int, step: int, go: Path | None) -> None:
    _wait_for(go)
    guard = pg.Guard(pg.Policy.model_validate(POLICY), ledger=db, keys=KEY)
    for ids in _batches(start, stop, size, step):
        # "try" before, "done" after: a batch with "try" and no "done" was in flight at the kill
        _append(side, f"try {ids.start} {ids.stop}\n")
        guard.enforce([record(i) for i in ids], export_action())
        _append(side, f"done {ids.start} {ids.stop}\n")
    _append(side, "END\n")


def run_ledger_tx_writer(db: Path, side: Path, start: int, stop: int, size: int, step: int, go: Path | None) -> None:
    """Large batches straight through ``Ledger.transaction``: most of the time is spent committing, so
    kills land inside the commit (a hot journal left behind) far more often than through ``enforce``."""
    _wait_for(go)
    led = ledger_reader(db)
    led.prepare()
    for ids in _batches(start, stop, size, step):
        _append(side, f"try {ids.start} {ids.stop}\n")
        with led.transaction() as tx:
            tx.record(AT.year, {led.digest(identity(i)): (True, False) for i in ids})
        _append(side, f"done {ids.start} {ids.stop}\n")
    _append(side, "END\n")


def run_ledger_abort(db: Path, side: Path, start: int, stop: int, size: int, step: int, go: Path | None) -> None:
    """Record one big batch and die by SIGKILL inside the transaction, after SQLite spilled pages."""
    led = ledger_reader(db)
    with led.transaction() as tx:
        tx.record(AT.year, {led.digest(identity(i)): (True, False) for i in range(start, stop)})
        _append(side, "recorded, not committed\n")
        os.kill(os.getpid(), signal.SIGKILL)


def seed_ledger(db: Path, ids: range) -> None:
    """Record ``ids`` in one transaction (a ledger bigger than SQLite's 2 MiB default page cache)."""
    led = ledger_reader(db)
    with led.transaction() as tx:
        tx.record(AT.year, {led.digest(identity(i)): (True, False) for i in ids})


def _wait_for(go: Path | None) -> None:
    # both processes of a two-process test start writing at (nearly) the same moment
    deadline = time.monotonic() + 120
    while go is not None and not go.exists():
        if time.monotonic() > deadline:
            raise SystemExit("go file never appeared")
        time.sleep(0.005)


# -- driving the writers ------------------------------------------------------------------------------


def spawn(kind: str, db: Path, side: Path, start: int, stop: int, size: int, step: int, go: Path | None = None) -> subprocess.Popen[bytes]:
    args = [sys.executable, str(HERE), kind, str(db), str(side), str(start), str(stop), str(size), str(step)]
    if go is not None:
        args.append(str(go))
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_for_lines(proc: subprocess.Popen[bytes], side: Path, n: int, timeout: float = 120.0) -> None:
    """Block until ``side`` holds at least ``n`` complete lines (the writer is busy writing by then)."""
    deadline = time.monotonic() + timeout
    while True:
        if side.exists() and side.read_bytes().count(b"\n") >= n:
            return
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise AssertionError(f"writer exited early with {proc.returncode}: {err[-2000:]}")
        if time.monotonic() > deadline:
            raise AssertionError("writer made no progress in time")
        time.sleep(0.01)


def kill(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    if proc.stderr is not None:
        proc.stderr.close()


def finish(proc: subprocess.Popen[bytes], timeout: float = 300.0) -> None:
    """Wait for a writer that should run to completion; fail with its stderr if it did not succeed."""
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill(proc)
        raise AssertionError("writer did not finish in time") from None
    assert proc.returncode == 0, err.decode(errors="replace")[-2000:]


def complete_lines(side: Path) -> list[str]:
    """Lines of the side file, without a torn last line (the kill may land inside a write)."""
    if not side.exists():
        return []
    data = side.read_text(encoding="utf-8")
    lines = data.split("\n")
    return lines[:-1]  # the part after the last newline is empty or torn


def received_tokens(side: Path) -> dict[str, str]:
    """value -> token as the vault writer received them; a value seen twice must have one token."""
    out: dict[str, str] = {}
    for line in complete_lines(side):
        if line == "END":
            continue
        v, t = line.split("\t")
        assert out.setdefault(v, t) == t, "one value was given two tokens"
    return out


def ledger_batches(side: Path) -> tuple[set[int], set[int]]:
    """(individuals of the batches enforce let through, individuals of the batch in flight at the kill)."""
    done: set[int] = set()
    pending: range | None = None
    for line in complete_lines(side):
        if line == "END":
            continue
        word, a, b = line.split()
        ids = range(int(a), int(b))
        if word == "try":
            pending = ids
        else:
            assert pending == ids, "side file out of order"
            done.update(ids)
            pending = None
    return done, set(pending or ())


def distinct_individuals(ids: Sequence[int] | set[int]) -> int:
    """Distinct individuals among ``ids``: ``rid`` is one-to-one below 3,650,000 (checked in the tests),
    so the count of distinct ids, without building 200,000 IDs every round."""
    assert all(0 <= i < 3_650_000 for i in ids)
    return len(set(ids))


def main(argv: list[str]) -> None:
    kind, db, side, start, stop, size, step = argv[:7]
    go = Path(argv[7]) if len(argv) > 7 else None
    run = {
        "vault": run_vault_writer,
        "ledger": run_ledger_writer,
        "ledger-tx": run_ledger_tx_writer,
        "ledger-abort": run_ledger_abort,
    }[kind]
    run(Path(db), Path(side), int(start), int(stop), int(size), int(step), go)


if __name__ == "__main__":
    main(sys.argv[1:])
