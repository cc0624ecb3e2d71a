"""pipl_guard.logging: no generated PI value survives into captured log output; no record is lost."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from svc_strategies import bank_cards, emails, mobiles, resident_ids, typed_forms

import pipl_guard.logging as pglog
from pipl_guard.detect.scanner import scan_spans
from pipl_guard.testing.strategies import chinese_text_with_pi

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)

NUMBERS = st.one_of(resident_ids().map(lambda t: t[0]), mobiles(), bank_cards())
PI_VALUES = st.one_of(NUMBERS, emails())
# (canonical value, the way a user typed it: full-width, grouped with spaces or dashes, padded)
TYPED = NUMBERS.flatmap(lambda v: st.tuples(st.just(v), typed_forms(v)))
# ordinary log text around the value: words and short numbers, separated from the value by spaces
FILLER = st.text(alphabet="abcdefgh xyz=:/_-.0123", max_size=30).map(lambda s: s.strip(" -.:0123456789"))


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def capture() -> Iterator[tuple[logging.Logger, io.StringIO, _ListHandler]]:
    """A parent logger with two handlers and the filter installed; tests log on a *child* logger."""
    parent = logging.getLogger("svc_test_app")
    parent.setLevel(logging.DEBUG)
    parent.propagate = False
    stream = io.StringIO()
    text_handler = logging.StreamHandler(stream)
    text_handler.setFormatter(
        logging.Formatter("%(levelname)s %(name)s %(message)s | %(customer)s | %(payload)s")
    )
    json_handler = _ListHandler()
    parent.addHandler(text_handler)
    parent.addHandler(json_handler)
    pglog.install(parent)
    try:
        yield parent.getChild("orders.db"), stream, json_handler
    finally:
        pglog.uninstall(parent)
        parent.removeHandler(text_handler)
        parent.removeHandler(json_handler)


def _everything(stream: io.StringIO, handler: _ListHandler) -> str:
    """The text output plus every attribute a structured handler could serialise."""
    parts = [stream.getvalue()]
    for record in handler.records:
        parts.append(json.dumps({k: repr(v) for k, v in vars(record).items()}, ensure_ascii=False))
        parts.append(record.getMessage())
    return "\n".join(parts)


@SETTINGS
@given(value=PI_VALUES, before=FILLER, after=FILLER)
def test_no_pi_survives_any_message_form(
    capture: tuple[logging.Logger, io.StringIO, _ListHandler], value: str, before: str, after: str
) -> None:
    log, stream, handler = capture
    stream.seek(0)
    stream.truncate()
    handler.records.clear()
    extra = {"customer": value, "payload": {"contact": [value], "n": 1}}
    log.info("%s %s %s", before, value, after, extra=extra)  # %-style args
    log.info(f"{before} {value} {after}", extra=extra)  # an f-string, already formatted
    log.warning("%(who)s called", {"who": value}, extra=extra)  # mapping args
    log.info({"contact": value}, extra=extra)  # a non-string message
    log.info("bad format %d %s", value, extra=extra)  # a %-formatting error
    try:
        raise ValueError(f"lookup failed for {value}")
    except ValueError:
        log.exception("lookup %s", before, extra=extra)  # exc_info
    log.error("with stack", stack_info=True, extra=extra)
    assert len(handler.records) == 7  # nothing dropped
    out = _everything(stream, handler)
    assert value not in out
    assert "lookup failed for" in out  # the exception text is still there, masked


@SETTINGS
@given(pair=TYPED)
def test_typed_forms_are_masked_too(
    capture: tuple[logging.Logger, io.StringIO, _ListHandler], pair: tuple[str, str]
) -> None:
    value, typed = pair
    log, stream, handler = capture
    stream.seek(0)
    stream.truncate()
    handler.records.clear()
    log.info("客户联系方式 %s。", typed, extra={"customer": typed, "payload": [typed]})
    out = _everything(stream, handler)
    assert typed.strip() not in out
    assert value not in out


def test_extra_fields_of_all_kinds(capture: tuple[logging.Logger, io.StringIO, _ListHandler]) -> None:
    log, stream, handler = capture
    log.info(
        "created",
        extra={"customer": 13812345678, "payload": ("11010519491231002X", {"email": "zhangsan@example.com"})},
    )
    out = _everything(stream, handler)
    for raw in ("13812345678", "11010519491231002X", "zhangsan@example.com"):
        assert raw not in out
    assert "138****5678" in out and "110105********002X" in out
    # ordinary values keep their type
    log.info("count", extra={"customer": 42, "payload": None})
    assert handler.records[-1].customer == 42  # type: ignore[attr-defined]


class _Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no")

    __repr__ = __str__


def test_never_raises_and_never_drops(capture: tuple[logging.Logger, io.StringIO, _ListHandler]) -> None:
    log, stream, handler = capture
    huge = "x" * 500_000 + " 13812345678 " + "y" * 500_000
    log.info("huge %s", huge, extra={"customer": 1, "payload": 2})
    log.info("missing %s %s", "only one", extra={"customer": 1, "payload": 2})
    log.info(_Unprintable(), extra={"customer": _Unprintable(), "payload": 2})
    log.info("%s", _Unprintable(), extra={"customer": 1, "payload": 2})
    log.info(None, extra={"customer": 1, "payload": 2})
    assert len(handler.records) == 5
    assert "13812345678" not in stream.getvalue()
    assert "138****5678" in handler.records[0].getMessage()


def test_masking_failure_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "phone %s", ("13812345678",), None)
    record.customer = "13812345678"

    def broken(text: str) -> str:
        raise RuntimeError("scanner down")

    assert pglog.PIFilter(masker=broken).filter(record) is True
    assert "13812345678" not in record.getMessage()
    assert record.customer == pglog.WITHHELD  # type: ignore[attr-defined]


def test_root_install_covers_child_loggers() -> None:
    root = logging.getLogger()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.INFO)
    # a library logger with its own handler that does not propagate (like uvicorn.access)
    isolated = logging.getLogger("svc_test_isolated")
    isolated.propagate = False
    own_stream = io.StringIO()
    own_handler = logging.StreamHandler(own_stream)
    isolated.addHandler(own_handler)
    flt = pglog.install()
    try:
        assert pglog.install() is flt  # idempotent
        assert flt in root.filters and flt in handler.filters and flt in own_handler.filters
        logging.getLogger("some.deep.child").info("手机号 %s", "13812345678")
        isolated.warning("id %s", "11010519491231002X")
        assert "138****5678" in stream.getvalue()
        assert "13812345678" not in stream.getvalue()
        assert own_stream.getvalue() == "id 110105********002X\n"
    finally:
        pglog.uninstall()
        root.removeHandler(handler)
        isolated.removeHandler(own_handler)
        root.setLevel(old_level)
    assert not any(isinstance(f, pglog.PIFilter) for f in root.filters + handler.filters + own_handler.filters)


ASCII_NOISE = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ABCDEFXYZ=:/_-.,0123456789", max_size=40)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(ASCII_NOISE, PI_VALUES, st.sampled_from(["wechat: zhangsan_x", "Gender: F", "dob 1990/1/2",
       "mac 00:1a:2b:3c:4d:5e", "10.1.2.3", "lat=39.9042, lng=116.4074", "LSVAU2180N2183294"])), max_size=4))
def test_prefilter_never_hides_a_finding(parts: list[str]) -> None:
    text = " ".join(parts)
    if not pglog.might_hold_pi(text):
        assert scan_spans(text) == []
        assert pglog.mask_text(text) == text


@pytest.mark.parametrize(
    "text",
    ["GET /api/orders/42 completed in 35 ms", "user logged out", "hostname=web-3 username=admin", "retry 3 of 5"],
)
def test_prefilter_skips_ordinary_lines(text: str) -> None:
    assert pglog.might_hold_pi(text) is False
    assert scan_spans(text) == []


def test_structlog_processor() -> None:
    try:
        raise KeyError("11010519491231002X")
    except KeyError as exc:
        event: dict[str, Any] = {"event": "lookup 13812345678", "user": {"phone": "13812345678"}, "exc_info": exc}
        out = pglog.structlog_processor(None, "error", event)
    text = repr(out)
    assert "13812345678" not in text and "11010519491231002X" not in text
    assert "exc_info" not in out and "KeyError" in out["exception"]
    assert out["user"] == {"phone": "138****5678"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(sample=chinese_text_with_pi())
def test_public_strategy_prose_is_masked_in_logs(
    capture: tuple[logging.Logger, io.StringIO, _ListHandler], sample: tuple[str, list[tuple[str, int, int]]]
) -> None:
    """Chinese prose from ``pipl_guard.testing.strategies``, logged as an argument: no true PI span survives."""
    text, spans = sample
    log, stream, handler = capture
    stream.seek(0)
    stream.truncate()
    handler.records.clear()
    log.info("备注：%s", text, extra={"customer": None, "payload": None})
    out = _everything(stream, handler)
    for _entity, start, end in spans:
        if end - start >= 6:  # short values (性别 男) may occur elsewhere in the prose
            assert text[start:end] not in out
