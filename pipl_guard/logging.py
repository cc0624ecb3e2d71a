"""A logging filter that masks personal information before any handler sees a record.

One line turns it on for a service::

    import pipl_guard.logging
    pipl_guard.logging.install()            # root logger and its handlers; or install("myapp")

Every record then has its message (``msg`` formatted with ``args``), its ``extra`` fields, its exception
traceback and its stack text masked with the default display masks (``138****5678``,
``110105********002X``): the same masks as ``pg.mask_text``. The filter never raises and never drops a
record: a message whose ``%`` formatting fails is logged with its masked template and masked arguments, and
if masking itself fails the message is withheld (fail closed) but the record still goes out.

>>> import logging, io
>>> stream = io.StringIO()
>>> log = logging.getLogger("doctest.pipl")
>>> handler = logging.StreamHandler(stream)
>>> log.addHandler(handler)
>>> log.propagate = False
>>> _ = install(log)
>>> log.warning("客户 %s 手机 %s", "张三", "13812345678")
>>> stream.getvalue()
'客户 张* 手机 138****5678\\n'

Propagation caveat (how the standard library works, not a choice of this module): a filter on a *logger*
only sees records logged on that very logger; records from child loggers (``myapp.db``) propagate to the
parent's *handlers* without passing the parent's logger filters. ``install`` therefore attaches the filter to
the logger **and to each of its current handlers** (for the root logger: to the handlers of every existing
logger, so ``propagate=False`` loggers with handlers of their own are covered too). Handlers added later are
not covered: call ``install`` again after configuring logging, or name ``pipl_guard.logging.PIFilter`` in
``dictConfig``'s ``filters`` and list it on each handler.

Cost: a cheap prefilter skips text that cannot hold a finding (ASCII with no run of five digits, no ``@``,
no address-like shape and no cue word); only the rest goes through the scanner. See ``benchmarks/log_filter.py``.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import traceback
from collections.abc import Callable, Mapping, MutableMapping
from functools import cache
from typing import Any

__all__ = ["PIFilter", "install", "mask_text", "might_hold_pi", "structlog_processor", "uninstall"]

#: attribute set on a record once masked (a record may meet the filter on a logger and on handlers)
MARK = "pipl_guard_masked"
WITHHELD = "[pipl_guard: withheld, masking failed]"

_PLAIN_RECORD_SIZE = len(vars(logging.LogRecord("", 0, "", 0, "", (), None)))
_STANDARD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",
    MARK,
}

# The prefilter answers "can the scanner find anything here?" with a few C-speed checks, cheapest first.
# Non-ASCII text (Chinese, full-width digits) and '@' always go to the scanner. In ASCII text every
# identifier but a handful carries a run of five digits; the rest have the shapes below (IP, MAC,
# coordinates, VIN) or need a cue word (WeChat IDs, gender, dates of birth, photo links ...), so the cue
# words of every detector (and the context words of MAC and GEO, whose weak candidates need them) count.
_DIGIT_SHAPES = re.compile(
    r"[0-9](?:(?:[ \-]?[0-9]){4}"  # five digits, maybe grouped: every numeric identifier
    r"|\.[0-9]{1,3}\.[0-9]"  # IPv4
    r"|\.[0-9]++ {0,3}[,;/ ] {0,3}[NSEWnsew+\-]?[0-9]{1,3}\.[0-9])"  # a coordinate pair (bounded spaces: linear)
)
_SEPARATED_HEX = re.compile(r"[:\-][0-9A-Fa-f]{1,4}[:\-]|::|\.[0-9A-Fa-f]{4}\.")  # IPv6, MAC (3 forms)
_VIN = re.compile(r"[A-HJ-NPR-Z0-9]{17}")
_CONTEXT_ENTITIES = ("MAC_ADDRESS", "GEO_COORDINATE")


@cache
def _cue_words() -> re.Pattern[str]:
    from pipl_guard.catalogue import CATALOGUE
    from pipl_guard.detect.base import trie_regex
    from pipl_guard.detect.registry import detectors

    words = {w.lower() for m in detectors() for w in getattr(m, "CUES", ()) if w.isascii()}
    for entity in _CONTEXT_ENTITIES:
        if entity in CATALOGUE:
            words.update(w.lower() for w in CATALOGUE[entity].context if w.isascii())
    return re.compile(trie_regex(words))


_CUE_RX: re.Pattern[str] | None = None


def _has_cue(lower: str) -> bool:
    global _CUE_RX
    rx = _CUE_RX
    if rx is None:
        rx = _CUE_RX = _cue_words()
    # a cue starts a word: "hostname" holds no cue "name" (checked here: a lookbehind slows the regex)
    m = rx.search(lower)
    while m is not None:
        s = m.start()
        if s == 0 or not lower[s - 1].isalpha():
            return True
        m = rx.search(lower, s + 1)
    return False


def might_hold_pi(text: str) -> bool:
    """The prefilter: ``False`` means the scanner cannot find anything in ``text``.

    >>> might_hold_pi("GET /orders/42 took 12 ms"), might_hold_pi("call 13812345678")
    (False, True)
    """
    if not text.isascii() or "@" in text:
        return True
    if _DIGIT_SHAPES.search(text) is not None:
        return True
    if ("-" in text or ":" in text or "." in text) and _SEPARATED_HEX.search(text) is not None:
        return True
    lower = text.lower()
    if lower != text and len(text) >= 17 and _VIN.search(text) is not None:
        return True
    return _has_cue(lower)


def mask_text(text: str) -> str:
    """``text`` with every finding replaced by its default display mask (prefiltered ``pg.mask_text``).

    >>> mask_text("手机：138 1234 5678，邮箱 zhangsan@example.com")
    '手机：138 **** 5678，邮箱 z*******@example.com'
    """
    if not might_hold_pi(text):
        return text
    return _mask_spans(text)


def _mask_spans(text: str) -> str:
    from pipl_guard.detect.scanner import scan_spans
    from pipl_guard.transform.masks import mask_value

    spans = scan_spans(text)
    if not spans:
        return text
    parts: list[str] = []
    pos = 0
    for _score, span, _det in spans:
        parts.append(text[pos : span.start])
        parts.append(mask_value(text[span.start : span.end], span.entity))
        pos = span.end
    parts.append(text[pos:])
    return "".join(parts)


def _mask_value(value: Any, mask: Callable[[str], str] = mask_text, depth: int = 0) -> Any:
    """Mask strings; walk dicts, lists, tuples and sets; render other objects only when they hold PI."""
    if isinstance(value, str):
        return mask(value)
    if value is None or isinstance(value, bool | float):
        return value
    if depth > 20:
        return WITHHELD
    if isinstance(value, Mapping):
        return {_mask_value(k, mask, depth + 1): _mask_value(v, mask, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_mask_value(v, mask, depth + 1) for v in value]
        return items if isinstance(value, list) else tuple(items) if isinstance(value, tuple) else set(items)
    # ints (a phone passed as a number), exceptions, models, any object: replaced by masked text only
    # when their text holds PI, so ordinary values keep their type for formatters
    text = _safe_str(value)
    masked = mask(text)
    return value if masked == text else masked


def _safe_str(value: object) -> str:
    try:
        return str(value)
    except Exception as exc:  # a broken __str__ must not break logging
        return f"<unprintable {type(value).__name__}: {type(exc).__name__}>"


def _safe_repr(value: object) -> str:
    try:
        return repr(value)
    except Exception as exc:
        return f"<unreprable {type(value).__name__}: {type(exc).__name__}>"


_EXC_FORMATTER = logging.Formatter()
_local = threading.local()


class PIFilter(logging.Filter):
    """Masks PI in a record's message, ``extra`` fields, exception and stack text, in place.

    The message is rendered once (``msg % args``) and stored masked in ``record.msg`` with empty
    ``args``: a later formatter sees only masked text, and a formatting error cannot leak the arguments
    through logging's error report. When an exception's text holds PI, the masked traceback goes to
    ``record.exc_text`` and ``record.exc_info`` is cleared, so no formatter can render the raw exception.

    ``name`` works as in ``logging.Filter``; the filter itself never rejects a record.
    """

    def __init__(self, name: str = "", *, masker: Callable[[str], str] | None = None) -> None:
        super().__init__(name)
        self._mask = masker or mask_text

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, MARK, False) or getattr(_local, "busy", False):
            # already masked, or a record pipl_guard itself logs while masking (never PI)
            return True
        _local.busy = True
        try:
            self._mask_record(record)
        except Exception as exc:
            _withhold(record, exc)
        finally:
            _local.busy = False
        return True

    def _mask_record(self, record: logging.LogRecord) -> None:
        mask = self._mask
        record.msg = mask(_render(record))
        record.args = ()
        attrs = vars(record)
        if len(attrs) > _PLAIN_RECORD_SIZE:  # only then can there be ``extra`` fields
            for key in attrs.keys() - _STANDARD_ATTRS:
                attrs[key] = _mask_value(attrs[key], mask)
        if record.exc_info and record.exc_info[0] is not None:
            text = record.exc_text or _EXC_FORMATTER.formatException(record.exc_info)
            masked = mask(text)
            if masked != text:
                record.exc_text = masked
                record.exc_info = None
        elif record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        setattr(record, MARK, True)


def _render(record: logging.LogRecord) -> str:
    """``record.getMessage()`` that cannot fail: a bad ``%`` format keeps the template and the arguments."""
    try:
        return record.getMessage()
    except Exception as exc:
        args = record.args
        shown = _safe_repr(args)
        if len(shown) > 10_000:
            shown = shown[:10_000] + "…"
        return f"{_safe_str(record.msg)} [unformattable log arguments ({type(exc).__name__}): {shown}]"


def _withhold(record: logging.LogRecord, exc: BaseException) -> None:
    """Fail closed: keep the record, drop everything that could hold PI."""
    record.msg = f"{WITHHELD} ({type(exc).__name__})"
    record.args = ()
    record.exc_info = None
    record.exc_text = None
    record.stack_info = None
    for key in list(vars(record)):
        if key not in _STANDARD_ATTRS:
            setattr(record, key, WITHHELD)
    setattr(record, MARK, True)


def _resolve(logger: logging.Logger | str | None) -> logging.Logger:
    if logger is None or isinstance(logger, str):
        return logging.getLogger(logger)
    return logger


def _handlers_to_cover(target: logging.Logger, everywhere: bool) -> list[logging.Handler]:
    handlers = list(target.handlers)
    if everywhere:
        # loggers that already exist and have handlers of their own (propagate=False ones included)
        for other in list(logging.Logger.manager.loggerDict.values()):
            if isinstance(other, logging.Logger):
                handlers.extend(other.handlers)
    return handlers


def install(logger: logging.Logger | str | None = None) -> PIFilter:
    """Attach a ``PIFilter`` to ``logger`` (default: the root logger) and to its handlers.

    With the root logger (the default), the handlers of every logger that exists at this moment are
    covered too, so loggers with their own handlers (``propagate=False``) are masked as well. Idempotent:
    a logger or handler that already has a ``PIFilter`` keeps it. Returns the filter. Call it after logging
    is configured: handlers added later are not covered (see the module docs).
    """
    target = _resolve(logger)
    existing = next((f for f in target.filters if isinstance(f, PIFilter)), None)
    flt = existing or PIFilter()
    if existing is None:
        target.addFilter(flt)
    for handler in _handlers_to_cover(target, target is logging.getLogger()):
        if not any(isinstance(f, PIFilter) for f in handler.filters):
            handler.addFilter(flt)
    return flt


def uninstall(logger: logging.Logger | str | None = None) -> None:
    """Remove every ``PIFilter`` that ``install(logger)`` added (logger and handlers)."""
    target = _resolve(logger)
    for holder in [target, *_handlers_to_cover(target, target is logging.getLogger())]:
        for flt in [f for f in holder.filters if isinstance(f, PIFilter)]:
            holder.removeFilter(flt)


def structlog_processor(logger: Any, method_name: str, event_dict: MutableMapping[str, Any]) -> Any:
    """A structlog processor (no structlog dependency) masking every value of the event dict.

    Place it last before the renderer. An ``exc_info`` entry is rendered into a masked ``exception``
    string here (as structlog's ``format_exc_info`` would), so the raw exception never reaches a renderer.

    >>> structlog_processor(None, "info", {"event": "login", "phone": "13812345678"})
    {'event': 'login', 'phone': '138****5678'}
    """
    try:
        exc_info = event_dict.pop("exc_info", None)
        if exc_info:
            if exc_info is True:
                exc_info = sys.exc_info()
            elif isinstance(exc_info, BaseException):
                exc_info = (type(exc_info), exc_info, exc_info.__traceback__)
            if isinstance(exc_info, tuple) and exc_info[0] is not None:
                event_dict["exception"] = "".join(traceback.format_exception(*exc_info)).rstrip("\n")
        for key in list(event_dict):
            event_dict[key] = _mask_value(event_dict[key])
    except Exception as exc:
        for key in list(event_dict):
            if key != "event":
                event_dict[key] = WITHHELD
        event_dict["event"] = f"{WITHHELD} ({type(exc).__name__})"
    return event_dict
