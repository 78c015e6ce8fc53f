# Copyright: Contributors to the onlyoffice.docspace collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The TFA domain: pure functions that validate, normalise, compare and plan.

Nothing here talks to a portal or to Ansible. Check mode, diff mode and the real run all
ask plan_policy() what to do, so what a check run reports is what the real run does.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re
import uuid

from ansible.module_utils.six import string_types, text_type

METHODS = ("app", "sms", "none")
# DocSpace's TfaRequestsDtoType. Integers are what every DocSpace release reads.
METHOD_TYPES = {"none": 0, "sms": 1, "app": 2}
LISTS = ("trusted_ips", "mandatory_users", "mandatory_groups")
API_LIST_NAMES = {
    "trusted_ips": "trustedIps",
    "mandatory_users": "mandatoryUsers",
    "mandatory_groups": "mandatoryGroups",
}
EMPTY_GUID = "00000000-0000-0000-0000-000000000000"
_IPV4_OCTET = re.compile(r"^(0|[1-9][0-9]{0,2})$")
# The longest right entry is an IPv6 range written out in full, under a hundred characters.
MAX_ENTRY = 200


class PolicyError(ValueError):
    """A value DocSpace would store and regret. The message names the value."""


def _ascii(value):
    return all(ord(char) < 128 for char in value)


def excerpt(text, limit=40):
    """``text`` quoted for a message, cut short with its length when longer than ``limit``."""
    if len(text) <= limit:
        return repr(text)
    return "%r... (%d characters)" % (text[:limit], len(text))


def _text(value, option):
    if not isinstance(value, string_types):
        raise PolicyError(
            "%s: %r is not a string (YAML read it as %s); quote it."
            % (option, value, type(value).__name__)
        )
    text = text_type(value).strip()
    if len(text) > MAX_ENTRY:
        # Quoting all of it would bury the message; no right entry comes near this length.
        raise PolicyError("%s: %s is far longer than any valid entry." % (option, excerpt(text)))
    return text


# Trusted IPs -------------------------------------------------------------------------


def _parse_address(text, option, original):
    if not text or not _ascii(text) or "%" in text or " " in text:
        raise PolicyError("%s: %r is not an IP address." % (option, original)) from None
    if "." in text and ":" not in text:
        octets = text.split(".")
        if len(octets) != 4 or not all(_IPV4_OCTET.match(octet) for octet in octets):
            raise PolicyError(
                "%s: %r is not an IPv4 address (four numbers 0-255, no leading zeros)."
                % (option, original)
            )
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        raise PolicyError("%s: %r is not an IP address." % (option, original)) from None


def _canonical(address):
    """RFC 5952 text, the form DocSpace prints; the same on every Python version.

    Python before 3.13 writes an IPv4-mapped address in hex (::ffff:a00:1), which never
    equals the ::ffff:10.0.0.1 that DocSpace compares a single address against.
    """
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        return "::ffff:%s" % mapped
    return str(address)


def normalize_trusted_ip(value, option="trusted_ips"):
    """One trusted-IP entry in the canonical form DocSpace compares.

    DocSpace understands a single address, an inclusive ``low-high`` range within one
    address family, and an IPv4 CIDR block (its mask arithmetic is 32-bit).
    """
    text = _text(value, option)
    if "-" in text:
        low_text, _sep, high_text = text.partition("-")
        if "-" in high_text:
            raise PolicyError("%s: %r has more than one '-'." % (option, value))
        low = _parse_address(low_text.strip(), option, value)
        high = _parse_address(high_text.strip(), option, value)
        if low.version != high.version:
            raise PolicyError(
                "%s: %r mixes IPv4 and IPv6; a range must stay in one family." % (option, value)
            )
        low_text, high_text = _canonical(low), _canonical(high)
        if low > high:
            raise PolicyError(
                "%s: %r is reversed; write it as %s-%s." % (option, value, high_text, low_text)
            )
        return "%s-%s" % (low_text, high_text)
    if "/" in text:
        address_text, _sep, prefix = text.partition("/")
        address = _parse_address(address_text.strip(), option, value)
        prefix = prefix.strip()
        if not prefix.isdigit() or not _ascii(prefix):
            raise PolicyError("%s: %r has no valid prefix length." % (option, value))
        try:
            network = ipaddress.ip_network("%s/%s" % (address, int(prefix)), strict=False)
        except ValueError:
            raise PolicyError("%s: %r has no valid prefix length." % (option, value)) from None
        if network.version == 6:
            raise PolicyError(
                "%s: %r is an IPv6 CIDR block, which DocSpace cannot match; write it as the "
                "range %s-%s."
                % (option, value, _canonical(network.network_address), _canonical(network[-1]))
            )
        if network.network_address != address:
            raise PolicyError(
                "%s: %r has host bits set; the block is %s." % (option, value, network)
            )
        return str(network)
    return _canonical(_parse_address(text, option, value))


# GUIDs -------------------------------------------------------------------------------


def normalize_guid(value, option):
    """A user or group id as DocSpace prints it: lower case, with hyphens."""
    text = _text(value, option)
    inner = text[1:-1] if text.startswith("{") and text.endswith("}") else text
    if not _ascii(inner) or not re.match(
        r"^[0-9A-Fa-f]{8}(-?[0-9A-Fa-f]{4}){3}-?[0-9A-Fa-f]{12}$", inner
    ):
        hint = ""
        if inner.isdigit():
            # AnsibleModule turns a YAML number into digits before this sees it.
            hint = (
                " Written without quotes, an id of digits is read by YAML as a number, which "
                "may drop leading zeros; quote it."
            )
        raise PolicyError(
            "%s: %r is not a GUID (for example %s).%s" % (option, value, EMPTY_GUID, hint)
        )
    guid = str(uuid.UUID(inner))
    if guid == EMPTY_GUID:
        raise PolicyError("%s: %r is the empty GUID, which names nobody." % (option, value))
    return guid


# Lists as sets -----------------------------------------------------------------------


def normalize_list(values, option, item):
    """A sorted list without duplicates, or None (keep the portal's value)."""
    if values is None:
        return None
    if isinstance(values, string_types) or not isinstance(values, (list, tuple)):
        raise PolicyError("%s must be a list, not %r." % (option, values))
    return sorted(set(item(value, option) for value in values))


def _lenient(values, item):
    """What the portal stores, canonical where it parses: DocSpace 3.7 stores anything."""
    result = set()
    for value in values or []:
        try:
            result.add(item(value, "portal"))
        except PolicyError:
            result.add(text_type(value))
    return sorted(result)


# The policy --------------------------------------------------------------------------


def normalize_desired(method=None, trusted_ips=None, mandatory_users=None, mandatory_groups=None):
    """Validate the wanted policy. None means "keep what the portal has"."""
    if method is not None and method not in METHODS:
        raise PolicyError("method: %r is not one of %s." % (method, ", ".join(METHODS)))
    desired = {
        "method": method,
        "trusted_ips": normalize_list(trusted_ips, "trusted_ips", normalize_trusted_ip),
        "mandatory_users": normalize_list(mandatory_users, "mandatory_users", normalize_guid),
        "mandatory_groups": normalize_list(mandatory_groups, "mandatory_groups", normalize_guid),
    }
    if method == "none":
        given = [name for name in LISTS if desired[name]]
        if given:
            raise PolicyError(
                "%s only apply while TFA is on; DocSpace clears them when method is none. Leave "
                "them out or use an empty list." % ", ".join(given)
            )
    return desired


def parse_policy(items):
    """The portal's policy from the answer of GET settings/tfaapp.

    Returns method, the three lists of the enabled method (empty when TFA is off) and the
    methods the portal offers. Both spellings of the availability flag are read:
    ``available`` (3.7 and later) and ``avaliable`` (3.6 and earlier).
    """
    if not isinstance(items, list):
        raise ValueError("GET settings/tfaapp did not answer with a list of methods")
    policy = {"method": "none", "trusted_ips": [], "mandatory_users": [], "mandatory_groups": []}
    available = []
    for entry in items:
        if not isinstance(entry, dict):
            continue
        method = str(entry.get("id", "")).lower()
        if method not in ("app", "sms"):
            continue
        flag = entry.get("available", entry.get("avaliable"))
        if flag:
            available.append(method)
        if entry.get("enabled") and policy["method"] == "none":
            policy["method"] = method
            policy["trusted_ips"] = _lenient(entry.get("trustedIps"), normalize_trusted_ip)
            policy["mandatory_users"] = _lenient(entry.get("mandatoryUsers"), normalize_guid)
            policy["mandatory_groups"] = _lenient(entry.get("mandatoryGroups"), normalize_guid)
    policy["available_methods"] = sorted(available)
    return policy


def comparable(policy):
    """The part of a policy that a PUT can change, for diffs and comparison."""
    return dict((key, policy[key]) for key in ("method", *LISTS))


class Plan:
    """What to do to get from the portal's policy to the wanted one."""

    def __init__(self, before, after):
        self.before = before
        self.after = after
        self.changed = before != after

    @property
    def enables(self):
        return self.changed and self.after["method"] != "none"

    @property
    def added_users(self):
        return sorted(set(self.after["mandatory_users"]) - set(self.before["mandatory_users"]))

    @property
    def added_groups(self):
        return sorted(set(self.after["mandatory_groups"]) - set(self.before["mandatory_groups"]))

    def body(self, caller_id):
        """The PUT settings/tfaapp body: every field, lists whole, the caller's own id."""
        body = {"type": METHOD_TYPES[self.after["method"]], "id": caller_id}
        for name in LISTS:
            body[API_LIST_NAMES[name]] = list(self.after[name])
        return body

    def diff(self):
        return {"before": self.before, "after": self.after}


def plan_policy(current, desired):
    """Plan the change from ``current`` (parse_policy) to ``desired`` (normalize_desired).

    Raises PolicyError when the wanted policy cannot be stored on this portal.
    """
    before = comparable(current)
    method = desired["method"] if desired["method"] is not None else before["method"]
    if method != "none" and method not in current.get("available_methods", [method]):
        raise PolicyError(
            "method: the portal does not offer %r (it offers: %s)."
            % (method, ", ".join(current.get("available_methods")) or "nothing")
        )
    after = {"method": method}
    for name in LISTS:
        wanted = desired[name]
        if method == "none":
            after[name] = []
        elif wanted is None:
            after[name] = before[name] if before["method"] != "none" else []
        else:
            after[name] = wanted
    if method == "none":
        given = [name for name in LISTS if desired[name]]
        if given:
            raise PolicyError(
                "TFA is off on this portal, so %s cannot be stored; set method to app or sms."
                % ", ".join(given)
            )
    return Plan(before, after)


def owner_guard(plan, caller_id, owner_id):
    """Refuse what DocSpace refuses: only the owner may send a policy naming the owner.

    DocSpace checks the whole mandatoryUsers list of every PUT, so an owner who is already
    mandatory blocks any other account from changing the policy at all.
    """
    if owner_id and caller_id != owner_id and owner_id in plan.after["mandatory_users"]:
        raise PolicyError(
            "mandatory_users includes %s, the portal owner, and DocSpace accepts a policy that "
            "names the owner only from the owner. Run this task as the owner, or leave the "
            "owner's id out of mandatory_users." % owner_id
        )


def policy_matches(expected, actual):
    """Whether the portal took the policy: compare what a PUT can change."""
    return comparable(expected) == comparable(actual)
