"""Token vault: stable tokens, restore in text, restarts, two processes, rotation, PostgreSQL."""

from __future__ import annotations

import multiprocessing as mp
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipl_guard as pg
from pipl_guard.errors import KeyMaterialError, VaultError
from pipl_guard.transform.vault import BODY_LEN, TOKEN_RE, _letters, open_vault

KEY = pg.Key(bytes(range(32)), id="vault-1")
VALUES = [f"138{i:08d}" for i in range(300)] + ["11010519491231002X", "张三", "欧阳娜娜"]


def test_round_trip_and_stability(tmp_path: Path) -> None:
    with open_vault(tmp_path / "v.db", KEY) as vault:
        tokens = vault.tokenize_many(VALUES, "CN_MOBILE")
        assert all(TOKEN_RE.fullmatch(t) for t in tokens)
        assert vault.tokenize_many(VALUES, "CN_MOBILE") == tokens  # stable per value
        assert vault.detokenize_many(tokens) == VALUES
        assert len(set(tokens)) == len(set(VALUES))
        # the same value as another entity is another token
        assert vault.tokenize("张三", "PERSON_NAME") != vault.tokenize("张三", "CN_MOBILE")


@settings(max_examples=40)
@given(st.text(min_size=0, max_size=60))
def test_any_unicode_round_trips(value: str) -> None:
    vault = _shared_vault()
    token = vault.tokenize(value)
    assert vault.detokenize(token) == value


_VAULT: list[object] = []


def _shared_vault():  # one vault for the hypothesis examples (a tmp dir per process)
    if not _VAULT:
        import tempfile

        _VAULT.append(open_vault(Path(tempfile.mkdtemp()) / "h.db", KEY))
    return _VAULT[0]


def test_tokens_in_free_text_are_not_pi_and_restore(tmp_path: Path) -> None:
    vault = open_vault(tmp_path / "v.db", KEY)
    deid = pg.Deidentifier({"CN_MOBILE": pg.ops.Tokenize(vault), "CN_RESIDENT_ID": pg.ops.Tokenize(vault)})
    text = "客户手机13812345678，身份证11010519491231002X，请回电。"
    masked = deid.text(text)
    assert "13812345678" not in masked and "⟦TK:CN_MOBILE:" in masked
    assert pg.scan_text(masked) == []  # tokens are never re-detected as PI
    assert pg.ops.Detokenize(vault).apply(masked) == text
    assert deid.text(text) == masked


def test_vault_stores_no_plaintext(tmp_path: Path) -> None:
    path = tmp_path / "v.db"
    with open_vault(path, KEY) as vault:
        vault.tokenize_many(["13812345678", "11010519491231002X", "张三丰"], None)
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    for secret in ("13812345678", "11010519491231002X", "张三丰"):
        assert secret.encode() not in raw
    rows = sqlite3.connect(path).execute("SELECT ciphertext FROM pg_vault_tokens").fetchall()
    assert all(r[0].startswith("pg1:sm4gcm:vault-1:") for r in rows)


def test_restart_and_another_process(tmp_path: Path) -> None:
    path = tmp_path / "v.db"
    with open_vault(path, KEY) as vault:
        tokens = vault.tokenize_many(VALUES[:20], "CN_MOBILE")
    with open_vault(path, KEY) as vault:  # restart
        assert vault.detokenize_many(tokens) == VALUES[:20]
    code = (
        "import sys, pipl_guard as pg\n"
        "from pipl_guard.transform.vault import open_vault\n"
        "v = open_vault(sys.argv[1], pg.Key(bytes(range(32)), id='vault-1'))\n"
        "print(v.tokenize(sys.argv[2], 'CN_MOBILE'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path), VALUES[3]], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == tokens[3]


def _worker(args: tuple[str, int]) -> list[str]:
    path, seed = args
    from pipl_guard.transform.vault import open_vault as _open

    vault = _open(path, pg.Key(bytes(range(32)), id="vault-1"))
    order = VALUES[seed:] + VALUES[:seed]  # different orders, overlapping batches
    out: dict[str, str] = {}
    for i in range(0, len(order), 25):
        batch = order[i : i + 25]
        out.update(zip(batch, vault.tokenize_many(batch, "CN_MOBILE"), strict=True))
    vault.close()
    return [out[v] for v in VALUES]


def test_two_processes_at_once_agree(tmp_path: Path) -> None:
    path = str(tmp_path / "v.db")
    ctx = mp.get_context("spawn")
    with ctx.Pool(2) as pool:
        a, b = pool.map(_worker, [(path, 0), (path, 150)])
    assert a == b
    with open_vault(path, KEY) as vault:
        assert vault.detokenize_many(a) == VALUES
        count = sqlite3.connect(path).execute("SELECT count(*) FROM pg_vault_tokens").fetchone()[0]
    assert count == len(set(VALUES))


def test_token_from_another_vault(tmp_path: Path) -> None:
    v1 = open_vault(tmp_path / "a.db", KEY)
    v2 = open_vault(tmp_path / "b.db", KEY)
    assert v1.vault_id != v2.vault_id
    token = v1.tokenize("13812345678", "CN_MOBILE")
    with pytest.raises(VaultError) as info:
        v2.detokenize(token)
    assert "13812345678" not in str(info.value)
    forged = token[:-3] + "aaa⟧" if not token.endswith("aaa⟧") else token[:-3] + "bbb⟧"
    with pytest.raises(VaultError):
        v1.detokenize(forged)
    with pytest.raises(VaultError):
        v1.detokenize("not a token")


def test_wrong_key_for_existing_vault(tmp_path: Path) -> None:
    open_vault(tmp_path / "v.db", KEY).close()
    with pytest.raises(KeyMaterialError):
        open_vault(tmp_path / "v.db", pg.Key(bytes(32), id="vault-1"))
    with pytest.raises(KeyMaterialError):
        open_vault(tmp_path / "v.db", None)  # type: ignore[arg-type]


def test_tampered_row_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "v.db"
    vault = open_vault(path, KEY)
    t1, t2 = vault.tokenize_many(["13812345678", "13912345678"], "CN_MOBILE")
    db = sqlite3.connect(path)
    rows = dict(db.execute("SELECT token, ciphertext FROM pg_vault_tokens").fetchall())
    b1, b2 = TOKEN_RE.fullmatch(t1).group(3), TOKEN_RE.fullmatch(t2).group(3)  # type: ignore[union-attr]
    db.execute("UPDATE pg_vault_tokens SET ciphertext = ? WHERE token = ?", (rows[b2], b1))
    db.commit()
    with pytest.raises(VaultError):
        vault.detokenize(t1)


def test_bulk_load_then_mixed_batches_keep_one_token_per_value(tmp_path: Path) -> None:
    """After a mostly-new batch the vault writes before it reads; known values must keep their tokens,
    repeats must not add rows, and a row planted under a token with another lookup is still a collision."""
    path = tmp_path / "v.db"
    first = [f"139{i:08d}" for i in range(500)]
    with open_vault(path, KEY) as vault:
        t_first = vault.tokenize_many(first, "CN_MOBILE")  # a load: the next batch goes write-first
        mixed = first[::7] + [f"137{i:08d}" for i in range(300)] + first[:3]
        t_mixed = vault.tokenize_many(mixed, "CN_MOBILE")
        known = dict(zip(first, t_first, strict=True))
        assert [t_mixed[i] for i, v in enumerate(mixed) if v in known] == [known[v] for v in mixed if v in known]
        assert vault.detokenize_many(t_mixed) == mixed
        assert vault.tokenize_many(first, "CN_MOBILE") == t_first
    count = sqlite3.connect(path).execute("SELECT count(*) FROM pg_vault_tokens").fetchone()[0]
    assert count == 500 + 300
    # plant a foreign lookup under the token the next new value will get: the write-first path must see it
    with open_vault(path, KEY) as vault:
        vault.tokenize_many([f"136{i:08d}" for i in range(200)], "CN_MOBILE")  # mostly new again
        victim = "13500000001"
        body = _letters(vault._lookup(KEY.id, "CN_MOBILE", victim), BODY_LEN)  # the token it would get
        db = sqlite3.connect(path)
        db.execute(
            "INSERT INTO pg_vault_tokens(token, lookup, entity, key_id, ciphertext, created) VALUES (?,?,?,?,?,?)",
            (body, b"\x00" * 32, "CN_MOBILE", KEY.id, "x", "now"),
        )
        db.commit()
        db.close()
        with pytest.raises(VaultError, match="collision"):
            vault.tokenize_many([victim] + [f"133{i:08d}" for i in range(100)], "CN_MOBILE")


def test_rotation_keeps_tokens_and_old_rows(tmp_path: Path) -> None:
    path = tmp_path / "v.db"
    with open_vault(path, KEY) as vault:
        old = vault.tokenize_many(VALUES[:10], "CN_MOBILE")
    ring = pg.KeyRing([KEY]).rotate(pg.Key(bytes(range(5, 37)), id="vault-2"))
    with open_vault(path, ring) as vault:
        assert vault.tokenize_many(VALUES[:10], "CN_MOBILE") == old  # same tokens after rotation
        new = vault.tokenize("13700000000", "CN_MOBILE")
        assert vault.detokenize_many([*old, new]) == [*VALUES[:10], "13700000000"]
    keys = {r[0] for r in sqlite3.connect(path).execute("SELECT key_id FROM pg_vault_tokens")}
    assert keys == {"vault-1", "vault-2"}


def test_aes_gcm_siv_vault(tmp_path: Path) -> None:
    with open_vault(tmp_path / "v.db", KEY, algorithm="aes-gcm-siv") as vault:
        t = vault.tokenize("张三", "PERSON_NAME")
        assert vault.detokenize(t) == "张三"


def test_postgresql_vault() -> None:
    """Runs against the server .ci/postgres.sh starts; never skipped."""
    url = os.environ.get("PIPL_GUARD_TEST_PG_URL")
    assert url, (
        "PIPL_GUARD_TEST_PG_URL is not set: run .ci/postgres.sh and `source .ci/postgres.env` "
        "to start the PostgreSQL server this test needs"
    )
    import sqlalchemy as sa

    schema_key = pg.Key(uuid.uuid4().bytes + uuid.uuid4().bytes, id="pg-test")
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # fresh tables for this run
        conn.execute(sa.text("DROP TABLE IF EXISTS pg_vault_tokens"))
        conn.execute(sa.text("DROP TABLE IF EXISTS pg_vault_meta"))
    engine.dispose()
    vault = open_vault(url, schema_key)
    tokens = vault.tokenize_many(VALUES, "CN_MOBILE")
    assert vault.tokenize_many(VALUES[:50], "CN_MOBILE") == tokens[:50]
    vault.close()
    again = open_vault(url, schema_key)  # reconnect = restart
    assert again.detokenize_many(tokens) == VALUES
    assert again.detokenize_text(f"请联系 {tokens[0]}") == f"请联系 {VALUES[0]}"
    with pytest.raises(VaultError):
        again.detokenize(tokens[0].replace(again.vault_id, "zzzzzz"))
    again.close()


def test_one_vault_shared_by_threads(tmp_path: Path) -> None:
    import threading

    vault = open_vault(tmp_path / "v.db", KEY)
    results: list[list[str]] = []
    errors: list[str] = []

    def work(offset: int) -> None:
        try:
            order = VALUES[offset:] + VALUES[:offset]
            got = dict(zip(order, vault.tokenize_many(order, "CN_MOBILE"), strict=True))
            results.append([got[v] for v in VALUES])
            assert vault.detokenize_many(results[-1]) == VALUES
        except Exception as exc:  # collected and asserted below
            errors.append(repr(exc))

    threads = [threading.Thread(target=work, args=(i * 50,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(results) == 4 and all(r == results[0] for r in results)
