"""What every rule shares: the ``Rule`` record, the ``@rule`` decorator and the evaluation context.

A rule is a small function ``(ctx) -> Outcome | None``: ``None`` when it does not apply to this action,
else the facts it used and the issues it raises (none = pass). Its code, article and titles live on the
``Rule`` so ``Decision.explain()`` can list every rule evaluated.

>>> @rule("DEMO-1", "note", "PIPL Art. 1", "Demo", "示例")
... def demo(ctx: Context) -> Outcome | None:
...     return Outcome({"x": 1})
>>> demo.code, demo.kind
('DEMO-1', 'note')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from pipl_guard.policy.facts import BatchFacts
from pipl_guard.policy.ledger import Tally
from pipl_guard.policy.models import Action, Destination, Issue, IssueKind, Organization, Policy, Purpose


@dataclass(frozen=True)
class CrossBorder:
    """The cross-border position of an export (CBDF 2024), computed once and shared by the CBDF rules."""

    year: int
    tally: Tally
    scenario_exempt: str | None  # "contract" | "hr" | "emergency" (CBDF Art. 5(1)-(3))
    volume_exempt: bool  # CBDF Art. 5(4)
    required: Literal["security_assessment", "contract_or_certification"] | None
    required_by: str | None  # "PIPL-40" (CIIO), "CBDF-7", "CBDF-8"
    mechanism: str
    mechanism_valid: bool
    mechanism_problem: str | None
    assessment_valid: bool
    assessment_expired: bool

    @property
    def exempt(self) -> bool:
        return self.scenario_exempt is not None or self.volume_exempt

    @property
    def satisfied(self) -> bool:
        if self.required is None:
            return True
        if self.required == "security_assessment":
            return self.assessment_valid
        return self.mechanism_valid

    def summary(self) -> dict[str, Any]:
        return {
            **self.tally.summary(),
            "scenario_exempt": self.scenario_exempt,
            "volume_exempt": self.volume_exempt,
            "required": self.required,
            "mechanism": self.mechanism,
            "mechanism_valid": self.mechanism_valid,
        }


@dataclass(frozen=True)
class Context:
    """Everything a rule may look at: policy, action, batch facts, cross-border position."""

    policy: Policy
    action: Action
    purpose: Purpose
    destination: Destination | None
    facts: BatchFacts
    cross_border: CrossBorder | None = None
    transform_problem: str | None = None

    @property
    def at(self) -> dt.date:
        return self.action.date

    @property
    def org(self) -> Organization:
        return self.policy.organization

    @property
    def consent_basis(self) -> bool:
        return self.purpose.legal_basis == "consent"

    @property
    def is_breach(self) -> bool:
        return self.action.kind == "breach"

    @property
    def dest_kind(self) -> str | None:
        return self.destination.kind if self.destination is not None else None

    @property
    def is_export(self) -> bool:
        return not self.is_breach and (self.action.kind == "export" or self.dest_kind == "cross_border")

    @property
    def is_provide(self) -> bool:
        return not self.is_breach and (self.action.kind == "provide" or self.dest_kind == "third_party")

    @property
    def is_entrust(self) -> bool:
        return not self.is_breach and (self.action.kind == "entrust" or self.dest_kind == "entrusted")

    @property
    def is_disclose(self) -> bool:
        return not self.is_breach and (self.action.kind == "disclose" or self.dest_kind == "public")

    @property
    def has_pi(self) -> bool:
        return self.facts.records_with_pi > 0


@dataclass
class Outcome:
    """What a rule saw (aggregates only) and what it raised."""

    facts: dict[str, Any] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)


RuleFn = Callable[[Context], Outcome | None]


@dataclass(frozen=True)
class Rule:
    code: str
    kind: IssueKind
    article: str
    title_en: str
    title_zh: str
    fn: RuleFn

    def __call__(self, ctx: Context) -> Outcome | None:
        return self.fn(ctx)

    def issue(
        self,
        message_en: str,
        message_zh: str,
        *,
        fields: Iterable[str] = (),
        records: int = 0,
        kind: IssueKind | None = None,
    ) -> Issue:
        return Issue(
            code=self.code,
            kind=kind or self.kind,
            article=self.article,
            message_en=message_en,
            message_zh=message_zh,
            fields=sorted(set(fields)),
            records=records,
        )


def rule(code: str, kind: IssueKind, article: str, title_en: str, title_zh: str) -> Callable[[RuleFn], Rule]:
    """Decorator: turn a rule function into a ``Rule`` carrying its code and citation."""

    def wrap(fn: RuleFn) -> Rule:
        return Rule(code, kind, article, title_en, title_zh, fn)

    return wrap


def fields_of(facts: BatchFacts, entities: Iterable[str]) -> list[str]:
    out: set[str] = set()
    for e in entities:
        out.update(facts.entity_fields.get(e, ()))
    return sorted(out)
