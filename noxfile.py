"""The ansible-core compatibility matrix: unit tests and ansible-test sanity per release.

    .venv/bin/nox                          # every release of the matrix, one after another
    .venv/bin/nox -s compat-2.17           # one release
    .venv/bin/nox -s compat-2.17 -- unit   # only its unit tests (or: sanity)

The newest release, pinned in requirements/test.txt, runs the whole suite through
`make test` itself; this file covers the older releases that meta/runtime.yml promises.
Each release gets its own virtual environment under .build/nox from its lock file,
requirements/compat-<release>.txt, and its own copy of the collection for sanity
(.build/sanity-<release>), so runs never share state.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
# One lock file per release: requirements/compat-2.16.txt and so on (see `make lock`).
RELEASES = sorted(
    (path.stem[len("compat-") :] for path in (ROOT / "requirements").glob("compat-*.txt")),
    key=lambda release: tuple(int(part) for part in release.split(".")),
)
STEPS = ("unit", "sanity")
# What ships and runs under every release: sanity of the older releases looks at these.
# The tests and tools run only under the pinned release, whose sanity covers everything.
SANITY_TARGETS = ("plugins/", "roles/", "meta/", "changelogs/")

nox.options.envdir = str(ROOT / ".build" / "nox")
nox.options.default_venv_backend = "venv"
nox.options.reuse_venv = "yes"


def compat(session: nox.Session, release: str) -> None:
    """Unit tests and sanity under one ansible-core release."""
    steps = session.posargs or STEPS
    unknown = sorted(set(steps) - set(STEPS))
    if unknown:
        session.error("unknown steps %s; choose from %s" % (", ".join(unknown), ", ".join(STEPS)))
    session.install("--quiet", "-r", str(ROOT / "requirements" / ("compat-%s.txt" % release)))
    version = session.run(
        "python", "-c", "import ansible; print(ansible.__version__)", silent=True
    ).strip()
    if not version.startswith(release + "."):
        session.error("the environment has ansible-core %s, not %s" % (version, release))

    venv = session.virtualenv.location
    env = {
        "ANSIBLE_COLLECTIONS_PATH": str(ROOT / ".build" / "collections"),
        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
        "PATH": os.pathsep.join((str(Path(venv) / "bin"), os.environ.get("PATH", ""))),
    }
    timings = []
    if "unit" in steps:
        started = time.monotonic()
        session.run(
            "python", "-m", "pytest", "-n", "2", "-p", "no:cacheprovider", "tests/unit", env=env
        )
        timings.append("unit %.0f s" % (time.monotonic() - started))
    if "sanity" in steps:
        started = time.monotonic()
        session.run(
            str(ROOT / "tools" / "sanity.sh"),
            *SANITY_TARGETS,
            env=dict(env, SANITY_VENV=venv, SANITY_NAME="sanity-%s" % release),
            external=True,
        )
        timings.append("sanity %.0f s" % (time.monotonic() - started))
    session.log("ansible-core %s: %s" % (version, ", ".join(timings)))


def _register(release: str) -> None:
    @nox.session(name="compat-%s" % release, tags=["compat"])
    def run(session: nox.Session) -> None:
        compat(session, release)

    run.__doc__ = "Unit tests and ansible-test sanity under ansible-core %s." % release


for _release in RELEASES:
    _register(_release)
