# Copyright: Contributors to the onlyoffice.docspace collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

import os
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.onlyoffice.docspace.plugins.filter import totp as totp_plugin
from ansible_collections.onlyoffice.docspace.plugins.filter.totp import FilterModule
from ansible_collections.onlyoffice.docspace.plugins.module_utils._totp import totp

ROOT = Path(__file__).resolve().parents[4]
COLLECTIONS = ROOT / ".build" / "collections"
DOC_FILE = Path(totp_plugin.__file__).with_name("totp.yml")

# Checked against `openssl dgst -sha1 -mac HMAC` with the decoded key.
EXAMPLE_SECRET = "JBSWY3DPEHPK3PXP"
EXAMPLE_TIME = 1700000000
EXAMPLE_CODE = "324550"
# A time whose code has two leading zeros.
ZERO_TIME = 1700002920
ZERO_CODE = "000994"

BAD_SECRET = "GEZDGNBVGY3TQOJ1"


@pytest.fixture
def totp_filter():
    return FilterModule().filters()["totp"]


def test_filter_is_registered_under_its_short_name():
    filters = FilterModule().filters()
    assert set(filters) == {"totp"}
    assert callable(filters["totp"])


@pytest.mark.parametrize(
    "spelling",
    [
        EXAMPLE_SECRET,
        EXAMPLE_SECRET.lower(),
        "JBSW Y3DP EHPK 3PXP",
        "jbsw-y3dp-ehpk-3pxp",
        EXAMPLE_SECRET + "====",
        "jbswy3dpehpk3pxp====",
    ],
)
def test_filter_accepts_every_spelling(totp_filter, spelling):
    assert totp_filter(spelling, for_time=EXAMPLE_TIME) == EXAMPLE_CODE


@pytest.mark.parametrize(
    "for_time", [EXAMPLE_TIME, EXAMPLE_TIME + 0.5, str(EXAMPLE_TIME), " %d.25 " % EXAMPLE_TIME]
)
def test_filter_takes_the_time_as_a_number_or_a_numeric_string(totp_filter, for_time):
    assert totp_filter(EXAMPLE_SECRET, for_time=for_time) == EXAMPLE_CODE


def test_filter_keeps_leading_zeros(totp_filter):
    code = totp_filter(EXAMPLE_SECRET, for_time=ZERO_TIME)
    assert code == ZERO_CODE
    assert isinstance(code, str)


def test_filter_defaults_to_now(totp_filter):
    # Straddling a step boundary would make the two calls disagree; retry once if so.
    for _attempt in range(2):
        expected = totp(EXAMPLE_SECRET)
        if totp_filter(EXAMPLE_SECRET) == expected:
            break
    else:
        pytest.fail("the filter's default time is not the current time")


def _assert_clean_filter_error(exc_info, secret):
    message = str(exc_info.value)
    assert message.startswith("onlyoffice.docspace.totp: ")
    if secret:
        assert secret not in message
        assert secret.lower() not in message
    # Nothing chained, so no traceback carries the original exception or its arguments.
    assert exc_info.value.__cause__ is None
    assert exc_info.value.__suppress_context__


@pytest.mark.parametrize(
    ("secret", "reason"),
    [
        ("", "empty"),
        (BAD_SECRET, "not base32"),
        (BAD_SECRET.lower(), "not base32"),
        ("GEZDGNBVGY3TQOJQG", "17 base32 characters"),
        ("GEZDGNBV", "5 bytes long"),
        (None, "must be a base32 string"),
        (12345678, "must be a base32 string"),
    ],
)
def test_filter_refuses_bad_secrets_without_echoing_them(totp_filter, secret, reason):
    with pytest.raises(AnsibleFilterError) as exc_info:
        totp_filter(secret, for_time=EXAMPLE_TIME)
    assert reason in str(exc_info.value)
    _assert_clean_filter_error(exc_info, secret if isinstance(secret, str) else None)


@pytest.mark.parametrize("for_time", ["yesterday", "", -5, True, [EXAMPLE_TIME]])
def test_filter_refuses_bad_times_without_echoing_the_secret(totp_filter, for_time):
    with pytest.raises(AnsibleFilterError, match="time") as exc_info:
        totp_filter(EXAMPLE_SECRET, for_time=for_time)
    _assert_clean_filter_error(exc_info, EXAMPLE_SECRET)


def test_filter_lets_a_strict_undefined_report_itself(totp_filter):
    undefined = jinja2.StrictUndefined(name="robot_totp_secret")
    with pytest.raises(jinja2.UndefinedError, match="robot_totp_secret"):
        totp_filter(undefined)


def test_documentation_names_the_filter_and_its_options():
    doc = yaml.safe_load(DOC_FILE.read_text(encoding="utf-8"))
    documentation = doc["DOCUMENTATION"]
    assert documentation["name"] == "totp"
    assert str(documentation["version_added"]) == "0.1.0"
    assert documentation["positional"] == "_input"
    assert set(documentation["options"]) == {"_input", "for_time"}
    assert doc["RETURN"]["_value"]["type"] == "str"
    assert any("sensitive" in note for note in documentation["notes"])
    assert any("promptly" in note for note in documentation["notes"])


# The rest runs the real command-line tools against the collection in .build/collections.


def _tool(name):
    # The interpreter's own tools first, so a run under another ansible-core uses its CLI.
    for directory in (Path(sys.executable).parent, ROOT / ".venv" / "bin"):
        if (directory / name).exists():
            return str(directory / name)
    pytest.fail("%s is not installed; run `make venv`" % name)


def _run(tmp_path, *argv):
    if not (COLLECTIONS / "ansible_collections" / "onlyoffice" / "docspace").exists():
        pytest.fail("the collection is not linked into %s; run `make collection`" % COLLECTIONS)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS),
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
    )
    # The command line is fixed by each test, never taken from outside input.
    return subprocess.run(
        [_tool(argv[0]), *argv[1:]],
        cwd=str(tmp_path),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_ad_hoc_run_computes_the_code(tmp_path):
    result = _run(
        tmp_path,
        "ansible",
        "localhost",
        "-m",
        "ansible.builtin.debug",
        "-a",
        "msg={{ 'JBSWY3DPEHPK3PXP' | onlyoffice.docspace.totp(for_time=1700000000) }}",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"msg": "324550"' in result.stdout


@pytest.mark.slow
def test_ansible_doc_renders_the_filter(tmp_path):
    result = _run(tmp_path, "ansible-doc", "-t", "filter", "onlyoffice.docspace.totp")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ERROR" not in result.stderr
    for text in ("for_time", "_input", "sensitive", "promptly", "RETURN VALUES"):
        assert text in result.stdout


@pytest.mark.slow
def test_documented_assertions_hold_and_vaulted_secrets_work(tmp_path):
    examples = yaml.safe_load(yaml.safe_load(DOC_FILE.read_text(encoding="utf-8"))["EXAMPLES"])
    asserts = [task for task in examples if "ansible.builtin.assert" in task]
    assert asserts, "the EXAMPLES have no assert task to run"

    password_file = tmp_path / "vault-password"
    password_file.write_text("test-only-password\n")
    encrypted = _run(
        tmp_path,
        "ansible-vault",
        "encrypt_string",
        "--vault-password-file",
        str(password_file),
        "--name",
        "vaulted_secret",
        "jbsw y3dp ehpk 3pxp",
    )
    assert encrypted.returncode == 0, encrypted.stderr
    (tmp_path / "vault.yml").write_text(encrypted.stdout)

    vault_check = {
        "name": "A vaulted secret is decrypted before the filter sees it",
        "ansible.builtin.assert": {
            "that": [
                "vaulted_secret | onlyoffice.docspace.totp(for_time=%d) == '%s'"
                % (ZERO_TIME, ZERO_CODE)
            ]
        },
    }
    play = [
        {
            "hosts": "localhost",
            "gather_facts": False,
            "vars_files": ["vault.yml"],
            "tasks": [*asserts, vault_check],
        }
    ]
    (tmp_path / "play.yml").write_text(yaml.safe_dump(play, sort_keys=False))
    result = _run(
        tmp_path, "ansible-playbook", "--vault-password-file", str(password_file), "play.yml"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok=%d" % (len(asserts) + 1) in result.stdout


@pytest.mark.slow
def test_failure_at_high_verbosity_does_not_show_the_secret(tmp_path):
    # The secret lives in a separate file, so Ansible's snippet of the failing task cannot
    # show it; anything that does show it came from the filter.
    (tmp_path / "secrets.yml").write_text("robot_totp_secret: %s\n" % BAD_SECRET.lower())
    play = [
        {
            "hosts": "localhost",
            "gather_facts": False,
            "tasks": [
                {
                    "name": "Compute a code from a broken secret",
                    "ansible.builtin.debug": {
                        "msg": "{{ robot_totp_secret | onlyoffice.docspace.totp }}"
                    },
                }
            ],
        }
    ]
    (tmp_path / "play.yml").write_text(yaml.safe_dump(play, sort_keys=False))
    result = _run(tmp_path, "ansible-playbook", "-vvvv", "-e", "@secrets.yml", "play.yml")
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "not base32" in output
    assert BAD_SECRET not in output.upper()
