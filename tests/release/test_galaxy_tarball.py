"""The Galaxy tarball: built, checked, installed into an empty collections path, and run
from there against the emulator, so that a file missing from it fails here."""

from __future__ import annotations

import fnmatch
import json
import os
import re
import subprocess
import tarfile
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
GALAXY = yaml.safe_load((ROOT / "galaxy.yml").read_text(encoding="utf-8"))
# Nothing of these belongs in what users install.
FORBIDDEN = (
    ".venv/*",
    ".build/*",
    ".git/*",
    ".nox/*",
    ".ansible/*",
    ".pytest_cache/*",
    ".ruff_cache/*",
    "*__pycache__*",
    "*.pyc",
    "*.retry",
    "*.tar.gz",
    "tests/output/*",
    "tests/emulator/*",
    "tools/*",
    "requirements/*",
    "Makefile",
    "noxfile.py",
    "pyproject.toml",
    "changelogs/.plugin-cache.yaml",
    "docs/examples/fleet/reports/*",
)
RECAP = re.compile(r"^localhost\s+:\s+ok=(\d+)\s+changed=(\d+).*failed=(\d+)", re.MULTILINE)


def env_for(collections, extra=None):
    """A clean environment that sees only ``collections``, never the working tree."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "DOCSPACE_"))}
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(collections),
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_RETRY_FILES_ENABLED="false",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        PATH=str(BIN) + os.pathsep + os.environ.get("PATH", ""),
    )
    env.update(extra or {})
    return env


def run(command, cwd, env, timeout=300):
    return subprocess.run(
        [str(part) for part in command],
        cwd=str(cwd),
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="module")
def tarball(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")
    completed = run(
        [BIN / "ansible-galaxy", "collection", "build", ROOT, "--output-path", out],
        cwd=out,
        env=env_for(out / "no-collections"),
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    path = out / ("%s-%s-%s.tar.gz" % (GALAXY["namespace"], GALAXY["name"], GALAXY["version"]))
    assert path.is_file(), completed.stdout
    return path


@pytest.fixture(scope="module")
def members(tarball):
    with tarfile.open(tarball) as archive:
        return sorted(member.name for member in archive.getmembers() if member.isfile())


@pytest.fixture(scope="module")
def installed(tarball, tmp_path_factory):
    """The collections path the tarball was installed into, and the collection in it."""
    collections = tmp_path_factory.mktemp("collections")
    assert not any(collections.iterdir())
    completed = run(
        [
            BIN / "ansible-galaxy",
            "collection",
            "install",
            tarball,
            "-p",
            collections,
            "--offline",
        ],
        cwd=collections,
        env=env_for(collections),
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    collection = collections / "ansible_collections" / GALAXY["namespace"] / GALAXY["name"]
    assert (collection / "MANIFEST.json").is_file()
    return collections, collection


def test_tarball_holds_no_artefacts_or_tooling(members):
    bad = [name for name in members if any(fnmatch.fnmatch(name, p) for p in FORBIDDEN)]
    assert not bad, bad


def test_of_the_tests_only_their_sanity_configuration_ships(members):
    """The tests need tests/emulator, which does not ship, so none of them may; a new
    folder below tests/ must be added to build_ignore in galaxy.yml."""
    assert sorted(name for name in members if name.startswith("tests/")) == ["tests/config.yml"]


def test_tarball_holds_everything_the_collection_is_made_of(members):
    tracked = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "--", "plugins", "roles", "meta", "docs"],
        cwd=str(ROOT),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    wanted = [
        name
        for name in tracked
        if (ROOT / name).is_file() and not any(fnmatch.fnmatch(name, p) for p in FORBIDDEN)
    ]
    wanted += ["README.md", "LICENSE", "CHANGELOG.md", "changelogs/changelog.yaml"]
    missing = sorted(set(wanted) - set(members))
    assert not missing, missing
    assert {"MANIFEST.json", "FILES.json"} <= set(members)


def test_manifest_carries_the_galaxy_metadata(tarball):
    with tarfile.open(tarball) as archive:
        manifest = json.load(archive.extractfile("MANIFEST.json"))
    info = manifest["collection_info"]
    assert (info["namespace"], info["name"], info["version"]) == (
        GALAXY["namespace"],
        GALAXY["name"],
        GALAXY["version"],
    )
    assert info["dependencies"] == {}


def test_the_installed_copy_is_the_one_ansible_uses(installed):
    collections, collection = installed
    completed = run(
        [BIN / "ansible-doc", "onlyoffice.docspace.docspace_tfa_info"],
        cwd=collections,
        env=env_for(collections),
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert str(collection / "plugins" / "modules" / "docspace_tfa_info.py") in completed.stdout


def test_ad_hoc_info_call_runs_from_the_installed_copy(installed, fresh_emulator):
    collections, _collection = installed
    portal = fresh_emulator.portals[0]
    completed = run(
        [
            BIN / "ansible",
            "localhost",
            "-m",
            "onlyoffice.docspace.docspace_tfa_info",
            "-a",
            "url=%s api_key=%s" % (portal["url"], portal["owner"]["api_key"]),
        ],
        cwd=collections,
        env=env_for(collections),
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "localhost | SUCCESS" in completed.stdout
    result = json.loads(completed.stdout.split("=>", 1)[1])
    assert result["changed"] is False
    assert result["settings"]["method"] == "none"
    assert result["account"]["id"] == portal["owner"]["id"]
    assert portal["owner"]["api_key"] not in completed.stdout


def test_example_playbook_runs_from_the_installed_copy(installed, fresh_emulator):
    collections, collection = installed
    portal = fresh_emulator.portals[0]
    playbook = collection / "docs" / "examples" / "tfa_policy.yml"
    env = env_for(
        collections,
        {"DOCSPACE_URL": portal["url"], "DOCSPACE_API_KEY": portal["owner"]["api_key"]},
    )
    extra = ["-e", json.dumps({"tfa_mandatory_groups": [portal["group"]["id"]]})]

    counts = []
    for _run in range(2):
        completed = run([BIN / "ansible-playbook", playbook, *extra], cwd=collections, env=env)
        assert completed.returncode == 0, completed.stdout + completed.stderr
        recap = RECAP.search(completed.stdout)
        assert recap, completed.stdout
        counts.append(int(recap.group(2)))
    assert counts == [1, 0]
    writes = [entry for entry in fresh_emulator.log(portal["name"]) if entry["method"] != "GET"]
    assert [(entry["method"], entry["path"]) for entry in writes] == [
        ("PUT", "/api/2.0/settings/tfaapp")
    ]
