"""``Deidentifier``: apply operators to the PI found in text and records; ``mask_text``/``mask_record``.

``rules`` maps entity IDs to operators, ``default`` applies to every other entity found (``None``: leave
other entities alone), and ``fields`` maps field paths to operators that transform the whole leaf and win
over ``rules``. Field paths are written as ``scan_record`` reports them (``person.phones[0]``); ``[*]``
matches any list index (``person.phones[*]``). A field whose *name* says what it holds (``sjhm``,
``手机号码``, ``phone``) is transformed as that entity even when its value would not be found in free text.
Records keep their shape; numbers stay numbers where the output is still a number.

>>> import pipl_guard as pg
>>> pg.mask_text("联系人：张三，手机号13812345678，身份证11010519491231002X")
'联系人：张*，手机号138****5678，身份证110105********002X'
>>> pg.mask_record({"xm": "欧阳娜娜", "sjhm": 13812345678, "age": 30})
{'xm': '欧阳**', 'sjhm': '138****5678', 'age': 30}
>>> d = pg.Deidentifier({"CN_MOBILE": pg.ops.Replace("[手机]")}, fields={"note": pg.ops.Redact()})
>>> d.record({"tel": "电话13812345678", "note": "私密"})
{'tel': '电话[手机]', 'note': ''}
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from pipl_guard.catalogue import CATALOGUE
from pipl_guard.errors import InputError, type_name
from pipl_guard.finding import Finding
from pipl_guard.transform.ops import DateShift, Mask, Operator, Redact, whole_value

log = logging.getLogger("pipl_guard.transform")
_INDEX = re.compile(r"\[\d+\]")
MAX_DEPTH = 10_000
#: identifiers that always hold digits: a name-classified field holding fewer than 4 digits ("无", "-",
#: "N/A") is left alone instead of being transformed as that identifier
_DIGIT_ENTITIES = frozenset(
    {
        "CN_RESIDENT_ID",
        "CN_MOBILE",
        "CN_LANDLINE",
        "BANK_CARD",
        "IMEI",
        "QQ_NUMBER",
        "CN_PASSPORT",
        "CN_HMT_PERMIT",
        "FOREIGNER_PR_ID",
        "HK_ID",
        "MO_ID",
        "TW_ID",
        "CN_USCC",
        "VIN",
        "IP_ADDRESS",
        "GEO_COORDINATE",
        "CN_LICENSE_PLATE",
        "DATE_OF_BIRTH",
    }
)
MIN_DIGITS = 4

__all__ = ["Deidentifier", "mask_record", "mask_text"]


def _check_op(op: object, where: str) -> Operator:
    if not isinstance(op, Operator):
        raise InputError(f"{where}: expected a pipl_guard operator (pg.ops.*), got {type_name(op)}")
    return op


class Deidentifier:
    """Transforms PI in text, records and streams of records (see module docstring).

    ``strict=False`` (default): a name-classified field whose value a format-preserving operator cannot
    take (``n/a`` under ``sjhm`` for ``Pseudonymize``) is redacted and a warning logged (without the
    value); ``strict=True`` raises the operator's ``InputError`` instead.
    """

    def __init__(
        self,
        rules: Mapping[str, Operator] | None = None,
        default: Operator | None = None,
        *,
        fields: Mapping[str, Operator] | None = None,
        min_score: float | None = None,
        strict: bool = False,
    ) -> None:
        rules = dict(rules or {})
        for entity, op in rules.items():
            if entity not in CATALOGUE:
                raise InputError(f"Deidentifier rules: unknown entity ID {entity!r}")
            _check_op(op, f"Deidentifier rules[{entity!r}]")
        if default is not None:
            _check_op(default, "Deidentifier default")
        self.fields: dict[str, Operator] = {}
        for path, op in (fields or {}).items():
            if not isinstance(path, str) or not path:
                raise InputError("Deidentifier fields: keys must be non-empty field paths")
            self.fields[path] = _check_op(op, f"Deidentifier fields[{path!r}]")
        if min_score is not None and not 0.0 <= float(min_score) <= 1.0:
            raise InputError("Deidentifier min_score: must be between 0 and 1")
        self.rules = rules
        self.default = default
        self.min_score = min_score
        self.strict = strict
        self._entities: frozenset[str] | None = None if default is not None else frozenset(rules)
        self._subjects = sorted(
            {
                op.subject
                for op in [*rules.values(), default, *self.fields.values()]
                if isinstance(op, DateShift) and op.subject
            }
        )
        self._redact = Redact()

    def __repr__(self) -> str:
        return f"Deidentifier(rules={sorted(self.rules)}, default={self.default!r}, fields={sorted(self.fields)})"

    # -- lookups -------------------------------------------------------------------------------------
    def operator_for(self, entity: str | None) -> Operator | None:
        if entity is not None and entity in self.rules:
            return self.rules[entity]
        return self.default

    def field_operator(self, path: str) -> Operator | None:
        op = self.fields.get(path)
        if op is None and "[" in path:
            op = self.fields.get(_INDEX.sub("[*]", path))
        return op

    # -- text ----------------------------------------------------------------------------------------
    def _apply_findings(self, text: str, findings: Sequence[Finding]) -> str:
        chosen: list[tuple[Finding, Operator]] = []
        last_end = -1
        for f in sorted(findings, key=lambda f: (f.start, -f.end)):
            if f.start < last_end:
                continue  # overlapping finding: the earlier/longer one already covers it
            op = self.operator_for(f.entity)
            if op is None:
                continue
            chosen.append((f, op))
            last_end = f.end
        out = text
        for f, op in reversed(chosen):  # right to left: earlier offsets stay valid
            out = out[: f.start] + op.apply(out[f.start : f.end], f) + out[f.end :]
        return out

    def text(self, text: str) -> str:
        """``text`` with every finding replaced by its operator's output."""
        if not isinstance(text, str):
            raise InputError(f"Deidentifier.text: expected str, got {type_name(text)}")
        if self._entities is not None and not self._entities:
            return text
        from pipl_guard.detect.scanner import scan_text

        findings = scan_text(text, entities=self._entities, min_score=self.min_score)
        return self._apply_findings(text, findings)

    # -- records -------------------------------------------------------------------------------------
    def _whole(self, op: Operator, text: str, entity: str | None, path: str, inferred: bool) -> str:
        try:
            return op.apply(text, whole_value(text, entity, path))
        except InputError:
            if self.strict or not inferred:
                raise
            log.warning("field %s: value does not fit %s for %s; redacted", path, type(op).__name__, entity)
            return self._redact.apply(text)

    def value(self, value: Any, path: str) -> Any:
        """One leaf value at ``path`` (the unit ``record`` applies to every leaf; frames use it per cell)."""
        from pipl_guard.record import leaf_text

        text = leaf_text(value)
        if text is None or text == "":
            return value
        op = self.field_operator(path)
        if op is not None:
            from pipl_guard.detect.fields import classify_field

            out = self._whole(op, text, classify_field(path), path, inferred=False)
        else:
            from pipl_guard.detect.fields import classify_field
            from pipl_guard.record import scan_value

            name_entity = classify_field(path)
            findings = scan_value(
                text, path, entities=self._entities, min_score=self.min_score, name_entity=name_entity
            )
            if findings:
                out = self._apply_findings(text, findings)
            elif (
                name_entity is not None
                and (op := self.operator_for(name_entity)) is not None
                and (self._entities is None or name_entity in self._entities)
                and (name_entity not in _DIGIT_ENTITIES or sum(c.isdigit() for c in text) >= MIN_DIGITS)
            ):
                out = self._whole(op, text, name_entity, path, inferred=True)
            else:
                return value
        return _restore_type(value, text, out)

    def record(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """A new record of the same shape with PI transformed."""
        if not isinstance(record, Mapping):
            raise InputError(f"Deidentifier.record: a record must be a mapping, got {type_name(record)}")
        if self._subjects:
            from pipl_guard.record import iter_fields, leaf_text
            from pipl_guard.transform.dateshift import SUBJECTS

            wanted = set(self._subjects)
            subjects = {p: leaf_text(v) or "" for p, v in iter_fields(record) if p in wanted}
            token = SUBJECTS.set(subjects)
            try:
                return self._walk_map(record, "", 0, ())
            finally:
                SUBJECTS.reset(token)
        return self._walk_map(record, "", 0, ())

    def _walk_map(
        self, mapping: Mapping[str, Any], path: str, depth: int, seen: tuple[int, ...]
    ) -> dict[str, Any]:
        out: dict[str, Any] = self._walk(mapping, path, depth, seen)
        return out

    def _walk(self, value: Any, path: str, depth: int, seen: tuple[int, ...]) -> Any:
        if not isinstance(value, Mapping | list | tuple):
            return self.value(value, path)
        # explicit stack, not recursion: a record nested MAX_DEPTH deep must not hit Python's recursion limit
        on_path = set(seen)
        stack = [self._open(value, path, depth, on_path)]
        while True:
            frame = stack[-1]
            if frame.next < len(frame.children):
                key, child_path, child = frame.children[frame.next]
                frame.next += 1
                if isinstance(child, Mapping | list | tuple):
                    stack.append(self._open(child, child_path, frame.depth + 1, on_path))
                else:
                    frame.store(key, self.value(child, child_path))
                continue
            stack.pop()
            on_path.discard(id(frame.container))
            done = frame.result()
            if not stack:
                return done
            parent = stack[-1]
            parent.store(parent.children[parent.next - 1][0], done)

    @staticmethod
    def _open(container: Any, path: str, depth: int, on_path: set[int]) -> _Frame:
        if depth > MAX_DEPTH:
            raise InputError(f"record nested deeper than {MAX_DEPTH} levels at {path[:80]!r}")
        if id(container) in on_path:
            raise InputError(f"record contains a cycle at {path[:80]!r}")
        on_path.add(id(container))
        return _Frame(container, path, depth)

    def records(self, records: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
        """Lazily transform a stream of records (constant memory)."""
        for rec in records:
            yield self.record(rec)

    def column(self, values: Sequence[Any], path: str) -> list[Any]:
        """Transform one column (all values share ``path``); batches where a ``fields`` operator can."""
        op = self.field_operator(path)
        if op is not None and all(isinstance(v, str) and v for v in values):
            from pipl_guard.detect.fields import classify_field

            return op.apply_many(list(values), classify_field(path))
        return [self.value(v, path) for v in values]


class _Frame:
    """One container being rebuilt by ``Deidentifier._walk``: its children and the output so far."""

    __slots__ = ("children", "container", "depth", "next", "out")

    def __init__(self, container: Any, path: str, depth: int) -> None:
        self.container = container
        self.depth = depth
        self.next = 0
        self.children: list[tuple[Any, str, Any]]
        self.out: dict[Any, Any] | list[Any]
        if isinstance(container, Mapping):
            self.children = [(k, f"{path}.{k}" if path else str(k), v) for k, v in container.items()]
            self.out = {}
        else:
            self.children = [(i, f"{path}[{i}]", v) for i, v in enumerate(container)]
            self.out = []

    def store(self, key: Any, value: Any) -> None:
        if isinstance(self.out, dict):
            self.out[key] = value
        else:
            self.out.append(value)

    def result(self) -> Any:
        # lists stay lists, tuples (and tuple subclasses) become plain tuples, mappings become dicts
        if isinstance(self.out, dict) or isinstance(self.container, list):
            return self.out
        return tuple(self.out)


def _restore_type(original: Any, text: str, out: str) -> Any:
    """Keep the leaf's type where the transformed text still fits it."""
    if out == text or isinstance(original, str):
        return original if out == text else out
    if isinstance(original, int) and not isinstance(original, bool):
        if out.isascii() and out.isdigit() and (out[0] != "0" or out == "0"):
            return int(out)
        return out
    if isinstance(original, float):
        try:
            return float(out)
        except ValueError:
            return out
    if isinstance(original, dt.datetime):
        try:
            return dt.datetime.fromisoformat(out)
        except ValueError:
            return out
    if isinstance(original, dt.date):
        try:
            return dt.date.fromisoformat(out)
        except ValueError:
            return out
    return out


_MASKER: Deidentifier | None = None


def _masker() -> Deidentifier:
    global _MASKER
    if _MASKER is None:
        _MASKER = Deidentifier({}, default=Mask())
    return _MASKER


def mask_text(text: str) -> str:
    """Default Chinese display masking of every finding in ``text``."""
    return _masker().text(text)


def mask_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """Default display masking of a record: values, nested text, and name-classified fields."""
    return _masker().record(record)
