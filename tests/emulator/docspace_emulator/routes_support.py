"""The people, group and portal reads the collection relies on, reduced to the fields
that matter (shapes from docspace-openapi-support.json)."""

from __future__ import annotations

from . import binding, envelope, policy
from .envelope import ValidationFailed
from .model import iso_time
from .router import Ctx, endpoint

PEOPLE = "ASC.People.Api.UserController"
GROUPS = "ASC.People.Api.GroupController"
PORTAL = "ASC.Web.Api.Controllers.PortalController"


def employee(ctx: Ctx, user) -> dict:
    portal = ctx.portal
    first, last = user.account.first_name, user.account.last_name
    answer = {
        "id": user.id,
        "displayName": f"{first} {last}",
        "hasAvatar": False,
        "isAnonim": False,
        "profileUrl": f"{portal.url}/accounts/people/filter?search={user.email}",
        "firstName": first,
        "lastName": last,
        "userName": user.email.split("@", 1)[0],
        "email": user.email,
        "status": user.status,
        "activationStatus": 1,
        "department": "",
        "groups": [{"id": g.id, "name": g.name} for g in portal.groups_of(user)],
        "isAdmin": user.is_admin,
        "isRoomAdmin": False,
        "isLDAP": False,
        "isOwner": user.is_owner,
        "isVisitor": False,
        "isCollaborator": False,
        "cultureName": "en-US",
        "mobilePhoneActivationStatus": 0,
        "isSSO": False,
    }
    # Linked means "has backup codes stored"; the flag is left out (null) when the
    # authenticator-app method is hidden on the portal.
    if policy.app_visible(portal):
        answer["tfaAppEnabled"] = user.linked
    return answer


def _member(ctx: Ctx, user) -> dict:
    first, last = user.account.first_name, user.account.last_name
    return {
        "id": user.id,
        "displayName": f"{first} {last}",
        "hasAvatar": False,
        "isAnonim": False,
        "profileUrl": f"{ctx.portal.url}/accounts/people/filter?search={user.email}",
    }


# "@self" and "email" are registered before "{userid}", which would capture them.
@endpoint("GET", "people/@self", f"{PEOPLE}.SelfAsync")
async def people_self(ctx: Ctx):
    return employee(ctx, ctx.require_user().user)


@endpoint("GET", "people/email", f"{PEOPLE}.GetByEmailAsync")
async def people_by_email(ctx: Ctx):
    ctx.require_user()
    email = ctx.request.query.get("email", "").strip()
    if not email:
        raise envelope.argument_error("Incorrect email")
    user = ctx.portal.user_by_email(email)
    if user is None:
        raise envelope.not_found("The user could not be found")
    return employee(ctx, user)


@endpoint("GET", "people/{userid}", f"{PEOPLE}.GetByIdAsync")
async def people_by_id(ctx: Ctx, userid: str):
    """DocSpace tries the value as a user name first, then as a GUID; anything that names
    nobody is a 404."""
    ctx.require_user()
    portal = ctx.portal
    user = next(
        (u for u in portal.users.values() if u.email.split("@", 1)[0].lower() == userid.lower()),
        None,
    )
    if user is None and binding.GUID.match(userid):
        user = portal.user_by_id(userid)
    if user is None:
        raise envelope.not_found("User not found")
    return employee(ctx, user)


def _group(ctx: Ctx, group, members: bool) -> dict:
    answer = {
        "name": group.name,
        "category": binding.EMPTY_GUID,
        "id": group.id,
        "isLDAP": False,
        "isSystem": False,
        "membersCount": len(group.members),
    }
    if members:
        answer["members"] = [_member(ctx, ctx.portal.user_by_id(uid)) for uid in group.members]
    return answer


@endpoint("GET", "group", f"{GROUPS}.GetGroupsAsync")
async def groups(ctx: Ctx):
    ctx.require_user()
    query = {name.lower(): value for name, value in ctx.request.query.items()}
    found = [ctx.portal.group]
    text = query.get("filtervalue", "").strip().lower()
    if text:
        found = [g for g in found if text in g.name.lower()]
    if query.get("userid"):
        found = [g for g in found if query["userid"].lower() in g.members]
    start = _integer(query, "startindex", "startIndex", 0)
    count = _integer(query, "count", "count", 100)
    return [_group(ctx, g, members=False) for g in found[start : start + count]]


def _integer(query: dict, key: str, name: str, default: int) -> int:
    text = query.get(key, "").strip()
    if not text:
        return default
    if not binding.INTEGER.match(text):
        raise ValidationFailed({name: [f"The value '{text}' is not valid."]})
    return int(text)


@endpoint("GET", "group/{group_id}", f"{GROUPS}.GetGroupAsync")
async def group_by_id(ctx: Ctx, group_id: str):
    ctx.require_user()
    group = ctx.portal.group
    if group_id.lower() != group.id:
        raise envelope.not_found("Group not found")
    include = ctx.request.query.get("includeMembers", "true").lower() != "false"
    return _group(ctx, group, members=include)


@endpoint("GET", "portal", f"{PORTAL}.GetAsync")
async def portal_info(ctx: Ctx):
    ctx.require_user()
    portal = ctx.portal
    created = iso_time(portal.created)
    return {
        "tenantAlias": portal.name,
        "calls": False,
        "creationDateTime": created,
        "tenantId": portal.tenant_id,
        "industry": 0,
        "language": "en-US",
        "lastModified": created,
        "name": f"Portal {portal.name}",
        "ownerId": portal.owner.id,
        "spam": False,
        "status": 0,
        "statusChangeDate": created,
        "timeZone": "UTC",
        "trustedDomains": [],
        "trustedDomainsType": 0,
        # The integer tenant version, not the product release.
        "version": 2,
        "versionChanged": created,
    }
