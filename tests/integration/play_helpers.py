"""Helpers to run real ansible-playbook processes and read their results."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
CALLBACKS = Path(__file__).resolve().parent / "callback_plugins"
GROUP = "group/onlyoffice.docspace.docspace"


@dataclass
class PlayResult:
    rc: int
    stdout: str
    stderr: str
    results: list = field(default_factory=list)

    def task(self, name):
        """The result of the task called ``name`` (the last one, if it ran more than once)."""
        found = [entry for entry in self.results if entry["task"] == name]
        assert found, "task %r did not run:\n%s\n%s" % (name, self.stdout, self.stderr)
        return found[-1]["result"]

    @property
    def output(self):
        return self.stdout + self.stderr


def connection_for(portal, account="owner", auth="api_key"):
    """Connection options for one of the portal's seeded accounts."""
    person = portal[account]
    if auth == "api_key":
        return {"url": portal["url"], "api_key": person["api_key"]}
    if auth == "password":
        return {"url": portal["url"], "username": person["email"], "password": person["password"]}
    raise ValueError(auth)


def ansible_env(extra=None, record_file=None):
    env = dict(os.environ)
    for name in list(env):
        if name.startswith("DOCSPACE_"):
            del env[name]
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".build" / "collections"),
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        ANSIBLE_CALLBACK_PLUGINS=str(CALLBACKS),
        ANSIBLE_CALLBACKS_ENABLED="record_results",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_RETRY_FILES_ENABLED="false",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        PATH=str(BIN) + os.pathsep + env.get("PATH", ""),
    )
    if record_file:
        env["RECORD_RESULTS_FILE"] = str(record_file)
    env.update(extra or {})
    return env


def run_playbook(playbook, check=False, diff=False, extra_args=(), env=None, timeout=300):
    # Results go beside the test's files, never beside a playbook from the repository.
    record = Path(tempfile.mkdtemp(prefix="play-results-")) / "results.jsonl"
    command = [str(BIN / "ansible-playbook"), str(playbook), *extra_args]
    if check:
        command.append("--check")
    if diff:
        command.append("--diff")
    completed = subprocess.run(
        command,
        env=ansible_env(env, record),
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    results = []
    if record.exists():
        results = [json.loads(line) for line in record.read_text().splitlines() if line]
    return PlayResult(completed.returncode, completed.stdout, completed.stderr, results)


def writes(log):
    """Requests in an emulator log that are not reads."""
    return [entry for entry in log if entry["method"] != "GET"]
