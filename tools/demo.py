"""`make demo`: the example playbook against the DocSpace emulator, three times.

1. --check --diff: the plan, and no write reaches the portal.
2. apply: the change, one PUT.
3. apply again: nothing to do, changed=0, a single GET and no write.

Each run prints its PLAY RECAP counts and what the emulator saw.
"""

from __future__ import annotations

import collections
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "emulator"))

from docspace_emulator.control import Emulator  # noqa: E402

PLAYBOOK = ROOT / "docs" / "examples" / "tfa_policy.yml"
RECAP = re.compile(r"^localhost\s+:\s+(?P<counts>.*)$", re.MULTILINE)


def run_playbook(portal, extra_args, title):
    env = dict(
        os.environ,
        DOCSPACE_URL=portal["url"],
        DOCSPACE_API_KEY=portal["owner"]["api_key"],
        ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".build" / "collections"),
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_NOCOLOR="1",
    )
    extra = {"tfa_mandatory_groups": [portal["group"]["id"]]}
    command = [
        str(ROOT / ".venv" / "bin" / "ansible-playbook"),
        str(PLAYBOOK),
        "-e",
        json.dumps(extra),
        *extra_args,
    ]
    print(
        "\n=== %s: ansible-playbook %s %s"
        % (title, PLAYBOOK.relative_to(ROOT), " ".join(extra_args))
    )
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    print(completed.stdout.rstrip())
    if completed.returncode != 0:
        print(completed.stderr.rstrip(), file=sys.stderr)
        raise SystemExit("demo: the playbook failed (exit %s)" % completed.returncode)
    match = RECAP.search(completed.stdout)
    return dict(pair.split("=") for pair in match.group("counts").split()) if match else {}


def summarise(log):
    calls = collections.Counter("%s %s" % (entry["method"], entry["path"]) for entry in log)
    return ", ".join("%s x%d" % (call, count) for call, count in sorted(calls.items()))


def main():
    emulator = Emulator.start(profile="3.7", portals=1)
    try:
        portal = emulator.portals[0]
        print("DocSpace emulator (a stand-in, not DocSpace) serving %s" % portal["url"])
        runs = [
            ("Run 1, plan", ["--check", "--diff"]),
            ("Run 2, apply", []),
            ("Run 3, apply again", []),
        ]
        summary = []
        for title, args in runs:
            emulator.clear_log()
            counts = run_playbook(portal, args, title)
            log = emulator.log()
            writes = [entry for entry in log if entry["method"] != "GET"]
            summary.append(
                (title, counts.get("changed", "?"), len(log), len(writes), summarise(log))
            )
        print("\n=== Summary")
        for title, changed, requests, writes, calls in summary:
            print(
                "%-20s changed=%s  requests=%d  writes=%d  (%s)"
                % (title, changed, requests, writes, calls)
            )
    finally:
        emulator.stop()


if __name__ == "__main__":
    main()
