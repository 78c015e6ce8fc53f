"""GET/PUT settings/tfaapp and PUT settings/tfaappwithlink: the portal policy."""

from __future__ import annotations

import base64

import pytest


def test_default_policy_lists_sms_without_provider_and_app_off(portal):
    answer = portal.get("settings/tfaapp")

    assert answer.json()["response"] == [
        {"id": "sms", "title": "By SMS", "enabled": False, "available": False},
        {"id": "app", "title": "By authenticator app", "enabled": False, "available": True},
    ]


@pytest.mark.parametrize("role", ["owner", "admin", "user"])
def test_any_signed_in_user_may_read_the_policy(portal, role):
    assert portal.get("settings/tfaapp", role=role).status_code == 200


def test_a_plain_user_may_not_change_the_policy(portal):
    answer = portal.set_policy(role="user", type="App")

    assert answer.status_code == 403
    assert answer.json()["error"]["message"] == "Access denied"
    assert portal.policy()["app"]["enabled"] is False


@pytest.mark.parametrize("role", ["owner", "admin"])
def test_owner_and_docspace_admin_may_enable_the_app(portal, role):
    answer = portal.set_policy(role=role, type="App")

    assert answer.status_code == 200
    assert answer.json()["response"] is True
    assert portal.policy()["app"]["enabled"] is True


def test_enabling_stores_the_lists_and_a_missing_list_as_empty(portal):
    group = portal["group"]["id"]
    portal.enable_app(trustedIps=["10.0.0.0/8"], mandatoryGroups=[group])

    app = portal.policy()["app"]

    assert app["trustedIps"] == ["10.0.0.0/8"]
    assert app["mandatoryGroups"] == [group]
    assert app["mandatoryUsers"] == []


def test_each_list_is_replaced_whole(portal):
    portal.enable_app(trustedIps=["10.0.0.1", "10.0.0.2"])
    portal.enable_app(trustedIps=["10.0.0.3"])

    assert portal.policy()["app"]["trustedIps"] == ["10.0.0.3"]


def test_guids_are_stored_in_lower_case(portal):
    user = portal["user"]["id"]
    portal.enable_app(mandatoryUsers=[user.upper()])

    assert portal.policy()["app"]["mandatoryUsers"] == [user]


def test_unknown_user_and_group_ids_are_accepted(portal):
    ghost = "11111111-2222-3333-4444-555555555555"

    portal.enable_app(mandatoryUsers=[ghost], mandatoryGroups=[ghost])

    assert portal.policy()["app"]["mandatoryUsers"] == [ghost]


@pytest.mark.parametrize("value", ["App", "app", "APP", 2, "2"])
def test_type_app_as_name_any_case_integer_or_numeric_string(portal, value):
    answer = portal.set_policy(type=value)

    assert answer.json()["response"] is True
    assert portal.policy()["app"]["enabled"] is True


@pytest.mark.parametrize("value", ["None", "none", 0, "0", 99, "99", -1])
def test_type_none_or_an_unknown_integer_disables_and_answers_false(portal, value):
    portal.enable_app()

    answer = portal.set_policy(type=value)

    assert answer.status_code == 200
    assert answer.json()["response"] is False
    assert portal.policy()["app"]["enabled"] is False


def test_type_99_answers_false_and_the_policy_is_off(portal):
    portal.enable_app()

    assert portal.set_policy(type=99).json()["response"] is False
    assert portal.state()["policy"]["app"]["enable"] is False


def test_a_missing_type_means_none(portal):
    portal.enable_app()

    assert portal.put("settings/tfaapp", {}).json()["response"] is False
    assert portal.policy()["app"]["enabled"] is False


def test_disable_answers_false_even_when_already_off(portal):
    assert portal.set_policy(type="None").json()["response"] is False
    assert portal.set_policy(type="None").json()["response"] is False


def test_disable_wipes_the_lists(portal):
    portal.enable_app(trustedIps=["10.0.0.1"])
    portal.set_policy(type="None")

    app = portal.policy()["app"]

    assert "trustedIps" not in app
    assert "mandatoryUsers" not in app
    assert "mandatoryGroups" not in app


def test_sms_without_a_provider_is_403_with_the_dotnet_default_message(portal):
    answer = portal.set_policy(type="Sms")

    assert answer.status_code == 403
    error = answer.json()["error"]
    assert error["message"] == "Operation is not valid due to the current state of the object."
    assert error["type"] == "System.InvalidOperationException"


def test_sms_with_a_provider_enables_sms_and_turns_the_app_off(portal):
    portal.emulator.config(portal.name, sms_provider=True)
    portal.enable_app(trustedIps=["10.0.0.1"])

    answer = portal.set_policy(type="Sms", trustedIps=["10.0.0.2"])

    assert answer.json()["response"] is True
    policy = portal.policy()
    assert policy["sms"]["enabled"] is True
    assert policy["sms"]["available"] is True
    assert policy["sms"]["trustedIps"] == ["10.0.0.2"]
    assert policy["app"]["enabled"] is False
    assert "trustedIps" not in policy["app"]


def test_enabling_the_app_turns_sms_off(portal):
    portal.emulator.config(portal.name, sms_provider=True)
    portal.set_policy(type="Sms")

    portal.enable_app()

    assert portal.policy()["sms"]["enabled"] is False


def test_hidden_sms_is_not_listed_and_cannot_be_enabled(portal):
    portal.emulator.config(portal.name, hide_sms=True, sms_provider=True)

    answer = portal.set_policy(type="Sms")

    assert list(portal.policy()) == ["app"]
    assert answer.status_code == 403
    assert answer.json()["error"]["message"] == "SMS settings are not available"


def test_hidden_app_is_not_listed_and_cannot_be_enabled(portal):
    portal.emulator.config(portal.name, hide_app=True)

    answer = portal.set_policy(type="App")

    assert list(portal.policy()) == ["sms"]
    assert answer.status_code == 403
    assert answer.json()["error"]["message"] == "TFA application settings are not available"


def test_an_enabled_policy_makes_the_previous_token_answer_401(portal):
    owner_token = portal.token("owner")
    user_token = portal.token("user")

    answer = portal.request("PUT", "settings/tfaapp", token=owner_token, json={"type": "App"})

    assert answer.json()["response"] is True
    assert portal.request("GET", "settings/tfaapp", token=owner_token).status_code == 401
    assert portal.request("GET", "settings/tfaapp", token=user_token).status_code == 401


def test_an_enabled_policy_also_ends_cookie_sessions(portal):
    token = portal.token("user")

    portal.enable_app()

    answer = portal.request("GET", "settings/tfaapp", cookies={"asc_auth_key": token})
    assert answer.status_code == 401


def test_api_keys_and_basic_survive_enabling(portal):
    portal.enable_app()
    pair = f"{portal['user']['email']}:{portal['user']['password']}".encode()

    assert portal.get("settings/tfaapp", role="admin").status_code == 200
    basic = "Basic " + base64.b64encode(pair).decode()
    assert portal.request("GET", "settings/tfaapp", token=basic).status_code == 200


def test_re_enabling_the_same_policy_still_ends_sessions(portal):
    # A trusted IP lets the user log in without TFA while the policy is on.
    portal.enable_app(trustedIps=["127.0.0.1"])
    token = portal.token("user")

    portal.enable_app(trustedIps=["127.0.0.1"])

    assert portal.request("GET", "settings/tfaapp", token=token).status_code == 401


def test_disabling_keeps_sessions(portal):
    token = portal.token("user")

    portal.set_policy(type="None")

    assert portal.request("GET", "settings/tfaapp", token=token).status_code == 200


def test_every_put_is_audited(portal):
    portal.enable_app()
    portal.enable_app()
    portal.set_policy(type=99)

    actions = [event["action"] for event in portal.state()["audit"]]

    assert actions == [6038, 6038, 6036]


def test_trusted_ips_are_stored_unvalidated(portal):
    portal.enable_app(trustedIps=["not-an-ip"])

    assert portal.policy()["app"]["trustedIps"] == ["not-an-ip"]


def test_a_bad_trusted_ip_makes_later_logins_fail_with_500(portal):
    portal.enable_app(trustedIps=["not-an-ip"])

    answer = portal.login("user")

    assert answer.status_code == 500
    assert answer.json()["error"]["type"] == "System.FormatException"


# The owner guard -----------------------------------------------------------------


def test_admin_may_not_make_tfa_mandatory_for_the_owner(portal):
    answer = portal.set_policy(role="admin", type="App", mandatoryUsers=[portal["owner"]["id"]])

    assert answer.status_code == 403
    assert answer.json()["error"]["message"] == "No permissions to perform this action"
    assert portal.policy()["app"]["enabled"] is False


def test_even_the_owner_must_send_their_own_id_to_be_mandatory(portal):
    owner = portal["owner"]["id"]

    without_id = portal.set_policy(type="App", mandatoryUsers=[owner])
    with_id = portal.set_policy(type="App", mandatoryUsers=[owner], id=owner)

    assert without_id.status_code == 403
    assert with_id.json()["response"] is True
    assert portal.policy()["app"]["mandatoryUsers"] == [owner]


def test_admin_may_not_name_the_owner_in_id(portal):
    answer = portal.set_policy(role="admin", type="App", id=portal["owner"]["id"])

    assert answer.status_code == 403


def test_admin_may_make_tfa_mandatory_for_other_users(portal):
    answer = portal.set_policy(role="admin", type="App", mandatoryUsers=[portal["user"]["id"]])

    assert answer.json()["response"] is True


def test_the_guard_also_applies_to_a_disable(portal):
    answer = portal.set_policy(role="admin", type="None", id=portal["owner"]["id"])

    assert answer.status_code == 403


# PUT settings/tfaappwithlink ---------------------------------------------------------


def test_withlink_disable_answers_an_empty_string(portal):
    answer = portal.put("settings/tfaappwithlink", {"type": "None"})

    assert answer.json()["response"] == ""


def test_withlink_enable_answers_the_callers_confirm_url_and_cookie(portal):
    answer = portal.put("settings/tfaappwithlink", {"type": "App"})

    assert answer.status_code == 200
    uid = portal["owner"]["id"]
    assert answer.json()["response"] == (
        f"{portal.url}/confirm/TfaActivation?type=TfaActivation&uid={uid}"
    )
    assert "asc_confirm_key_TfaActivation" in answer.cookies
    assert portal.policy()["app"]["enabled"] is True


def test_withlink_has_the_same_permission_rule(portal):
    answer = portal.put("settings/tfaappwithlink", {"type": "App"}, role="user")

    assert answer.status_code == 403
    assert answer.json()["error"]["message"] == "Access denied"


def test_withlink_for_an_exempt_caller_fails_with_500_after_saving(portal):
    # 3.7 reads the null confirm link of a caller on a trusted IP.
    answer = portal.put("settings/tfaappwithlink", {"type": "App", "trustedIps": ["127.0.0.1"]})

    assert answer.status_code == 500
    assert answer.json()["error"]["type"] == "System.NullReferenceException"
    assert portal.policy()["app"]["enabled"] is True
    assert portal.policy()["app"]["trustedIps"] == ["127.0.0.1"]


def test_withlink_enabling_ends_sessions_too(portal):
    token = portal.token("user")

    portal.put("settings/tfaappwithlink", {"type": "App"})

    assert portal.request("GET", "settings/tfaapp", token=token).status_code == 401
