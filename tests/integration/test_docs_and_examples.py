"""What a user reads and copies: ansible-doc pages, the example playbook, make demo."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from play_helpers import BIN, ROOT, ansible_env, run_playbook, writes

pytestmark = pytest.mark.slow

MODULES = sorted(path.stem for path in (ROOT / "plugins" / "modules").glob("docspace_*.py"))


@pytest.mark.parametrize("module", MODULES)
def test_ansible_doc_renders_every_module(module):
    completed = subprocess.run(
        [str(BIN / "ansible-doc"), "onlyoffice.docspace.%s" % module],
        env=ansible_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "EXAMPLES" in completed.stdout
    assert "RETURN VALUES" in completed.stdout
    assert "[WARNING]" not in completed.stderr


def test_every_module_is_in_the_action_group():
    import yaml

    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())
    assert sorted(runtime["action_groups"]["docspace"]) == MODULES


def test_example_playbook_converges_then_stays_quiet(emulator):
    emulator.reset()
    portal = emulator.portals[0]
    env = {"DOCSPACE_URL": portal["url"], "DOCSPACE_API_KEY": portal["owner"]["api_key"]}
    playbook = ROOT / "docs" / "examples" / "tfa_policy.yml"
    extra = ["-e", json.dumps({"tfa_mandatory_groups": [portal["group"]["id"]]})]

    first = run_playbook(playbook, extra_args=extra, env=env)
    assert first.rc == 0, first.output
    assert first.task("Require the TFA method, trusted IPs and mandatory groups")["changed"]

    emulator.clear_log()
    second = run_playbook(playbook, extra_args=extra, env=env)
    assert second.rc == 0, second.output
    assert not second.task("Require the TFA method, trusted IPs and mandatory groups")["changed"]
    assert writes(emulator.log()) == []


def test_make_demo_shows_plan_change_and_a_quiet_third_run():
    completed = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "demo.py")],
        env=ansible_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    summary = completed.stdout.split("=== Summary", 1)[1]
    changed = re.findall(r"changed=(\d+)\s+requests=(\d+)\s+writes=(\d+)", summary)
    assert [int(counts[0]) for counts in changed] == [1, 1, 0]
    assert [int(counts[2]) for counts in changed] == [0, 1, 0]
    assert Path(ROOT / "tests" / "emulator" / "serve").exists()
