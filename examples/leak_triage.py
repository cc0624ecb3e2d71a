"""Leak triage: say within minutes what an exposed table holds, and hand a manager the report.

    python examples/leak_triage.py examples/data/leak_sample.csv [-o leak_report.html]

Prints the counts per entity and per sensitive category (PIPL Art. 28), distinct individuals (by resident
ID), minors under 14, the regions affected, what each field holds, and the re-identification risk; writes
the self-contained HTML report. No raw value is printed: only counts, field names and masked examples.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pipl_guard as pg
from pipl_guard.catalogue import ART28_LABELS, CATALOGUE
from pipl_guard.io import read
from pipl_guard.report.html import write_report
from pipl_guard.report.risk import default_quasi_identifiers


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Triage a leaked or exposed table.")
    ap.add_argument("file", help="CSV, JSON, JSONL or Parquet file")
    ap.add_argument("-o", "--output", default="leak_report.html", help="HTML report to write")
    args = ap.parse_args(argv)

    records = list(read(args.file))
    prof = pg.profile(records)
    print(f"File / 文件: {Path(args.file).name}")
    print(f"Records / 记录数: {prof.records}")
    print(f"Distinct individuals / 涉及个人: {prof.individuals}")
    print(f"Minors under 14 / 不满十四周岁: {prof.minors}")
    print("Entities / 个人信息类型:")
    for entity, count in prof.entities.items():
        info = CATALOGUE[entity]
        print(f"  {entity:<16} {count:>8}  {info.name_zh} / {info.name_en}")
    print("Sensitive categories (PIPL Art. 28) / 敏感个人信息类别:")
    for cat, count in prof.sensitive_categories.items():
        zh, en = ART28_LABELS.get(cat, (cat, cat))
        print(f"  {cat:<18} {count:>8}  {zh} / {en}")
    print("Regions (by resident ID) / 涉及地区:")
    for province, count in list(prof.regions.items())[:10]:
        print(f"  {province} {count}")
    if len(prof.regions) > 10:
        print(f"  ... {len(prof.regions) - 10} more provinces, {sum(list(prof.regions.values())[10:])} individuals")
    print("Fields / 字段:")
    for path, f in prof.fields.items():
        mark = " sensitive" if f.sensitive else ""
        print(f"  {path:<12} {f.entity or '-':<16} share={f.share:.0%}{mark}")
    # the quasi-identifiers the profile marks (birth date, sex, address, ethnicity, what an ID carries)
    risk = pg.risk(records, default_quasi_identifiers(prof))
    print(f"Re-identification risk / 重识别风险: {risk.summary()}")
    out = write_report(args.file, args.output, title=f"泄露数据分析 Leak triage: {Path(args.file).name}")
    print(f"Report / 报告: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
