"""Processing rules: minimum necessary (PIPL Art. 6), retention (Arts. 19, 47), entrustment (Art. 21)
and the impact assessment (Art. 55)."""

from __future__ import annotations

from pipl_guard.policy.rules.base import Context, Outcome, fields_of, rule


@rule("PIPL-6", "violation", "PIPL Art. 6", "Minimum necessary", "最小必要")
def minimum_necessary(ctx: Context) -> Outcome | None:
    if ctx.is_breach or not ctx.has_pi:
        return None
    present = set(ctx.facts.entity_fields)
    allowed = set(ctx.purpose.entities)
    extra = sorted(present - allowed)
    out = Outcome({"entities_present": sorted(present), "entities_allowed": sorted(allowed), "extra": extra})
    if extra:
        n = max(ctx.facts.entity_records[e] for e in extra)
        out.issues.append(
            minimum_necessary.issue(
                f"Records carry {', '.join(extra)}, which purpose '{ctx.purpose.id}' does not list "
                "(minimum necessary, PIPL Art. 6): drop or transform those fields.",
                f"记录包含处理目的“{ctx.purpose.id}”未列明的个人信息类型（{', '.join(extra)}），超出最小必要范围（第六条）。",
                fields=fields_of(ctx.facts, extra),
                records=n,
            )
        )
    return out


@rule("PIPL-19", "violation", "PIPL Arts. 19, 47", "Retention period", "保存期限")
def retention(ctx: Context) -> Outcome | None:
    p = ctx.purpose
    if ctx.is_breach or p.retention_days is None or p.time_field is None or not ctx.has_pi:
        return None
    f = ctx.facts
    out = Outcome(
        {"retention_days": p.retention_days, "time_field": p.time_field, "expired": f.expired, "undated": f.undated}
    )
    if f.expired:
        out.issues.append(
            retention.issue(
                f"{f.expired} record(s) are older than the {p.retention_days}-day retention of purpose '{p.id}' "
                f"on {ctx.at.isoformat()}: delete or anonymize them (PIPL Arts. 19, 47).",
                f"{f.expired}条记录已超过处理目的“{p.id}”的{p.retention_days}天保存期限，应删除或匿名化（第十九条、第四十七条）。",
                fields=[p.time_field],
                records=f.expired,
            )
        )
    if f.undated:
        out.issues.append(
            retention.issue(
                f"{f.undated} record(s) have no readable date in '{p.time_field}'; retention could not be checked.",
                f"{f.undated}条记录的“{p.time_field}”字段无法识别日期，未能核查保存期限。",
                fields=[p.time_field],
                records=f.undated,
                kind="note",
            )
        )
    return out


@rule("PIPL-21", "violation", "PIPL Art. 21", "Entrustment contract", "委托处理合同")
def entrustment(ctx: Context) -> Outcome | None:
    if not ctx.is_entrust or ctx.destination is None:
        return None
    d = ctx.destination
    out = Outcome({"destination": d.id, "contract": d.contract})
    if not d.contract:
        out.issues.append(
            entrustment.issue(
                f"Entrusting processing to '{d.id}' needs a contract fixing purpose, period, method, categories "
                "and protection measures (PIPL Art. 21); the policy records none (contract: true).",
                f"委托“{d.id}”处理个人信息，应约定委托处理的目的、期限、处理方式、个人信息种类、保护措施等（第二十一条），策略中未载明合同。",
                records=ctx.facts.records_with_pi,
            )
        )
    return out


@rule("PIPL-55", "violation", "PIPL Arts. 55, 56", "Impact assessment beforehand", "事前个人信息保护影响评估")
def impact_assessment(ctx: Context) -> Outcome | None:
    if ctx.is_breach or not ctx.has_pi:
        return None
    f = ctx.facts
    triggers = []
    if f.sensitive_records:
        triggers.append("sensitive PI")
    if ctx.is_provide:
        triggers.append("provide")
    if ctx.is_entrust:
        triggers.append("entrust")
    if ctx.is_disclose:
        triggers.append("disclose")
    if ctx.is_export:
        triggers.append("export")
    if not triggers:
        return None
    done = ctx.purpose.pipia or (ctx.destination is not None and ctx.destination.pipia)
    out = Outcome(
        {
            "triggers": triggers,
            "purpose_pipia": ctx.purpose.pipia,
            "destination_pipia": ctx.destination.pipia if ctx.destination else None,
        }
    )
    if not done:
        out.issues.append(
            impact_assessment.issue(
                f"A personal information protection impact assessment is required beforehand ({', '.join(triggers)}; "
                "PIPL Art. 55) and neither the purpose nor the destination records one (pipia: true).",
                f"该处理（{', '.join(triggers)}）应事前进行个人信息保护影响评估（第五十五条），处理目的和接收方均未载明已评估。",
                records=f.records_with_pi,
            )
        )
    return out


RULES = (minimum_necessary, retention, entrustment, impact_assessment)
