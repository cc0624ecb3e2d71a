"""Benchmark: the letter-bearing detectors (passport, permits, HK/MO/TW IDs, VIN, plates, IM accounts).

Run: ``python benchmarks/letter_detectors.py`` (default 4 MB of text) or ``--mb 8``.

The text is generated (seeded): Chinese filler with, every ~200 characters, one identifier of these kinds
with its cue word, plus decoys (order numbers, model names, English words). Each detector's ``find`` runs on
a fresh ``ScanContext`` (so it pays for the shared passes it reads) and on a shared, warmed one (its own
cost only). The baseline, measured in the same run, is one trivial ``re`` pass ``[0-9０-９]{6,}`` over the
same text; figures are MB/s of UTF-8 input and the ratio to the baseline time. Last, the whole scanner runs
with every entity and with every entity except these modules' ones: the difference is their cost in
``scan_text`` (shared passes counted once).
"""

from __future__ import annotations

import argparse
import functools
import random
import re
import string
from collections.abc import Callable
from types import ModuleType

from _timing import best_of

from pipl_guard.catalogue import ENTITY_IDS
from pipl_guard.detect import hk_mo_tw_id, hmt_permit, im_account, license_plate, passport, vin
from pipl_guard.detect.base import ScanContext
from pipl_guard.detect.scanner import scan_spans

FILLER = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"
CUES = {
    "passport": ("护照号码：", lambda r: "E" + "".join(r.choices(string.digits, k=8))),
    "permit": ("回乡证", lambda r: "H" + "".join(r.choices(string.digits, k=8))),
    "taiwan": ("台胞证", lambda r: "".join(r.choices(string.digits, k=8))),
    "hk": ("香港身份证", lambda r: "A123456(3)"),
    "tw": ("台湾身份证", lambda r: "A123456789"),
    "vin": ("车架号", lambda r: "1M8GDM9AXKP042788"),
    "plate": ("车牌", lambda r: r.choice("京沪粤川") + "A" + "".join(r.choices(string.digits, k=5))),
    "qq": ("QQ：", lambda r: "".join(r.choices(string.digits, k=9)).replace("0", "1", 1)),
    "wechat": ("微信号", lambda r: "wxid_" + "".join(r.choices(string.ascii_lowercase, k=8))),
}
DECOYS = ["订单号202311221530", "型号iPhone13", "Version 2.0", "SKU-AB12345678", "hello world"]
DETECTORS: list[ModuleType] = [passport, hmt_permit, hk_mo_tw_id, vin, license_plate, im_account]


def make_text(mb: float, seed: int = 11) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    target = int(mb * 1_000_000)
    kinds = list(CUES)
    while size < target:
        chunk = "".join(rng.choices(FILLER, k=rng.randint(60, 200)))
        if rng.random() < 0.5:
            cue, make = CUES[rng.choice(kinds)]
            chunk += cue + make(rng)
        else:
            chunk += rng.choice(DECOYS)
        parts.append(chunk + "。")
        size += len(parts[-1].encode("utf-8"))
    return "".join(parts)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=4.0)
    args = ap.parse_args()
    text = make_text(args.mb)
    mb = len(text.encode("utf-8")) / 1e6
    base_rx = re.compile(r"[0-9０-９]{6,}")
    base = best_of(lambda: sum(1 for _ in base_rx.finditer(text)))
    print(f"text: {mb:.2f} MB UTF-8, {len(text):,} chars")
    print(f"baseline  re [0-9０-９]{{6,}}: {base:.3f} s  {mb / base:7.1f} MB/s  ratio 1.00")
    shared = ScanContext(text)
    for mod in DETECTORS:
        mod.find(shared)  # warm the shared passes
    for mod in DETECTORS:
        name = mod.__name__.rsplit(".", 1)[-1]
        find: Callable[[str | ScanContext], object] = mod.find
        cold = best_of(functools.partial(lambda f: f(ScanContext(text)), find))
        warm = best_of(functools.partial(find, shared))
        n = len(mod.find(shared))
        print(
            f"{name:14s} fresh ctx: {cold:.3f} s {mb / cold:7.1f} MB/s ratio {cold / base:5.1f} | "
            f"shared ctx: {warm:.3f} s {mb / warm:7.1f} MB/s ratio {warm / base:5.1f} | spans {n}"
        )
    mine = {e for mod in DETECTORS for e in mod.ENTITIES}
    everything = frozenset(ENTITY_IDS)
    others = frozenset(everything - mine)
    scan_spans(text, entities=everything)  # warm caches
    full = best_of(lambda: scan_spans(text, entities=everything), repeat=2)
    rest = best_of(lambda: scan_spans(text, entities=others), repeat=2)
    print(
        f"scanner, all entities: {full:.3f} s {mb / full:6.1f} MB/s | without these {len(mine)}: {rest:.3f} s "
        f"{mb / rest:6.1f} MB/s | their share {(full - rest) / full:5.1%}"
    )


if __name__ == "__main__":
    main()
