"""Hostile values for every variable of the tfa_baseline role, through ansible-playbook.

Each case is one inventory host with a portal of its own, so one enforce run tries them
all and the emulator's log tells, portal by portal, whether a request was sent. A refused
value must fail that portal with a message that names the variable, and the portal must
have seen no request at all; a value that needs the portal to be read first (an e-mail,
a group name, the calling account) may be refused after reads, never after a write. A
normalised value must reach the portal in the form written here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from harness import record

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "role"))
from role_helpers import role_playbook, run_fleet, write_fleet

pytestmark = pytest.mark.slow

REFUSED = "refused"
READS_ONLY = "refused after reads"
LONG = "1" * 5000


def policy(**wanted):
    """The portal's stored app policy holds these fields (each a function of the portal)."""

    def holds(portal, stored):
        return all(stored[field] == value(portal) for field, value in wanted.items())

    return holds


def fixed(value):
    return lambda portal: value


def account_id(account):
    return lambda portal: [portal[account]["id"]]


# (name, variables, expected, words): variables are a dict, or a function of the portal
# for values that name one of its accounts; words must appear in the failure message.
CASES = [
    ("mode capitalised", {"tfa_baseline_mode": "Enforce"}, REFUSED, "tfa_baseline_mode"),
    ("mode empty", {"tfa_baseline_mode": ""}, REFUSED, "tfa_baseline_mode"),
    ("mode a number", {"tfa_baseline_mode": 1}, REFUSED, "tfa_baseline_mode"),
    ("method capitalised", {"tfa_baseline_method": "App"}, REFUSED, "tfa_baseline_method"),
    ("method unknown", {"tfa_baseline_method": "totp"}, REFUSED, "tfa_baseline_method"),
    ("method a number", {"tfa_baseline_method": 2}, REFUSED, "tfa_baseline_method"),
    (
        "method none without the switch",
        {"tfa_baseline_method": "none"},
        REFUSED,
        "tfa_baseline_allow_disable",
    ),
    (
        "method none with lists",
        {
            "tfa_baseline_method": "none",
            "tfa_baseline_allow_disable": True,
            "tfa_baseline_trusted_ips": ["192.0.2.1"],
        },
        REFUSED,
        "tfa_baseline_trusted_ips",
    ),
    (
        "allow_disable not a bool",
        {"tfa_baseline_allow_disable": "maybe"},
        REFUSED,
        "tfa_baseline_allow_disable",
    ),
    (
        "fail_on_drift not a bool",
        {"tfa_baseline_fail_on_drift": "sometimes"},
        REFUSED,
        "tfa_baseline_fail_on_drift",
    ),
    ("ips a string", {"tfa_baseline_trusted_ips": "10.0.0.0/8"}, REFUSED, "must be a list"),
    ("ips null", {"tfa_baseline_trusted_ips": None}, REFUSED, "tfa_baseline_trusted_ips"),
    ("ips a mapping", {"tfa_baseline_trusted_ips": {"a": 1}}, REFUSED, "tfa_baseline_trusted_ips"),
    ("ips empty string", {"tfa_baseline_trusted_ips": [""]}, REFUSED, "tfa_baseline_trusted_ips"),
    ("ips null entry", {"tfa_baseline_trusted_ips": [None]}, REFUSED, "tfa_baseline_trusted_ips"),
    ("ips a number", {"tfa_baseline_trusted_ips": [10]}, REFUSED, "tfa_baseline_trusted_ips"),
    (
        "ips full-width digits",
        {"tfa_baseline_trusted_ips": ["\uff11\uff10.0.0.1"]},
        REFUSED,
        "tfa_baseline_trusted_ips",
    ),
    (
        "ips Cyrillic look-alike",
        {"tfa_baseline_trusted_ips": ["2001:db8::\u0430"]},
        REFUSED,
        "tfa_baseline_trusted_ips",
    ),
    ("ips very long", {"tfa_baseline_trusted_ips": [LONG]}, REFUSED, "tfa_baseline_trusted_ips"),
    (
        "ips octal-looking",
        {"tfa_baseline_trusted_ips": ["010.0.0.1"]},
        REFUSED,
        "tfa_baseline_trusted_ips",
    ),
    ("ips host bits", {"tfa_baseline_trusted_ips": ["10.0.0.1/8"]}, REFUSED, "host bits"),
    ("ips reversed", {"tfa_baseline_trusted_ips": ["192.0.2.9-192.0.2.1"]}, REFUSED, "reversed"),
    (
        "ips across families",
        {"tfa_baseline_trusted_ips": ["192.0.2.1-2001:db8::1"]},
        REFUSED,
        "tfa_baseline_trusted_ips",
    ),
    (
        "ips IPv6 block",
        {"tfa_baseline_trusted_ips": ["2001:db8::/32"]},
        REFUSED,
        "write those as a range",
    ),
    (
        "ips zone index",
        {"tfa_baseline_trusted_ips": ["fe80::1%eth0"]},
        REFUSED,
        "tfa_baseline_trusted_ips",
    ),
    ("users not a GUID", {"tfa_baseline_mandatory_users": ["bob"]}, REFUSED, "(a GUID)"),
    (
        "users empty GUID",
        {"tfa_baseline_mandatory_users": ["00000000-0000-0000-0000-000000000000"]},
        REFUSED,
        "empty GUID",
    ),
    ("users a number", {"tfa_baseline_mandatory_users": [12345]}, REFUSED, "(a GUID)"),
    ("users null", {"tfa_baseline_mandatory_users": None}, REFUSED, "tfa_baseline_mandatory_users"),
    ("groups not a GUID", {"tfa_baseline_mandatory_groups": ["ops"]}, REFUSED, "(a GUID)"),
    (
        "e-mails not an address",
        {"tfa_baseline_mandatory_user_emails": ["bob"]},
        REFUSED,
        "tfa_baseline_mandatory_user_emails",
    ),
    (
        "group names blank",
        {"tfa_baseline_mandatory_group_names": [" "]},
        REFUSED,
        "tfa_baseline_mandatory_group_names",
    ),
    ("url without scheme", {"docspace_url": "docspace.example.com"}, REFUSED, "docspace_url"),
    ("url empty", {"docspace_url": ""}, REFUSED, "docspace_url"),
    ("url another scheme", {"docspace_url": "ftp://docspace.example.com"}, REFUSED, "docspace_url"),
    ("no credentials", {"docspace_api_key": ""}, REFUSED, "docspace_api_key"),
    (
        "two credentials",
        {"docspace_username": "a@example.com", "docspace_password": "x"},
        REFUSED,
        "exactly one way",
    ),
    (
        "username alone",
        {"docspace_api_key": "", "docspace_username": "a@example.com"},
        REFUSED,
        "docspace_password",
    ),
    (
        "totp secret with an API key",
        {"docspace_totp_secret": "JBSWY3DPEHPK3PXP"},
        REFUSED,
        "docspace_totp_secret",
    ),
    (
        "two keys in one",
        lambda p: {"docspace_api_key": "%s\n%s" % (p["owner"]["api_key"], p["admin"]["api_key"])},
        REFUSED,
        "api_key",
    ),
    (
        "key a list",
        lambda p: {"docspace_api_key": [p["owner"]["api_key"], p["admin"]["api_key"]]},
        REFUSED,
        "docspace_api_key must be one value written as text",
    ),
    (
        "password a mapping",
        lambda p: {
            "docspace_api_key": "",
            "docspace_username": p["admin"]["email"],
            "docspace_password": {"value": p["admin"]["password"]},
        },
        REFUSED,
        "docspace_password must be one value written as text",
    ),
    (
        "password a number",
        lambda p: {
            "docspace_api_key": "",
            "docspace_username": p["admin"]["email"],
            "docspace_password": 12345678,
        },
        REFUSED,
        "docspace_password must be one value written as text",
    ),
    ("url a list", lambda p: {"docspace_url": [p["url"]]}, REFUSED, "docspace_url"),
    ("timeout zero", {"docspace_timeout": 0}, REFUSED, "timeout"),
    ("timeout not a number", {"docspace_timeout": "soon"}, REFUSED, "docspace_timeout"),
    (
        "validate_certs not a bool",
        {"docspace_validate_certs": "perhaps"},
        REFUSED,
        "docspace_validate_certs",
    ),
    ("ca_path missing", {"docspace_ca_path": "/nonexistent/ca.pem"}, REFUSED, "ca_path"),
    (
        "unknown e-mail",
        {"tfa_baseline_mandatory_user_emails": ["nobody@portal.example"]},
        READS_ONLY,
        "nobody@portal.example",
    ),
    (
        "unknown group name",
        {"tfa_baseline_mandatory_group_names": ["No such group"]},
        READS_ONLY,
        "No such group",
    ),
    (
        "own password account made mandatory",
        lambda p: {
            "docspace_api_key": "",
            "docspace_username": p["admin"]["email"],
            "docspace_password": p["admin"]["password"],
            "tfa_baseline_mandatory_users": [p["admin"]["id"]],
        },
        READS_ONLY,
        "docspace_totp_secret",
    ),
    (
        "ips padded and repeated",
        {"tfa_baseline_trusted_ips": [" 10.0.0.0/8 ", "10.0.0.0/8", "10.0.0.0 / 8"]},
        policy(trustedIps=fixed(["10.0.0.0/8"])),
        None,
    ),
    (
        "ips IPv6 written out",
        {"tfa_baseline_trusted_ips": ["2001:DB8:0:0:0:0:0:1"]},
        policy(trustedIps=fixed(["2001:db8::1"])),
        None,
    ),
    (
        "ips range with spaces",
        {"tfa_baseline_trusted_ips": ["192.0.2.1 - 192.0.2.9"]},
        policy(trustedIps=fixed(["192.0.2.1-192.0.2.9"])),
        None,
    ),
    (
        "ips from a template",
        {"tfa_baseline_trusted_ips": "{{ ['10.1.0.0/16'] + [] }}"},
        policy(trustedIps=fixed(["10.1.0.0/16"])),
        None,
    ),
    (
        "user id braced in upper case, twice",
        lambda p: {
            "tfa_baseline_mandatory_users": [
                "{%s}" % p["user"]["id"].upper(),
                p["user"]["id"].replace("-", ""),
            ]
        },
        policy(mandatoryUsers=account_id("user")),
        None,
    ),
    (
        "user by padded e-mail",
        lambda p: {"tfa_baseline_mandatory_user_emails": [" %s " % p["user"]["email"]]},
        policy(mandatoryUsers=account_id("user")),
        None,
    ),
    (
        "group id in upper case",
        lambda p: {"tfa_baseline_mandatory_groups": [p["group"]["id"].upper()]},
        policy(mandatoryGroups=lambda p: [p["group"]["id"]]),
        None,
    ),
    (
        "group by name",
        lambda p: {"tfa_baseline_mandatory_group_names": [p["group"]["name"]]},
        policy(mandatoryGroups=lambda p: [p["group"]["id"]]),
        None,
    ),
    (
        "key with surrounding white space",
        lambda p: {"docspace_api_key": " %s\n" % p["owner"]["api_key"]},
        policy(enable=fixed(True)),
        None,
    ),
]
BASELINE = {
    "tfa_baseline_mode": "enforce",
    "tfa_baseline_method": "app",
    "tfa_baseline_trusted_ips": [],
    "tfa_baseline_report_dir": "",
}


@pytest.fixture(scope="module")
def role_run(emulator_factory, tmp_path_factory):
    emulator = emulator_factory(profile="3.7", portals=len(CASES))
    portals = dict(zip((case[0] for case in CASES), emulator.portals))
    hostvars = {}
    for name, variables, _expected, _words in CASES:
        portal = portals[name]
        hostvars[portal["name"]] = variables(portal) if callable(variables) else variables
    directory = tmp_path_factory.mktemp("role-inputs")
    inventory = write_fleet(directory, emulator.portals, group_vars=BASELINE, hostvars=hostvars)
    emulator.clear_log()
    result = run_fleet(inventory, role_playbook(directory), forks=10)
    return emulator, portals, result


def failure_messages(result, host):
    """What the run said about a failed host: its failed tasks and its summary entry."""
    messages = [
        str(entry["result"].get("msg", ""))
        for entry in result.results
        if entry.get("host") == host and entry["status"] == "failed"
    ]
    return "\n".join(messages)


@pytest.mark.parametrize("name,variables,expected,words", CASES, ids=[c[0] for c in CASES])
def test_role_variable_is_normalised_or_refused_before_any_request(
    role_run, name, variables, expected, words
):
    emulator, portals, result = role_run
    portal = portals[name]
    log = emulator.log(portal["name"])
    messages = failure_messages(result, portal["name"])
    assert "Traceback" not in messages, messages
    if expected in (REFUSED, READS_ONLY):
        assert messages, "%s did not fail:\n%s" % (name, result.output[-3000:])
        assert words in messages, messages
        if expected == REFUSED:
            record("inputs", tried=1, refused=1, kind="tfa_baseline role")
            assert log == [], [(e["method"], e["path"]) for e in log]
        else:
            record("inputs", tried=1, refused_after_reads=1, kind="tfa_baseline role")
            # Reads, and the password login and logout around them; no write.
            assert log, "%s sent no request" % name
            assert [
                (e["method"], e["path"])
                for e in log
                if e["method"] != "GET" and not e["path"].startswith("/api/2.0/authentication")
            ] == []
    else:
        record("inputs", tried=1, normalised=1, kind="tfa_baseline role")
        assert messages == "", messages
        assert expected(portal, emulator.state(portal["name"])["policy"]["app"])
