"""Fixtures for the tfa_baseline role's tests: emulator fleets to run the role against."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The playbook helpers of the module tests serve the role tests too.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))


@pytest.fixture(scope="module")
def fleet_emulator(emulator_factory):
    """Twelve portals for the fleet tests of one module; reset before each test."""
    return emulator_factory(profile="3.7", portals=12)


@pytest.fixture
def fleet(fleet_emulator):
    fleet_emulator.reset()
    return fleet_emulator
