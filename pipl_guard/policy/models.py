"""Policy, Action, Decision and Issue: the data of a PIPL decision.

A policy is strict: unknown keys, unknown entities, unknown legal bases, unknown operators, negative
retention and dangling references are ``PolicyError`` with the path of the offending key, because a typo in
a policy must never silently weaken it.

>>> p = Policy.model_validate({
...     "organization": {"name": "Demo"},
...     "purposes": [{"id": "delivery", "legal_basis": "contract", "entities": ["PERSON_NAME"]}],
...     "destinations": [{"id": "db", "kind": "storage", "authentication": True}],
... })
>>> p.purpose("delivery").legal_basis
'contract'
>>> try:
...     Policy.model_validate({"organization": {"name": "Demo", "ciio": False, "nmae": 1}})
... except Exception as e:
...     print(type(e).__name__, e.path)
PolicyError organization.nmae
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from pipl_guard.catalogue import ENTITY_IDS
from pipl_guard.errors import InputError, PolicyError, type_name

#: policy files larger than this are refused before parsing (a policy is a page, not a data set)
MAX_POLICY_BYTES = 1_000_000

LegalBasis = Literal["consent", "contract", "hr", "legal_duty", "emergency", "news", "public_info", "other_law"]
DestinationKind = Literal["storage", "third_party", "entrusted", "public", "cross_border"]
Mechanism = Literal["security_assessment", "certification", "standard_contract", "none"]
ActionKind = Literal["store", "use", "provide", "entrust", "disclose", "export", "breach"]
ACTION_KINDS: tuple[str, ...] = ("store", "use", "provide", "entrust", "disclose", "export", "breach")
#: operator names a destination may require (``pipl_guard.ops`` classes, snake_case)
OperatorName = Literal[
    "redact", "replace", "mask", "hash", "encrypt", "pseudonymize", "tokenize", "generalize", "date_shift", "fake"
]
#: separate-consent scopes a record's consent facts may list
SeparateScope = Literal["sensitive", "provide", "disclose", "cross_border"]


def _check_entity(value: str) -> str:
    if value not in ENTITY_IDS:
        raise PydanticCustomError(
            "unknown_entity", "unknown entity ID {entity}; see pipl_guard.catalogue.ENTITY_IDS", {"entity": value}
        )
    return value


EntityId = Annotated[str, AfterValidator(_check_entity)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Organization(_Strict):
    """The handler (个人信息处理者) the policy is for."""

    name: str
    ciio: bool = False
    individuals_held: int = Field(default=0, ge=0)
    officer_reported: bool = False
    last_audit: dt.date | None = None
    resident_id_is_sensitive: bool = False


class Purpose(_Strict):
    """A processing purpose: its legal basis (PIPL Art. 13) and the entities it may use (Art. 6)."""

    id: str = Field(min_length=1)
    description: str | None = None
    #: ``None`` = no basis recorded: every action under this purpose is a PIPL-13 violation
    legal_basis: LegalBasis | None = None
    entities: tuple[EntityId, ...] = ()
    retention_days: int | None = Field(default=None, ge=0)
    time_field: str | None = None
    pipia: bool = False


class Destination(_Strict):
    """Where data lands: its kind, security (PIPL Art. 51) and, abroad, its transfer mechanism (Art. 38)."""

    id: str = Field(min_length=1)
    kind: DestinationKind
    description: str | None = None
    #: ``None`` = not declared; a storage destination that does not declare it is treated as ``False``
    authentication: bool | None = None
    encryption_at_rest: bool | None = None
    require: dict[EntityId, OperatorName] = Field(default_factory=dict)
    country: str | None = None
    mechanism: Mechanism = "none"
    mechanism_since: dt.date | None = None
    pipia: bool = False
    contract: bool = False


class ConsentConfig(_Strict):
    """Where each record carries its consent facts (a top-level key or a dotted path)."""

    field: str = Field(default="consent", min_length=1)


class ActionSpec(_Strict):
    """A named action a policy declares (checked at load: its purpose and destination must exist)."""

    id: str | None = None
    kind: ActionKind
    purpose: str
    destination: str | None = None


def _error_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out = f"{out}.{part}" if out else str(part)
    return out


def _policy_error(exc: ValidationError, source: str | None = None) -> PolicyError:
    """One ``PolicyError`` for a pydantic error list: the first error's path, every error in the message."""
    errors = exc.errors(include_url=False, include_input=False)
    parts: list[str] = []
    first_path: str | None = None
    for err in errors:
        ctx = err.get("ctx") or {}
        path = str(ctx["path"]) if "path" in ctx else _error_path(tuple(err["loc"]))
        if first_path is None:
            first_path = path or None
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key (check the spelling; unknown keys are refused so a typo cannot weaken the policy)"
        parts.append(f"{path or '<root>'}: {msg}")
    where = f" [in {source}]" if source else ""
    head = parts[0].split(": ", 1)[1] if parts else "invalid policy"
    more = f" (and {len(parts) - 1} more: {'; '.join(parts[1:5])})" if len(parts) > 1 else ""
    return PolicyError(f"{head}{more}{where}", path=first_path)


class Policy(_Strict):
    """A PIPL policy (see SPEC section 4). Load with ``Policy.load(path)`` or ``Policy.model_validate(dict)``.

    Both raise ``PolicyError`` (with ``.path``, e.g. ``purposes[0].entities[1]``) on any problem.
    """

    version: str | None = None
    organization: Organization
    purposes: tuple[Purpose, ...] = ()
    destinations: tuple[Destination, ...] = ()
    consent: ConsentConfig = ConsentConfig()
    actions: tuple[ActionSpec, ...] = ()

    @model_validator(mode="after")
    def _cross_references(self) -> Policy:
        for name, ids in (("purposes", [p.id for p in self.purposes]), ("destinations", [d.id for d in self.destinations])):
            seen: set[str] = set()
            for i, item_id in enumerate(ids):
                if item_id in seen:
                    raise PydanticCustomError(
                        "duplicate_id", "duplicate id {id}", {"id": item_id, "path": f"{name}[{i}].id"}
                    )
                seen.add(item_id)
        purposes = {p.id for p in self.purposes}
        destinations = {d.id for d in self.destinations}
        for i, a in enumerate(self.actions):
            if a.purpose not in purposes:
                raise PydanticCustomError(
                    "unknown_purpose",
                    "action refers to purpose {ref}, which the policy does not define",
                    {"ref": a.purpose, "path": f"actions[{i}].purpose"},
                )
            if a.destination is not None and a.destination not in destinations:
                raise PydanticCustomError(
                    "unknown_destination",
                    "action refers to destination {ref}, which the policy does not define",
                    {"ref": a.destination, "path": f"actions[{i}].destination"},
                )
        return self

    # -- construction ---------------------------------------------------------------------------------

    @classmethod
    def model_validate(
        cls, obj: Any, *, strict: bool | None = None, context: Any | None = None, **kwargs: Any
    ) -> Policy:
        """Validate a mapping; every problem is a ``PolicyError`` carrying the key's path."""
        try:
            return super().model_validate(obj, strict=strict, context=context, **kwargs)
        except ValidationError as exc:
            error = _policy_error(exc)
        # raised outside the handler: the pydantic error holds the raw input and must not be chained
        raise error

    @classmethod
    def load(cls, path: str | Path) -> Policy:
        """Load a policy from a ``.yaml``/``.yml``, ``.json`` or ``.toml`` file.

        Files above ``MAX_POLICY_BYTES`` and YAML anchors/aliases (the "billion laughs" bomb) are refused.
        """
        p = Path(path)
        suffix = p.suffix.lower()
        if suffix not in (".yaml", ".yml", ".json", ".toml"):
            raise PolicyError(f"policy file must end in .yaml, .yml, .json or .toml, got {suffix or 'no suffix'!r}")
        try:
            with p.open("rb") as fh:
                raw = fh.read(MAX_POLICY_BYTES + 1)
        except OSError as exc:
            raise PolicyError(f"cannot read policy file {p.name}: {exc.strerror or type_name(exc)}") from None
        if len(raw) > MAX_POLICY_BYTES:
            raise PolicyError(f"policy file {p.name} is larger than {MAX_POLICY_BYTES} bytes")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = None
        if text is None:  # raised outside the handler, so the decode error (holding the file) is not chained
            raise PolicyError(f"policy file {p.name} is not UTF-8")
        data = _parse(text, suffix, p.name)
        if not isinstance(data, dict):
            raise PolicyError(f"policy file {p.name} must hold a mapping at the top, got {type_name(data)}")
        try:
            return super().model_validate(data)
        except ValidationError as exc:
            error = _policy_error(exc, p.name)
        raise error

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        """JSON Schema of policy files, for editors (``yaml-language-server``, VS Code)."""
        schema = cls.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = "pipl_guard policy"
        return schema

    # -- lookups --------------------------------------------------------------------------------------

    def purpose(self, purpose_id: str) -> Purpose:
        for p in self.purposes:
            if p.id == purpose_id:
                return p
        raise PolicyError(f"the policy defines no purpose {purpose_id!r}", path="action.purpose")

    def destination(self, destination_id: str) -> Destination:
        for d in self.destinations:
            if d.id == destination_id:
                return d
        raise PolicyError(f"the policy defines no destination {destination_id!r}", path="action.destination")


def schema() -> dict[str, Any]:
    """JSON Schema of the policy file format (same as ``Policy.json_schema()``)."""
    return Policy.json_schema()


class _NoAliasLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses anchors and aliases: a policy needs neither, and aliases are how
    a few hundred bytes of YAML expand into gigabytes (billion laughs)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            mark = event.start_mark
            raise PolicyError(
                f"YAML anchors and aliases are not allowed in a policy (line {mark.line + 1})",
                path=f"line {mark.line + 1}",
            )
        return super().compose_node(parent, index)


def _parse(text: str, suffix: str, name: str) -> Any:
    # errors are raised after the handlers, not inside them: the parser errors hold the document (and so
    # whatever PI a policy value carries) and must not ride along as ``__context__``
    try:
        if suffix == ".json":
            return json.loads(text)
        if suffix == ".toml":
            return tomllib.loads(text)
        return yaml.load(text, Loader=_NoAliasLoader)
    except PolicyError as exc:
        error = exc
    except RecursionError:
        error = PolicyError(f"{name}: nested too deeply to be a policy")
    except json.JSONDecodeError as exc:
        error = PolicyError(f"{name}: invalid JSON at line {exc.lineno}: {exc.msg}", path=f"line {exc.lineno}")
    except tomllib.TOMLDecodeError as exc:
        error = PolicyError(f"{name}: invalid TOML: {exc}")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        error = PolicyError(f"{name}: invalid YAML{line}: {problem}", path=f"line {mark.line + 1}" if mark else None)
    error.__context__ = None
    raise error


# ----------------------------------------------------------------------------------------------- Action


def _to_date(value: Any, what: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            raise InputError(f"{what} must be an ISO date (YYYY-MM-DD)") from None
    raise InputError(f"{what} must be a date, got {type_name(value)}")


@dataclass(frozen=True)
class Action:
    """What is about to happen to a batch of records.

    ``kind``: store, use, provide, entrust, disclose, export or breach. ``at``: the action's date (default
    today); it fixes the calendar year for cross-border counting, ages and the retention clock. For a
    breach, the records are those exposed; ``affected`` may give the number of individuals affected when
    the records passed are only a sample.

    >>> Action("export", "delivery", "sg-partner", at="2026-03-01").at.year
    2026
    """

    kind: str
    purpose: str
    destination: str | None = None
    at: dt.date | None = None
    affected: int | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        if self.kind not in ACTION_KINDS:
            raise InputError(f"Action.kind must be one of {', '.join(ACTION_KINDS)}")
        if not isinstance(self.purpose, str) or not self.purpose:
            raise InputError("Action.purpose must be a purpose id")
        if self.destination is not None and not isinstance(self.destination, str):
            raise InputError("Action.destination must be a destination id or None")
        object.__setattr__(self, "at", dt.date.today() if self.at is None else _to_date(self.at, "Action.at"))
        if self.affected is not None and (isinstance(self.affected, bool) or not isinstance(self.affected, int) or self.affected < 0):
            raise InputError("Action.affected must be a non-negative integer")

    @property
    def date(self) -> dt.date:
        assert self.at is not None  # set in __post_init__
        return self.at

    def summary(self) -> dict[str, Any]:
        return {"kind": self.kind, "purpose": self.purpose, "destination": self.destination, "at": self.date.isoformat()}


# ----------------------------------------------------------------------------------------------- Decision

IssueKind = Literal["violation", "obligation", "note"]


class Issue(BaseModel):
    """One finding of the policy engine: a code, a citation, bilingual messages, where, how many.

    Never carries a raw value: ``fields`` are paths, ``records`` a count.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    kind: IssueKind
    article: str
    message_en: str
    message_zh: str
    fields: list[str] = Field(default_factory=list)
    records: int = 0


class RuleTrace(BaseModel):
    """One rule as evaluated: its outcome and the facts it used (aggregates only)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    article: str
    title_en: str
    title_zh: str
    outcome: Literal["violation", "obligation", "note", "pass", "not_applicable"]
    facts: dict[str, Any] = Field(default_factory=dict)


_OUTCOME_ZH = {
    "violation": "违规",
    "obligation": "义务",
    "note": "提示",
    "pass": "通过",
    "not_applicable": "不适用",
}


class Decision(BaseModel):
    """The outcome of ``Guard.check``: allowed or not, with violations, obligations and notes.

    JSON-serialisable for audit logs (``decision.model_dump_json()``); holds counts and paths, never values.
    """

    model_config = ConfigDict(extra="forbid")

    allowed: bool
    action: dict[str, Any] = Field(default_factory=dict)
    violations: list[Issue] = Field(default_factory=list)
    obligations: list[Issue] = Field(default_factory=list)
    notes: list[Issue] = Field(default_factory=list)
    facts: dict[str, Any] = Field(default_factory=dict)
    rules: list[RuleTrace] = Field(default_factory=list)

    @property
    def codes(self) -> set[str]:
        """Every code raised, of any kind."""
        return {i.code for i in (*self.violations, *self.obligations, *self.notes)}

    def issues(self) -> list[Issue]:
        return [*self.violations, *self.obligations, *self.notes]

    def to_json(self, **kwargs: Any) -> str:
        return self.model_dump_json(**kwargs)

    def explain(self) -> str:
        """The rules evaluated, the facts each used, and the outcome, in English and Chinese."""
        a = self.action
        verdict_en = "ALLOWED" if self.allowed else "DENIED"
        verdict_zh = "允许" if self.allowed else "不允许"
        lines = [
            f"Decision / 决定: {verdict_en} / {verdict_zh}",
            f"Action / 行为: {a.get('kind')} purpose={a.get('purpose')} destination={a.get('destination')} at={a.get('at')}",
            "Facts / 事实: " + json.dumps(self.facts, ensure_ascii=False, sort_keys=True, default=str),
            "Rules evaluated / 已评估规则:",
        ]
        for r in self.rules:
            facts = json.dumps(r.facts, ensure_ascii=False, sort_keys=True, default=str)
            lines.append(
                f"  [{r.outcome} / {_OUTCOME_ZH[r.outcome]}] {r.code} ({r.article}) {r.title_en} / {r.title_zh}; facts: {facts}"
            )
        for title, items in (
            ("Violations / 违规", self.violations),
            ("Obligations / 义务", self.obligations),
            ("Notes / 提示", self.notes),
        ):
            if not items:
                continue
            lines.append(f"{title}:")
            for i in items:
                where = f" fields={list(i.fields)}" if i.fields else ""
                count = f" records={i.records}" if i.records else ""
                lines.append(f"  {i.code} ({i.article}){where}{count}")
                lines.append(f"    EN: {i.message_en}")
                lines.append(f"    中文: {i.message_zh}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.explain()
