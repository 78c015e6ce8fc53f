"""Looking up users by e-mail and groups by name (_portal.resolve_names), with a fake client."""

from __future__ import annotations

import pytest

from ansible_collections.onlyoffice.docspace.plugins.module_utils import _portal
from ansible_collections.onlyoffice.docspace.plugins.module_utils._client import NotFound

ALICE = "2b1c7a52-1b7e-4c8e-9d0a-5a7b1c2d3e4f"
BOB = "3c2d8b63-2c8f-4d9f-8e1b-6b8c2d3e4f50"


def group(index, name):
    return {"id": "00000000-0000-4000-8000-%012d" % index, "name": name}


class FakeClient:
    """Answers GET people/email and GET group like DocSpace; records every call."""

    def __init__(self, people=None, groups=(), ignore_paging=False):
        self.people = people or {}
        self.groups = list(groups)
        self.ignore_paging = ignore_paging
        self.calls = []

    def get(self, path, query=None):
        self.calls.append((path, dict(query or {})))
        if path == "people/email":
            person = self.people.get(query["email"].lower())
            if person is None:
                raise NotFound("User not found", "GET", "/api/2.0/people/email", 404)
            return {"id": person.upper(), "email": query["email"]}
        if path == "group":
            if self.ignore_paging:
                return list(self.groups)
            start, count = query["startIndex"], query["count"]
            return self.groups[start : start + count]
        raise AssertionError("unexpected GET %s" % path)


def test_users_and_groups_resolve_to_lower_case_ids_keyed_as_given():
    client = FakeClient(
        people={"alice@example.com": ALICE}, groups=[group(1, "Finance"), group(2, "Ops")]
    )
    resolved = _portal.resolve_names(client, ["Alice@Example.com"], ["  finance ", "OPS"])
    assert resolved == {
        "users": {"Alice@Example.com": ALICE},
        "groups": {"  finance ": group(1, "")["id"], "OPS": group(2, "")["id"]},
    }


def test_nothing_to_resolve_sends_nothing():
    client = FakeClient()
    assert _portal.resolve_names(client, [], []) == {"users": {}, "groups": {}}
    assert client.calls == []


def test_groups_are_read_page_by_page_once_for_all_names():
    groups = [group(i, "Team %d" % i) for i in range(250)]
    client = FakeClient(groups=groups)
    resolved = _portal.resolve_names(client, [], ["Team 7", "team 249"])
    assert resolved["groups"] == {"Team 7": groups[7]["id"], "team 249": groups[249]["id"]}
    assert [query["startIndex"] for _path, query in client.calls] == [0, 100, 200]


def test_a_server_that_ignores_paging_does_not_loop():
    groups = [group(i, "Team %d" % i) for i in range(_portal.GROUPS_PAGE)]
    client = FakeClient(groups=groups, ignore_paging=True)
    resolved = _portal.resolve_names(client, [], ["Team 99"])
    assert resolved["groups"] == {"Team 99": groups[99]["id"]}
    assert len(client.calls) == 2


def test_every_unknown_name_is_named_in_one_error():
    client = FakeClient(people={"alice@example.com": ALICE}, groups=[group(1, "Finance")])
    with pytest.raises(NotFound) as caught:
        _portal.resolve_names(
            client, ["alice@example.com", "nobody@example.com", "ghost@example.com"], ["Sales"]
        )
    message = str(caught.value)
    for name in ("'nobody@example.com'", "'ghost@example.com'", "'Sales'"):
        assert name in message
    assert "alice" not in message
    assert caught.value.status == 404
    assert caught.value.path == "/api/2.0/people/email"


def test_a_name_two_groups_share_is_refused_with_their_ids():
    client = FakeClient(groups=[group(1, "Finance"), group(2, "finance"), group(3, "Ops")])
    with pytest.raises(_portal.NameNotUnique) as caught:
        _portal.resolve_names(client, [], ["Finance", "Ops"])
    message = str(caught.value)
    assert "'Finance' is the name of 2 groups" in message
    assert group(1, "")["id"] in message and group(2, "")["id"] in message
    assert "give the group's id instead" in message


@pytest.mark.parametrize(
    ("emails", "names", "named"),
    [
        (["alice"], [], "'alice'"),
        (["alice@example"], [], "'alice@example'"),
        (["a b@example.com"], [], "'a b@example.com'"),
        ([7], [], "7"),
        ([], [""], "''"),
        ([], ["   "], "'   '"),
    ],
)
def test_malformed_input_is_named_before_any_request(emails, names, named):
    problem = _portal.names_problem(emails, names)
    assert problem is not None and named in problem


def test_well_formed_input_has_no_problem():
    assert _portal.names_problem(["alice@example.com", " bob@example.org "], ["Finance"]) is None


def test_a_very_long_unknown_name_is_cut_short_in_the_message():
    name = "Team " + "x" * 300
    with pytest.raises(NotFound) as info:
        _portal.resolve_names(FakeClient(groups=[group(1, "Ops")]), [], [name])
    message = str(info.value)
    assert "(305 characters)" in message
    assert name not in message and len(message) < 300
