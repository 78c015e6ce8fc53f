"""Fixtures for playbook tests; the helpers themselves live in play_helpers.py."""

from __future__ import annotations

import pytest
import yaml
from play_helpers import GROUP, run_playbook


@pytest.fixture
def run_play(tmp_path):
    """Run a play of ``tasks`` on localhost; connection options go in module_defaults."""
    counter = {"n": 0}

    def run(tasks, connection=None, check=False, diff=False, extra_args=(), env=None, vars=None):
        counter["n"] += 1
        play = {
            "name": "test play",
            "hosts": "localhost",
            "connection": "local",
            "gather_facts": False,
            "tasks": tasks,
        }
        if connection:
            play["module_defaults"] = {GROUP: connection}
        if vars:
            play["vars"] = vars
        playbook = tmp_path / ("play%d.yml" % counter["n"])
        playbook.write_text(yaml.safe_dump([play], sort_keys=False))
        return run_playbook(playbook, check=check, diff=diff, extra_args=extra_args, env=env)

    return run
