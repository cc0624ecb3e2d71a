"""Cross-border transfer (数据出境): PIPL Arts. 38-40 and the 2024 Provisions on Promoting and Regulating
Cross-Border Data Flows (CAC Order 16, "CBDF") Arts. 5, 7, 8, 9.

Counts are distinct individuals exported since 1 January of the year of ``Action.at``, including the
planned batch, general and sensitive PI tallied separately. "以上" includes the number, "不满" excludes it:
99,999 general individuals are exempt (Art. 5(4)), 100,000 need a standard contract or certification
(Art. 8), 1,000,000 a security assessment (Art. 7); sensitive PI of 1-9,999 individuals needs a contract
or certification, of 10,000 an assessment. A CIIO needs an assessment for any PI (PIPL Art. 40).

>>> import datetime as dt
>>> valid_until(dt.date(2024, 2, 29), 3)
datetime.date(2027, 3, 1)
"""

from __future__ import annotations

import datetime as dt

from pipl_guard.policy.ledger import Tally
from pipl_guard.policy.models import Destination, Policy, Purpose
from pipl_guard.policy.rules.base import Context, CrossBorder, Outcome, rule

GENERAL_CONTRACT = 100_000  # Art. 8: 10万人以上
GENERAL_ASSESSMENT = 1_000_000  # Art. 7: 100万人以上
SENSITIVE_ASSESSMENT = 10_000  # Art. 7: 1万人以上 sensitive PI
ASSESSMENT_VALID_YEARS = 3  # Art. 9
CERTIFICATE_VALID_YEARS = 3  # PI Outbound Certification Measures 2025
#: legal bases that stand for the scenario exemptions of Art. 5(1)-(3)
SCENARIO_BASES = {"contract": "5(1) contract performance", "hr": "5(2) cross-border HR", "emergency": "5(3) emergency"}


def valid_until(since: dt.date, years: int) -> dt.date:
    """First day a result issued on ``since`` is no longer valid (29 Feb rolls to 1 Mar)."""
    try:
        return since.replace(year=since.year + years)
    except ValueError:
        return dt.date(since.year + years, 3, 1)


def _validity(dest: Destination, at: dt.date) -> tuple[bool, bool, str | None]:
    """(valid, expired, problem) of the destination's mechanism on ``at``."""
    mech, since = dest.mechanism, dest.mechanism_since
    if mech == "none":
        return False, False, "no transfer mechanism"
    if since is not None and since > at:
        return False, False, f"{mech} takes effect only on {since.isoformat()}"
    if mech == "security_assessment":
        if since is None:
            return False, False, "security assessment without mechanism_since: its 3-year validity cannot be established"
        end = valid_until(since, ASSESSMENT_VALID_YEARS)
        if at >= end:
            return False, True, f"security assessment of {since.isoformat()} expired on {end.isoformat()}"
        return True, False, None
    if mech == "certification" and since is not None:
        end = valid_until(since, CERTIFICATE_VALID_YEARS)
        if at >= end:
            return False, True, f"certification of {since.isoformat()} expired on {end.isoformat()}"
    return True, False, None


def assess(policy: Policy, purpose: Purpose, dest: Destination, tally: Tally, at: dt.date) -> CrossBorder:
    """The cross-border position of one export: exemptions, the mechanism required, and whether it holds."""
    org = policy.organization
    # SPEC: a CIIO needs an assessment for any PI export; the Art. 5(1)-(3) scenarios are not applied to CIIOs
    # (conservative reading; see docs/rules.md, open points)
    basis = purpose.legal_basis
    scenario = basis if basis in SCENARIO_BASES and not org.ciio else None
    g, s = tally.general_after, tally.sensitive_after
    valid, expired, problem = _validity(dest, at)
    assessment_valid = dest.mechanism == "security_assessment" and valid
    required: str | None = None
    required_by: str | None = None
    volume_exempt = False
    if scenario is None:
        if org.ciio:
            required, required_by = "security_assessment", "PIPL-40"
        elif g >= GENERAL_ASSESSMENT or s >= SENSITIVE_ASSESSMENT:
            required, required_by = "security_assessment", "CBDF-7"
        elif g >= GENERAL_CONTRACT or s >= 1:
            required, required_by = "contract_or_certification", "CBDF-8"
        else:
            volume_exempt = True
    return CrossBorder(
        year=tally.year,
        tally=tally,
        scenario_exempt=scenario,
        volume_exempt=volume_exempt,
        required=required,  # type: ignore[arg-type]
        required_by=required_by,
        mechanism=dest.mechanism,
        mechanism_valid=valid,
        mechanism_problem=problem,
        assessment_valid=assessment_valid,
        assessment_expired=dest.mechanism == "security_assessment" and expired,
    )


def _counts(xb: CrossBorder) -> str:
    return (
        f"{xb.tally.general_after:,} individuals' general PI and {xb.tally.sensitive_after:,} individuals' "
        f"sensitive PI exported in {xb.year} including this batch"
    )


def _counts_zh(xb: CrossBorder) -> str:
    return f"{xb.year}年1月1日起累计（含本批）出境一般个人信息{xb.tally.general_after:,}人、敏感个人信息{xb.tally.sensitive_after:,}人"


@rule("CBDF-5", "note", "CBDF (CAC Order 16, 2024) Art. 5", "Export exemption", "出境豁免")
def exemption(ctx: Context) -> Outcome | None:
    xb = ctx.cross_border
    if xb is None:
        return None
    out = Outcome(xb.summary())
    if xb.scenario_exempt is not None:
        item = SCENARIO_BASES[xb.scenario_exempt]
        out.issues.append(
            exemption.issue(
                f"Exempt from security assessment, standard contract and certification under CBDF Art. {item}, "
                f"inferred from the purpose's legal basis '{xb.scenario_exempt}'. The exemption holds only if the "
                "transfer is truly necessary for that purpose (e.g. a contract to which the individual is a party); "
                "the policy cannot prove that. Consent, notice and PIPIA duties remain (CBDF Art. 10). These "
                "individuals are recorded apart and not counted toward the annual thresholds (unsettled point).",
                f"依据处理目的的合法性基础（{xb.scenario_exempt}）推定适用《促进和规范数据跨境流动规定》第五条第{item[0]}项，"
                "免予申报安全评估、订立标准合同或认证；仅在确为该目的所必需时成立。告知、单独同意、影响评估等义务仍应履行。",
                records=ctx.facts.records_with_pi,
            )
        )
    elif xb.volume_exempt:
        out.issues.append(
            exemption.issue(
                f"Exempt under CBDF Art. 5(4): a non-CIIO with {_counts(xb)} (under 100,000, no sensitive PI). "
                "Consent, notice and PIPIA duties remain (CBDF Art. 10).",
                f"适用第五条第四项：非关基运营者，{_counts_zh(xb)}，不满10万人且不含敏感个人信息，免予申报安全评估、订立标准合同或认证。",
                records=ctx.facts.records_with_pi,
            )
        )
    return out


@rule("CBDF-7", "violation", "CBDF (CAC Order 16, 2024) Art. 7; PIPL Art. 38(1)", "Security assessment by volume", "数据出境安全评估（数量）")
def assessment_by_volume(ctx: Context) -> Outcome | None:
    xb = ctx.cross_border
    if xb is None or xb.scenario_exempt is not None:
        return None
    g, s = xb.tally.general_after, xb.tally.sensitive_after
    hit = g >= GENERAL_ASSESSMENT or s >= SENSITIVE_ASSESSMENT
    out = Outcome({**xb.summary(), "assessment_valid": xb.assessment_valid})
    if hit and not xb.assessment_valid:
        out.issues.append(
            assessment_by_volume.issue(
                f"A CAC security assessment is required: {_counts(xb)} (thresholds: 1,000,000 general or 10,000 "
                f"sensitive); destination '{ctx.destination.id if ctx.destination else ''}' has none valid"
                f"{' (' + xb.mechanism_problem + ')' if xb.mechanism_problem else ''}.",
                f"{_counts_zh(xb)}，达到100万人或敏感个人信息1万人以上，应申报数据出境安全评估，当前无有效评估结果。",
                records=ctx.facts.records_with_pi,
            )
        )
    return out


@rule("CBDF-8", "violation", "CBDF (CAC Order 16, 2024) Art. 8; PIPL Art. 38", "Standard contract or certification", "标准合同或认证")
def contract_band(ctx: Context) -> Outcome | None:
    xb = ctx.cross_border
    if xb is None or xb.required != "contract_or_certification":
        return None
    out = Outcome({**xb.summary()})
    if not xb.mechanism_valid:
        out.issues.append(
            contract_band.issue(
                f"A filed standard contract, certification or security assessment is required: {_counts(xb)} "
                "(100,000-999,999 general or 1-9,999 sensitive)"
                f"{'; ' + xb.mechanism_problem if xb.mechanism_problem else ''}.",
                f"{_counts_zh(xb)}，属于10万人以上不满100万人或敏感个人信息不满1万人的情形，应订立标准合同、通过认证或申报安全评估。",
                records=ctx.facts.records_with_pi,
            )
        )
    return out


@rule("CBDF-9", "violation", "CBDF (CAC Order 16, 2024) Art. 9", "Assessment validity (3 years)", "安全评估有效期（3年）")
def assessment_validity(ctx: Context) -> Outcome | None:
    xb = ctx.cross_border
    d = ctx.destination
    if xb is None or d is None or d.mechanism != "security_assessment" or xb.required is None:
        return None
    out = Outcome(
        {
            "mechanism_since": d.mechanism_since.isoformat() if d.mechanism_since else None,
            "valid_years": ASSESSMENT_VALID_YEARS,
            "assessment_valid": xb.assessment_valid,
        }
    )
    if not xb.assessment_valid and xb.mechanism_problem:
        out.issues.append(
            assessment_validity.issue(
                f"The security assessment of destination '{d.id}' is not valid on {ctx.at.isoformat()}: "
                f"{xb.mechanism_problem}. Results are valid 3 years; apply to extend 60 working days before expiry.",
                f"接收方“{d.id}”的数据出境安全评估结果于{ctx.at.isoformat()}不在有效期内（有效期3年，可在届满前60个工作日申请延长）。",
                records=ctx.facts.records_with_pi,
            )
        )
    return out


@rule("PIPL-38", "violation", "PIPL Art. 38", "Transfer mechanism", "出境条件")
def mechanism(ctx: Context) -> Outcome | None:
    xb = ctx.cross_border
    if xb is None or xb.required is None:
        return None
    out = Outcome({"required": xb.required, "required_by": xb.required_by, "mechanism": xb.mechanism})
    if not xb.satisfied:
        need_en = "a security assessment" if xb.required == "security_assessment" else "a standard contract, certification or assessment"
        need_zh = "安全评估" if xb.required == "security_assessment" else "标准合同、认证或安全评估"
        out.issues.append(
            mechanism.issue(
                f"Personal information may leave the PRC only under a valid mechanism; {xb.required_by} requires "
                f"{need_en} and destination '{ctx.destination.id if ctx.destination else ''}' has "
                f"{xb.mechanism if xb.mechanism_valid else 'none valid'}.",
                f"向境外提供个人信息应具备法定条件（第三十八条），本次需{need_zh}，接收方未具备有效条件。",
                records=ctx.facts.records_with_pi,
            )
        )
    return out


@rule("PIPL-40", "violation", "PIPL Art. 40; CBDF Art. 7(1)", "CIIO export needs an assessment", "关基运营者出境安全评估")
def ciio(ctx: Context) -> Outcome | None:
    xb = ctx.cross_border
    if xb is None or not ctx.org.ciio:
        return None
    out = Outcome({"ciio": True, "assessment_valid": xb.assessment_valid})
    if not xb.assessment_valid:
        out.issues.append(
            ciio.issue(
                "A critical information infrastructure operator stores PI collected in the PRC in the PRC and may "
                "export any of it only after a CAC security assessment; destination "
                f"'{ctx.destination.id if ctx.destination else ''}' has no valid one"
                f"{' (' + xb.mechanism_problem + ')' if xb.mechanism_problem else ''}.",
                "关键信息基础设施运营者应将境内收集的个人信息存储在境内，向境外提供任何个人信息均须通过国家网信部门安全评估，接收方无有效评估结果。",
                records=ctx.facts.records_with_pi,
            )
        )
    return out


RULES = (exemption, assessment_by_volume, contract_band, assessment_validity, mechanism, ciio)
