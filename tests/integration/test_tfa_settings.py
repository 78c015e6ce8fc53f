"""docspace_tfa_settings and docspace_tfa_info in real playbooks against the emulator.

Every option goes through the same three runs a user would make: --check --diff, apply,
apply again. The emulator's request log shows what reached the portal each time.
"""

from __future__ import annotations

import pytest
from play_helpers import connection_for, writes

pytestmark = pytest.mark.slow

PROFILES = ["3.7", "3.6", "next"]
SETTINGS = "onlyoffice.docspace.docspace_tfa_settings"
INFO = "onlyoffice.docspace.docspace_tfa_info"


@pytest.fixture(scope="module", params=PROFILES)
def profile_emulator(request, emulator_factory):
    return emulator_factory(profile=request.param, portals=2)


@pytest.fixture
def portal(profile_emulator):
    profile_emulator.reset()
    return profile_emulator.portals[0]


def settings_task(**options):
    return [{"name": "settings", SETTINGS: options, "register": "out"}]


def three_runs(run_play, emulator, portal, options, setup=None):
    """Check with diff, apply, apply again; return the results and each run's log."""
    connection = connection_for(portal)
    if setup:
        assert run_play(settings_task(**setup), connection).rc == 0
    runs = []
    for check, diff in ((True, True), (False, False), (False, False)):
        emulator.clear_log()
        result = run_play(settings_task(**options), connection, check=check, diff=diff)
        assert result.rc == 0, result.output
        runs.append((result.task("settings"), emulator.log()))
    return runs


def portal_policy(emulator, portal):
    return emulator.state()["portals"][portal["name"]]["policy"]


CASES = {
    "enable app": ({}, {"method": "app"}, {"method": "app"}),
    "trusted ips canonical": (
        {"method": "app"},
        {"trusted_ips": ["2001:0DB8:0:0::1", " 10.0.0.0/8", "192.0.2.1-192.0.2.9", "10.0.0.0/8"]},
        {"trusted_ips": ["10.0.0.0/8", "192.0.2.1-192.0.2.9", "2001:db8::1"]},
    ),
    "mandatory users any case": (
        {"method": "app"},
        {"mandatory_users": ["{USER_ID_UPPER}"]},
        {"mandatory_users": ["USER_ID"]},
    ),
    "mandatory groups": (
        {"method": "app"},
        {"mandatory_groups": ["GROUP_ID"]},
        {"mandatory_groups": ["GROUP_ID"]},
    ),
    "clear a list": (
        {"method": "app", "trusted_ips": ["192.0.2.7"]},
        {"trusted_ips": []},
        {"trusted_ips": [], "method": "app"},
    ),
    "disable": (
        {"method": "app", "trusted_ips": ["192.0.2.7"]},
        {"method": "none"},
        {"method": "none", "trusted_ips": []},
    ),
}


def fill(value, portal):
    """Put the portal's real ids into a case."""
    if isinstance(value, list):
        return [fill(item, portal) for item in value]
    if isinstance(value, dict):
        return {key: fill(item, portal) for key, item in value.items()}
    if isinstance(value, str):
        value = value.replace("{USER_ID_UPPER}", "{%s}" % portal["user"]["id"].upper())
        value = value.replace("USER_ID", portal["user"]["id"])
        return value.replace("GROUP_ID", portal["group"]["id"])
    return value


@pytest.mark.parametrize("case", sorted(CASES))
def test_check_apply_and_second_run(run_play, profile_emulator, portal, case):
    setup, options, expected = (fill(part, portal) for part in CASES[case])
    check, apply, again = three_runs(run_play, profile_emulator, portal, options, setup or None)

    result, log = check
    assert result["changed"] is True
    assert writes(log) == [], "check mode wrote to the portal"
    for key, value in expected.items():
        assert result["diff"]["after"][key] == value
        assert result["settings"][key] == value

    result, log = apply
    assert result["changed"] is True
    assert [(e["method"], e["path"]) for e in writes(log)] == [("PUT", "/api/2.0/settings/tfaapp")]
    assert result["verified"] is True
    for key, value in expected.items():
        assert result["settings"][key] == value

    result, log = again
    assert result["changed"] is False
    assert [(e["method"], e["path"]) for e in log] == [("GET", "/api/2.0/settings/tfaapp")]


def test_options_left_out_keep_the_portal_values(run_play, profile_emulator, portal):
    connection = connection_for(portal)
    setup = {"method": "app", "trusted_ips": ["192.0.2.7"]}
    assert run_play(settings_task(**setup), connection).rc == 0
    result = run_play(settings_task(mandatory_groups=[portal["group"]["id"]]), connection)
    settings = result.task("settings")["settings"]
    assert settings["method"] == "app"
    assert settings["trusted_ips"] == ["192.0.2.7"]
    assert settings["mandatory_groups"] == [portal["group"]["id"]]


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"trusted_ips": ["10.0.0.300"]}, "10.0.0.300"),
        ({"trusted_ips": ["192.0.2.9-192.0.2.1"]}, "192.0.2.9-192.0.2.1"),
        ({"trusted_ips": ["10.0.0.1/8"]}, "10.0.0.1/8"),
        ({"mandatory_users": ["not-a-guid"]}, "not-a-guid"),
        ({"method": "none", "trusted_ips": ["192.0.2.1"]}, "trusted_ips"),
        ({"method": "app", "url": "ftp://portal.example"}, "ftp://portal.example"),
    ],
)
def test_bad_input_is_refused_before_any_request(
    run_play, profile_emulator, portal, options, named
):
    profile_emulator.clear_log()
    connection = connection_for(portal)
    result = run_play(settings_task(**options), connection)
    assert result.rc != 0
    assert named in result.task("settings")["msg"]
    assert profile_emulator.log() == []


def test_unknown_method_is_refused(run_play, profile_emulator, portal):
    result = run_play(settings_task(method="email"), connection_for(portal))
    assert result.rc != 0
    assert "email" in result.task("settings")["msg"]
    assert profile_emulator.log() == []


def test_only_the_owner_may_make_the_owner_mandatory(run_play, profile_emulator, portal):
    owner = portal["owner"]["id"]
    profile_emulator.clear_log()
    result = run_play(
        settings_task(method="app", mandatory_users=[owner]), connection_for(portal, "admin")
    )
    assert result.rc != 0
    assert owner in result.task("settings")["msg"]
    assert writes(profile_emulator.log()) == []

    result = run_play(settings_task(method="app", mandatory_users=[owner]), connection_for(portal))
    assert result.rc == 0, result.output
    assert result.task("settings")["settings"]["mandatory_users"] == [owner]


def test_unknown_ids_get_a_warning(run_play, profile_emulator, portal):
    ghost = "0b9a3c4d-1111-4222-8333-944455556666"
    result = run_play(settings_task(method="app", mandatory_groups=[ghost]), connection_for(portal))
    assert result.rc == 0, result.output
    warnings = " ".join(result.task("settings").get("warnings", []))
    assert ghost in warnings


def test_enabling_warns_that_sessions_end(run_play, profile_emulator, portal):
    result = run_play(settings_task(method="app"), connection_for(portal))
    warnings = " ".join(result.task("settings").get("warnings", []))
    assert "signs out every session" in warnings


def test_password_login_logs_in_again_to_verify(run_play, profile_emulator, portal):
    connection = connection_for(portal, auth="password")
    result = run_play(settings_task(method="app", trusted_ips=["127.0.0.1"]), connection)
    assert result.rc == 0, result.output
    out = result.task("settings")
    assert out["changed"] is True
    assert out["verified"] is True
    assert "api_key" in " ".join(out.get("warnings", []))


def test_confirm_url_returns_the_link(run_play, profile_emulator, portal):
    result = run_play(settings_task(method="app", confirm_url=True), connection_for(portal))
    assert result.rc == 0, result.output
    out = result.task("settings")
    assert out["changed"] is True
    assert "/confirm/" in (out["confirm_url"] or "") or out["confirm_url"] is None


def test_sms_needs_a_provider(run_play, profile_emulator, portal):
    profile_emulator.clear_log()
    result = run_play(settings_task(method="sms"), connection_for(portal))
    assert result.rc != 0
    assert "sms" in result.task("settings")["msg"]
    assert writes(profile_emulator.log()) == []

    profile_emulator.config(portal["name"], sms_provider=True)
    result = run_play(settings_task(method="sms"), connection_for(portal))
    assert result.rc == 0, result.output
    assert result.task("settings")["settings"]["method"] == "sms"


def test_info_reads_policy_and_account(run_play, profile_emulator, portal):
    connection = connection_for(portal, "admin")
    assert run_play(settings_task(method="app", trusted_ips=["192.0.2.7"]), connection).rc == 0
    profile_emulator.clear_log()
    result = run_play([{"name": "info", INFO: {}, "register": "out"}], connection, check=True)
    assert result.rc == 0, result.output
    out = result.task("info")
    assert out["changed"] is False
    assert out["settings"]["method"] == "app"
    assert out["settings"]["trusted_ips"] == ["192.0.2.7"]
    assert out["account"]["id"] == portal["admin"]["id"]
    assert out["account"]["is_admin"] is True
    assert out["backup_codes"] is None
    assert writes(profile_emulator.log()) == []
    paths = [entry["path"] for entry in profile_emulator.log()]
    assert "/api/2.0/settings/tfaapp/confirm" not in paths
