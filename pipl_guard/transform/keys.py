"""Key material as objects: ``Key`` (bytes with an id) and ``KeyRing`` (rotation).

A key is built from bytes, hex, a file or an environment variable; it must hold at least 16 bytes. Its
``repr``/``str`` show only its id, so a key never lands in a log or a traceback. There is no default key
anywhere: make one with ``python -c "import secrets;print(secrets.token_hex(32))"`` and pass it through
an environment variable.

>>> import os, secrets
>>> os.environ["PG_DOCTEST_KEY"] = secrets.token_hex(32)
>>> key = Key.from_env("PG_DOCTEST_KEY", id="hr-2025")
>>> key
Key(id='hr-2025')
>>> len(key)
32
>>> ring = KeyRing([key]); ring.current.id
'hr-2025'
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import os
import re
import secrets
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipl_guard.errors import KeyMaterialError

MIN_KEY_BYTES = 16
_ID_RE = re.compile(r"[A-Za-z0-9_.\-]{1,40}")
_HEX_RE = re.compile(r"[0-9A-Fa-f]+")

__all__ = ["MIN_KEY_BYTES", "Key", "KeyRing", "as_ring"]


def _decode_text(text: str, source: str) -> bytes:
    """Hex (the recommended form) or ``base64:``-prefixed base64/base64url text."""
    text = text.strip()
    if text.startswith("base64:"):
        body = text[len("base64:") :]
        try:
            # validate=True: a stray character is an error, not silently dropped from a key
            standard = body.replace("-", "+").replace("_", "/")
            return base64.b64decode(standard + "=" * (-len(body) % 4), validate=True)
        except (binascii.Error, ValueError):
            raise KeyMaterialError(f"{source}: not valid base64") from None
    if not _HEX_RE.fullmatch(text) or len(text) % 2:
        raise KeyMaterialError(f"{source}: expected hex digits (or 'base64:' + base64)")
    return bytes.fromhex(text)


class Key:
    """Secret key bytes with a public id.

    ``Key(material)`` takes bytes; ``Key(hex=...)``, ``Key(file=...)`` and ``Key(env=...)`` (or the
    ``from_*`` class methods) take the other forms. ``id`` defaults to a fingerprint of the key, so the same
    bytes always get the same id; ciphertexts and tokens carry it so a ``KeyRing`` can pick the right key.

    >>> k = Key(bytes(range(16)), id="demo")
    >>> str(k), repr(k)
    ("Key(id='demo')", "Key(id='demo')")
    >>> Key(b"short")
    Traceback (most recent call last):
    pipl_guard.errors.KeyMaterialError: key: 5 bytes; at least 16 are required
    """

    __slots__ = ("_material", "id")

    _material: bytes
    id: str

    def __init__(
        self,
        material: bytes | bytearray | memoryview | None = None,
        *,
        id: str | None = None,
        hex: str | None = None,
        file: str | os.PathLike[str] | None = None,
        env: str | None = None,
    ) -> None:
        given = [x is not None for x in (material, hex, file, env)]
        if sum(given) != 1:
            raise KeyMaterialError("key: give exactly one of bytes, hex=, file= or env=")
        if material is not None:
            if isinstance(material, str):
                raise KeyMaterialError("key: got str; pass bytes, or hex=/file=/env= for text forms")
            if not isinstance(material, bytes | bytearray | memoryview):
                raise KeyMaterialError(f"key: expected bytes, got {type(material).__name__}")
            raw = bytes(material)
        elif hex is not None:
            if not isinstance(hex, str):
                raise KeyMaterialError(f"key: hex= expects str, got {type(hex).__name__}")
            raw = _decode_text(hex, "key hex")
        elif file is not None:
            path = Path(file)
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise KeyMaterialError(f"key file {str(path)!r}: cannot read ({exc.strerror})") from None
            try:
                raw = _decode_text(data.decode("ascii"), f"key file {str(path)!r}")
            except (UnicodeDecodeError, KeyMaterialError):
                raw = data  # a binary key file
        else:
            assert env is not None
            text = os.environ.get(env)
            if not text:
                raise KeyMaterialError(
                    f"key: environment variable {env!r} is not set; make a key with "
                    'python -c "import secrets;print(secrets.token_hex(32))"'
                )
            raw = _decode_text(text, f"key from ${env}")
        if len(raw) < MIN_KEY_BYTES:
            raise KeyMaterialError(f"key: {len(raw)} bytes; at least {MIN_KEY_BYTES} are required")
        if id is None:
            id = "k" + hashlib.sha256(b"pipl_guard/key-id/v1\x00" + raw).hexdigest()[:12]
        elif not isinstance(id, str) or not _ID_RE.fullmatch(id):
            raise KeyMaterialError("key id: 1-40 characters from A-Z a-z 0-9 _ . -")
        object.__setattr__(self, "_material", raw)
        object.__setattr__(self, "id", id)

    # -- constructors -------------------------------------------------------------------------------
    @classmethod
    def from_hex(cls, text: str, *, id: str | None = None) -> Key:
        return cls(hex=text, id=id)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str], *, id: str | None = None) -> Key:
        return cls(file=path, id=id)

    @classmethod
    def from_env(cls, name: str, *, id: str | None = None) -> Key:
        return cls(env=name, id=id)

    @classmethod
    def generate(cls, size: int = 32, *, id: str | None = None) -> Key:
        """A fresh random key (for tests and for minting a key you will store yourself)."""
        return cls(secrets.token_bytes(size), id=id)

    # -- use --------------------------------------------------------------------------------------
    def reveal(self) -> bytes:
        """The raw key bytes (for handing to a cipher; never log them)."""
        return self._material

    def derive(self, label: str, size: int = 32) -> bytes:
        """A sub-key for one purpose: HMAC-SHA256(key, "pipl_guard/" + label), truncated to ``size``."""
        if not 1 <= size <= 32:
            raise KeyMaterialError("derived key size must be 1..32 bytes")
        return hmac.new(self._material, b"pipl_guard/" + label.encode(), hashlib.sha256).digest()[:size]

    def __len__(self) -> int:
        return len(self._material)

    def __repr__(self) -> str:
        return f"Key(id={self.id!r})"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Key is immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Key):
            return NotImplemented
        return self.id == other.id and hmac.compare_digest(self._material, other._material)

    def __hash__(self) -> int:
        return hash(("Key", self.id))

    def __copy__(self) -> Key:
        return self  # immutable: a copy is the same key (and copying must not go through pickling)

    def __deepcopy__(self, memo: dict[int, object]) -> Key:
        return self

    def __reduce__(self) -> tuple[object, ...]:
        # A pickle holds the key bytes wherever it goes (disk, queue, Spark broadcast), so keys refuse to
        # pickle unless the caller opts in for one shipment (what pipl_guard.spark does).
        if not getattr(_SHIPPING, "allowed", False):
            raise KeyMaterialError(
                f"key {self.id!r} does not pickle: a pickle carries the key bytes; to ship operators to "
                "worker processes wrap the pickling in pipl_guard.transform.keys.shipping_keys(), or "
                "rebuild the key in the worker (Key.from_env / Key.from_file)"
            )
        return (_rebuild_key, (self._material, self.id))

    @classmethod
    def __get_pydantic_core_schema__(cls, source: object, handler: object) -> object:
        from pydantic_core import core_schema

        return core_schema.is_instance_schema(cls)


_SHIPPING = threading.local()


@contextlib.contextmanager
def shipping_keys() -> Iterator[None]:
    """Allow ``Key`` objects to pickle inside this block (this thread only).

    The pickle then carries key material: send it only over channels as trusted as the key store itself
    (``pipl_guard.spark`` uses this for the Deidentifier it broadcasts to executors).

    >>> import pickle
    >>> with shipping_keys():
    ...     blob = pickle.dumps(Key(bytes(range(16)), id="demo"))
    >>> pickle.loads(blob).id
    'demo'
    """
    before = getattr(_SHIPPING, "allowed", False)
    _SHIPPING.allowed = True
    try:
        yield
    finally:
        _SHIPPING.allowed = before


def _rebuild_key(material: bytes, key_id: str) -> Key:
    return Key(material, id=key_id)


class KeyRing:
    """Keys by id, one of them current: new data uses ``current``, old data finds its key by id.

    >>> old, new = Key(bytes(16), id="2024"), Key(bytes(range(16)), id="2025")
    >>> ring = KeyRing([old, new])
    >>> ring.current.id, ring.get("2024").id
    ('2025', '2024')
    """

    __slots__ = ("_current", "_keys")

    def __init__(self, keys: Iterable[Key] | Key, current: str | None = None) -> None:
        if isinstance(keys, Key):
            keys = [keys]
        self._keys: dict[str, Key] = {}
        for k in keys:
            if not isinstance(k, Key):
                raise KeyMaterialError(f"key ring: expected Key objects, got {type(k).__name__}")
            if k.id in self._keys and self._keys[k.id] != k:
                raise KeyMaterialError(f"key ring: two different keys share the id {k.id!r}")
            self._keys[k.id] = k
        if not self._keys:
            raise KeyMaterialError("key ring: no keys")
        if current is None:
            current = next(reversed(self._keys))
        if current not in self._keys:
            raise KeyMaterialError(f"key ring: current key id {current!r} is not in the ring")
        self._current = current

    @property
    def current(self) -> Key:
        return self._keys[self._current]

    def get(self, key_id: str) -> Key:
        try:
            return self._keys[key_id]
        except KeyError:
            raise KeyMaterialError(f"key ring: no key with id {key_id!r}") from None

    def rotate(self, key: Key) -> KeyRing:
        """A new ring with ``key`` added and made current (the old keys still decrypt)."""
        return KeyRing([*self._keys.values(), key], current=key.id)

    def __iter__(self) -> Iterator[Key]:
        return iter(self._keys.values())

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key_id: object) -> bool:
        return key_id in self._keys

    def __repr__(self) -> str:
        return f"KeyRing(ids={list(self._keys)!r}, current={self._current!r})"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: object, handler: object) -> object:
        from pydantic_core import core_schema

        return core_schema.is_instance_schema(cls)


def as_ring(key: Key | KeyRing | object, field: str = "key") -> KeyRing:
    """Accept a ``Key`` or a ``KeyRing``; anything else (including ``None``) is a ``KeyMaterialError``."""
    if isinstance(key, KeyRing):
        return key
    if isinstance(key, Key):
        return KeyRing([key])
    if key is None:
        raise KeyMaterialError(f"{field}: a Key is required (there is no default key)")
    raise KeyMaterialError(f"{field}: expected a pipl_guard Key or KeyRing, got {type(key).__name__}")
