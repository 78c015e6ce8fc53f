"""Fixtures of the reliability suite; its report is written by report.py at session end."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/reliability/" in item.nodeid:
            item.add_marker(pytest.mark.reliability)


@pytest.fixture(scope="module")
def world(emulator_factory):
    """A one-portal emulator of this module's own, so faults never reach another test."""
    emulator = emulator_factory(profile="3.7", portals=1)
    return emulator, emulator.portals[0]
