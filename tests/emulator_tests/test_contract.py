"""Every TFA answer of the 3.7 profile against the vendor's OpenAPI schemas.

The schemas live in ../shared/ beside the repository (they are not copied in); without
that folder the test is skipped. OpenAPI 3.0 is not quite JSON Schema, so the schemas are
first turned into one: ``$ref`` inlined, ``allOf`` of objects merged, ``nullable`` made a
``null`` type.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from docspace_emulator import totp

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
TFA_SPEC = SHARED / "docspace-openapi-tfa.json"
SUPPORT_SPEC = SHARED / "docspace-openapi-support.json"


def load(path: Path) -> dict:
    if not path.is_file():
        pytest.skip(f"{path} is absent: the vendor OpenAPI subset is kept outside the repo")
    return json.loads(path.read_text())


def to_json_schema(node, spec: dict):
    if isinstance(node, list):
        return [to_json_schema(item, spec) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return to_json_schema(target, spec)
    schema = {key: to_json_schema(value, spec) for key, value in node.items()}
    if "allOf" in schema and all(
        part.get("type", "object") == "object" for part in schema["allOf"]
    ):
        merged = {"type": "object", "properties": {}}
        for part in schema.pop("allOf"):
            merged["properties"].update(part.get("properties", {}))
        schema = {**merged, **schema}
    if schema.pop("nullable", False) and "type" in schema:
        schema["type"] = [schema["type"], "null"]
    for key in ("example", "x-enum-varnames", "readOnly"):
        schema.pop(key, None)
    return schema


def response_schema(spec: dict, method: str, path: str) -> dict:
    operation = spec["paths"]["/api/2.0/" + path][method.lower()]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    return to_json_schema(schema, spec)


def check(spec: dict, answer, path: str) -> dict:
    assert answer.status_code == 200, answer.text
    body = answer.json()
    schema = response_schema(spec, answer.request.method, path)
    jsonschema.validate(body, schema, format_checker=jsonschema.FormatChecker())
    return body


@pytest.fixture
def tfa_spec():
    return load(TFA_SPEC)


def test_the_spec_covers_the_nine_operations(tfa_spec):
    operations = [(m, p) for p, ops in tfa_spec["paths"].items() for m in ops]

    assert len(operations) == 9


def test_get_tfaapp(tfa_spec, portal):
    check(tfa_spec, portal.get("settings/tfaapp"), "settings/tfaapp")
    portal.enable_app(trustedIps=["10.0.0.1"], mandatoryUsers=[portal["user"]["id"]])
    body = check(tfa_spec, portal.get("settings/tfaapp", role="user"), "settings/tfaapp")
    assert body["response"][1]["mandatoryUsers"] == [portal["user"]["id"]]


def test_put_tfaapp(tfa_spec, portal):
    check(tfa_spec, portal.set_policy(type="App"), "settings/tfaapp")
    check(tfa_spec, portal.set_policy(type="None"), "settings/tfaapp")


def test_put_tfaappwithlink(tfa_spec, portal):
    path = "settings/tfaappwithlink"
    check(tfa_spec, portal.put(path, {"type": "App"}), path)
    check(tfa_spec, portal.put(path, {"type": "None"}), path)


def test_get_confirm(tfa_spec, portal):
    path = "settings/tfaapp/confirm"
    check(tfa_spec, portal.get(path), path)
    portal.enable_app()
    check(tfa_spec, portal.get(path, role="user"), path)
    portal.emulator.config(portal.name, sms_provider=True)
    portal.set_policy(type="Sms")
    check(tfa_spec, portal.get(path, role="user"), path)


def test_get_setup_and_post_validate(tfa_spec, portal):
    portal.enable_app()
    confirm_type, key = portal.confirm_key("user")
    headers = portal.confirm_header("user", confirm_type, key)
    setup = check(
        tfa_spec,
        portal.request("GET", "settings/tfaapp/setup", headers=headers),
        "settings/tfaapp/setup",
    )
    secret = totp.key_from_manual_entry(setup["response"]["manualEntryKey"])
    first = portal.validate("user", portal.code(secret), confirm_type=confirm_type, key=key)
    check(tfa_spec, first, "settings/tfaapp/validate")
    again = portal.validate("user", portal.code(secret))
    check(tfa_spec, again, "settings/tfaapp/validate")
    portal.set_policy(type="None")
    off = portal.validate("user", "123456", confirm_type=confirm_type, key=key)
    check(tfa_spec, off, "settings/tfaapp/validate")


def test_codes_new_codes_and_unlink(tfa_spec, portal):
    portal.enable_app()
    linked = portal.link("user")
    portal.validate("user", linked.codes[0])
    check(tfa_spec, portal.get("settings/tfaappcodes", role="user"), "settings/tfaappcodes")
    check(tfa_spec, portal.put("settings/tfaappnewcodes", role="user"), "settings/tfaappnewcodes")
    path = "settings/tfaappnewapp"
    check(tfa_spec, portal.put(path, {"id": portal["user"]["id"]}, role="user"), path)
    portal.link("user")
    check(tfa_spec, portal.put(path, {"id": portal["user"]["id"]}, role="owner"), path)


# The support endpoints, with the same conversion ----------------------------------------


@pytest.fixture
def support_spec():
    return load(SUPPORT_SPEC)


@pytest.mark.parametrize(
    "path",
    ["people/@self", "portal", "group", "people/email?email={email}", "group/{group}"],
)
def test_support_reads(support_spec, portal, path):
    spec_path = path.split("?")[0].replace("{group}", "{id}")
    url = path.format(email=portal["owner"]["email"], group=portal["group"]["id"])
    check(support_spec, portal.get(url), spec_path)


def test_people_by_id(support_spec, portal):
    check(support_spec, portal.get(f"people/{portal['user']['id']}"), "people/{userid}")


def test_authentication(support_spec, portal):
    check(support_spec, portal.login("owner"), "authentication")
    portal.enable_app()
    check(support_spec, portal.login("owner"), "authentication")


def test_the_conversion_keeps_the_checks_strict(tfa_spec):
    # The 3.6 spelling must fail against the 3.7 schema, or the tests above prove nothing.
    schema = response_schema(tfa_spec, "GET", "settings/tfaapp")
    item = {"id": "app", "title": "By authenticator app", "enabled": True, "avaliable": True}

    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"response": [item], "count": 1}, schema)
