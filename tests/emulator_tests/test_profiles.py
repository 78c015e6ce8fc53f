"""The 3.6 and "next" profiles: what differs from 3.7."""

from __future__ import annotations

import pytest

from docspace_emulator import totp

NOT_AVAILABLE = "TFA application settings are not available"


@pytest.fixture(scope="module")
def emulator_36(emulator_factory):
    return emulator_factory(profile="3.6", portals=2)


@pytest.fixture(scope="module")
def emulator_next(emulator_factory):
    return emulator_factory(profile="next", portals=2)


@pytest.fixture
def v36(emulator_36, client_for):
    emulator_36.reset()
    return client_for(emulator_36)


@pytest.fixture
def vnext(emulator_next, client_for):
    emulator_next.reset()
    return client_for(emulator_next)


# 3.6 ----------------------------------------------------------------------------------


def test_36_reports_its_profile(emulator_36):
    assert emulator_36.profile == "3.6"


def test_36_spells_the_field_avaliable(v36):
    items = v36.get("settings/tfaapp").json()["response"]

    assert [item["avaliable"] for item in items] == [False, True]
    assert all("available" not in item for item in items)


def test_36_confirm_is_a_string(v36):
    v36.enable_app()

    data = v36.get("settings/tfaapp/confirm", role="user").json()["response"]

    uid = v36["user"]["id"]
    assert data == f"{v36.url}/confirm/TfaActivation?type=TfaActivation&uid={uid}"


def test_36_confirm_is_an_empty_string_when_tfa_is_off(v36):
    body = v36.get("settings/tfaapp/confirm", role="user").json()

    assert body["response"] == ""
    assert body["count"] == 1


def test_36_validate_is_open_to_any_signed_in_user(v36):
    v36.enable_app()
    confirm = v36.get("settings/tfaapp/confirm", role="user")
    key = confirm.cookies["asc_confirm_key_TfaActivation"]
    setup = v36.request(
        "GET",
        "settings/tfaapp/setup",
        headers=v36.confirm_header("user", "TfaActivation", key),
    ).json()["response"]
    secret = totp.key_from_manual_entry(setup["manualEntryKey"])

    answer = v36.post("settings/tfaapp/validate", {"code": v36.code(secret)}, role="user")

    assert answer.status_code == 200
    assert answer.json()["response"] is True


def test_36_validation_400_keeps_status_0(v36):
    answer = v36.set_policy(type="App", mandatoryUsers=["not-a-guid"])

    assert answer.status_code == 400
    assert answer.json()["status"] == 0
    assert "$.mandatoryUsers[0]" in answer.json()["response"]["errors"]


def test_36_put_tfaapp_has_no_owner_guard(v36):
    answer = v36.set_policy(role="admin", type="App", mandatoryUsers=[v36["owner"]["id"]])

    assert answer.json()["response"] is True


def test_36_withlink_keeps_the_owner_guard(v36):
    answer = v36.put(
        "settings/tfaappwithlink",
        {"type": "App", "mandatoryUsers": [v36["owner"]["id"]]},
        role="admin",
    )

    assert answer.status_code == 403


def test_36_withlink_for_an_exempt_caller_answers_an_empty_string(v36):
    answer = v36.put("settings/tfaappwithlink", {"type": "App", "trustedIps": ["127.0.0.1"]})

    assert answer.status_code == 200
    assert answer.json()["response"] == ""


def test_36_not_available_is_403(v36):
    answer = v36.get("settings/tfaappcodes", role="user")

    assert answer.status_code == 403
    assert answer.json()["error"]["message"] == NOT_AVAILABLE


# next -------------------------------------------------------------------------------


def test_next_spells_the_field_available(vnext):
    assert [item["available"] for item in vnext.get("settings/tfaapp").json()["response"]] == [
        False,
        True,
    ]


def test_next_not_available_is_405_without_stack(vnext):
    answer = vnext.get("settings/tfaappcodes", role="user")

    assert answer.status_code == 405
    error = answer.json()["error"]
    assert error["message"] == NOT_AVAILABLE
    assert error["stack"] is None
    assert answer.json()["statusCode"] == 405


def test_next_hidden_sms_is_405(vnext):
    vnext.emulator.config(vnext.name, hide_sms=True)

    answer = vnext.set_policy(type="Sms")

    assert answer.status_code == 405
    assert answer.json()["error"]["message"] == "SMS settings are not available"


@pytest.mark.parametrize("entry", ["not-an-ip", "10.0.0.300", "10.0.0.1-bad", "10.0.0.0/99"])
def test_next_validates_trusted_ips_with_a_400(vnext, entry):
    answer = vnext.set_policy(type="App", trustedIps=[entry])

    assert answer.status_code == 400
    assert answer.json()["status"] == 1
    assert vnext.policy()["app"]["enabled"] is False


@pytest.mark.parametrize(
    "entry", ["10.0.0.1", "10.0.0.1-10.0.0.9", "10.0.0.0/8", "2001:db8::1", "2001:db8::/32"]
)
def test_next_accepts_valid_trusted_ips(vnext, entry):
    assert vnext.set_policy(type="App", trustedIps=[entry]).json()["response"] is True


def test_next_withlink_for_an_exempt_caller_answers_an_empty_string(vnext):
    answer = vnext.put("settings/tfaappwithlink", {"type": "App", "trustedIps": ["127.0.0.1"]})

    assert answer.status_code == 200
    assert answer.json()["response"] == ""


@pytest.mark.parametrize("target", [None, "11111111-2222-3333-4444-555555555555"])
def test_next_unlink_of_an_empty_or_unknown_id_is_403(vnext, target):
    vnext.enable_app()
    vnext.link("owner")
    body = {} if target is None else {"id": target}

    answer = vnext.put("settings/tfaappnewapp", body)

    assert answer.status_code == 403
    assert answer.json()["error"]["message"] == "Access denied"


def test_next_confirm_is_an_object(vnext):
    vnext.enable_app()

    data = vnext.get("settings/tfaapp/confirm", role="user").json()["response"]

    assert data["cookieName"] == "asc_confirm_key_TfaActivation"
