"""Backup codes (GET tfaappcodes, PUT tfaappnewcodes) and unlinking (PUT tfaappnewapp)."""

from __future__ import annotations

import pytest

NOT_AVAILABLE = "TFA application settings are not available"
NO_PERMISSIONS = "No permissions to perform this action"


def error_of(answer) -> tuple:
    return answer.status_code, answer.json()["error"]["message"]


# Backup codes -------------------------------------------------------------------


def test_codes_of_an_unlinked_user_are_403_not_available(portal):
    portal.enable_app()

    assert error_of(portal.get("settings/tfaappcodes", role="user")) == (403, NOT_AVAILABLE)


def test_codes_answer_every_code_in_plain_text(portal):
    portal.enable_app()
    linked = portal.link("user")

    codes = portal.get("settings/tfaappcodes", role="user").json()["response"]

    assert codes == [{"isUsed": False, "code": code} for code in linked.codes]


def test_codes_are_the_callers_own(portal):
    portal.enable_app()
    portal.link("user")

    assert portal.get("settings/tfaappcodes", role="owner").status_code == 403


def test_codes_while_the_policy_is_off_are_403_even_when_linked(portal):
    portal.enable_app()
    portal.link("user")
    portal.set_policy(type="None")

    assert error_of(portal.get("settings/tfaappcodes", role="user")) == (403, NOT_AVAILABLE)


def test_new_codes_replace_the_set_and_keep_the_secret(portal):
    portal.enable_app()
    linked = portal.link("user")

    answer = portal.put("settings/tfaappnewcodes", role="user")

    fresh = answer.json()["response"]
    assert answer.status_code == 200
    assert len(fresh) == 5
    assert not any(item["isUsed"] for item in fresh)
    assert {item["code"] for item in fresh}.isdisjoint(linked.codes)
    assert portal.state()["users"]["user"]["secret"] == linked.manual_entry_key
    assert portal.get("settings/tfaappcodes", role="user").json()["response"] == fresh


def test_new_codes_are_not_idempotent(portal):
    portal.enable_app()
    portal.link("user")

    first = portal.put("settings/tfaappnewcodes", role="user").json()["response"]
    second = portal.put("settings/tfaappnewcodes", role="user").json()["response"]

    assert first != second


def test_new_codes_ignore_the_policy_being_off(portal):
    portal.enable_app()
    portal.link("user")
    portal.set_policy(type="None")

    assert portal.put("settings/tfaappnewcodes", role="user").status_code == 200


def test_new_codes_for_an_unlinked_user_are_403(portal):
    portal.enable_app()

    assert error_of(portal.put("settings/tfaappnewcodes", role="user")) == (403, NOT_AVAILABLE)


def test_new_codes_are_audited_as_user_connected_tfa_app(portal):
    portal.enable_app()
    portal.link("user")
    portal.put("settings/tfaappnewcodes", role="user")

    assert portal.state()["audit"][-1]["name"] == "UserConnectedTfaApp"


# Unlinking ------------------------------------------------------------------------


def unlink(portal, caller, target=None, **extra):
    body = dict(extra)
    if target is not None:
        body["id"] = portal[target]["id"] if target in ("owner", "admin", "user") else target
    return portal.put("settings/tfaappnewapp", body, role=caller)


def test_unlinking_yourself_without_an_id_is_403_not_available(portal):
    # The empty id finds DocSpace's LostUser placeholder, which has no codes.
    portal.enable_app()
    portal.link("owner")

    assert error_of(unlink(portal, "owner")) == (403, NOT_AVAILABLE)
    assert portal.state()["users"]["owner"]["linked"] is True


def test_unlinking_yourself_with_your_id_answers_a_fresh_activation_link(portal):
    portal.enable_app()
    portal.link("user")

    answer = unlink(portal, "user", "user")

    uid = portal["user"]["id"]
    assert answer.status_code == 200
    assert answer.json()["response"] == (
        f"{portal.url}/confirm/TfaActivation?type=TfaActivation&uid={uid}"
    )
    assert "asc_confirm_key_TfaActivation" in answer.cookies
    assert portal.state()["users"]["user"]["linked"] is False


def token_with_code(portal, role: str, code: str) -> str:
    """Log in with a TFA code (a backup code serves as well as TOTP)."""
    account = portal[role]
    body = {"userName": account["email"], "password": account["password"], "code": code}
    answer = portal.request("POST", "authentication/code", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()["response"]["token"]


def test_unlinking_yourself_ends_your_sessions_but_sends_a_new_cookie(portal):
    portal.enable_app()
    old_token = token_with_code(portal, "user", portal.link("user").codes[0])

    answer = portal.request(
        "PUT", "settings/tfaappnewapp", token=old_token, json={"id": portal["user"]["id"]}
    )

    new_token = answer.cookies["asc_auth_key"]
    assert portal.request("GET", "people/@self", token=old_token).status_code == 401
    assert portal.request("GET", "people/@self", token=new_token).status_code == 200


def test_relinking_after_unlink_gets_a_new_secret(portal):
    portal.enable_app()
    linked = portal.link("user")
    unlink(portal, "user", "user")

    assert portal.setup("user")["manualEntryKey"] != linked.manual_entry_key


def test_owner_may_unlink_another_user_and_the_answer_is_empty(portal):
    portal.enable_app()
    portal.link("user")

    answer = unlink(portal, "owner", "user")

    assert answer.status_code == 200
    assert answer.json()["response"] == ""
    assert "asc_auth_key" not in answer.cookies
    assert portal.state()["users"]["user"]["linked"] is False


def test_unlinking_a_user_ends_their_sessions_but_not_their_api_key(portal):
    portal.enable_app()
    user_token = token_with_code(portal, "user", portal.link("user").codes[0])
    owner_token = token_with_code(portal, "owner", portal.link("owner").codes[0])

    unlink(portal, "owner", "user")

    assert portal.request("GET", "people/@self", token=user_token).status_code == 401
    assert portal.get("people/@self", role="user").status_code == 200
    assert portal.request("GET", "people/@self", token=owner_token).status_code == 200


@pytest.mark.parametrize("caller", ["admin", "user"])
def test_only_the_owner_may_unlink_someone_else(portal, caller):
    portal.enable_app()
    target = "owner" if caller == "user" else "user"
    portal.link(target)

    answer = unlink(portal, caller, target)

    assert error_of(answer) == (403, NO_PERMISSIONS)
    assert portal.state()["users"][target]["linked"] is True


def test_unlinking_a_user_who_is_not_linked_is_403_not_available(portal):
    portal.enable_app()

    assert error_of(unlink(portal, "owner", "user")) == (403, NOT_AVAILABLE)


def test_unlinking_an_unknown_id_is_403_not_available(portal):
    answer = unlink(portal, "owner", "11111111-2222-3333-4444-555555555555")

    assert error_of(answer) == (403, NOT_AVAILABLE)


def test_unlinking_works_while_the_policy_is_off(portal):
    portal.enable_app()
    portal.link("user")
    portal.set_policy(type="None")

    assert unlink(portal, "owner", "user").status_code == 200


def test_unlink_keeps_the_portal_policy(portal):
    portal.enable_app(trustedIps=["10.0.0.1"])
    portal.link("user")

    unlink(portal, "owner", "user")

    assert portal.policy()["app"]["enabled"] is True
    assert portal.policy()["app"]["trustedIps"] == ["10.0.0.1"]


@pytest.mark.parametrize("bad_id", ["", "not-a-guid"])
def test_unlink_with_a_malformed_id_is_a_validation_400(portal, bad_id):
    answer = unlink(portal, "owner", bad_id)

    assert answer.status_code == 400
    assert "$.id" in answer.json()["response"]["errors"]


def test_unlink_is_audited(portal):
    portal.enable_app()
    portal.link("user")
    unlink(portal, "owner", "user")

    assert portal.state()["audit"][-1]["name"] == "UserDisconnectedTfaApp"


def test_people_reports_the_link_state(portal):
    portal.enable_app()
    user_id = portal["user"]["id"]
    before = portal.get(f"people/{user_id}").json()["response"]["tfaAppEnabled"]
    portal.link("user")
    linked = portal.get(f"people/{user_id}").json()["response"]["tfaAppEnabled"]
    unlink(portal, "owner", "user")
    after = portal.get(f"people/{user_id}").json()["response"]["tfaAppEnabled"]

    assert (before, linked, after) == (False, True, False)
