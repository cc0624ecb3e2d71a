"""Breach assessment: the facts a PIPL Art. 57 notification needs, from the exposed file itself.

    python examples/breach_assessment.py examples/data/leak_sample.csv [-o breach_report.html]

PIPL Art. 57 asks a handler whose personal information leaked to remedy at once and notify the
PI-protection authority and the individuals: which categories of PI, the cause and possible harm, the
remedies and what individuals can do, and a contact. This script supplies the parts that come from the
data (categories, counts, sensitive PI under Art. 28, minors under 14, distinct individuals, regions)
and runs the policy engine on a ``breach`` action for the obligations and their deadlines (PIPL-57;
CSIR-4: 4 hours, 1 hour for a CIIO, from 1,000,000 individuals). It writes the HTML report with the
decision. No raw value is printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import pipl_guard as pg
from pipl_guard.catalogue import ART28_LABELS, CATALOGUE
from pipl_guard.io import read
from pipl_guard.report.html import write_report

POLICY = {
    "organization": {"name": "Example Public Service Co.", "ciio": False, "individuals_held": 800_000,
                     "officer_reported": True},
    "purposes": [{"id": "resident-services", "legal_basis": "legal_duty",
                  "entities": ["PERSON_NAME", "CN_RESIDENT_ID", "CN_MOBILE", "ADDRESS", "DATE_OF_BIRTH",
                               "ETHNICITY", "GENDER", "PHOTO_URL"]}],
    "destinations": [],
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Facts for a PIPL Art. 57 breach notification.")
    ap.add_argument("file", help="the exposed file (CSV, JSON, JSONL, Parquet)")
    ap.add_argument("-o", "--output", default="breach_report.html")
    ap.add_argument("--date", default=None, help="date of the breach (YYYY-MM-DD, default today)")
    args = ap.parse_args(argv)
    records = list(read(args.file))
    at = dt.date.fromisoformat(args.date) if args.date else dt.date.today()
    prof = pg.profile(records, as_of=at)

    print("PIPL Art. 57 notification facts / 个人信息泄露通知要素")
    print(f"Exposed file / 泄露文件: {Path(args.file).name}")
    print(f"Records exposed / 泄露记录数: {prof.records}")
    print(f"Individuals affected (distinct resident IDs) / 涉及个人: {prof.individuals}")
    print(f"Minors under 14 affected / 不满十四周岁未成年人: {prof.minors}")
    print("Categories of PI / 个人信息种类:")
    for entity, count in prof.entities.items():
        info = CATALOGUE[entity]
        sens = " [sensitive 敏感]" if info.is_sensitive() else ""
        print(f"  {info.name_zh} / {info.name_en}: {count}{sens}")
    print("Sensitive PI (PIPL Art. 28) / 敏感个人信息:")
    for cat, count in prof.sensitive_categories.items():
        zh, en = ART28_LABELS.get(cat, (cat, cat))
        print(f"  {zh} / {en}: {count} records")
    print(f"Provinces affected / 涉及省份: {len(prof.regions)}")

    policy = pg.Policy.model_validate(POLICY)
    action = pg.Action("breach", "resident-services", at=at)
    decision = pg.Guard(policy).check(records, action)
    print("Obligations / 义务:")
    for issue in decision.obligations:
        print(f"  {issue.code} ({issue.article}): {issue.message_en} / {issue.message_zh}")
    for issue in decision.violations:
        print(f"  violation {issue.code} ({issue.article}): {issue.message_en}")
    reportable = prof.individuals >= 1_000_000
    print(f"Report to the CAC within 4 hours (CSIR-4, >= 1,000,000 individuals): {'yes' if reportable else 'no'}")
    out = write_report(args.file, args.output, policy=policy, action=action, as_of=at,
                       title=f"泄露评估 Breach assessment: {Path(args.file).name}")
    print(f"Report / 报告: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
