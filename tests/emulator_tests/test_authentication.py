"""Logging in, the TFA login step, and the ways a request can carry credentials."""

from __future__ import annotations

import base64
from datetime import datetime

import requests

from docspace_emulator import totp


def basic(account: dict, password: str | None = None) -> str:
    pair = f"{account['email']}:{password or account['password']}".encode()
    return "Basic " + base64.b64encode(pair).decode()


def test_login_answers_a_token_and_its_expiry(portal):
    answer = portal.login("owner")

    assert answer.status_code == 200
    response = answer.json()["response"]
    assert response["token"]
    assert response["tfa"] is False
    assert response["sms"] is False
    assert datetime.fromisoformat(response["expires"][:26])
    assert "confirmUrl" not in response
    assert "tfaKey" not in response


def test_login_sets_the_auth_cookie_on_the_portal_path(portal):
    answer = portal.login("owner")

    assert answer.cookies["asc_auth_key"] == answer.json()["response"]["token"]
    assert f"Path=/{portal.name}" in answer.headers["Set-Cookie"]
    assert "HttpOnly" in answer.headers["Set-Cookie"]


def test_login_matches_the_email_case_insensitively(portal):
    body = {"userName": portal["user"]["email"].upper(), "password": portal["user"]["password"]}

    assert portal.request("POST", "authentication", json=body).status_code == 200


def test_wrong_password_or_unknown_user_is_401_user_authentication_failed(portal):
    for body in (
        {"userName": portal["user"]["email"], "password": "wrong"},
        {"userName": "nobody@example.test", "password": "x"},
    ):
        answer = portal.request("POST", "authentication", json=body)
        assert answer.status_code == 401
        assert answer.json()["error"]["message"] == "User authentication failed"


def test_login_without_credentials_is_400(portal):
    answer = portal.request("POST", "authentication", json={"userName": "", "password": ""})

    assert answer.status_code == 400
    assert answer.json()["error"]["type"] == "System.ArgumentException"


def test_raw_token_header_authenticates(portal):
    token = portal.token("user")

    answer = portal.request("GET", "people/@self", token=token)

    assert answer.status_code == 200
    assert answer.json()["response"]["id"] == portal["user"]["id"]


def test_bearer_token_header_authenticates(portal):
    token = portal.token("user")

    assert portal.request("GET", "people/@self", token="Bearer " + token).status_code == 200


def test_auth_cookie_authenticates(portal):
    token = portal.token("admin")

    answer = portal.request("GET", "people/@self", cookies={"asc_auth_key": token})

    assert answer.json()["response"]["id"] == portal["admin"]["id"]


def test_the_auth_cookie_wins_over_the_authorization_header(portal):
    good = portal.token("user")

    bad_header = portal.request(
        "GET", "people/@self", token="not-a-token", cookies={"asc_auth_key": good}
    )
    bad_cookie = portal.request(
        "GET", "people/@self", token=good, cookies={"asc_auth_key": "not-a-token"}
    )

    assert bad_header.status_code == 200
    assert bad_cookie.status_code == 401


def test_api_key_authenticates_as_its_owner(portal):
    answer = portal.get("people/@self", role="admin")

    assert answer.json()["response"]["id"] == portal["admin"]["id"]


def test_unknown_api_key_is_401(portal):
    assert portal.request("GET", "people/@self", token="Bearer sk-unknown").status_code == 401


def test_basic_authenticates_and_answers_with_www_authenticate(portal):
    answer = portal.request("GET", "people/@self", token=basic(portal["user"]))

    assert answer.status_code == 200
    assert answer.headers["WWW-Authenticate"] == "Basic"
    assert answer.json()["response"]["id"] == portal["user"]["id"]


def test_basic_with_a_wrong_password_is_401(portal):
    answer = portal.request("GET", "people/@self", token=basic(portal["user"], "wrong"))

    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == "Basic"


def test_basic_skips_tfa(portal):
    portal.enable_app()

    answer = portal.request("GET", "settings/tfaapp", token=basic(portal["user"]))

    assert answer.status_code == 200


def test_a_token_of_one_portal_does_not_open_another(portal, second_portal):
    token = portal.token("owner")

    assert second_portal.request("GET", "people/@self", token=token).status_code == 401
    headers = {"Authorization": "Bearer " + portal["owner"]["api_key"]}
    assert second_portal.request("GET", "portal", headers=headers).status_code == 401


def test_logout_ends_the_session(portal):
    token = portal.token("user")

    answer = portal.request("POST", "authentication/logout", token=token)

    assert answer.status_code == 200
    assert "response" not in answer.json()
    assert portal.request("GET", "people/@self", token=token).status_code == 401


def test_login_when_tfa_applies_answers_a_confirm_url_and_no_token(portal):
    portal.enable_app()

    answer = portal.login("user")

    assert answer.status_code == 200
    response = answer.json()["response"]
    assert "token" not in response
    assert response["tfa"] is True
    uid = portal["user"]["id"]
    assert response["confirmUrl"] == (
        f"{portal.url}/confirm/TfaActivation?type=TfaActivation&uid={uid}"
    )
    # Not linked yet: the secret is handed out as tfaKey, 16 base32 characters.
    assert len(response["tfaKey"]) == 16
    assert set(response["tfaKey"]) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert "asc_confirm_key_TfaActivation" in answer.cookies
    assert "asc_auth_key" not in answer.cookies


def test_tfa_login_after_linking_asks_for_tfa_auth_without_tfa_key(portal):
    portal.enable_app()
    portal.link("user")

    answer = portal.login("user")

    response = answer.json()["response"]
    assert "tfaKey" not in response
    assert "/confirm/TfaAuth?type=TfaAuth&uid=" in response["confirmUrl"]
    assert "asc_confirm_key_TfaAuth" in answer.cookies


def test_tfa_key_from_login_is_the_setup_secret(portal):
    portal.enable_app()
    tfa_key = portal.login("user").json()["response"]["tfaKey"]

    assert portal.setup("user")["manualEntryKey"] == tfa_key


def code_login(portal, role, code):
    account = portal[role]
    body = {"userName": account["email"], "password": account["password"], "code": code}
    return portal.request("POST", f"authentication/{code}", json=body)


def test_login_with_a_totp_code_answers_a_token(portal):
    portal.enable_app()
    linked = portal.link("user")

    answer = code_login(portal, "user", portal.code(linked.key))

    assert answer.status_code == 200
    token = answer.json()["response"]["token"]
    assert portal.request("GET", "people/@self", token=token).status_code == 200


def test_login_with_a_code_links_an_app_on_first_use(portal):
    portal.enable_app()
    tfa_key = portal.login("user").json()["response"]["tfaKey"]

    answer = code_login(portal, "user", portal.code(totp.key_from_manual_entry(tfa_key)))

    assert answer.status_code == 200
    assert portal.state()["users"]["user"]["codes_total"] == 5


def test_login_with_a_wrong_code_is_401(portal):
    portal.enable_app()
    portal.link("user")

    answer = code_login(portal, "user", "000000x")

    assert answer.status_code == 401
    assert answer.json()["error"]["message"] == "User authentication failed"


def test_the_code_in_the_path_is_not_what_is_checked(portal):
    portal.enable_app()
    linked = portal.link("user")
    account = portal["user"]
    body = {"userName": account["email"], "password": account["password"], "code": "nope"}

    answer = portal.request("POST", f"authentication/{portal.code(linked.key)}", json=body)

    assert answer.status_code == 401


def test_a_backup_code_logs_in_once(portal):
    portal.enable_app()
    linked = portal.link("user")

    first = code_login(portal, "user", linked.codes[0])
    second = code_login(portal, "user", linked.codes[0])

    assert first.status_code == 200
    assert second.status_code == 401
    assert second.json()["error"]["message"] == "User authentication failed"


def test_trusted_ip_login_gets_a_token_directly(portal):
    portal.enable_app(trustedIps=["127.0.0.1"])

    answer = portal.login("user")

    assert "token" in answer.json()["response"]


def test_session_cookie_from_login_is_usable_by_a_cookie_jar(portal):
    session = requests.Session()
    account = portal["user"]
    session.post(
        portal.api + "authentication",
        json={"userName": account["email"], "password": account["password"]},
        timeout=30,
    )

    assert session.get(portal.api + "people/@self", timeout=30).status_code == 200
