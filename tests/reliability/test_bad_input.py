"""Hostile values for every option of every module: normalised, or refused before any request.

A refused value must fail the task with a message that names the option, and the portal
must not have seen a single request. A normalised value must reach the portal in the form
written here.
"""

from __future__ import annotations

import pytest
from harness import record, run_module
from scenarios import key, policy_app, policy_app_linked

LONG = "a" * 5000
UPPER = "{%s}"

SETTINGS = "docspace_tfa_settings"
INFO = "docspace_tfa_info"
CODES = "docspace_tfa_codes"
APP = "docspace_tfa_app"

# (module, option, value, expected): expected is "refused", or a callable that gets the
# portal and the emulator state afterwards and returns True when the value was normalised.
REFUSED = "refused"
# Refused only after reading what the portal holds (a name to look up, or the size of the
# portal's set of codes): the task fails and the portal sees no write.
READS_ONLY = "refused after reads"


def app_policy(field, wanted):
    return lambda portal, state: state["policy"]["app"][field] == wanted(portal)


def ips(*wanted):
    return app_policy("trustedIps", lambda portal: list(wanted))


def users(*accounts):
    return app_policy("mandatoryUsers", lambda portal: [portal[a]["id"] for a in accounts])


def groups_of_portal(portal, state):
    return state["policy"]["app"]["mandatoryGroups"] == [portal["group"]["id"]]


def ok(portal, state):
    return True


def upper_braced(account):
    return lambda portal: "{%s}" % portal[account]["id"].upper()


CASES = [
    # docspace_tfa_settings: method
    (SETTINGS, "method", 2, REFUSED),
    (SETTINGS, "method", "App", REFUSED),
    (SETTINGS, "method", "", REFUSED),
    (SETTINGS, "method", ["app"], REFUSED),
    (SETTINGS, "method", LONG, REFUSED),
    # trusted_ips
    (SETTINGS, "trusted_ips", "10.0.0.1", ips("10.0.0.1")),
    (SETTINGS, "trusted_ips", ["10.0.0.1", "10.0.0.1"], ips("10.0.0.1")),
    (SETTINGS, "trusted_ips", ["2001:0DB8:0:0::1"], ips("2001:db8::1")),
    (SETTINGS, "trusted_ips", ["2001:DB8::1", "2001:db8:0::1"], ips("2001:db8::1")),
    (SETTINGS, "trusted_ips", ["10.0.0.1/8"], REFUSED),
    (SETTINGS, "trusted_ips", ["10.0.0.0/33"], REFUSED),
    (SETTINGS, "trusted_ips", ["2001:db8::/32"], REFUSED),
    (SETTINGS, "trusted_ips", ["10.0.0.1-2001:db8::1"], REFUSED),
    (SETTINGS, "trusted_ips", ["10.0.0.9-10.0.0.1"], REFUSED),
    (SETTINGS, "trusted_ips", ["\uff11\uff10.0.0.1"], REFUSED),
    (SETTINGS, "trusted_ips", ["10.0.0.\u0661"], REFUSED),
    (SETTINGS, "trusted_ips", ["10.0.0.010"], REFUSED),
    (SETTINGS, "trusted_ips", ["010.0.0.1"], REFUSED),
    (SETTINGS, "trusted_ips", [""], REFUSED),
    (SETTINGS, "trusted_ips", [LONG], REFUSED),
    (SETTINGS, "trusted_ips", [10], REFUSED),
    (SETTINGS, "trusted_ips", ["not-an-ip"], REFUSED),
    (SETTINGS, "trusted_ips", ["10.0.0.1\r\n10.0.0.2"], REFUSED),
    (SETTINGS, "trusted_ips", ["fe80::1%eth0"], REFUSED),
    (SETTINGS, "trusted_ips", [{"ip": "10.0.0.1"}], REFUSED),
    (SETTINGS, "trusted_ips", [], ips()),
    # mandatory_users and mandatory_groups
    (SETTINGS, "mandatory_users", [upper_braced("admin")], users("admin")),
    (SETTINGS, "mandatory_users", ["admin", "admin"], users("admin")),
    (SETTINGS, "mandatory_users", ["not-a-guid"], REFUSED),
    (SETTINGS, "mandatory_users", [""], REFUSED),
    (SETTINGS, "mandatory_users", [LONG], REFUSED),
    (SETTINGS, "mandatory_users", ["\u0430" * 8 + "-0000-0000-0000-000000000000"], REFUSED),
    (SETTINGS, "mandatory_users", [12345], REFUSED),
    (SETTINGS, "mandatory_groups", ["group-upper-braced"], groups_of_portal),
    (SETTINGS, "mandatory_groups", ["{not-a-guid}"], REFUSED),
    (SETTINGS, "mandatory_groups", [""], REFUSED),
    # confirm_url and the connection options
    (SETTINGS, "confirm_url", "maybe", REFUSED),
    (SETTINGS, "confirm_url", 2, REFUSED),
    (SETTINGS, "timeout", "soon", REFUSED),
    (SETTINGS, "timeout", 0, REFUSED),
    (SETTINGS, "timeout", -5, REFUSED),
    (SETTINGS, "timeout", "20", ok),
    (SETTINGS, "url", "", REFUSED),
    (SETTINGS, "url", "ftp://127.0.0.1/portal", REFUSED),
    (SETTINGS, "url", LONG, REFUSED),
    (SETTINGS, "api_key", "", REFUSED),
    (SETTINGS, "api_key", "sk-\u043a\u043b\u044e\u0447", REFUSED),
    (SETTINGS, "api_key", "owner-key-padded", ok),
    (SETTINGS, "validate_certs", "maybe", REFUSED),
    (SETTINGS, "ca_path", "/nonexistent/ca.pem", REFUSED),
    (SETTINGS, "username", "someone@example.com", REFUSED),
    (SETTINGS, "password", "secret-without-user", REFUSED),
    (SETTINGS, "token", "", REFUSED),
    (SETTINGS, "totp_secret", "not base32 !!", REFUSED),
    # docspace_tfa_info
    (INFO, "resolve_users", [""], REFUSED),
    (INFO, "resolve_users", ["not-an-address"], REFUSED),
    (INFO, "resolve_users", [LONG], REFUSED),
    (INFO, "resolve_users", None, REFUSED),
    (INFO, "resolve_groups", [""], REFUSED),
    (INFO, "resolve_groups", [LONG], READS_ONLY),
    (INFO, "resolve_users", ["nobody@example.com"], READS_ONLY),
    (INFO, "resolve_groups", None, REFUSED),
    (INFO, "timeout", [], REFUSED),
    (INFO, "url", "http://127.0.0.1:1/port al", REFUSED),
    # docspace_tfa_codes
    (CODES, "min_unused", 0, REFUSED),
    (CODES, "min_unused", -1, REFUSED),
    (CODES, "min_unused", "three", REFUSED),
    (CODES, "min_unused", 1.5, REFUSED),
    (CODES, "min_unused", "2", ok),
    (CODES, "min_unused", 10**6, READS_ONLY),
    (CODES, "state", "Regenerated", REFUSED),
    (CODES, "state", "", REFUSED),
    (CODES, "return_codes", "maybe", REFUSED),
    # docspace_tfa_app
    (APP, "code", 12345, REFUSED),
    (APP, "code", 123456, REFUSED),
    (APP, "code", 12345.0, REFUSED),
    (APP, "code", True, REFUSED),
    (APP, "code", "12345", REFUSED),
    (APP, "code", "1234567", REFUSED),
    (APP, "code", "12 345", REFUSED),
    (APP, "code", "\uff10\uff11\uff12\uff13\uff14\uff15", REFUSED),
    (APP, "code", "12345\n", REFUSED),
    (APP, "code", "", REFUSED),
    (APP, "code", ["012345"], REFUSED),
    (APP, "state", "Absent", REFUSED),
    (APP, "state", None, REFUSED),
    (APP, "user_id", "not-a-guid", REFUSED),
    (APP, "user_id", "", REFUSED),
    (APP, "user_id", LONG, REFUSED),
]


def resolve(portal, value):
    """Case values that name a seeded account or group stand for its id, in a hostile form."""
    if callable(value):
        return value(portal)
    if value == "owner-key-padded":
        return " %s\n" % portal["owner"]["api_key"]
    if value == "group-upper-braced":
        return "{%s}" % portal["group"]["id"].upper()
    if isinstance(value, list):
        return [resolve(portal, item) for item in value]
    if value in ("admin", "user", "owner"):
        return portal[value]["id"].upper()
    return value


def base(module, option, portal):
    """Options that make the task valid but for the option under test."""
    options = key(portal)
    if module == SETTINGS and option not in ("method",):
        options["method"] = "app"
    if module == APP and option == "code":
        options["state"] = "present"
    if module == APP and option == "user_id":
        options["state"] = "absent"
    if option in ("username", "password", "totp_secret", "token"):
        options.pop("api_key")
        if option == "totp_secret":
            options.update(username=portal["owner"]["email"], password="x")
    if option == "token":
        options.pop("api_key", None)
    return options


PREPARE = {SETTINGS: None, INFO: None, CODES: policy_app_linked, APP: policy_app}


@pytest.mark.parametrize(
    "module,option,value,expected",
    CASES,
    ids=["%s-%s-%d" % (c[0][12:], c[1], n) for n, c in enumerate(CASES)],
)
def test_hostile_value_is_normalised_or_refused_before_any_request(
    world, module, option, value, expected
):
    emulator, portal = world
    emulator.clear_faults()
    emulator.reset()
    if PREPARE[module]:
        PREPARE[module](portal)
    emulator.clear_log()
    args = {**base(module, option, portal), option: resolve(portal, value)}
    outcome = run_module(module, args)
    log = emulator.log(portal["name"])

    assert outcome.crash is None, outcome.crash
    if expected in (REFUSED, READS_ONLY):
        assert outcome.failed, outcome.result
        if expected == REFUSED:
            record("inputs", tried=1, refused=1, kind=module)
            assert log == [], [(e["method"], e["path"]) for e in log]
            assert option in outcome.msg or option.replace("_", " ") in outcome.msg, outcome.msg
        else:
            record("inputs", tried=1, refused_after_reads=1, kind=module)
            assert {e["method"] for e in log} == {"GET"}, log
        assert len(outcome.msg.splitlines()) <= 6, outcome.msg
    else:
        record("inputs", tried=1, normalised=1, kind=module)
        assert not outcome.failed, outcome.msg
        assert expected(portal, emulator.state(portal["name"]))
