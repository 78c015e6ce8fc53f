"""The tfa_baseline role across fleets of emulator portals, through the example playbooks.

Each portal is one host of the example inventory layout, so these runs are what a
security engineer runs: audit, then enforce, then the same again on a schedule.
"""

from __future__ import annotations

import json
import time

import pytest
from role_helpers import (
    FLEET,
    app_policy,
    by_portal,
    policy_puts,
    recap,
    role_playbook,
    run_fleet,
    set_policy,
    summaries,
    summary,
    write_fleet,
    writes,
)

pytestmark = pytest.mark.slow

# The baseline of docs/examples/fleet/inventory/group_vars/docspace_portals/main.yml.
BASELINE_IPS = ["192.0.2.0/24", "198.51.100.10-198.51.100.20"]
COMPLIANT = {"type": 2, "trustedIps": BASELINE_IPS}


def assert_holds_baseline(emulator, name):
    stored = app_policy(emulator, name)
    assert stored["enable"] is True, name
    assert sorted(stored["trustedIps"]) == sorted(BASELINE_IPS), name
    assert stored["mandatoryUsers"] == [] and stored["mandatoryGroups"] == [], name


def test_audit_reports_the_drift_and_writes_nothing(fleet, tmp_path):
    portals = fleet.portals[:6]
    for portal in portals[:2]:
        set_policy(portal, COMPLIANT)
    # Drift of another kind: the right method, one trusted IP too many.
    set_policy(portals[2], dict(COMPLIANT, trustedIps=[*BASELINE_IPS, "203.0.113.9"]))
    inventory = write_fleet(tmp_path, portals)
    fleet.clear_log()

    result = run_fleet(inventory, FLEET / "audit.yml")

    assert writes(fleet.log()) == [], "the audit wrote to a portal"
    published = summary(result)
    assert published["mode"] == "audit"
    assert published["totals"] == {
        "portals": 6,
        "compliant": 2,
        "drifted": 4,
        "changed": 0,
        "failed": 0,
    }
    portal = by_portal(published)
    assert portal[portals[2]["name"]]["differences"] == ["trusted_ips: -203.0.113.9"]
    assert "method: none -> app" in portal[portals[3]["name"]]["differences"]
    assert portal[portals[3]["name"]]["changes"]["before"]["method"] == "none"
    assert portal[portals[3]["name"]]["changes"]["after"]["method"] == "app"
    # audit.yml sets fail_on_drift: the drifted portals fail, after the summary.
    assert result.rc != 0
    counts = recap(result)
    assert [counts[p["name"]]["failed"] for p in portals] == [0, 0, 1, 1, 1, 1]

    report = json.loads((tmp_path / "reports" / "tfa-baseline-audit.json").read_text())
    assert report == published
    markdown = (tmp_path / "reports" / "tfa-baseline-audit.md").read_text()
    assert "6: 2 compliant, 4 drifted, 0 changed, 0 failed" in markdown
    assert "| %s | %s | drifted |" % (portals[2]["name"], portals[2]["url"]) in markdown


def test_enforce_fixes_the_drift_with_one_put_per_portal_then_stays_quiet(fleet, tmp_path):
    portals = fleet.portals[:6]
    for portal in portals[:2]:
        set_policy(portal, COMPLIANT)
    # One portal on SMS: the role must go to the app method without turning TFA off first.
    fleet.config(portals[2]["name"], sms_provider=True)
    set_policy(portals[2], {"type": 1, "trustedIps": BASELINE_IPS})
    drifted = [portal["name"] for portal in portals[2:]]
    inventory = write_fleet(tmp_path, portals)
    fleet.clear_log()

    # The example: an audit play, then an enforce play.
    result = run_fleet(inventory, FLEET / "baseline.yml")

    assert result.rc == 0, result.output
    audit, enforce = summaries(result)
    assert (audit["totals"]["compliant"], audit["totals"]["drifted"]) == (2, 4)
    assert enforce["mode"] == "enforce"
    assert (enforce["totals"]["compliant"], enforce["totals"]["changed"]) == (2, 4)
    assert enforce["totals"]["failed"] == 0
    assert policy_puts(fleet.log()) == dict.fromkeys(drifted, 1)
    for portal in portals:
        assert_holds_baseline(fleet, portal["name"])
        trail = [event["action"] for event in fleet.state(portal["name"])["audit"]]
        assert 6036 not in trail, "%s went through method none" % portal["name"]
    assert by_portal(enforce)[portals[2]["name"]]["differences"] == ["method: sms -> app"]
    assert (tmp_path / "reports" / "tfa-baseline-enforce.md").exists()

    fleet.clear_log()
    again = run_fleet(inventory, role_playbook(tmp_path), {"tfa_baseline_mode": "enforce"})

    assert again.rc == 0, again.output
    assert all(counts["changed"] == 0 for counts in recap(again).values()), again.stdout
    assert summary(again)["totals"]["compliant"] == 6
    assert writes(fleet.log()) == []


def test_a_failing_portal_is_reported_while_the_others_converge(fleet, tmp_path):
    portals = fleet.portals[:6]
    broken = portals[2]["name"]
    fleet.fault(method="PUT", path="settings/tfaapp$", portal=broken, status=500, times=-1)
    inventory = write_fleet(tmp_path, portals)

    result = run_fleet(inventory, role_playbook(tmp_path), {"tfa_baseline_mode": "enforce"})

    assert result.rc != 0
    published = summary(result)
    assert published["totals"]["failed"] == 1
    assert published["totals"]["changed"] == 5
    failed = by_portal(published)[broken]
    assert failed["status"] == "failed"
    assert "500" in failed["error"] and "/api/2.0/settings/tfaapp" in failed["error"]
    assert failed["error"].startswith("Compare the portal with the baseline")
    for portal in portals:
        if portal["name"] != broken:
            assert_holds_baseline(fleet, portal["name"])
    assert app_policy(fleet, broken)["enable"] is False
    counts = recap(result)
    assert counts[broken]["failed"] == 1 and counts[broken]["rescued"] == 1
    assert all(counts[p["name"]]["failed"] == 0 for p in portals if p["name"] != broken)
    markdown = (tmp_path / "reports" / "tfa-baseline-enforce.md").read_text()
    assert "| %s | %s | failed |" % (broken, portals[2]["url"]) in markdown


def test_fifty_portals_converge_in_one_run_with_ten_forks(emulator_factory, tmp_path):
    big = emulator_factory(profile="3.7", portals=50)
    inventory = write_fleet(tmp_path, big.portals)

    started = time.monotonic()
    result = run_fleet(
        inventory, role_playbook(tmp_path), {"tfa_baseline_mode": "enforce"}, forks=10
    )
    seconds = time.monotonic() - started

    assert result.rc == 0, result.output
    published = summary(result)
    assert published["totals"]["changed"] == 50
    assert policy_puts(big.log()) == {portal["name"]: 1 for portal in big.portals}
    for portal in big.portals:
        assert_holds_baseline(big, portal["name"])
    print("\n50 portals, 10 forks, enforce: %.1f s" % seconds)
    # Generous: a loaded two-core machine must not fail the suite; the README gives the
    # figure measured on an idle one.
    assert seconds < 180
