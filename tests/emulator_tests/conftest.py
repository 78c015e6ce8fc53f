"""Helpers for the emulator's own tests: a small ``requests`` client per portal.

The client speaks to the emulator exactly as any DocSpace client would, so these tests
check the emulator's HTTP behaviour rather than its internals.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
import requests

from docspace_emulator import totp


@dataclass
class Linked:
    """An account with an authenticator app linked: its secret and backup codes."""

    manual_entry_key: str
    key: bytes
    codes: list


class PortalClient:
    def __init__(self, emulator, info: dict):
        self.emulator = emulator
        self.info = info
        self.name = info["name"]
        self.url = info["url"]
        self.api = info["url"] + "/api/2.0/"
        self.verify = emulator.ca_file or True

    def __getitem__(self, role: str) -> dict:
        return self.info[role]

    def request(self, method, path, role=None, token=None, headers=None, **kwargs):
        """One API call. ``role`` authenticates with that account's API key, ``token``
        sends a raw Authorization value; neither means anonymous."""
        headers = dict(headers or {})
        if role:
            headers["Authorization"] = "Bearer " + self.info[role]["api_key"]
        if token:
            headers["Authorization"] = token
        timeout = kwargs.pop("timeout", 30)
        return requests.request(
            method, self.api + path, headers=headers, verify=self.verify, timeout=timeout, **kwargs
        )

    def get(self, path, role="owner", **kwargs):
        return self.request("GET", path, role=role, **kwargs)

    def put(self, path, body=None, role="owner", **kwargs):
        return self.request("PUT", path, role=role, json=body, **kwargs)

    def post(self, path, body=None, role="owner", **kwargs):
        return self.request("POST", path, role=role, json=body, **kwargs)

    # Authentication -------------------------------------------------------------

    def login(self, role: str, **kwargs):
        account = self.info[role]
        body = {"userName": account["email"], "password": account["password"]}
        return self.request("POST", "authentication", json=body, **kwargs)

    def token(self, role: str) -> str:
        answer = self.login(role)
        assert answer.status_code == 200, answer.text
        response = answer.json()["response"]
        assert "token" in response, response
        return response["token"]

    # Policy and linking -------------------------------------------------------------

    def policy(self, role="owner") -> dict:
        answer = self.get("settings/tfaapp", role=role)
        assert answer.status_code == 200, answer.text
        return {item["id"]: item for item in answer.json()["response"]}

    def set_policy(self, role="owner", **body):
        return self.put("settings/tfaapp", body, role=role)

    def enable_app(self, **lists) -> None:
        answer = self.set_policy(type="App", **lists)
        assert answer.status_code == 200, answer.text
        assert answer.json()["response"] is True

    def confirm_header(self, role: str, confirm_type: str, key: str | None = None) -> dict:
        value = f"type={confirm_type}&uid={self.info[role]['id']}"
        if key:
            value += f"&key={key}"
        return {"confirm": value}

    def confirm_key(self, role: str) -> tuple:
        """(type, key) from GET tfaapp/confirm, the way the web client gets them."""
        answer = self.get("settings/tfaapp/confirm", role=role)
        assert answer.status_code == 200, answer.text
        data = answer.json()["response"]
        return data["cookieName"].replace("asc_confirm_key_", ""), data["cookieValue"]

    def setup(self, role: str) -> dict:
        confirm_type, key = self.confirm_key(role)
        assert confirm_type == "TfaActivation"
        answer = self.request(
            "GET", "settings/tfaapp/setup", headers=self.confirm_header(role, confirm_type, key)
        )
        assert answer.status_code == 200, answer.text
        return answer.json()["response"]

    def validate(self, role: str, code: str, confirm_type=None, key=None, **kwargs):
        if key is None:
            confirm_type, key = self.confirm_key(role)
        headers = self.confirm_header(role, confirm_type, key)
        return self.request(
            "POST", "settings/tfaapp/validate", headers=headers, json={"code": code}, **kwargs
        )

    def code(self, key: bytes, offset_steps: int = 0) -> str:
        """The TOTP code for the emulator's clock, ``offset_steps`` steps away."""
        return totp.totp(key, self.emulator.now() + offset_steps * totp.STEP)

    def move_clock_to(self, moment: float) -> None:
        """Shift the emulator's clock so that it reads ``moment`` now."""
        self.emulator.clock(moment - time.time())

    def link(self, role: str) -> Linked:
        """Link an authenticator app to ``role`` (the app policy must be on)."""
        setup = self.setup(role)
        key = totp.key_from_manual_entry(setup["manualEntryKey"])
        answer = self.validate(role, self.code(key))
        assert answer.status_code == 200, answer.text
        assert answer.json()["response"] is True
        codes = self.get("settings/tfaappcodes", role=role).json()["response"]
        return Linked(setup["manualEntryKey"], key, [item["code"] for item in codes])

    def state(self) -> dict:
        return self.emulator.state(self.name)


@pytest.fixture
def portal(fresh_emulator) -> PortalClient:
    """The first portal of the freshly reset session emulator."""
    return PortalClient(fresh_emulator, fresh_emulator.portals[0])


@pytest.fixture
def second_portal(fresh_emulator) -> PortalClient:
    return PortalClient(fresh_emulator, fresh_emulator.portals[1])


@pytest.fixture
def client_for():
    """Wrap any Emulator's portal in a PortalClient: ``client_for(emulator, 0)``."""

    def wrap(emulator, index=0) -> PortalClient:
        return PortalClient(emulator, emulator.portals[index])

    return wrap
