"""Many portals in one process: start-up, independence, and control-API safety under
parallel clients."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from docspace_emulator.control import Emulator

PORTALS = 200
CLIENTS = 50


@pytest.fixture(scope="module")
def big():
    emulator = Emulator.start(portals=PORTALS)
    # Reported rather than asserted tightly: a loaded machine should not fail the suite.
    print(f"\n{PORTALS} portals: JSON line after {emulator.startup_seconds:.2f} s")
    yield emulator
    emulator.stop()


def test_200_portals_start_and_are_all_served(big):
    assert len(big.portals) == PORTALS
    assert big.startup_seconds < 10
    with requests.Session() as session:
        for info in big.portals:
            headers = {"Authorization": "Bearer " + info["owner"]["api_key"]}
            answer = session.get(info["url"] + "/api/2.0/portal", headers=headers, timeout=10)
            assert answer.status_code == 200
            assert answer.json()["response"]["tenantAlias"] == info["name"]


def test_portal_names_urls_and_credentials_are_distinct(big):
    names = [p["name"] for p in big.portals]
    assert names[0] == "portal001" and names[-1] == "portal200"
    assert len({p["url"] for p in big.portals}) == PORTALS
    keys = [p[role]["api_key"] for p in big.portals for role in ("owner", "admin", "user")]
    assert len(set(keys)) == len(keys)
    assert all(key.startswith("sk-") for key in keys)


def test_parallel_clients_consume_a_fault_exactly_its_times(big):
    big.reset()
    big.fault(path="portal$", status=503, times=37)

    def call(index):
        info = big.portals[index % PORTALS]
        headers = {"Authorization": "Bearer " + info["user"]["api_key"]}
        return requests.get(info["url"] + "/api/2.0/portal", headers=headers, timeout=30)

    with ThreadPoolExecutor(CLIENTS) as pool:
        statuses = [answer.status_code for answer in pool.map(call, range(400))]

    assert statuses.count(503) == 37
    assert statuses.count(200) == 400 - 37
    log = big.log()
    assert len(log) == 400
    assert sum(1 for entry in log if entry["status"] == 503) == 37
    assert big.faults()[0]["used"] == 37


def test_parallel_policy_changes_stay_in_their_portal(big):
    big.reset()

    def enable(info):
        headers = {"Authorization": "Bearer " + info["owner"]["api_key"]}
        body = {"type": "App", "trustedIps": [f"10.0.0.{int(info['name'][-3:]) % 250}"]}
        return requests.put(
            info["url"] + "/api/2.0/settings/tfaapp", json=body, headers=headers, timeout=30
        )

    with ThreadPoolExecutor(CLIENTS) as pool:
        answers = list(pool.map(enable, big.portals))

    assert all(answer.json()["response"] is True for answer in answers)
    state = big.state()["portals"]
    for info in big.portals:
        expected = [f"10.0.0.{int(info['name'][-3:]) % 250}"]
        assert state[info["name"]]["policy"]["app"]["trustedIps"] == expected
