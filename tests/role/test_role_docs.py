"""What a security engineer reads and copies for the role: its README, ansible-doc, the
fleet example inventory and the AWX files."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
import yaml
from play_helpers import BIN, ROOT, ansible_env
from role_helpers import FLEET, ROLE

SPEC = yaml.safe_load((ROLE / "meta" / "argument_specs.yml").read_text())["argument_specs"]["main"]
OPTIONS = SPEC["options"]
DEFAULTS = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
ROW = re.compile(
    r"^\| `(?P<name>[a-z_]+)` \| (?P<type>[^|]+) \| (?P<default>[^|]+) \| (?P<text>.+) \|$"
)


def readme_rows():
    rows = {}
    for line in (ROLE / "README.md").read_text().splitlines():
        match = ROW.match(line)
        if match and (match["name"].startswith(("tfa_baseline_", "docspace_"))):
            assert match["name"] not in rows, "%s is in the README twice" % match["name"]
            rows[match["name"]] = match
    return rows


def test_the_readme_table_lists_every_variable_of_the_argument_spec():
    assert sorted(readme_rows()) == sorted(OPTIONS)


@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_each_readme_row_agrees_with_the_argument_spec(name):
    row, option = readme_rows()[name], OPTIONS[name]
    kind = row["type"].strip()
    if option["type"] == "list":
        assert kind == "list of %s" % option["elements"]
    elif "choices" in option:
        assert kind == "%s: %s" % (option["type"], ", ".join("`%s`" % c for c in option["choices"]))
    else:
        assert kind == option["type"]
    default = row["default"].strip()
    if "default" in option:
        value = option["default"]
        shown = value if isinstance(value, str) and value else json.dumps(value)
        assert default == "`%s`" % shown, name
    else:
        assert default == "not set"


@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_the_argument_spec_defaults_are_the_role_defaults(name):
    option = OPTIONS[name]
    if name.startswith("tfa_baseline_"):
        assert option["default"] == DEFAULTS[name]
    else:
        assert "default" not in option and name not in DEFAULTS
    assert option["description"], name


def test_every_role_default_is_in_the_argument_spec():
    assert set(DEFAULTS) <= set(OPTIONS)


@pytest.mark.slow
def test_ansible_doc_renders_the_role():
    completed = subprocess.run(
        [str(BIN / "ansible-doc"), "-t", "role", "onlyoffice.docspace.tfa_baseline"],
        env=ansible_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    for name in OPTIONS:
        assert name in completed.stdout
    assert "[WARNING]" not in completed.stderr


@pytest.mark.slow
def test_the_example_inventory_has_one_local_host_per_portal():
    completed = subprocess.run(
        [str(BIN / "ansible-inventory"), "-i", str(FLEET / "inventory"), "--list"],
        env=ansible_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    inventory = json.loads(completed.stdout)
    hosts = inventory["docspace_portals"]["hosts"]
    assert len(hosts) >= 3
    for host in hosts:
        variables = inventory["_meta"]["hostvars"][host]
        assert variables["ansible_connection"] == "local"
        assert variables["docspace_url"].startswith("https://")
        assert variables["tfa_baseline_method"] == "app"
        ways = [k for k in ("docspace_api_key", "docspace_username") if k in variables]
        assert len(ways) == 1, host


AWX = ROOT / "docs" / "awx"
CREDENTIAL = yaml.safe_load((AWX / "credential_type.yml").read_text())
ENV_NAMES = [
    "DOCSPACE_URL",
    "DOCSPACE_API_KEY",
    "DOCSPACE_USERNAME",
    "DOCSPACE_PASSWORD",
    "DOCSPACE_TOTP_SECRET",
    "DOCSPACE_VALIDATE_CERTS",
    "DOCSPACE_CA_PATH",
]


def test_the_credential_type_injects_every_docspace_variable():
    injected = CREDENTIAL["injectors"]["env"]
    assert sorted(injected) == sorted(ENV_NAMES)
    fields = {field["id"]: field for field in CREDENTIAL["inputs"]["fields"]}
    used = set()
    for template in [*injected.values(), *CREDENTIAL["injectors"]["file"].values()]:
        used |= set(re.findall(r"\{\{\s*([a-z_]+)\s*\}\}", template))
        used |= set(re.findall(r"\{%\s*if\s+([a-z_]+)\s*%\}", template))
    assert used == set(fields), "every input is injected and nothing else is"
    assert CREDENTIAL["inputs"]["required"] == ["url"]
    for secret in ("api_key", "password", "totp_secret"):
        assert fields[secret].get("secret") is True, secret
    file_key = next(iter(CREDENTIAL["injectors"]["file"])).split(".", 1)[1]
    assert "tower.filename.%s" % file_key in injected["DOCSPACE_CA_PATH"]


def test_the_environment_names_are_the_ones_the_modules_read():
    from ansible_collections.onlyoffice.docspace.plugins.module_utils._connection import (
        ENV_NAMES as READ,
    )

    assert set(ENV_NAMES) <= set(READ.values())


@pytest.mark.parametrize("document", [ROLE / "README.md", AWX / "README.md"], ids=["role", "awx"])
def test_relative_links_lead_to_files(document):
    for target in re.findall(r"\]\((?!https?://)([^)#]+)", document.read_text()):
        assert (document.parent / target).exists(), target
