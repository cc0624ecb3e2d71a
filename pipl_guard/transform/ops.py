"""Operators: small pydantic configs with ``apply(value, finding) -> str`` (Presidio-like split).

``finding`` tells the operator which entity the value is (``finding=None``: the whole value, entity
unknown; use ``apply_as(value, entity)`` when the entity is known without a finding). Operators that need a
key refuse to be built without one (``KeyMaterialError`` at construction), and build their primitives at
construction too, so a missing SM3/SM4 or a wrong key length fails early. Operators pickle (their keys
travel with them to worker processes and Spark executors; the compiled primitives are rebuilt there).

>>> import pipl_guard as pg
>>> pg.ops.Mask().apply_as("13812345678", "CN_MOBILE")
'138****5678'
>>> pg.ops.Mask(keep_first=1, keep_last=1, char="#").apply("abcdef")
'a####f'
>>> pg.ops.Replace("[手机号]").apply("13812345678")
'[手机号]'
>>> key = pg.Key(bytes(range(32)), id="demo")     # in real use: pg.Key.from_env("PIPL_GUARD_KEY")
>>> enc = pg.ops.Encrypt(key)
>>> pg.ops.Decrypt(key).apply(enc.apply("张三"))
'张三'
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError

from pipl_guard.errors import InputError, KeyMaterialError
from pipl_guard.finding import Finding
from pipl_guard.transform.keys import Key, KeyRing

log = logging.getLogger("pipl_guard.transform")

__all__ = [
    "DateShift",
    "Decrypt",
    "Depseudonymize",
    "Detokenize",
    "Encrypt",
    "Fake",
    "Generalize",
    "Hash",
    "Mask",
    "Operator",
    "Pseudonymize",
    "Redact",
    "Replace",
    "Tokenize",
    "whole_value",
]


def whole_value(value: str, entity: str | None, path: str | None = None) -> Finding:
    """A synthetic finding covering all of ``value`` as ``entity`` (for field-level transforms)."""
    return _make_finding(entity or "", 0, len(value), value, 1.0, "field", path, {})


def _construct(
    entity: str,
    start: int,
    end: int,
    text: str,
    score: float,
    detector: str,
    path: str | None,
    attributes: dict[str, Any],
) -> Finding:
    return Finding.model_construct(
        entity=entity,
        start=start,
        end=end,
        text=text,
        score=score,
        detector=detector,
        path=path,
        attributes=attributes,
    )


try:  # the foundation's unvalidated fast constructor (model_construct costs several µs per call)
    from pipl_guard.finding import make_finding as _make_finding
except ImportError:  # pragma: no cover - older foundation
    _make_finding = _construct


def _entity(finding: Finding | None) -> str | None:
    return (finding.entity or None) if finding is not None else None


class Operator(BaseModel):
    """Base class: positional arguments map to ``_positional``; bad settings raise ``InputError``."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)
    _positional: ClassVar[tuple[str, ...]] = ()
    _key_fields: ClassVar[tuple[str, ...]] = ()
    _rt: Any = PrivateAttr(default=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        name = type(self).__name__
        if len(args) > len(self._positional):
            raise InputError(f"{name}: takes at most {len(self._positional)} positional argument(s)")
        for field, arg in zip(self._positional, args, strict=False):
            if field in kwargs:
                raise InputError(f"{name}: {field} given twice")
            kwargs[field] = arg
        for field in self._key_fields:
            key = kwargs.get(field)
            if key is None:
                raise KeyMaterialError(f"{name}.{field}: a Key is required (there is no default key)")
            if not isinstance(key, Key | KeyRing):
                raise KeyMaterialError(
                    f"{name}.{field}: expected pipl_guard Key or KeyRing, got {type(key).__name__}"
                )
        problems: str | None = None
        try:
            super().__init__(**kwargs)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}" for e in exc.errors()
            )
        if problems is not None:
            # raised outside the handler: the pydantic error (which holds the raw input) is not chained
            raise InputError(f"{name}: {problems}")
        self._rt = self._build()

    def _build(self) -> Any:
        return None

    @property
    def runtime(self) -> Any:
        # read the private slot directly: ``self._rt`` goes through pydantic's slow ``__getattr__``
        rt = self.__pydantic_private__.get("_rt") if self.__pydantic_private__ else None
        if rt is None:
            rt = self._rt = self._build()
        return rt

    def __getstate__(self) -> dict[Any, Any]:
        state = super().__getstate__()
        state["__pydantic_private__"] = {"_rt": None}  # primitives (HMAC/cipher contexts) don't pickle
        return state

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={getattr(self, k)!r}" for k in type(self).model_fields)
        return f"{type(self).__name__}({fields})"

    __str__ = __repr__

    # -- the operator contract ---------------------------------------------------------------------
    def apply(self, value: str, finding: Finding | None = None) -> str:
        raise NotImplementedError

    def apply_as(self, value: str, entity: str | None) -> str:
        """Apply to a whole value whose entity is known (no finding needed)."""
        return self.apply(value, whole_value(value, entity))

    def apply_many(self, values: Sequence[str], entity: str | None = None) -> list[str]:
        """Apply to many whole values of one entity (batched where the operator can batch)."""
        return [self.apply_as(v, entity) for v in values]

    @staticmethod
    def _check_str(value: object, name: str) -> str:
        if not isinstance(value, str):
            raise InputError(f"{name}: expected str, got {type(value).__name__}")
        return value


class Redact(Operator):
    """Remove the value (empty string)."""

    def apply(self, value: str, finding: Finding | None = None) -> str:
        self._check_str(value, "Redact")
        return ""


class Replace(Operator):
    """Replace with fixed text; by default ``<ENTITY>`` (e.g. ``<CN_MOBILE>``)."""

    _positional = ("text",)
    text: str | None = None

    def apply(self, value: str, finding: Finding | None = None) -> str:
        self._check_str(value, "Replace")
        if self.text is not None:
            return self.text
        return f"<{_entity(finding) or 'PI'}>"


class Mask(Operator):
    """Display mask. No arguments: the entity's Chinese default (``138****5678``, ``张*``, ...).

    With ``keep_first``/``keep_last``: keep that many characters at each end (separators stay); a mask
    never leaves the whole value visible.
    """

    _positional = ("keep_first", "keep_last", "char")
    keep_first: int | None = None
    keep_last: int | None = None
    char: str = "*"

    def _build(self) -> Any:
        if len(self.char) != 1:
            raise InputError("Mask.char: must be one character")
        if (self.keep_first or 0) < 0 or (self.keep_last or 0) < 0:
            raise InputError("Mask: keep_first/keep_last must not be negative")
        return True

    def apply(self, value: str, finding: Finding | None = None) -> str:
        from pipl_guard.transform.masks import keep_mask, mask_value

        self._check_str(value, "Mask")
        if not value:
            return value
        if self.keep_first is None and self.keep_last is None:
            return mask_value(value, _entity(finding), self.char)
        out = keep_mask(value, self.keep_first or 0, self.keep_last or 0, self.char)
        return out if out != value else self.char * len(value)

    def apply_many(self, values: Sequence[str], entity: str | None = None) -> list[str]:
        from pipl_guard.transform.masks import keep_mask, mask_many

        for v in values:
            self._check_str(v, "Mask")
        if self.keep_first is None and self.keep_last is None:
            return mask_many(list(values), entity, self.char)
        kf, kl, c = self.keep_first or 0, self.keep_last or 0, self.char
        out = [keep_mask(v, kf, kl, c) for v in values]
        return [o if o != v or not v else c * len(v) for o, v in zip(out, values, strict=True)]


class Hash(Operator):
    """Keyed hash (hex): ``hmac-sm3`` (GB/T 32905 SM3) or ``hmac-sha256``. Same value, same key → same hash,
    so hashed columns still join. ``length`` truncates the hex digest (at least 16 hex characters)."""

    _positional = ("key", "algorithm")
    _key_fields = ("key",)
    key: Key | KeyRing
    algorithm: Literal["hmac-sm3", "hmac-sha256"] = "hmac-sm3"
    length: int | None = None

    def _build(self) -> Any:
        from pipl_guard.transform.crypto import Hasher

        if self.length is not None and not 16 <= self.length <= 64:
            raise InputError("Hash.length: 16..64 hex characters")
        return Hasher(self.key, self.algorithm).func()

    def apply(self, value: str, finding: Finding | None = None) -> str:
        out: str = self.runtime(self._check_str(value, "Hash"))
        return out[: self.length] if self.length else out

    def apply_many(self, values: Sequence[str], entity: str | None = None) -> list[str]:
        fn = self.runtime
        if self.length:
            n = self.length
            return [fn(v)[:n] for v in values]
        return [fn(v) for v in values]


class Encrypt(Operator):
    """Authenticated encryption to ``pg1:<alg>:<key id>:<base64url>``; ``deterministic=True`` (joins) only
    when asked. With a ``KeyRing`` the current key encrypts."""

    _positional = ("key", "algorithm")
    _key_fields = ("key",)
    key: Key | KeyRing
    algorithm: Literal["sm4-gcm", "aes-gcm-siv"] = "sm4-gcm"
    deterministic: bool = False

    def _build(self) -> Any:
        from pipl_guard.transform.crypto import Cipher

        return Cipher(self.key, self.algorithm, deterministic=self.deterministic)

    def apply(self, value: str, finding: Finding | None = None) -> str:
        return self.runtime.encrypt(self._check_str(value, "Encrypt"))

    def apply_many(self, values: Sequence[str], entity: str | None = None) -> list[str]:
        enc = self.runtime.encrypt
        return [enc(v) for v in values]


class Decrypt(Operator):
    """Inverse of ``Encrypt``: a whole ciphertext, or every ciphertext embedded in a text. The token
    names its algorithm and key id; with a ``KeyRing`` any key in the ring decrypts."""

    _positional = ("key",)
    _key_fields = ("key",)
    key: Key | KeyRing
    algorithm: Literal["sm4-gcm", "aes-gcm-siv"] = "sm4-gcm"

    def _build(self) -> Any:
        from pipl_guard.transform.crypto import Cipher

        return Cipher(self.key, self.algorithm)

    def apply(self, value: str, finding: Finding | None = None) -> str:
        from pipl_guard.transform.crypto import TOKEN_RE

        v = self._check_str(value, "Decrypt")
        if TOKEN_RE.fullmatch(v.strip()) or v.startswith("pg1:"):
            return self.runtime.decrypt(v)
        return self.runtime.decrypt_text(v)


_KEEP = Literal["province", "city", "county", "birth_year", "gender", "prefix", "bin", "surname", "domain"]


class Pseudonymize(Operator):
    """Format-preserving, checksum-valid, keyed, reversible pseudonym (see ``transform.pseudonym``).

    ``keep``: ``province``/``city``/``county`` (resident-ID region level), ``birth_year``, ``gender``,
    ``prefix`` (mobile's first 3 digits), ``bin`` (card's first 6), ``surname``.
    """

    _positional = ("key",)
    _key_fields = ("key",)
    key: Key | KeyRing
    keep: tuple[_KEEP, ...] = ()
    date_cutoff: dt.date = dt.date(2020, 1, 1)

    def _build(self) -> Any:
        from pipl_guard.transform.pseudonym import Pseudonymizer

        return Pseudonymizer(self.key, self.keep, date_cutoff=self.date_cutoff)

    def apply(self, value: str, finding: Finding | None = None) -> str:
        return self.runtime.forward(self._check_str(value, "Pseudonymize"), _entity(finding))

    def reverse(self, value: str, finding: Finding | None = None) -> str:
        """The original value of a pseudonym made with the same key and ``keep``."""
        return self.runtime.reverse(self._check_str(value, "Pseudonymize"), _entity(finding))

    def reverse_as(self, value: str, entity: str | None) -> str:
        return self.reverse(value, whole_value(value, entity))

    def apply_many(self, values: Sequence[str], entity: str | None = None) -> list[str]:
        return self.runtime.forward_many(values, entity)


class Depseudonymize(Pseudonymize):
    """The inverse of ``Pseudonymize`` as an operator (same key, same ``keep``)."""

    def apply(self, value: str, finding: Finding | None = None) -> str:
        return self.reverse(value, finding)

    def apply_many(self, values: Sequence[str], entity: str | None = None) -> list[str]:
        return self.runtime.reverse_many(values, entity)


class Tokenize(Operator):
    """Replace with a vault token ``⟦TK:<ENTITY>:<vault id>:<token>⟧`` (stable per value)."""

    _positional = ("vault",)
    vault: Any

    def _build(self) -> Any:
        from pipl_guard.transform.vault import Vault

        if not isinstance(self.vault, Vault):
            raise InputError(f"Tokenize.vault: expected a pipl_guard Vault, got {type(self.vault).__name__}")
        return self.vault

    def apply(self, value: str, finding: Finding | None = None) -> str:
        return self.runtime.tokenize(self._check_str(value, "Tokenize"), _entity(finding))

    def apply_many(self, values: Sequence[str], entity: str | None = None) -> list[str]:
        return self.runtime.tokenize_many(values, entity)


class Detokenize(Operator):
    """Restore a token, or every token inside a text, from the vault."""

    _positional = ("vault",)
    vault: Any

    _build = Tokenize._build

    def apply(self, value: str, finding: Finding | None = None) -> str:
        return self.runtime.detokenize_text(self._check_str(value, "Detokenize"))


class Generalize(Operator):
    """Coarser value along a Chinese hierarchy: ``county``/``city``/``province`` (resident ID region,
    address), ``year``/``5y``/``decade``/``age_band``/``month`` (birth dates), ``range`` (numbers)."""

    _positional = ("level",)
    level: Literal["county", "city", "province", "year", "5y", "decade", "age_band", "month", "range"]
    bucket: int = 10
    as_of: dt.date | None = None

    def _build(self) -> Any:
        if self.bucket < 1:
            raise InputError("Generalize.bucket: must be positive")
        return True

    def apply(self, value: str, finding: Finding | None = None) -> str:
        from pipl_guard.transform.generalize import generalize

        return generalize(
            self._check_str(value, "Generalize"),
            _entity(finding),
            self.level,
            bucket=self.bucket,
            as_of=self.as_of,
        )


class DateShift(Operator):
    """Shift dates by a keyed offset in ``[-max_days, max_days]`` (never 0), the same for every date of one
    subject: ``subject`` names the record field (path) that identifies the person, e.g. ``"sfzh"``."""

    _positional = ("key", "max_days")
    _key_fields = ("key",)
    key: Key | KeyRing
    max_days: int = 30
    subject: str | None = None

    def _build(self) -> Any:
        from pipl_guard.transform.dateshift import DateShifter

        return DateShifter(self.key, self.max_days)

    def apply(self, value: str, finding: Finding | None = None) -> str:
        from pipl_guard.transform.dateshift import SUBJECTS

        subject = None
        if self.subject is not None:
            current = SUBJECTS.get()
            subject = current.get(self.subject) if current else None
        return self.runtime.shift(self._check_str(value, "DateShift"), subject)


class Fake(Operator):
    """A consistent synthetic value (Faker ``locale``, seeded by a keyed hash of the value)."""

    _positional = ("locale", "key")
    _key_fields = ("key",)
    locale: str = "zh_CN"
    key: Key | KeyRing

    def _build(self) -> Any:
        from pipl_guard.transform.fake import Faker

        return Faker(self.key, self.locale)

    def apply(self, value: str, finding: Finding | None = None) -> str:
        return self.runtime.fake(self._check_str(value, "Fake"), _entity(finding))


def operators() -> Iterable[type[Operator]]:
    """Every operator class (for docs and policy wiring)."""
    return (
        Redact,
        Replace,
        Mask,
        Hash,
        Encrypt,
        Decrypt,
        Pseudonymize,
        Depseudonymize,
        Tokenize,
        Detokenize,
        Generalize,
        DateShift,
        Fake,
    )
