"""The rule registry: every rule of the engine, in evaluation order, in one place.

Each rule is a small function in a themed module, decorated with its code, kind, article and titles.

>>> [r.code for r in RULES][:3]
['PIPL-13', 'PIPL-14', 'PIPL-15']
>>> len({r.code for r in RULES}) == len(RULES)
True
"""

from __future__ import annotations

from pipl_guard.policy.rules import breach, consent, cross_border, organization, processing, security
from pipl_guard.policy.rules.base import Context, CrossBorder, Outcome, Rule, rule
from pipl_guard.policy.rules.cross_border import assess

RULES: tuple[Rule, ...] = (
    *consent.RULES,
    *processing.RULES,
    *security.RULES,
    *cross_border.RULES,
    *organization.RULES,
    *breach.RULES,
)

BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}

__all__ = ["BY_CODE", "RULES", "Context", "CrossBorder", "Outcome", "Rule", "assess", "rule"]
