"""Every auditor script in ``examples/`` runs with one command, and what it prints is checked."""

from __future__ import annotations

import datetime as dt
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

import pipl_guard as pg
from pipl_guard import synth
from pipl_guard.catalogue import CATALOGUE
from pipl_guard.io import read

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SAMPLE = EXAMPLES / "data" / "leak_sample.csv"


def run(script: str, *args: str, cwd: Path) -> str:
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args], cwd=cwd, capture_output=True, text=True, timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def value(out: str, label: str) -> int:
    m = re.search(rf"^{re.escape(label)}[^:\n]*: (\d+)$", out, re.M)
    assert m, label
    return int(m.group(1))


def test_sample_file_and_its_generator(tmp_path: Path) -> None:
    from pipl_guard.detect import resident_id

    records = list(read(SAMPLE))
    assert 300 <= len(records) <= 500
    assert list(records[0]) == ["xm", "gmsfhm", "sjhm", "hjdz", "csrq", "mz", "xb", "zp"]
    assert all(resident_id.is_valid(r["gmsfhm"]) for r in records)
    out = subprocess.run([sys.executable, str(EXAMPLES / "data" / "make_sample.py"), str(tmp_path / "s.csv")],
                         capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    fresh = list(read(tmp_path / "s.csv"))
    assert len(fresh) == len(records) and list(fresh[0]) == list(records[0])
    assert f"wrote {len(records)} records" in out.stdout


def test_leak_triage(tmp_path: Path) -> None:
    out = run("leak_triage.py", str(SAMPLE), "-o", "triage.html", cwd=tmp_path)
    prof = pg.profile(list(read(SAMPLE)))
    assert value(out, "Records") == prof.records
    assert value(out, "Distinct individuals") == prof.individuals
    assert value(out, "Minors under 14") == prof.minors
    for entity, count in prof.entities.items():
        assert re.search(rf"^  {entity}\s+{count}  {re.escape(CATALOGUE[entity].name_zh)}", out, re.M), entity
    for cat, count in prof.sensitive_categories.items():
        assert re.search(rf"^  {cat}\s+{count}  ", out, re.M), cat
    top_province, n = next(iter(prof.regions.items()))
    assert f"  {top_province} {n}" in out
    assert "mz           ETHNICITY" in out and "sensitive" in out
    risk = pg.risk(list(read(SAMPLE)))
    assert f"k={risk.k};" in out
    page = (tmp_path / "triage.html").read_text("utf-8")
    assert f"id='card-records'><div class='n'>{prof.records:,}<" in page
    for r in list(read(SAMPLE))[:50]:
        assert r["gmsfhm"] not in out and r["gmsfhm"] not in page
        assert r["sjhm"] not in out and r["sjhm"] not in page


def test_pre_export_check(tmp_path: Path) -> None:
    ledger = tmp_path / "exports.sqlite"
    out = run("pre_export_check.py", "--ledger", str(ledger), "--report", "export.html", cwd=tmp_path)
    assert "Batch 1 check: ALLOWED  violations=[] notes=['CBDF-5']  ledger 2026: general=99950" in out
    assert "After batch 1: ALLOWED" in out and "general=99980" in out
    assert "Batch 2 check: DENIED  violations=['CBDF-8', 'PIPL-38']" in out
    assert "Batch 2 refused: ['CBDF-8', 'PIPL-38']" in out
    assert "Batch 2 with standard contract: ALLOWED  violations=[]" in out
    assert "Ledger total 2026: 100010 individuals (crossed 100000: True)" in out
    assert ledger.exists()
    page = (tmp_path / "export.html").read_text("utf-8")
    assert "不允许 DENIED" in page and "CBDF-8" in page


def test_pseudonymize_for_analytics(tmp_path: Path) -> None:
    out = run("pseudonymize_for_analytics.py", "-o", "analytics.csv", cwd=tmp_path)
    raw = re.search(r"^raw table\s+records=(\d+)\s+classes=(\d+)\s+k=(\d+)", out, re.M)
    after = re.search(r"^de-identified\s+records=(\d+)\s+classes=(\d+)\s+k=(\d+)", out, re.M)
    assert raw and after
    assert int(raw.group(3)) == 1 and int(after.group(3)) >= 5
    assert "k-anonymous at k=5: True" in out
    assert "raw resident IDs left in the output: 0" in out
    assert "levels={'csrq': '10-year age band', 'hjdz': 'province'}" in out
    written = list(read(tmp_path / "analytics.csv"))
    assert len(written) == int(after.group(1))
    # the numbers printed are what the written table gives
    check = pg.risk(written, ["csrq", "xb", "hjdz", "mz"])
    assert (check.classes, check.k) == (int(after.group(2)), int(after.group(3)))
    source = synth.leak_records(random.Random(2026), 3000, schema="pinyin")
    ids = {r["gmsfhm"] for r in source} | {r["sjhm"] for r in source}
    assert not any(r["gmsfhm"] in ids or r["sjhm"] in ids for r in written)
    assert all(r["xm"] == "" and r["zp"] == "" for r in written)
    m = re.search(r"join on hashed gmsfhm: (\d+) of 50", out)
    assert m and int(m.group(1)) >= 45


@pytest.mark.parametrize("day", ["2026-06-01"])
def test_breach_assessment(tmp_path: Path, day: str) -> None:
    out = run("breach_assessment.py", str(SAMPLE), "-o", "breach.html", "--date", day, cwd=tmp_path)
    prof = pg.profile(list(read(SAMPLE)), as_of=dt.date.fromisoformat(day))
    assert value(out, "Records exposed") == prof.records
    assert value(out, "Individuals affected") == prof.individuals
    assert value(out, "Minors under 14 affected") == prof.minors
    for entity, count in prof.entities.items():
        info = CATALOGUE[entity]
        assert f"  {info.name_zh} / {info.name_en}: {count}" in out
    assert "PIPL-57 (PIPL Art. 57)" in out
    assert "(CSIR-4, >= 1,000,000 individuals): no" in out
    page = (tmp_path / "breach.html").read_text("utf-8")
    assert "PIPL-57" in page and f"<b id='minors'>{prof.minors:,}</b>" in page
