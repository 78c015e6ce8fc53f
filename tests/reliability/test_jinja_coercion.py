"""Values that a template turns into numbers or strings, through real ansible-playbook.

With and without ANSIBLE_JINJA2_NATIVE: ``"{{ '012345' }}"`` must reach docspace_tfa_app as
the string 012345 (sent once, and refused by DocSpace as a wrong code), ``"{{ 12345 }}"``
as a number the module refuses before any request, and ``"{{ '2' }}"`` for min_unused as
the integer 2. Each task talks to a portal of its own, so each one's requests can be told
apart.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml
from harness import record, run_module
from scenarios import key, policy_app, policy_app_linked

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
from play_helpers import run_playbook

pytestmark = pytest.mark.slow
APP = "onlyoffice.docspace.docspace_tfa_app"
CODES = "onlyoffice.docspace.docspace_tfa_codes"
VALIDATE = "/api/2.0/settings/tfaapp/validate"


@pytest.fixture(scope="module")
def three(emulator_factory):
    return emulator_factory(profile="3.7", portals=3)


@pytest.mark.parametrize("native", ["", "1"], ids=["default", "jinja2-native"])
def test_templated_codes_and_counts_keep_their_meaning(three, tmp_path, native):
    emulator = three
    emulator.reset()
    string_code, number_code, count = emulator.portals
    policy_app(string_code)
    policy_app(number_code)
    policy_app_linked(count)
    assert not run_module("docspace_tfa_app", dict(key(string_code), state="setup")).failed
    emulator.clear_log()
    tasks = [
        {
            "name": "string",
            APP: dict(key(string_code), code="{{ '012345' }}"),
            "ignore_errors": True,
        },
        {"name": "number", APP: dict(key(number_code), code="{{ 12345 }}"), "ignore_errors": True},
        {"name": "count", CODES: dict(key(count), min_unused="{{ '2' }}")},
    ]
    play = [{"hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": tasks}]
    (tmp_path / "play.yml").write_text(yaml.safe_dump(play, sort_keys=False))
    env = {"ANSIBLE_JINJA2_NATIVE": native} if native else {}
    result = run_playbook(tmp_path / "play.yml", env=env)

    status = {entry["task"]: entry["status"] for entry in result.results}
    validate = [e for e in emulator.log(string_code["name"]) if e["path"] == VALIDATE]
    record("inputs", tried=3, refused=1, normalised=2, kind="templated options")
    assert "Traceback" not in result.output
    assert status == {"string": "failed", "number": "failed", "count": "ok"}, result.output
    assert [e["status"] for e in validate] == [400]
    assert "code" in result.task("string")["msg"]
    assert emulator.log(number_code["name"]) == []
    assert "not a number" in result.task("number")["msg"]
    assert result.task("count")["changed"] is False
