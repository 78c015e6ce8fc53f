"""200 portals, forks 50: enforce a policy, then audit it in check mode.

One inventory host per portal (connection local). Half the portals have drifted; a fifth
of the drifted ones answer their first policy write with 503 and Retry-After. Every portal
must converge, no task may fail, each drifted portal must see exactly one policy write that
DocSpace accepted, and the audit must write nothing and report no change.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
import yaml
from harness import record, run_module
from scenarios import key

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
from play_helpers import run_playbook

pytestmark = pytest.mark.slow
PORTALS = 200
FORKS = 50
POLICY = {"method": "app", "trusted_ips": ["10.20.0.0/16"]}
SETTINGS = "onlyoffice.docspace.docspace_tfa_settings"


def play(check):
    options = {"url": "{{ docspace_url }}", "api_key": "{{ docspace_api_key }}", **POLICY}
    return [
        {
            "hosts": "portals",
            "connection": "local",
            "gather_facts": False,
            "tasks": [{"name": "policy", SETTINGS: options, "check_mode": check}],
        }
    ]


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
    inventory = {
        "portals": {
            "vars": {"ansible_python_interpreter": sys.executable},
            "hosts": {
                p["name"]: {"docspace_url": p["url"], "docspace_api_key": p["owner"]["api_key"]}
                for p in portals
            },
        }
    }
    (tmp_path / "inventory.yml").write_text(yaml.safe_dump(inventory))
    args = ["-i", str(tmp_path / "inventory.yml"), "-f", str(FORKS)]

    started = time.monotonic()
    (tmp_path / "enforce.yml").write_text(yaml.safe_dump(play(False)))
    enforce = run_playbook(tmp_path / "enforce.yml", extra_args=args)
    enforce_seconds = time.monotonic() - started
    enforce_log = emulator.log()
    emulator.clear_log()
    started = time.monotonic()
    (tmp_path / "audit.yml").write_text(yaml.safe_dump(play(True)))
    audit = run_playbook(tmp_path / "audit.yml", extra_args=args)
    audit_seconds = time.monotonic() - started
    audit_log = emulator.log()

    accepted = {}
    for entry in enforce_log:
        if entry["method"] == "PUT" and entry["status"] == 200:
            accepted[entry["portal"]] = accepted.get(entry["portal"], 0) + 1
    policies = [emulator.state(p["name"])["policy"]["app"] for p in portals]
    converged = [p for p in policies if p["enable"] and p["trustedIps"] == POLICY["trusted_ips"]]
    failed = [e for e in enforce.results + audit.results if e["status"] == "failed"]
    changed_enforce = sum(1 for e in enforce.results if e["result"].get("changed"))
    changed_audit = sum(1 for e in audit.results if e["result"].get("changed"))
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
    assert changed_enforce == len(drifted)
    assert changed_audit == 0
    assert [e for e in audit_log if e["method"] != "GET"] == []
