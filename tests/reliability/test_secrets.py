"""Run every module and state with -vvv --diff and look for every secret the portal issued.

Three ways to run the same playbook: ansible-playbook with the default callback, the same
with the record_results callback writing results as JSON lines (ansible-core 2.19 has no
json stdout callback, and ansible.posix is not installed), and ansible-runner, whose job
events and artifact files are searched too. Tasks that return a secret have no_log set,
as the modules' documentation asks; one task returns codes without no_log on purpose, and
the search must find exactly those codes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml
from harness import files_under, issued, record, run_in_ansible_runner, search

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
from play_helpers import run_playbook

pytestmark = pytest.mark.slow
NS = "onlyoffice.docspace."


def connection(account, auth="key"):
    if auth == "key":
        return {"url": "{{ s.url }}", "api_key": "{{ s.%s_key }}" % account}
    return {
        "url": "{{ s.url }}",
        "username": "{{ s.%s_email }}" % account,
        "password": "{{ s.%s_password }}" % account,
    }


def task(name, module, options, **extra):
    return {"name": name, NS + module: options, **extra}


def playbook():
    user = connection("user")
    owner = connection("owner")
    tasks = [
        task(
            "policy with a password",
            "docspace_tfa_settings",
            dict(connection("owner", "password"), method="app"),
        ),
        task("policy", "docspace_tfa_settings", dict(owner, method="app")),
        task(
            "policy with link",
            "docspace_tfa_settings",
            dict(owner, method="app", confirm_url=True, trusted_ips=["10.1.0.0/16"]),
        ),
        task("info", "docspace_tfa_info", dict(owner)),
        task("link", "docspace_tfa_app", dict(user), register="enrol", no_log=True),
        task("setup", "docspace_tfa_app", dict(connection("admin"), state="setup"), no_log=True),
        task("codes", "docspace_tfa_codes", dict(user, min_unused=5)),
        task("regenerate", "docspace_tfa_codes", dict(user, state="regenerated")),
        task(
            "info with a password",
            "docspace_tfa_info",
            dict(connection("user", "password"), totp_secret="{{ enrol.secret }}"),
        ),
        task("shown codes", "docspace_tfa_codes", dict(user, return_codes=True), register="shown"),
        task("unlink", "docspace_tfa_app", dict(owner, state="absent", user_id="{{ s.user_id }}")),
    ]
    return [{"hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": tasks}]


def secret_vars(portal):
    values = {"url": portal["url"], "user_id": portal["user"]["id"]}
    for account in ("owner", "admin", "user"):
        values["%s_key" % account] = portal[account]["api_key"]
        values["%s_email" % account] = portal[account]["email"]
        values["%s_password" % account] = portal[account]["password"]
    return {"s": values}


def prepare(emulator, portal, tmp_path):
    emulator.clear_faults()
    emulator.reset()
    play = tmp_path / "play.yml"
    play.write_text(yaml.safe_dump(playbook(), sort_keys=False))
    hidden = tmp_path.parent / (tmp_path.name + "-vars.json")
    hidden.write_text(json.dumps(secret_vars(portal)))
    return play, hidden


def check(found, texts, shown_codes):
    searched = sum(len(values) for values in found.values())
    hits = search(found, texts, set(shown_codes))
    visible = [code for code in shown_codes if any(code in text for text in texts.values())]
    record("secrets", runs=1, searched=searched, found=len(hits), asked_and_shown=len(visible))
    assert found["tokens"] and found["confirm_keys"] and found["totp_secrets"]
    assert found["backup_codes"] and len(shown_codes) == 5
    assert hits == []
    assert visible == shown_codes


def test_no_secret_with_the_default_and_the_json_lines_callbacks(world, tmp_path):
    emulator, portal = world
    play, hidden = prepare(emulator, portal, tmp_path)
    result = run_playbook(play, diff=True, extra_args=["-vvv", "-e", "@%s" % hidden])
    assert result.rc == 0, result.output[-3000:]
    found = issued(emulator, [portal])
    shown = result.task("shown codes")["codes"]
    texts = {"output": result.output, "results": json.dumps(result.results)}
    texts.update(files_under(tmp_path, {play}))
    check(found, texts, shown)


def test_no_secret_in_ansible_runner_events_and_artifacts(world, tmp_path):
    pytest.importorskip("ansible_runner")
    emulator, portal = world
    play, hidden = prepare(emulator, portal, tmp_path)
    data = tmp_path / "runner"
    (data / "project").mkdir(parents=True)
    (data / "project" / "play.yml").write_text(play.read_text())
    run = run_in_ansible_runner(data, "play.yml", "-vvv --diff -e @%s" % hidden)
    assert run.rc == 0, run.stdout.read()[-3000:]
    found = issued(emulator, [portal])
    events = list(run.events)
    shown = next(
        e["event_data"]["res"]["codes"]
        for e in events
        if e.get("event") == "runner_on_ok" and e["event_data"].get("task") == "shown codes"
    )
    texts = {"events": json.dumps(events, default=str)}
    texts.update(files_under(data, {data / "project" / "play.yml"}))
    check(found, texts, shown)
