# Copyright: Contributors to the onlyoffice.docspace collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The TFA domain layer: validation, canonical forms, set comparison and planning."""

import ast
import uuid
from pathlib import Path

import pytest

from ansible_collections.onlyoffice.docspace.plugins.module_utils import _tfa
from ansible_collections.onlyoffice.docspace.plugins.module_utils._tfa import (
    EMPTY_GUID,
    Plan,
    PolicyError,
    comparable,
    normalize_desired,
    normalize_guid,
    normalize_list,
    normalize_trusted_ip,
    owner_guard,
    parse_policy,
    plan_policy,
    policy_matches,
)

OWNER = "3f2a7c1e-5b6d-4e8f-9a0b-1c2d3e4f5a6b"
ADMIN = "7e1d2c3b-4a59-4867-8f9e-0a1b2c3d4e5f"
USER = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
OTHER_USER = "0badc0de-0000-4000-8000-00000000beef"
GROUP = "c0ffee00-1234-4abc-9def-567890abcdef"
OTHER_GROUP = "deadbeef-cafe-4bab-8e00-0123456789ab"


def refused(func, *args, fragments=(), **kwargs):
    """Call ``func``, expect a PolicyError and return its message.

    Every fragment must appear in the message; a PolicyError is also a ValueError, which is
    what callers outside the collection may catch.
    """
    with pytest.raises(PolicyError) as info:
        func(*args, **kwargs)
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    return message


def method_item(method, enabled=False, available=True, spelling="available", lists=None):
    """One item of GET settings/tfaapp as DocSpace sends it (null lists left out)."""
    item = {"id": method, "title": method, "enabled": enabled, spelling: available}
    for key, value in (lists or {}).items():
        if value is not None:
            item[key] = value
    return item


def portal(method="none", ips=None, users=None, groups=None, sms=True, spelling="available"):
    """The answer of GET settings/tfaapp: sms (if shown) then app, like DocSpace."""
    lists = {"trustedIps": ips, "mandatoryUsers": users, "mandatoryGroups": groups}
    items = []
    if sms:
        items.append(
            method_item(
                "sms",
                enabled=method == "sms",
                spelling=spelling,
                lists=lists if method == "sms" else None,
            )
        )
    items.append(
        method_item(
            "app",
            enabled=method == "app",
            spelling=spelling,
            lists=lists if method == "app" else None,
        )
    )
    return items


def current(method="none", ips=(), users=(), groups=(), available=("app", "sms")):
    """A parsed portal policy, as parse_policy returns it."""
    return {
        "method": method,
        "trusted_ips": sorted(ips),
        "mandatory_users": sorted(users),
        "mandatory_groups": sorted(groups),
        "available_methods": sorted(available),
    }


def desired(method=None, ips=None, users=None, groups=None):
    return normalize_desired(
        method=method, trusted_ips=ips, mandatory_users=users, mandatory_groups=groups
    )


# Single addresses ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("10.0.0.1", "10.0.0.1"),
        ("0.0.0.0", "0.0.0.0"),  # noqa: S104 (a trusted IP, not a bind address)
        ("255.255.255.255", "255.255.255.255"),
        ("192.168.100.200", "192.168.100.200"),
        (" 10.0.0.1 ", "10.0.0.1"),
        ("\t10.0.0.1\n", "10.0.0.1"),
        ("10.0.0.1\u00a0", "10.0.0.1"),
        ("2001:0DB8:0:0::1", "2001:db8::1"),
        ("2001:db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("2001:DB8::1", "2001:db8::1"),
        ("  2001:db8::1  ", "2001:db8::1"),
        ("::1", "::1"),
        ("::", "::"),
        ("0:0:0:0:0:0:0:1", "::1"),
        ("FE80::0001", "fe80::1"),
        ("2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"),
        ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
        ("::ffff:10.0.0.1", "::ffff:10.0.0.1"),
        ("::FFFF:0a00:0001", "::ffff:10.0.0.1"),
    ],
)
def test_single_address_canonical_form(value, expected):
    assert normalize_trusted_ip(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        " ",
        "\t",
        "not-an-ip",
        "localhost",
        "10.0.0",
        "10.0.0.1.5",
        "10.0.0.256",
        "256.0.0.1",
        "10.0.0.-1",
        "10..0.1",
        "10.0.0.1.",
        "0x0a.0.0.1",
        "10.0.0.1:80",
        "[2001:db8::1]",
        "2001:db8::1::2",
        "2001:db8::g",
        "12345::1",
        "10.0.0.1 10.0.0.2",
        "10.0.0.1,10.0.0.2",
        "10\u00a0.0.0.1",
    ],
)
def test_malformed_address_refused(value):
    refused(normalize_trusted_ip, value, fragments=("trusted_ips", repr(value)))


@pytest.mark.parametrize(
    "value",
    ["010.0.0.1", "10.00.0.1", "10.0.0.01", "10.0.0.001", "00.0.0.0"],
)
def test_leading_zero_octet_refused(value):
    refused(normalize_trusted_ip, value, fragments=(repr(value), "leading zeros"))


@pytest.mark.parametrize(
    "value",
    [
        "\uff11\uff10.0.0.1",  # fullwidth "10"
        "1\uff10.0.0.1",
        "10.0.0.\uff11",
        "\u0661\u0660.0.0.1",  # Arabic-Indic "10"
        "10.0.0.\u0661",
        "\u06f1\u06f0.0.0.1",  # extended Arabic-Indic "10"
        "\u0967\u0966.0.0.1",  # Devanagari "10"
        "2001:db8::\uff11",
        "\uff12001:db8::1",
        "10.0.0.0/\uff18",  # fullwidth prefix length
        "10.0.0.0/\u0668",
        "10.0.0.1-10.0.0.\uff19",
    ],
)
def test_unicode_lookalike_digits_refused(value):
    refused(normalize_trusted_ip, value, fragments=(repr(value),))


@pytest.mark.parametrize(
    "value",
    ["fe80::1%eth0", "fe80::1%1", "fe80::1%", "fe80::1%25eth0", "fe80::1-fe80::9%eth0"],
)
def test_zone_id_refused(value):
    refused(normalize_trusted_ip, value, fragments=(repr(value),))


@pytest.mark.parametrize(
    "value, type_name",
    [
        (1, "int"),
        (167772161, "int"),
        (1.5, "float"),
        (True, "bool"),
        (None, "NoneType"),
        ({}, "dict"),
        ({"ip": "10.0.0.1"}, "dict"),
        (["10.0.0.1"], "list"),
        (b"10.0.0.1", "bytes"),
    ],
)
def test_non_string_address_refused_with_a_hint_to_quote(value, type_name):
    refused(normalize_trusted_ip, value, fragments=(repr(value), type_name, "quote it"))


def test_option_name_is_part_of_the_message():
    refused(normalize_trusted_ip, "nope", option="portal", fragments=("portal: 'nope'",))


# Ranges -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("10.0.0.1-10.0.0.9", "10.0.0.1-10.0.0.9"),
        ("10.0.0.1 - 10.0.0.9", "10.0.0.1-10.0.0.9"),
        (" 10.0.0.1-10.0.0.9 ", "10.0.0.1-10.0.0.9"),
        ("10.0.0.5-10.0.0.5", "10.0.0.5-10.0.0.5"),
        ("0.0.0.0-255.255.255.255", "0.0.0.0-255.255.255.255"),
        ("9.255.255.255-10.0.0.0", "9.255.255.255-10.0.0.0"),
        ("2001:DB8::1-2001:0db8::00ff", "2001:db8::1-2001:db8::ff"),
        ("::1-::2", "::1-::2"),
        ("2001:db8::-2001:db8::ffff", "2001:db8::-2001:db8::ffff"),
        ("::ffff:10.0.0.1-::ffff:10.0.0.9", "::ffff:10.0.0.1-::ffff:10.0.0.9"),
    ],
)
def test_range_canonical_form(value, expected):
    assert normalize_trusted_ip(value) == expected


@pytest.mark.parametrize(
    "value, suggestion",
    [
        ("10.0.0.9-10.0.0.1", "10.0.0.1-10.0.0.9"),
        ("10.0.1.0-10.0.0.255", "10.0.0.255-10.0.1.0"),
        ("255.255.255.255-0.0.0.0", "0.0.0.0-255.255.255.255"),
        ("2001:DB8::FF-2001:db8::1", "2001:db8::1-2001:db8::ff"),
        ("::2-::1", "::1-::2"),
    ],
)
def test_reversed_range_refused_with_the_right_order(value, suggestion):
    message = refused(normalize_trusted_ip, value, fragments=(repr(value), "reversed"))
    assert "write it as %s." % suggestion in message


@pytest.mark.parametrize(
    "value",
    ["10.0.0.1-2001:db8::1", "2001:db8::1-10.0.0.1", "::1-127.0.0.1", "0.0.0.0-::"],
)
def test_range_across_families_refused(value):
    refused(normalize_trusted_ip, value, fragments=(repr(value), "IPv4 and IPv6"))


@pytest.mark.parametrize(
    "value",
    [
        "-",
        "10.0.0.1-",
        "-10.0.0.1",
        "10.0.0.1--10.0.0.9",
        "10.0.0.1-10.0.0.5-10.0.0.9",
        "10.0.0.1-10.0.0.300",
        "10.0.0.1-10.0.0",
        "10.0.0.01-10.0.0.9",
        "10.0.0.0/24-10.0.1.0",
        "10.0.0.1-not-an-ip",
    ],
)
def test_malformed_range_refused(value):
    refused(normalize_trusted_ip, value, fragments=(repr(value),))


# CIDR blocks --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("10.0.0.0/8", "10.0.0.0/8"),
        ("192.168.0.0/16", "192.168.0.0/16"),
        ("192.168.1.0/24", "192.168.1.0/24"),
        ("10.0.0.1/32", "10.0.0.1/32"),
        ("0.0.0.0/0", "0.0.0.0/0"),
        (" 10.0.0.0/8 ", "10.0.0.0/8"),
        ("10.0.0.0 / 8", "10.0.0.0/8"),
        ("10.0.0.0/08", "10.0.0.0/8"),
    ],
)
def test_ipv4_cidr_canonical_form(value, expected):
    assert normalize_trusted_ip(value) == expected


@pytest.mark.parametrize(
    "value, network",
    [
        ("10.0.0.1/8", "10.0.0.0/8"),
        ("192.168.1.77/24", "192.168.1.0/24"),
        ("192.168.1.1/16", "192.168.0.0/16"),
        ("10.0.0.1/0", "0.0.0.0/0"),
        ("172.16.5.4/12", "172.16.0.0/12"),
        ("10.0.0.3/31", "10.0.0.2/31"),
    ],
)
def test_ipv4_cidr_with_host_bits_refused_naming_the_network(value, network):
    refused(
        normalize_trusted_ip,
        value,
        fragments=(repr(value), "host bits", "the block is %s." % network),
    )


@pytest.mark.parametrize(
    "value, suggestion",
    [
        ("2001:db8::/32", "2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"),
        ("2001:DB8:0:0::/64", "2001:db8::-2001:db8::ffff:ffff:ffff:ffff"),
        ("2001:db8::/120", "2001:db8::-2001:db8::ff"),
        ("::1/128", "::1-::1"),
        ("::/0", "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
        # Host bits set: the range is still the block's whole range, not a second refusal.
        ("2001:db8::1/32", "2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"),
        ("2001:db8::abcd/120", "2001:db8::ab00-2001:db8::abff"),
    ],
)
def test_ipv6_cidr_refused_with_the_equivalent_range(value, suggestion):
    refused(
        normalize_trusted_ip,
        value,
        fragments=(repr(value), "IPv6 CIDR", "write it as the range %s." % suggestion),
    )


def test_suggested_ipv6_range_is_itself_accepted():
    message = refused(normalize_trusted_ip, "2001:db8::/120")
    suggestion = message.rsplit("the range ", 1)[1].rstrip(".")
    assert normalize_trusted_ip(suggestion) == suggestion


@pytest.mark.parametrize(
    "value",
    [
        "10.0.0.0/",
        "10.0.0.0/33",
        "10.0.0.0/100",
        "10.0.0.0/+8",
        "10.0.0.0/8.0",
        "10.0.0.0/255.0.0.0",
        "10.0.0.0/8/8",
        "10.0.0.0/x",
        "/8",
        "2001:db8::/129",
        "10.0.0.0/-8",
        "010.0.0.0/8",
    ],
)
def test_malformed_cidr_refused(value):
    refused(normalize_trusted_ip, value, fragments=(repr(value),))


# GUIDs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        (USER, USER),
        (USER.upper(), USER),
        ("{%s}" % USER, USER),
        ("{%s}" % USER.upper(), USER),
        (USER.replace("-", ""), USER),
        (USER.replace("-", "").upper(), USER),
        ("{%s}" % USER.replace("-", ""), USER),
        ("  %s\n" % USER, USER),
        ("A1B2c3d4-E5f6-4A7b-8C9d-0E1f2A3b4C5d", USER),
    ],
)
def test_guid_canonical_form(value, expected):
    assert normalize_guid(value, "mandatory_users") == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        " ",
        "not-a-guid",
        "me",
        "admin@example.com",
        USER[:-1],
        USER + "0",
        USER[:-1] + "g",
        USER.replace("-", "_"),
        "{%s" % USER,
        "%s}" % USER,
        "(%s)" % USER,
        "{ %s }" % USER,
        "urn:uuid:%s" % USER,
        "\uff41" + USER[1:],  # fullwidth "a"
        "\u0661" + USER[1:],  # Arabic-Indic one
        USER[:8] + "--" + USER[9:],
    ],
)
def test_malformed_guid_refused(value):
    refused(normalize_guid, value, "mandatory_users", fragments=("mandatory_users", repr(value)))


@pytest.mark.parametrize(
    "value",
    [EMPTY_GUID, EMPTY_GUID.replace("-", ""), "{%s}" % EMPTY_GUID, " %s " % EMPTY_GUID],
)
def test_empty_guid_refused(value):
    refused(normalize_guid, value, "mandatory_groups", fragments=(repr(value), "empty GUID"))


@pytest.mark.parametrize("value", [1, None, {}, [USER], 1.0, True])
def test_non_string_guid_refused(value):
    refused(normalize_guid, value, "mandatory_users", fragments=(repr(value), "quote it"))


# Lists as sets ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values, expected",
    [
        ([], []),
        (["10.0.0.2", "10.0.0.1"], ["10.0.0.1", "10.0.0.2"]),
        (["10.0.0.1", "10.0.0.1"], ["10.0.0.1"]),
        (["10.0.0.1", " 10.0.0.1 "], ["10.0.0.1"]),
        (["2001:DB8::1", "2001:db8:0::1", "2001:0db8::0001"], ["2001:db8::1"]),
        (("10.0.0.1", "10.0.0.0/8"), ["10.0.0.0/8", "10.0.0.1"]),
    ],
)
def test_trusted_ips_list_is_a_set(values, expected):
    assert normalize_list(values, "trusted_ips", normalize_trusted_ip) == expected


def test_guid_list_is_a_set():
    values = [USER.upper(), OTHER_USER, "{%s}" % USER, USER.replace("-", "")]
    assert normalize_list(values, "mandatory_users", normalize_guid) == sorted([USER, OTHER_USER])


def test_list_order_does_not_count():
    forward = normalize_list([USER, OTHER_USER], "mandatory_users", normalize_guid)
    backward = normalize_list([OTHER_USER, USER], "mandatory_users", normalize_guid)
    assert forward == backward


def test_none_keeps_and_empty_list_clears():
    assert normalize_list(None, "trusted_ips", normalize_trusted_ip) is None
    assert normalize_list([], "trusted_ips", normalize_trusted_ip) == []


@pytest.mark.parametrize("values", ["10.0.0.1", "", "10.0.0.1,10.0.0.2", {"10.0.0.1": 1}, 5])
def test_list_option_given_a_non_list_refused(values):
    refused(
        normalize_list,
        values,
        "trusted_ips",
        normalize_trusted_ip,
        fragments=("trusted_ips must be a list", repr(values)),
    )


def test_bad_item_in_a_list_refused_naming_the_item():
    refused(
        normalize_list,
        ["10.0.0.1", "10.0.0.300"],
        "trusted_ips",
        normalize_trusted_ip,
        fragments=("trusted_ips", "'10.0.0.300'"),
    )


# normalize_desired --------------------------------------------------------------------


def test_desired_left_out_options_are_none():
    assert desired() == {
        "method": None,
        "trusted_ips": None,
        "mandatory_users": None,
        "mandatory_groups": None,
    }


def test_desired_is_canonical():
    result = desired(
        "app",
        ips=["2001:0DB8::1", "10.0.0.0/8", "10.0.0.0/8"],
        users=[USER.upper()],
        groups=["{%s}" % GROUP],
    )
    assert result == {
        "method": "app",
        "trusted_ips": ["10.0.0.0/8", "2001:db8::1"],
        "mandatory_users": [USER],
        "mandatory_groups": [GROUP],
    }


@pytest.mark.parametrize("method", ["App", "APP", "totp", "email", "", "off", 2, 0, True])
def test_unknown_method_refused(method):
    refused(normalize_desired, method=method, fragments=("method", repr(method), "app, sms, none"))


@pytest.mark.parametrize(
    "field, option",
    [
        ("trusted_ips", "trusted_ips"),
        ("mandatory_users", "mandatory_users"),
        ("mandatory_groups", "mandatory_groups"),
    ],
)
def test_method_none_with_a_list_refused(field, option):
    values = {"trusted_ips": ["10.0.0.1"], "mandatory_users": [USER], "mandatory_groups": [GROUP]}
    refused(normalize_desired, method="none", **{field: values[field]}, fragments=(option, "none"))


def test_method_none_names_every_list_given():
    message = refused(
        normalize_desired, method="none", trusted_ips=["10.0.0.1"], mandatory_groups=[GROUP]
    )
    assert "trusted_ips, mandatory_groups" in message
    assert "mandatory_users" not in message


def test_method_none_with_empty_lists_allowed():
    result = desired("none", ips=[], users=[], groups=[])
    assert result["method"] == "none"
    assert result["trusted_ips"] == result["mandatory_users"] == result["mandatory_groups"] == []


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"trusted_ips": ["10.0.0.1/8"]}, "'10.0.0.1/8'"),
        ({"trusted_ips": "10.0.0.1"}, "trusted_ips must be a list"),
        ({"mandatory_users": ["nobody"]}, "mandatory_users: 'nobody'"),
        ({"mandatory_users": USER}, "mandatory_users must be a list"),
        ({"mandatory_groups": [EMPTY_GUID]}, "mandatory_groups: %r" % EMPTY_GUID),
        ({"mandatory_groups": [42]}, "mandatory_groups: 42"),
    ],
)
def test_desired_refuses_bad_values(kwargs, fragment):
    refused(normalize_desired, method="app", **kwargs, fragments=(fragment,))


# parse_policy -------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["available", "avaliable"])
def test_parse_both_spellings_of_available(spelling):
    items = [
        method_item("sms", available=False, spelling=spelling),
        method_item("app", available=True, spelling=spelling),
    ]
    assert parse_policy(items)["available_methods"] == ["app"]


@pytest.mark.parametrize("spelling", ["available", "avaliable"])
def test_parse_sms_and_app_both_available(spelling):
    assert parse_policy(portal(spelling=spelling))["available_methods"] == ["app", "sms"]


def test_parse_policy_off():
    assert parse_policy(portal()) == {
        "method": "none",
        "trusted_ips": [],
        "mandatory_users": [],
        "mandatory_groups": [],
        "available_methods": ["app", "sms"],
    }


@pytest.mark.parametrize("spelling", ["available", "avaliable"])
def test_parse_app_policy_with_lists(spelling):
    items = portal(
        "app",
        ips=["10.0.0.9", "10.0.0.1-10.0.0.5"],
        users=[USER.upper()],
        groups=[GROUP],
        spelling=spelling,
    )
    policy = parse_policy(items)
    assert policy["method"] == "app"
    assert policy["trusted_ips"] == ["10.0.0.1-10.0.0.5", "10.0.0.9"]
    assert policy["mandatory_users"] == [USER]
    assert policy["mandatory_groups"] == [GROUP]


def test_parse_sms_policy():
    policy = parse_policy(portal("sms", ips=["10.0.0.1"], users=[USER]))
    assert policy["method"] == "sms"
    assert policy["trusted_ips"] == ["10.0.0.1"]
    assert policy["mandatory_users"] == [USER]
    assert policy["mandatory_groups"] == []


def test_parse_lists_left_out_when_null():
    items = [method_item("app", enabled=True)]
    policy = parse_policy(items)
    assert policy["method"] == "app"
    assert policy["trusted_ips"] == policy["mandatory_users"] == policy["mandatory_groups"] == []


def test_parse_lists_of_a_disabled_method_are_ignored():
    items = [
        method_item("sms", lists={"trustedIps": ["10.0.0.1"], "mandatoryUsers": [USER]}),
        method_item("app"),
    ]
    assert comparable(parse_policy(items)) == comparable(current())


def test_parse_app_only_portal():
    policy = parse_policy(portal("app", sms=False))
    assert policy["method"] == "app"
    assert policy["available_methods"] == ["app"]


def test_parse_stored_junk_is_kept_as_is():
    junk = ["not-an-ip", "10.0.0.1/8", "fe80::1%eth0", 42]
    items = portal("app", ips=[*junk, "2001:0DB8::1"], users=["nobody", USER.upper()])
    policy = parse_policy(items)
    assert policy["trusted_ips"] == sorted(
        ["not-an-ip", "10.0.0.1/8", "fe80::1%eth0", "42", "2001:db8::1"]
    )
    assert policy["mandatory_users"] == sorted(["nobody", USER])


def test_parse_ignores_unknown_items():
    items = ["junk", None, {"id": "email", "enabled": True, "available": True}, *portal()]
    policy = parse_policy(items)
    assert policy["method"] == "none"
    assert policy["available_methods"] == ["app", "sms"]


def test_parse_method_id_is_case_insensitive():
    policy = parse_policy([method_item("App", enabled=True)])
    assert policy["method"] == "app"
    assert policy["available_methods"] == ["app"]


@pytest.mark.parametrize("answer", [None, {}, "app", {"id": "app"}, 1])
def test_parse_refuses_something_other_than_a_list(answer):
    with pytest.raises(ValueError, match="list of methods"):
        parse_policy(answer)


# plan_policy --------------------------------------------------------------------------


def test_plan_unchanged():
    portal_policy = current("app", ips=["10.0.0.1", "10.0.0.0/8"], users=[USER], groups=[GROUP])
    wanted = desired(
        "app", ips=["10.0.0.0/8", "10.0.0.1", "10.0.0.1"], users=[USER.upper()], groups=[GROUP]
    )
    plan = plan_policy(portal_policy, wanted)
    assert plan.changed is False
    assert plan.before == plan.after
    assert plan.enables is False


@pytest.mark.parametrize(
    "portal_policy",
    [current(), current("app"), current("sms", ips=["10.0.0.1"]), current("app", users=[USER])],
)
def test_plan_nothing_wanted_changes_nothing(portal_policy):
    assert plan_policy(portal_policy, desired()).changed is False


def test_plan_off_stays_off():
    plan = plan_policy(current(), desired("none", ips=[], users=[], groups=[]))
    assert plan.changed is False


def test_plan_empty_lists_while_off_are_nothing_to_do():
    assert plan_policy(current(), desired(ips=[], users=[], groups=[])).changed is False


@pytest.mark.parametrize(
    "portal_policy, wanted, after",
    [
        (current(), desired("app"), {"method": "app"}),
        (current(), desired("sms"), {"method": "sms"}),
        (current("app"), desired("sms"), {"method": "sms"}),
        (current("sms"), desired("app"), {"method": "app"}),
        (
            current("app", ips=["10.0.0.1"]),
            desired(ips=["10.0.0.2"]),
            {"method": "app", "trusted_ips": ["10.0.0.2"]},
        ),
        (
            current("app", users=[USER]),
            desired(users=[OTHER_USER, USER]),
            {"method": "app", "mandatory_users": sorted([USER, OTHER_USER])},
        ),
        (
            current("app", groups=[GROUP]),
            desired(groups=[OTHER_GROUP]),
            {"method": "app", "mandatory_groups": [OTHER_GROUP]},
        ),
        (
            current("app", ips=["10.0.0.1"]),
            desired(ips=[]),
            {"method": "app", "trusted_ips": []},
        ),
        (
            current(),
            desired("app", ips=["10.0.0.1"], users=[USER], groups=[GROUP]),
            {
                "method": "app",
                "trusted_ips": ["10.0.0.1"],
                "mandatory_users": [USER],
                "mandatory_groups": [GROUP],
            },
        ),
    ],
)
def test_plan_each_option_changing(portal_policy, wanted, after):
    expected = {"method": None, "trusted_ips": [], "mandatory_users": [], "mandatory_groups": []}
    expected.update(after)
    plan = plan_policy(portal_policy, wanted)
    assert plan.changed is True
    assert plan.before == comparable(portal_policy)
    assert plan.after == expected


@pytest.mark.parametrize(
    "wanted, kept",
    [
        (desired(ips=["10.0.0.9"]), ("mandatory_users", "mandatory_groups")),
        (desired(users=[OTHER_USER]), ("trusted_ips", "mandatory_groups")),
        (desired(groups=[OTHER_GROUP]), ("trusted_ips", "mandatory_users")),
        (desired("app", users=[OTHER_USER]), ("trusted_ips", "mandatory_groups")),
    ],
)
def test_plan_left_out_options_keep_portal_values(wanted, kept):
    portal_policy = current("app", ips=["10.0.0.1"], users=[USER], groups=[GROUP])
    plan = plan_policy(portal_policy, wanted)
    assert plan.changed is True
    assert plan.after["method"] == "app"
    for name in kept:
        assert plan.after[name] == portal_policy[name]


def test_plan_switching_app_to_sms_keeps_lists():
    portal_policy = current("app", ips=["10.0.0.1"], users=[USER], groups=[GROUP])
    plan = plan_policy(portal_policy, desired("sms"))
    assert plan.changed is True
    assert plan.after == {
        "method": "sms",
        "trusted_ips": ["10.0.0.1"],
        "mandatory_users": [USER],
        "mandatory_groups": [GROUP],
    }


def test_plan_method_none_clears_lists():
    portal_policy = current("app", ips=["10.0.0.1"], users=[USER], groups=[GROUP])
    plan = plan_policy(portal_policy, desired("none"))
    assert plan.changed is True
    assert plan.enables is False
    assert plan.after == {
        "method": "none",
        "trusted_ips": [],
        "mandatory_users": [],
        "mandatory_groups": [],
    }


def test_plan_enabling_from_off_starts_with_empty_lists():
    plan = plan_policy(current(), desired("app"))
    assert plan.after["trusted_ips"] == plan.after["mandatory_users"] == []


@pytest.mark.parametrize(
    "kwargs, named",
    [
        ({"ips": ["10.0.0.1"]}, "trusted_ips"),
        ({"users": [USER]}, "mandatory_users"),
        ({"groups": [GROUP]}, "mandatory_groups"),
        ({"ips": ["10.0.0.1"], "groups": [GROUP]}, "trusted_ips, mandatory_groups"),
    ],
)
def test_plan_lists_while_tfa_is_off_refused(kwargs, named):
    refused(
        plan_policy,
        current(),
        desired(**kwargs),
        fragments=(named, "TFA is off", "set method to app or sms"),
    )


@pytest.mark.parametrize(
    "portal_policy, wanted, offered",
    [
        (current(available=["app"]), desired("sms"), "it offers: app"),
        (current("app", available=["app"]), desired("sms"), "it offers: app"),
        (current(available=[]), desired("app"), "it offers: nothing"),
        (current(available=["sms"]), desired("app", ips=["10.0.0.1"]), "it offers: sms"),
    ],
)
def test_plan_unavailable_method_refused(portal_policy, wanted, offered):
    refused(
        plan_policy,
        portal_policy,
        wanted,
        fragments=("method", repr(wanted["method"]), offered),
    )


def test_plan_method_none_needs_no_availability():
    plan = plan_policy(current("app", available=[]), desired("none"))
    assert plan.after["method"] == "none"


def test_plan_enables_and_added_ids():
    portal_policy = current("app", users=[USER], groups=[GROUP])
    plan = plan_policy(portal_policy, desired(users=[USER, OTHER_USER], groups=[OTHER_GROUP]))
    assert plan.enables is True
    assert plan.added_users == [OTHER_USER]
    assert plan.added_groups == [OTHER_GROUP]


def test_plan_diff_is_before_and_after():
    portal_policy = current("app", ips=["10.0.0.1"])
    plan = plan_policy(portal_policy, desired("none"))
    assert plan.diff() == {"before": comparable(portal_policy), "after": plan.after}
    assert "available_methods" not in plan.diff()["before"]


# Plan.body ----------------------------------------------------------------------------


@pytest.mark.parametrize("method, type_", [("none", 0), ("sms", 1), ("app", 2)])
def test_body_type_is_an_integer(method, type_):
    portal_policy = current("app" if method != "app" else "none")
    body = plan_policy(portal_policy, desired(method)).body(ADMIN)
    assert body["type"] == type_
    assert isinstance(body["type"], int) and not isinstance(body["type"], bool)


def test_body_has_caller_id_and_whole_lists():
    portal_policy = current("app", ips=["10.0.0.1"], users=[USER], groups=[GROUP])
    plan = plan_policy(portal_policy, desired(ips=["10.0.0.1", "10.0.0.2"]))
    body = plan.body(ADMIN)
    assert body == {
        "type": 2,
        "id": ADMIN,
        "trustedIps": ["10.0.0.1", "10.0.0.2"],
        "mandatoryUsers": [USER],
        "mandatoryGroups": [GROUP],
    }


def test_body_sends_empty_lists_when_disabling():
    plan = plan_policy(current("app", ips=["10.0.0.1"], users=[USER]), desired("none"))
    assert plan.body(OWNER) == {
        "type": 0,
        "id": OWNER,
        "trustedIps": [],
        "mandatoryUsers": [],
        "mandatoryGroups": [],
    }


def test_body_lists_are_copies():
    plan = plan_policy(current(), desired("app", ips=["10.0.0.1"]))
    body = plan.body(OWNER)
    body["trustedIps"].append("10.0.0.2")
    assert plan.after["trusted_ips"] == ["10.0.0.1"]


# owner_guard --------------------------------------------------------------------------


def test_owner_guard_refuses_a_non_owner_making_the_owner_mandatory():
    plan = plan_policy(current("app"), desired(users=[OWNER.upper(), USER]))
    refused(owner_guard, plan, ADMIN, OWNER, fragments=(OWNER, "portal owner", "as the owner"))


def test_owner_guard_refuses_when_the_owner_was_already_mandatory():
    plan = plan_policy(current("app", users=[OWNER]), desired(ips=["10.0.0.1"]))
    assert OWNER in plan.after["mandatory_users"]
    refused(owner_guard, plan, ADMIN, OWNER, fragments=(OWNER,))


def test_owner_guard_refuses_enabling_with_the_owner_from_off():
    plan = plan_policy(current(), desired("sms", users=[OWNER]))
    refused(owner_guard, plan, ADMIN, OWNER, fragments=(OWNER,))


def test_owner_guard_allows_the_owner():
    plan = plan_policy(current("app"), desired(users=[OWNER, USER]))
    assert owner_guard(plan, OWNER, OWNER) is None


@pytest.mark.parametrize(
    "portal_policy, wanted",
    [
        (current("app"), desired(users=[USER])),
        (current("app", users=[OWNER]), desired(users=[USER])),
        (current("app", users=[OWNER]), desired("none")),
        (current(), desired("app", groups=[GROUP])),
    ],
)
def test_owner_guard_allows_a_policy_without_the_owner(portal_policy, wanted):
    plan = plan_policy(portal_policy, wanted)
    assert owner_guard(plan, ADMIN, OWNER) is None


def test_owner_guard_without_a_known_owner_allows():
    plan = plan_policy(current("app"), desired(users=[OWNER]))
    assert owner_guard(plan, ADMIN, None) is None


# policy_matches -----------------------------------------------------------------------


def test_policy_matches_the_portal_read_back():
    plan = plan_policy(current(), desired("app", ips=["2001:0DB8::1"], users=[USER.upper()]))
    items = portal("app", ips=["2001:db8::1"], users=[USER])
    assert policy_matches(plan.after, parse_policy(items)) is True


def test_policy_matches_ignores_available_methods():
    assert policy_matches(current("app", available=["app"]), current("app", available=[])) is True


@pytest.mark.parametrize(
    "actual",
    [
        current("sms"),
        current(),
        current("app", ips=["10.0.0.2"]),
        current("app", ips=["10.0.0.1", "10.0.0.2"]),
        current("app", ips=["10.0.0.1"], users=[USER]),
        current("app", ips=["10.0.0.1"], groups=[GROUP]),
    ],
)
def test_policy_matches_notices_a_difference(actual):
    assert policy_matches(current("app", ips=["10.0.0.1"]), actual) is False


def test_a_successful_disable_matches_the_read_back():
    plan = plan_policy(current("app", users=[USER]), desired("none"))
    assert policy_matches(plan.after, parse_policy(portal())) is True


# The layer stays pure -----------------------------------------------------------------


def test_domain_layer_imports_nothing_that_talks_to_a_portal():
    tree = ast.parse(Path(_tfa.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module)
    assert imported <= {"__future__", "ipaddress", "re", "uuid", "ansible.module_utils.six"}


def test_plan_is_reusable_for_check_and_real_runs():
    portal_policy = current("app", ips=["10.0.0.1"])
    wanted = desired(ips=["10.0.0.2"])
    first, second = plan_policy(portal_policy, wanted), plan_policy(portal_policy, wanted)
    assert isinstance(first, Plan)
    assert first.after == second.after
    assert first.body(OWNER) == second.body(OWNER)


@pytest.mark.parametrize("value", ["1234567", "1" * 31, "4" * 33])
def test_digits_that_are_no_guid_get_the_hint_to_quote_them(value):
    # An unquoted all-digit id reaches the module as the digits of a YAML number, leading
    # zeros gone: the message says so.
    refused(normalize_guid, value, "mandatory_users", fragments=(repr(value), "quote it"))


def test_a_guid_of_digits_alone_is_a_guid():
    assert normalize_guid("1" * 32, "mandatory_users") == str(uuid.UUID("1" * 32))
