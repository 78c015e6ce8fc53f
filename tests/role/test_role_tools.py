"""The role under the tools its users run it with: ansible-lint, Molecule, ansible-builder."""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile

import pytest
from play_helpers import BIN, ROOT, ansible_env
from role_helpers import ROLE, app_policy, policy_puts

pytestmark = pytest.mark.slow

EXAMPLE_PLAYBOOKS = sorted(
    str(path.relative_to(ROOT))
    for path in [
        *(ROOT / "docs" / "examples").glob("*.yml"),
        *(ROOT / "docs" / "examples" / "fleet").glob("*.yml"),
    ]
)


def run(command, cwd=ROOT, env=None, timeout=300):
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=ansible_env(env),
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def test_the_examples_include_the_fleet_playbooks():
    assert "docs/examples/fleet/audit.yml" in EXAMPLE_PLAYBOOKS
    assert "docs/examples/fleet/baseline.yml" in EXAMPLE_PLAYBOOKS


def test_ansible_lint_production_passes_on_the_role_and_every_example_playbook():
    completed = run([BIN / "ansible-lint", "roles/tfa_baseline", *EXAMPLE_PLAYBOOKS])
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert "Profile 'production' was required, and it passed" in output


def test_ansible_lint_with_this_configuration_still_finds_problems(tmp_path):
    """The configuration hides nothing: a sloppy playbook fails the production profile."""
    playbook = tmp_path / "sloppy.yml"
    playbook.write_text(
        "- hosts: localhost\n"
        "  tasks:\n"
        "    - debug: msg=hello\n"
        "    - shell: echo {{ inventory_hostname }}\n"
    )
    completed = run([BIN / "ansible-lint", "-c", ROOT / ".ansible-lint", playbook])
    output = completed.stdout + completed.stderr
    assert completed.returncode != 0, output
    for rule in ("name[missing]", "fqcn[action-core]", "no-free-form", "no-changed-when"):
        assert rule in output, rule


def test_molecule_runs_the_default_scenario_against_the_emulator(emulator_factory, tmp_path):
    emulator = emulator_factory(profile="3.7", portals=2)
    info = tmp_path / "emulator.json"
    info.write_text(json.dumps(emulator.info))
    env = {
        "DOCSPACE_EMULATOR_INFO": str(info),
        "MOLECULE_EPHEMERAL_DIRECTORY": str(tmp_path / "molecule"),
        "NO_COLOR": "1",
    }

    completed = run([BIN / "molecule", "test"], cwd=ROLE, env=env, timeout=600)

    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    for step in ("syntax", "converge", "idempotence", "verify"):
        assert "%s: Executed: Successful" % step in output, step
    # Converge wrote once per portal; idempotence and verify only read.
    assert policy_puts(emulator.log()) == {p["name"]: 1 for p in emulator.portals}
    assert all(app_policy(emulator, p["name"])["enable"] for p in emulator.portals)


@pytest.fixture(scope="module")
def built_collection(tmp_path_factory):
    """The collection tarball, as docs/awx/README.md has it built, under the name the
    execution environment definition expects."""
    directory = tmp_path_factory.mktemp("ee")
    completed = run(
        [
            BIN / "ansible-galaxy",
            "collection",
            "build",
            "--force",
            "--output-path",
            directory / "collections",
        ]
    )
    assert completed.returncode == 0, completed.stderr
    (built,) = (directory / "collections").glob("onlyoffice-docspace-*.tar.gz")
    built.rename(directory / "collections" / "onlyoffice-docspace.tar.gz")
    shutil.copy(ROOT / "docs" / "awx" / "execution-environment.yml", directory)
    return directory


def test_ansible_builder_creates_the_build_context(built_collection, tmp_path):
    context = tmp_path / "context"
    completed = run(
        [
            BIN / "ansible-builder",
            "create",
            "-f",
            built_collection / "execution-environment.yml",
            "-c",
            context,
        ]
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "No matches" not in completed.stdout + completed.stderr
    (containerfile,) = [
        p for p in (context / "Containerfile", context / "Dockerfile") if p.exists()
    ]
    steps = containerfile.read_text()
    assert "ansible-core>=2.16,<2.20" in steps
    assert "ansible-galaxy collection install" in steps
    # The builder stage reads meta/execution-environment.yml of the installed collections.
    assert "introspect.py introspect" in steps
    requirements = (context / "_build" / "requirements.yml").read_text()
    assert "collections/onlyoffice-docspace.tar.gz" in requirements
    with tarfile.open(context / "_build" / "collections" / "onlyoffice-docspace.tar.gz") as tar:
        manifest = json.load(tar.extractfile("MANIFEST.json"))
    assert manifest["collection_info"]["namespace"] == "onlyoffice"
    assert manifest["collection_info"]["name"] == "docspace"


def test_ansible_builder_reads_the_collections_execution_environment_file(
    built_collection, tmp_path
):
    """What the builder stage does inside the image: install, then introspect."""
    installed = tmp_path / "collections"
    completed = run(
        [
            BIN / "ansible-galaxy",
            "collection",
            "install",
            "--offline",
            "--force",
            "-p",
            installed,
            built_collection / "collections" / "onlyoffice-docspace.tar.gz",
        ]
    )
    assert completed.returncode == 0, completed.stderr
    meta = installed / "ansible_collections" / "onlyoffice" / "docspace" / "meta"
    assert (meta / "execution-environment.yml").exists()

    pip, bindep = tmp_path / "requirements.txt", tmp_path / "bindep.txt"
    completed = run(
        [
            BIN / "ansible-builder",
            "introspect",
            installed,
            "--write-pip",
            pip,
            "--write-bindep",
            bindep,
        ]
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "python: []" in completed.stdout and "system: []" in completed.stdout
