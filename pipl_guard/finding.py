"""``Finding``: one piece of personal information found in text or in a record field.

>>> from pipl_guard import scan_text
>>> f = scan_text("身份证号11010519491231002X。")[0]
>>> (f.entity, f.start, f.end, f.attributes["gender"])
('CN_RESIDENT_ID', 4, 22, 'female')
>>> "11010519491231002X" in repr(f)
False
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


def redact_for_display(value: str) -> str:
    """A short, non-revealing rendering of a value for reprs and logs: at most 2 chars of each end."""
    n = len(value)
    if n <= 4:
        return "*" * n
    keep = 1 if n <= 8 else 2
    return value[:keep] + "*" * (n - 2 * keep) + value[-keep:]


class Finding(BaseModel):
    """A span of personal information.

    ``start``/``end`` are Python ``str`` indices into the scanned text (for a record: into the field's
    string value), so ``text[start:end] == finding.text`` always holds. ``repr`` never shows the full value.
    """

    model_config = ConfigDict(extra="forbid")

    entity: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    score: float = Field(ge=0.0, le=1.0)
    detector: str
    path: str | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)

    def __repr__(self) -> str:
        where = f", path={self.path!r}" if self.path is not None else ""
        return (
            f"Finding(entity={self.entity!r}, start={self.start}, end={self.end}, "
            f"text={redact_for_display(self.text)!r}, score={self.score:.2f}, detector={self.detector!r}{where})"
        )

    __str__ = __repr__

    def __rich_repr__(self) -> Any:  # pragma: no cover - rich integration
        yield "entity", self.entity
        yield "start", self.start
        yield "end", self.end
        yield "text", redact_for_display(self.text)
        yield "score", round(self.score, 2)


_SET_DICT = object.__setattr__
_FIELDS_SET = frozenset(Finding.model_fields)


def make_finding(
    entity: str,
    start: int,
    end: int,
    text: str,
    score: float,
    detector: str,
    path: str | None,
    attributes: dict[str, Any],
) -> Finding:
    """Build a ``Finding`` from values the scanner already checked, without validation.

    ``model_construct`` costs several microseconds per call; the scanner builds one Finding per hit,
    so it sets the instance state directly (the same state ``model_construct`` produces).
    """
    f = Finding.__new__(Finding)
    _SET_DICT(
        f,
        "__dict__",
        {
            "entity": entity,
            "start": start,
            "end": end,
            "text": text,
            "score": score,
            "detector": detector,
            "path": path,
            "attributes": attributes,
        },
    )
    _SET_DICT(f, "__pydantic_fields_set__", set(_FIELDS_SET))
    _SET_DICT(f, "__pydantic_extra__", None)
    _SET_DICT(f, "__pydantic_private__", None)
    return f
