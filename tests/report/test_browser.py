"""The report is a web page, so it is tested in one: headless Chromium (Debian's ``chromium``).

The test must run in CI: without chromium it fails and says how to get it (``.ci/chromium.sh``).
Chromium is started offline-minded (no background networking, no component updates, no sync), renders
the page from a file, dumps the DOM (``--dump-dom``) and writes a screenshot; with
``--enable-logging=stderr`` every console message is logged as ``CONSOLE``, and the page has no script,
so any such line (an error, a blocked resource) fails the test. A page with a deliberate console error
proves the check can fail.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

import pipl_guard as pg
from pipl_guard.io import read
from pipl_guard.report.html import write_report

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "data" / "leak_sample.csv"
ON = dt.date(2026, 6, 1)
_CONSOLE = re.compile(r":CONSOLE[:(]")


def chromium() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
    if found is None:
        pytest.fail("chromium is not installed: run .ci/chromium.sh (installs Debian's chromium) and re-run")
    return found


def run_chromium(page: Path, tmp: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    profile = tmp / f"chromium-profile-{len(list(tmp.glob('chromium-profile-*')))}"
    args = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        *extra,
        page.as_uri(),
    ]
    return subprocess.run(args, capture_output=True, text=True, timeout=180, check=False)


def console_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if _CONSOLE.search(line)]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("browser")
    records = list(read(SAMPLE))
    suggestion = pg.risk.suggest(records, k=5, max_suppression=0.05, quasi_identifiers=["csrq", "xb", "hjdz", "mz"], as_of=ON)
    policy = {
        "organization": {"name": "Demo"},
        "purposes": [{"id": "svc", "legal_basis": "consent", "entities": ["PERSON_NAME", "CN_MOBILE"]}],
        "destinations": [{"id": "db", "kind": "storage", "authentication": True, "encryption_at_rest": True}],
    }
    page = write_report(SAMPLE, tmp / "report.html", deidentifier=suggestion, as_of=ON, policy=policy,
                        action=pg.Action("store", "svc", "db", at=ON), title="浏览器测试 Browser test")
    dom = run_chromium(page, tmp, "--dump-dom")
    shot = tmp / "report.png"
    screenshot = run_chromium(page, tmp, f"--screenshot={shot}", "--window-size=1280,4000", "--hide-scrollbars")
    return {
        "dom": dom,
        "screenshot": screenshot,
        "png": shot,
        "profile": pg.profile(records, as_of=ON),
        "before": pg.risk(records, ["csrq", "xb", "hjdz", "mz"]),
        "after": pg.risk(suggestion.apply(records), suggestion.quasi_identifiers),
    }


def test_page_loads_without_console_errors(rendered: dict[str, Any]) -> None:
    for proc in (rendered["dom"], rendered["screenshot"]):
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert console_lines(proc.stderr) == []


def test_key_numbers_in_the_rendered_dom(rendered: dict[str, Any]) -> None:
    dom = html.unescape(rendered["dom"].stdout)
    prof = rendered["profile"]
    assert "个人信息审计报告" not in dom  # our title replaced the default
    assert "浏览器测试 Browser test" in dom

    def card(key: str) -> str:
        m = re.search(rf'id="card-{key}"><div class="n">([\d,]+)</div>', dom)
        assert m, key
        return m.group(1)

    assert card("records") == f"{prof.records:,}"
    assert card("individuals") == f"{prof.individuals:,}"
    assert card("minors") == f"{prof.minors:,}"
    before, after = rendered["before"], rendered["after"]
    row = re.search(r"最小等价类 k \(smallest class\)</td><td class=\"num\">([\d,]+)</td><td class=\"num\">([\d,]+)</td>", dom)
    assert row and (int(row.group(1)), int(row.group(2))) == (before.k, after.k)
    assert after.k >= 5
    assert "不允许 DENIED" in dom and "PIPL-13" in dom
    top_province, count = next(iter(prof.regions.items()))
    assert top_province in dom and f">{count}</text>" in dom
    assert dom.count("<svg") >= 3


def test_screenshot_saved(rendered: dict[str, Any]) -> None:
    png: Path = rendered["png"]
    assert png.exists() and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 20_000  # a blank page compresses to a few KB


def test_console_errors_are_caught(tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><meta charset="utf-8"><p>x</p><script>console.error("boom")</script>', "utf-8")
    proc = run_chromium(bad, tmp_path, "--dump-dom")
    assert proc.returncode == 0
    assert any("boom" in line for line in console_lines(proc.stderr))
