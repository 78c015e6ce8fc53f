"""200 portals, forks 50: the tfa_baseline role enforces a baseline, then audits it.

One inventory host per portal (connection local). Half the portals have drifted; a fifth
of the drifted ones answer their first policy write with 503 and Retry-After. Every portal
must converge, no task may fail, each drifted portal must see exactly one policy write that
DocSpace accepted, and the audit must write nothing and find every portal compliant.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from harness import record, run_module
from scenarios import key

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "role"))
from role_helpers import by_portal, role_playbook, run_fleet, summary, write_fleet

pytestmark = pytest.mark.slow
PORTALS = 200
FORKS = 50
# Each run takes one to two minutes on two idle cores; a busy machine may need longer.
RUN_TIMEOUT = 900
POLICY = {"method": "app", "trusted_ips": ["10.20.0.0/16"]}
BASELINE = {
    "tfa_baseline_method": "app",
    "tfa_baseline_trusted_ips": POLICY["trusted_ips"],
    "tfa_baseline_mandatory_user_emails": [],
    "tfa_baseline_mandatory_group_names": [],
    "tfa_baseline_report_dir": "",
}


def test_two_hundred_portals_converge_with_one_write_each(emulator_factory, tmp_path):
    emulator = emulator_factory(profile="3.7", portals=PORTALS)
    portals = emulator.portals
    in_line = portals[::2]
    drifted = portals[1::2]
    busy = drifted[::5]
    for portal in in_line:
        outcome = run_module("docspace_tfa_settings", dict(key(portal), **POLICY))
        assert not outcome.failed, outcome.msg
    for portal in busy:
        emulator.fault(
            portal=portal["name"],
            method="PUT",
            path="^/api/2.0/settings/tfaapp$",
            times=1,
            status=503,
            body="<html><body>503 Service Temporarily Unavailable</body></html>",
            content_type="text/html",
            headers={"Retry-After": "1"},
        )
    emulator.clear_log()
    inventory = write_fleet(tmp_path, portals, group_vars=BASELINE)
    playbook = role_playbook(tmp_path)

    started = time.monotonic()
    enforce = run_fleet(
        inventory, playbook, {"tfa_baseline_mode": "enforce"}, forks=FORKS, timeout=RUN_TIMEOUT
    )
    enforce_seconds = time.monotonic() - started
    enforce_log = emulator.log()
    emulator.clear_log()
    started = time.monotonic()
    audit = run_fleet(
        inventory, playbook, {"tfa_baseline_mode": "audit"}, forks=FORKS, timeout=RUN_TIMEOUT
    )
    audit_seconds = time.monotonic() - started
    audit_log = emulator.log()

    accepted = {}
    for entry in enforce_log:
        if entry["method"] == "PUT" and entry["status"] == 200:
            accepted[entry["portal"]] = accepted.get(entry["portal"], 0) + 1
    policies = [emulator.state(p["name"])["policy"]["app"] for p in portals]
    converged = [p for p in policies if p["enable"] and p["trustedIps"] == POLICY["trusted_ips"]]
    failed = [e for e in enforce.results + audit.results if e["status"] == "failed"]
    enforced = by_portal(summary(enforce))
    audited = by_portal(summary(audit))
    record(
        "concurrency",
        portals=PORTALS,
        forks=FORKS,
        drifted=len(drifted),
        busy=len(busy),
        converged=len(converged),
        failed_tasks=len(failed),
        writes_accepted=sum(accepted.values()),
        audit_writes=sum(1 for e in audit_log if e["method"] != "GET"),
        enforce_seconds=round(enforce_seconds),
        audit_seconds=round(audit_seconds),
    )
    assert enforce.rc == 0 and audit.rc == 0, (enforce.output[-2000:], audit.output[-2000:])
    assert failed == []
    assert len(converged) == PORTALS
    assert accepted == {p["name"]: 1 for p in drifted}
    assert {name for name, entry in enforced.items() if entry["status"] == "changed"} == {
        p["name"] for p in drifted
    }
    assert {entry["status"] for entry in audited.values()} == {"compliant"}
    assert len(audited) == PORTALS
    assert [e for e in audit_log if e["method"] != "GET"] == []
