"""Every module and state as a scenario: how to prepare a portal, and the task's options.

``prepare`` runs the modules themselves (faults cleared) to reach the starting state, so
the scenarios depend on nothing but the emulator's seeded accounts.
"""

from __future__ import annotations

from harness import run_module


def _tls(portal):
    return {"ca_path": portal["ca_path"]} if portal.get("ca_path") else {}


def key(portal, account="owner"):
    return {"url": portal["url"], "api_key": portal[account]["api_key"], **_tls(portal)}


def password(portal, account="owner"):
    person = portal[account]
    return {
        "url": portal["url"],
        "username": person["email"],
        "password": person["password"],
        **_tls(portal),
    }


def _must(outcome):
    assert outcome.crash is None and not outcome.failed, (outcome.crash, outcome.result)
    return outcome.result


def policy_app(portal):
    _must(run_module("docspace_tfa_settings", dict(key(portal), method="app")))


def policy_app_linked(portal):
    policy_app(portal)
    _must(run_module("docspace_tfa_app", dict(key(portal), state="present")))


def nothing(portal):
    return None


class Scenario:
    def __init__(self, name, module, prepare, options, auth="api_key"):
        self.name = name
        self.module = module
        self.prepare = prepare
        self.options = options
        self.auth = auth

    def args(self, portal, **extra):
        connection = key(portal) if self.auth == "api_key" else password(portal)
        return {**connection, **self.options(portal), **extra}

    def __repr__(self):
        return self.name


SCENARIOS = [
    Scenario(
        "settings-change",
        "docspace_tfa_settings",
        nothing,
        lambda p: {"method": "app", "trusted_ips": ["10.0.0.0/8"]},
    ),
    Scenario(
        "settings-change-password",
        "docspace_tfa_settings",
        nothing,
        lambda p: {"method": "app", "trusted_ips": ["10.0.0.0/8"]},
        auth="password",
    ),
    Scenario(
        "settings-no-change", "docspace_tfa_settings", policy_app, lambda p: {"method": "app"}
    ),
    Scenario(
        "settings-confirm-url",
        "docspace_tfa_settings",
        nothing,
        lambda p: {"method": "app", "confirm_url": True},
    ),
    Scenario("info", "docspace_tfa_info", policy_app_linked, lambda p: {}),
    Scenario(
        "info-password",
        "docspace_tfa_info",
        nothing,
        lambda p: {"resolve_users": [p["user"]["email"]], "resolve_groups": [p["group"]["name"]]},
        auth="password",
    ),
    Scenario("codes-present", "docspace_tfa_codes", policy_app_linked, lambda p: {"min_unused": 5}),
    Scenario(
        "codes-regenerated",
        "docspace_tfa_codes",
        policy_app_linked,
        lambda p: {"state": "regenerated"},
    ),
    Scenario("app-present", "docspace_tfa_app", policy_app, lambda p: {"state": "present"}),
    Scenario("app-setup", "docspace_tfa_app", policy_app, lambda p: {"state": "setup"}),
    Scenario("app-absent", "docspace_tfa_app", policy_app_linked, lambda p: {"state": "absent"}),
    Scenario(
        "app-absent-other",
        "docspace_tfa_app",
        policy_app_linked,
        lambda p: {"state": "absent", "user_id": p["owner"]["id"]},
    ),
]
