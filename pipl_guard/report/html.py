"""The auditor's report: one self-contained HTML page (inline CSS and SVG, no script, no network).

What it shows, in Chinese and English: which personal information is in which field (entity, share,
Art. 28 sensitive category, masked examples), the totals (records, distinct individuals, minors under 14),
the regions affected (a bar chart), the re-identification risk before and after an optional
Deidentifier, and, given a policy and an action, the decision with its citations. Raw values never
appear: examples are masked with the catalogue's display masks, everything else is a count or a name.
Lists are cut to the top N plus "other", so a table with a million distinct values gives a small page.

>>> page = render_report([{"sjhm": "13812345678", "xb": "男"}] * 6, title="demo")
>>> "13812345678" in page, "138****5678" in page, "<script" in page
(False, True, False)
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from pipl_guard.errors import InputError, type_name
from pipl_guard.report.risk import DEFAULT_THRESHOLD, RiskReport, _split_component, _Table, risk

TOP_N = 15
MAX_FIELDS = 200
EXAMPLE_RECORDS = 500
_INDEX = re.compile(r"\[\d+\]")


class FieldRow(BaseModel):
    """One row of the "what PI is where" table (no raw value: ``example`` is masked)."""

    model_config = ConfigDict(extra="forbid")

    path: str
    entity: str | None
    entity_zh: str | None
    entity_en: str | None
    share: float
    non_empty: int
    sensitive: bool
    category: str | None
    example: str | None
    needs_review: bool = False


class ReportData(BaseModel):
    """Everything the page shows, computed once; ``render`` turns it into HTML."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    title: str
    source: str
    generated: dt.datetime
    records: int
    individuals: int
    minors: int
    entities: dict[str, int]
    sensitive_categories: dict[str, int]
    regions: dict[str, int]
    fields: list[FieldRow]
    other_fields: int = 0
    sampled: bool = False
    risk_before: RiskReport | None = None
    risk_after: RiskReport | None = None
    deidentifier: str | None = None
    decision: Any = None
    action: dict[str, Any] | None = None
    notes: list[str] = Field(default_factory=list)
    top: int = TOP_N

    @property
    def empty(self) -> bool:
        return self.records == 0


# --------------------------------------------------------------------------- gathering


def _load(source: Any) -> tuple[list[dict[str, Any]], str]:
    if isinstance(source, str | os.PathLike):
        name = os.fspath(source)
        if name != "-" and not os.path.exists(name):
            raise InputError(f"report source not found: {os.path.basename(name)}")
        from pipl_guard.io import read

        return [dict(r) for r in read(name)], os.path.basename(name) if name != "-" else "<stdin>"
    table = _Table(source, "report source")
    kind = {"pandas": "pandas DataFrame", "polars": "polars DataFrame", "pyarrow": "Arrow table"}
    return list(table.records()), kind.get(table.kind, "records")


def _mask(text: str, entity: str | None) -> str:
    try:
        from pipl_guard.transform.masks import mask_value

        return mask_value(text, entity)
    except ImportError:  # pragma: no cover - the transforms package ships with the library
        from pipl_guard.finding import redact_for_display

        return redact_for_display(text)


def _examples(records: list[dict[str, Any]], wanted: dict[str, str]) -> dict[str, str]:
    """One masked example per field path (indices folded) of the field's own entity, from the first records."""
    from pipl_guard.record import scan_record

    out: dict[str, str] = {}
    for rec in records[:EXAMPLE_RECORDS]:
        if len(out) == len(wanted):
            break
        for f in scan_record(rec):
            key = _INDEX.sub("[]", f.path or "")
            if key not in out and wanted.get(key) == f.entity:
                out[key] = _mask(f.text, f.entity)
    return out


def _to_action(action: Any) -> Any:
    from pipl_guard.policy.models import Action

    if action is None or isinstance(action, Action):
        return action
    if isinstance(action, Mapping):
        return Action(**dict(action))
    if isinstance(action, str):
        parts = action.split(":")
        if len(parts) < 2:
            raise InputError("action must be 'kind:purpose[:destination]'")
        return Action(parts[0], parts[1], parts[2] if len(parts) > 2 and parts[2] else None)
    raise InputError(f"action must be a pg.Action, a mapping or 'kind:purpose[:destination]', got {type_name(action)}")


def _to_policy(policy: Any) -> Any:
    from pipl_guard.policy.models import Policy

    if isinstance(policy, Policy):
        return policy
    if isinstance(policy, str | os.PathLike):
        return Policy.load(Path(policy))
    if isinstance(policy, Mapping):
        return Policy.model_validate(dict(policy))
    raise InputError(f"policy must be a pg.Policy, a mapping or a file path, got {type_name(policy)}")


def _describe(deid: Any) -> str:
    from pipl_guard.report.risk import Suggestion

    if isinstance(deid, Suggestion):
        levels = ", ".join(f"{q} → {name}" for q, name in deid.level_names.items())
        return f"suggest(k={deid.k}, max_suppression={deid.max_suppression:.0%}): {levels}"
    return type(deid).__name__


def _apply(deid: Any, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from pipl_guard.report.risk import Suggestion

    if isinstance(deid, Suggestion):
        return deid.apply(records)
    if hasattr(deid, "records"):
        return [dict(r) for r in deid.records(records)]
    if hasattr(deid, "record"):
        return [dict(deid.record(r)) for r in records]
    raise InputError(f"deidentifier must be a pg.Deidentifier or a risk Suggestion, got {type_name(deid)}")


def build_report(
    source: Any,
    *,
    policy: Any = None,
    action: Any = None,
    deidentifier: Any = None,
    title: str | None = None,
    quasi_identifiers: Any = None,
    threshold: int = DEFAULT_THRESHOLD,
    sample: int | None = None,
    top: int = TOP_N,
    as_of: dt.date | None = None,
    ledger: Any = None,
    keys: Any = None,
) -> ReportData:
    """Compute what the report shows (``render_report`` renders it)."""
    from pipl_guard.catalogue import CATALOGUE
    from pipl_guard.record import profile

    if (policy is None) != (action is None):
        raise InputError("a decision needs both policy and action")
    records, name = _load(source)
    prof = profile(records, sample=sample, as_of=as_of)
    wanted = {p: f.entity for p, f in prof.fields.items() if f.entity}
    examples = _examples(records, wanted) if records else {}
    rows: list[FieldRow] = []
    for path, fp in prof.fields.items():
        info = CATALOGUE.get(fp.entity) if fp.entity else None
        rows.append(
            FieldRow(
                path=path,
                entity=fp.entity,
                entity_zh=info.name_zh if info else None,
                entity_en=info.name_en if info else None,
                share=fp.share,
                non_empty=fp.non_empty,
                sensitive=fp.sensitive,
                category=info.art28 if info and fp.sensitive else None,
                example=examples.get(path) if fp.entity else None,
                needs_review=fp.needs_review,
            )
        )
    # personal information first, then by share; a table with thousands of columns keeps MAX_FIELDS rows
    rows.sort(key=lambda r: (r.entity is None, not r.sensitive, -r.share, r.path))
    data = ReportData(
        title=title or "个人信息审计报告 Personal information audit report",
        source=name,
        generated=dt.datetime.now().replace(microsecond=0),
        # a sampled profile still reports the table's full size; the other totals are the sample's
        records=len(records) if prof.sampled else prof.records,
        individuals=prof.individuals,
        minors=prof.minors,
        entities=dict(prof.entities),
        sensitive_categories=dict(prof.sensitive_categories),
        regions=dict(prof.regions),
        fields=rows[:MAX_FIELDS],
        other_fields=max(0, len(rows) - MAX_FIELDS),
        sampled=prof.sampled,
        top=top,
    )
    if records:
        if quasi_identifiers is None:
            from pipl_guard.report.risk import default_quasi_identifiers

            quasi_identifiers = default_quasi_identifiers(prof)
        data.risk_before = risk(records, quasi_identifiers, threshold=threshold)
        if deidentifier is not None:
            after = _apply(deidentifier, records)
            qis = data.risk_before.quasi_identifiers
            table = _Table(after)
            present = [q for q in qis if not after or table.has(_split_component(q)[0])]
            if len(present) < len(qis):
                data.notes.append("the de-identified table dropped some quasi-identifier fields")
            data.risk_after = risk(after, present, threshold=threshold)
            data.deidentifier = _describe(deidentifier)
    if policy is not None:
        from pipl_guard.policy.guard import Guard

        act = _to_action(action)
        data.decision = Guard(_to_policy(policy), ledger=ledger, keys=keys).check(records, act)
        data.action = act.summary() if hasattr(act, "summary") else None
    data.notes.append(f"top {top} shown in lists and charts, the rest summed as other")
    return data


# --------------------------------------------------------------------------- rendering

_CSS = """
*{box-sizing:border-box}body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;
margin:0;color:#1d2433;background:#f5f6f8;line-height:1.5}
header{background:#1f3a5f;color:#fff;padding:24px 32px}header h1{margin:0 0 4px;font-size:24px}
header p{margin:0;opacity:.85;font-size:14px}main{max-width:1100px;margin:0 auto;padding:16px 24px 48px}
section{background:#fff;border-radius:8px;padding:16px 20px;margin:16px 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
h2{font-size:18px;margin:0 0 12px;border-bottom:2px solid #e4e7ec;padding-bottom:6px}
.cards{display:flex;flex-wrap:wrap;gap:12px}.card{flex:1 1 150px;background:#f0f4fa;border-radius:8px;padding:12px}
.card .n{font-size:26px;font-weight:700;color:#1f3a5f}.card .l{font-size:13px;color:#4a5568}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e4e7ec}
th{background:#f7f8fa;font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.tag{display:inline-block;padding:1px 6px;border-radius:4px;font-size:12px}.sens{background:#fde2e1;color:#9b1c1c}
.ok{background:#dcfce7;color:#166534}.bad{background:#fde2e1;color:#9b1c1c}.mid{background:#fef3c7;color:#92400e}
.verdict{font-size:20px;font-weight:700;padding:8px 12px;border-radius:6px;display:inline-block}
.muted{color:#6b7280;font-size:12px}code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
.empty{font-size:18px;padding:24px;text-align:center;color:#4a5568}
"""


def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _n(x: int) -> str:
    return f"{x:,}"


def _pct(x: float) -> str:
    return f"{x:.1%}"


def _top(items: Mapping[str, int], top: int) -> list[tuple[str, int]]:
    ordered = sorted(items.items(), key=lambda kv: (-kv[1], kv[0]))
    head = ordered[:top]
    rest = sum(v for _, v in ordered[top:])
    if rest:
        head.append((f"其他 other ({len(ordered) - top})", rest))
    return head


def bar_chart(items: list[tuple[str, int]], *, label: str, color: str = "#3b6ea8") -> str:
    """A horizontal bar chart as inline SVG (one bar per item, value printed at its end)."""
    if not items:
        return '<p class="muted">—</p>'
    width, left, bar, gap = 760, 230, 18, 6
    peak = max(v for _, v in items) or 1
    height = len(items) * (bar + gap) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{_e(label)}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}">'
    ]
    for i, (name, value) in enumerate(items):
        y = 4 + i * (bar + gap)
        w = max(1.0, (width - left - 90) * value / peak)
        short = name if len(name) <= 24 else name[:23] + "…"
        parts.append(
            f'<text x="{left - 8}" y="{y + 13}" text-anchor="end" font-size="12" fill="#1d2433">{_e(short)}</text>'
            f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar}" rx="3" fill="{color}"><title>{_e(name)}: '
            f'{_n(value)}</title></rect>'
            f'<text x="{left + w + 6:.1f}" y="{y + 13}" font-size="12" fill="#1d2433">{_n(value)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _risk_level(r: RiskReport) -> tuple[str, str]:
    if r.share_below_threshold > 0.05:
        return "高 High", "bad"
    if r.share_below_threshold > 0:
        return "中 Medium", "mid"
    return "低 Low", "ok"


def _risk_rows(before: RiskReport, after: RiskReport | None) -> str:
    rows = [
        ("记录数 Records", lambda r: _n(r.records)),
        ("等价类数 Equivalence classes", lambda r: _n(r.classes)),
        ("最小等价类 k (smallest class)", lambda r: _n(r.k)),
        ("唯一记录 Unique records (class of 1)", lambda r: _n(r.uniques)),
        (f"小于阈值的记录 Records in classes below {before.threshold}", lambda r: _n(r.records_below_threshold)),
        ("占比 Share below threshold", lambda r: _pct(r.share_below_threshold)),
        ("检察官风险（最高） Prosecutor risk, highest", lambda r: f"{r.prosecutor_max:.4f}"),
        ("检察官风险（平均） Prosecutor risk, average", lambda r: f"{r.prosecutor_avg:.4f}"),
        ("记者风险（最高） Journalist risk, highest", lambda r: f"{r.journalist_max:.4f}"),
        ("营销者风险 Marketer risk", lambda r: f"{r.marketer:.4f}"),
        ("风险等级 Risk level", lambda r: '<span class="tag {1}">{0}</span>'.format(*_risk_level(r))),
    ]
    head = "<tr><th>指标 Measure</th><th class='num'>处理前 Before</th>" + (
        "<th class='num'>处理后 After</th></tr>" if after else "</tr>"
    )
    body = []
    for label, fn in rows:
        cells = f"<td class='num'>{fn(before)}</td>" + (f"<td class='num'>{fn(after)}</td>" if after else "")
        body.append(f"<tr><td>{_e(label)}</td>{cells}</tr>")
    return f"<table id='risk-table'>{head}{''.join(body)}</table>"


def render(data: ReportData) -> str:
    """The HTML page for computed report data."""
    from pipl_guard.catalogue import ART28_LABELS, CATALOGUE

    top = data.top
    out: list[str] = [
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
        f"<title>{_e(data.title)}</title><style>{_CSS}</style></head><body>",
        f"<header><h1>{_e(data.title)}</h1><p>数据来源 Source: {_e(data.source)} · 生成时间 Generated: "
        f"{_e(data.generated.isoformat(sep=' '))} · pipl_guard</p></header><main>",
    ]
    if data.empty:
        out.append(
            "<section id='empty'><div class='empty'>空表：没有记录，无个人信息，无重识别风险。<br>"
            "The table is empty: no records, no personal information, no re-identification risk.</div></section>"
        )
    sens_records = max(data.sensitive_categories.values(), default=0)
    pi_fields = sum(1 for f in data.fields if f.entity)
    cards = [
        ("records", data.records, "记录数 Records"),
        ("individuals", data.individuals, "涉及个人（按身份证号去重） Distinct individuals (by resident ID)"),
        ("minors", data.minors, "不满十四周岁未成年人 Minors under 14"),
        ("pi-fields", pi_fields, "含个人信息的字段 Fields holding PI"),
        ("sensitive", sens_records, "含敏感个人信息的记录（最多的类别） Records with sensitive PI (largest category)"),
    ]
    out.append("<section id='summary'><h2>概览 Summary</h2><div class='cards'>")
    for key, value, label in cards:
        out.append(f"<div class='card' id='card-{key}'><div class='n'>{_n(value)}</div><div class='l'>{_e(label)}</div></div>")
    out.append("</div>")
    if data.sampled:
        out.append("<p class='muted'>画像基于样本 Profile computed on a sample of the records.</p>")
    out.append("</section>")

    if not data.empty:
        # fields
        out.append("<section id='fields'><h2>个人信息在哪些字段 What personal information is in which field</h2>")
        out.append(
            "<table><tr><th>字段 Field</th><th>类型 Entity</th><th class='num'>占比 Share</th>"
            "<th class='num'>非空 Non-empty</th><th>敏感（第二十八条） Sensitive (PIPL Art. 28)</th>"
            "<th>示例（已遮蔽） Example (masked)</th></tr>"
        )
        for f in data.fields:
            if f.entity:
                ent = f"{_e(f.entity_zh)} {_e(f.entity_en)} <code>{_e(f.entity)}</code>"
            else:
                ent = "<span class='muted'>未发现 none found</span>"
            sens = ""
            if f.sensitive:
                zh, en = ART28_LABELS.get(f.category or "", ("敏感", "sensitive"))
                sens = f"<span class='tag sens'>{_e(zh)} {_e(en)}</span>"
            review = " <span class='tag mid'>需复核 review</span>" if f.needs_review else ""
            out.append(
                f"<tr><td><code>{_e(f.path)}</code>{review}</td><td>{ent}</td><td class='num'>"
                f"{_pct(f.share) if f.entity else ''}</td><td class='num'>{_n(f.non_empty)}</td><td>{sens}</td>"
                f"<td><code>{_e(f.example or '')}</code></td></tr>"
            )
        if data.other_fields:
            out.append(f"<tr><td colspan='6' class='muted'>其他 {data.other_fields} 个字段 other fields not shown</td></tr>")
        out.append("</table></section>")

        # entities
        out.append("<section id='entities'><h2>发现的个人信息 Personal information found</h2><table>")
        out.append("<tr><th>类型 Entity</th><th class='num'>数量 Findings</th><th>敏感类别 Sensitive category</th></tr>")
        for ent_id, count in _top(data.entities, top):
            info = CATALOGUE.get(ent_id)
            label = f"{_e(info.name_zh)} {_e(info.name_en)} <code>{_e(ent_id)}</code>" if info else _e(ent_id)
            cat = ""
            if info and info.is_sensitive():
                zh, en = ART28_LABELS.get(info.art28 or "", ("敏感", "sensitive"))
                cat = f"<span class='tag sens'>{_e(zh)} {_e(en)}</span>"
            out.append(f"<tr><td>{label}</td><td class='num'>{_n(count)}</td><td>{cat}</td></tr>")
        out.append("</table>")
        out.append(bar_chart([(k, v) for k, v in _top(data.entities, top)], label="entities"))
        out.append("</section>")

        # sensitive categories
        out.append("<section id='sensitive-categories'><h2>敏感个人信息（《个人信息保护法》第二十八条） "
                   "Sensitive personal information (PIPL Art. 28)</h2>")
        if data.sensitive_categories:
            out.append("<table><tr><th>类别 Category</th><th class='num'>记录数 Records</th></tr>")
            for cat, count in sorted(data.sensitive_categories.items(), key=lambda kv: -kv[1]):
                zh, en = ART28_LABELS.get(cat, (cat, cat))
                out.append(f"<tr><td>{_e(zh)} {_e(en)}</td><td class='num'>{_n(count)}</td></tr>")
            out.append("</table>")
        else:
            out.append("<p>未发现敏感个人信息 No sensitive personal information found.</p>")
        out.append(
            f"<p>不满十四周岁未成年人 Minors under 14: <b id='minors'>{_n(data.minors)}</b> "
            "（其全部个人信息均为敏感个人信息 all their PI is sensitive, PIPL Art. 28, 31）</p></section>"
        )

        # regions
        out.append("<section id='regions'><h2>涉及地区（按身份证号） Regions affected (by resident ID)</h2>")
        if data.regions:
            out.append(bar_chart(_top(data.regions, top), label="regions", color="#2f855a"))
        else:
            out.append("<p>无身份证号，无法按地区统计 No resident IDs: regions unknown.</p>")
        out.append("</section>")

        # risk
        rb = data.risk_before
        if rb is not None:
            out.append("<section id='risk'><h2>重识别风险（GB/T 37964） Re-identification risk</h2>")
            qis = ", ".join(rb.quasi_identifiers) or "无 none"
            out.append(f"<p>准标识符 Quasi-identifiers: <code>{_e(qis)}</code></p>")
            if data.deidentifier:
                out.append(f"<p>去标识化 De-identification: <code>{_e(data.deidentifier)}</code></p>")
            out.append(_risk_rows(rb, data.risk_after))
            final = data.risk_after or rb
            chart = _size_chart(final)
            out.append(f"<h3>等价类大小分布 Records by class size{'（处理后 after）' if data.risk_after else ''}</h3>{chart}")
            out.append(
                "<p class='muted'>风险等级：阈值以下记录占比 &gt;5% 为高，&gt;0 为中，0 为低。Risk level: High when more "
                "than 5% of records sit in classes below the threshold, Medium when some do, Low when none do. "
                "Prosecutor = 1/class size (the attacker knows the person is in the table); journalist = 1/population "
                "class size (equal to prosecutor without a population table); marketer = expected share of records "
                "re-identified (El Emam 2013; ARX).</p></section>"
            )

    # decision
    if data.decision is not None:
        d = data.decision
        verdict = ("允许 ALLOWED", "ok") if d.allowed else ("不允许 DENIED", "bad")
        a = data.action or {}
        out.append("<section id='decision'><h2>合规判断 Decision</h2>")
        out.append(
            f"<p>行为 Action: <code>{_e(a.get('kind'))}</code> 目的 purpose <code>{_e(a.get('purpose'))}</code> "
            f"接收方 destination <code>{_e(a.get('destination'))}</code> 日期 date <code>{_e(a.get('at'))}</code></p>"
        )
        out.append(f"<div class='verdict {verdict[1]}' id='verdict'>{verdict[0]}</div>")
        for kind, zh, items in (
            ("violation", "违规 Violations", d.violations),
            ("obligation", "义务 Obligations", d.obligations),
            ("note", "提示 Notes", d.notes),
        ):
            if not items:
                continue
            out.append(f"<h3>{zh}</h3><table><tr><th>代码 Code</th><th>依据 Citation</th><th>说明 Message</th>"
                       "<th class='num'>记录 Records</th><th>字段 Fields</th></tr>")
            for i in items:
                out.append(
                    f"<tr class='{kind}'><td><code>{_e(i.code)}</code></td><td>{_e(i.article)}</td>"
                    f"<td>{_e(i.message_zh)}<br>{_e(i.message_en)}</td><td class='num'>{_n(i.records)}</td>"
                    f"<td><code>{_e(', '.join(i.fields[:10]))}</code></td></tr>"
                )
            out.append("</table>")
        out.append("</section>")

    out.append("<section id='notes'><h2>说明 Notes</h2><ul>")
    for note in [
        "本报告不含任何原始值：示例均已遮蔽，其余均为计数或字段名。This report holds no raw value: examples are masked, "
        "everything else is a count or a field name.",
        *(rb.notes if (rb := data.risk_before) else []),
        *data.notes,
    ]:
        out.append(f"<li>{_e(note)}</li>")
    out.append("</ul></section></main></body></html>")
    return "".join(out)


def _size_chart(r: RiskReport) -> str:
    buckets = [("1", 1, 1), ("2", 2, 2), ("3-4", 3, 4), ("5-9", 5, 9), ("10-19", 10, 19), ("20+", 20, None)]
    items: list[tuple[str, int]] = []
    for label, lo, hi in buckets:
        recs = sum(size * count for size, count in r.class_sizes.items() if size >= lo and (hi is None or size <= hi))
        items.append((f"{label} 条 records/class", recs))
    return bar_chart(items, label="class sizes", color="#b7791f")


def render_report(
    source: Any,
    *,
    policy: Any = None,
    action: Any = None,
    deidentifier: Any = None,
    title: str | None = None,
    quasi_identifiers: Any = None,
    threshold: int = DEFAULT_THRESHOLD,
    sample: int | None = None,
    top: int = TOP_N,
    as_of: dt.date | None = None,
    ledger: Any = None,
    keys: Any = None,
) -> str:
    """The report as an HTML string. ``source``: a file path (CSV, JSON, JSONL, Parquet), records, or a
    pandas / polars / Arrow table. ``policy`` + ``action`` add the decision; ``deidentifier`` (a
    ``pg.Deidentifier`` or a ``pg.risk.suggest`` result) adds the risk after de-identification;
    ``as_of`` is the date ages (minors) are computed at; ``sample`` profiles only the first records;
    ``ledger``/``keys`` go to ``pg.Guard`` (the cross-border ledger the decision counts against)."""
    return render(
        build_report(
            source, policy=policy, action=action, deidentifier=deidentifier, title=title,
            quasi_identifiers=quasi_identifiers, threshold=threshold, sample=sample, top=top, as_of=as_of,
            ledger=ledger, keys=keys,
        )
    )


def write_report(
    source: Any,
    out_path: str | os.PathLike[str],
    *,
    policy: Any = None,
    action: Any = None,
    deidentifier: Any = None,
    title: str | None = None,
    quasi_identifiers: Any = None,
    threshold: int = DEFAULT_THRESHOLD,
    sample: int | None = None,
    top: int = TOP_N,
    as_of: dt.date | None = None,
    ledger: Any = None,
    keys: Any = None,
) -> Path:
    """Write the self-contained report page to ``out_path`` (UTF-8) and return its path."""
    page = render_report(
        source, policy=policy, action=action, deidentifier=deidentifier, title=title,
        quasi_identifiers=quasi_identifiers, threshold=threshold, sample=sample, top=top, as_of=as_of,
        ledger=ledger, keys=keys,
    )
    path = Path(out_path)
    path.write_text(page, encoding="utf-8")
    return path

