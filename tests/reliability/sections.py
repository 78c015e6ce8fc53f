"""The text of docs/reliability.md, from the figures the suite counted."""

from __future__ import annotations

HEADER = """# Reliability figures

This page is written by the reliability suite in `tests/reliability/` at the end of each
full run; do not edit it by hand. `make test` fails when a figure drops below the minimums
in `tests/reliability/baseline.json`.

Everything runs against the DocSpace emulator in `tests/emulator/` (profile 3.7) on loopback.
"""


def _rows(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def render_sections(figures, command):
    faults = figures.get("faults", {})
    inputs = figures.get("inputs", {})
    secrets = figures.get("secrets", {})
    check = figures.get("check", {})
    crowd = figures.get("concurrency", {})
    sample = figures.get("playbook_sample", {})
    kinds = faults.get("by_kind", {})
    parts = [HEADER]

    parts.append(
        "## Fault matrix\n\n"
        "Every module and state (twelve scenarios, password logins included), with one fault "
        "injected at each request of the plan a clean run sends, one request at a time. A "
        "cell passes when the task fails with a message of at most four lines that names "
        "what happened, or succeeds after at most three bounded retries; no traceback; the "
        "portal holds the old or the new state, never a mix; and no POST is sent more often "
        "than in a clean run (a failing run may log out once).\n\n"
        "Cells tried: **%d**, passed: **%d** (failed cleanly: %d, recovered by a retry or "
        "unaffected: %d).\n\n"
        % (
            faults.get("cells", 0),
            faults.get("passed", 0),
            faults.get("failed_cleanly", 0),
            faults.get("recovered", 0),
        )
        + _rows(
            ["fault", "cells", "passed", "failed cleanly", "recovered"],
            [
                (
                    kind,
                    v.get("cells", 0),
                    v.get("passed", 0),
                    v.get("failed_cleanly", "-"),
                    v.get("recovered", "-"),
                )
                for kind, v in sorted(kinds.items())
            ],
        )
        + "\n\nThe TLS cells use a portal whose certificate is for 127.0.0.1 and localhost from "
        "a private CA: without `ca_path` (unknown CA), and with the right CA through another "
        "name of the same machine (wrong host name). One cell of each other kind ran through "
        "real ansible-playbook as well: %d of %d gave the same result as in-process.\n"
        % (sample.get("agree", 0), sample.get("cells", 0))
    )

    parts.append(
        "## Bad input\n\n"
        "Hostile values for every option of every module and every variable of the "
        "`tfa_baseline` role (the role's through ansible-playbook, one portal per value), and "
        "templated values through ansible-playbook with and without `ANSIBLE_JINJA2_NATIVE`.\n\n"
        "Inputs tried: **%d**; refused before any request: **%d**; normalised: **%d**; "
        "refused after reads only (a name that must be looked up, a count that depends on "
        "the portal, the role's own login account): **%d**.\n\n"
        % (
            inputs.get("tried", 0),
            inputs.get("refused", 0),
            inputs.get("normalised", 0),
            inputs.get("refused_after_reads", 0),
        )
        + _rows(
            ["where", "tried", "refused", "normalised", "refused after reads"],
            [
                (
                    kind,
                    v.get("tried", 0),
                    v.get("refused", 0),
                    v.get("normalised", 0),
                    v.get("refused_after_reads", 0),
                )
                for kind, v in sorted(inputs.get("by_kind", {}).items())
            ],
        )
        + "\n"
    )

    parts.append(
        "## Secrets\n\n"
        "Every module and state, and the `tfa_baseline` role logging in with an API key, a "
        "token and a password with a TOTP secret, with `-vvv --diff`: ansible-playbook with "
        "the default callback and a JSON-lines results callback, and ansible-runner (its "
        "events and artifact files); the role's reports are searched too. Searched for every "
        "password, API key, session token, confirm key, TOTP secret and backup code the "
        "portals issued.\n\n"
        "Runs: %d; secret values searched: **%d**; found where they must not be: **%d**. "
        "Codes a task asked for without `no_log` (to prove the search sees them): %d.\n"
        % (
            secrets.get("runs", 0),
            secrets.get("searched", 0),
            secrets.get("found", 0),
            secrets.get("asked_and_shown", 0),
        )
    )

    parts.append(
        "## Check mode\n\n"
        "Every module and state with `--check --diff`, then for real from the same state; "
        "and the `tfa_baseline` role in audit and in enforce mode over four portals (drifted, "
        "compliant, TFA off with a password login, names to resolve), counted per portal.\n\n"
        "Check runs: **%d**; writes or key-issuing calls during check: **%d**; runs whose "
        "changed result matched the real run: **%d**.\n"
        % (check.get("runs", 0), check.get("writes", 0), check.get("changed_agree", 0))
    )

    parts.append(
        "## Concurrency\n\n"
        "%d portals, one inventory host each, `forks: %d`: the `tfa_baseline` role enforces a "
        "baseline, then audits it. %d portals had drifted; %d of them answered their first "
        "policy write with 503 and `Retry-After`.\n\n"
        "Converged: **%d**; failed tasks: **%d**; policy writes accepted: **%d** (one per "
        "drifted portal); writes during the audit: **%d**. Enforce took %d s, audit %d s.\n"
        % (
            crowd.get("portals", 0),
            crowd.get("forks", 0),
            crowd.get("drifted", 0),
            crowd.get("busy", 0),
            crowd.get("converged", 0),
            crowd.get("failed_tasks", 0),
            crowd.get("writes_accepted", 0),
            crowd.get("audit_writes", 0),
            crowd.get("enforce_seconds", 0),
            crowd.get("audit_seconds", 0),
        )
    )

    parts.append("## Reproduce\n\n```\nmake venv collection\n%s\n```\n" % command)
    return "\n".join(parts)
