# Copyright: Contributors to the onlyoffice.docspace collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The portal calls the modules share, each one request or a short, named sequence.

These functions use the client and the domain layer and return plain data; they make no
decision of their own about whether anything should change.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.onlyoffice.docspace.plugins.module_utils._client import (
    AccessDenied,
    InvalidResponse,
    NotAvailable,
    NotFound,
    api_path,
)
from ansible_collections.onlyoffice.docspace.plugins.module_utils._tfa import parse_policy

POLICY_PATH = "settings/tfaapp"
POLICY_WITH_LINK_PATH = "settings/tfaappwithlink"
CODES_PATH = "settings/tfaappcodes"


def read_policy(client):
    """GET settings/tfaapp, parsed: method, lists, available_methods."""
    items = client.get(POLICY_PATH)
    try:
        return parse_policy(items)
    except ValueError:
        raise InvalidResponse(
            "GET %s answered with something other than the list of TFA methods; is url a "
            "DocSpace portal?" % api_path(POLICY_PATH),
            "GET",
            api_path(POLICY_PATH),
        ) from None


def read_account(client):
    """The calling account, from GET people/@self, in the collection's own words."""
    person = client.get("people/@self") or {}
    if not person.get("id"):
        raise InvalidResponse(
            "GET %s answered without the account's id." % api_path("people/@self"),
            "GET",
            api_path("people/@self"),
        )
    return {
        "id": str(person["id"]).lower(),
        "email": person.get("email"),
        "is_owner": bool(person.get("isOwner")),
        "is_admin": bool(person.get("isAdmin")),
        "tfa_app_enabled": bool(person.get("tfaAppEnabled")),
    }


def read_owner_id(client, account):
    """The portal owner's id; no request when the caller is the owner."""
    if account["is_owner"]:
        return account["id"]
    portal = client.get("portal") or {}
    owner = portal.get("ownerId")
    return str(owner).lower() if owner else None


def unknown_ids(client, users, groups):
    """Ids that are well formed but name no user or group on this portal.

    DocSpace stores such ids silently. An account that may not read people or groups
    cannot tell, so those ids are not reported.
    """
    missing = []
    for kind, path, ids in (("user", "people/%s", users), ("group", "group/%s", groups)):
        for ident in ids:
            try:
                client.get(path % ident)
            except NotFound:
                missing.append((kind, ident))
            except (AccessDenied, NotAvailable):
                continue
    return missing


def write_policy(client, plan, caller_id, with_link=False):
    """PUT the planned policy; returns the confirm URL when ``with_link`` is set."""
    path = POLICY_WITH_LINK_PATH if with_link else POLICY_PATH
    answer = client.put(path, plan.body(caller_id))
    if with_link:
        return answer if isinstance(answer, str) else None
    return None


def read_backup_code_counts(client):
    """Total and unused backup codes of the calling account, never the codes."""
    codes = client.get(CODES_PATH) or []
    unused = [code for code in codes if isinstance(code, dict) and not code.get("isUsed")]
    return {"total": len(codes), "unused": len(unused)}
