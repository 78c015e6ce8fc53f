#!/usr/bin/python
# Copyright: Contributors to the onlyoffice.docspace collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: docspace_tfa_codes
short_description: Keep enough unused TFA backup codes on a DocSpace account
version_added: 0.1.0
description:
  - Manages the backup codes of the account the module logs in as. Backup codes are the
    one-time codes a person uses to pass two-factor authentication (TFA) on ONLYOFFICE
    DocSpace when the authenticator app is not at hand; each works once.
  - With O(state=present) it counts the unused codes with
    C(GET /api/2.0/settings/tfaappcodes) and regenerates them with
    C(PUT /api/2.0/settings/tfaappnewcodes) only when fewer than O(min_unused) remain.
  - With O(state=regenerated) it regenerates them on every run.
  - B(Regenerating replaces every backup code of the account, and the old ones stop working
    at once), including any a person has printed or stored. The module warns each time.
  - Returns how many codes the account has and how many are unused. It returns the codes
    themselves only with O(return_codes=true).
  - Before anything else it checks that the portal's TFA method is the authenticator app
    and that the account has an app linked, and fails saying which of the two is missing.
author:
  - onlyoffice.docspace maintainers (@onlyoffice)
extends_documentation_fragment:
  - onlyoffice.docspace.connection
  - onlyoffice.docspace.attributes
attributes:
  check_mode:
    support: full
    details:
      - Sends only C(GET) requests and reports whether the real run would regenerate the
        codes, and the counts it would leave. The new codes are not known in check mode.
  diff_mode:
    support: full
    details:
      - Shows the counts of total and unused codes before and after, never the codes.
options:
  state:
    description:
      - V(present) regenerates the codes only when fewer than O(min_unused) are unused.
      - V(regenerated) regenerates them on every run, so the task always reports a change
        and the old codes stop working each time.
    type: str
    choices: [present, regenerated]
    default: present
  min_unused:
    description:
      - With O(state=present), the fewest unused codes the account may have before the
        module regenerates them.
      - It cannot be more than the number of codes DocSpace keeps per account (five
        unless the portal is configured otherwise); the module refuses such a value
        rather than regenerating on every run.
    type: int
    default: 1
  return_codes:
    description:
      - Return the unused codes in RV(codes).
      - B(The codes are secrets.) Set C(no_log) to V(true) on a task that sets this, or
        Ansible prints them with the task result, for example with C(-v).
    type: bool
    default: false
notes:
  - The codes belong to the account the module logs in as; there is no way to read or
    renew another account's codes. To log in as an account that must pass TFA, give
    O(username), O(password) and O(totp_secret), or use that account's O(api_key).
  - DocSpace writes the audit event C(UserConnectedTfaApp) for each regeneration.
seealso:
  - module: onlyoffice.docspace.docspace_tfa_app
  - module: onlyoffice.docspace.docspace_tfa_info
  - module: onlyoffice.docspace.docspace_tfa_settings
"""

EXAMPLES = r"""
- name: Make sure the service account has at least two unused backup codes
  onlyoffice.docspace.docspace_tfa_codes:
    url: https://docspace.example.com
    username: robot@example.com
    password: "{{ vault_robot_password }}"
    totp_secret: "{{ vault_robot_totp_secret }}"
    state: present
    min_unused: 2

- name: Regenerate the codes and keep them in a variable, out of the log
  onlyoffice.docspace.docspace_tfa_codes:
    url: https://docspace.example.com
    api_key: "{{ vault_robot_api_key }}"
    state: regenerated
    return_codes: true
  register: backup
  no_log: true

- name: Store the new codes where the team keeps its secrets
  ansible.builtin.copy:
    content: "{{ backup.codes | join('\n') }}\n"
    dest: /root/robot-backup-codes.txt
    mode: "0600"
  no_log: true
"""

RETURN = r"""
total:
  description:
    - How many backup codes the account has, used ones included. In check mode, the
      number it would have.
  returned: success
  type: int
  sample: 5
unused:
  description:
    - How many of them are unused. In check mode, the number it would have.
  returned: success
  type: int
  sample: 5
codes:
  description:
    - The unused backup codes, each six characters.
    - B(These are secrets;) set C(no_log) on the task.
    - Null in check mode when the codes would be regenerated, since the new codes do not
      exist yet.
  returned: when O(return_codes=true)
  type: list
  elements: str
  sample: [aB3-x_, Zq81kP]
regenerated:
  description: Whether the task regenerated the codes (in check mode, whether it would).
  returned: success
  type: bool
  sample: false
requests:
  description:
    - The requests that change the portal, in order; the ones this run sent, or in check
      mode the ones the real run would send.
  returned: success
  type: list
  elements: str
  sample: [PUT /api/2.0/settings/tfaappnewcodes]
diff:
  description: The counts before and after.
  returned: success
  type: dict
  contains:
    before:
      description: The counts before the task.
      type: dict
    after:
      description: The counts after the task, or in check mode the counts it would leave.
      type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.onlyoffice.docspace.plugins.module_utils import _portal
from ansible_collections.onlyoffice.docspace.plugins.module_utils._app import (
    AppError,
    backup_codes_problem,
    check_min_unused,
    plan_backup_codes,
)
from ansible_collections.onlyoffice.docspace.plugins.module_utils._connection import (
    connection_argument_spec,
    portal_session,
)


def argument_spec():
    spec = connection_argument_spec()
    spec.update(
        state={"type": "str", "choices": ["present", "regenerated"], "default": "present"},
        min_unused={"type": "int", "default": 1},
        return_codes={"type": "bool", "default": False},
    )
    return spec


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    params = module.params

    try:
        check_min_unused(params["min_unused"])
    except AppError as exc:
        module.fail_json(msg=str(exc))
    with portal_session(module, AppError) as client:
        policy = _portal.read_policy(client)
        account = _portal.read_account(client)
        problem = backup_codes_problem(policy, account)
        if problem:
            module.fail_json(msg=problem)

        codes = _portal.read_backup_codes(client)
        plan = plan_backup_codes(
            params["state"], _portal.count_backup_codes(codes), params["min_unused"]
        )
        if plan.changed:
            module.warn(
                "Regenerating replaces every backup code of %s: the previous codes stop "
                "working, printed or stored ones included." % (account["email"] or account["id"])
            )

        if plan.changed and module.check_mode:
            codes, counts = None, plan.after
        elif plan.changed:
            codes = _portal.regenerate_backup_codes(client)
            counts = _portal.count_backup_codes(codes)
        else:
            counts = plan.after

        result = {
            "changed": plan.changed,
            "regenerated": plan.changed,
            "requests": plan.requests,
            "diff": {"before": plan.before, "after": counts},
            "total": counts["total"],
            "unused": counts["unused"],
        }
        if params["return_codes"]:
            result["codes"] = (
                None if codes is None else [code["code"] for code in codes if not code["is_used"]]
            )
        module.exit_json(**result)


if __name__ == "__main__":
    main()
