# Copyright: Contributors to the onlyoffice.docspace collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The portal calls the modules share, each one request or a short, named sequence.

These functions use the client and the domain layer and return plain data; they make no
decision of their own about whether anything should change.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.six import string_types

from ansible_collections.onlyoffice.docspace.plugins.module_utils._client import (
    AccessDenied,
    DocSpaceError,
    InvalidResponse,
    NotAvailable,
    NotFound,
    api_path,
)
from ansible_collections.onlyoffice.docspace.plugins.module_utils._tfa import (
    excerpt,
    parse_policy,
)

POLICY_PATH = "settings/tfaapp"
POLICY_WITH_LINK_PATH = "settings/tfaappwithlink"
CODES_PATH = "settings/tfaappcodes"
NEW_CODES_PATH = "settings/tfaappnewcodes"
# Enough to catch a typo; DocSpace itself decides whether the address exists.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


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


def _person(person, path):
    """One answer of GET people/..., in the collection's own words."""
    person = person or {}
    if not person.get("id"):
        raise InvalidResponse(
            "GET %s answered without the account's id." % api_path(path), "GET", api_path(path)
        )
    return {
        "id": str(person["id"]).lower(),
        "email": person.get("email"),
        "is_owner": bool(person.get("isOwner")),
        "is_admin": bool(person.get("isAdmin")),
        # Null when the portal hides the app method: then nobody has an app linked.
        "tfa_app_enabled": bool(person.get("tfaAppEnabled")),
    }


def read_account(client, with_groups=False):
    """The calling account, from GET people/@self, in the collection's own words.

    With ``with_groups`` the account also lists the ids of the groups it belongs to.
    """
    person = client.get("people/@self")
    account = _person(person, "people/@self")
    if with_groups:
        groups = (person or {}).get("groups") or []
        account["groups"] = sorted(
            set(str(g["id"]).lower() for g in groups if isinstance(g, dict) and g.get("id"))
        )
    return account


def read_user(client, user_id):
    """Another account, from GET people/{id}; NotFound names the id."""
    path = "people/%s" % user_id
    try:
        return _person(client.get(path), path)
    except NotFound as exc:
        raise NotFound(
            "No user with the id %s on this portal (GET %s answered %s)."
            % (user_id, api_path(path), exc.status),
            "GET",
            api_path(path),
            exc.status,
        ) from None


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


# Names to ids ------------------------------------------------------------------------

PEOPLE_BY_EMAIL_PATH = "people/email"
GROUPS_PATH = "group"
GROUPS_PAGE = 100


class NameNotUnique(DocSpaceError):
    """A group name that more than one group on the portal carries."""

    kind = "not_unique"


def names_problem(emails, group_names):
    """A sentence naming the e-mails or group names that cannot be looked up, or None.

    Pure: it runs before the first request, so a typo costs no call to the portal.
    """
    problems = []
    bad = [e for e in emails if not isinstance(e, string_types) or not _EMAIL.match(e.strip())]
    if bad:
        problems.append("resolve_users: %s is not an e-mail address" % _names(bad))
    bad = [n for n in group_names if not isinstance(n, string_types) or not n.strip()]
    if bad:
        problems.append("resolve_groups: %s is not a group name" % _names(bad))
    return "; ".join(problems) + "." if problems else None


def _names(values):
    """The names for a message, each quoted, a very long one cut short."""
    return ", ".join(
        excerpt(value, 60) if isinstance(value, string_types) else repr(value) for value in values
    )


def resolve_users(client, emails):
    """E-mail -> user id, one GET people/email?email= each; returns (found, unknown)."""
    found, unknown = {}, []
    for email in emails:
        try:
            person = client.get(PEOPLE_BY_EMAIL_PATH, query={"email": email.strip()})
        except NotFound:
            unknown.append(email)
            continue
        found[email] = _person(person, PEOPLE_BY_EMAIL_PATH)["id"]
    return found, unknown


def read_groups(client):
    """Every group of the portal as ``{id, name}``, from GET group, page by page.

    A page that brings no group not seen before ends the listing, so a server that
    ignores the paging parameters cannot keep the loop going.
    """
    groups, seen, start = [], set(), 0
    while True:
        page = client.get(GROUPS_PATH, query={"startIndex": start, "count": GROUPS_PAGE})
        page = [g for g in page or [] if isinstance(g, dict) and g.get("id")]
        new = [g for g in page if str(g["id"]).lower() not in seen]
        for group in new:
            seen.add(str(group["id"]).lower())
            groups.append({"id": str(group["id"]).lower(), "name": group.get("name") or ""})
        if len(page) < GROUPS_PAGE or not new:
            return groups
        start += len(page)


def resolve_groups(client, names):
    """Group name -> id, matched without regard to case; returns (found, unknown, shared).

    ``shared`` maps a name that several groups carry to their ids.
    """
    found, unknown, shared = {}, [], {}
    groups = read_groups(client) if names else []
    for name in names:
        wanted = name.strip().lower()
        ids = sorted(set(g["id"] for g in groups if g["name"].strip().lower() == wanted))
        if not ids:
            unknown.append(name)
        elif len(ids) > 1:
            shared[name] = ids
        else:
            found[name] = ids[0]
    return found, unknown, shared


def resolve_names(client, emails, group_names):
    """``{users: {email: id}, groups: {name: id}}`` for the given e-mails and group names.

    Raises NotFound naming every e-mail and group name the portal does not know, and
    NameNotUnique when a group name belongs to more than one group.
    """
    users, unknown_users = resolve_users(client, emails)
    groups, unknown_groups, shared = resolve_groups(client, group_names)
    problems = []
    if unknown_users:
        problems.append(
            "no user on this portal has the e-mail %s (GET %s answered 404)"
            % (_names(unknown_users), api_path(PEOPLE_BY_EMAIL_PATH))
        )
    if unknown_groups:
        problems.append(
            "no group on this portal is called %s (GET %s lists every group)"
            % (_names(unknown_groups), api_path(GROUPS_PATH))
        )
    for name, ids in sorted(shared.items()):
        problems.append(
            "%r is the name of %d groups (%s); give the group's id instead"
            % (name, len(ids), ", ".join(ids))
        )
    if problems:
        error = NotFound if unknown_users or unknown_groups else NameNotUnique
        path = PEOPLE_BY_EMAIL_PATH if unknown_users else GROUPS_PATH
        raise error(
            "Cannot resolve the names: %s." % "; ".join(problems),
            "GET",
            api_path(path),
            404 if unknown_users else None,
        )
    return {"users": users, "groups": groups}


def write_policy(client, plan, caller_id, with_link=False):
    """PUT the planned policy; returns the confirm URL when ``with_link`` is set."""
    path = POLICY_WITH_LINK_PATH if with_link else POLICY_PATH
    answer = client.put(path, plan.body(caller_id))
    if with_link:
        return answer if isinstance(answer, str) else None
    return None


def read_backup_codes(client):
    """The calling account's backup codes: ``[{code, is_used}]``, used ones included."""
    codes = client.get(CODES_PATH) or []
    return [
        {"code": code.get("code"), "is_used": bool(code.get("isUsed"))}
        for code in codes
        if isinstance(code, dict)
    ]


def count_backup_codes(codes):
    return {"total": len(codes), "unused": len([code for code in codes if not code["is_used"]])}


def read_backup_code_counts(client):
    """Total and unused backup codes of the calling account, never the codes."""
    return count_backup_codes(read_backup_codes(client))


def backup_code_counts_or_none(client):
    """The counts, or None when DocSpace keeps no usable codes (app method off, no app)."""
    try:
        return read_backup_code_counts(client)
    except NotAvailable:
        return None


def regenerate_backup_codes(client):
    """PUT settings/tfaappnewcodes: the old codes stop working; returns the new set."""
    codes = client.put(NEW_CODES_PATH) or []
    return [
        {"code": code.get("code"), "is_used": bool(code.get("isUsed"))}
        for code in codes
        if isinstance(code, dict)
    ]
