"""The example playbook under ansible-runner, the engine AWX runs jobs with.

What an AWX workflow sees of a job is what ansible-runner records: the job events, the
set_stats data (artifact_data of the final stats event) and the final status.
"""

from __future__ import annotations

import json
import os

import ansible_runner
import pytest
from play_helpers import BIN, ROOT
from role_helpers import FLEET, SETTINGS_TASK, app_policy, policy_puts, write_fleet

pytestmark = pytest.mark.slow


@pytest.fixture
def runner_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith("DOCSPACE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PATH", str(BIN) + os.pathsep + os.environ.get("PATH", ""))
    return {
        "ANSIBLE_COLLECTIONS_PATH": str(ROOT / ".build" / "collections"),
        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "false",
    }


def run_job(private, inventory, envvars):
    private.mkdir()
    return ansible_runner.run(
        private_data_dir=str(private),
        playbook=str(FLEET / "baseline.yml"),
        inventory=str(inventory),
        envvars=envvars,
        forks=10,
        quiet=True,
    )


def events_of(run, event, task=None):
    return [
        e
        for e in run.events
        if e["event"] == event and (task is None or e["event_data"].get("task") == task)
    ]


def artifact_summary(run):
    (stats,) = events_of(run, "playbook_on_stats")
    return stats["event_data"]["artifact_data"]["tfa_baseline_summary"]


def test_a_job_records_events_set_stats_and_its_status(fleet, tmp_path, runner_env):
    portals = fleet.portals[:8]
    broken = portals[4]["name"]
    fleet.fault(method="PUT", path="settings/tfaapp$", portal=broken, status=500, times=-1)
    inventory = write_fleet(tmp_path, portals)

    first = run_job(tmp_path / "job1", inventory, runner_env)

    assert first.status == "failed" and first.rc != 0
    published = artifact_summary(first)
    assert published["mode"] == "enforce"
    assert published["totals"] == {
        "portals": 8,
        "compliant": 0,
        "drifted": 0,
        "changed": 7,
        "failed": 1,
    }
    statuses = {entry["portal"]: entry["status"] for entry in published["portals"]}
    assert statuses[broken] == "failed"
    # Two plays ran the settings task: the audit on all eight, then the enforce play.
    ok = events_of(first, "runner_on_ok", SETTINGS_TASK)
    failed = events_of(first, "runner_on_failed", SETTINGS_TASK)
    assert len(ok) == 15 and [e["event_data"]["host"] for e in failed] == [broken]
    assert all(e["event_data"]["res"]["changed"] for e in ok)
    assert "500" in failed[0]["event_data"]["res"]["msg"]
    assert first.stats["rescued"] == {broken: 1}
    assert set(first.stats["failures"]) == {broken}
    artifacts = tmp_path / "job1" / "artifacts" / first.config.ident
    assert (artifacts / "status").read_text() == "failed"
    assert any((artifacts / "job_events").iterdir())
    assert json.loads((artifacts / "rc").read_text()) == first.rc
    assert policy_puts(fleet.log()) == {p["name"]: 1 for p in portals}

    fleet.clear_faults()
    second = run_job(tmp_path / "job2", inventory, runner_env)

    assert second.status == "successful" and second.rc == 0
    published = artifact_summary(second)
    assert (published["totals"]["changed"], published["totals"]["compliant"]) == (1, 7)
    assert app_policy(fleet, broken)["enable"] is True
