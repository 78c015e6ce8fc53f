"""GET settings/tfaapp/setup and POST settings/tfaapp/validate: linking an app."""

from __future__ import annotations

import base64
import re
from urllib.parse import quote

from docspace_emulator import totp

T0 = 1_700_000_000
BACKUP_CODE = re.compile(r"^[a-zA-Z0-9_-]{6}$")


def set_cookie_named(answer, name: str) -> str:
    """The raw Set-Cookie header for one cookie (requests folds them into one string)."""
    headers = answer.raw.headers.getlist("Set-Cookie")
    return next(header for header in headers if header.startswith(name + "="))


def test_setup_answers_account_key_and_a_png_data_url(portal):
    portal.enable_app()

    setup = portal.setup("user")

    assert set(setup) == {"account", "manualEntryKey", "qrCodeSetupImageUrl"}
    assert setup["account"] == quote(portal["user"]["email"], safe="")
    assert re.fullmatch(r"[A-Z2-7]{16}", setup["manualEntryKey"])
    prefix = "data:image/png;base64,"
    assert setup["qrCodeSetupImageUrl"].startswith(prefix)
    png = base64.b64decode(setup["qrCodeSetupImageUrl"][len(prefix) :])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_the_secret_is_ten_ascii_characters(portal):
    portal.enable_app()

    key = totp.key_from_manual_entry(portal.setup("user")["manualEntryKey"])

    assert len(key) == 10
    assert key.decode("ascii").isascii()


def test_setup_repeats_the_same_secret_until_linked(portal):
    portal.enable_app()

    assert portal.setup("user")["manualEntryKey"] == portal.setup("user")["manualEntryKey"]


def test_users_get_different_secrets(portal):
    portal.enable_app()

    assert portal.setup("user")["manualEntryKey"] != portal.setup("admin")["manualEntryKey"]


def test_setup_does_not_link(portal):
    portal.enable_app()
    portal.setup("user")

    assert portal.state()["users"]["user"]["linked"] is False


def test_setup_while_the_policy_is_off_is_403_not_available(portal):
    portal.enable_app()
    confirm_type, key = portal.confirm_key("user")
    portal.set_policy(type="None")

    answer = portal.request(
        "GET", "settings/tfaapp/setup", headers=portal.confirm_header("user", confirm_type, key)
    )

    assert answer.status_code == 403
    assert answer.json()["error"]["message"] == "TFA application settings are not available"


def test_validate_first_activation_answers_true_with_five_backup_codes(portal):
    portal.enable_app()
    key = totp.key_from_manual_entry(portal.setup("user")["manualEntryKey"])

    answer = portal.validate("user", portal.code(key))

    assert answer.status_code == 200
    assert answer.json()["response"] is True
    codes = portal.get("settings/tfaappcodes", role="user").json()["response"]
    assert len(codes) == 5
    assert all(BACKUP_CODE.match(item["code"]) for item in codes)
    assert not any(item["isUsed"] for item in codes)


def test_validate_signs_in_with_an_auth_cookie_and_drops_the_confirm_cookie(portal):
    portal.enable_app()
    key = totp.key_from_manual_entry(portal.setup("user")["manualEntryKey"])

    answer = portal.validate("user", portal.code(key))

    token = answer.cookies["asc_auth_key"]
    assert "token" not in str(answer.json()["response"])
    assert portal.request("GET", "people/@self", cookies={"asc_auth_key": token}).ok
    dropped = set_cookie_named(answer, "asc_confirm_key_TfaActivation")
    assert "Max-Age=0" in dropped


def test_validate_with_session_true_sets_a_session_cookie(portal):
    portal.enable_app()
    secret = totp.key_from_manual_entry(portal.setup("user")["manualEntryKey"])
    confirm_type, key = portal.confirm_key("user")

    answer = portal.request(
        "POST",
        "settings/tfaapp/validate",
        headers=portal.confirm_header("user", confirm_type, key),
        json={"code": portal.code(secret), "session": True},
    )

    assert "expires" not in set_cookie_named(answer, "asc_auth_key").lower()


def test_validate_for_a_linked_user_answers_false_on_success(portal):
    portal.enable_app()
    linked = portal.link("user")

    answer = portal.validate("user", portal.code(linked.key))

    assert answer.status_code == 200
    assert answer.json()["response"] is False
    assert "asc_auth_key" in answer.cookies


def test_validate_a_wrong_code_is_400_incorrect_code(portal):
    portal.enable_app()
    portal.setup("user")

    answer = portal.validate("user", "12345x")

    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == "Incorrect code"
    assert answer.json()["error"]["type"] == "System.ArgumentException"


def test_validate_an_empty_code_is_500(portal):
    portal.enable_app()

    for code in ("", "   ", None):
        answer = portal.validate("user", code)
        assert answer.status_code == 500
        assert answer.json()["error"]["message"] == "Validation code field cannot be empty"


def test_validate_without_a_code_is_a_validation_400(portal):
    portal.enable_app()
    confirm_type, key = portal.confirm_key("user")

    answer = portal.request(
        "POST",
        "settings/tfaapp/validate",
        headers=portal.confirm_header("user", confirm_type, key),
        json={"session": True},
    )

    assert answer.status_code == 400
    assert answer.json()["status"] == 1


def test_validate_a_numeric_code_is_a_validation_400(portal):
    # A JSON number does not bind to the string property.
    portal.enable_app()

    answer = portal.validate("user", 123456)

    assert answer.status_code == 400
    assert "$.code" in answer.json()["response"]["errors"]


def test_validate_while_the_policy_is_off_answers_false(portal):
    portal.enable_app()
    confirm_type, key = portal.confirm_key("user")
    portal.set_policy(type="None")

    answer = portal.validate("user", "123456", confirm_type=confirm_type, key=key)

    assert answer.status_code == 200
    assert answer.json()["response"] is False


def test_validate_with_a_plain_api_key_is_403_empty(portal):
    portal.enable_app()

    answer = portal.post("settings/tfaapp/validate", {"code": "123456"}, role="user")

    assert (answer.status_code, answer.content) == (403, b"")


def test_validate_allows_five_attempts_a_minute_then_refuses(portal):
    portal.enable_app()
    portal.setup("user")
    confirm_type, key = portal.confirm_key("user")

    statuses = [
        portal.validate("user", "00000x", confirm_type=confirm_type, key=key).status_code
        for _attempt in range(5)
    ]
    refused = portal.validate("user", "00000x", confirm_type=confirm_type, key=key)

    assert statuses == [400] * 5
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert error["message"] == "You have sent too many text messages. Please try again later."
    assert error["stack"] is None


def test_the_attempt_limit_is_per_user_and_ends_after_a_minute(portal):
    portal.enable_app()
    key = totp.key_from_manual_entry(portal.setup("user")["manualEntryKey"])
    confirm_type, confirm_key = portal.confirm_key("user")
    for _attempt in range(6):
        portal.validate("user", "00000x", confirm_type=confirm_type, key=confirm_key)

    other_user = portal.validate("admin", "00000x")
    portal.emulator.clock(61)
    later = portal.validate("user", portal.code(key))

    assert other_user.status_code == 400
    assert later.status_code == 200


def test_the_limit_counts_good_codes_too(portal):
    portal.enable_app()
    linked = portal.link("user")
    for _attempt in range(4):
        assert portal.validate("user", portal.code(linked.key)).status_code == 200

    assert portal.validate("user", portal.code(linked.key)).status_code == 403


def test_a_backup_code_validates_once(portal):
    portal.enable_app()
    linked = portal.link("user")

    first = portal.validate("user", linked.codes[1])
    again = portal.validate("user", linked.codes[1])

    assert first.status_code == 200
    assert again.status_code == 400
    codes = portal.get("settings/tfaappcodes", role="user").json()["response"]
    assert [item["isUsed"] for item in codes] == [False, True, False, False, False]


def test_totp_at_t1700000000_accepted_and_11_steps_away_refused(portal):
    portal.enable_app()
    key = totp.key_from_manual_entry(portal.setup("user")["manualEntryKey"])
    confirm_type, confirm_key = portal.confirm_key("user")
    portal.move_clock_to(T0)

    far = portal.validate(
        "user", totp.totp(key, T0 + 11 * 30), confirm_type=confirm_type, key=confirm_key
    )
    exact = portal.validate("user", totp.totp(key, T0), confirm_type=confirm_type, key=confirm_key)

    assert far.status_code == 400
    assert exact.status_code == 200
    assert exact.json()["response"] is True


def test_totp_accepts_ten_steps_of_drift_either_side(portal):
    portal.enable_app()
    linked = portal.link("user")
    portal.move_clock_to(T0)

    answers = [
        portal.validate("user", totp.totp(linked.key, T0 + steps * 30)).status_code
        for steps in (-10, 10)
    ]

    assert answers == [200, 200]


def test_totp_eleven_steps_behind_is_refused(portal):
    portal.enable_app()
    linked = portal.link("user")
    portal.move_clock_to(T0)

    answer = portal.validate("user", totp.totp(linked.key, T0 - 11 * 30))

    assert answer.status_code == 400
