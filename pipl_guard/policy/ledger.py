"""The cross-border ledger: distinct individuals exported per calendar year, as keyed digests.

CBDF (CAC Order 16, 2024) Art. 5(4), 7 and 8 count individuals cumulatively "since 1 January of the
current year", per handler, across every batch. The ledger is one SQLite file (a path or a
``sqlite:///path`` URL) shared by every process; ``enforce`` writes inside ``BEGIN IMMEDIATE`` so two
processes cannot both read the old tally and under-count. ``check`` opens the file read-only and never
creates or changes it.

The ledger stores ``HMAC-SHA256(ledger key, identity)`` truncated to 16 bytes, never an identifier. The
ledger key comes from the caller (``Guard(keys=...)``: a key named ``ledger``, else the default key, with a
derived sub-key). Without one, the ledger makes a random 32-byte salt and keeps it in its own ``meta`` table
so counting still works, and every decision carries a ``LEDGER`` note: whoever holds that file can test
whether a given resident ID was exported (the ID space is small enough to enumerate), so pass a key in
production. A ledger written with one key refuses another (``LedgerError``) instead of silently
double-counting.

>>> led = Ledger()                        # in memory, salted
>>> d = {led.digest("rid:11010519491231002X"): (True, False)}
>>> led.tally(2026, d).general_after
1
>>> with led.transaction() as tx:
...     tx.record(2026, d)
>>> led.tally(2026, d).general_after     # the same individual is not counted twice
1
>>> led.tally(2027, d).general_before    # a new calendar year starts from zero
0
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipl_guard.errors import LedgerError

log = logging.getLogger("pipl_guard.policy.ledger")

DIGEST_BYTES = 16
SCHEMA_VERSION = "1"
BUSY_TIMEOUT_S = 5.0
_CHUNK = 500
_DOMAIN = b"pipl_guard/ledger/identity/v1\x00"
_FPR_LABEL = b"pipl_guard/ledger/fingerprint/v1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS exports (
    year INTEGER NOT NULL,
    exempt INTEGER NOT NULL,
    digest BLOB NOT NULL,
    general INTEGER NOT NULL,
    sensitive INTEGER NOT NULL,
    PRIMARY KEY (year, exempt, digest)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS prior (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    general INTEGER NOT NULL,
    sensitive INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    added TEXT NOT NULL
);
"""

Batch = Mapping[bytes, tuple[bool, bool]]


@dataclass(frozen=True)
class Tally:
    """Distinct individuals exported in ``year``: before this batch, and including it (counted exports)."""

    year: int
    general_before: int
    sensitive_before: int
    general_after: int
    sensitive_after: int

    def summary(self) -> dict[str, int]:
        return {
            "year": self.year,
            "general_before": self.general_before,
            "sensitive_before": self.sensitive_before,
            "general_including_batch": self.general_after,
            "sensitive_including_batch": self.sensitive_after,
        }


def _parse_location(location: str | Path | None) -> str | None:
    if location is None:
        return None
    if isinstance(location, Path):
        return str(location)
    if not isinstance(location, str) or not location:
        raise LedgerError("ledger must be a file path or a sqlite:/// URL")
    if "://" in location:
        scheme, _, rest = location.partition("://")
        if scheme not in ("sqlite", "sqlite+pysqlite"):
            raise LedgerError(
                f"ledger URL scheme {scheme!r} is not supported; use a file path or sqlite:///path"
            )
        if rest in ("", "/", "/:memory:"):
            return None
        if not rest.startswith("/"):
            raise LedgerError("sqlite ledger URL must look like sqlite:///relative.db or sqlite:////abs/path.db")
        return rest[1:]
    return None if location == ":memory:" else location


class Ledger:
    """Per-year tallies of distinct exported individuals (keyed digests), SQLite-backed.

    ``location``: file path, ``sqlite:///path`` URL, or ``None`` for an in-memory ledger that lives as long
    as this object (counts across batches of one ``Guard`` only). ``key``: ledger key bytes (>= 16).
    """

    def __init__(self, location: str | Path | None = None, *, key: bytes | None = None) -> None:
        if key is not None and len(key) < 16:
            raise LedgerError("ledger key must hold at least 16 bytes")
        self.path = _parse_location(location)
        self._key = key
        self._salt: bytes | None = None
        self._ephemeral: bytes | None = None
        self._lock = threading.RLock()
        self._mem: sqlite3.Connection | None = None
        if self.path is None:
            self._mem = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            _create(self._mem)

    # -- connections ----------------------------------------------------------------------------------

    @property
    def persistent(self) -> bool:
        return self.path is not None

    @property
    def keyed(self) -> bool:
        """True when the digests are keyed with caller key material (not a salt stored in the file)."""
        return self._key is not None

    def _connect(self, *, write: bool) -> sqlite3.Connection:
        if self._mem is not None:
            return self._mem
        assert self.path is not None
        try:
            if write:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            else:
                conn = self._connect_ro()
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            return conn
        except (sqlite3.Error, OSError) as exc:
            raise LedgerError(f"cannot open the ledger {Path(self.path).name}: {exc}") from None

    def _connect_ro(self) -> sqlite3.Connection:
        assert self.path is not None
        uri = Path(self.path).resolve().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            if getattr(exc, "sqlite_errorcode", None) != sqlite3.SQLITE_READONLY_ROLLBACK:
                return conn  # not a crash leftover: the caller's first read reports the problem as before
            conn.close()
        else:
            return conn
        # A writer was killed mid-commit and left a hot journal, which a read-only connection cannot roll
        # back. Let a writable connection restore the last committed state (what any writer would do on
        # open; it changes no committed data), then read as before.
        log.info("ledger: rolling back a transaction interrupted by a crash before reading")
        fix = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            fix.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            fix.close()
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except BaseException:
            conn.close()
            raise
        return conn

    def _close(self, conn: sqlite3.Connection) -> None:
        if conn is not self._mem:
            conn.close()

    def _exists(self) -> bool:
        return self._mem is not None or (self.path is not None and Path(self.path).exists())

    # -- key / salt -----------------------------------------------------------------------------------

    def _fingerprint(self) -> bytes:
        assert self._key is not None
        return hmac.new(self._key, _FPR_LABEL, hashlib.sha256).digest()[:16]

    def _check_meta(self, conn: sqlite3.Connection) -> None:
        """Verify the schema and that this ledger was written with the same key (or load its salt)."""
        try:
            meta = dict(conn.execute("SELECT k, v FROM meta").fetchall())
        except sqlite3.Error as exc:
            raise LedgerError(f"the ledger is unreadable or not a pipl_guard ledger: {exc}") from None
        if not meta:
            return
        if meta.get("version") not in (SCHEMA_VERSION, SCHEMA_VERSION.encode()):
            raise LedgerError("the ledger has an unknown schema version")
        if self._key is not None:
            if "fingerprint" not in meta:
                raise LedgerError(
                    "the ledger was started without a key (salted); it cannot be used with a key now"
                )
            if not hmac.compare_digest(bytes(meta["fingerprint"]), self._fingerprint()):
                raise LedgerError("the ledger was written with another key; refusing to mix digests")
        else:
            if "salt" not in meta:
                raise LedgerError("the ledger was written with a key; pass the same key (keys=...)")
            self._salt = bytes(meta["salt"])

    def _init_meta(self, conn: sqlite3.Connection) -> None:
        conn.execute("INSERT OR IGNORE INTO meta VALUES ('version', ?)", (SCHEMA_VERSION,))
        if self._key is not None:
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('fingerprint', ?)", (self._fingerprint(),))
        else:
            cur = conn.execute("INSERT OR IGNORE INTO meta VALUES ('salt', ?)", (secrets.token_bytes(32),))
            if cur.rowcount == 1:
                log.warning(
                    "cross-border ledger created without a key: its digests use a salt stored in the ledger "
                    "itself; pass keys= (a key named 'ledger') so the file alone cannot be tested for identifiers"
                )

    def prepare(self) -> None:
        """Create the ledger (schema, key fingerprint or salt) if needed and load its salt. Writes."""
        with self._lock:
            conn = self._connect(write=True)
            try:
                conn.execute("BEGIN IMMEDIATE")
                _create(conn)
                self._check_meta(conn)
                self._init_meta(conn)
                conn.execute("COMMIT")
                self._check_meta(conn)
            except sqlite3.Error as exc:
                _rollback(conn)
                raise LedgerError(f"cannot initialise the ledger: {exc}") from None
            except LedgerError:
                _rollback(conn)
                raise
            finally:
                self._close(conn)

    def load(self) -> None:
        """Read the key fingerprint or salt of an existing ledger without writing (for ``check``)."""
        if not self._exists():
            return
        with self._lock:
            conn = self._connect(write=False)
            try:
                if _has_tables(conn):
                    self._check_meta(conn)
            except sqlite3.Error as exc:
                raise LedgerError(f"the ledger is unreadable: {exc}") from None
            finally:
                self._close(conn)

    def digest(self, identity: str) -> bytes:
        """Keyed digest of one individual's identity string (what the ledger stores)."""
        secret = self._key or self._salt
        if secret is None:
            # an empty, not-yet-created salted ledger: any salt gives the same (empty) overlap
            if self._ephemeral is None:
                self._ephemeral = secrets.token_bytes(32)
            secret = self._ephemeral
        return hmac.new(secret, _DOMAIN + identity.encode("utf-8"), hashlib.sha256).digest()[:DIGEST_BYTES]

    # -- reading --------------------------------------------------------------------------------------

    def tally(self, year: int, batch: Batch | None = None) -> Tally:
        """Counted individuals of ``year`` before and including ``batch``. Read-only."""
        batch = batch or {}
        if not self._exists():
            return _tally_from(year, 0, 0, {}, batch)
        with self._lock:
            conn = self._connect(write=False)
            try:
                if not _has_tables(conn):
                    return _tally_from(year, 0, 0, {}, batch)
                return _tally(conn, year, batch)
            except sqlite3.Error as exc:
                raise LedgerError(f"cannot read the ledger: {exc}") from None
            finally:
                self._close(conn)

    def totals(self, year: int) -> tuple[int, int]:
        """(general, sensitive) distinct individuals counted in ``year``."""
        t = self.tally(year)
        return t.general_before, t.sensitive_before

    # -- writing --------------------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[LedgerTransaction]:
        """A write transaction (``BEGIN IMMEDIATE``): tally and record under one lock, then commit.

        Any exception inside the block rolls back, so a denied batch leaves no trace.
        """
        with self._lock:
            conn = self._connect(write=True)
            try:
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    _create(conn)
                except sqlite3.Error as exc:
                    raise LedgerError(f"the ledger is locked or unwritable: {exc}") from None
                self._check_meta(conn)
                self._init_meta(conn)
                if self._key is None and self._salt is None:
                    self._salt = bytes(conn.execute("SELECT v FROM meta WHERE k='salt'").fetchone()[0])
                tx = LedgerTransaction(conn)
                try:
                    yield tx
                    conn.execute("COMMIT")
                except sqlite3.Error as exc:
                    _rollback(conn)
                    raise LedgerError(f"cannot write the ledger: {exc}") from None
                except BaseException:
                    _rollback(conn)
                    raise
            except LedgerError:
                _rollback(conn)
                raise
            finally:
                self._close(conn)

    def add_prior(self, year: int, *, general: int = 0, sensitive: int = 0, note: str = "") -> None:
        """Add individuals exported in ``year`` outside pipl_guard (before adoption, other systems).

        Counts only, no digests: they raise the tally but cannot be de-duplicated against later batches
        (over-counting is the safe side of a threshold). Also the cheap way to test thresholds.
        """
        if general < 0 or sensitive < 0:
            raise LedgerError("prior counts must be non-negative")
        with self.transaction() as tx:
            tx.conn.execute(
                "INSERT INTO prior (year, general, sensitive, note, added) VALUES (?, ?, ?, ?, ?)",
                (int(year), int(general), int(sensitive), note, dt.datetime.now(dt.UTC).isoformat()),
            )


class LedgerTransaction:
    """Inside ``Ledger.transaction()``: ``tally`` (under the write lock) and ``record``."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def tally(self, year: int, batch: Batch | None = None) -> Tally:
        try:
            return _tally(self.conn, year, batch or {})
        except sqlite3.Error as exc:
            raise LedgerError(f"cannot read the ledger: {exc}") from None

    def record(self, year: int, batch: Batch, *, exempt: bool = False) -> None:
        """Add the batch's individuals to ``year`` (``exempt``: kept apart, not counted)."""
        rows = [(int(year), int(exempt), d, int(g), int(s)) for d, (g, s) in batch.items()]
        try:
            self.conn.executemany(
                "INSERT INTO exports (year, exempt, digest, general, sensitive) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (year, exempt, digest) DO UPDATE SET "
                "general = max(general, excluded.general), sensitive = max(sensitive, excluded.sensitive)",
                rows,
            )
        except sqlite3.Error as exc:
            raise LedgerError(f"cannot write the ledger: {exc}") from None


def _create(conn: sqlite3.Connection) -> None:
    # statement by statement: executescript would COMMIT and drop the BEGIN IMMEDIATE lock
    try:
        for stmt in _SCHEMA.split(";"):
            if stmt.strip():
                conn.execute(stmt)
    except sqlite3.DatabaseError as exc:
        raise LedgerError(f"the ledger file is not a usable SQLite database: {exc}") from None


def _rollback(conn: sqlite3.Connection) -> None:
    try:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    except sqlite3.Error:
        pass


def _has_tables(conn: sqlite3.Connection) -> bool:
    try:
        row = conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='exports'").fetchone()
    except sqlite3.DatabaseError as exc:
        raise LedgerError(f"the ledger file is not a SQLite database: {exc}") from None
    return bool(row[0])


def _tally(conn: sqlite3.Connection, year: int, batch: Batch) -> Tally:
    g, s = conn.execute(
        "SELECT coalesce(sum(general), 0), coalesce(sum(sensitive), 0) FROM exports WHERE year = ? AND exempt = 0",
        (year,),
    ).fetchone()
    pg_, ps = conn.execute(
        "SELECT coalesce(sum(general), 0), coalesce(sum(sensitive), 0) FROM prior WHERE year = ?", (year,)
    ).fetchone()
    existing: dict[bytes, tuple[int, int]] = {}
    digests = list(batch)
    for i in range(0, len(digests), _CHUNK):
        chunk = digests[i : i + _CHUNK]
        marks = ",".join("?" * len(chunk))
        for d, eg, es in conn.execute(
            f"SELECT digest, general, sensitive FROM exports WHERE year = ? AND exempt = 0 AND digest IN ({marks})",
            (year, *chunk),
        ):
            existing[bytes(d)] = (eg, es)
    return _tally_from(year, int(g) + int(pg_), int(s) + int(ps), existing, batch)


def _tally_from(year: int, g: int, s: int, existing: Mapping[bytes, tuple[Any, Any]], batch: Batch) -> Tally:
    new_g = new_s = 0
    for d, (bg, bs) in batch.items():
        eg, es = existing.get(d, (0, 0))
        new_g += bool(bg) and not eg
        new_s += bool(bs) and not es
    return Tally(year, g, s, g + new_g, s + new_s)
