#!/usr/bin/python
# Copyright: Contributors to the onlyoffice.docspace collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: docspace_tfa_info
short_description: Read a DocSpace portal's TFA policy and the calling account's TFA state
version_added: 0.1.0
description:
  - Reads the portal-wide two-factor authentication policy of an ONLYOFFICE DocSpace
    portal, which methods the portal offers, and the TFA state of the account the module
    logs in as.
  - When that account has an authenticator app linked, it also counts the account's
    backup codes and how many of them are still unused. It never returns the codes.
  - Sends only C(GET) requests, and none that issues a key, so it is safe to run
    against any portal at any time. With O(username) and O(password) it also logs in and,
    at the end, out again (two C(POST) requests that change no setting).
  - Can also look up the ids of users by e-mail and of groups by name, for the
    O(onlyoffice.docspace.docspace_tfa_settings#module:mandatory_users) and
    O(onlyoffice.docspace.docspace_tfa_settings#module:mandatory_groups) of a policy.
author:
  - onlyoffice.docspace maintainers (@onlyoffice)
extends_documentation_fragment:
  - onlyoffice.docspace.connection
  - onlyoffice.docspace.attributes
attributes:
  check_mode:
    support: full
    details:
      - The module changes nothing, so it runs the same way in check mode.
  diff_mode:
    support: none
    details:
      - The module changes nothing, so there is no diff.
options:
  resolve_users:
    description:
      - E-mail addresses of users whose ids to look up, one C(GET /api/2.0/people/email)
        each. The ids are returned in RV(resolved.users).
      - The task fails, naming every address, when any of them belongs to no user on the
        portal.
    type: list
    elements: str
    default: []
  resolve_groups:
    description:
      - Names of groups whose ids to look up in the portal's list of groups
        (C(GET /api/2.0/group)). Names are matched without regard to case or to spaces at
        either end. The ids are returned in RV(resolved.groups).
      - The task fails, naming every name, when any of them belongs to no group, or to
        more than one group (then give the group's id instead of its name).
    type: list
    elements: str
    default: []
notes:
  - Any signed-in account may read the policy; reading the owner and admin flags and the
    backup-code counts concerns the calling account only.
seealso:
  - module: onlyoffice.docspace.docspace_tfa_settings
  - module: onlyoffice.docspace.docspace_tfa_codes
"""

EXAMPLES = r"""
- name: Read the TFA policy
  onlyoffice.docspace.docspace_tfa_info:
    url: https://docspace.example.com
    api_key: "{{ vault_docspace_api_key }}"
  register: tfa

- name: Look up the ids of the users and groups a policy makes mandatory
  onlyoffice.docspace.docspace_tfa_info:
    url: https://docspace.example.com
    api_key: "{{ vault_docspace_api_key }}"
    resolve_users:
      - security.officer@example.com
    resolve_groups:
      - Finance
  register: names

- name: Make them mandatory
  onlyoffice.docspace.docspace_tfa_settings:
    url: https://docspace.example.com
    api_key: "{{ vault_docspace_api_key }}"
    method: app
    mandatory_users: "{{ names.resolved.users.values() | list }}"
    mandatory_groups: "{{ names.resolved.groups.values() | list }}"

- name: Fail when the calling account is running low on backup codes
  ansible.builtin.assert:
    that: tfa.backup_codes is none or tfa.backup_codes.unused >= 2
    fail_msg: Only {{ tfa.backup_codes.unused }} backup codes left; regenerate them.
"""

RETURN = r"""
settings:
  description: The portal's TFA policy.
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
      sample: []
    available_methods:
      description: The methods this portal offers.
      type: list
      elements: str
      sample: [app]
account:
  description: The account the module logged in as.
  returned: success
  type: dict
  contains:
    id:
      description: The account's id.
      type: str
      sample: 2b1c7a52-1b7e-4c8e-9d0a-5a7b1c2d3e4f
    email:
      description: The account's e-mail address.
      type: str
      sample: admin@example.com
    is_owner:
      description: Whether the account owns the portal.
      type: bool
      sample: false
    is_admin:
      description: Whether the account is a DocSpace admin.
      type: bool
      sample: true
    tfa_app_enabled:
      description: Whether the account has an authenticator app linked.
      type: bool
      sample: true
    groups:
      description:
        - Ids of the groups the account belongs to, lower case and sorted; a mandatory
          group makes its members mandatory.
      type: list
      elements: str
      sample: [3f1c7a52-1b7e-4c8e-9d0a-5a7b1c2d3e4f]
resolved:
  description:
    - The ids of the users and groups named in O(resolve_users) and O(resolve_groups).
      Both are empty when nothing was asked.
  returned: success
  type: dict
  contains:
    users:
      description: Each e-mail of O(resolve_users), as given, with the id of its user.
      type: dict
      sample: {security.officer@example.com: 2b1c7a52-1b7e-4c8e-9d0a-5a7b1c2d3e4f}
    groups:
      description: Each name of O(resolve_groups), as given, with the id of its group.
      type: dict
      sample: {Finance: 3f1c7a52-1b7e-4c8e-9d0a-5a7b1c2d3e4f}
backup_codes:
  description:
    - Counts of the calling account's backup codes. Null when the account has no app
      linked or the portal's app method is off, since DocSpace then keeps no usable codes.
  returned: success
  type: dict
  contains:
    total:
      description: How many backup codes the account has.
      type: int
      sample: 5
    unused:
      description: How many of them have not been used yet.
      type: int
      sample: 4
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.onlyoffice.docspace.plugins.module_utils import _portal
from ansible_collections.onlyoffice.docspace.plugins.module_utils._client import NotAvailable
from ansible_collections.onlyoffice.docspace.plugins.module_utils._connection import (
    connection_argument_spec,
    portal_session,
)


def main():
    spec = connection_argument_spec()
    spec.update(
        resolve_users={"type": "list", "elements": "str", "default": []},
        resolve_groups={"type": "list", "elements": "str", "default": []},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    emails, group_names = module.params["resolve_users"], module.params["resolve_groups"]
    problem = _portal.names_problem(emails, group_names)
    if problem:
        module.fail_json(msg=problem)
    with portal_session(module) as client:
        settings = _portal.read_policy(client)
        account = _portal.read_account(client, with_groups=True)
        resolved = _portal.resolve_names(client, emails, group_names)
        backup_codes = None
        if account["tfa_app_enabled"] and settings["method"] == "app":
            try:
                backup_codes = _portal.read_backup_code_counts(client)
            except NotAvailable:
                backup_codes = None
        module.exit_json(
            changed=False,
            settings=settings,
            account=account,
            resolved=resolved,
            backup_codes=backup_codes,
        )


if __name__ == "__main__":
    main()
