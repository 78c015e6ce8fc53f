"""The documentation site: its layout, antsibull-docs' linter, and a real Sphinx build.

The build runs offline. Sphinx would fetch intersphinx inventories from docs.ansible.com,
docs.python.org and jinja.palletsprojects.com, which this machine cannot reach, so the
test builds without them. The only references that then stay unresolved are the ones
antsibull-docs writes to pages of Ansible's own documentation (such as
``common_return_values``); the test accepts those warnings and no other.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
DOCSITE = ROOT / "docs" / "docsite"
GUIDES = sorted(path.stem for path in (DOCSITE / "rst").glob("*.rst"))
LABEL = "ansible_collections.onlyoffice.docspace.docsite."
OWN_LABELS = "ansible_collections.onlyoffice.docspace."
# A reference into Ansible's own documentation, which only intersphinx can resolve.
FOREIGN_REFERENCE = re.compile(r"WARNING: undefined label: '(?P<label>[^']+)'")


def tool_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "DOCSPACE_"))}
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".build" / "collections"),
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        ANSIBLE_NOCOLOR="1",
        PATH=str(BIN) + os.pathsep + os.environ.get("PATH", ""),
    )
    return env


def run(*command, cwd=None, timeout=600):
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=tool_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def toctree_entries():
    extra = yaml.safe_load((DOCSITE / "extra-docs.yml").read_text(encoding="utf-8"))
    return [entry for section in extra["sections"] for entry in section["toctree"]]


def test_extra_docs_lists_every_guide_once():
    entries = toctree_entries()
    assert sorted(entries) == GUIDES
    assert len(entries) == len(set(entries))


@pytest.mark.parametrize("guide", GUIDES)
def test_every_guide_starts_with_its_label(guide):
    first = (DOCSITE / "rst" / ("%s.rst" % guide)).read_text(encoding="utf-8").splitlines()[0]
    assert first == ".. _%s%s:" % (LABEL, guide)


def test_links_file_names_only_reachable_kinds_of_link():
    links = yaml.safe_load((DOCSITE / "links.yml").read_text(encoding="utf-8"))
    assert set(links) <= {"edit_on_github", "extra_links", "communication"}
    for link in links.get("extra_links", []):
        assert link["url"].startswith("https://")


def test_readme_links_to_every_guide():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for guide in GUIDES:
        assert "(docs/docsite/rst/%s.rst)" % guide in readme, guide


@pytest.mark.slow
def test_antsibull_docs_lint_passes_with_plugin_docs():
    completed = run(BIN / "antsibull-docs", "lint-collection-docs", "--plugin-docs", ROOT)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.strip() == "", completed.stdout


@pytest.mark.slow
def test_docsite_builds_with_antsibull_docs_and_sphinx(tmp_path):
    site = tmp_path / "site"
    # antsibull-docs writes only into a directory that no one else may write to.
    site.mkdir(mode=0o755)
    init = run(
        BIN / "antsibull-docs",
        "sphinx-init",
        "--use-current",
        "--squash-hierarchy",
        "--fail-on-error",
        "--dest-dir",
        site,
        "onlyoffice.docspace",
    )
    assert init.returncode == 0, init.stdout + init.stderr
    # The inventories are out of reach here; see the module docstring.
    with (site / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write("\nintersphinx_mapping = {}\n")

    rst = site / "rst"
    rst.chmod(0o755)  # sphinx-init made it; the same rule applies
    generate = run(
        BIN / "antsibull-docs",
        "--config-file",
        site / "antsibull-docs.cfg",
        "collection",
        "--cleanup",
        "everything",
        "--fail-on-error",
        "--use-current",
        "--squash-hierarchy",
        "--dest-dir",
        rst,
        "onlyoffice.docspace",
        cwd=site,
    )
    assert generate.returncode == 0, generate.stdout + generate.stderr

    warnings = site / "warnings.txt"
    build = run(
        BIN / "sphinx-build",
        "-M",
        "html",
        rst,
        site / "build",
        "-c",
        site,
        "--keep-going",
        "-w",
        warnings,
        cwd=site,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    unexpected = []
    for line in warnings.read_text(encoding="utf-8").splitlines():
        match = FOREIGN_REFERENCE.search(line)
        if match and not match.group("label").startswith(OWN_LABELS):
            continue
        if line.strip():
            unexpected.append(line)
    assert not unexpected, "\n".join(unexpected)

    html = site / "build" / "html"
    for guide in GUIDES:
        page = html / "docsite" / ("%s.html" % guide)
        assert page.is_file(), page
    for plugin in ("docspace_tfa_settings_module", "totp_filter", "tfa_baseline_role"):
        assert (html / ("%s.html" % plugin)).is_file(), plugin
    index = (html / "index.html").read_text(encoding="utf-8")
    for guide in GUIDES:
        assert "docsite/%s.html" % guide in index, guide
