"""The changelog: fragments that lint, and a changelog.yaml and CHANGELOG.md that are
up to date with them (docs/releasing.md explains the workflow)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
CHANGELOGS = ROOT / "changelogs"
# What antsibull-changelog reads: the collection's metadata, its plugins and roles, and
# the changelog itself.
INPUTS = ("galaxy.yml", "meta", "plugins", "roles", "changelogs", "CHANGELOG.md")


def run(*command, cwd=ROOT, collections=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "DOCSPACE_"))}
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(collections or ROOT / ".build" / "collections"),
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        PATH=str(BIN) + os.pathsep + os.environ.get("PATH", ""),
    )
    return subprocess.run(
        [str(part) for part in command],
        cwd=str(cwd),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_fragments_lint():
    completed = run(BIN / "antsibull-changelog", "lint")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.strip() == "", completed.stdout


def test_changelog_yaml_lints():
    completed = run(
        BIN / "antsibull-changelog", "lint-changelog-yaml", CHANGELOGS / "changelog.yaml"
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.strip() == "", completed.stdout


def test_fragments_are_kept_and_the_version_is_recorded():
    config = yaml.safe_load((CHANGELOGS / "config.yaml").read_text(encoding="utf-8"))
    assert config["keep_fragments"] is True
    version = yaml.safe_load((ROOT / "galaxy.yml").read_text(encoding="utf-8"))["version"]
    changes = yaml.safe_load((CHANGELOGS / "changelog.yaml").read_text(encoding="utf-8"))
    assert str(version) in changes["releases"]


@pytest.mark.slow
def test_changelog_yaml_and_changelog_md_are_up_to_date(tmp_path):
    copy = tmp_path / "ansible_collections" / "onlyoffice" / "docspace"
    copy.mkdir(parents=True)
    for name in INPUTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, copy / name)
    (copy / "changelogs" / ".plugin-cache.yaml").unlink(missing_ok=True)

    for command in (
        ("release", "--reload-plugins", "--refresh"),
        ("generate",),
    ):
        completed = run(BIN / "antsibull-changelog", *command, cwd=copy, collections=tmp_path)
        assert completed.returncode == 0, completed.stdout + completed.stderr

    for name in ("changelogs/changelog.yaml", "CHANGELOG.md"):
        assert (copy / name).read_text(encoding="utf-8") == (ROOT / name).read_text(
            encoding="utf-8"
        ), "%s is not up to date with the fragments and plugins: run `make changelog`" % name
