"""The guarded FastAPI example: no full ID or mobile in responses, logs or the database."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import logging
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from stdnum.cn.ric import calc_check_digit
from svc_strategies import mobiles, names, resident_ids

import pipl_guard as pg
import pipl_guard.logging as pglog
from pipl_guard.transform.masks import mask_value

APP_FILE = Path(__file__).resolve().parents[2] / "examples" / "service" / "app.py"
SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)


def _load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pipl_guard_service_example", APP_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # pydantic resolves the models' annotations through sys.modules
    spec.loader.exec_module(module)
    return module


class Service:
    def __init__(self, client: TestClient, db: Path, logs: io.StringIO) -> None:
        self.client, self.db, self.logs = client, db, logs

    def rows(self) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.db) as con:
            return con.execute("select * from customers").fetchall()

    def everything(self) -> str:
        """Response-independent evidence: the log output, every row, and the raw database file."""
        return "\n".join([self.logs.getvalue(), repr(self.rows()), self.db.read_bytes().decode("latin-1")])


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    root = logging.getLogger()
    logs = io.StringIO()
    handler = logging.StreamHandler(logs)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.INFO)
    db = tmp_path / "customers.db"
    app = _load_example().create_app(db, key=pg.Key(b"k" * 32, id="test"))
    try:
        with TestClient(app) as client:
            yield Service(client, db, logs)
    finally:
        app.state.db.close()
        pglog.uninstall()
        root.removeHandler(handler)
        root.setLevel(old_level)


def _post(service: Service, **body: Any) -> Any:
    return service.client.post("/customers", json=body)


@SETTINGS
@given(person=resident_ids(min_age=18), phone=mobiles(), name=names())
def test_stored_customer_leaks_nothing(service: Service, person: tuple[str, dt.date, str], phone: str, name: str) -> None:
    number = person[0]
    before = len(service.rows())
    typed_phone = f"+86 {phone[:3]} {phone[3:7]} {phone[7:]}"
    resp = _post(service, name=name, id_number=number, phone=typed_phone, consent={"basic": True})
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["id_number"] == mask_value(number, "CN_RESIDENT_ID")
    assert body["phone"] == mask_value(phone, "CN_MOBILE")
    assert body["is_minor"] is False
    rows = service.rows()
    assert len(rows) == before + 1
    _id, stored_name, stored_id, stored_phone, _created = rows[-1]
    assert stored_name == name  # the policy requires no transform for names
    assert stored_phone == mask_value(phone, "CN_MOBILE")
    assert stored_id and stored_id != number
    for text in (resp.text, service.everything()):
        assert number not in text
        assert phone not in text
    # the name is stored as is (no transform required), but shown and logged masked
    assert name not in resp.text and name not in service.logs.getvalue()
    assert body["name"] == mask_value(name, "PERSON_NAME")
    assert "stored customer" in service.logs.getvalue()


def test_same_id_hashes_the_same(service: Service) -> None:
    for phone in ("13812345678", "13912345678"):
        assert _post(service, name="张伟", id_number="11010519491231002X", phone=phone, consent={"basic": True}).status_code == 201
    ids = {row[2] for row in service.rows()}
    assert len(ids) == 1  # a keyed hash: joinable, not reversible


def test_child_without_guardian_consent_is_refused(service: Service) -> None:
    today = dt.date.today()
    body = f"110105{today.year - 6}0101123"
    child = body + calc_check_digit(body + "0")
    resp = _post(service, name="李娜", id_number=child, phone="13812345678", consent={"basic": True})
    assert resp.status_code == 403
    assert "PIPL-31" in {d["code"] for d in resp.json()["detail"]}
    assert service.rows() == []
    out = resp.text + service.everything()
    assert child not in out and "13812345678" not in out
    assert "refused customer" in service.logs.getvalue()
    ok = _post(service, name="李娜", id_number=child, phone="13812345678", consent={"basic": True, "guardian": True})
    # all PI of a child under 14 is sensitive (PIPL Art. 28): separate consent is needed too (Art. 29)
    assert ok.status_code == 403
    assert {d["code"] for d in ok.json()["detail"]} == {"PIPL-29"}
    consent = {"basic": True, "guardian": True, "separate": ["sensitive"]}
    ok = _post(service, name="李娜", id_number=child, phone="13812345678", consent=consent)
    assert ok.status_code == 201 and ok.json()["is_minor"] is True


def test_missing_consent_is_refused(service: Service) -> None:
    resp = _post(service, name="张伟", id_number="11010519491231002X", phone="13812345678")
    assert resp.status_code == 403
    assert "PIPL-13" in {d["code"] for d in resp.json()["detail"]}
    assert service.rows() == []


@pytest.mark.parametrize(
    "field,value,reason",
    [("id_number", "110105194912310021", "check digit"), ("phone", "15412345678", "prefix"), ("id_number", "1101051949", "length")],
)
def test_bad_values_are_422_without_the_value(service: Service, field: str, value: str, reason: str) -> None:
    body = {"name": "张伟", "id_number": "11010519491231002X", "phone": "13812345678", "consent": {"basic": True}}
    body[field] = value
    resp = service.client.post("/customers", json=body)
    assert resp.status_code == 422
    assert value not in resp.text
    detail = resp.json()["detail"][0]
    assert detail["loc"][-1] == field and reason in detail["msg"]
    assert value not in service.everything()


def test_openapi_schema_builds(service: Service) -> None:
    schema = service.client.get("/openapi.json").json()
    assert "/customers" in schema["paths"]
