"""Every module and state, with a fault injected at each request of its plan.

The plan is what a clean run sends; each cell faults the n-th request of one method and
path, once. A cell passes when the module either fails with a short message naming what
happened or succeeds after bounded retries; nothing crashes; the portal ends in the old or
the new state; and no POST is sent more often than in the clean run.
"""

from __future__ import annotations

import time

import pytest
from faults import FAULTS, SLOW_SETTLE, SLOW_TIMEOUT
from harness import portal_view, record, relative_view, run_module
from scenarios import SCENARIOS

MAX_LINES = 4
MAX_WAITS = 3


def prepared(emulator, portal, scenario):
    emulator.clear_faults()
    emulator.reset()
    scenario.prepare(portal)
    emulator.clear_log()
    return portal_view(emulator.state(portal["name"]))


def plan_of(log):
    """(method, path, occurrence) of each request in a clean run's log."""
    seen = {}
    plan = []
    for entry in log:
        step = (entry["method"], entry["path"])
        seen[step] = seen.get(step, 0) + 1
        plan.append((*step, seen[step]))
    return plan


@pytest.fixture(scope="module")
def references(world):
    """For each scenario: its plan, the state it starts from and the state it leaves."""
    emulator, portal = world
    found = {}
    for scenario in SCENARIOS:
        old = prepared(emulator, portal, scenario)
        outcome = run_module(scenario.module, scenario.args(portal))
        assert outcome.crash is None and not outcome.failed, (outcome.crash, outcome.result)
        log = emulator.log(portal["name"])
        found[scenario.name] = (plan_of(log), old, portal_view(emulator.state(portal["name"])), log)
    return found


def check_cell(emulator, portal, scenario, reference, step, fault_name):
    _plan, old, new, clean_log = reference
    method, path, occurrence = step
    fields, words = FAULTS[fault_name]
    before = prepared(emulator, portal, scenario)
    pattern = "^%s$" % path.replace(".", r"\.")
    if occurrence > 1:
        # Let the earlier requests of the same kind through untouched.
        emulator.fault(method=method, path=pattern, times=occurrence - 1, delay=0)
    emulator.fault(method=method, path=pattern, times=1, **fields)
    extra = {"timeout": SLOW_TIMEOUT} if fault_name == "slow" else {}
    outcome = run_module(scenario.module, scenario.args(portal, **extra))
    if fault_name == "slow":
        time.sleep(SLOW_SETTLE)
    log = emulator.log(portal["name"])
    state = portal_view(emulator.state(portal["name"]))

    where = "%s %s #%d %s" % (method, path, occurrence, fault_name)
    problems = []
    if outcome.crash:
        problems.append("crash: " + outcome.crash[-600:])
    elif outcome.failed:
        msg = outcome.msg
        if len(msg.splitlines()) > MAX_LINES:
            problems.append("message of %d lines: %s" % (len(msg.splitlines()), msg))
        if not any(word in msg for word in words):
            problems.append("message names none of %s: %s" % (words, msg))
        if "Traceback" in outcome.stdout:
            problems.append("traceback in the result")
    else:
        if len(outcome.waits) > MAX_WAITS or any(w > 60 for w in outcome.waits):
            problems.append("unbounded retries: %s" % outcome.waits)
    allowed = (relative_view(before, before), relative_view(new, old))
    if relative_view(state, before) not in allowed:
        problems.append("the portal holds a mix of old and new state")
    for post in {(e["method"], e["path"]) for e in log if e["method"] == "POST"}:
        sent = sum(1 for e in log if (e["method"], e["path"]) == post)
        # A run that fails may log out of a session it opened (one POST) where a clean
        # run had nothing to end; a POST sent once more than that was repeated.
        allowed = max(1, sum(1 for e in clean_log if (e["method"], e["path"]) == post))
        if sent > allowed:
            problems.append("%s %s sent %d times, %d in a clean run" % (*post, sent, allowed))
    return where, outcome, problems


@pytest.mark.parametrize("fault_name", list(FAULTS))
@pytest.mark.parametrize("scenario", SCENARIOS, ids=str)
def test_fault_at_every_request_of_the_plan(world, references, scenario, fault_name):
    emulator, portal = world
    reference = references[scenario.name]
    failures = []
    outcomes = {"failed": 0, "succeeded": 0}
    for step in reference[0]:
        where, outcome, problems = check_cell(
            emulator, portal, scenario, reference, step, fault_name
        )
        outcomes["failed" if outcome.failed or outcome.crash else "succeeded"] += 1
        if problems:
            failures.append("%s: %s" % (where, "; ".join(problems)))
    cells = len(reference[0])
    record(
        "faults",
        cells=cells,
        passed=cells - len(failures),
        failed_cleanly=outcomes["failed"],
        recovered=outcomes["succeeded"],
        kind=fault_name,
    )
    assert not failures, "\n".join(failures)
