"""pipl_guard.policy: decide whether records may be stored, shared or exported under PIPL.

>>> from pipl_guard.policy import Policy, schema
>>> schema()["title"]
'pipl_guard policy'
"""

from pipl_guard.policy.guard import Guard, guarded
from pipl_guard.policy.ledger import Ledger, Tally
from pipl_guard.policy.models import Action, Decision, Issue, Policy, RuleTrace, schema

__all__ = ["Action", "Decision", "Guard", "Issue", "Ledger", "Policy", "RuleTrace", "Tally", "guarded", "schema"]
