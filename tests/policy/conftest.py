"""Fixtures for the policy tests (builders live in ``policy_support``)."""

from __future__ import annotations

import pytest

import pipl_guard as pg


@pytest.fixture
def key() -> pg.Key:
    return pg.Key(bytes(range(32)), id="test")
