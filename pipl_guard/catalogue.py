"""Entity catalogue: the identifiers and categories pipl_guard knows, as data.

The catalogue is read from ``data/entities.toml``; nothing about an entity is hard-coded elsewhere.

>>> from pipl_guard.catalogue import CATALOGUE
>>> CATALOGUE["BANK_CARD"].art28
'financial_account'
>>> CATALOGUE["CN_MOBILE"].is_sensitive()
False
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Art28Class = Literal[
    "biometric",
    "religious_belief",
    "specific_identity",
    "medical_health",
    "financial_account",
    "whereabouts",
    "minor",
]

ART28_LABELS: dict[str, tuple[str, str]] = {
    "biometric": ("生物识别", "biometrics"),
    "religious_belief": ("宗教信仰", "religious belief"),
    "specific_identity": ("特定身份", "specific identity"),
    "medical_health": ("医疗健康", "medical health"),
    "financial_account": ("金融账户", "financial account"),
    "whereabouts": ("行踪轨迹", "whereabouts"),
    "minor": ("不满十四周岁未成年人的个人信息", "PI of a minor under 14"),
}


class EntityInfo(BaseModel):
    """One catalogue entry (see ``data/entities.toml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name_zh: str
    name_en: str
    sensitive: bool
    sensitive_if_strict: bool = False
    art28: Art28Class | None = None
    identifier: bool = True
    base_score: float = Field(ge=0, le=1)
    mask: dict[str, Any]
    context: tuple[str, ...] = ()

    def is_sensitive(self, *, strict_identity: bool = False) -> bool:
        """Sensitive under PIPL Art. 28; ``strict_identity`` applies GB/T 35273 Annex B to ID numbers."""
        return self.sensitive or (strict_identity and self.sensitive_if_strict)

    def category(self, *, strict_identity: bool = False) -> str | None:
        """The Art. 28 class when the entity counts as sensitive, else ``None``."""
        return self.art28 if self.is_sensitive(strict_identity=strict_identity) else None


@cache
def _load() -> dict[str, EntityInfo]:
    raw = tomllib.loads(resources.files("pipl_guard.data").joinpath("entities.toml").read_text("utf-8"))
    return {key: EntityInfo(id=key, **value) for key, value in raw.items()}


CATALOGUE: dict[str, EntityInfo] = _load()
ENTITY_IDS: tuple[str, ...] = tuple(CATALOGUE)


def entity(entity_id: str) -> EntityInfo:
    """Look up one entity; unknown IDs raise ``InputError``."""
    try:
        return CATALOGUE[entity_id]
    except KeyError:
        from pipl_guard.errors import InputError

        raise InputError(f"unknown entity ID {entity_id!r}; known: {', '.join(ENTITY_IDS)}") from None
