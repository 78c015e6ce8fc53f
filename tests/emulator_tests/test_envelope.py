"""The response bodies: success envelope, error envelope, empty 401/403, validation 400."""

from __future__ import annotations

import pytest


def test_success_envelope_wraps_the_result_with_count_links_and_status(portal):
    answer = portal.get("settings/tfaapp")

    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/json")
    body = answer.json()
    assert list(body) == ["response", "count", "links", "status", "statusCode"]
    assert body["count"] == 2
    assert body["links"] == [{"href": portal.api + "settings/tfaapp", "action": "GET"}]
    assert body["status"] == 0
    assert body["statusCode"] == 200
    assert "total" not in body


def test_json_is_compact_not_indented(portal):
    assert "\n" not in portal.get("settings/tfaapp").text


def test_link_href_is_the_full_request_url_with_its_query(portal):
    answer = portal.get("settings/tfaapp", params={"a": "1"})

    assert answer.json()["links"][0]["href"] == portal.api + "settings/tfaapp?a=1"


def test_a_null_result_leaves_response_out_and_counts_zero(portal):
    # Nothing to confirm while TFA is off: the controller returns null.
    body = portal.get("settings/tfaapp/confirm").json()

    assert "response" not in body
    assert body["count"] == 0
    assert body["status"] == 0


def test_a_boolean_result_counts_one(portal):
    body = portal.set_policy(type="None").json()

    assert body["response"] is False
    assert body["count"] == 1


def test_a_string_result_counts_one_even_when_empty(portal):
    body = portal.put("settings/tfaappwithlink", {"type": "None"}).json()

    assert body["response"] == ""
    assert body["count"] == 1


def test_error_envelope_carries_message_type_stack_and_hresult(portal):
    answer = portal.set_policy(role="user", type="App")

    assert answer.status_code == 403
    body = answer.json()
    assert list(body) == ["error", "status", "statusCode"]
    assert body["status"] == 1
    assert body["statusCode"] == 403
    assert body["error"]["message"] == "Access denied"
    assert body["error"]["type"].endswith("AuthorizingException")
    assert "TfaappController" in body["error"]["stack"]
    assert isinstance(body["error"]["hresult"], int)
    assert body["error"]["hresult"] != 0


def test_errors_without_a_stack_have_null_type_and_stack_and_zero_hresult(portal):
    body = {"userName": portal["user"]["email"], "password": "wrong"}
    answer = portal.request("POST", "authentication", json=body)

    assert answer.status_code == 401
    error = answer.json()["error"]
    assert error == {
        "message": "User authentication failed",
        "type": None,
        "stack": None,
        "hresult": 0,
    }


@pytest.mark.parametrize(
    "path",
    ["settings/tfaapp", "settings/tfaappcodes", "people/@self", "portal", "group"],
)
def test_unauthenticated_requests_get_401_with_an_empty_body(portal, path):
    answer = portal.request("GET", path)

    assert answer.status_code == 401
    assert answer.content == b""


def test_a_bad_token_is_unauthenticated_too(portal):
    answer = portal.request("GET", "settings/tfaapp", token="Bearer not-a-token")

    assert answer.status_code == 401
    assert answer.content == b""


def test_missing_role_is_403_with_an_empty_body(portal):
    # tfaapp/setup needs the TfaActivation role of a confirm link; an API key has none.
    portal.enable_app()
    answer = portal.get("settings/tfaapp/setup")

    assert answer.status_code == 403
    assert answer.content == b""


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({"type": "App", "mandatoryUsers": ["not-a-guid"]}, "$.mandatoryUsers[0]"),
        ({"type": "App", "mandatoryGroups": ["x"]}, "$.mandatoryGroups[0]"),
        ({"type": "App", "id": ""}, "$.id"),
        ({"type": "App", "id": "not-a-guid"}, "$.id"),
        ({"type": "App", "id": None}, "$.id"),
        ({"type": "Bogus"}, "$.type"),
        ({"type": True}, "$.type"),
        ({"type": 1.5}, "$.type"),
        ({"type": "App", "trustedIps": "10.0.0.1"}, "$.trustedIps"),
        ({"type": "App", "trustedIps": [1]}, "$.trustedIps[0]"),
    ],
)
def test_model_validation_400_is_the_success_envelope_with_status_1(portal, body, key):
    answer = portal.set_policy(**body)

    assert answer.status_code == 400
    envelope = answer.json()
    assert envelope["status"] == 1
    assert envelope["statusCode"] == 400
    problem = envelope["response"]
    assert problem["status"] == 400
    assert problem["title"] == "One or more validation errors occurred."
    assert problem["type"].startswith("https://tools.ietf.org/html/rfc9110")
    assert problem["traceId"].startswith("00-")
    assert key in problem["errors"]
    assert isinstance(problem["errors"][key], list)


def test_validation_runs_before_the_permission_check(portal):
    # Model binding comes first, so even a plain user sees the 400, not the 403.
    answer = portal.set_policy(role="user", type="App", id="nope")

    assert answer.status_code == 400


def test_malformed_json_is_a_validation_400(portal):
    answer = portal.request(
        "PUT",
        "settings/tfaapp",
        role="owner",
        data=b"{not json",
        headers={"Content-Type": "application/json"},
    )

    assert answer.status_code == 400
    assert "$" in answer.json()["response"]["errors"]


def test_an_empty_body_is_a_validation_400(portal):
    answer = portal.request(
        "PUT",
        "settings/tfaapp",
        role="owner",
        data=b"",
        headers={"Content-Type": "application/json"},
    )

    assert answer.status_code == 400
    assert "" in answer.json()["response"]["errors"]


def test_a_body_without_a_json_content_type_is_415(portal):
    answer = portal.request("PUT", "settings/tfaapp", role="owner", data=b'{"type":"App"}')

    assert answer.status_code == 415
    assert answer.json()["statusCode"] == 415


def test_property_names_are_read_case_insensitively(portal):
    answer = portal.put("settings/tfaapp", {"TYPE": "App", "TrustedIPs": ["10.1.1.1"]})

    assert answer.json()["response"] is True
    assert portal.policy()["app"]["trustedIps"] == ["10.1.1.1"]


def test_unknown_routes_are_404_and_wrong_methods_405_with_empty_bodies(portal):
    missing = portal.get("settings/nothing-here")
    wrong_method = portal.request("DELETE", "settings/tfaapp", role="owner")

    assert (missing.status_code, missing.content) == (404, b"")
    assert (wrong_method.status_code, wrong_method.content) == (405, b"")


def test_routes_ignore_case_and_a_trailing_slash(portal):
    assert portal.get("Settings/TfaApp/").status_code == 200
