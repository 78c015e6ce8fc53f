"""--check for every module and state: no write, no key-issuing call, the same changed count.

Each scenario runs in check mode, then for real from the same starting state; the check run
must send only reads that issue no key, and report the change the real run then makes.
"""

from __future__ import annotations

import pytest
from harness import key_issuing, record, run_module, writes
from scenarios import SCENARIOS


@pytest.mark.parametrize("scenario", SCENARIOS, ids=str)
def test_check_mode_writes_nothing_and_predicts_the_change(world, scenario):
    emulator, portal = world
    emulator.clear_faults()
    emulator.reset()
    scenario.prepare(portal)
    emulator.clear_log()

    checked = run_module(scenario.module, scenario.args(portal), check=True, diff=True)
    check_log = emulator.log(portal["name"])
    emulator.clear_log()
    applied = run_module(scenario.module, scenario.args(portal))

    # Logging in and out with a password changes no setting; anything else must be a read.
    bad = [
        "%s %s" % (e["method"], e["path"])
        for e in writes(check_log) + key_issuing(check_log)
        if not e["path"].startswith("/api/2.0/authentication")
    ]
    record(
        "check",
        runs=1,
        writes=len(bad),
        changed_agree=int(
            bool(checked.result.get("changed")) == bool(applied.result.get("changed"))
        ),
    )
    assert checked.crash is None and applied.crash is None, (checked.crash, applied.crash)
    assert not checked.failed and not applied.failed, (checked.msg, applied.msg)
    assert bad == []
    assert checked.result["changed"] == applied.result["changed"]
