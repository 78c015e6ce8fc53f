"""docspace_tfa_info looking up users by e-mail and groups by name, in playbooks against the
emulator."""

from __future__ import annotations

import pytest
from play_helpers import connection_for, writes

pytestmark = pytest.mark.slow

INFO = "onlyoffice.docspace.docspace_tfa_info"


def info_task(**options):
    return [{"name": "info", INFO: options, "register": "out"}]


def test_emails_and_group_names_resolve_to_ids(run_play, fresh_emulator):
    portal = fresh_emulator.portals[0]
    email, name = portal["user"]["email"].upper(), " %s " % portal["group"]["name"].lower()
    result = run_play(
        info_task(resolve_users=[email], resolve_groups=[name]), connection_for(portal, "admin")
    )
    assert result.rc == 0, result.output
    out = result.task("info")
    assert out["resolved"] == {
        "users": {email: portal["user"]["id"]},
        "groups": {name: portal["group"]["id"]},
    }
    assert out["changed"] is False
    paths = [(e["method"], e["path"]) for e in fresh_emulator.log()]
    assert ("GET", "/api/2.0/people/email") in paths and ("GET", "/api/2.0/group") in paths
    assert writes(fresh_emulator.log()) == []


def test_the_account_lists_its_groups(run_play, fresh_emulator):
    portal = fresh_emulator.portals[0]
    result = run_play(info_task(), connection_for(portal, "user"))
    assert result.rc == 0, result.output
    out = result.task("info")
    assert out["account"]["groups"] == [portal["group"]["id"]]
    assert out["resolved"] == {"users": {}, "groups": {}}


def test_unknown_names_fail_naming_each_one(run_play, fresh_emulator):
    portal = fresh_emulator.portals[0]
    result = run_play(
        info_task(
            resolve_users=[portal["user"]["email"], "nobody@example.com"],
            resolve_groups=["No Such Team"],
        ),
        connection_for(portal),
    )
    assert result.rc != 0
    out = result.task("info")
    assert "'nobody@example.com'" in out["msg"] and "'No Such Team'" in out["msg"]
    assert portal["user"]["email"] not in out["msg"]
    assert out["error"]["kind"] == "not_found"


def test_malformed_names_are_refused_before_any_request(run_play, fresh_emulator):
    portal = fresh_emulator.portals[0]
    fresh_emulator.clear_log()
    result = run_play(
        info_task(resolve_users=["nobody"], resolve_groups=[""]), connection_for(portal)
    )
    assert result.rc != 0
    assert "'nobody' is not an e-mail address" in result.task("info")["msg"]
    assert fresh_emulator.log() == []
