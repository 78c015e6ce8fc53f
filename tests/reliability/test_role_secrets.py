"""The tfa_baseline role with -vvv --diff: no secret in its output, events or reports.

Three portals, one for each way the role logs in: an API key, a session token, and a
password with the TOTP secret of an app linked just before. The role resolves e-mails and
group names, enforces, and writes its Markdown and JSON reports; everything printed, every
result, every job event and every file written is searched for every secret the portals
issued, the linked app's secret and the role's own credentials included.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml
from harness import files_under, issued, record, run_in_ansible_runner, run_module, search
from scenarios import key

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "role"))
from play_helpers import run_playbook
from role_helpers import GROUP, ROLE_PLAY, login_token

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def portals(emulator_factory):
    return emulator_factory(profile="3.7", portals=3)


def prepare(emulator, directory):
    """Reset the portals, link the admin's app on the third, and write the inventory.

    The inventory holds the credentials, so it is written outside ``directory``, which is
    searched; so is the playbook, which holds none but is input, not output.
    """
    emulator.clear_faults()
    emulator.reset()
    by_key, by_token, by_password = emulator.portals
    outcome = run_module("docspace_tfa_settings", dict(key(by_password), method="app"))
    assert not outcome.failed, outcome.msg
    linked = run_module("docspace_tfa_app", dict(key(by_password, "admin"), state="present"))
    assert not linked.failed, linked.msg
    admin = by_password["admin"]
    hosts = {
        by_key["name"]: {
            "docspace_url": by_key["url"],
            "docspace_api_key": by_key["owner"]["api_key"],
        },
        by_token["name"]: {
            "docspace_url": by_token["url"],
            "docspace_token": login_token(by_token),
        },
        by_password["name"]: {
            "docspace_url": by_password["url"],
            "docspace_username": admin["email"],
            "docspace_password": admin["password"],
            "docspace_totp_secret": linked.result["secret"],
        },
    }
    reports = Path(directory) / "reports"
    group_vars = {
        "ansible_connection": "local",
        "ansible_python_interpreter": sys.executable,
        "tfa_baseline_mode": "enforce",
        "tfa_baseline_method": "app",
        "tfa_baseline_trusted_ips": ["192.0.2.0/24"],
        "tfa_baseline_mandatory_user_emails": ["{{ docspace_user_email }}"],
        "tfa_baseline_mandatory_group_names": ["{{ docspace_group_name }}"],
        "tfa_baseline_report_dir": str(reports),
    }
    for portal in emulator.portals:
        hosts[portal["name"]].update(
            docspace_user_email=portal["user"]["email"], docspace_group_name=portal["group"]["name"]
        )
    inputs = Path(str(directory) + "-inputs")
    inputs.mkdir()
    inventory = inputs / "inventory.yml"
    inventory.write_text(
        yaml.safe_dump({"all": {"children": {GROUP: {"hosts": hosts, "vars": group_vars}}}})
    )
    play = inputs / "role.yml"
    play.write_text(ROLE_PLAY)
    return inventory, play, reports


def check(emulator, texts, reports, inventory):
    found = issued(emulator, emulator.portals)
    # The inventory holds the four credentials: the search must see each one there.
    planted = search(found, {"inventory": inventory.read_text()})
    assert sorted(hit.split()[0] for hit in planted) == [
        "api_keys",
        "passwords",
        "tokens",
        "totp_secrets",
    ]
    hits = search(found, texts)
    searched = sum(len(values) for values in found.values())
    record("secrets", runs=1, searched=searched, found=len(hits), asked_and_shown=0)
    assert found["tokens"] and found["totp_secrets"]
    assert sorted(path.name for path in reports.iterdir()) == [
        "tfa-baseline-enforce.json",
        "tfa-baseline-enforce.md",
    ]
    assert hits == []


def converged(emulator):
    return [emulator.state(p["name"])["policy"]["app"]["trustedIps"] for p in emulator.portals]


def test_the_role_prints_and_writes_no_secret(portals, tmp_path):
    inventory, play, reports = prepare(portals, tmp_path)
    result = run_playbook(play, diff=True, extra_args=["-vvv", "-i", str(inventory)])
    assert result.rc == 0, result.output[-3000:]
    assert converged(portals) == [["192.0.2.0/24"]] * 3
    texts = {"output": result.output, "results": json.dumps(result.results)}
    texts.update(files_under(tmp_path))
    check(portals, texts, reports, inventory)


def test_the_role_leaves_no_secret_in_ansible_runner_events_and_artifacts(portals, tmp_path):
    pytest.importorskip("ansible_runner")
    data = tmp_path / "runner"
    inventory, play, reports = prepare(portals, data)
    (data / "project").mkdir(parents=True)
    (data / "project" / "role.yml").write_text(play.read_text())
    run = run_in_ansible_runner(data, "role.yml", "-vvv --diff", inventory)
    assert run.rc == 0, run.stdout.read()[-3000:]
    assert converged(portals) == [["192.0.2.0/24"]] * 3
    events = list(run.events)
    assert any(e.get("event") == "playbook_on_stats" for e in events)
    texts = {"events": json.dumps(events, default=str)}
    texts.update(files_under(data, {data / "project" / "role.yml"}))
    check(portals, texts, reports, inventory)
