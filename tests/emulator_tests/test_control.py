"""The control API: request log, reset, state, faults, clock and config."""

from __future__ import annotations

import base64
import time

import pytest
import requests


def test_the_log_records_method_path_query_status_portal_and_auth(portal):
    portal.emulator.clear_log()
    portal.get("settings/tfaapp", role="admin", params={"x": "1"})

    assert portal.emulator.log() == [
        {
            "method": "GET",
            "path": "/api/2.0/settings/tfaapp",
            "query": {"x": "1"},
            "status": 200,
            "portal": portal.name,
            "auth": "apikey",
        }
    ]


def test_the_log_names_each_kind_of_credentials(portal):
    token = portal.token("user")
    portal.enable_app()
    confirm_type, key = portal.confirm_key("user")
    pair = f"{portal['user']['email']}:{portal['user']['password']}".encode()
    portal.emulator.clear_log()

    portal.request("GET", "portal", token=token)
    portal.request("GET", "portal", token="Bearer " + token)
    portal.request("GET", "portal", cookies={"asc_auth_key": token})
    portal.request("GET", "portal", token="Basic " + base64.b64encode(pair).decode())
    portal.request("GET", "portal", role="user")
    portal.request(
        "GET", "settings/tfaapp/setup", headers=portal.confirm_header("user", confirm_type, key)
    )
    portal.request("GET", "portal")

    kinds = [entry["auth"] for entry in portal.emulator.log()]
    assert kinds == ["token", "token", "cookie", "basic", "apikey", "confirm", "none"]


def test_the_log_can_be_read_and_cleared_per_portal(portal, second_portal):
    portal.emulator.clear_log()
    portal.get("portal")
    second_portal.get("portal")

    assert [e["portal"] for e in portal.emulator.log(portal.name)] == [portal.name]
    portal.emulator.clear_log(portal.name)
    assert [e["portal"] for e in portal.emulator.log()] == [second_portal.name]


def test_control_requests_are_not_logged(portal):
    portal.emulator.clear_log()
    portal.emulator.state()
    portal.emulator.faults()
    portal.emulator.now()

    assert portal.emulator.log() == []


def test_requests_outside_any_portal_are_logged_with_a_null_portal(portal):
    portal.emulator.clear_log()
    answer = requests.get(portal.emulator.base_url + "/nowhere/api/2.0/portal", timeout=10)

    assert answer.status_code == 404
    assert portal.emulator.log()[0]["portal"] is None


def test_reset_restores_the_seed_and_keeps_the_credentials(portal):
    portal.enable_app()
    portal.link("user")
    portal.emulator.config(portal.name, sms_provider=True)

    portal.emulator.reset()

    state = portal.state()
    assert state["policy"]["app"]["enable"] is False
    assert state["users"]["user"]["linked"] is False
    assert state["config"]["sms_provider"] is False
    assert portal.emulator.log() == []
    assert portal.get("people/@self", role="owner").status_code == 200


def test_reset_kills_the_sessions(portal):
    token = portal.token("user")

    portal.emulator.reset()

    assert portal.request("GET", "portal", token=token).status_code == 401


def test_reset_of_one_portal_leaves_the_others(portal, second_portal):
    portal.enable_app()
    second_portal.enable_app()

    portal.emulator.reset(portal.name)

    assert portal.policy()["app"]["enabled"] is False
    assert second_portal.policy()["app"]["enabled"] is True


def test_reset_of_an_unknown_portal_is_refused(portal):
    answer = requests.post(
        portal.emulator.base_url + "/__emulator__/reset", json={"portal": "nope"}, timeout=10
    )

    assert answer.status_code == 400


def test_state_shows_policy_link_state_codes_and_issued_secrets(portal):
    portal.enable_app(trustedIps=["10.0.0.1"])
    linked = portal.link("user")
    portal.validate("user", linked.codes[0])

    state = portal.state()

    assert state["policy"]["app"] == {
        "enable": True,
        "trustedIps": ["10.0.0.1"],
        "mandatoryUsers": [],
        "mandatoryGroups": [],
    }
    assert state["policy"]["sms"]["enable"] is False
    user = state["users"]["user"]
    assert user["linked"] is True
    assert (user["codes_total"], user["codes_unused"]) == (5, 4)
    assert user["secret"] == linked.manual_entry_key
    secrets = state["secrets"]
    assert linked.manual_entry_key in secrets["totp_secrets"]
    assert set(linked.codes) <= set(secrets["backup_codes"])
    assert secrets["confirm_keys"]
    assert secrets["tokens"]


def test_state_of_all_portals(portal):
    state = portal.emulator.state()

    assert state["profile"] == "3.7"
    assert set(state["portals"]) == {p["name"] for p in portal.emulator.portals}


# Faults ---------------------------------------------------------------------------


def test_a_fault_answers_status_body_content_type_and_headers(portal):
    portal.emulator.fault(
        method="PUT",
        path="settings/tfaapp$",
        status=503,
        body="<html>busy</html>",
        content_type="text/html",
        headers={"Retry-After": "1"},
    )

    answer = portal.set_policy(type="App")

    assert answer.status_code == 503
    assert answer.text == "<html>busy</html>"
    assert answer.headers["Content-Type"] == "text/html"
    assert answer.headers["Retry-After"] == "1"
    assert portal.policy()["app"]["enabled"] is False


def test_a_fault_applies_the_given_number_of_times(portal):
    portal.emulator.fault(path="portal$", status=502, times=2)

    statuses = [portal.get("portal").status_code for _attempt in range(3)]

    assert statuses == [502, 502, 200]


def test_a_fault_matches_only_its_method(portal):
    portal.emulator.fault(method="PUT", path="tfaapp", status=500)

    assert portal.get("settings/tfaapp").status_code == 200
    assert portal.set_policy(type="None").status_code == 500


def test_a_fault_can_be_limited_to_one_portal(portal, second_portal):
    portal.emulator.fault(path="portal$", status=500, portal=second_portal.name)

    assert portal.get("portal").status_code == 200
    assert second_portal.get("portal").status_code == 500


def test_a_negative_times_never_runs_out(portal):
    portal.emulator.fault(path="portal$", status=500, times=-1)

    assert {portal.get("portal").status_code for _attempt in range(4)} == {500}


def test_a_delay_only_fault_slows_the_normal_answer(portal):
    portal.emulator.fault(path="portal$", delay=0.4)

    started = time.monotonic()
    answer = portal.get("portal")

    assert time.monotonic() - started >= 0.4
    assert answer.status_code == 200
    assert answer.json()["response"]["tenantAlias"] == portal.name


def test_a_delayed_request_can_time_out_at_the_client(portal):
    portal.emulator.fault(path="portal$", delay=1.5)

    with pytest.raises(requests.Timeout):
        portal.get("portal", timeout=0.3)


def test_a_dropped_connection_gets_no_answer(portal):
    portal.emulator.fault(path="portal$", drop=True)

    with pytest.raises(requests.ConnectionError):
        portal.get("portal")
    assert portal.get("portal").status_code == 200


def test_faulted_requests_are_logged(portal):
    portal.emulator.clear_log()
    portal.emulator.fault(path="portal$", status=503)
    portal.emulator.fault(path="group$", drop=True)

    portal.get("portal")
    with pytest.raises(requests.ConnectionError):
        portal.get("group")

    assert [(e["path"], e["status"]) for e in portal.emulator.log()] == [
        ("/api/2.0/portal", 503),
        ("/api/2.0/group", None),
    ]


def test_faults_can_be_listed_and_cleared(portal):
    portal.emulator.fault(path="portal$", status=500, times=5)

    assert portal.emulator.faults()[0]["times"] == 5
    portal.emulator.clear_faults()
    assert portal.emulator.faults() == []
    assert portal.get("portal").status_code == 200


@pytest.mark.parametrize(
    "fields",
    [{"path": "("}, {"status": "500"}, {"times": True}, {"bogus": 1}, {"headers": {"a": 1}}],
)
def test_bad_fault_definitions_are_refused(portal, fields):
    answer = requests.post(
        portal.emulator.base_url + "/__emulator__/faults", json=fields, timeout=10
    )

    assert answer.status_code == 400


def test_reset_clears_the_faults(portal):
    portal.emulator.fault(path="portal$", status=500)

    portal.emulator.reset()

    assert portal.get("portal").status_code == 200


# Clock and config --------------------------------------------------------------------


def test_the_clock_offset_is_set_not_added(portal):
    portal.emulator.clock(100)
    answer = portal.emulator.clock(100)

    assert answer["offset"] == 100
    assert abs(portal.emulator.now() - time.time() - 100) < 5
    assert portal.emulator.clock(0)["offset"] == 0


def test_config_switches_apply_per_portal(portal, second_portal):
    portal.emulator.config(portal.name, hide_sms=True)

    assert list(portal.policy()) == ["app"]
    assert list(second_portal.policy()) == ["sms", "app"]


def test_config_without_a_portal_applies_everywhere(portal, second_portal):
    portal.emulator.config(sms_provider=True)

    assert portal.policy()["sms"]["available"] is True
    assert second_portal.policy()["sms"]["available"] is True


def test_config_refuses_unknown_switches(portal):
    answer = requests.post(
        portal.emulator.base_url + "/__emulator__/config", json={"colour": True}, timeout=10
    )

    assert answer.status_code == 400
