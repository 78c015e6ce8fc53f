#!/usr/bin/python
# Copyright: Contributors to the onlyoffice.docspace collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: docspace_tfa_settings
short_description: Set a DocSpace portal's two-factor authentication policy
version_added: 0.1.0
description:
  - Puts the portal-wide TFA policy of an ONLYOFFICE DocSpace portal into the wanted
    state, which is made of the method (authenticator app, SMS or none), the trusted IP
    addresses that are exempt, and the users and groups that must always pass TFA.
  - Reads the policy first and writes only when something differs, with one
    C(PUT /api/2.0/settings/tfaapp) that carries the whole policy. It then reads the
    policy back and fails if the portal did not take it.
  - An option that is left out keeps the portal's value; an empty list clears it.
  - Lists are compared as sets, so order and duplicates do not count. IP addresses and
    ids are compared in canonical form.
  - Every value is validated before the first request; a task that fails on bad input
    sends nothing.
author:
  - onlyoffice.docspace maintainers (@onlyoffice)
extends_documentation_fragment:
  - onlyoffice.docspace.connection
  - onlyoffice.docspace.attributes
attributes:
  check_mode:
    support: full
    details:
      - Sends only C(GET) requests and reports the change the real run would make. With
        O(username) and O(password) it also logs in and, at the end, out again (two
        C(POST) requests that change no setting).
  diff_mode:
    support: full
    details:
      - Shows the policy before and after, in canonical form.
options:
  method:
    description:
      - The TFA method the portal requires.
      - V(app) asks for a code from an authenticator app, V(sms) for a code sent by text
        message (the portal must have an SMS provider), V(none) turns TFA off.
      - Turning TFA off clears the trusted IPs and the mandatory users and groups, as
        DocSpace does; they cannot be set together with V(none).
      - If not given, the portal's current method is kept.
    type: str
    choices: [app, sms, none]
  trusted_ips:
    description:
      - Client addresses from which users are not asked for a code, unless they are
        mandatory.
      - Each entry is a single IPv4 or IPv6 address, an inclusive range C(low-high) within
        one address family, or an IPv4 CIDR block such as C(10.0.0.0/8). DocSpace cannot
        match IPv6 CIDR blocks; write those as a range.
      - Entries are written in canonical form (for example C(2001:db8::1) for
        C(2001:0DB8:0:0::1)). A CIDR block with host bits set is refused.
      - If not given, the portal's list is kept. V([]) clears it.
    type: list
    elements: str
  mandatory_users:
    description:
      - Ids (GUIDs) of users who must always pass TFA, even from a trusted IP.
      - Case and braces do not matter. An id that names no user gets a warning, because
        DocSpace stores it anyway.
      - Only the portal owner may send a policy that includes the owner's own id; the
        module refuses before asking DocSpace when another account tries.
      - If not given, the portal's list is kept. V([]) clears it.
    type: list
    elements: str
  mandatory_groups:
    description:
      - Ids (GUIDs) of groups whose members must always pass TFA.
      - If not given, the portal's list is kept. V([]) clears it.
    type: list
    elements: str
  confirm_url:
    description:
      - Write the policy with C(PUT /api/2.0/settings/tfaappwithlink) and return, in
        RV(confirm_url), the address the calling account must open to link its own app
        or phone.
      - DocSpace 3.7 answers this call with an error after saving the policy when the
        calling account is exempt from TFA (for example from a trusted IP). The module
        then reads the policy back, reports what the portal holds, and warns that no link
        was returned.
    type: bool
    default: false
notes:
  - Saving a policy with method V(app) or V(sms) makes DocSpace sign out every session on
    the portal, the calling account's included, even when only a list changed. Tokens and
    password logins therefore end; API keys keep working. The module warns each time it
    writes such a policy.
  - With a O(token), the policy cannot be read back after such a write, so the module
    warns that it could not verify it. With O(username) and O(password) it logs in again
    to verify, which needs O(totp_secret) once TFA applies to that account.
seealso:
  - module: onlyoffice.docspace.docspace_tfa_info
  - module: onlyoffice.docspace.docspace_tfa_app
  - module: onlyoffice.docspace.docspace_tfa_codes
"""

EXAMPLES = r"""
- name: Require an authenticator app, except from the office network
  onlyoffice.docspace.docspace_tfa_settings:
    url: https://docspace.example.com
    api_key: "{{ vault_docspace_api_key }}"
    method: app
    trusted_ips:
      - 192.0.2.0/24
      - 198.51.100.10-198.51.100.20
    mandatory_groups:
      - 3f1c7a52-1b7e-4c8e-9d0a-5a7b1c2d3e4f

- name: Add nothing but the trusted IPs; the method and the lists stay as they are
  onlyoffice.docspace.docspace_tfa_settings:
    trusted_ips:
      - 203.0.113.5
  environment:
    DOCSPACE_URL: https://docspace.example.com
    DOCSPACE_API_KEY: "{{ vault_docspace_api_key }}"

- name: Clear the mandatory users, keep everything else
  onlyoffice.docspace.docspace_tfa_settings:
    url: https://docspace.example.com
    api_key: "{{ vault_docspace_api_key }}"
    mandatory_users: []

- name: Enable TFA and get the link the calling account must open to link its app
  onlyoffice.docspace.docspace_tfa_settings:
    url: https://docspace.example.com
    api_key: "{{ vault_docspace_api_key }}"
    method: app
    confirm_url: true
  register: tfa

- name: Turn TFA off
  onlyoffice.docspace.docspace_tfa_settings:
    url: https://docspace.example.com
    api_key: "{{ vault_docspace_api_key }}"
    method: none
"""

RETURN = r"""
settings:
  description:
    - The portal's policy after the task; in check mode, the policy the task would leave.
  returned: success
  type: dict
  contains:
    method:
      description: The method in force, V(app), V(sms) or V(none).
      type: str
      sample: app
    trusted_ips:
      description: Trusted IP entries, canonical and sorted.
      type: list
      elements: str
      sample: [192.0.2.0/24]
    mandatory_users:
      description: Ids of mandatory users, lower case and sorted.
      type: list
      elements: str
      sample: []
    mandatory_groups:
      description: Ids of mandatory groups, lower case and sorted.
      type: list
      elements: str
      sample: [3f1c7a52-1b7e-4c8e-9d0a-5a7b1c2d3e4f]
    available_methods:
      description:
        - The methods this portal offers. V(sms) appears only when an SMS provider is set up.
      type: list
      elements: str
      sample: [app]
diff:
  description: The policy before and after, as compared by the module.
  returned: success
  type: dict
  contains:
    before:
      description: The policy the portal had.
      type: dict
    after:
      description: The policy the portal has now, or would have in check mode.
      type: dict
confirm_url:
  description:
    - The address the calling account must open to link its app or phone, as DocSpace
      returned it. Empty when TFA was turned off; null when DocSpace returned no link.
  returned: when O(confirm_url=true) and the policy was written
  type: str
  sample: https://docspace.example.com/confirm/TfaActivation?type=TfaActivation&uid=...
verified:
  description:
    - Whether the module read the policy back after writing it and found it in place.
      False only when the session ended with the write (a token login) and could not be
      renewed.
  returned: when the policy was written
  type: bool
  sample: true
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.onlyoffice.docspace.plugins.module_utils import _portal
from ansible_collections.onlyoffice.docspace.plugins.module_utils._client import (
    DocSpaceError,
    ServerError,
    TransportError,
)
from ansible_collections.onlyoffice.docspace.plugins.module_utils._connection import (
    connection_argument_spec,
    portal_session,
)
from ansible_collections.onlyoffice.docspace.plugins.module_utils._tfa import (
    PolicyError,
    comparable,
    normalize_desired,
    owner_guard,
    plan_policy,
    policy_matches,
)


def argument_spec():
    spec = connection_argument_spec()
    spec.update(
        method={"type": "str", "choices": ["app", "sms", "none"]},
        trusted_ips={"type": "list", "elements": "str"},
        mandatory_users={"type": "list", "elements": "str"},
        mandatory_groups={"type": "list", "elements": "str"},
        confirm_url={"type": "bool", "default": False},
    )
    return spec


def sign_out_warning(client):
    warning = (
        "DocSpace signs out every session on the portal when it saves a TFA policy with a "
        "method on, the calling account's included; users must sign in again."
    )
    if not client.session_survives_tfa_enable:
        warning += " Use an api_key for automation: it is not signed out."
    return warning


def verify_after_write(module, client, plan, write_error=None):
    """Read the policy back after writing it.

    Returns (verified, policy). ``write_error`` is an error DocSpace answered after the
    write; it is raised again unless the portal holds the policy anyway.
    """
    if plan.enables and not client.session_survives_tfa_enable:
        try:
            renewed = client.relogin()
        except DocSpaceError as exc:
            module.warn(
                "The policy was written, but logging in again to verify it failed: %s" % exc
            )
            return False, None
        if not renewed:
            module.warn(
                "The policy was written, but DocSpace ended the token's session with it, so "
                "the module could not read it back. Use an api_key to have it verified."
            )
            return False, None
    actual = _portal.read_policy(client)
    if not policy_matches(plan.after, actual):
        if write_error is not None:
            raise write_error
        module.fail_json(
            msg="DocSpace accepted the policy but does not hold it: it reports method %s, "
            "trusted_ips %s, mandatory_users %s, mandatory_groups %s."
            % (
                actual["method"],
                actual["trusted_ips"],
                actual["mandatory_users"],
                actual["mandatory_groups"],
            ),
            changed=True,
            diff={"before": plan.before, "after": comparable(actual)},
            settings=actual,
        )
    if write_error is not None:
        module.warn(
            "DocSpace answered %s %s with an error after saving the policy, as 3.7 does when "
            "the calling account is exempt from TFA; the policy is in place, but no confirm "
            "link was returned." % (write_error.method, write_error.path)
        )
    return True, actual


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    params = module.params

    try:
        desired = normalize_desired(
            params["method"],
            params["trusted_ips"],
            params["mandatory_users"],
            params["mandatory_groups"],
        )
    except PolicyError as exc:
        module.fail_json(msg=str(exc))
    with portal_session(module, PolicyError) as client:
        current = _portal.read_policy(client)
        plan = plan_policy(current, desired)
        result = {"changed": plan.changed, "diff": plan.diff()}
        if not plan.changed:
            module.exit_json(settings=current, **result)

        account = _portal.read_account(client)
        owner_guard(plan, account["id"], _portal.read_owner_id(client, account))
        for kind, ident in _portal.unknown_ids(client, plan.added_users, plan.added_groups):
            module.warn("mandatory_%ss: %s names no %s on this portal." % (kind, ident, kind))
        if plan.enables:
            module.warn(sign_out_warning(client))
        planned = dict(plan.after, available_methods=current["available_methods"])
        if module.check_mode:
            module.exit_json(settings=planned, **result)

        write_error = None
        try:
            link = _portal.write_policy(client, plan, account["id"], params["confirm_url"])
        except ServerError as exc:
            if not params["confirm_url"]:
                raise
            write_error, link = exc, None
        except TransportError as exc:
            # The request left; whether the portal acted on it before the connection went
            # is unknown, and "nothing changed" would be a guess.
            module.fail_json(
                msg="%s The portal may have saved the policy all the same; run the task "
                "again to see what it holds." % exc,
                **exc.details(),
            )
        if params["confirm_url"]:
            result["confirm_url"] = link

        verified, actual = verify_after_write(module, client, plan, write_error)
        result["verified"] = verified
        module.exit_json(settings=actual or planned, **result)


if __name__ == "__main__":
    main()
