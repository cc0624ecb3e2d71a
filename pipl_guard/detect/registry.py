"""The detector registry: the one list the scanner reads.

Adding an identifier means adding one module under ``pipl_guard/detect/`` (with ``ENTITIES``, ``find``,
``is_valid`` and, where it applies, ``parse``) and one line here. Order is priority: when two detectors
claim the same span with the same score, the earlier one wins (a valid resident ID beats a Luhn-valid
card of the same 18 digits).

>>> "pipl_guard.detect.resident_id" in DETECTOR_MODULES
True
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache
from types import ModuleType

DETECTOR_MODULES: tuple[str, ...] = (
    "pipl_guard.detect.resident_id",
    "pipl_guard.detect.foreigner_pr_id",
    "pipl_guard.detect.mobile",
    "pipl_guard.detect.uscc",
    "pipl_guard.detect.bank_card",
    "pipl_guard.detect.landline",
    "pipl_guard.detect.imei",
    "pipl_guard.detect.passport",
    "pipl_guard.detect.hmt_permit",
    "pipl_guard.detect.hk_mo_tw_id",
    "pipl_guard.detect.vin",
    "pipl_guard.detect.license_plate",
    "pipl_guard.detect.email",
    "pipl_guard.detect.ip_address",
    "pipl_guard.detect.mac_address",
    "pipl_guard.detect.geo",
    "pipl_guard.detect.im_account",
    "pipl_guard.detect.person_name",
    "pipl_guard.detect.address",
    "pipl_guard.detect.date_of_birth",
    "pipl_guard.detect.ethnicity",
    "pipl_guard.detect.religion",
    "pipl_guard.detect.gender",
    "pipl_guard.detect.photo_url",
    "pipl_guard.detect.health",
    "pipl_guard.detect.biometric",
)


@cache
def detectors() -> tuple[ModuleType, ...]:
    """The detector modules, imported once, in priority order."""
    return tuple(importlib.import_module(name) for name in DETECTOR_MODULES)


@cache
def detector_for(entity_id: str) -> ModuleType | None:
    """The first detector module that emits ``entity_id`` (used to validate bare field values)."""
    for mod in detectors():
        if entity_id in mod.ENTITIES:
            return mod
    return None


@cache
def priority(module_name: str) -> int:
    return DETECTOR_MODULES.index(module_name)


@cache
def value_validator(entity_id: str) -> Callable[[str], bool] | None:
    """Validator for a bare value of ``entity_id`` (a field value, a pydantic type).

    Modules that emit several entities expose ``VALIDATORS: dict[entity, callable]``; others ``is_valid``.
    """
    mod = detector_for(entity_id)
    if mod is None:
        return None
    table = getattr(mod, "VALIDATORS", None)
    if table is not None:
        return table.get(entity_id)
    return mod.is_valid
