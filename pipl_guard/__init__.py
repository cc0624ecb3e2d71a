"""pipl_guard: find Chinese personal information, transform it, and decide under PIPL.

>>> import pipl_guard as pg
>>> [f.entity for f in pg.scan_text("手机13812345678")]
['CN_MOBILE']
"""

from __future__ import annotations

import importlib
from typing import Any

from pipl_guard.catalogue import CATALOGUE, ENTITY_IDS, EntityInfo
from pipl_guard.detect.scanner import scan_text
from pipl_guard.errors import (
    CryptoError,
    InputError,
    KeyMaterialError,
    LedgerError,
    PiplGuardError,
    PolicyError,
    PolicyViolation,
    VaultError,
)
from pipl_guard.finding import Finding

__version__ = "0.1.0"

# Heavier parts load on first use, so ``import pipl_guard`` stays fast and optional extras stay optional.
_LAZY: dict[str, str] = {
    "scan_record": "pipl_guard.record",
    "profile": "pipl_guard.record",
    "Profile": "pipl_guard.record",
    "FieldProfile": "pipl_guard.record",
    "mask_text": "pipl_guard.transform.deidentifier",
    "mask_record": "pipl_guard.transform.deidentifier",
    "Deidentifier": "pipl_guard.transform.deidentifier",
    "Key": "pipl_guard.transform.keys",
    "KeyRing": "pipl_guard.transform.keys",
    "open_vault": "pipl_guard.transform.vault",
    "Policy": "pipl_guard.policy.models",
    "Action": "pipl_guard.policy.models",
    "Decision": "pipl_guard.policy.models",
    "Issue": "pipl_guard.policy.models",
    "Guard": "pipl_guard.policy.guard",
    "Ledger": "pipl_guard.policy.ledger",
    "guarded": "pipl_guard.policy.guard",
    "risk": "pipl_guard.report.risk",
    "RiskReport": "pipl_guard.report.risk",
}
_SUBMODULES = {"ops", "io", "frames", "spark", "types", "logging", "synth", "testing", "errors", "catalogue"}

__all__ = [
    "CATALOGUE",
    "ENTITY_IDS",
    # loaded on first use (see _LAZY)
    "Action",
    "CryptoError",
    "Decision",
    "Deidentifier",
    "EntityInfo",
    "FieldProfile",
    "Finding",
    "Guard",
    "InputError",
    "Issue",
    "Key",
    "KeyMaterialError",
    "KeyRing",
    "Ledger",
    "LedgerError",
    "PiplGuardError",
    "Policy",
    "PolicyError",
    "PolicyViolation",
    "Profile",
    "RiskReport",
    "VaultError",
    "guarded",
    "mask_record",
    "mask_text",
    "open_vault",
    "profile",
    "risk",
    "scan_record",
    "scan_text",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        module = importlib.import_module(f"pipl_guard.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'pipl_guard' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | _SUBMODULES)

