"""One cell of each fault kind through real ansible-playbook: same outcome as in-process.

Each kind gets a portal of its own, so one playbook with one task per kind covers them all.
The fault is at the policy write of docspace_tfa_settings (PUT settings/tfaapp).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
import yaml
from faults import FAULTS, SLOW_SETTLE, SLOW_TIMEOUT
from harness import record, run_module

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
from play_helpers import run_playbook

pytestmark = pytest.mark.slow
SETTINGS = "onlyoffice.docspace.docspace_tfa_settings"
PUT = {"method": "PUT", "path": "^/api/2.0/settings/tfaapp$", "times": 1}


def options(portal, kind):
    extra = {"timeout": SLOW_TIMEOUT} if kind == "slow" else {}
    return {"url": portal["url"], "api_key": portal["owner"]["api_key"], "method": "app", **extra}


def inject(emulator):
    emulator.clear_faults()
    emulator.reset()
    for kind, portal in zip(FAULTS, emulator.portals):
        emulator.fault(portal=portal["name"], **PUT, **FAULTS[kind][0])


def summary(failed, msg, state):
    # Retry notes and timings differ between runs; what happened must not.
    return {"failed": bool(failed), "msg": msg, "policy": state["policy"]["app"]["enable"]}


def test_playbook_and_in_process_runs_agree(emulator_factory, tmp_path):
    emulator = emulator_factory(profile="3.7", portals=len(FAULTS))
    kinds = list(FAULTS)

    inject(emulator)
    tasks = [
        {"name": kind, SETTINGS: options(portal, kind), "ignore_errors": True}
        for kind, portal in zip(kinds, emulator.portals)
    ]
    play = [{"hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": tasks}]
    (tmp_path / "play.yml").write_text(yaml.safe_dump(play, sort_keys=False))
    played = run_playbook(tmp_path / "play.yml")
    time.sleep(SLOW_SETTLE)
    assert "Traceback" not in played.output, played.output
    by_playbook = {}
    for kind, portal in zip(kinds, emulator.portals):
        out = played.task(kind)
        status = [entry["status"] for entry in played.results if entry["task"] == kind]
        state = emulator.state(portal["name"])
        by_playbook[kind] = summary(status == ["failed"], out.get("msg", ""), state)

    inject(emulator)
    by_process = {}
    for kind, portal in zip(kinds, emulator.portals):
        outcome = run_module("docspace_tfa_settings", options(portal, kind))
        if kind == "slow":
            time.sleep(SLOW_SETTLE)
        assert outcome.crash is None, outcome.crash
        by_process[kind] = summary(outcome.failed, outcome.msg, emulator.state(portal["name"]))

    agree = [kind for kind in kinds if by_playbook[kind] == by_process[kind]]
    record("playbook_sample", cells=len(kinds), agree=len(agree))
    assert by_playbook == by_process
