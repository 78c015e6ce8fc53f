"""The role's checks of its variables, evaluated as Ansible evaluates them, without a portal.

The playbook tests show that a problem stops the role before its first request; these
show which values are problems, against the collection's own parser of trusted IPs.
"""

from __future__ import annotations

import ipaddress
import random
import re

import pytest
from role_helpers import render_role_vars

from ansible_collections.onlyoffice.docspace.plugins.module_utils._tfa import (
    PolicyError,
    normalize_trusted_ip,
)

CONNECTION = {"docspace_url": "https://docspace.example.com", "docspace_api_key": "sk-test"}

ACCEPTED = [
    "192.0.2.1",
    " 192.0.2.1 ",
    "0.0.0.1",
    "255.255.255.255",
    "10.0.0.0/8",
    "192.0.2.0/24",
    "192.0.2.7/32",
    "0.0.0.0/0",
    "192.0.2.1-192.0.2.9",
    "192.0.2.1 - 192.0.2.9",
    "::",
    "::1",
    "1::",
    "2001:db8::1",
    "2001:DB8:0:0:0:0:0:1",
    "2001:db8:1:2:3:4:5:6",
    "1:2:3:4:5:6:7::",
    "::2:3:4:5:6:7:8",
    "fe80::1:2:3:4:5:6",
    "::ffff:192.0.2.1",
    "64:ff9b::192.0.2.1",
    "1:2:3:4:5:6:192.0.2.1",
    "::1:2:3:4:5:192.0.2.1",
    "2001:db8::1-2001:db8::ff",
]
REFUSED = [
    "",
    "localhost",
    "192.0.2",
    "192.0.2.256",
    "192.0.2.01",
    "192.0.2.1.5",
    "10.0.0.0/33",
    "10.0.0.0/",
    "2001:db8::/32",
    "2001:db8::1/128",
    "1:2:3:4:5:6:7:8:9",
    "1::2::3",
    ":::1",
    "12345::1",
    "2001:db8::g",
    "1:2:3:4:5:6:7:8::",
    "1::2:3:4:5:6:7:8",
    "::1:2:3:4:5:6:192.0.2.1",
    "192.0.2.1-2001:db8::1",
    "192.0.2.1-192.0.2.9-192.0.2.20",
    "fe80::1%eth0",
]


@pytest.fixture(scope="module")
def pattern():
    (text,) = render_role_vars([{}], "{{ __tfa_baseline_trusted_ip_pattern }}")
    return re.compile(text)


@pytest.mark.parametrize("entry", ACCEPTED)
def test_the_forms_docspace_matches_are_accepted(pattern, entry):
    assert pattern.match(entry), entry


@pytest.mark.parametrize("entry", REFUSED)
def test_other_text_is_refused(pattern, entry):
    assert not pattern.match(entry), entry


def test_the_form_check_never_refuses_what_the_settings_module_accepts(pattern):
    """Random addresses, in every spelling Python writes, and ranges of them."""
    rng = random.Random(7)
    entries = []
    for _round in range(300):
        v4 = ipaddress.IPv4Address(rng.getrandbits(32))
        v6 = ipaddress.IPv6Address(rng.getrandbits(128) >> rng.choice([0, 16, 64, 100]))
        mapped = ipaddress.IPv6Address("::ffff:%s" % v4)
        prefix = rng.randint(0, 32)
        network = ipaddress.IPv4Network("%s/%d" % (v4, prefix), strict=False)
        entries += [str(v4), str(v6), v6.exploded, "::ffff:%s" % v4, str(mapped), str(network)]
        entries.append("%s-%s" % tuple(sorted([v4, ipaddress.IPv4Address(rng.getrandbits(32))])))
    for entry in entries:
        try:
            normalize_trusted_ip(entry)
        except PolicyError:
            continue
        assert pattern.match(entry), entry


PROBLEM_CASES = {
    "disable without the switch": ({"tfa_baseline_method": "none"}, ["tfa_baseline_allow_disable"]),
    "disable with the switch": (
        {"tfa_baseline_method": "none", "tfa_baseline_allow_disable": True},
        [],
    ),
    "disable with lists": (
        {
            "tfa_baseline_method": "none",
            "tfa_baseline_allow_disable": True,
            "tfa_baseline_trusted_ips": ["192.0.2.1"],
        },
        ["cannot be combined with tfa_baseline_trusted_ips"],
    ),
    "not a list": ({"tfa_baseline_trusted_ips": "192.0.2.1"}, ["must be a list"]),
    "null list": ({"tfa_baseline_mandatory_groups": None}, ["tfa_baseline_mandatory_groups"]),
    "bad address": ({"tfa_baseline_trusted_ips": ["192.0.2.300"]}, ['"192.0.2.300"']),
    "ipv6 block": ({"tfa_baseline_trusted_ips": ["2001:db8::/32"]}, ["write those as a range"]),
    "host bits": ({"tfa_baseline_trusted_ips": ["10.0.0.1/8"]}, ['"10.0.0.1/8" has host bits']),
    "reversed range": (
        {"tfa_baseline_trusted_ips": ["192.0.2.9-192.0.2.1"]},
        ['"192.0.2.9-192.0.2.1" is reversed'],
    ),
    "number in a list": ({"tfa_baseline_trusted_ips": [10]}, ['"10"']),
    "bad user id": ({"tfa_baseline_mandatory_users": ["bob"]}, ['user id (a GUID): "bob"']),
    "bad group id": ({"tfa_baseline_mandatory_groups": ["ops"]}, ['group id (a GUID): "ops"']),
    "empty guid": (
        {"tfa_baseline_mandatory_users": ["00000000-0000-0000-0000-000000000000"]},
        ["empty GUID"],
    ),
    "good ids": (
        {
            "tfa_baseline_mandatory_users": ["{3F1C7A52-1B7E-4C8E-9D0A-5A7B1C2D3E4F}"],
            "tfa_baseline_mandatory_groups": ["3f1c7a521b7e4c8e9d0a5a7b1c2d3e4f"],
        },
        [],
    ),
    "bad e-mail": ({"tfa_baseline_mandatory_user_emails": ["bob"]}, ['e-mail address: "bob"']),
    "empty group name": ({"tfa_baseline_mandatory_group_names": [" "]}, ["not empty strings"]),
    "no url": ({"docspace_url": ""}, ["No portal address"]),
    "not a url": ({"docspace_url": "docspace.example.com"}, ["starting with https://"]),
    "no credentials": ({"docspace_api_key": ""}, ["No credentials"]),
    "two credentials": (
        {"docspace_username": "a@example.com", "docspace_password": "x"},
        ["not api_key and password"],
    ),
    "half a password login": (
        {"docspace_api_key": "", "docspace_username": "a@example.com"},
        ["docspace_password is missing"],
    ),
    "totp without password": ({"docspace_totp_secret": "JBSWY3DPEHPK3PXP"}, ["totp_secret"]),
    "password with totp": (
        {
            "docspace_api_key": "",
            "docspace_username": "a@example.com",
            "docspace_password": "x",
            "docspace_totp_secret": "JBSWY3DPEHPK3PXP",
        },
        [],
    ),
}


def test_each_problem_is_named_and_good_values_pass():
    names = sorted(PROBLEM_CASES)
    cases = [dict(CONNECTION, **PROBLEM_CASES[name][0]) for name in names]
    results = render_role_vars(cases, "{{ __tfa_baseline_problems }}")
    for name, problems in zip(names, results):
        expected = PROBLEM_CASES[name][1]
        if not expected:
            assert problems == [], name
        for words in expected:
            assert any(words in problem for problem in problems), (name, problems)


def test_all_problems_are_reported_at_once():
    case = dict(
        CONNECTION,
        tfa_baseline_trusted_ips=["nowhere"],
        tfa_baseline_mandatory_users=["bob"],
        tfa_baseline_mandatory_user_emails=["carol"],
    )
    (problems,) = render_role_vars([case], "{{ __tfa_baseline_problems }}")
    assert len(problems) == 3
