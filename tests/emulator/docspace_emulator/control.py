"""Run the emulator from Python tests and drive its control API.

    emulator = Emulator.start(profile="3.7", portals=3)
    portal = emulator.portals[0]          # {"name", "url", "owner", "admin", "user", "group"}
    ...
    emulator.log(portal["name"])          # what the portal saw
    emulator.stop()

This module runs in the test process, not in the emulator, and needs only ``requests``.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import requests

SERVE = Path(__file__).resolve().parents[1] / "serve"


def _read_all(file) -> str:
    """The whole file, read without moving the offset the emulator appends at."""
    descriptor = file.fileno()
    return os.pread(descriptor, os.fstat(descriptor).st_size, 0).decode(errors="replace")


class EmulatorError(RuntimeError):
    """The emulator did not start, or a control call was refused."""


class Emulator:
    def __init__(self, process: subprocess.Popen, info: dict, stderr_file, startup=None):
        self.process = process
        self.info = info
        # Seconds from launching the process to reading its JSON line.
        self.startup_seconds = startup
        self._stderr_file = stderr_file
        self._http = requests.Session()
        self._http.verify = info["ca_file"] or True
        # REQUESTS_CA_BUNDLE in the environment would override the emulator's own CA.
        self._http.trust_env = False

    # Starting and stopping ------------------------------------------------------

    @classmethod
    def start(
        cls,
        profile: str = "3.7",
        portals: int = 3,
        tls: bool = False,
        port: int = 0,
        timeout: float = 20.0,
    ) -> Emulator:
        """Start ``tests/emulator/serve`` and wait for its JSON line."""
        command = [str(SERVE), "--port", str(port), "--profile", profile, "--portals", str(portals)]
        if tls:
            command.append("--tls")
        started = time.monotonic()
        # An already-unlinked file in append mode: the emulator's messages can be read at
        # any time, and nothing is left in /tmp whatever happens to either process. It
        # lives as long as this Emulator, so stop() closes it rather than a with-block.
        stderr = tempfile.TemporaryFile(mode="a+b", prefix="docspace-emulator-")  # noqa: SIM115
        # The emulator watches this stdin pipe: if the test process dies without
        # calling stop(), the pipe closes and the emulator exits on its own.
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env={**os.environ, "DOCSPACE_EMULATOR_WATCH_STDIN": "1"},
        )
        first_line = []
        reader = threading.Thread(
            target=lambda: first_line.append(process.stdout.readline()), daemon=True
        )
        reader.start()
        reader.join(timeout)
        line = first_line[0] if first_line else ""
        if not line.strip():
            process.kill()
            process.wait()
            process.stdin.close()
            process.stdout.close()
            detail = _read_all(stderr)
            stderr.close()
            raise EmulatorError(f"the emulator did not start within {timeout} s:\n{detail}")
        return cls(process, json.loads(line), stderr, time.monotonic() - started)

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate the process (it removes its TLS files) and wait for it."""
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdin.close()
        self.process.stdout.close()
        self._http.close()
        self._stderr_file.close()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # What it serves -------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return self.info["base_url"]

    @property
    def ca_file(self) -> str | None:
        return self.info["ca_file"]

    @property
    def profile(self) -> str:
        return self.info["profile"]

    @property
    def portals(self) -> list:
        return self.info["portals"]

    def portal(self, name_or_index=0) -> dict:
        if isinstance(name_or_index, int):
            return self.portals[name_or_index]
        return next(p for p in self.portals if p["name"] == name_or_index)

    @property
    def stderr(self) -> str:
        """What the emulator wrote on standard error so far (tracebacks, if any)."""
        return _read_all(self._stderr_file)

    # Control API ----------------------------------------------------------------

    def _call(self, method: str, name: str, body=None, params=None):
        response = self._http.request(
            method, f"{self.base_url}/__emulator__/{name}", json=body, params=params, timeout=30
        )
        if response.status_code != 200:
            raise EmulatorError(f"{method} {name}: {response.status_code} {response.text}")
        return response.json()

    def log(self, portal: str | None = None) -> list:
        """Request log entries: {method, path, query, status, portal, auth}."""
        return self._call("GET", "requests", params={"portal": portal} if portal else None)

    def clear_log(self, portal: str | None = None) -> None:
        self._call("DELETE", "requests", params={"portal": portal} if portal else None)

    def reset(self, portal: str | None = None) -> None:
        self._call("POST", "reset", {"portal": portal} if portal else {})

    def state(self, portal: str | None = None) -> dict:
        return self._call("GET", "state", params={"portal": portal} if portal else None)

    def fault(self, **fields) -> dict:
        """Register a fault: method, path (regex), portal, times, status, body,
        content_type, headers, delay, drop. Returns the stored fault."""
        return self._call("POST", "faults", fields)

    def faults(self) -> list:
        return self._call("GET", "faults")

    def clear_faults(self, portal: str | None = None) -> None:
        self._call("DELETE", "faults", params={"portal": portal} if portal else None)

    def clock(self, offset: float = 0.0) -> dict:
        """Shift the emulator's clock by ``offset`` seconds from real time (0 resets)."""
        return self._call("POST", "clock", {"offset": offset})

    def now(self) -> float:
        """The emulator's current time (real time plus the clock offset)."""
        return self._call("GET", "clock")["now"]

    def config(self, portal: str | None = None, **flags) -> dict:
        """Set sms_provider, hide_sms and hide_app on one portal (or all with None)."""
        return self._call("POST", "config", {"portal": portal, **flags})
