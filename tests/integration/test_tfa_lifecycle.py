"""An account's whole TFA life in real playbooks: the policy, linking an app, logging in with
it, backup codes, an owner's reset and linking again.

Each step runs three times: with --check (nothing that writes or issues a key reaches the
portal, and the module reports the requests the real run will send), for real (exactly
those requests), and again (no change, and nothing that writes or issues a key).
"""

from __future__ import annotations

import email.utils
import json
import time

import pytest
from play_helpers import connection_for, run_playbook, writes

pytestmark = pytest.mark.slow

SETTINGS = "onlyoffice.docspace.docspace_tfa_settings"
APP = "onlyoffice.docspace.docspace_tfa_app"
CODES = "onlyoffice.docspace.docspace_tfa_codes"
INFO = "onlyoffice.docspace.docspace_tfa_info"

API = "/api/2.0/"
CONFIRM = API + "settings/tfaapp/confirm"
SETUP = API + "settings/tfaapp/setup"
VALIDATE = API + "settings/tfaapp/validate"
UNLINK = API + "settings/tfaappnewapp"
NEW_CODES = API + "settings/tfaappnewcodes"
CODES_PATH = API + "settings/tfaappcodes"
LOGIN = API + "authentication"


def step(module, **options):
    return [{"name": "step", module: options, "register": "out"}]


def is_login(entry):
    """Logging in and out with a password: POSTs that change no setting."""
    return entry["path"] == LOGIN or entry["path"].startswith(LOGIN + "/")


def key_or_write(log):
    """Requests that change the portal or issue a confirm key, as the modules report them."""
    return [
        "%s %s" % (entry["method"], entry["path"])
        for entry in log
        if (entry["method"] != "GET" and not is_login(entry)) or entry["path"] in (CONFIRM, SETUP)
    ]


def three_runs(run_play, emulator, tasks, connection, env=None):
    """--check --diff, apply, apply again; each run's result and request log."""
    runs = []
    for check in (True, False, False):
        emulator.clear_log()
        result = run_play(tasks, connection, check=check, diff=check, env=env)
        assert result.rc == 0, result.output
        runs.append((result.task("step"), emulator.log()))
    return runs


def assert_plan_then_apply_then_quiet(runs, requests):
    """The check run reports ``requests`` and sends none of them; the real run sends exactly
    them; the second run changes nothing and sends nothing that writes or issues a key."""
    (check, check_log), (apply, apply_log), (again, again_log) = runs
    assert check["requests"] == requests
    assert key_or_write(check_log) == []
    assert key_or_write(apply_log) == requests
    assert apply["requests"] == requests
    assert again["changed"] is False
    assert again["requests"] == []
    assert key_or_write(again_log) == []
    return check, apply, again


def user_state(emulator, portal, role="user"):
    return emulator.state(portal["name"])["users"][role]


def password_login(portal, account="user", secret=None):
    connection = connection_for(portal, account, auth="password")
    if secret:
        connection["totp_secret"] = secret
    return connection


def backup_code_login(portal, code_expression, register="login", status=200):
    """Log in with a backup code as a person would, with ansible.builtin.uri."""
    user = portal["user"]
    return {
        "name": register,
        "ansible.builtin.uri": {
            "url": "%s%s/%s" % (portal["url"], LOGIN, code_expression),
            "method": "POST",
            "body_format": "json",
            "body": {
                "userName": user["email"],
                "password": user["password"],
                "code": code_expression,
            },
            "status_code": [status],
        },
        "register": register,
        "no_log": True,
    }


@pytest.fixture
def portal(emulator):
    emulator.reset()
    return emulator.portals[0]


# The lifecycle ---------------------------------------------------------------------------


def test_lifecycle_step_by_step(run_play, emulator, portal):
    owner = connection_for(portal, "owner")
    user_key = connection_for(portal, "user")

    # The owner turns the app method on with an API key.
    (check, check_log), (apply, apply_log), (again, again_log) = three_runs(
        run_play, emulator, step(SETTINGS, method="app"), owner
    )
    assert check["changed"] is True
    assert writes(check_log) == []
    assert key_or_write(apply_log) == ["PUT " + API + "settings/tfaapp"]
    assert again["changed"] is False
    assert writes(again_log) == []

    # The plain user links an app; the module computes the code.
    check, apply, again = assert_plan_then_apply_then_quiet(
        three_runs(run_play, emulator, step(APP, state="present"), user_key),
        ["GET " + CONFIRM, "GET " + SETUP, "POST " + VALIDATE],
    )
    assert check["changed"] is True
    assert "secret" not in check
    assert check["diff"] == {"before": {"linked": False}, "after": {"linked": True}}
    state = user_state(emulator, portal)
    first_secret = apply["secret"]
    assert state["linked"] is True
    assert first_secret == state["secret"]
    assert apply["uri"].startswith("otpauth://totp/")
    assert "secret=%s" % first_secret in apply["uri"]
    assert apply["backup_codes"] == {"total": 5, "unused": 5}
    assert apply["user_id"] == portal["user"]["id"]
    # Validating signs the user in with a cookie; the module logged that session out.
    assert emulator.state(portal["name"])["live_tokens"] == []
    assert "secret" not in again
    assert again["backup_codes"] == {"total": 5, "unused": 5}

    # The user logs in with username, password and the secret, and reads the codes.
    as_user = password_login(portal, secret=first_secret)
    check, apply, again = assert_plan_then_apply_then_quiet(
        three_runs(run_play, emulator, step(CODES, state="present"), as_user), []
    )
    assert apply["changed"] is False
    assert (apply["total"], apply["unused"]) == (5, 5)
    logins = [e for e in emulator.log() if e["path"].startswith(LOGIN + "/")]
    assert logins and all(e["status"] == 200 for e in logins)

    # DocSpace allows five code checks per account within a sliding minute, successful
    # logins included. Moving the portal's clock a minute on starts a fresh window; codes
    # computed here stay well within the five minutes DocSpace accepts.
    emulator.clock(offset=61)

    # One backup code logs the user in once, and only once.
    codes = [code["code"] for code in user_state(emulator, portal)["backup_codes"]]
    result = run_play(
        [
            backup_code_login(portal, codes[0], "first", status=200),
            backup_code_login(portal, codes[0], "second", status=401),
        ]
    )
    assert result.rc == 0, result.output
    assert user_state(emulator, portal)["codes_unused"] == 4

    # Topping up: at least five unused codes means new codes now, then nothing.
    check, apply, again = assert_plan_then_apply_then_quiet(
        three_runs(run_play, emulator, step(CODES, state="present", min_unused=5), as_user),
        ["PUT " + NEW_CODES],
    )
    assert (check["total"], check["unused"]) == (5, 5)
    assert check["diff"]["before"] == {"total": 5, "unused": 4}
    assert (apply["total"], apply["unused"]) == (5, 5)
    assert "stop working" in " ".join(apply["warnings"])
    assert user_state(emulator, portal)["codes_unused"] == 5
    assert codes[1] not in [c["code"] for c in user_state(emulator, portal)["backup_codes"]]

    # The owner unlinks the user's app; the user's sessions end.
    index = user_state(emulator, portal)["cookie_index"]
    unlink = step(APP, state="absent", user_id=portal["user"]["id"])
    check, apply, again = assert_plan_then_apply_then_quiet(
        three_runs(run_play, emulator, unlink, owner), ["PUT " + UNLINK]
    )
    assert apply["linked"] is False
    assert "activation_url" not in apply
    state = user_state(emulator, portal)
    assert state["linked"] is False
    assert state["cookie_index"] == index + 1

    # The user links again and gets a new secret; the old one no longer logs in.
    emulator.clock(offset=122)
    check, apply, again = assert_plan_then_apply_then_quiet(
        three_runs(run_play, emulator, step(APP, state="present"), user_key),
        ["GET " + CONFIRM, "GET " + SETUP, "POST " + VALIDATE],
    )
    assert apply["secret"] != first_secret
    assert apply["secret"] == user_state(emulator, portal)["secret"]
    result = run_play(step(INFO), password_login(portal, secret=apply["secret"]))
    assert result.rc == 0, result.output
    assert result.task("step")["account"]["tfa_app_enabled"] is True
    result = run_play(step(INFO), password_login(portal, secret=first_secret))
    assert result.rc != 0
    assert "rejected the TOTP code" in result.task("step")["msg"]


def test_setup_then_present_with_the_code_of_the_person_s_app(run_play, emulator, portal):
    owner, user_key = connection_for(portal, "owner"), connection_for(portal, "user")
    assert run_play(step(SETTINGS, method="app"), owner).rc == 0

    emulator.clear_log()
    result = run_play(step(APP, state="setup"), user_key, check=True)
    assert result.rc == 0, result.output
    check = result.task("step")
    assert check["requests"] == ["GET " + CONFIRM, "GET " + SETUP]
    assert "secret" not in check
    assert key_or_write(emulator.log()) == []

    emulator.clear_log()
    result = run_play(step(APP, state="setup"), user_key)
    setup = result.task("step")
    assert setup["changed"] is False
    assert setup["linked"] is False
    assert setup["qr"].startswith("data:image/png;base64,")
    assert key_or_write(emulator.log()) == ["GET " + CONFIRM, "GET " + SETUP]
    assert user_state(emulator, portal)["linked"] is False

    # The person types the code their app shows, quoted, computed here with the filter.
    tasks = [
        {
            "name": "step",
            APP: {"state": "present", "code": "{{ secret | onlyoffice.docspace.totp }}"},
            "register": "out",
        }
    ]
    result = run_play(tasks, user_key, vars={"secret": setup["secret"]})
    assert result.rc == 0, result.output
    linked = result.task("step")
    assert linked["changed"] is True
    assert linked["secret"] == setup["secret"]
    assert user_state(emulator, portal)["linked"] is True

    emulator.clear_log()
    result = run_play(step(APP, state="setup"), user_key)
    assert result.task("step")["linked"] is True
    assert "secret" not in result.task("step")
    assert key_or_write(emulator.log()) == []


def test_unlinking_yourself_returns_the_activation_url_and_warns(run_play, emulator, portal):
    owner = connection_for(portal, "owner")
    assert run_play(step(SETTINGS, method="app"), owner).rc == 0
    assert run_play(step(APP, state="present"), owner).rc == 0

    runs = three_runs(run_play, emulator, step(APP, state="absent"), owner)
    check, apply, _again = assert_plan_then_apply_then_quiet(runs, ["PUT " + UNLINK])
    assert "activation_url" not in check
    assert apply["activation_url"].endswith(
        "/confirm/TfaActivation?type=TfaActivation&uid=%s" % portal["owner"]["id"]
    )
    # DocSpace signed the owner in anew with the unlink; the module logged that out.
    assert emulator.state(portal["name"])["live_tokens"] == []
    warnings = " ".join(apply["warnings"])
    assert "ended every signed-in session of %s" % portal["owner"]["email"] in warnings
    assert "API keys" in warnings


def test_unlinking_yourself_after_a_password_login(run_play, emulator, portal):
    assert run_play(step(SETTINGS, method="app"), connection_for(portal)).rc == 0
    secret = linked_user(run_play, portal)
    as_user = password_login(portal, secret=secret)

    emulator.clear_log()
    result = run_play(step(APP, state="absent"), as_user)
    assert result.rc == 0, result.output
    out = result.task("step")
    assert out["changed"] is True
    warnings = " ".join(out["warnings"])
    assert "the one this task used included" in warnings
    assert "api_key" in warnings
    assert key_or_write(emulator.log()) == ["PUT " + UNLINK]

    # As the warning says: the password alone no longer logs in, and links nothing.
    result = run_play(step(APP, state="absent"), as_user)
    assert result.rc != 0
    assert "no authenticator app linked" in result.task("step")["msg"]
    assert user_state(emulator, portal)["linked"] is False


@pytest.mark.parametrize("profile", ["3.6", "next"])
def test_link_log_in_and_unlink_on_other_releases(run_play, emulator_factory, profile):
    emulator = emulator_factory(profile=profile, portals=1)
    portal = emulator.portals[0]
    owner, user_key = connection_for(portal, "owner"), connection_for(portal, "user")
    assert run_play(step(SETTINGS, method="app"), owner).rc == 0

    _check, apply, _again = assert_plan_then_apply_then_quiet(
        three_runs(run_play, emulator, step(APP, state="present"), user_key),
        ["GET " + CONFIRM, "GET " + SETUP, "POST " + VALIDATE],
    )
    assert apply["secret"] == user_state(emulator, portal)["secret"]

    result = run_play(
        step(CODES, return_codes=True), password_login(portal, secret=apply["secret"])
    )
    assert result.rc == 0, result.output
    assert len(result.task("step")["codes"]) == 5

    assert_plan_then_apply_then_quiet(
        three_runs(
            run_play, emulator, step(APP, state="absent", user_id=portal["user"]["id"]), owner
        ),
        ["PUT " + UNLINK],
    )
    assert user_state(emulator, portal)["linked"] is False


# Refusals before any request ---------------------------------------------------------------


BAD_OPTIONS = [
    ({"code": 12345}, ("not a number", "quotes")),
    ({"code": 123456}, ("not a number", "quotes")),
    ({"code": "12345"}, ("six characters",)),
    ({"code": "1234567"}, ("six characters",)),
    ({"code": "12 345"}, ("six characters",)),
    ({"code": "12345\n"}, ("six characters",)),
    ({"code": ["123456"]}, ("quote",)),
    ({"code": True}, ("quote",)),
    ({"state": "setup", "code": "123456"}, ("only with state: present",)),
    ({"state": "absent", "code": "123456"}, ("only with state: present",)),
    ({"state": "present", "user_id": "3f2a7c1e-5b6d-4e8f-9a0b-1c2d3e4f5a6b"}, ("absent",)),
    ({"state": "absent", "user_id": "not-a-guid"}, ("user_id", "not-a-guid")),
    ({"state": "linked"}, ("state",)),
]


def test_app_refuses_bad_options_before_any_request(run_play, emulator, portal):
    """One task per case in one play, so the cases cost one ansible-playbook start."""
    tasks = [
        {"name": "case %d" % n, APP: options, "ignore_errors": True}
        for n, (options, _fragments) in enumerate(BAD_OPTIONS)
    ]
    emulator.clear_log()
    result = run_play(tasks, connection_for(portal, "user"))
    assert result.rc == 0, result.output
    statuses = {entry["task"]: entry["status"] for entry in result.results}
    for n, (options, fragments) in enumerate(BAD_OPTIONS):
        out = result.task("case %d" % n)
        assert statuses["case %d" % n] == "failed", options
        for fragment in fragments:
            assert fragment in out["msg"], (options, out["msg"])
    assert emulator.log() == []


def test_an_unquoted_code_with_a_leading_zero_is_refused(run_play, emulator, portal, tmp_path):
    """Written by hand, as YAML a person types: code: 012345 is the integer 12345."""
    playbook = tmp_path / "unquoted.yml"
    playbook.write_text(
        "- hosts: localhost\n"
        "  connection: local\n"
        "  gather_facts: false\n"
        "  tasks:\n"
        "    - name: step\n"
        "      %s:\n"
        "        url: %s\n"
        "        api_key: %s\n"
        "        code: 012345\n" % (APP, portal["url"], portal["user"]["api_key"])
    )

    emulator.clear_log()
    result = run_playbook(playbook)
    assert result.rc != 0
    assert "not a number" in result.task("step")["msg"]
    assert emulator.log() == []


def test_codes_refuses_min_unused_below_one_before_any_request(run_play, emulator, portal):
    emulator.clear_log()
    result = run_play(step(CODES, min_unused=0), connection_for(portal, "user"))
    assert result.rc != 0
    assert "min_unused" in result.task("step")["msg"]
    assert emulator.log() == []


# Refusals that need the portal's state ------------------------------------------------------


def test_linking_needs_the_app_method(run_play, emulator, portal):
    emulator.clear_log()
    result = run_play(step(APP, state="present"), connection_for(portal, "user"))
    assert result.rc != 0
    message = result.task("step")["msg"]
    assert "TFA method is none, not app" in message
    assert "docspace_tfa_settings" in message
    assert key_or_write(emulator.log()) == []


@pytest.mark.parametrize(
    "method, linked, fragments, absent",
    [
        ("none", False, ("method is none", "no authenticator app linked"), ()),
        ("none", True, ("method is none",), ("no authenticator app linked",)),
        ("app", False, ("no authenticator app linked",), ("TFA method is",)),
    ],
)
def test_codes_says_which_requirement_is_missing(
    run_play, emulator, portal, method, linked, fragments, absent
):
    user_key = connection_for(portal, "user")
    if linked:
        linked_user(run_play, portal)
    assert run_play(step(SETTINGS, method=method), connection_for(portal)).rc == 0
    emulator.clear_log()
    result = run_play(step(CODES, state="regenerated"), user_key)
    assert result.rc != 0
    message = result.task("step")["msg"]
    for fragment in fragments:
        assert fragment in message, message
    for fragment in absent:
        assert fragment not in message, message
    assert writes(emulator.log()) == []
    assert CODES_PATH not in [e["path"] for e in emulator.log()]


def test_min_unused_above_the_set_is_refused(run_play, emulator, portal):
    linked_user(run_play, portal)
    emulator.clear_log()
    result = run_play(step(CODES, min_unused=6), connection_for(portal, "user"))
    assert result.rc != 0
    assert "keeps 5 backup codes" in result.task("step")["msg"]
    assert writes(emulator.log()) == []


def test_regenerated_always_regenerates_and_check_mode_has_no_codes(run_play, emulator, portal):
    linked_user(run_play, portal)
    before = [c["code"] for c in user_state(emulator, portal)["backup_codes"]]
    emulator.clear_log()
    tasks = step(CODES, state="regenerated", return_codes=True)
    result = run_play(tasks, connection_for(portal, "user"), check=True)
    check = result.task("step")
    assert check["changed"] is True
    assert check["codes"] is None
    assert writes(emulator.log()) == []

    for _run in range(2):
        result = run_play(tasks, connection_for(portal, "user"))
        out = result.task("step")
        assert out["changed"] is True
        assert out["codes"] == [c["code"] for c in user_state(emulator, portal)["backup_codes"]]
        assert not set(out["codes"]) & set(before)
        before = out["codes"]


def test_only_the_owner_unlinks_another_user(run_play, emulator, portal):
    linked_user(run_play, portal)
    emulator.clear_log()
    unlink = step(APP, state="absent", user_id=portal["user"]["id"])
    for check in (True, False):
        result = run_play(unlink, connection_for(portal, "admin"), check=check)
        assert result.rc != 0
        message = result.task("step")["msg"]
        assert "Only the portal owner" in message
        assert portal["admin"]["email"] in message
    assert writes(emulator.log()) == []
    assert [e["path"] for e in emulator.log()] == [API + "people/@self"] * 2
    assert user_state(emulator, portal)["linked"] is True


def test_unlinking_an_unknown_user(run_play, emulator, portal):
    ghost = "0b9a3c4d-1111-4222-8333-944455556666"
    emulator.clear_log()
    result = run_play(step(APP, state="absent", user_id=ghost), connection_for(portal))
    assert result.rc != 0
    assert "No user with the id %s" % ghost in result.task("step")["msg"]
    assert writes(emulator.log()) == []


def test_an_exempt_account_gets_no_confirm_key(run_play, emulator, portal):
    owner = connection_for(portal, "owner")
    assert run_play(step(SETTINGS, method="app", trusted_ips=["127.0.0.1"]), owner).rc == 0
    emulator.clear_log()
    result = run_play(step(APP), connection_for(portal, "user"))
    assert result.rc != 0
    message = result.task("step")["msg"]
    assert "does not apply" in message
    assert "trusted IP" in message
    assert writes(emulator.log()) == []


def test_a_challenged_account_without_an_app_cannot_log_in_to_link_one(run_play, emulator, portal):
    assert run_play(step(SETTINGS, method="app"), connection_for(portal)).rc == 0
    emulator.clear_log()
    result = run_play(step(APP), password_login(portal, secret="JBSWY3DPEHPK3PXP"))
    assert result.rc != 0
    message = result.task("step")["msg"]
    assert "no authenticator app linked" in message
    assert "api_key" in message
    assert [e["path"] for e in emulator.log()] == [LOGIN]
    assert user_state(emulator, portal)["linked"] is False


# DocSpace's answers to a code -------------------------------------------------------------


def test_a_wrong_code_is_sent_once_and_explained(run_play, emulator, portal):
    assert run_play(step(SETTINGS, method="app"), connection_for(portal)).rc == 0
    emulator.clear_log()
    result = run_play(step(APP, code="000000"), connection_for(portal, "user"))
    assert result.rc != 0
    out = result.task("step")
    assert "did not accept the code given in code" in out["msg"]
    assert "Incorrect code" in out["msg"]
    assert out["error"]["status"] == 400
    assert [e["path"] for e in writes(emulator.log())] == [VALIDATE]
    assert user_state(emulator, portal)["attempts"] == 1
    assert user_state(emulator, portal)["linked"] is False


def test_too_many_attempts_gets_its_own_message(run_play, emulator, portal):
    assert run_play(step(SETTINGS, method="app"), connection_for(portal)).rc == 0
    tasks = [
        {
            "name": "attempt",
            APP: {"code": "00000%d" % n},
            "register": "out",
            "ignore_errors": True,
        }
        for n in range(6)
    ]
    result = run_play(tasks, connection_for(portal, "user"))
    attempts = [r["result"] for r in result.results if r["task"] == "attempt"]
    assert len(attempts) == 6
    assert all("did not accept" in a["msg"] for a in attempts[:5])
    last = attempts[5]["msg"]
    assert "too many codes within a minute" in last
    assert "text messages" in last
    assert "Wait a minute" in last


def test_a_wrong_clock_gets_its_own_message(run_play, emulator, portal):
    assert run_play(step(SETTINGS, method="app"), connection_for(portal)).rc == 0
    emulator.clear_log()
    emulator.clock(offset=600)
    try:
        result = run_play(step(APP), connection_for(portal, "user"))
    finally:
        emulator.clock(offset=0)
    assert result.rc != 0
    message = result.task("step")["msg"]
    # The emulator's Date header follows its clock, so the module sees the skew before it
    # spends one of the account's attempts on a code that cannot work.
    assert "Not sending the code" in message
    assert "minutes" in message and "behind the portal" in message
    assert writes(emulator.log()) == []


def test_the_clock_message_says_by_how_much(run_play, emulator, portal):
    """The portal's Date header is what the module measures the skew by."""
    assert run_play(step(SETTINGS, method="app"), connection_for(portal)).rc == 0
    late = email.utils.formatdate(time.time() - 754, usegmt=True)
    body = {
        "error": {"message": "Incorrect code", "type": None, "stack": None, "hresult": 0},
        "status": 1,
        "statusCode": 400,
    }
    emulator.fault(
        method="POST",
        path="settings/tfaapp/validate",
        portal=portal["name"],
        status=400,
        body=json.dumps(body),
        content_type="application/json",
        headers={"Date": late},
    )
    try:
        result = run_play(step(APP), connection_for(portal, "user"))
    finally:
        emulator.clear_faults()
    assert result.rc != 0
    message = result.task("step")["msg"]
    assert "12 minutes" in message
    assert "ahead of the portal's" in message
    assert "five minutes" in message


def test_a_clock_far_off_is_caught_before_the_code_is_sent(run_play, emulator, portal):
    assert run_play(step(SETTINGS, method="app"), connection_for(portal)).rc == 0
    setup = {
        "response": {
            "account": "x%40example.com",
            "manualEntryKey": "JBSWY3DPEHPK3PXP",
            "qrCodeSetupImageUrl": "data:image/png;base64,",
        },
        "count": 1,
        "status": 0,
        "statusCode": 200,
    }
    emulator.fault(
        method="GET",
        path="settings/tfaapp/setup",
        portal=portal["name"],
        status=200,
        body=json.dumps(setup),
        content_type="application/json",
        headers={"Date": email.utils.formatdate(time.time() + 3 * 3600, usegmt=True)},
    )
    emulator.clear_log()
    try:
        result = run_play(step(APP), connection_for(portal, "user"))
    finally:
        emulator.clear_faults()
    assert result.rc != 0
    message = result.task("step")["msg"]
    assert "Not sending the code" in message
    assert "3.0 hours behind" in message
    assert VALIDATE not in [e["path"] for e in emulator.log()]


# Secrets ----------------------------------------------------------------------------------


def lifecycle_play(portal, leave_codes_visible=False):
    """The whole lifecycle as one playbook, written as a careful user would write it."""
    owner = {"url": portal["url"], "api_key": portal["owner"]["api_key"]}
    user_key = {"url": portal["url"], "api_key": portal["user"]["api_key"]}
    user_login = {
        "url": portal["url"],
        "username": portal["user"]["email"],
        "password": portal["user"]["password"],
        "totp_secret": "{{ enrol.secret }}",
    }
    tasks = [
        {"name": "policy", SETTINGS: dict(owner, method="app")},
        {"name": "enrol", APP: dict(user_key), "register": "enrol", "no_log": True},
        {"name": "enrol again", APP: dict(user_key)},
        {"name": "info as user", INFO: dict(user_login)},
        {
            "name": "codes",
            CODES: dict(user_login, return_codes=True),
            "register": "codes",
            "no_log": not leave_codes_visible,
        },
        {
            "name": "backup login",
            "ansible.builtin.uri": {
                "url": "%s%s/{{ codes.codes[0] }}" % (portal["url"], LOGIN),
                "method": "POST",
                "body_format": "json",
                "body": {
                    "userName": portal["user"]["email"],
                    "password": portal["user"]["password"],
                    "code": "{{ codes.codes[0] }}",
                },
            },
            "no_log": True,
        },
        # With the API key: DocSpace allows five code checks per account and minute.
        {"name": "top up", CODES: dict(user_key, min_unused=5)},
        {"name": "top up again", CODES: dict(user_key, min_unused=5)},
        {
            "name": "owner unlinks",
            APP: dict(owner, state="absent", user_id=portal["user"]["id"]),
        },
        {"name": "setup", APP: dict(user_key, state="setup"), "register": "setup", "no_log": True},
        {
            "name": "enrol with the app's code",
            APP: dict(user_key, code="{{ setup.secret | onlyoffice.docspace.totp }}"),
            "no_log": True,
        },
        {"name": "owner unlinks the owner", APP: dict(owner, state="absent")},
    ]
    return tasks


def every_secret(emulator, portal):
    state = emulator.state(portal["name"])
    found = set()
    for values in state["secrets"].values():
        found.update(values)
    for role in ("owner", "admin", "user"):
        found.update((portal[role]["password"], portal[role]["api_key"]))
        found.update(code["code"] for code in state["users"][role]["backup_codes"])
        if state["users"][role]["secret"]:
            found.add(state["users"][role]["secret"])
    return found, state


def test_no_secret_in_verbose_diff_output(run_play, emulator, portal):
    result = run_play(lifecycle_play(portal), extra_args=["-vvv"], diff=True)
    assert result.rc == 0, result.output
    secrets, state = every_secret(emulator, portal)
    kinds = {kind: len(values) for kind, values in state["secrets"].items()}
    # The run really produced every kind of secret the check looks for.
    assert kinds["totp_secrets"] >= 2
    assert kinds["backup_codes"] >= 10
    assert kinds["confirm_keys"] >= 3
    assert kinds["tokens"] >= 3
    output = result.output
    assert len(output) > 10000
    leaked = sorted(secret for secret in secrets if secret in output)
    assert leaked == []
    for entry in result.results:
        text = json.dumps(entry["result"])
        assert [s for s in secrets if s in text] == [], entry["task"]


def test_the_leak_check_sees_codes_a_task_asked_for(run_play, emulator, portal):
    """Without no_log, return_codes shows the codes: the check above would catch a leak."""
    result = run_play(lifecycle_play(portal, leave_codes_visible=True), extra_args=["-v"])
    assert result.rc == 0, result.output
    codes = result.task("codes")["codes"]
    assert len(codes) == 5
    assert all(code in result.output for code in codes)


def linked_user(run_play, portal):
    """App method on, and the plain user linked, with API keys."""
    assert run_play(step(SETTINGS, method="app"), connection_for(portal)).rc == 0
    result = run_play(step(APP), connection_for(portal, "user"))
    assert result.rc == 0, result.output
    return result.task("step")["secret"]


def test_a_linked_account_stays_linked_while_the_policy_is_off(run_play, emulator, portal):
    linked_user(run_play, portal)
    assert run_play(step(SETTINGS, method="none"), connection_for(portal)).rc == 0
    emulator.clear_log()
    result = run_play(step(APP), connection_for(portal, "user"))
    assert result.rc == 0, result.output
    out = result.task("step")
    assert out["changed"] is False
    assert out["linked"] is True
    assert out["backup_codes"] is None
    assert key_or_write(emulator.log()) == []
