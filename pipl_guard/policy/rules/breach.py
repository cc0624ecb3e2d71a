"""Breach duties: remedy and notify (PIPL Art. 57) and the incident-report clock (National Cybersecurity
Incident Reporting Measures 2025, Art. 4, with the grading guide's 1,000,000-individual threshold)."""

from __future__ import annotations

from pipl_guard.policy.rules.base import Context, Outcome, rule

REPORTABLE_INDIVIDUALS = 1_000_000  # "100万人以上" includes the number


def affected(ctx: Context) -> int:
    """Individuals affected: distinct individuals in the exposed records, or ``Action.affected`` if larger."""
    return max(len(ctx.facts.individuals), ctx.action.affected or 0)


@rule("PIPL-57", "obligation", "PIPL Art. 57", "Breach: remedy and notify", "泄露：补救并通知")
def notify(ctx: Context) -> Outcome | None:
    if not ctx.is_breach:
        return None
    n = affected(ctx)
    out = Outcome({"affected_individuals": n, "records": ctx.facts.records})
    out.issues.append(
        notify.issue(
            f"Personal information of {n:,} individual(s) leaked, was tampered with or lost: take remedial "
            "measures at once and notify the PI protection authority and the individuals (categories, cause, "
            "possible harm, remedies, what they can do, contact).",
            f"{n:,}人的个人信息发生或可能发生泄露、篡改、丢失：应立即采取补救措施，并通知履行个人信息保护职责的部门和个人。",
            records=ctx.facts.records,
        )
    )
    return out


@rule("CSIR-4", "obligation", "Cybersecurity Incident Reporting Measures 2025 Art. 4", "Incident report clock", "网络安全事件报告时限")
def report_clock(ctx: Context) -> Outcome | None:
    if not ctx.is_breach:
        return None
    n = affected(ctx)
    hours = 1 if ctx.org.ciio else 4
    out = Outcome({"affected_individuals": n, "ciio": ctx.org.ciio, "threshold": REPORTABLE_INDIVIDUALS})
    if n >= REPORTABLE_INDIVIDUALS:
        to_en = "the CII protection department and public security" if ctx.org.ciio else "the provincial cyberspace administration"
        to_zh = "关键信息基础设施保护工作部门和公安机关" if ctx.org.ciio else "省级网信部门"
        out.issues.append(
            report_clock.issue(
                f"A leak of {n:,} individuals' personal information is at least a 'relatively major' incident: "
                f"report to {to_en} within {hours} hour(s).",
                f"{n:,}人个人信息泄露，属于较大及以上网络安全事件，应在{hours}小时内向{to_zh}报告。",
                records=ctx.facts.records,
            )
        )
    return out


RULES = (notify, report_clock)
