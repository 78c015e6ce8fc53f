"""The tfa_baseline role under --check, in both modes: no write, and the real run's changes.

Four portals start in different states and log in different ways: drifted with an API key,
compliant with an API key, TFA off with the admin's password, and drifted with names to
resolve. For each mode the role runs with --check --diff, then for real from the same
state; the check run must send only reads (and the password login and logout), leave every
portal as it was, and report, host by host, the change the real run then makes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from harness import key_issuing, portal_view, record, run_module, writes
from scenarios import key

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "role"))
from role_helpers import SETTINGS_TASK, recap, role_playbook, run_fleet, write_fleet

pytestmark = pytest.mark.slow
BASELINE = {
    "tfa_baseline_method": "app",
    "tfa_baseline_trusted_ips": ["192.0.2.0/24"],
    "tfa_baseline_mandatory_user_emails": [],
    "tfa_baseline_mandatory_group_names": [],
    "tfa_baseline_report_dir": "",
}


@pytest.fixture(scope="module")
def fleet(emulator_factory):
    return emulator_factory(profile="3.7", portals=4)


def prepare(emulator, directory):
    emulator.clear_faults()
    emulator.reset()
    drifted, compliant, tfa_off, named = emulator.portals
    for portal, options in (
        (drifted, {"method": "app", "trusted_ips": ["10.0.0.0/8"]}),
        (compliant, {"method": "app", "trusted_ips": ["192.0.2.0/24"]}),
        (named, {"method": "app", "trusted_ips": ["192.0.2.0/24"]}),
    ):
        outcome = run_module("docspace_tfa_settings", dict(key(portal), **options))
        assert not outcome.failed, outcome.msg
    hostvars = {
        named["name"]: {
            "tfa_baseline_mandatory_user_emails": [named["user"]["email"]],
            "tfa_baseline_mandatory_group_names": [named["group"]["name"]],
        }
    }
    return write_fleet(
        directory,
        emulator.portals,
        group_vars=BASELINE,
        hostvars=hostvars,
        logins={tfa_off["name"]: ("admin", "password")},
    )


def changed_settings(result):
    """Host -> whether the settings task reported a change."""
    return {
        entry["host"]: bool(entry["result"].get("changed"))
        for entry in result.results
        if entry["task"] == SETTINGS_TASK
    }


@pytest.mark.parametrize("mode", ["audit", "enforce"])
def test_the_role_in_check_mode_writes_nothing_and_predicts_the_change(fleet, tmp_path, mode):
    inventory = prepare(fleet, tmp_path)
    playbook = role_playbook(tmp_path)
    before = [portal_view(fleet.state(p["name"])) for p in fleet.portals]
    fleet.clear_log()
    checked = run_fleet(inventory, playbook, {"tfa_baseline_mode": mode}, check=True)
    check_log = fleet.log()
    after_check = [portal_view(fleet.state(p["name"])) for p in fleet.portals]
    fleet.clear_log()
    applied = run_fleet(inventory, playbook, {"tfa_baseline_mode": mode})

    assert checked.rc == 0 and applied.rc == 0, (checked.output[-2000:], applied.output[-2000:])
    bad = [
        "%s %s %s" % (e["portal"], e["method"], e["path"])
        for e in writes(check_log) + key_issuing(check_log)
        if not e["path"].startswith("/api/2.0/authentication")
    ]
    predicted, made = changed_settings(checked), changed_settings(applied)
    counts_check, counts_real = recap(checked), recap(applied)
    for portal in fleet.portals:
        host = portal["name"]
        record(
            "check",
            runs=1,
            writes=len([line for line in bad if line.startswith(host + " ")]),
            changed_agree=int(
                predicted.get(host) == made.get(host)
                and counts_check[host]["changed"] == counts_real[host]["changed"]
            ),
        )
    assert bad == []
    assert after_check == before
    assert len(predicted) == len(fleet.portals), json.dumps(checked.results)[:2000]
    assert predicted == made
    assert {h: c["changed"] for h, c in counts_check.items()} == {
        h: c["changed"] for h, c in counts_real.items()
    }
    # Three portals drift from the baseline; the second already holds it.
    assert sorted(host for host, changed in predicted.items() if changed) == sorted(
        p["name"] for i, p in enumerate(fleet.portals) if i != 1
    )
