"""PIPL-51: security of the place where data lands.

The 2022 Shanghai police database (records of about a billion residents) sat on a dashboard reachable
without a password. A destination must make users log in; it must encrypt at rest whenever it receives
sensitive PI or identifiers left untransformed; and the transforms it ``require``s are verified on the
records as they would land, not assumed.

A ``storage`` destination that does not declare ``authentication``/``encryption_at_rest`` is treated as
lacking them (fail closed); other kinds are flagged only when they declare ``false``. ``public`` means
public disclosure, where authentication does not apply.
"""

from __future__ import annotations

from pipl_guard.policy.rules.base import Context, Outcome, rule


@rule("PIPL-51", "violation", "PIPL Art. 51; GB/T 35273-2020 6.3", "Security of the destination", "接收方安全措施")
def destination_security(ctx: Context) -> Outcome | None:
    d = ctx.destination
    if d is None or ctx.is_breach or not ctx.has_pi:
        return None
    f = ctx.facts
    strict = d.kind == "storage"
    auth = d.authentication if d.authentication is not None else (False if strict else None)
    enc = d.encryption_at_rest if d.encryption_at_rest is not None else (False if strict else None)
    out = Outcome(
        {
            "destination": d.id,
            "kind": d.kind,
            "authentication": auth,
            "encryption_at_rest": enc,
            "landed_sensitive_records": f.landed_sensitive_records,
            "landed_identifier_records": f.landed_identifier_records,
            "required": dict(sorted(d.require.items())),
            "residual_required": {e: sorted(p) for e, p in sorted(f.residual_required.items())},
        }
    )
    if d.kind != "public" and auth is False:
        out.issues.append(
            destination_security.issue(
                f"Destination '{d.id}' lets anyone reach the data without logging in (authentication is not "
                "true): access control is a required security measure (PIPL Art. 51).",
                f"接收方“{d.id}”无需身份认证即可访问数据，未落实访问权限控制等安全措施（第五十一条）。",
                records=f.records_with_pi,
            )
        )
    landed = max(f.landed_sensitive_records, f.landed_identifier_records)
    if d.kind != "public" and enc is False and landed:
        what_en = "sensitive personal information" if f.landed_sensitive_records else "untransformed identifiers"
        what_zh = "敏感个人信息" if f.landed_sensitive_records else "未经处理的身份标识"
        out.issues.append(
            destination_security.issue(
                f"Destination '{d.id}' would store {what_en} without encryption at rest (PIPL Art. 51; "
                "GB/T 35273-2020 6.3).",
                f"接收方“{d.id}”将未加密存储{what_zh}（第五十一条；GB/T 35273-2020 第6.3条）。",
                fields=sorted({p for paths in f.landed_entity_fields.values() for p in paths}),
                records=landed,
            )
        )
    if f.residual_required:
        ents = sorted(f.residual_required)
        fields = sorted({p for e in ents for p in f.residual_required[e]})
        ops = ", ".join(f"{e}: {d.require[e]}" for e in ents)
        why = f" ({ctx.transform_problem})" if ctx.transform_problem else ""
        out.issues.append(
            destination_security.issue(
                f"Records would reach '{d.id}' still carrying detectable {', '.join(ents)} in fields "
                f"{', '.join(fields)}, although the destination requires {ops}{why}.",
                f"数据进入“{d.id}”时字段{', '.join(fields)}仍含可识别的{', '.join(ents)}，未按要求完成处理（{ops}）"
                f"{'（未提供所需密钥）' if ctx.transform_problem else ''}。",
                fields=fields,
                records=f.residual_required_records,
            )
        )
    return out


RULES = (destination_security,)
