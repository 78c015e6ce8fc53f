"""Each module loads only the module_utils it needs.

Ansible ships a module's Python source, not its bytecode, so every task compiles each file
the module imports; code only some runs need is imported where those runs begin. A fresh
interpreter imports each module and reports which of the collection's files it loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]
PACKAGE = "ansible_collections.onlyoffice.docspace.plugins."
PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1])
__import__(sys.argv[2])
print(json.dumps(sorted(m for m in sys.modules if m.startswith(sys.argv[3] + 'module_utils.'))))
"""
# The module_utils files each module may load when it starts; TOTP logins and the app
# module's own calls load more, later.
EXPECTED = {
    "docspace_tfa_settings": {"_client", "_connection", "_portal", "_tfa"},
    "docspace_tfa_info": {"_client", "_connection", "_portal", "_tfa"},
    "docspace_tfa_codes": {"_app", "_client", "_connection", "_portal", "_tfa"},
    "docspace_tfa_app": {
        "_app",
        "_client",
        "_connection",
        "_portal",
        "_portal_app",
        "_tfa",
        "_totp",
    },
}


def loaded(module):
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            PROBE,
            str(ROOT / ".build" / "collections"),
            PACKAGE + "modules." + module,
            PACKAGE,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    names = json.loads(completed.stdout)
    return {name.rsplit(".", 1)[1] for name in names if name != PACKAGE + "module_utils"}


@pytest.mark.parametrize("module", sorted(EXPECTED))
def test_a_module_loads_only_what_its_runs_need(module):
    assert loaded(module) == EXPECTED[module]
