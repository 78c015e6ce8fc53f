"""The serve script: flags, the JSON line, TLS, signals and clean-up."""

from __future__ import annotations

import json
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from docspace_emulator.control import SERVE

ACCOUNT_KEYS = {"email", "password", "api_key", "id"}


def launch(*flags):
    process = subprocess.Popen(
        [str(SERVE), *flags], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    return process, json.loads(process.stdout.readline())


def finish(process, signum=signal.SIGTERM) -> int:
    process.send_signal(signum)
    try:
        return process.wait(10)
    finally:
        process.stdout.close()
        process.stderr.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_first_line_is_the_contract_json_with_defaults():
    process, info = launch("--port", "0")
    try:
        assert set(info) == {"base_url", "ca_file", "profile", "portals"}
        assert info["base_url"].startswith("http://127.0.0.1:")
        assert info["ca_file"] is None
        assert info["profile"] == "3.7"
        assert len(info["portals"]) == 3
        portal = info["portals"][0]
        assert set(portal) == {"name", "url", "owner", "admin", "user", "group"}
        assert portal["url"] == info["base_url"] + "/portal001"
        for role in ("owner", "admin", "user"):
            assert set(portal[role]) == ACCOUNT_KEYS
        assert set(portal["group"]) == {"id", "name"}
    finally:
        assert finish(process) == 0


def test_an_explicit_port_is_used():
    port = free_port()
    process, info = launch("--port", str(port), "--portals", "1")
    try:
        assert info["base_url"] == f"http://127.0.0.1:{port}"
        assert len(info["portals"]) == 1
    finally:
        finish(process)


def test_sigint_stops_it_cleanly():
    process, info = launch("--portals", "1")

    assert finish(process, signal.SIGINT) == 0
    with pytest.raises(requests.ConnectionError):
        requests.get(info["base_url"] + "/__emulator__/info", timeout=2)


def test_an_unknown_profile_is_refused():
    completed = subprocess.run(
        [str(SERVE), "--profile", "2.0"], capture_output=True, text=True, timeout=30, check=False
    )

    assert completed.returncode == 2
    assert "invalid choice" in completed.stderr


def test_credentials_differ_between_runs(emulator_factory):
    first = emulator_factory(portals=1).portals[0]
    second = emulator_factory(portals=1).portals[0]

    assert first["owner"]["password"] != second["owner"]["password"]
    assert first["owner"]["id"] != second["owner"]["id"]


def test_tls_serves_https_with_the_printed_ca(emulator_factory):
    emulator = emulator_factory(portals=1, tls=True)
    portal = emulator.portals[0]
    headers = {"Authorization": "Bearer " + portal["owner"]["api_key"]}

    assert emulator.base_url.startswith("https://127.0.0.1:")
    assert Path(emulator.ca_file).is_file()
    by_ip = requests.get(
        portal["url"] + "/api/2.0/portal", headers=headers, verify=emulator.ca_file, timeout=10
    )
    by_name = requests.get(
        portal["url"].replace("127.0.0.1", "localhost") + "/api/2.0/portal",
        headers=headers,
        verify=emulator.ca_file,
        timeout=10,
    )
    assert by_ip.status_code == 200
    assert by_name.status_code == 200
    assert by_ip.json()["links"][0]["href"].startswith("https://")


def test_tls_is_refused_without_the_ca(emulator_factory):
    emulator = emulator_factory(portals=1, tls=True)

    with pytest.raises(requests.exceptions.SSLError):
        requests.get(emulator.base_url + "/__emulator__/info", timeout=10)


def test_tls_cookies_are_secure(emulator_factory, client_for):
    portal = client_for(emulator_factory(portals=1, tls=True))

    answer = portal.login("owner")

    assert "Secure" in answer.headers["Set-Cookie"]


def test_the_ca_file_is_removed_on_exit():
    process, info = launch("--portals", "1", "--tls")
    ca_file = Path(info["ca_file"])
    assert ca_file.is_file()
    context = ssl.create_default_context(cafile=str(ca_file))
    assert context.cert_store_stats()["x509_ca"] == 1

    assert finish(process) == 0
    assert not ca_file.exists()
    assert not ca_file.parent.exists()


def test_it_listens_on_127_0_0_1_only():
    process, info = launch("--portals", "1")
    port = int(info["base_url"].rsplit(":", 1)[1])
    try:
        with pytest.raises(ConnectionRefusedError), socket.socket() as sock:
            sock.settimeout(5)
            sock.connect(("127.0.0.2", port))
    finally:
        finish(process)


ORPHAN_SCRIPT = """
import sys, time
sys.path.insert(0, sys.argv[1])
from docspace_emulator.control import Emulator
emulator = Emulator.start(portals=1, tls=True)
print(emulator.process.pid, emulator.ca_file, flush=True)
time.sleep(60)
"""


def test_an_emulator_stops_when_its_test_process_dies():
    # The helper's stdin pipe closes with the dead process; the emulator notices and exits.
    parent = subprocess.Popen(
        [sys.executable, "-c", ORPHAN_SCRIPT, str(SERVE.parent)],
        stdout=subprocess.PIPE,
        text=True,
    )
    pid_text, ca_file = parent.stdout.readline().split()
    parent.kill()
    parent.wait()
    parent.stdout.close()

    deadline = time.monotonic() + 10
    while Path(f"/proc/{pid_text}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not Path(f"/proc/{pid_text}").exists()
    assert not Path(ca_file).exists()
