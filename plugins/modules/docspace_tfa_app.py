#!/usr/bin/python
# Copyright: Contributors to the onlyoffice.docspace collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: docspace_tfa_app
short_description: Link or unlink the authenticator app of a DocSpace account
version_added: 0.1.0
description:
  - Links an authenticator app (TOTP, as in Google Authenticator or FreeOTP) to the
    ONLYOFFICE DocSpace account the module logs in as, fetches the secret for a person to
    link their own app, or unlinks an account's app.
  - With O(state=present) it links an app to the calling account. It asks DocSpace for a
    confirm key (C(GET /api/2.0/settings/tfaapp/confirm)), fetches the secret with it
    (C(GET /api/2.0/settings/tfaapp/setup)) and sends a code
    (C(POST /api/2.0/settings/tfaapp/validate)), either the one in O(code) or one the
    module computes from the secret. It returns the secret and the C(otpauth://) URI, so that an
    automation account can keep them in a vault and log in later with O(totp_secret).
  - An account that already has an app linked is left alone, without any request that
    issues a key.
  - With O(state=setup) it only fetches the secret, the C(otpauth://) URI and the QR image,
    so that a person can scan it with their own app and then run O(state=present) with
    the O(code) the app shows. Nothing is linked.
  - With O(state=absent) it unlinks the app of O(user_id), or of the calling account
    (C(PUT /api/2.0/settings/tfaappnewapp)). It first reads whether that account has an
    app linked, so a second run changes nothing.
author:
  - onlyoffice.docspace maintainers (@onlyoffice)
extends_documentation_fragment:
  - onlyoffice.docspace.connection
  - onlyoffice.docspace.attributes
attributes:
  check_mode:
    support: full
    details:
      - Sends only C(GET) requests that issue no key, and reports in RV(requests) the
        requests the real run would send. It therefore returns no secret in check mode,
        not even with O(state=setup).
      - Whether TFA applies to the account at all (it does not from a trusted IP, unless
        the account is mandatory) shows only in the answer that issues a key, so check
        mode cannot foresee that refusal.
  diff_mode:
    support: full
    details:
      - Shows whether the account has an app linked, before and after. Never a secret.
options:
  state:
    description:
      - V(present) links an app to the calling account unless one is linked.
      - V(setup) fetches the secret, URI and QR image for linking, and links nothing.
      - V(absent) unlinks the app of O(user_id), or of the calling account.
    type: str
    choices: [present, setup, absent]
    default: present
  code:
    description:
      - With O(state=present), the code the person's own app shows after scanning the
        secret that a run with O(state=setup) fetched.
      - Exactly six characters from C(A-Z a-z 0-9 - _), sent unchanged. B(Quote it.)
        YAML reads C(012345) unquoted as the number 12345, which the module refuses.
      - If not given, the module computes the current code from the secret itself.
      - A refused code is not sent again; DocSpace counts every attempt and blocks the
        account for a minute after five.
    type: raw
  user_id:
    description:
      - With O(state=absent), the id of the user whose app to unlink. If not given, the
        calling account's own app is unlinked.
      - Only the portal owner may unlink another user's app. For any other account the
        module refuses such a task before it sends anything about that user.
    type: str
notes:
  - B(The secret, the URI and the QR image are secrets.) Anyone who has one can compute the
    account's codes. Set C(no_log) to V(true) on a task with O(state=present) or
    O(state=setup) that registers them, and keep them in a vault.
  - DocSpace links an app only while the portal's TFA method is the authenticator app (see
    M(onlyoffice.docspace.docspace_tfa_settings)) and TFA applies to the account; an account
    exempted by a trusted IP gets no confirm key.
  - An account that DocSpace challenges at login cannot log in with O(username) and
    O(password) until it has an app linked. Link it with the account's O(api_key).
  - The URI's issuer is the portal's host name as DocSpace's confirm link gives it, and its
    label is DocSpace's account name; DocSpace does not return the URI itself.
  - Unlinking an app ends every session of that account and makes DocSpace hand out a new
    secret on the next link. When another user's app is unlinked, DocSpace sends them an
    e-mail to link a new one.
  - DocSpace checks at most five codes per account within a minute, successful ones
    included, and answers the rest with a message about too many text messages, although
    no text message is involved. The module says so in its own words.
seealso:
  - module: onlyoffice.docspace.docspace_tfa_settings
  - module: onlyoffice.docspace.docspace_tfa_codes
  - module: onlyoffice.docspace.docspace_tfa_info
  - plugin: onlyoffice.docspace.totp
    plugin_type: filter
"""

EXAMPLES = r"""
- name: Link an app to the service account; the module computes the code
  onlyoffice.docspace.docspace_tfa_app:
    url: https://docspace.example.com
    api_key: "{{ vault_robot_api_key }}"
    state: present
  register: robot_tfa
  no_log: true

- name: Log in later with the secret, as the service account
  onlyoffice.docspace.docspace_tfa_info:
    url: https://docspace.example.com
    username: robot@example.com
    password: "{{ vault_robot_password }}"
    totp_secret: "{{ robot_tfa.secret }}"

- name: Fetch the secret so that a person can scan it with their own app
  onlyoffice.docspace.docspace_tfa_app:
    url: https://docspace.example.com
    api_key: "{{ vault_alice_api_key }}"
    state: setup
  register: alice_setup
  no_log: true

# alice_code comes from vars_prompt or -e alice_code=012345, both of which give a string.
- name: Link it with the code the person's app shows
  onlyoffice.docspace.docspace_tfa_app:
    url: https://docspace.example.com
    api_key: "{{ vault_alice_api_key }}"
    state: present
    code: "{{ alice_code }}"

- name: As the portal owner, unlink the app of a user who lost their phone
  onlyoffice.docspace.docspace_tfa_app:
    url: https://docspace.example.com
    api_key: "{{ vault_owner_api_key }}"
    state: absent
    user_id: 3f1c7a52-1b7e-4c8e-9d0a-5a7b1c2d3e4f
"""

RETURN = r"""
linked:
  description:
    - Whether the account has an app linked after the task; in check mode, whether it
      would have.
  returned: success
  type: bool
  sample: true
user_id:
  description: The id of the account whose app the task concerns.
  returned: success
  type: str
  sample: 2b1c7a52-1b7e-4c8e-9d0a-5a7b1c2d3e4f
secret:
  description:
    - B(A secret.) The account's TOTP secret in base32 (16 characters), the value for
      O(totp_secret) and for the manual entry in an authenticator app.
  returned: when O(state=present) linked an app, or O(state=setup) fetched it; never in check mode
  type: str
  sample: JBSWY3DPEHPK3PXP
uri:
  description:
    - B(A secret.) The C(otpauth://totp/...) URI with the secret, which authenticator apps
      and password managers import.
  returned: when O(state=present) linked an app, or O(state=setup) fetched it; never in check mode
  type: str
  sample: otpauth://totp/ds.example.com:bot%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=ds.example.com
qr:
  description:
    - B(A secret.) The QR code of the URI, as a C(data:image/png;base64,...) URL that a
      browser shows.
  returned: when O(state=setup) fetched it; never in check mode
  type: str
backup_codes:
  description: Counts of the calling account's backup codes, never the codes.
  returned: >-
    with O(state=present) when the account has an app linked; in check mode only when it
    had one already. Null while the portal's app method is off, as DocSpace then keeps no
    usable codes.
  type: dict
  contains:
    total:
      description: How many backup codes the account has.
      type: int
      sample: 5
    unused:
      description: How many of them are unused.
      type: int
      sample: 5
activation_url:
  description:
    - The address at which the calling account links a new app, after it unlinked its own.
      It carries no key.
  returned: when O(state=absent) unlinked the calling account's own app
  type: str
  sample: https://docspace.example.com/confirm/TfaActivation?type=TfaActivation&uid=...
requests:
  description:
    - The requests that change the portal or issue a key, in order; the ones this run
      sent, or in check mode the ones the real run would send.
  returned: success
  type: list
  elements: str
  sample:
    - GET /api/2.0/settings/tfaapp/confirm
    - GET /api/2.0/settings/tfaapp/setup
    - POST /api/2.0/settings/tfaapp/validate
diff:
  description: Whether the account has an app linked, before and after.
  returned: success
  type: dict
  contains:
    before:
      description: The state before the task.
      type: dict
    after:
      description: The state after the task, or in check mode the state it would leave.
      type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.onlyoffice.docspace.plugins.module_utils import _portal, _portal_app, _totp
from ansible_collections.onlyoffice.docspace.plugins.module_utils._app import (
    AppError,
    check_code,
    check_may_unlink,
    check_options,
    plan_link,
    plan_unlink,
)
from ansible_collections.onlyoffice.docspace.plugins.module_utils._client import (
    InvalidResponse,
)
from ansible_collections.onlyoffice.docspace.plugins.module_utils._connection import (
    connection_argument_spec,
    portal_session,
)
from ansible_collections.onlyoffice.docspace.plugins.module_utils._tfa import (
    PolicyError,
    normalize_guid,
)


def argument_spec():
    spec = connection_argument_spec()
    spec.update(
        state={"type": "str", "choices": ["present", "setup", "absent"], "default": "present"},
        # raw, not str: AnsibleModule would turn the number 12345 into "12345" silently.
        code={"type": "raw", "no_log": True},
        user_id={"type": "str"},
    )
    return spec


def unlink_warning(account, client):
    warning = "DocSpace ended every signed-in session of %s" % (account["email"] or account["id"])
    if client.auth_kind == "api_key":
        return warning + "; API keys, such as the one this task used, are not sessions."
    warning += ", the one this task used included."
    if client.auth_kind == "password":
        warning += (
            " While TFA applies to it, its next password login asks for a new app: link one "
            "with this module and the account's api_key."
        )
    return warning


def secret_warning(account):
    return (
        "The result holds the TOTP secret of %s: whoever reads this task's output can compute "
        "the account's codes. Set no_log: true on the task and keep the secret in a vault."
        % (account["email"] or account["id"])
    )


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    params = module.params
    state = params["state"]

    try:
        check_options(state, params["code"], params["user_id"])
        code = None if params["code"] is None else check_code(params["code"])
        user_id = None
        if params["user_id"] is not None:
            user_id = normalize_guid(params["user_id"], "user_id")
    except (AppError, PolicyError) as exc:
        module.fail_json(msg=str(exc))
    with portal_session(module, AppError) as client:
        account = _portal.read_account(client)
        if state == "absent":
            target = account
            if user_id is not None and user_id != account["id"]:
                check_may_unlink(account, user_id)
                target = _portal.read_user(client, user_id)
            plan = plan_unlink(account, target)
        else:
            target = account
            plan = plan_link(state, account, _portal.read_policy(client))
        result = {
            "changed": plan.changed,
            "linked": plan.after["linked"],
            "user_id": target["id"],
            "requests": plan.requests,
            "diff": plan.diff(),
        }
        if module.check_mode or not plan.requests:
            if state == "present" and account["tfa_app_enabled"]:
                result["backup_codes"] = _portal.backup_code_counts_or_none(client)
            module.exit_json(**result)

        if state == "absent":
            activation_url = _portal_app.unlink_app(client, target["id"])
            if target["id"] == account["id"]:
                result["activation_url"] = activation_url
                module.warn(unlink_warning(account, client))
            module.exit_json(**result)

        confirm, setup, skew = _portal_app.fetch_setup(client, account)
        if not module.no_log:
            module.warn(secret_warning(account))
        if state == "setup":
            module.exit_json(secret=setup["secret"], uri=setup["uri"], qr=setup["qr"], **result)

        computed = code is None
        if computed:
            code = _totp.totp(setup["secret"])
        _portal_app.validate_code(client, confirm, code, computed, skew)

        if not _portal.read_account(client)["tfa_app_enabled"]:
            raise InvalidResponse(
                "DocSpace accepted the code but reports no app linked to %s; check the "
                "portal's TFA policy and run the task again." % (account["email"] or account["id"])
            )
        result["backup_codes"] = _portal.read_backup_code_counts(client)
        module.exit_json(secret=setup["secret"], uri=setup["uri"], **result)


if __name__ == "__main__":
    main()
