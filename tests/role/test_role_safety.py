"""The tfa_baseline role's safety rules, each against emulator portals.

Every run here is a real ansible-playbook run of the role on a small fleet; the emulator's
request log shows what reached each portal.
"""

from __future__ import annotations

import pytest
from role_helpers import (
    SETTINGS_TASK,
    app_policy,
    by_portal,
    policy_puts,
    recap,
    role_playbook,
    run_fleet,
    set_policy,
    summary,
    write_fleet,
    writes,
)

pytestmark = pytest.mark.slow

ENFORCE = {"tfa_baseline_mode": "enforce"}


def requests_of(log, name):
    return [(entry["method"], entry["path"]) for entry in log if entry["portal"] == name]


def test_method_none_needs_the_switch(fleet, tmp_path):
    portals = fleet.portals[:2]
    for portal in portals:
        set_policy(portal, {"type": 2})
    inventory = write_fleet(
        tmp_path,
        portals,
        group_vars={"tfa_baseline_method": "none", "tfa_baseline_trusted_ips": []},
    )
    fleet.clear_log()

    refused = run_fleet(inventory, role_playbook(tmp_path), ENFORCE)

    assert refused.rc != 0
    for entry in summary(refused)["portals"]:
        assert entry["status"] == "failed"
        assert "tfa_baseline_allow_disable: true" in entry["error"]
    assert fleet.log() == [], "the role sent a request before refusing"
    assert all(app_policy(fleet, p["name"])["enable"] for p in portals)

    allowed = run_fleet(
        inventory, role_playbook(tmp_path), dict(ENFORCE, tfa_baseline_allow_disable=True)
    )

    assert allowed.rc == 0, allowed.output
    assert summary(allowed)["totals"]["changed"] == 2
    assert policy_puts(fleet.log()) == {p["name"]: 1 for p in portals}
    assert not any(app_policy(fleet, p["name"])["enable"] for p in portals)


def test_a_bad_value_stops_its_portal_before_any_request(fleet, tmp_path):
    portals = fleet.portals[:3]
    bad = portals[1]["name"]
    hostvars = {
        bad: {
            "tfa_baseline_trusted_ips": ["192.0.2.0/24", "10.0.0.1/8"],
            "tfa_baseline_mandatory_user_emails": ["not an address"],
        }
    }
    inventory = write_fleet(tmp_path, portals, hostvars=hostvars)
    fleet.clear_log()

    result = run_fleet(inventory, role_playbook(tmp_path), ENFORCE)

    assert result.rc != 0
    entry = by_portal(summary(result))[bad]
    assert entry["status"] == "failed"
    assert '"10.0.0.1/8" has host bits set' in entry["error"]
    assert '"not an address"' in entry["error"]
    assert requests_of(fleet.log(), bad) == []
    assert summary(result)["totals"]["changed"] == 2


def test_check_mode_is_an_audit(fleet, tmp_path):
    portals = fleet.portals[:3]
    inventory = write_fleet(tmp_path, portals)
    fleet.clear_log()

    result = run_fleet(inventory, role_playbook(tmp_path), ENFORCE, check=True)

    assert result.rc == 0, result.output
    published = summary(result)
    assert published["mode"] == "audit"
    assert published["totals"]["drifted"] == 3
    assert writes(fleet.log()) == []
    # The audit's report is written in check mode too.
    assert (tmp_path / "reports" / "tfa-baseline-audit.json").exists()


def test_token_and_password_runs_are_warned_and_the_policy_is_their_last_request(fleet, tmp_path):
    token, password = fleet.portals[0], fleet.portals[1]
    logins = {token["name"]: ("owner", "token"), password["name"]: ("admin", "password")}
    inventory = write_fleet(tmp_path, [token, password], logins=logins)
    fleet.clear_log()

    result = run_fleet(inventory, role_playbook(tmp_path), ENFORCE)

    assert result.rc == 0, result.output
    published = by_portal(summary(result))
    assert published[token["name"]]["status"] == "changed"
    assert published[password["name"]]["status"] == "changed"
    token_warnings = " ".join(published[token["name"]]["warnings"])
    assert "with a token" in token_warnings and "use docspace_api_key" in token_warnings
    password_warnings = " ".join(published[password["name"]]["warnings"])
    assert "with a password" in password_warnings
    assert "no docspace_totp_secret" in password_warnings

    # The warning comes before the write, and the write is the role's last request: after
    # the PUT a portal sees only the module's own check of what it wrote.
    order = [entry["task"] for entry in result.results]
    warned = order.index(
        "Check that the account this run logs in as can log in again after the change"
    )
    assert warned < order.index(SETTINGS_TASK)
    log = fleet.log()
    for portal in (token, password):
        seen = requests_of(log, portal["name"])
        after = seen[seen.index(("PUT", "/api/2.0/settings/tfaapp")) + 1 :]
        assert set(after) <= {
            ("GET", "/api/2.0/settings/tfaapp"),
            ("POST", "/api/2.0/authentication"),
            ("POST", "/api/2.0/authentication/logout"),
        }, seen


def test_the_role_will_not_make_its_own_password_account_mandatory_without_a_code(fleet, tmp_path):
    by_email, by_group, with_secret, by_id = fleet.portals[:4]
    # The id as a person might paste it: braces, upper case, no hyphens.
    pasted = "{%s}" % by_id["admin"]["id"].replace("-", "").upper()
    hostvars = {
        by_email["name"]: {"tfa_baseline_mandatory_user_emails": [by_email["admin"]["email"]]},
        by_id["name"]: {"tfa_baseline_mandatory_users": [pasted]},
        by_group["name"]: {"tfa_baseline_mandatory_group_names": [by_group["group"]["name"]]},
        with_secret["name"]: {
            "tfa_baseline_mandatory_user_emails": [with_secret["admin"]["email"]],
            "docspace_totp_secret": "JBSWY3DPEHPK3PXP",
        },
    }
    # The seeded group's only member is the portal's plain user.
    logins = {by_group["name"]: ("user", "password")}
    inventory = write_fleet(
        tmp_path,
        [by_email, by_group, with_secret, by_id],
        hostvars=hostvars,
        account="admin",
        auth="password",
        logins=logins,
    )
    fleet.clear_log()

    result = run_fleet(inventory, role_playbook(tmp_path), ENFORCE)

    published = by_portal(summary(result))
    for refused in (by_email, by_group, by_id):
        entry = published[refused["name"]]
        assert entry["status"] == "failed", entry
        assert "mandatory for TFA" in entry["error"]
        assert "docspace_totp_secret" in entry["error"]
        assert writes(fleet.log(), refused["name"]) == []
    assert by_email["admin"]["email"] in published[by_email["name"]]["error"]
    # With a TOTP secret configured, making the account mandatory is the user's call.
    assert published[with_secret["name"]]["status"] == "changed", published[with_secret["name"]]
    stored = app_policy(fleet, with_secret["name"])
    assert stored["mandatoryUsers"] == [with_secret["admin"]["id"]]


def test_names_resolve_per_portal_and_an_unknown_name_fails_its_portal(fleet, tmp_path):
    good, unknown = fleet.portals[:2]
    hostvars = {
        good["name"]: {
            "tfa_baseline_mandatory_user_emails": [good["user"]["email"].upper()],
            "tfa_baseline_mandatory_group_names": [good["group"]["name"].lower()],
        },
        unknown["name"]: {
            "tfa_baseline_mandatory_user_emails": ["nobody@example.com"],
            "tfa_baseline_mandatory_group_names": ["No Such Team"],
        },
    }
    inventory = write_fleet(tmp_path, [good, unknown], hostvars=hostvars)
    fleet.clear_log()

    result = run_fleet(inventory, role_playbook(tmp_path), ENFORCE)

    published = by_portal(summary(result))
    assert published[good["name"]]["status"] == "changed"
    stored = app_policy(fleet, good["name"])
    assert stored["mandatoryUsers"] == [good["user"]["id"]]
    assert stored["mandatoryGroups"] == [good["group"]["id"]]
    failed = published[unknown["name"]]
    assert failed["status"] == "failed"
    assert "'nobody@example.com'" in failed["error"] and "'No Such Team'" in failed["error"]
    assert writes(fleet.log(), unknown["name"]) == []
    assert recap(result)[unknown["name"]]["failed"] == 1


def test_only_the_owner_may_be_made_mandatory_by_the_owner(fleet, tmp_path):
    portal = fleet.portals[0]
    hostvars = {portal["name"]: {"tfa_baseline_mandatory_users": [portal["owner"]["id"]]}}
    inventory = write_fleet(tmp_path, [portal], hostvars=hostvars, account="admin")
    fleet.clear_log()

    result = run_fleet(inventory, role_playbook(tmp_path), ENFORCE)

    entry = by_portal(summary(result))[portal["name"]]
    assert entry["status"] == "failed"
    assert "portal owner" in entry["error"]
    assert writes(fleet.log()) == []


@pytest.mark.parametrize("mode", ["audit", "enforce"])
def test_a_report_directory_that_cannot_be_written_stops_the_run_before_any_request(
    fleet, tmp_path, mode
):
    portals = fleet.portals[:2]
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory\n")
    inventory = write_fleet(
        tmp_path, portals, group_vars={"tfa_baseline_report_dir": str(blocked / "reports")}
    )
    fleet.clear_log()
    result = run_fleet(inventory, role_playbook(tmp_path), {"tfa_baseline_mode": mode})
    assert result.rc != 0
    assert fleet.log() == []
    assert "tfa_baseline_report_dir: %s/reports is not a directory" % blocked in result.output
    assert "no portal was read or changed" in result.output


def test_an_existing_report_directory_keeps_its_mode(fleet, tmp_path):
    reports = tmp_path / "shared-reports"
    reports.mkdir()
    reports.chmod(0o1777)
    inventory = write_fleet(
        tmp_path, fleet.portals[:1], group_vars={"tfa_baseline_report_dir": str(reports)}
    )
    for check in (True, False):
        result = run_fleet(inventory, role_playbook(tmp_path), ENFORCE, check=check)
        assert result.rc == 0, result.output[-2000:]
        assert reports.stat().st_mode & 0o7777 == 0o1777
    assert sorted(path.name for path in reports.iterdir()) == [
        "tfa-baseline-audit.json",
        "tfa-baseline-audit.md",
        "tfa-baseline-enforce.json",
        "tfa-baseline-enforce.md",
    ]


def test_an_empty_host_variable_leaves_the_environment_variable_in_force(fleet, tmp_path):
    portal = fleet.portals[0]
    inventory = write_fleet(
        tmp_path,
        [portal],
        hostvars={portal["name"]: {"docspace_url": "", "docspace_api_key": ""}},
    )
    result = run_fleet(
        inventory,
        role_playbook(tmp_path),
        ENFORCE,
        env={"DOCSPACE_URL": portal["url"], "DOCSPACE_API_KEY": portal["owner"]["api_key"]},
    )
    assert result.rc == 0, result.output[-2000:]
    assert by_portal(summary(result))[portal["name"]]["status"] == "changed"
    assert policy_puts(fleet.log()) == {portal["name"]: 1}


def test_hosts_that_name_one_portal_are_refused_before_any_request(fleet, tmp_path):
    shared, alone = fleet.portals[:2]
    inventory = write_fleet(
        tmp_path,
        [shared, alone],
        hostvars={alone["name"]: {"docspace_url": shared["url"] + "/"}},
    )
    fleet.clear_log()
    result = run_fleet(inventory, role_playbook(tmp_path), ENFORCE)
    published = by_portal(summary(result))
    names = sorted([shared["name"], alone["name"]])
    assert {published[name]["status"] for name in names} == {"failed"}
    for name in names:
        assert "%s name the same portal" % ", ".join(names) in published[name]["error"]
    assert fleet.log() == []
