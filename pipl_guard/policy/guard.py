"""``Guard``: check a batch of records against a policy, or enforce the policy on it.

``check(records, action)`` is pure: one streaming pass over the records, the ledger only read.
``enforce(records, action)`` applies the destination's required transforms with the given keys, decides
on the transformed records, records what it let through in the cross-border ledger (one ``BEGIN
IMMEDIATE`` transaction, so concurrent processes cannot under-count) and returns the records, or raises
``PolicyViolation`` carrying the ``Decision``. An unreadable or locked ledger raises ``LedgerError`` and
nothing goes through.

>>> import pipl_guard as pg
>>> policy = pg.Policy.model_validate({
...     "organization": {"name": "Demo"},
...     "purposes": [{"id": "crm", "legal_basis": "consent", "entities": ["PERSON_NAME", "CN_MOBILE"]}],
...     "destinations": [{"id": "db", "kind": "storage", "authentication": True, "encryption_at_rest": True}],
... })
>>> d = pg.Guard(policy).check([{"xm": "张伟", "sjh": "13812345678"}], pg.Action("store", "crm", "db"))
>>> d.allowed, [i.code for i in d.violations]
(False, ['PIPL-13'])
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from pipl_guard.errors import (
    InputError,
    KeyMaterialError,
    LedgerError,
    PolicyError,
    PolicyViolation,
    type_name,
)
from pipl_guard.policy.facts import BatchFacts, FactCollector, Transform
from pipl_guard.policy.ledger import Ledger, Tally
from pipl_guard.policy.models import Action, Decision, Destination, Issue, Policy, RuleTrace
from pipl_guard.policy.rules import RULES, Context, CrossBorder, assess

log = logging.getLogger("pipl_guard.policy")

#: operators that need key material, and the keyword their constructor takes it by
_KEYED = {"hash": "key", "encrypt": "key", "pseudonymize": "key", "date_shift": "key", "fake": "key"}
_OP_CLASSES = {
    "redact": "Redact",
    "replace": "Replace",
    "mask": "Mask",
    "hash": "Hash",
    "encrypt": "Encrypt",
    "pseudonymize": "Pseudonymize",
    "tokenize": "Tokenize",
    "generalize": "Generalize",
    "date_shift": "DateShift",
    "fake": "Fake",
}
#: the level ``generalize`` uses per entity (birth dates to the year; places and IDs to the city)
_GENERALIZE_LEVEL = {"DATE_OF_BIRTH": "year", "GEO_COORDINATE": "city"}
LEDGER_KEY_LABEL = "policy/ledger/v1"

F = TypeVar("F", bound=Callable[..., Iterable[Mapping[str, Any]]])


def _is_key(obj: object) -> bool:
    from pipl_guard.transform.keys import Key, KeyRing

    return isinstance(obj, Key | KeyRing)


def resolve_key(keys: Any, *names: str) -> Any | None:
    """The key for an operation: a single ``Key``/``KeyRing`` serves all; a mapping is searched by
    ``names`` (entity ID, operator name) and then ``"default"``."""
    if keys is None:
        return None
    if isinstance(keys, Mapping):
        for name in (*names, "default"):
            if name in keys and keys[name] is not None:
                return keys[name]
        return None
    if _is_key(keys):
        return keys
    raise KeyMaterialError(f"keys must be a pipl_guard Key, KeyRing or a mapping of them, got {type_name(keys)}")


def ledger_key(keys: Any) -> bytes | None:
    """Ledger HMAC key derived from the caller's keys: ``keys["ledger"]``, else the default key.

    A ``KeyRing`` uses its key with id ``ledger`` if it has one, else its current key; derive-by-label keeps
    the ledger digests unrelated to the digests a ``Hash`` operator writes with the same key.
    """
    from pipl_guard.transform.keys import Key, KeyRing

    k = resolve_key(keys, "ledger")
    if k is None:
        return None
    if isinstance(k, KeyRing):
        k = k.get("ledger") if "ledger" in k else k.current
    if not isinstance(k, Key):
        raise KeyMaterialError(f"ledger key must be a pipl_guard Key, got {type_name(k)}")
    return k.derive(LEDGER_KEY_LABEL)


def build_transform(dest: Destination, keys: Any, *, skip_missing: list[str] | None = None) -> Transform | None:
    """A function applying ``dest.require`` to a record (``pipl_guard.ops`` through a ``Deidentifier``).

    Raises ``KeyMaterialError`` when a keyed operator has no key (there is no default key anywhere), unless
    ``skip_missing`` is a list: then those entities are left out (and named in it), for ``check``'s
    what-would-land preview.
    """
    if not dest.require:
        return None
    # key material first: a missing key is the caller's problem, whatever operators are installed
    material: dict[str, Any] = {}
    for entity, op in sorted(dest.require.items()):
        found: Any = None
        if op in _KEYED:
            found = resolve_key(keys, entity, op)
        elif op == "tokenize":
            found = keys.get("vault") if isinstance(keys, Mapping) else None
        else:
            continue
        if found is None:
            if skip_missing is not None:
                skip_missing.append(f"{entity}: {op}")
                continue
            what = "a vault (keys={'vault': ...})" if op == "tokenize" else f"a key (keys=pg.Key(...) or keys={{{entity!r}: pg.Key(...)}})"
            raise KeyMaterialError(f"destination {dest.id!r} requires {op} for {entity}: no key was given; pass {what}")
        material[entity] = found
    from pipl_guard import ops
    from pipl_guard.transform.deidentifier import Deidentifier

    rules: dict[str, Any] = {}
    for entity, op in sorted(dest.require.items()):
        cls = getattr(ops, _OP_CLASSES[op])
        if op in _KEYED or op == "tokenize":
            if entity not in material:
                continue
            rules[entity] = cls(key=material[entity]) if op in _KEYED else cls(vault=material[entity])
        elif op == "generalize":
            rules[entity] = cls(level=_GENERALIZE_LEVEL.get(entity, "city"))
        else:
            rules[entity] = cls()
    if not rules:
        return None
    deid = Deidentifier(rules=rules)
    return deid.record


class Guard:
    """Checks and enforces a ``Policy`` on batches of records.

    ``ledger``: path, ``sqlite:///`` URL or ``Ledger`` for cross-border counting (``None``: an in-memory
    ledger that lives as long as this Guard). ``keys``: a ``pg.Key``, ``KeyRing`` or a mapping (entity ID,
    operator name, ``"ledger"``, ``"default"`` -> key) for the destination's required transforms and the
    ledger's keyed digests.
    """

    def __init__(self, policy: Policy | str | Path | Mapping[str, Any], ledger: Any = None, keys: Any = None) -> None:
        if isinstance(policy, Policy):
            self.policy = policy
        elif isinstance(policy, str | Path):
            self.policy = Policy.load(policy)
        elif isinstance(policy, Mapping):
            self.policy = Policy.model_validate(dict(policy))
        else:
            raise PolicyError(f"policy must be a Policy, a file path or a mapping, got {type_name(policy)}")
        self.keys = keys
        if keys is not None:
            resolve_key(keys)  # type check now, not at the first export
        if isinstance(ledger, Ledger):
            self.ledger = ledger
        else:
            self.ledger = Ledger(ledger, key=ledger_key(keys) if keys is not None else None)

    # -- public -------------------------------------------------------------------------------------

    def check(self, records: Iterable[Mapping[str, Any]], action: Action) -> Decision:
        """Decide on ``records`` for ``action`` without side effects (the ledger is only read)."""
        _purpose, dest = self._resolve(action)
        transform, problem = None, None
        if dest is not None and dest.require:
            missing: list[str] = []
            transform = build_transform(dest, self.keys, skip_missing=missing)
            if missing:
                problem = f"no key was given for {', '.join(missing)}"
        export = self._is_export(action, dest)
        if export:
            self.ledger.load()
        facts = self._collect(records, action, transform, consume=True)[0]
        tally = self.ledger.tally(action.date.year, facts.individuals) if export else None
        return self._decide(action, facts, tally, problem)

    def enforce(self, records: Iterable[Mapping[str, Any]], action: Action) -> list[dict[str, Any]]:
        """Transform, decide, record in the ledger and return the records; or raise ``PolicyViolation``."""
        _purpose, dest = self._resolve(action)
        missing: list[str] = []
        transform = build_transform(dest, self.keys, skip_missing=missing) if dest is not None else None
        export = self._is_export(action, dest)
        if export:
            self.ledger.prepare()  # the salt or key fingerprint must exist before digests are made
        facts, landed = self._collect(records, action, transform, consume=False)
        # a keyed transform without a key fails only when the batch holds that entity (nothing has landed)
        needed = [m for m in missing if m.split(":", 1)[0] in facts.entity_fields]
        if needed:
            assert dest is not None
            raise KeyMaterialError(
                f"destination {dest.id!r} requires {', '.join(needed)} and no key was given for it: pass "
                "keys=pg.Key(...) or a mapping {entity or operator: pg.Key(...)}"
            )
        if not export:
            decision = self._decide(action, facts, None, None)
            if not decision.allowed:
                raise PolicyViolation(decision)
            return landed
        with self.ledger.transaction() as tx:
            tally = tx.tally(action.date.year, facts.individuals)
            decision = self._decide(action, facts, tally, None)
            if not decision.allowed:
                raise PolicyViolation(decision)
            xb = self._cross_border(action, facts, tally)
            if xb is not None and facts.individuals:
                tx.record(action.date.year, facts.individuals, exempt=xb.scenario_exempt is not None)
        log.info("enforced %s/%s: %d records through", action.kind, action.purpose, len(landed))
        return landed

    def decide(self, facts: BatchFacts, action: Action, tally: Tally | None = None) -> Decision:
        """Run the rules on precomputed facts (for callers that collect facts themselves)."""
        return self._decide(action, facts, tally, None)

    # -- internals ----------------------------------------------------------------------------------

    def _resolve(self, action: Action) -> tuple[Any, Destination | None]:
        if not isinstance(action, Action):
            raise InputError(f"action must be a pipl_guard Action, got {type_name(action)}")
        purpose = self.policy.purpose(action.purpose)
        dest = self.policy.destination(action.destination) if action.destination is not None else None
        if dest is None and action.kind in ("provide", "entrust", "disclose", "export"):
            raise PolicyError(f"a {action.kind} action needs a destination", path="action.destination")
        return purpose, dest

    @staticmethod
    def _is_export(action: Action, dest: Destination | None) -> bool:
        return action.kind != "breach" and (action.kind == "export" or (dest is not None and dest.kind == "cross_border"))

    def _collect(
        self, records: Iterable[Mapping[str, Any]], action: Action, transform: Transform | None, *, consume: bool
    ) -> tuple[BatchFacts, list[dict[str, Any]]]:
        if isinstance(records, Mapping) or isinstance(records, str | bytes):
            raise InputError(f"records must be an iterable of mappings, got {type_name(records)}")
        purpose = self.policy.purpose(action.purpose)
        dest = self.policy.destination(action.destination) if action.destination is not None else None
        collector = FactCollector(
            consent_field=self.policy.consent.field,
            at=action.date,
            digest=self.ledger.digest,
            strict_identity=self.policy.organization.resident_id_is_sensitive,
            time_field=purpose.time_field,
            retention_days=purpose.retention_days,
            transform=transform,
            required=frozenset(dest.require) if dest is not None else frozenset(),
        )
        landed: list[dict[str, Any]] = []
        try:
            iterator = iter(records)
        except TypeError:
            raise InputError(f"records must be an iterable of mappings, got {type_name(records)}") from None
        for record in iterator:
            out = collector.add(record)
            if not consume:
                landed.append(dict(out))
        return collector.result(), landed

    def _cross_border(self, action: Action, facts: BatchFacts, tally: Tally | None) -> CrossBorder | None:
        dest = self.policy.destination(action.destination) if action.destination is not None else None
        if tally is None or dest is None or not facts.records_with_pi:
            return None
        return assess(self.policy, self.policy.purpose(action.purpose), dest, tally, action.date)

    def _decide(self, action: Action, facts: BatchFacts, tally: Tally | None, problem: str | None) -> Decision:
        purpose = self.policy.purpose(action.purpose)
        dest = self.policy.destination(action.destination) if action.destination is not None else None
        xb = self._cross_border(action, facts, tally)
        ctx = Context(self.policy, action, purpose, dest, facts, xb, problem)
        violations: list[Issue] = []
        obligations: list[Issue] = []
        notes: list[Issue] = []
        traces: list[RuleTrace] = []
        for r in RULES:
            out = r(ctx)
            if out is None:
                traces.append(RuleTrace(code=r.code, article=r.article, title_en=r.title_en, title_zh=r.title_zh, outcome="not_applicable"))
                continue
            kinds = {i.kind for i in out.issues}
            outcome = "violation" if "violation" in kinds else "obligation" if "obligation" in kinds else "note" if kinds else "pass"
            traces.append(
                RuleTrace(code=r.code, article=r.article, title_en=r.title_en, title_zh=r.title_zh, outcome=outcome, facts=out.facts)
            )
            for i in out.issues:
                {"violation": violations, "obligation": obligations, "note": notes}[i.kind].append(i)
        if tally is not None:
            notes.extend(self._ledger_notes())
        summary = facts.summary()
        if xb is not None:
            summary["cross_border"] = xb.summary()
        summary["ledger"] = {
            "persistent": self.ledger.persistent,
            "keyed": self.ledger.keyed,
        }
        return Decision(
            allowed=not violations,
            action=action.summary(),
            violations=violations,
            obligations=obligations,
            notes=notes,
            facts=summary,
            rules=traces,
        )

    def _ledger_notes(self) -> list[Issue]:
        out: list[Issue] = []
        if not self.ledger.persistent:
            out.append(
                Issue(
                    code="LEDGER",
                    kind="note",
                    article="CBDF (CAC Order 16, 2024) Arts. 5, 7, 8",
                    message_en="No ledger file: cross-border counts cover this Guard's batches only, not the whole "
                    "calendar year; pass ledger=path to count across batches, processes and restarts.",
                    message_zh="未配置出境台账文件：出境人数仅统计本实例处理的批次，无法覆盖全年累计。",
                )
            )
        if not self.ledger.keyed:
            out.append(
                Issue(
                    code="LEDGER",
                    kind="note",
                    article="PIPL Art. 51",
                    message_en="The ledger digests use a salt stored in the ledger itself: anyone holding the file can "
                    "test whether a given identifier was exported. Pass keys= (a key named 'ledger') in production.",
                    message_zh="出境台账使用存于台账内的随机盐值；持有该文件者可验证某一身份号码是否出境，生产环境应提供密钥。",
                )
            )
        return out


def guarded(guard: Guard, action: Action) -> Callable[[F], Callable[..., Any]]:
    """Decorator for an ETL step: ``guard.enforce`` runs on whatever the step returns.

    The step may return records (any iterable of mappings; a list of dicts comes back) or a pandas,
    polars or Arrow table (the same kind of table comes back, transformed as the destination requires).

    >>> import pipl_guard as pg
    >>> policy = pg.Policy.model_validate({"organization": {"name": "Demo"},
    ...     "purposes": [{"id": "stats", "legal_basis": "legal_duty"}]})
    >>> @guarded(pg.Guard(policy), pg.Action("use", "stats", None))
    ... def step():
    ...     return [{"total": 3}]
    >>> step()
    [{'total': 3}]
    """

    def wrap(fn: F) -> Callable[..., Any]:
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            result = fn(*args, **kwargs)
            if _is_frame(result):
                from pipl_guard import frames

                return frames.from_records(guard.enforce(frames.to_records(result), action), result)
            return guard.enforce(result, action)

        return run

    return wrap


def _is_frame(value: object) -> bool:
    # decided by type name, so pandas/polars/pyarrow are imported only when a frame is actually returned
    mod = type(value).__module__.split(".", 1)[0]
    return (mod, type(value).__name__) in {("pandas", "DataFrame"), ("polars", "DataFrame"), ("pyarrow", "Table")}


__all__ = ["Guard", "LedgerError", "build_transform", "guarded", "ledger_key", "resolve_key"]
