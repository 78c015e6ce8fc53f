"""Helpers for the tfa_baseline role's tests: emulator portals as an inventory, playbook
runs, and the summary the role publishes."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import requests
import yaml
from play_helpers import BIN, ROOT, ansible_env, run_playbook

ROLE = ROOT / "roles" / "tfa_baseline"
FLEET = ROOT / "docs" / "examples" / "fleet"
GROUP = "docspace_portals"
SUMMARY_TASK = "Publish the summary for AWX workflows"
SETTINGS_TASK = "Compare the portal with the baseline and, in enforce mode, apply it"
POLICY_PATH = "/api/2.0/settings/tfaapp"
RECAP = re.compile(
    r"^(?P<host>\S+)\s+: ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+unreachable=\d+\s+"
    r"failed=(?P<failed>\d+)\s+skipped=\d+\s+rescued=(?P<rescued>\d+)",
    re.MULTILINE,
)

ROLE_PLAY = """---
- name: Run the TFA baseline role
  hosts: docspace_portals
  connection: local
  gather_facts: false
  roles:
    - role: onlyoffice.docspace.tfa_baseline
"""


def login_token(portal, account="owner"):
    """A session token from POST authentication, as a user of ``docspace_token`` has one."""
    person = portal[account]
    answer = requests.post(
        portal["url"] + "/api/2.0/authentication",
        json={"userName": person["email"], "password": person["password"]},
        timeout=10,
    )
    answer.raise_for_status()
    return answer.json()["response"]["token"]


def connection_vars(portal, account="owner", auth="api_key"):
    """Inventory variables for one of the portal's seeded accounts."""
    person = portal[account]
    hostvars = {"docspace_url": portal["url"]}
    if auth == "api_key":
        hostvars["docspace_api_key"] = person["api_key"]
    elif auth == "password":
        hostvars.update(docspace_username=person["email"], docspace_password=person["password"])
    elif auth == "token":
        hostvars["docspace_token"] = login_token(portal, account)
    else:
        raise ValueError(auth)
    return hostvars


def write_fleet(
    directory, portals, group_vars=None, hostvars=None, account="owner", auth="api_key", logins=None
):
    """An inventory like docs/examples/fleet/inventory, with one host per emulator portal.

    The example's group_vars are used as they are, except that reports go to
    ``directory/reports`` and ``group_vars`` overrides what it names. Each portal logs in
    as ``account`` with ``auth``, unless ``logins`` maps its name to another pair.
    """
    inventory = Path(directory) / "inventory"
    (inventory / "group_vars" / GROUP).mkdir(parents=True, exist_ok=True)
    example = FLEET / "inventory" / "group_vars" / GROUP / "main.yml"
    baseline = yaml.safe_load(example.read_text())
    baseline["tfa_baseline_report_dir"] = str(Path(directory) / "reports")
    baseline.update(group_vars or {})
    (inventory / "group_vars" / GROUP / "main.yml").write_text(yaml.safe_dump(baseline))
    hosts = {}
    for portal in portals:
        login = (logins or {}).get(portal["name"], (account, auth))
        hosts[portal["name"]] = dict(
            connection_vars(portal, *login), **(hostvars or {}).get(portal["name"], {})
        )
    tree = {"all": {"children": {GROUP: {"hosts": hosts}}}}
    (inventory / "hosts.yml").write_text(yaml.safe_dump(tree))
    return inventory


def role_playbook(directory):
    path = Path(directory) / "role.yml"
    path.write_text(ROLE_PLAY)
    return path


def run_fleet(inventory, playbook, extra_vars=None, check=False, forks=10, env=None, timeout=300):
    """ansible-playbook with the inventory; ``extra_vars`` win over everything."""
    args = ["-i", str(inventory), "-f", str(forks)]
    if extra_vars:
        args += ["-e", json.dumps(extra_vars)]
    return run_playbook(playbook, check=check, extra_args=args, env=env, timeout=timeout)


def summaries(result):
    """The summary each play published with set_stats, in play order."""
    return [
        entry["result"]["ansible_stats"]["data"]["tfa_baseline_summary"]
        for entry in result.results
        if entry["task"] == SUMMARY_TASK and entry["status"] == "ok"
    ]


def summary(result):
    found = summaries(result)
    assert found, "no summary was published:\n" + result.output
    return found[-1]


def by_portal(published):
    return {entry["portal"]: entry for entry in published["portals"]}


def recap(result):
    """PLAY RECAP counts per host: ok, changed, failed, rescued."""
    return {
        match["host"]: {key: int(match[key]) for key in ("ok", "changed", "failed", "rescued")}
        for match in RECAP.finditer(result.stdout)
    }


def writes(log, portal=None):
    return [
        (entry["method"], entry["path"])
        for entry in log
        if entry["method"] != "GET"
        and (portal is None or entry["portal"] == portal)
        and not entry["path"].startswith("/api/2.0/authentication")
    ]


def policy_puts(log):
    """How many PUT settings/tfaapp each portal received."""
    counts = {}
    for entry in log:
        if entry["method"] == "PUT" and entry["path"] == POLICY_PATH:
            counts[entry["portal"]] = counts.get(entry["portal"], 0) + 1
    return counts


def app_policy(emulator, name):
    """The stored app-method policy of one portal, as the emulator keeps it."""
    return emulator.state(name)["policy"]["app"]


def set_policy(portal, body):
    """Put a policy on a portal directly, as another administrator would."""
    answer = requests.put(
        portal["url"] + "/api/2.0/settings/tfaapp",
        json=body,
        headers={"Authorization": "Bearer " + portal["owner"]["api_key"]},
        timeout=10,
    )
    answer.raise_for_status()


def render_role_vars(cases, expression):
    """Evaluate ``expression`` with the role's defaults and vars plus each case's variables,
    the way Ansible does, in a separate process; returns one result per case."""
    completed = subprocess.run(
        [str(BIN / "python"), str(Path(__file__).with_name("render_role_vars.py"))],
        input=json.dumps({"role": str(ROLE), "expression": expression, "cases": cases}),
        env=ansible_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)
