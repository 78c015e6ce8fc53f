"""Every module and state against a TLS portal whose certificate the client must refuse.

The emulator's certificate is for 127.0.0.1 and localhost, from a CA of its own. Unknown CA:
the task gives no ca_path. Wrong host name: the task gives the right CA but reaches the
same listener through another name of this machine that resolves to 127.0.0.1 (its host
name, or else ``127.1``), which the certificate does not name.
"""

from __future__ import annotations

import socket

import pytest
from harness import portal_view, record, run_module
from scenarios import SCENARIOS

CASES = {
    "unknown-ca": ("unable to get local issuer certificate", "ca_path"),
    "wrong-hostname": ("Hostname mismatch", "name on the certificate"),
}


def other_name():
    for name in (socket.gethostname(), "127.1"):
        try:
            if name not in ("localhost", "127.0.0.1") and socket.gethostbyname(name) == "127.0.0.1":
                return name
        except OSError:
            continue
    pytest.skip("no second name for 127.0.0.1 on this machine")


@pytest.fixture(scope="module")
def tls_world(emulator_factory):
    emulator = emulator_factory(profile="3.7", portals=1, tls=True)
    # requests lets REQUESTS_CA_BUNDLE win over the control session's own CA file, so the
    # control calls would fail wherever that variable is set; they must not read it.
    emulator._http.trust_env = False
    return emulator, emulator.portals[0]


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("scenario", SCENARIOS, ids=str)
def test_a_refused_certificate_fails_cleanly_before_any_request(tls_world, scenario, case):
    emulator, portal = tls_world
    emulator.reset()
    trusted = {"ca_path": emulator.ca_file}
    scenario.prepare({**portal, **trusted})
    before = portal_view(emulator.state(portal["name"]))
    emulator.clear_log()
    args = scenario.args(portal)
    if case == "wrong-hostname":
        args = {**args, **trusted, "url": args["url"].replace("127.0.0.1", other_name())}
    outcome = run_module(scenario.module, args)
    log = emulator.log(portal["name"])
    after = portal_view(emulator.state(portal["name"]))
    cause, hint = CASES[case]

    record("faults", cells=1, passed=0, kind="tls-" + case)
    assert outcome.crash is None, outcome.crash
    assert outcome.failed, outcome.result
    assert cause in outcome.msg and hint in outcome.msg, outcome.msg
    assert len(outcome.msg.splitlines()) <= 4, outcome.msg
    assert log == [] and after == before
    record("faults", cells=0, passed=1, kind="tls-" + case)
