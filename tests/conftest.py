"""Shared test set-up: import paths and the DocSpace emulator fixtures.

``ansible_collections.onlyoffice.docspace`` imports from the link `make collection` puts in
.build/collections, and ``docspace_emulator`` from tests/emulator. With pytest-xdist every
worker starts its own emulators, so tests in different workers never share state.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT / ".build" / "collections", ROOT / "tests" / "emulator"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from docspace_emulator.control import Emulator  # noqa: E402


@pytest.fixture(scope="session")
def emulator_factory():
    """Start emulators with any profile, portal count or TLS; all stop at session end.

    ``emulator_factory(profile="next", portals=2, tls=True)`` returns an Emulator.
    """
    started = []

    def start(**options) -> Emulator:
        emulator = Emulator.start(**options)
        started.append(emulator)
        return emulator

    yield start
    for emulator in started:
        emulator.stop()


@pytest.fixture(scope="session")
def emulator(emulator_factory) -> Emulator:
    """One 3.7 emulator with four portals for the whole session (per xdist worker).

    State carries over between tests; use ``fresh_emulator`` for a clean start.
    """
    return emulator_factory(profile="3.7", portals=4)


@pytest.fixture
def fresh_emulator(emulator) -> Emulator:
    """The session emulator, reset to its seeded state (same credentials) first."""
    emulator.reset()
    return emulator


def _reliability_report():
    sys.path.insert(0, str(ROOT / "tests" / "reliability"))
    import report

    return report


def _controller(config):
    """True in the process that runs the session, not in an xdist worker."""
    return not hasattr(config, "workerinput") and "PYTEST_XDIST_WORKER" not in os.environ


def pytest_configure(config):
    if _controller(config):
        _reliability_report().start(config)


def pytest_sessionfinish(session, exitstatus):
    """The reliability suite's figures page and baseline check, in the controller only."""
    if not _controller(session.config):
        return
    problems = _reliability_report().finish(session.config)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    for line in problems:
        if reporter:
            reporter.write_line("reliability: " + line, red=True)
    if problems:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
