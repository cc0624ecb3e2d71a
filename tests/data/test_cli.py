"""The ``pipl-guard`` command through its real entry point (a subprocess), every command, every exit code."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipl_guard import io

ID_A = "11010519491231002X"
ID_B = "110105194912310021"
ROWS = [
    {"xm": "张伟", "sfzh": ID_A, "sjhm": "13812345678", "bz": "送货上门"},
    {"xm": "李娜", "sfzh": ID_B, "sjhm": "13912345678", "bz": "联系电话13812345678"},
]
EXE = shutil.which("pipl-guard", path=os.path.dirname(sys.executable)) or "pipl-guard"


def run(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [EXE, *args], input=stdin, capture_output=True, timeout=120, env={**os.environ, **(env or {})}, check=False
    )


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("cli")
    io.write(d / "people.csv", ROWS)
    io.write(d / "people.jsonl", ROWS)
    io.write(d / "people.parquet", ROWS)
    (d / "clean.csv").write_text("city,count\n北京,3\n", encoding="utf-8")
    (d / "ragged.csv").write_text(f"a,b\n1,2\n{ID_A},2,3\n", encoding="utf-8")
    (d / "bad.jsonl").write_text('{"a": 1}\nnot json\n{"a": 2}\n', encoding="utf-8")
    blob = (d / "people.parquet").read_bytes()
    (d / "truncated.parquet").write_bytes(blob[: len(blob) // 2])
    return d


def test_entry_point_help_shows_an_example_for_every_command() -> None:
    for cmd in ([], ["scan"], ["profile"], ["mask"], ["pseudonymize"], ["check"], ["report"], ["policy"], ["policy", "schema"]):
        out = run(*cmd, "--help")
        assert out.returncode == 0, cmd
        assert b"Example" in out.stdout and b"pipl-guard" in out.stdout, cmd


def test_usage_error_exits_2() -> None:
    assert run("scan").returncode == 2
    assert run("no-such-command").returncode == 2
    assert run("scan", "x.csv", "--on-error", "maybe").returncode == 2


def test_scan_jsonl_never_prints_raw_values(data: Path) -> None:
    out = run("scan", str(data / "people.csv"))
    assert out.returncode == 0
    findings = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert {(f["record"], f["path"], f["entity"]) for f in findings} >= {
        (1, "sfzh", "CN_RESIDENT_ID"), (2, "sjhm", "CN_MOBILE"), (2, "bz", "CN_MOBILE")
    }
    assert ID_A.encode() not in out.stdout and b"13812345678" not in out.stdout
    revealed = run("scan", str(data / "people.csv"), "--reveal")
    assert ID_A.encode() in revealed.stdout


def test_scan_fail_on_pi_and_table(data: Path) -> None:
    found = run("scan", str(data / "people.parquet"), "--fail-on-pi", "--output-format", "table")
    assert found.returncode == 1 and b"CN_RESIDENT_ID" in found.stdout
    clean = run("scan", str(data / "clean.csv"), "--fail-on-pi")
    assert clean.returncode == 0 and clean.stdout == b""


def test_scan_stdin(data: Path) -> None:
    out = run("scan", "-", "--fail-on-pi", stdin=(data / "people.jsonl").read_bytes())
    assert out.returncode == 1 and b"CN_MOBILE" in out.stdout


def test_malformed_input_exits_3_without_content(data: Path) -> None:
    for name in ("ragged.csv", "bad.jsonl", "truncated.parquet", "missing.csv"):
        out = run("scan", str(data / name))
        assert out.returncode == 3, name
        assert ID_A.encode() not in out.stderr and b"Traceback" not in out.stderr
    assert b"line 3" in run("profile", str(data / "ragged.csv")).stderr


def test_on_error_skip_reports_skipped_rows(data: Path) -> None:
    out = run("profile", str(data / "bad.jsonl"), "--on-error", "skip", "--json")
    assert out.returncode == 0
    assert json.loads(out.stdout)["records"] == 2
    assert b"skipped 1" in out.stderr


def test_profile_table_and_json(data: Path) -> None:
    table = run("profile", str(data / "people.csv"))
    assert table.returncode == 0 and b"CN_RESIDENT_ID" in table.stdout and b"sfzh" in table.stdout
    prof = json.loads(run("profile", str(data / "people.parquet"), "--json").stdout)
    assert prof["records"] == 2 and prof["fields"]["sjhm"]["entity"] == "CN_MOBILE"


def test_mask_default_force_and_atomic(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "masked.csv"
    res = run("mask", str(data / "people.csv"), str(out))
    assert res.returncode == 0, res.stderr
    masked = list(io.read(out))
    assert len(masked) == 2
    text = out.read_text(encoding="utf-8")
    assert ID_A not in text and "13812345678" not in text and "138****5678" in text
    again = run("mask", str(data / "people.csv"), str(out))
    assert again.returncode == 2 and b"--force" in again.stderr
    assert run("mask", str(data / "people.csv"), str(out), "--force").returncode == 0
    # malformed input: exit 3 and nothing left under the output name
    failed = tmp_path / "never.csv"
    assert run("mask", str(data / "ragged.csv"), str(failed)).returncode == 3
    assert not failed.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".never")]


def test_mask_to_stdout_with_rules(data: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "rules:\n  CN_MOBILE: {op: mask, keep_first: 3, keep_last: 2}\n"
        "  CN_RESIDENT_ID: {op: hash, key: {env: PG_TEST_KEY}, algorithm: hmac-sha256}\n"
        "fields:\n  xm: {op: replace, text: '[姓名]'}\n",
        encoding="utf-8",
    )
    key = secrets.token_hex(32)
    res = run("mask", str(data / "people.jsonl"), "-", "--rules", str(rules), env={"PG_TEST_KEY": key})
    assert res.returncode == 0, res.stderr
    out = [json.loads(line) for line in res.stdout.decode().splitlines()]
    assert [r["xm"] for r in out] == ["[姓名]", "[姓名]"]
    assert out[0]["sjhm"] == "138******78"
    assert len(out[0]["sfzh"]) == 64 and ID_A not in res.stdout.decode()
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  CN_MOBILE: {op: shred}\n", encoding="utf-8")
    assert run("mask", str(data / "people.jsonl"), "-", "--rules", str(bad)).returncode == 3


def test_pseudonymize_needs_key_and_is_deterministic(data: Path, tmp_path: Path) -> None:
    missing = run("pseudonymize", str(data / "people.csv"), str(tmp_path / "p.csv"), "--key-env", "PG_NOT_SET_X")
    assert missing.returncode == 2 and not (tmp_path / "p.csv").exists()
    env = {"PG_TEST_KEY": secrets.token_hex(32)}
    a = run("pseudonymize", str(data / "people.csv"), str(tmp_path / "a.jsonl"), "--key-env", "PG_TEST_KEY", env=env)
    b = run("pseudonymize", str(data / "people.csv"), str(tmp_path / "b.jsonl"), "--key-env", "PG_TEST_KEY", env=env)
    assert a.returncode == 0 and b.returncode == 0, a.stderr
    ra, rb = list(io.read(tmp_path / "a.jsonl")), list(io.read(tmp_path / "b.jsonl"))
    assert ra == rb
    assert ra[0]["sfzh"] != ID_A and len(ra[0]["sfzh"]) == 18
    assert key_not_in(env["PG_TEST_KEY"], a)


def key_not_in(key: str, res: subprocess.CompletedProcess[bytes]) -> bool:
    return key.encode() not in res.stdout + res.stderr


POLICY = """
organization: {name: Test Co., ciio: false, individuals_held: 1000, officer_reported: true}
purposes:
  - id: delivery
    legal_basis: contract
    entities: [PERSON_NAME, CN_MOBILE, CN_RESIDENT_ID]
    retention_days: 365
destinations:
  - id: warehouse
    kind: storage
    authentication: true
    encryption_at_rest: true
  - id: open-bucket
    kind: storage
    authentication: false
    encryption_at_rest: false
"""


def test_check_allowed_and_denied(data: Path, tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    common = ["--policy", str(policy), "--action", "store", "--purpose", "delivery"]
    ok = run("check", str(data / "people.csv"), *common, "--destination", "warehouse")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    denied = run("check", str(data / "people.csv"), *common, "--destination", "open-bucket", "--json")
    assert denied.returncode == 1
    decision = json.loads(denied.stdout)
    assert decision["allowed"] is False and any(v["code"] == "PIPL-51" for v in decision["violations"])
    assert ID_A.encode() not in denied.stdout
    broken = tmp_path / "broken.yaml"
    broken.write_text("organisation: {}\n", encoding="utf-8")
    assert run("check", str(data / "people.csv"), "--policy", str(broken), "--action", "store",
               "--purpose", "delivery").returncode == 3
    assert run("check", str(data / "people.csv"), "--policy", str(policy), "--action", "sell",
               "--purpose", "delivery").returncode == 2


def test_report_writes_html(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    res = run("report", str(data / "people.csv"), "-o", str(out))
    assert res.returncode == 0, res.stderr
    html = out.read_text(encoding="utf-8")
    assert "<html" in html.lower() and ID_A not in html
    assert run("report", str(data / "people.csv"), "-o", str(out)).returncode == 2


def test_policy_schema() -> None:
    res = run("policy", "schema")
    assert res.returncode == 0
    schema = json.loads(res.stdout)
    assert "organization" in schema["properties"]


def test_progress_is_silent_when_stderr_is_not_a_terminal(data: Path) -> None:
    res = run("profile", str(data / "people.csv"))
    assert res.stderr == b""


def test_ctrl_c_during_mask_leaves_no_output(tmp_path: Path) -> None:
    import signal
    import time

    src = tmp_path / "big.jsonl"
    io.write(src, ({"sjhm": f"138{i:08d}", "bz": f"电话139{i:08d}"} for i in range(200_000)))
    dst = tmp_path / "out.jsonl"
    proc = subprocess.Popen([EXE, "mask", str(src), str(dst)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120

    def partial_size() -> int:
        parts = [p for p in tmp_path.iterdir() if p.name.startswith(".out.jsonl.")]
        return parts[0].stat().st_size if parts else 0

    while time.monotonic() < deadline and partial_size() < 64 * 1024:  # interrupt mid-write
        time.sleep(0.05)
    assert proc.poll() is None, "mask finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=120)
    assert proc.returncode != 0
    assert not dst.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.jsonl"]
