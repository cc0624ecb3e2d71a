"""Shared builders for the policy tests: a base policy, valid resident IDs, records."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pipl_guard as pg
from pipl_guard.detect.resident_id import check_character

AT = dt.date(2026, 6, 15)

BASE: dict[str, Any] = {
    "organization": {"name": "Test Co.", "ciio": False, "individuals_held": 1000, "officer_reported": True},
    "purposes": [
        {
            "id": "crm",
            "legal_basis": "consent",
            "entities": ["PERSON_NAME", "CN_RESIDENT_ID", "CN_MOBILE", "HEALTH"],
            "pipia": True,
        },
        {"id": "ship", "legal_basis": "contract", "entities": ["PERSON_NAME", "CN_RESIDENT_ID", "CN_MOBILE"], "pipia": True},
        {"id": "duty", "legal_basis": "legal_duty", "entities": ["PERSON_NAME", "CN_RESIDENT_ID", "CN_MOBILE", "HEALTH"], "pipia": True},
    ],
    "destinations": [
        {"id": "db", "kind": "storage", "authentication": True, "encryption_at_rest": True},
        {"id": "partner", "kind": "third_party", "authentication": True, "encryption_at_rest": True},
        {"id": "vendor", "kind": "entrusted", "contract": True, "authentication": True, "encryption_at_rest": True},
        {"id": "web", "kind": "public"},
        {
            "id": "abroad",
            "kind": "cross_border",
            "country": "SG",
            "mechanism": "none",
            "authentication": True,
            "encryption_at_rest": True,
        },
    ],
}

FULL_CONSENT = {"basic": True, "separate": ["sensitive", "provide", "disclose", "cross_border"], "guardian": True}


def rid(birth: dt.date = dt.date(1980, 5, 17), seq: int = 123, region: str = "110105") -> str:
    """A valid 18-digit resident ID for the birth date and sequence number."""
    body = f"{region}{birth:%Y%m%d}{seq % 1000:03d}"
    return body + check_character(body)


def person(i: int, *, birth: dt.date = dt.date(1980, 5, 17), consent: Any = None, health: bool = False) -> dict[str, Any]:
    """Record of individual ``i`` (distinct resident ID per ``i``)."""
    b = birth + dt.timedelta(days=i // 1000)
    rec: dict[str, Any] = {"sfzh": rid(b, i % 1000)}
    if health:
        rec["diagnosis"] = "糖尿病"
    rec["consent"] = FULL_CONSENT if consent is None else consent
    return rec


def make_policy(**changes: Any) -> pg.Policy:
    """The base policy with dotted-path changes, e.g. ``make_policy(**{"organization.ciio": True})``."""
    data = copy.deepcopy(BASE)
    for dotted, value in changes.items():
        cur: Any = data
        parts = dotted.split(".")
        for p in parts[:-1]:
            cur = cur[int(p)] if isinstance(cur, list) else cur[p]
        last = parts[-1]
        if isinstance(cur, list):
            cur[int(last)] = value
        else:
            cur[last] = value
    return pg.Policy.model_validate(data)


def dest_index(dest_id: str) -> int:
    return [d["id"] for d in BASE["destinations"]].index(dest_id)


def purpose_index(purpose_id: str) -> int:
    return [p["id"] for p in BASE["purposes"]].index(purpose_id)


def violations(d: pg.Decision) -> set[str]:
    return {i.code for i in d.violations}


def obligations(d: pg.Decision) -> set[str]:
    return {i.code for i in d.obligations}


def notes(d: pg.Decision) -> set[str]:
    return {i.code for i in d.notes}
