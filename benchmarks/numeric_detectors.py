"""Benchmark: the numeric and network detectors (USCC, bank card, landline, IMEI, foreigner PR ID, e-mail,
IP, MAC, geo coordinates).

Run: ``python benchmarks/numeric_detectors.py`` (default 4 MB of text) or ``--mb 8``.

The text is generated (seeded): Chinese filler with, every ~60-200 characters, one identifier of these kinds
(with its context word) or a decoy (times, amounts, version numbers, order numbers). Each detector's
``find`` runs on a shared, warmed ``ScanContext`` built the way ``scan_text`` builds it (shared digit,
token and cue passes already computed), so the figure is the detector's own cost. The baseline, measured in
the same run, is one bare ``re`` pass that validates nothing (``[0-9]{7,}|@|[0-9]\\.[0-9]``) over the same
text; figures are MB/s of UTF-8 input and each detector's time as a ratio of the baseline time. Last, the
whole scanner runs with every entity and with every entity except these modules' ones.
"""

from __future__ import annotations

import argparse
import random
import re
from collections.abc import Callable
from types import ModuleType

from _timing import best_of
from stdnum import luhn
from stdnum.cn.uscc import calc_check_digit

from pipl_guard.catalogue import ENTITY_IDS
from pipl_guard.detect import (
    bank_card,
    email,
    foreigner_pr_id,
    geo,
    imei,
    ip_address,
    landline,
    mac_address,
    uscc,
)
from pipl_guard.detect.base import ScanContext
from pipl_guard.detect.scanner import _plan, scan_spans

FILLER = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开"
DETECTORS: list[ModuleType] = [
    uscc,
    bank_card,
    landline,
    imei,
    foreigner_pr_id,
    email,
    ip_address,
    mac_address,
    geo,
]


def _digits(r: random.Random, k: int) -> str:
    return "".join(r.choices("0123456789", k=k))


VALUES: dict[str, Callable[[random.Random], str]] = {
    "uscc": lambda r: (
        "统一社会信用代码"
        + (lambda b: b + calc_check_digit(b))("9144030" + _digits(r, 1) + "MA5" + _digits(r, 6))
    ),
    "card": lambda r: "卡号" + (lambda b: b + luhn.calc_check_digit(b))("622202" + _digits(r, 12)),
    "landline": lambda r: "电话0755-" + str(r.randint(20_000_000, 89_999_999)),
    "imei": lambda r: "IMEI：" + (lambda b: b + luhn.calc_check_digit(b))("35" + _digits(r, 12)),
    "email": lambda r: "邮箱user" + _digits(r, 4) + "@example.com",
    "ip": lambda r: f"IP {r.randint(11, 223)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
    "mac": lambda r: "MAC " + ":".join(f"{r.randint(0, 255):02x}" for _ in range(6)),
    "geo": lambda r: f"坐标{r.uniform(20, 45):.4f}, {r.uniform(100, 130):.4f}",
}
DECOYS = [
    "时间12:30:45",
    "金额12.50元",
    "版本1.2.3",
    "订单号202311221530451234",
    "温度30度",
    "日期2023-11-22",
]


def make_text(mb: float, seed: int = 7) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    kinds = list(VALUES)
    while size < mb * 1_000_000:
        chunk = "".join(rng.choices(FILLER, k=rng.randint(60, 200)))
        chunk += VALUES[rng.choice(kinds)](rng) if rng.random() < 0.5 else rng.choice(DECOYS)
        parts.append(chunk + "。")
        size += len(parts[-1].encode("utf-8"))
    return "".join(parts)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=4.0)
    args = ap.parse_args()
    text = make_text(args.mb)
    mb = len(text.encode("utf-8")) / 1e6
    baseline_rx = re.compile(r"[0-9]{7,}|@|[0-9]\.[0-9]")
    base = best_of(lambda: sum(1 for _ in baseline_rx.finditer(text)))
    print(f"text: {mb:.2f} MB; baseline bare regex pass: {base:.3f} s = {mb / base:.1f} MB/s")
    _mods, cue_matcher = _plan(None)

    def shared_passes() -> None:
        fresh = ScanContext(text, cue_matcher)
        _ = (fresh.digit_candidates, fresh.alnum_tokens, fresh.cue_hits)

    shared = best_of(shared_passes, 1)
    print(f"shared passes (digits, tokens, cues; paid once per scan): {shared:.3f} s")
    ctx = ScanContext(text, cue_matcher)
    _ = (ctx.digit_candidates, ctx.alnum_tokens, ctx.cue_hits)
    for mod in DETECTORS:
        mod.find(ctx)

        def run(mod: ModuleType = mod) -> None:
            mod.find(ctx)

        t = best_of(run)
        name = mod.__name__.rsplit(".", 1)[-1]
        print(f"  {name:16s} {t:.4f} s  {mb / t:9.1f} MB/s  ratio to baseline {t / base:5.2f}")
    mine = {e for m in DETECTORS for e in m.ENTITIES}
    everything = best_of(lambda: scan_spans(text))
    others = best_of(lambda: scan_spans(text, entities=frozenset(ENTITY_IDS) - mine))
    print(
        f"scan_text, all entities: {everything:.2f} s = {mb / everything:.1f} MB/s "
        f"(ratio to baseline {everything / base:.1f})"
    )
    print(f"scan_text without these detectors: {others:.2f} s; their share: {everything - others:.2f} s")


if __name__ == "__main__":
    main()
