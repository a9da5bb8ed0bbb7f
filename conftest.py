"""Shared by every test."""

import pytest


@pytest.fixture(autouse=True)
def _default_width(monkeypatch):
    """pytest-xdist's workers export COLUMNS=80; off a terminal the commands draw tables $COLUMNS wide
    (else 160), so without this a test's output would depend on how the suite was started."""
    monkeypatch.delenv("COLUMNS", raising=False)
