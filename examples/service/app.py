"""A guarded customer service: PI field types, masked logs, and ``Guard.enforce`` before every write.

Run it (needs the ``service`` extra: ``pip install 'pipl_guard[service]' uvicorn``)::

    export PIPL_GUARD_KEY=$(python -c "import secrets; print(secrets.token_hex(32))")
    uvicorn examples.service.app:app

    curl -X POST localhost:8000/customers -H 'content-type: application/json' -d '{"name": "张伟",
      "id_number": "11010519491231002X", "phone": "+86 138 1234 5678", "consent": {"basic": true}}'
    # -> {"id":1,"name":"张*","id_number":"110105********002X","phone":"138****5678","is_minor":false}

What each piece does:

* ``CustomerIn`` validates the ID's check digit, region and birth date and the mobile's prefix; a bad
  value is a 422 naming the field and the reason, never echoing the value.
* ``Guard.enforce`` applies the policy (``policy.yaml``): consent present (PIPL Art. 13), only the listed
  entities (Art. 6), guardian consent for a child under 14 (Art. 31), and the destination's required
  transforms: the ID is stored as a keyed hash, the mobile masked. A refusal is a 403 with the rule codes.
* ``pipl_guard.logging.install()`` masks whatever the code logs, including the raw values below.
* Responses are the PI types, whose JSON is masked.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field

import pipl_guard as pg
import pipl_guard.logging
from pipl_guard.types import CNMobile, PersonName, ResidentID

HERE = Path(__file__).resolve().parent
log = logging.getLogger("customers")


class Consent(BaseModel):
    """Consent facts as the policy's ``consent.field`` expects them."""

    basic: bool = False
    separate: list[str] = Field(default_factory=list)
    guardian: bool = False
    withdrawn: bool = False


class CustomerIn(BaseModel):
    name: PersonName
    id_number: ResidentID
    phone: CNMobile
    consent: Consent = Field(default_factory=Consent)


class CustomerOut(BaseModel):
    id: int
    name: PersonName
    id_number: ResidentID
    phone: CNMobile
    is_minor: bool


SCHEMA = """create table if not exists customers (
    id integer primary key, name text not null, id_number text not null, phone text not null,
    created_at text not null)"""


def create_app(
    db_path: str | Path = "customers.db",
    *,
    policy: str | Path = HERE / "policy.yaml",
    key: pg.Key | None = None,
) -> FastAPI:
    """The app; ``key`` (for the ID hashes) defaults to the ``PIPL_GUARD_KEY`` environment variable."""
    pipl_guard.logging.install()  # root logger and its handlers: every module's records are masked
    guard = pg.Guard(policy, keys=key or pg.Key.from_env("PIPL_GUARD_KEY", id="customers"))
    db = sqlite3.connect(str(db_path), check_same_thread=False)
    db.execute(SCHEMA)
    lock = threading.Lock()
    app = FastAPI(title="customers (pipl_guard example)")

    @app.post("/customers", status_code=201)
    def create_customer(customer: CustomerIn) -> CustomerOut:
        today = dt.date.today()
        # the one place the full values are taken out, to hand them to the guard
        record: dict[str, Any] = customer.model_dump(context={"pipl": "reveal"})
        record["created_at"] = today.isoformat()
        try:
            (stored,) = guard.enforce([record], pg.Action("store", "onboarding", "customer-db", at=today))
        except pg.PolicyViolation as exc:
            # the raw mobile is logged on purpose: the filter masks it. A bare name has no pattern the
            # scanner can trust without a cue word, so names are logged through their type (masked).
            log.warning("refused customer %s (%s): %s", customer.name, record["phone"], exc)
            violations = exc.decision.violations
            raise HTTPException(
                status_code=403,
                detail=[{"code": i.code, "article": i.article, "message": i.message_en} for i in violations],
            ) from None
        with lock, db:
            cur = db.execute(
                "insert into customers (name, id_number, phone, created_at) values (?, ?, ?, ?)",
                (stored["name"], stored["id_number"], stored["phone"], stored["created_at"]),
            )
        row_id = int(cur.lastrowid or 0)
        log.info("stored customer %d: %s, id %s, phone %s", row_id, customer.name, record["id_number"], record["phone"])
        return CustomerOut(
            id=row_id,
            name=customer.name,
            id_number=customer.id_number,
            phone=customer.phone,
            is_minor=customer.id_number.is_minor,
        )

    app.state.db = db
    app.state.guard = guard
    return app


def __getattr__(name: str) -> Any:
    # ``uvicorn examples.service.app:app`` builds the app on first access, so importing this module
    # (in tests) needs no key in the environment
    if name == "app":
        logging.basicConfig(level=logging.INFO)
        return create_app()
    raise AttributeError(name)
