"""Organisation-level duties: the PI protection officer (PIPL Art. 52; Audit Measures Art. 12) and the
compliance-audit cadence (PIPL Art. 54; Compliance Audit Measures 2025 Art. 4)."""

from __future__ import annotations

import datetime as dt

from pipl_guard.policy.rules.base import Context, Outcome, rule

OFFICER_THRESHOLD = 1_000_000  # "100万人以上" includes the number
AUDIT_THRESHOLD = 10_000_000  # "超过1000万人" excludes the number
AUDIT_EVERY_YEARS = 2


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier (29 February falls back to 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@rule("PIPL-52", "obligation", "PIPL Art. 52; Compliance Audit Measures 2025 Art. 12", "PI protection officer", "个人信息保护负责人")
def officer(ctx: Context) -> Outcome | None:
    o = ctx.org
    out = Outcome({"individuals_held": o.individuals_held, "officer_reported": o.officer_reported})
    if o.individuals_held >= OFFICER_THRESHOLD and not o.officer_reported:
        out.issues.append(
            officer.issue(
                f"The organisation handles personal information of {o.individuals_held:,} individuals "
                "(1,000,000 or more): appoint a PI protection officer, publish the contact and report it to the "
                "municipal cyberspace administration (CAC announcement of 18 July 2025: within 30 working days).",
                f"处理{o.individuals_held:,}人个人信息（达到100万人以上），应指定个人信息保护负责人、公开联系方式并向设区的市级网信部门报送。",
            )
        )
    return out


@rule("AUDIT-4", "obligation", "PIPL Art. 54; Compliance Audit Measures 2025 Art. 4", "Compliance audit every two years", "每两年合规审计")
def audit(ctx: Context) -> Outcome | None:
    o = ctx.org
    due_after = years_before(ctx.at, AUDIT_EVERY_YEARS)
    out = Outcome(
        {
            "individuals_held": o.individuals_held,
            "last_audit": o.last_audit.isoformat() if o.last_audit else None,
            "overdue_if_before": due_after.isoformat(),
        }
    )
    if o.individuals_held > AUDIT_THRESHOLD and (o.last_audit is None or o.last_audit < due_after):
        last = o.last_audit.isoformat() if o.last_audit else "never"
        out.issues.append(
            audit.issue(
                f"Handlers of more than 10,000,000 individuals must audit PI protection compliance at least once "
                f"every two years; last audit: {last}.",
                f"处理超过1000万人个人信息的，应当每两年至少开展一次个人信息保护合规审计；上次审计：{last}。",
            )
        )
    return out


RULES = (officer, audit)
