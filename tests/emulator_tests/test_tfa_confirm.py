"""GET settings/tfaapp/confirm, "enabled for user" with trusted IPs and mandatory lists,
and the confirm scheme that tfaapp/setup and tfaapp/validate require."""

from __future__ import annotations

import re
import time

import pytest

KEY_FORMAT = re.compile(r"^\d+\.[A-Z0-9]+$")


def test_confirm_is_null_while_tfa_is_off(portal):
    body = portal.get("settings/tfaapp/confirm", role="user").json()

    assert "response" not in body
    assert body["count"] == 0


def test_confirm_answers_url_cookie_name_and_value_and_sets_the_cookie(portal):
    portal.enable_app()

    answer = portal.get("settings/tfaapp/confirm", role="user")

    data = answer.json()["response"]
    uid = portal["user"]["id"]
    assert data["url"] == f"{portal.url}/confirm/TfaActivation?type=TfaActivation&uid={uid}"
    assert data["cookieName"] == "asc_confirm_key_TfaActivation"
    assert KEY_FORMAT.match(data["cookieValue"])
    assert answer.cookies["asc_confirm_key_TfaActivation"] == data["cookieValue"]
    assert "key=" not in data["url"]


def test_the_key_counts_milliseconds_since_2010(portal):
    portal.enable_app()
    before = (time.time() - 1262304000) * 1000

    key = portal.get("settings/tfaapp/confirm").json()["response"]["cookieValue"]

    assert abs(int(key.split(".")[0]) - before) < 60_000


def test_confirm_asks_a_linked_user_for_tfa_auth(portal):
    portal.enable_app()
    portal.link("user")

    data = portal.get("settings/tfaapp/confirm", role="user").json()["response"]

    assert "/confirm/TfaAuth?type=TfaAuth&uid=" in data["url"]
    assert data["cookieName"] == "asc_confirm_key_TfaAuth"


@pytest.mark.parametrize("role", ["owner", "admin", "user"])
def test_confirm_is_open_to_every_user(portal, role):
    portal.enable_app()

    assert portal.get("settings/tfaapp/confirm", role=role).status_code == 200


def test_confirm_for_sms_is_a_phone_activation_url_without_cookie(portal):
    portal.emulator.config(portal.name, sms_provider=True)
    portal.set_policy(type="Sms")

    answer = portal.get("settings/tfaapp/confirm", role="user")

    data = answer.json()["response"]
    assert list(data) == ["url"]
    assert "/confirm/PhoneActivation?type=PhoneActivation&key=" in data["url"]
    assert "encemail=" in data["url"]


def test_login_of_an_sms_user_reports_sms(portal):
    portal.emulator.config(portal.name, sms_provider=True)
    portal.set_policy(type="Sms")

    response = portal.login("user").json()["response"]

    assert response["sms"] is True
    assert "token" not in response
    assert "PhoneActivation" in response["confirmUrl"]


# Trusted IPs and precedence ------------------------------------------------------------


def confirm_for(portal, role="user", ip=None):
    params = {"request-x-real-ip": ip} if ip else None
    return portal.get("settings/tfaapp/confirm", role=role, params=params).json().get("response")


@pytest.mark.parametrize(
    ("entry", "ip", "exempt"),
    [
        ("127.0.0.1", None, True),
        ("10.1.2.3", "10.1.2.3", True),
        ("10.1.2.3", "10.1.2.4", False),
        ("10.0.0.1-10.0.0.9", "10.0.0.5", True),
        ("10.0.0.1-10.0.0.9", "10.0.0.1", True),
        ("10.0.0.1-10.0.0.9", "10.0.0.9", True),
        ("10.0.0.1-10.0.0.9", "10.0.0.10", False),
        ("192.168.0.0/16", "192.168.200.7", True),
        ("192.168.0.0/16", "192.169.0.1", False),
        ("10.9.9.9/32", "10.9.9.9", True),
        ("0.0.0.0/0", "203.0.113.5", True),
        ("2001:db8::1-2001:db8::ff", "2001:db8::10", True),
        ("2001:db8::/32", "2001:db8::10", False),
        ("10.0.0.1-10.0.0.9", "2001:db8::10", False),
    ],
)
def test_trusted_ip_matching_single_range_and_cidr(portal, entry, ip, exempt):
    portal.enable_app(trustedIps=[entry])

    assert (confirm_for(portal, ip=ip) is None) is exempt


def test_a_port_on_the_real_ip_is_ignored(portal):
    portal.enable_app(trustedIps=["10.0.0.7"])

    assert confirm_for(portal, ip="10.0.0.7:5555") is None


def test_the_real_ip_parameter_overrides_the_connection_address(portal):
    # The connection comes from 127.0.0.1, which is trusted; the parameter wins.
    portal.enable_app(trustedIps=["127.0.0.1"])

    assert confirm_for(portal) is None
    assert confirm_for(portal, ip="198.51.100.1") is not None


def test_a_mandatory_user_is_challenged_even_from_a_trusted_ip(portal):
    portal.enable_app(trustedIps=["127.0.0.1"], mandatoryUsers=[portal["user"]["id"]])

    assert confirm_for(portal, role="user") is not None
    assert confirm_for(portal, role="admin") is None


def test_a_mandatory_group_member_is_challenged_even_from_a_trusted_ip(portal):
    portal.enable_app(trustedIps=["127.0.0.1"], mandatoryGroups=[portal["group"]["id"]])

    assert confirm_for(portal, role="user") is not None
    assert confirm_for(portal, role="admin") is None


def test_without_trusted_ips_everyone_is_challenged(portal):
    portal.enable_app()

    for role in ("owner", "admin", "user"):
        assert confirm_for(portal, role=role) is not None


# The confirm scheme ----------------------------------------------------------------


def setup_with(portal, headers=None, cookies=None, token=None):
    return portal.request(
        "GET", "settings/tfaapp/setup", headers=headers, cookies=cookies, token=token
    )


def test_setup_without_credentials_is_401_with_an_empty_body(portal):
    portal.enable_app()

    answer = setup_with(portal)

    assert (answer.status_code, answer.content) == (401, b"")


def test_setup_with_a_plain_token_is_403_with_an_empty_body(portal):
    portal.enable_app(trustedIps=["127.0.0.1"])
    token = portal.token("user")

    answer = setup_with(portal, token=token)

    assert (answer.status_code, answer.content) == (403, b"")


def test_setup_with_a_confirm_header_and_key(portal):
    portal.enable_app()
    confirm_type, key = portal.confirm_key("user")

    answer = setup_with(portal, headers=portal.confirm_header("user", confirm_type, key))

    assert answer.status_code == 200


def test_setup_with_the_key_from_the_confirm_cookie(portal):
    portal.enable_app()
    confirm_type, key = portal.confirm_key("user")

    answer = setup_with(
        portal,
        headers=portal.confirm_header("user", confirm_type),
        cookies={"asc_confirm_key_TfaActivation": key},
    )

    assert answer.status_code == 200


def test_the_confirm_url_query_works_as_the_header(portal):
    # The web client passes the link's query string through as the confirm header.
    portal.enable_app()
    data = portal.get("settings/tfaapp/confirm", role="user").json()["response"]
    query = data["url"].split("?", 1)[1]

    answer = setup_with(
        portal, headers={"confirm": query}, cookies={data["cookieName"]: data["cookieValue"]}
    )

    assert answer.status_code == 200


@pytest.mark.parametrize(
    "mangle",
    [
        lambda key: key[:-1] + ("A" if key[-1] != "A" else "B"),
        lambda key: "1" + key,
        lambda key: "garbage",
    ],
)
def test_a_bad_key_is_401(portal, mangle):
    portal.enable_app()
    confirm_type, key = portal.confirm_key("user")

    answer = setup_with(portal, headers=portal.confirm_header("user", confirm_type, mangle(key)))

    assert (answer.status_code, answer.content) == (401, b"")


def test_a_key_for_another_user_is_401(portal):
    portal.enable_app()
    confirm_type, key = portal.confirm_key("admin")

    answer = setup_with(portal, headers=portal.confirm_header("user", confirm_type, key))

    assert answer.status_code == 401


def test_a_missing_key_is_401(portal):
    portal.enable_app()

    answer = setup_with(portal, headers=portal.confirm_header("user", "TfaActivation"))

    assert answer.status_code == 401


def test_a_key_expires_after_one_hour(portal):
    portal.enable_app()
    confirm_type, key = portal.confirm_key("user")
    headers = portal.confirm_header("user", confirm_type, key)

    portal.emulator.clock(3500)
    still_valid = setup_with(portal, headers=headers)
    portal.emulator.clock(3700)
    expired = setup_with(portal, headers=headers)

    assert still_valid.status_code == 200
    assert expired.status_code == 401


def test_a_valid_key_of_the_wrong_type_is_403(portal):
    portal.enable_app()
    portal.link("user")
    confirm_type, key = portal.confirm_key("user")
    assert confirm_type == "TfaAuth"

    answer = setup_with(portal, headers=portal.confirm_header("user", confirm_type, key))

    assert (answer.status_code, answer.content) == (403, b"")


def test_tfa_auth_is_refused_on_an_already_signed_in_request(portal):
    portal.enable_app()
    linked = portal.link("user")
    confirm_type, key = portal.confirm_key("user")
    headers = portal.confirm_header("user", confirm_type, key)
    headers["Authorization"] = "Bearer " + portal["user"]["api_key"]

    answer = portal.request(
        "POST",
        "settings/tfaapp/validate",
        headers=headers,
        json={"code": portal.code(linked.key)},
    )

    assert answer.status_code == 403
    assert answer.content == b""


def test_tfa_activation_works_alongside_a_signed_in_request(portal):
    portal.enable_app()
    confirm_type, key = portal.confirm_key("user")
    headers = portal.confirm_header("user", confirm_type, key)
    headers["Authorization"] = "Bearer " + portal["admin"]["api_key"]

    answer = setup_with(portal, headers=headers)

    assert answer.status_code == 200
    assert answer.json()["response"]["account"].startswith("user.")


def test_confirm_keys_of_one_portal_do_not_work_on_another(portal, second_portal):
    portal.enable_app()
    second_portal.enable_app()
    confirm_type, key = portal.confirm_key("user")
    header = f"type={confirm_type}&uid={second_portal['user']['id']}&key={key}"

    answer = setup_with(second_portal, headers={"confirm": header})

    assert answer.status_code == 401


def test_expiry_reset_wipes_a_link_older_than_a_day_before_the_newest_disable(portal):
    # The newest of "enabled by app" and "disabled" (by date) is a disable, and the link is
    # more than a day older: the next confirm starts over with TfaActivation.
    day = 24 * 3600
    portal.emulator.clock(-2 * day)
    portal.enable_app()
    portal.link("user")
    portal.emulator.clock(day)
    portal.set_policy(type="None")
    portal.emulator.clock(0)
    portal.enable_app()

    data = portal.get("settings/tfaapp/confirm", role="user").json()["response"]

    assert data["cookieName"] == "asc_confirm_key_TfaActivation"
    assert portal.state()["users"]["user"]["linked"] is False


def test_no_expiry_reset_when_enabling_is_the_newest_event(portal):
    portal.enable_app()
    portal.link("user")
    portal.set_policy(type="None")
    portal.emulator.clock(3 * 24 * 3600)
    portal.enable_app()

    data = portal.get("settings/tfaapp/confirm", role="user").json()["response"]

    assert data["cookieName"] == "asc_confirm_key_TfaAuth"
