"""The people, group and portal reads around the TFA calls."""

from __future__ import annotations

import pytest


def test_people_self_describes_the_caller(portal):
    me = portal.get("people/@self", role="owner").json()["response"]

    assert me["id"] == portal["owner"]["id"]
    assert me["email"] == portal["owner"]["email"]
    assert me["displayName"]
    assert me["isOwner"] is True
    assert me["isAdmin"] is True
    assert me["status"] == 1
    assert me["tfaAppEnabled"] is False


@pytest.mark.parametrize(
    ("role", "is_owner", "is_admin"),
    [("owner", True, True), ("admin", False, True), ("user", False, False)],
)
def test_roles_show_in_is_owner_and_is_admin(portal, role, is_owner, is_admin):
    me = portal.get("people/@self", role=role).json()["response"]

    assert (me["isOwner"], me["isAdmin"]) == (is_owner, is_admin)


def test_the_user_belongs_to_the_group(portal):
    me = portal.get("people/@self", role="user").json()["response"]

    assert me["groups"] == [{"id": portal["group"]["id"], "name": portal["group"]["name"]}]


def test_people_by_id(portal):
    answer = portal.get(f"people/{portal['user']['id']}", role="user")

    assert answer.json()["response"]["email"] == portal["user"]["email"]


def test_people_by_unknown_id_is_404(portal):
    answer = portal.get("people/11111111-2222-3333-4444-555555555555")

    assert answer.status_code == 404
    assert answer.json()["error"]["message"] == "User not found"


def test_people_by_email(portal):
    answer = portal.get("people/email", params={"email": portal["admin"]["email"].upper()})

    assert answer.json()["response"]["id"] == portal["admin"]["id"]


def test_people_by_unknown_email_is_404(portal):
    assert portal.get("people/email", params={"email": "x@example.test"}).status_code == 404


def test_groups_list_the_portal_group(portal):
    groups = portal.get("group").json()["response"]

    assert [(g["id"], g["name"]) for g in groups] == [
        (portal["group"]["id"], portal["group"]["name"])
    ]
    assert groups[0]["membersCount"] == 1


def test_groups_filter_by_name(portal):
    name = portal["group"]["name"]

    assert len(portal.get("group", params={"filterValue": name[-3:]}).json()["response"]) == 1
    assert portal.get("group", params={"filterValue": "zzz-none"}).json()["response"] == []


def test_group_by_id_includes_its_members(portal):
    group = portal.get(f"group/{portal['group']['id']}").json()["response"]

    assert group["name"] == portal["group"]["name"]
    assert [member["id"] for member in group["members"]] == [portal["user"]["id"]]


def test_unknown_group_is_404(portal):
    answer = portal.get("group/11111111-2222-3333-4444-555555555555")

    assert answer.status_code == 404


def test_portal_facts(portal):
    facts = portal.get("portal", role="user").json()["response"]

    assert facts["ownerId"] == portal["owner"]["id"]
    assert facts["tenantAlias"] == portal.name
    assert isinstance(facts["tenantId"], int)
    assert isinstance(facts["version"], int)


def test_portals_are_independent(portal, second_portal):
    first = portal.get("portal").json()["response"]
    second = second_portal.get("portal").json()["response"]

    assert first["tenantId"] != second["tenantId"]
    assert portal["owner"]["id"] != second_portal["owner"]["id"]
    portal.enable_app()
    assert second_portal.policy()["app"]["enabled"] is False


def test_tfa_app_enabled_is_left_out_when_the_app_method_is_hidden(portal):
    portal.emulator.config(portal.name, hide_app=True)

    assert "tfaAppEnabled" not in portal.get("people/@self").json()["response"]
