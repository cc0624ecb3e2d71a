"""Benchmark: ``scan_text`` throughput on Chinese prose, against bare regex passes in the same run.

Run:  python benchmarks/scan.py [--mb 10] [--repeat 3] [--seed 7]

Prints MB/s (MB = 10**6 bytes of UTF-8 input) for:
  * pipl_guard ``scan_text`` with the default entity set (full validation, context scoring);
  * the ceiling: one trivial candidate regex over the same text (``[0-9０-９]{5,}``), validating nothing;
  * a naive scanner: the usual eight entity regexes (ID, mobile, card, email, landline, passport,
    plate, IPv4), one pass each, validating nothing;
  * where installed: google-re2 and hyperscan running the ceiling pattern, and Presidio configured with
    Chinese resident-ID and mobile pattern recognizers (``pip install -e '.[bench]'``).
Targets (SPEC §7): >= 50 MB/s and within 3x of the ceiling. Single process, single core.
"""

from __future__ import annotations

import argparse
import random
import re
from collections.abc import Callable

from _timing import best_of

import pipl_guard as pg
from pipl_guard import synth

NAIVE_PATTERNS = [
    r"(?<![0-9])[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9])",
    r"(?<![0-9])(?:\+86[ \-]?)?1[3-9][0-9](?:[ \-]?[0-9]{4}){2}(?![0-9])",
    r"(?<![0-9])(?:[3-6][0-9]{3} ){3}[0-9]{4}|[3-6][0-9]{15,18}(?![0-9])",
    r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}",
    r"(?<![0-9])0[1-9][0-9]{1,2}-?[2-9][0-9]{6,7}(?![0-9])",
    r"(?<![A-Za-z0-9])[EG][0-9]{8}(?![0-9])",
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][A-HJ-NP-Z0-9]{5,6}",
    r"(?<![0-9.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9.])",
]
CEILING = r"[0-9０-９]{5,}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=10.0, help="size of the generated text in MB (default 10)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    rng = random.Random(args.seed)
    # Chinese prose is ~3 bytes a character; one PI item per ~100 characters
    text, spans = synth.text_with_pi(rng, int(args.mb * 1e6 / 2.9))
    size = len(text.encode("utf-8")) / 1e6
    print(f"text: {size:.2f} MB, {len(text):,} chars, {len(spans):,} PI items (1 per {len(text) // max(1, len(spans))} chars)")

    pg.scan_text("预热 13812345678")  # load detectors and data outside the timing
    found: list[pg.Finding] = []

    def run_scan() -> None:
        found[:] = pg.scan_text(text)

    rows: list[tuple[str, float]] = []
    t_scan = best_of(run_scan, args.repeat)
    rows.append(("pipl_guard scan_text (default entities)", t_scan))

    ceiling = re.compile(CEILING)
    t_ceiling = best_of(lambda: sum(1 for _ in ceiling.finditer(text)), args.repeat)
    rows.append(("ceiling: one candidate regex, no validation", t_ceiling))

    naive = [re.compile(p) for p in NAIVE_PATTERNS]
    t_naive = best_of(lambda: sum(1 for rx in naive for _ in rx.finditer(text)), args.repeat)
    rows.append(("naive: 8 entity regexes, no validation", t_naive))

    try:
        import re2  # type: ignore[import-not-found]

        rx2 = re2.compile(CEILING)
        rows.append(("google-re2: ceiling pattern", best_of(lambda: sum(1 for _ in rx2.finditer(text)), args.repeat)))
    except ImportError:
        print("google-re2: not installed (pip install google-re2)")
    try:
        import hyperscan  # type: ignore[import-not-found]

        db = hyperscan.Database()
        db.compile(expressions=[b"[0-9]{5,}"], ids=[0], flags=[hyperscan.HS_FLAG_SOM_LEFTMOST])
        raw = text.encode("utf-8")
        hits: list[int] = []

        def on_match(_id: int, _f: int, _t: int, _flags: int, _ctx: object) -> None:
            hits.append(_f)

        rows.append(("hyperscan: ceiling pattern (bytes)", best_of(lambda: db.scan(raw, match_event_handler=on_match), args.repeat)))
    except ImportError:
        print("hyperscan: not installed (pip install hyperscan)")
    presidio = _presidio_runner(text)
    if presidio is not None:
        rows.append(("Presidio, CN ID + mobile patterns, per line", best_of(presidio, 1)))

    print(f"\n{'engine':<48} {'s':>8} {'MB/s':>8} {'vs ceiling':>10}")
    for name, secs in rows:
        print(f"{name:<48} {secs:8.3f} {size / secs:8.1f} {secs / t_ceiling:9.1f}x")
    counts: dict[str, int] = {}
    for f in found:
        counts[f.entity] = counts.get(f.entity, 0) + 1
    truth: dict[str, int] = {}
    for entity, _s, _e in spans:
        truth[entity] = truth.get(entity, 0) + 1
    found_keys = {(f.entity, f.start, f.end) for f in found}
    recall = sum(1 for s in spans if tuple(s) in found_keys) / max(1, len(spans))
    true_keys = {tuple(s) for s in spans}
    precision = sum(1 for k in found_keys if k in true_keys) / max(1, len(found_keys))
    print(f"\nfindings: {len(found):,}  exact-span recall {recall:.4f}  precision {precision:.4f}")
    print("by entity (found / labelled):", ", ".join(f"{e} {counts.get(e, 0)}/{truth.get(e, 0)}" for e in sorted(set(truth) | set(counts))))
    mbps = size / t_scan
    print(f"\ntarget >= 50 MB/s: {'met' if mbps >= 50 else 'NOT met'} ({mbps:.1f}); "
          f"within 3x of ceiling: {'met' if t_scan <= 3 * t_ceiling else 'NOT met'} ({t_scan / t_ceiling:.1f}x)")


def _presidio_runner(text: str) -> Callable[[], object] | None:
    try:
        from presidio_analyzer import Pattern, PatternRecognizer  # type: ignore[import-not-found]
    except ImportError:
        print("presidio: not installed (pip install presidio-analyzer) - skipped in this run")
        return None
    # Presidio's AnalyzerEngine needs an NLP model; no Chinese model installs offline, so call the
    # pattern recognizers directly per line, which is Presidio's fastest path (engine.md §10).
    rid = PatternRecognizer(supported_entity="CN_RESIDENT_ID", supported_language="zh", patterns=[Pattern("id", NAIVE_PATTERNS[0], 0.6)])
    mob = PatternRecognizer(supported_entity="CN_MOBILE", supported_language="zh", patterns=[Pattern("mob", NAIVE_PATTERNS[1], 0.6)])
    lines = text.split("\n") if "\n" in text else [text[i : i + 2000] for i in range(0, len(text), 2000)]

    def run() -> None:
        for line in lines:
            rid.analyze(line, ["CN_RESIDENT_ID"], None)
            mob.analyze(line, ["CN_MOBILE"], None)

    return run


if __name__ == "__main__":
    main()
