"""Evaluate one expression against the tfa_baseline role's variables, as Ansible would.

Reads {"role": path, "expression": "{{ ... }}", "cases": [{variables}, ...]} as JSON on
standard input and writes the list of results as JSON. It runs in a process of its own
because Ansible's plugin loader takes over the ``ansible_collections`` imports.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import init_plugin_loader
from ansible.template import Templar, trust_as_template


def main():
    request = json.load(sys.stdin)
    init_plugin_loader([])
    role = Path(request["role"])
    loader = DataLoader()
    base = {"ansible_check_mode": False, "inventory_hostname": "portal"}
    for name in ("defaults", "vars"):
        base.update(loader.load_from_file(str(role / name / "main.yml"), trusted_as_template=True))
    results = []
    for case in request["cases"]:
        templar = Templar(loader=loader, variables=dict(base, **case))
        results.append(templar.template(trust_as_template(request["expression"])))
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
