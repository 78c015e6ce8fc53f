"""meta/runtime.yml promises the ansible-core releases that the tests run on, no more and
no fewer: the pinned one in requirements/test.txt and the matrix in noxfile.py."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "requirements"
PIN = re.compile(r"^ansible-core==(?P<version>[0-9.]+)$", re.MULTILINE)


def pinned(path):
    found = PIN.findall(path.read_text(encoding="utf-8"))
    assert len(found) == 1, "%s pins ansible-core %d times" % (path.name, len(found))
    return Version(found[0])


def minor(version):
    return (version.major, version.minor)


def versions_under_test():
    """Every ansible-core version a test run uses, the pinned one last."""
    matrix = {}
    for path in REQUIREMENTS.glob("compat-*.txt"):
        release = path.stem[len("compat-") :]
        version = pinned(path)
        assert "%d.%d" % minor(version) == release, "%s pins %s" % (path.name, version)
        matrix[minor(version)] = version
    return [matrix[key] for key in sorted(matrix)] + [pinned(REQUIREMENTS / "test.txt")]


def test_the_matrix_has_the_three_releases_before_the_pinned_one():
    versions = versions_under_test()
    assert len({minor(v) for v in versions}) == len(versions)
    newest = versions[-1]
    assert [minor(v) for v in versions[:-1]] == [
        (newest.major, newest.minor - n) for n in (3, 2, 1)
    ]


def test_requires_ansible_is_the_tested_range():
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text(encoding="utf-8"))
    spec = SpecifierSet(runtime["requires_ansible"])
    versions = versions_under_test()
    oldest, newest = versions[0], versions[-1]
    assert all(version in spec for version in versions)
    assert Version("%d.%d.0" % minor(oldest)) in spec
    assert Version("%d.%d.0" % (oldest.major, oldest.minor - 1)) not in spec
    assert Version("%d.%d.0" % (newest.major, newest.minor + 1)) not in spec


def test_the_readme_states_the_same_range():
    versions = versions_under_test()
    text = "ansible-core, %d.%d to %d.%d" % (minor(versions[0]) + minor(versions[-1]))
    assert text in (ROOT / "README.md").read_text(encoding="utf-8")
