"""Run the collection's modules in this process against the emulator, and count what happened.

A module runs by calling its main() with the arguments AnsibleModule would read from
ansible-playbook, so a fault-matrix cell costs milliseconds instead of a process start.
Retry waits are recorded instead of slept. Everything a test counts goes through
``record``; the session-finish hook in conftest.py adds the counts up for the report.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import traceback
from pathlib import Path

from ansible.module_utils import basic

from ansible_collections.onlyoffice.docspace.plugins.module_utils import _connection

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DEFAULT_COUNTS_DIR = ROOT / ".build" / "reliability"
MODULES = ("docspace_tfa_settings", "docspace_tfa_info", "docspace_tfa_codes", "docspace_tfa_app")
WRITE_METHODS = ("PUT", "POST", "DELETE", "PATCH")
# Calls that hand out a key or a code: check mode must not make them either.
KEY_ISSUING = ("settings/tfaapp/confirm", "settings/tfaapp/setup", "settings/tfaappwithlink")


class ModuleOutcome:
    def __init__(self, result, crash, stdout, waits):
        self.result = result
        self.crash = crash
        self.stdout = stdout
        self.waits = waits

    @property
    def failed(self):
        return bool(self.result and self.result.get("failed"))

    @property
    def msg(self):
        return (self.result or {}).get("msg", "")


def run_module(name, args, check=False, diff=False):
    """Call plugins/modules/<name>.py main() with ``args``; never raises."""
    module = importlib.import_module(
        "ansible_collections.onlyoffice.docspace.plugins.modules." + name
    )
    payload = dict(args)
    payload["_ansible_check_mode"] = check
    payload["_ansible_diff"] = diff
    basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": payload}).encode()
    basic._ANSIBLE_PROFILE = "legacy"
    basic._PARSED_MODULE_ARGS = None

    waits = []
    original = _connection.DocSpaceClient

    def fast_client(*a, **kw):
        kw.setdefault("sleep", waits.append)
        return original(*a, **kw)

    out = io.StringIO()
    crash = None
    _connection.DocSpaceClient = fast_client
    try:
        with contextlib.redirect_stdout(out):
            module.main()
    except SystemExit:
        pass
    except BaseException:
        crash = traceback.format_exc()
    finally:
        _connection.DocSpaceClient = original
        basic._ANSIBLE_ARGS = None
        basic._PARSED_MODULE_ARGS = None
    text = out.getvalue()
    result = None
    if text.strip():
        try:
            result = json.loads(text.strip().splitlines()[-1])
        except ValueError:
            crash = crash or "output is not JSON: " + text[:500]
    elif crash is None:
        crash = "the module printed nothing"
    return ModuleOutcome(result, crash, text, waits)


def record(section, **counts):
    """Add ``counts`` to this worker's tally for ``section`` (fault, input, secret, ...)."""
    # The session's controller names a directory of its own (report.start), so two pytest
    # sessions at once never add up each other's counts.
    counts_dir = Path(os.environ.get("RELIABILITY_COUNTS_DIR", DEFAULT_COUNTS_DIR))
    counts_dir.mkdir(parents=True, exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    line = json.dumps({"section": section, **counts})
    with open(counts_dir / ("counts-%s.jsonl" % worker), "a") as stream:
        stream.write(line + "\n")


def writes(log):
    return [entry for entry in log if entry["method"] in WRITE_METHODS]


def key_issuing(log):
    return [entry for entry in log if any(entry["path"].endswith(k) for k in KEY_ISSUING)]


def issued(emulator, portals):
    """Every secret the portals hold or handed out, by kind: what no output may show."""
    found = {}
    for portal in portals:
        state = emulator.state(portal["name"])
        for kind, values in state["secrets"].items():
            found.setdefault(kind, set()).update(values)
        found.setdefault("passwords", set()).update(
            portal[a]["password"] for a in ("owner", "admin", "user")
        )
        found.setdefault("api_keys", set()).update(
            portal[a]["api_key"] for a in ("owner", "admin", "user")
        )
        for user in state["users"].values():
            found["backup_codes"].update(code["code"] for code in user["backup_codes"])
            if user["secret"]:
                found["totp_secrets"].add(user["secret"])
    return found


def search(found, texts, allowed=()):
    """``kind in where`` for every secret of ``found`` that one of ``texts`` contains."""
    hits = []
    for kind, values in found.items():
        for value in values:
            if value in allowed:
                continue
            hits += ["%s in %s" % (kind, where) for where, text in texts.items() if value in text]
    return hits


def files_under(directory, skip=()):
    """The text of every file below ``directory`` but those in ``skip``."""
    texts = {}
    for path in Path(directory).rglob("*"):
        if path.is_file() and path not in skip:
            texts[str(path)] = path.read_text(errors="replace")
    return texts


def run_in_ansible_runner(data, playbook, cmdline, inventory=None):
    """Run ``data/project/playbook`` with ansible-runner as AWX does: quiet, events kept."""
    import ansible_runner
    from play_helpers import ansible_env

    env = ansible_env()
    env.pop("ANSIBLE_CALLBACKS_ENABLED", None)
    options = {"inventory": str(inventory)} if inventory else {}
    return ansible_runner.run(
        private_data_dir=str(data),
        playbook=playbook,
        cmdline=cmdline,
        envvars={k: v for k, v in env.items() if k.startswith("ANSIBLE_") or k == "PATH"},
        quiet=True,
        **options,
    )


def relative_view(view, before):
    """``view`` with each account's codes told apart only as kept, or as a fresh full set.

    Backup codes are random, so two runs never leave the same codes; what must match is
    whether a run kept the set it found or replaced all of it.
    """
    users = {}
    for name, user in view["users"].items():
        old_codes = {json.dumps(code) for code in before["users"][name]["codes"]}
        codes = {json.dumps(code) for code in user["codes"]}
        if codes == old_codes:
            kind = "kept"
        elif not codes & old_codes:
            kind = "fresh %d" % len(codes)
        else:
            kind = "mixed"
        users[name] = {"linked": user["linked"], "codes": kind}
    return {"policy": view["policy"], "users": users}


def portal_view(state):
    """The part of a portal's state a module may change: policy, links and codes."""
    return {
        "policy": state["policy"],
        "users": {
            name: {"linked": user["linked"], "codes": sorted(user["backup_codes"], key=str)}
            for name, user in state["users"].items()
        },
    }
