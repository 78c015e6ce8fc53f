"""docspace_tfa_settings and docspace_tfa_info fed hostile input and a misbehaving portal.

Each play runs many cases as separate tasks with ignore_errors, so one ansible-playbook
run covers a group. Values that cannot be right are refused before the first request,
the modules never end in a Python exception, and no secret reaches the output.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from play_helpers import BIN, ROOT, ansible_env, connection_for, writes

pytestmark = pytest.mark.slow

SETTINGS = "onlyoffice.docspace.docspace_tfa_settings"
INFO = "onlyoffice.docspace.docspace_tfa_info"
POLICY = "settings/tfaapp$"
# What ansible-core prints when a module dies of an exception it did not handle.
CRASH = "Module failed"


def case(name, module, **options):
    return {"name": name, module: options, "ignore_errors": True}


def hidden(tmp_path, **values):
    """Extra-vars arguments that carry ``values`` without writing them into the playbook.

    ansible-core shows the source lines of a failed task, so a secret written in a task
    would reach the output through the test itself, not through the modules.
    """
    path = tmp_path / "hidden-vars.json"
    path.write_text(json.dumps(values))
    return ["-e", "@%s" % path]


def failure(result, name):
    """The message of the task called ``name``, which must have failed cleanly."""
    statuses = [entry["status"] for entry in result.results if entry["task"] == name]
    out = result.task(name)
    assert statuses == ["failed"], out
    assert CRASH not in out["msg"], out["msg"]
    return out["msg"]


def test_connection_values_http_cannot_carry_are_refused_before_any_request(
    run_play, fresh_emulator, tmp_path
):
    portal = fresh_emulator.portals[0]
    url, key = portal["url"], "{{ key }}"
    directory = str(ROOT / "tests")
    cases = {
        "key with a header after a line break": (
            {"url": url, "api_key": key + "\r\nX-Injected: 1"},
            ["api_key", "HTTP header"],
        ),
        "key in cyrillic": ({"url": url, "api_key": "sk-ключ"}, ["api_key", "HTTP header"]),
        "token with a line break": (
            {"url": url, "token": "session\r\nX-Injected: 1"},
            ["token", "HTTP header"],
        ),
        "host with a cyrillic o": (
            {"url": "https://d\u043ecspace.example.com", "api_key": key},
            ["ASCII", "https://xn--dcspace-9ig.example.com"],
        ),
        "url with a line break": (
            {"url": url + "\r\nX-Injected: 1", "api_key": key},
            ["spaces or control characters"],
        ),
        "url with a space inside": (
            {"url": url + "/my portal", "api_key": key},
            ["spaces or control characters"],
        ),
        "url with a password in it": (
            {"url": "{{ url_with_password }}", "api_key": key},
            ["user name or password", "api_key"],
        ),
        "timeout beyond any clock": (
            {"url": url, "api_key": key, "timeout": 10**30},
            ["timeout", "at most"],
        ),
        "ca_path that does not exist": (
            {"url": url, "api_key": key, "ca_path": "/nonexistent/ca.pem"},
            ["ca_path", "/nonexistent/ca.pem"],
        ),
        "ca_path that is a directory": (
            {"url": url, "api_key": key, "ca_path": directory},
            ["ca_path", directory],
        ),
    }
    # The checks are shared; the settings module runs a few of them to show it uses them.
    on_settings = ["key with a header after a line break", "host with a cyrillic o"]
    tasks = [case(name, INFO, **options) for name, (options, _words) in cases.items()]
    tasks += [
        case(name + " (settings)", SETTINGS, method="app", **cases[name][0]) for name in on_settings
    ]
    secret = portal["owner"]["api_key"]
    extra = hidden(tmp_path, key=secret, url_with_password=url.replace("://", "://bob:hunter2@"))
    fresh_emulator.clear_log()
    result = run_play(tasks, extra_args=extra)

    assert fresh_emulator.log() == []
    assert "Traceback" not in result.output
    for shown in [secret, secret[len("sk-") :], "hunter2"]:
        assert shown not in result.output
    for name, (_options, words) in cases.items():
        tasks = [name, name + " (settings)"] if name in on_settings else [name]
        for task in tasks:
            message = failure(result, task)
            for word in words:
                assert word in message, (task, message)


def test_keys_and_tokens_with_surrounding_whitespace_are_trimmed(run_play, fresh_emulator):
    # A vault value or a file read with a block scalar often ends in a line break.
    portal = fresh_emulator.portals[0]
    url, key = portal["url"], portal["owner"]["api_key"]
    tasks = [
        {"name": "newline", INFO: {"url": url, "api_key": key + "\n"}, "register": "a"},
        {"name": "padded", INFO: {"url": url, "api_key": "  %s\t" % key}, "register": "b"},
    ]
    result = run_play(tasks, extra_args=["-vvv"])
    assert result.rc == 0, result.output
    for name in ("newline", "padded"):
        assert result.task(name)["account"]["id"] == portal["owner"]["id"]
    assert key not in result.output
    assert [entry["status"] for entry in fresh_emulator.log()] == [200] * 4


def test_long_values_are_shortened_in_the_message(run_play, fresh_emulator):
    portal = fresh_emulator.portals[0]
    tasks = [
        case("long ip", SETTINGS, method="app", trusted_ips=["1" * 100000]),
        case("long ip range", SETTINGS, method="app", trusted_ips=["10.0.0.1-" + "2" * 5000]),
        case("long id", SETTINGS, method="app", mandatory_groups=["a" * 5000]),
        case("long user", SETTINGS, method="app", mandatory_users=["{%s}" % ("b" * 5000)]),
    ]
    fresh_emulator.clear_log()
    result = run_play(tasks, connection_for(portal))
    assert fresh_emulator.log() == []
    for name, option, length in (
        ("long ip", "trusted_ips", 100000),
        ("long ip range", "trusted_ips", 5009),
        ("long id", "mandatory_groups", 5000),
        ("long user", "mandatory_users", 5002),
    ):
        message = failure(result, name)
        assert message.startswith(option + ": "), message
        assert len(message) < 300, message
        assert "%d characters" % length in message, message


def test_a_misbehaving_portal_gets_a_message_that_says_what_to_do(run_play, fresh_emulator):
    portal = fresh_emulator.portals[0]
    https_url = portal["url"].replace("http://", "https://")
    moved = "https://docspace.example.com/api/2.0/settings/tfaapp"
    # Each fault answers one request, in order; each read task fails on its first request.
    for fault in (
        {"status": 301, "headers": {"Location": moved}, "body": ""},
        {"status": 200, "body": "null", "content_type": "application/json"},
        {"status": 200, "body": "{not json", "content_type": "application/json"},
    ):
        fresh_emulator.fault(method="GET", path=POLICY, portal=portal["name"], **fault)
    fresh_emulator.fault(method="PUT", path=POLICY, portal=portal["name"], drop=True)
    tasks = [
        case("redirect", INFO),
        case("json null", INFO),
        case("broken json", INFO),
        case("https to a plain http port", INFO, url=https_url),
        case("write dropped", SETTINGS, method="app"),
    ]
    result = run_play(tasks, connection_for(portal))
    assert "Traceback" not in result.output

    message = failure(result, "redirect")
    assert "answered 301" in message
    assert moved in message
    assert "url" in message

    assert "not a DocSpace API envelope" in failure(result, "json null")

    message = failure(result, "broken json")
    assert "not valid JSON" in message
    assert "a application/json" not in message

    message = failure(result, "https to a plain http port")
    assert "ca_path" not in message
    assert "http://" in message

    message = failure(result, "write dropped")
    assert "may have saved the policy" in message
    assert [(e["method"], e["path"]) for e in writes(fresh_emulator.log())] == [
        ("PUT", "/api/2.0/settings/tfaapp")
    ]


def test_a_write_that_times_out_says_it_may_have_landed(run_play, fresh_emulator):
    portal = fresh_emulator.portals[0]
    fresh_emulator.fault(method="PUT", path=POLICY, portal=portal["name"], delay=2.5)
    connection = dict(connection_for(portal), timeout=1)
    result = run_play([case("slow write", SETTINGS, method="app")], connection)
    message = failure(result, "slow write")
    assert "did not answer within 1 s" in message
    assert "may have saved the policy" in message


def test_failing_runs_keep_secrets_out_of_verbose_output(run_play, fresh_emulator, tmp_path):
    portal = fresh_emulator.portals[0]
    owner, admin = portal["owner"], portal["admin"]
    # A portal (or a proxy) that quotes the credential of the request back in its error.
    for method, path, secret in (
        ("GET", POLICY, owner["api_key"]),
        ("PUT", POLICY, owner["api_key"]),
        ("POST", "authentication$", admin["password"]),
    ):
        fresh_emulator.fault(
            method=method,
            path=path,
            portal=portal["name"],
            status=500,
            body=json.dumps({"error": {"message": "rejected %s for this call" % secret}}),
            content_type="application/json",
        )
    url = portal["url"]
    key = {"url": url, "api_key": "{{ key }}"}
    login = {"url": url, "username": admin["email"], "password": "{{ password }}"}
    wrong = {**login, "password": "Wrong-{{ password }}"}
    tasks = [
        case("read 500", INFO, **key),
        case("write 500", SETTINGS, method="app", **key),
        case("login 500", INFO, **login),
        case("wrong password", INFO, **wrong),
        case("newline key", INFO, url=url, api_key="{{ key }}\r\nX: 1"),
    ]
    extra = hidden(tmp_path, key=owner["api_key"], password=admin["password"])
    result = run_play(tasks, extra_args=["-vvv", *extra], diff=True)
    assert "Traceback" not in result.output
    assert "answered 500" in failure(result, "read 500")
    assert "answered 500" in failure(result, "write 500")
    assert "answered 500" in failure(result, "login 500")
    assert "answered 401" in failure(result, "wrong password")
    failure(result, "newline key")
    for secret in [owner["api_key"], admin["password"]]:
        assert secret not in result.output

    # The same through an ad-hoc command, the README's other way in.
    fresh_emulator.fault(
        method="GET",
        path=POLICY,
        portal=portal["name"],
        status=500,
        body="key %s refused" % owner["api_key"],
    )
    adhoc = subprocess.run(
        [
            str(BIN / "ansible"),
            "localhost",
            "-m",
            INFO,
            "-a",
            "url=%s api_key=%s" % (url, owner["api_key"]),
            "-vvv",
        ],
        env=ansible_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    output = adhoc.stdout + adhoc.stderr
    assert adhoc.returncode != 0
    assert "answered 500" in output
    assert "Traceback" not in output
    assert owner["api_key"] not in output


def test_check_mode_with_a_password_sends_only_the_login_and_matches_the_real_run(
    run_play, fresh_emulator
):
    portal = fresh_emulator.portals[0]
    connection = connection_for(portal, "owner", auth="password")
    tasks = [
        {
            "name": "policy",
            SETTINGS: {
                "method": "app",
                # The emulator's clients come from loopback: exempt, so logins stay open.
                "trusted_ips": ["127.0.0.0/8"],
                "mandatory_groups": [portal["group"]["id"]],
            },
        },
        {"name": "info", INFO: {}},
    ]
    fresh_emulator.clear_log()
    check = run_play(tasks, connection, check=True, diff=True)
    assert check.rc == 0, check.output
    sent = {(e["method"], e["path"]) for e in writes(fresh_emulator.log())}
    assert sent <= {("POST", "/api/2.0/authentication"), ("POST", "/api/2.0/authentication/logout")}

    real = run_play(tasks, connection)
    assert real.rc == 0, real.output
    assert [check.task(n)["changed"] for n in ("policy", "info")] == [True, False]
    assert [real.task(n)["changed"] for n in ("policy", "info")] == [True, False]
