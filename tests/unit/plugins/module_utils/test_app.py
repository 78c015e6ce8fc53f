# Copyright: Contributors to the onlyoffice.docspace collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Authenticator apps and backup codes: code checks, confirm data, the otpauth URI, clock
skew and the plans of docspace_tfa_app and docspace_tfa_codes."""

import ast
import email.utils
from pathlib import Path

import pytest

from ansible_collections.onlyoffice.docspace.plugins.module_utils import _app
from ansible_collections.onlyoffice.docspace.plugins.module_utils._app import (
    CONFIRM_REQUEST,
    NEW_CODES_REQUEST,
    SETUP_REQUEST,
    UNLINK_REQUEST,
    VALIDATE_REQUEST,
    AppError,
    backup_codes_problem,
    check_code,
    check_may_unlink,
    check_min_unused,
    check_options,
    clock_skew,
    cookie_value,
    issuer_from_url,
    otpauth_uri,
    parse_confirm,
    plan_backup_codes,
    plan_link,
    plan_unlink,
    skew_sentence,
    too_many_attempts_message,
    wrong_code_message,
)

OWNER = "3f2a7c1e-5b6d-4e8f-9a0b-1c2d3e4f5a6b"
USER = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
KEY = "519834710123.QZ3KXH7PLQ2M5BXW4XXAJHZ3EGCVKFQ4Q6O5ZHM"
PORTAL = "https://docspace.example.com"
NOW = 1700000000.0


def refused(func, *args, fragments=(), absent=(), **kwargs):
    with pytest.raises(AppError) as info:
        func(*args, **kwargs)
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    for fragment in absent:
        assert fragment not in message, (fragment, message)
    return message


def account(linked=False, owner=False, ident=USER, email="user@example.com"):
    return {
        "id": ident,
        "email": email,
        "is_owner": owner,
        "is_admin": owner,
        "tfa_app_enabled": linked,
    }


def policy(method="app", available=("app",)):
    return {"method": method, "available_methods": list(available)}


# Codes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["012345", "000000", "999999", "aB3-x_", "------", "Zq81kP"])
def test_good_codes_are_kept_exactly(code):
    assert check_code(code) == code


@pytest.mark.parametrize("value", [12345, 123456, 0, 1.5, 12345.0])
def test_a_number_is_refused_with_advice_to_quote_it(value):
    message = refused(check_code, value, fragments=("code", "not a number", "quotes"))
    assert str(value) not in message


@pytest.mark.parametrize("value", [True, False, None, ["123456"], {"code": "123456"}, b"123456"])
def test_other_types_are_refused(value):
    refused(check_code, value, fragments=("code", "quote"))


@pytest.mark.parametrize(
    "value",
    [
        "12345",
        "1234567",
        "",
        " 12345",
        "12345 ",
        "123 45",
        "12345\n",
        "12.345",
        "12+345",
        "12345\u0661",
        "\uff11\uff12\uff13\uff14\uff15\uff16",
        "ab/cd=",
        "abc\tde",
    ],
)
def test_malformed_codes_are_refused_without_echoing_them(value):
    message = refused(check_code, value, fragments=("code", "six characters"))
    if value.strip():
        assert value.strip() not in message


def test_the_option_name_is_used_in_the_message():
    refused(check_code, 12345, option="backup_code", fragments=("backup_code",))


def test_messages_hold_no_digit_that_masking_could_mangle():
    """Ansible masks a no_log value everywhere in the output, so "6" would be masked."""
    for value in (6, "6", "123", 1.0, True):
        message = refused(check_code, value)
        assert not any(char.isdigit() for char in message), message


# Options per state ---------------------------------------------------------------------


@pytest.mark.parametrize("state", ["setup", "absent"])
def test_code_only_with_present(state):
    refused(check_options, state, "123456", None, fragments=("code", "present", state))


@pytest.mark.parametrize("state", ["present", "setup"])
def test_user_id_only_with_absent(state):
    refused(check_options, state, None, USER, fragments=("user_id", "absent"))


@pytest.mark.parametrize(
    "state, code, user_id",
    [
        ("present", "123456", None),
        ("present", None, None),
        ("setup", None, None),
        ("absent", None, USER),
        ("absent", None, None),
    ],
)
def test_options_that_belong_to_the_state(state, code, user_id):
    assert check_options(state, code, user_id) is None


# Confirm data --------------------------------------------------------------------------


def confirm_url(confirm_type="TfaActivation", uid=USER):
    return "%s/confirm/%s?type=%s&uid=%s" % (PORTAL, confirm_type, confirm_type, uid)


def test_confirm_object_of_3_7():
    answer = {
        "url": confirm_url(),
        "cookieName": "asc_confirm_key_TfaActivation",
        "cookieValue": KEY,
    }
    confirm = parse_confirm(answer, [], USER)
    assert (confirm.confirm_type, confirm.user_id, confirm.key) == ("TfaActivation", USER, KEY)
    assert confirm.url == answer["url"]


def test_confirm_string_of_3_6_takes_the_key_from_set_cookie():
    cookies = [
        "asc_auth_key=other; path=/; httponly",
        "asc_confirm_key_TfaActivation=%s; path=/portal; httponly; samesite=lax" % KEY,
    ]
    confirm = parse_confirm(confirm_url(), cookies, USER)
    assert (confirm.confirm_type, confirm.user_id, confirm.key) == ("TfaActivation", USER, KEY)


def test_confirm_object_without_a_cookie_value_falls_back_to_set_cookie():
    answer = {"url": confirm_url()}
    confirm = parse_confirm(answer, ["asc_confirm_key_TfaActivation=%s" % KEY], USER)
    assert confirm.key == KEY


def test_confirm_cookie_of_another_type_is_not_taken():
    with pytest.raises(ValueError) as info:
        parse_confirm(confirm_url(), ["asc_confirm_key_TfaAuth=%s" % KEY], USER)
    assert KEY not in str(info.value)


@pytest.mark.parametrize("answer", [None, "", {"url": ""}, {}])
def test_no_confirm_link_means_tfa_does_not_apply(answer):
    assert parse_confirm(answer, [], USER) is None


def test_phone_confirmation_names_sms():
    url = "%s/confirm/PhoneActivation?type=PhoneActivation&key=%s&encemail=x" % (PORTAL, KEY)
    with pytest.raises(ValueError) as info:
        parse_confirm({"url": url}, [], USER)
    assert "SMS" in str(info.value)
    assert KEY not in str(info.value)


@pytest.mark.parametrize("answer", [42, ["x"], {"url": PORTAL + "/somewhere"}])
def test_unusable_confirm_answers(answer):
    with pytest.raises(ValueError):
        parse_confirm(answer, ["asc_confirm_key_TfaActivation=" + KEY], USER)


def test_confirm_without_uid_uses_the_account():
    url = "%s/confirm/TfaActivation?type=TfaActivation" % PORTAL
    confirm = parse_confirm({"url": url, "cookieValue": KEY}, [], USER.upper())
    assert confirm.user_id == USER


def test_confirm_header_is_the_query_string_the_web_client_sends():
    confirm = parse_confirm({"url": confirm_url(), "cookieValue": KEY}, [], USER)
    assert confirm.header() == "type=TfaActivation&uid=%s&key=%s" % (USER, KEY)


def test_confirm_repr_hides_the_key():
    confirm = parse_confirm({"url": confirm_url(), "cookieValue": KEY}, [], USER)
    assert KEY not in repr(confirm)
    assert KEY.split(".")[1] not in repr(confirm)


@pytest.mark.parametrize(
    "headers, name, expected",
    [
        (["a=1; path=/", "b=2"], "b", "2"),
        (["a=1"], "b", None),
        ([], "a", None),
        (None, "a", None),
        (['a="quoted"; httponly'], "a", "quoted"),
        (["a=; expires=Thu, 01 Jan 1970 00:00:00 GMT"], "a", None),
        (["ab=1", "a=2"], "a", "2"),
    ],
)
def test_cookie_value(headers, name, expected):
    assert cookie_value(headers, name) == expected


# The otpauth URI -----------------------------------------------------------------------


def test_uri_as_docspace_builds_it():
    uri = otpauth_uri("docspace.example.com", "robot%40example.com", "JBSWY3DPEHPK3PXP")
    assert uri == (
        "otpauth://totp/docspace.example.com:robot%40example.com"
        "?secret=JBSWY3DPEHPK3PXP&issuer=docspace.example.com"
    )


@pytest.mark.parametrize(
    "account",
    ["robot@example.com", "robot%40example.com", " robot@example.com ", "robot @example.com"],
)
def test_uri_label_is_escaped_once(account):
    uri = otpauth_uri("portal.example", account, "JBSWY3DPEHPK3PXP")
    assert ":robot%40example.com?" in uri


def test_uri_without_issuer():
    uri = otpauth_uri("", "a%2Bb%40example.com", "JBSWY3DPEHPK3PXP")
    assert uri == "otpauth://totp/a%2Bb%40example.com?secret=JBSWY3DPEHPK3PXP"


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://Docspace.Example.com/confirm/TfaActivation?x=1", "docspace.example.com"),
        ("http://127.0.0.1:8080/portal001/confirm/x", "127.0.0.1"),
        ("", ""),
        (None, ""),
    ],
)
def test_issuer_is_the_host_name(url, expected):
    assert issuer_from_url(url) == expected


# Clocks --------------------------------------------------------------------------------


def http_date(timestamp):
    return email.utils.formatdate(timestamp, usegmt=True)


@pytest.mark.parametrize("offset", [0, 59, -59, 61, -3600, 600])
def test_clock_skew_from_the_date_header(offset):
    assert clock_skew(http_date(NOW + offset), NOW) == pytest.approx(offset, abs=1)


@pytest.mark.parametrize("value", [None, "", "yesterday", "Mon, 99 Foo 2023 25:61:61 GMT"])
def test_clock_skew_unknown(value):
    assert clock_skew(value, NOW) is None


@pytest.mark.parametrize("skew", [None, 0, 30, -60, 60])
def test_no_sentence_within_a_minute(skew):
    assert skew_sentence(skew) == ""


@pytest.mark.parametrize(
    "skew, fragments",
    [
        (90, ("90 seconds", "behind")),
        (-90, ("90 seconds", "ahead of")),
        (240, ("4 minutes", "behind")),
        (-754, ("12 minutes 34 seconds", "ahead of", "five minutes", "NTP")),
        (7200, ("2.0 hours", "five minutes")),
    ],
)
def test_skew_sentence_says_by_how_much(skew, fragments):
    sentence = skew_sentence(skew)
    for fragment in fragments:
        assert fragment in sentence, (fragment, sentence)


def test_only_a_skew_beyond_eleven_steps_is_called_fatal():
    assert "five minutes" not in skew_sentence(330)
    assert "five minutes" in skew_sentence(332)


def test_wrong_code_messages():
    where = "POST /api/2.0/settings/tfaapp/validate answered 400: Incorrect code"
    computed = wrong_code_message(where, True, 400)
    assert where in computed
    assert "clock" in computed
    assert "6 minutes 40 seconds" in computed
    given = wrong_code_message(where, False, None)
    assert "code given" in given
    assert "device" in given
    assert "minutes" not in given


def test_too_many_attempts_message_explains_the_sms_wording():
    message = too_many_attempts_message("POST /x answered 403")
    for fragment in ("too many", "text messages", "Wait a minute", "POST /x answered 403"):
        assert fragment in message


# Plans: linking ------------------------------------------------------------------------


def test_link_an_unlinked_account():
    plan = plan_link("present", account(), policy())
    assert plan.changed is True
    assert plan.requests == [CONFIRM_REQUEST, SETUP_REQUEST, VALIDATE_REQUEST]
    assert plan.diff() == {"before": {"linked": False}, "after": {"linked": True}}


def test_setup_changes_nothing_but_issues_a_key():
    plan = plan_link("setup", account(), policy())
    assert plan.changed is False
    assert plan.requests == [CONFIRM_REQUEST, SETUP_REQUEST]
    assert plan.after == {"linked": False}


@pytest.mark.parametrize("state", ["present", "setup"])
def test_a_linked_account_needs_no_request_at_all(state):
    plan = plan_link(state, account(linked=True), policy(method="none"))
    assert plan.changed is False
    assert plan.requests == []
    assert plan.after == {"linked": True}


@pytest.mark.parametrize(
    "current, fragment",
    [
        (policy(method="none"), "is none, not app"),
        (policy(method="sms", available=("app", "sms")), "is sms, not app"),
        (policy(method="none", available=("sms",)), "does not offer"),
    ],
)
@pytest.mark.parametrize("state", ["present", "setup"])
def test_linking_needs_the_app_method(state, current, fragment):
    refused(
        plan_link,
        state,
        account(),
        current,
        fragments=(fragment, "user@example.com", "docspace_tfa_settings"),
    )


# Plans: unlinking ----------------------------------------------------------------------


def test_unlink_yourself():
    me = account(linked=True)
    plan = plan_unlink(me, me)
    assert plan.changed is True
    assert plan.requests == [UNLINK_REQUEST]
    assert plan.diff() == {"before": {"linked": True}, "after": {"linked": False}}


def test_owner_unlinks_another_user():
    plan = plan_unlink(account(owner=True, ident=OWNER), account(linked=True))
    assert plan.requests == [UNLINK_REQUEST]


@pytest.mark.parametrize("caller_owner", [True, False])
def test_unlinking_an_unlinked_account_changes_nothing(caller_owner):
    me = account(owner=caller_owner)
    owner = account(owner=True, ident=OWNER, email="boss@example.com")
    for caller in (me, owner):
        plan = plan_unlink(caller, account(linked=False))
        assert plan.changed is False
        assert plan.requests == []


@pytest.mark.parametrize("linked", [True, False])
def test_only_the_owner_unlinks_another_user(linked):
    admin = account(ident=OWNER, email="admin@example.com")
    for check in (plan_unlink, lambda caller, target: check_may_unlink(caller, target["id"])):
        refused(
            check,
            admin,
            account(linked=linked),
            fragments=("Only the portal owner", "admin@example.com", USER),
        )


def test_anyone_may_unlink_their_own_app():
    assert check_may_unlink(account(), USER) is None


# Plans: backup codes -------------------------------------------------------------------


def test_codes_problem_names_what_is_missing():
    assert backup_codes_problem(policy(), account(linked=True)) is None
    method_off = backup_codes_problem(policy(method="none"), account(linked=True))
    assert "method is none" in method_off
    assert "no authenticator app linked" not in method_off
    unlinked = backup_codes_problem(policy(), account())
    assert "no authenticator app linked" in unlinked
    assert "TFA method is" not in unlinked
    both = backup_codes_problem(policy(method="sms", available=("app", "sms")), account())
    assert "method is sms" in both
    assert "no authenticator app linked" in both


@pytest.mark.parametrize(
    "unused, min_unused, regenerate",
    [(5, 1, False), (1, 1, False), (0, 1, True), (2, 3, True), (3, 3, False), (0, 5, True)],
)
def test_present_regenerates_only_below_min_unused(unused, min_unused, regenerate):
    counts = {"total": 5, "unused": unused}
    plan = plan_backup_codes("present", counts, min_unused)
    assert plan.changed is regenerate
    assert plan.requests == ([NEW_CODES_REQUEST] if regenerate else [])
    assert plan.before == counts
    assert plan.after == ({"total": 5, "unused": 5} if regenerate else counts)


@pytest.mark.parametrize("unused", [0, 3, 5])
def test_regenerated_always_regenerates(unused):
    plan = plan_backup_codes("regenerated", {"total": 5, "unused": unused}, 1)
    assert plan.changed is True
    assert plan.requests == [NEW_CODES_REQUEST]


def test_min_unused_above_the_set_is_refused():
    refused(
        plan_backup_codes,
        "present",
        {"total": 5, "unused": 5},
        6,
        fragments=("min_unused is 6", "5 backup codes", "every run"),
    )


@pytest.mark.parametrize("value", [0, -1, True, "2", 1.5, None])
def test_min_unused_must_be_a_positive_integer(value):
    refused(check_min_unused, value, fragments=("min_unused",))


# Python 3.6 on managed nodes ------------------------------------------------------------


def test_module_utils_keep_to_python_3_6_syntax():
    path = Path(_app.__file__)
    tree = ast.parse(path.read_text(), feature_version=(3, 6))
    names = {type(node).__name__ for node in ast.walk(tree)}
    assert "NamedExpr" not in names
    assert "dataclass" not in path.read_text()
