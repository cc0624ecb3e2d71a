"""Legal basis and consent rules: PIPL Arts. 13, 14, 15, 23, 25, 29, 31, 39.

Consent rules apply only where the purpose relies on consent (PIPL Art. 13(1)); the other bases of
Art. 13(2)-(7) need no consent (Art. 13 para. 2), and with it no separate consent (majority reading).
PIPL-31 follows SPEC: guardian consent for minors under 14 is checked whatever the basis.
"""

from __future__ import annotations

from pipl_guard.policy.rules.base import Context, Outcome, rule


@rule("PIPL-13", "violation", "PIPL Art. 13", "Lawful basis", "合法性基础")
def legal_basis(ctx: Context) -> Outcome | None:
    if ctx.is_breach:
        return None
    p = ctx.purpose
    out = Outcome({"legal_basis": p.legal_basis, "records_with_pi": ctx.facts.records_with_pi})
    if p.legal_basis is None:
        out.issues.append(
            legal_basis.issue(
                f"Purpose '{p.id}' records no lawful basis (PIPL Art. 13): processing is not allowed.",
                f"处理目的“{p.id}”未载明合法性基础（《个人信息保护法》第十三条），不得处理。",
                records=ctx.facts.records_with_pi,
            )
        )
    elif ctx.consent_basis and ctx.facts.consent_basic_missing:
        n = ctx.facts.consent_basic_missing
        out.facts["basic_consent_missing"] = n
        out.issues.append(
            legal_basis.issue(
                f"{n} record(s) carry personal information without consent, and purpose '{p.id}' relies on consent.",
                f"{n}条记录含个人信息但未取得同意，而处理目的“{p.id}”以同意为合法性基础。",
                records=n,
            )
        )
    return out


@rule("PIPL-14", "violation", "PIPL Art. 14", "Consent facts readable", "同意记录有效")
def consent_format(ctx: Context) -> Outcome | None:
    if ctx.is_breach:
        return None
    n = ctx.facts.consent_malformed
    field = ctx.policy.consent.field
    out = Outcome({"consent_field": field, "malformed": n})
    if n:
        out.issues.append(
            consent_format.issue(
                f"{n} record(s) have malformed consent facts at '{field}' (expected basic/separate/guardian/"
                "withdrawn with boolean and list values); consent is treated as not given.",
                f"{n}条记录的同意信息（字段“{field}”）格式错误，视为未取得同意。",
                fields=[field],
                records=n,
            )
        )
    return out


@rule("PIPL-15", "violation", "PIPL Art. 15", "Consent withdrawn", "撤回同意")
def withdrawn(ctx: Context) -> Outcome | None:
    if ctx.is_breach or not ctx.consent_basis:
        return None
    n = ctx.facts.consent_withdrawn
    out = Outcome({"withdrawn": n})
    if n:
        out.issues.append(
            withdrawn.issue(
                f"{n} record(s) belong to individuals who withdrew consent; consent-based processing must stop "
                "(PIPL Art. 15; delete under Art. 47(3)).",
                f"{n}条记录的个人已撤回同意，基于同意的处理应当停止（第十五条，并依第四十七条删除）。",
                records=n,
            )
        )
    return out


def _separate(ctx: Context, scope: str, rule_obj: object, en_what: str, zh_what: str) -> Outcome:
    from pipl_guard.policy.rules.base import Rule

    assert isinstance(rule_obj, Rule)
    n = ctx.facts.separate_missing.get(scope, 0)
    out = Outcome({"separate_consent_missing": n, "scope": scope})
    if n:
        out.issues.append(
            rule_obj.issue(
                f"{n} record(s) lack separate consent '{scope}' needed to {en_what}.",
                f"{n}条记录未取得{zh_what}所需的单独同意（{scope}）。",
                records=n,
            )
        )
    return out


@rule("PIPL-23", "violation", "PIPL Art. 23", "Separate consent to provide", "向他人提供的单独同意")
def provide(ctx: Context) -> Outcome | None:
    if not (ctx.is_provide and ctx.consent_basis and ctx.has_pi):
        return None
    return _separate(ctx, "provide", provide, "provide personal information to another handler", "向其他个人信息处理者提供")


@rule("PIPL-25", "violation", "PIPL Art. 25", "Separate consent to disclose", "公开的单独同意")
def disclose(ctx: Context) -> Outcome | None:
    if not (ctx.is_disclose and ctx.consent_basis and ctx.has_pi):
        return None
    return _separate(ctx, "disclose", disclose, "disclose personal information publicly", "公开个人信息")


@rule("PIPL-29", "violation", "PIPL Arts. 28, 29", "Separate consent for sensitive PI", "敏感个人信息单独同意")
def sensitive(ctx: Context) -> Outcome | None:
    if ctx.is_breach or not ctx.consent_basis or not ctx.facts.sensitive_records:
        return None
    f = ctx.facts
    n = f.sensitive_without_separate
    out = Outcome({"sensitive_records": f.sensitive_records, "without_separate_consent": n})
    if n:
        where = sorted(f.sensitive_fields | f.minor_fields)
        out.issues.append(
            sensitive.issue(
                f"{n} record(s) hold sensitive personal information (PIPL Art. 28) without separate consent "
                "'sensitive' (Art. 29).",
                f"{n}条记录含敏感个人信息（第二十八条），未取得单独同意（第二十九条）。",
                fields=where,
                records=n,
            )
        )
    return out


@rule("PIPL-31", "violation", "PIPL Arts. 28, 31", "Guardian consent for minors under 14", "不满十四周岁的监护人同意")
def minors(ctx: Context) -> Outcome | None:
    if ctx.is_breach or not ctx.facts.minors:
        return None
    f = ctx.facts
    n = f.minors_without_guardian
    out = Outcome({"minors": f.minors, "without_guardian_consent": n, "at": ctx.at.isoformat()})
    if n:
        out.issues.append(
            minors.issue(
                f"{n} record(s) are about minors under 14 on {ctx.at.isoformat()} (from the resident ID's birth "
                "date) without parent or guardian consent.",
                f"{n}条记录涉及截至{ctx.at.isoformat()}不满十四周岁的未成年人（依身份证号出生日期），未取得父母或其他监护人同意。",
                fields=f.minor_fields,
                records=n,
            )
        )
    return out


@rule("PIPL-39", "violation", "PIPL Art. 39; CBDF Art. 10", "Separate consent to export", "出境单独同意")
def cross_border(ctx: Context) -> Outcome | None:
    if not (ctx.is_export and ctx.consent_basis and ctx.has_pi):
        return None
    return _separate(
        ctx, "cross_border", cross_border, "transfer personal information outside the PRC", "向境外提供个人信息"
    )


RULES = (legal_basis, consent_format, withdrawn, provide, disclose, sensitive, minors, cross_border)
