"""Typed errors. Messages name the field and the problem, never the value.

>>> from pipl_guard.errors import InputError, PiplGuardError
>>> issubclass(InputError, PiplGuardError)
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from pipl_guard.policy.models import Decision


class PiplGuardError(Exception):
    """Base class of every error pipl_guard raises on purpose."""


class InputError(PiplGuardError, ValueError):
    """Input of the wrong type or shape (names the type or field, never the value)."""


class PolicyError(PiplGuardError, ValueError):
    """A policy file or model that is invalid; carries the path of the offending key."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path


class KeyMaterialError(PiplGuardError, ValueError):
    """Missing, short or unusable key material (never shows the key)."""


class CryptoError(PiplGuardError, ValueError):
    """Ciphertext that is corrupted, truncated, or made with another key."""


class VaultError(PiplGuardError):
    """The token vault is unreachable, inconsistent, or holds no such token."""


class LedgerError(PiplGuardError):
    """The cross-border ledger is unreadable, locked or inconsistent (fail closed)."""


class PolicyViolation(PiplGuardError):
    """Raised by ``Guard.enforce`` when the decision does not allow the action.

    The decision is attached as ``.decision``; its issues carry codes, citations and counts,
    never raw values.
    """

    def __init__(self, decision: Decision | Any) -> None:
        self.decision = decision
        codes = ", ".join(sorted({i.code for i in getattr(decision, "violations", [])}))
        super().__init__(f"policy denies the action: {codes or 'violation'}")


def type_name(value: object) -> str:
    """Name of a value's type for error messages (the value itself is never shown)."""
    return type(value).__name__
