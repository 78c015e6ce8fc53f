"""Add up the suite's counts, write docs/reliability.md, and compare with the baseline.

Runs in the pytest controller (tests/conftest.py calls ``start`` and ``finish``). The page is
written, and the baseline enforced, only when the whole suite ran: a run of a few selected
tests neither overwrites the figures nor fails for having fewer of them.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FIGURES = ROOT / ".build" / "reliability-figures.json"
BASELINE = HERE / "baseline.json"
PAGE = ROOT / "docs" / "reliability.md"
COMMAND = ".venv/bin/pytest -n 2 -m reliability tests/reliability"


def start(config):
    """Give this session, and the xdist workers it starts, a fresh counts directory."""
    os.environ["RELIABILITY_COUNTS_DIR"] = tempfile.mkdtemp(prefix="reliability-counts-")


def counts_dir():
    return Path(os.environ.get("RELIABILITY_COUNTS_DIR", ROOT / ".build" / "reliability"))


def whole_suite(config):
    option = config.option
    if getattr(option, "keyword", "") or getattr(option, "deselect", None):
        return False
    if "not" in (getattr(option, "markexpr", "") or ""):
        return False
    if getattr(option, "lf", False) or getattr(option, "exitfirst", False):
        return False
    for arg in config.args:
        path = Path(arg.split("::")[0]).resolve()
        if "::" not in arg and (path == HERE or path in HERE.parents):
            return True
    return False


def load():
    entries = []
    for path in sorted(counts_dir().glob("counts-*.jsonl")):
        entries += [json.loads(line) for line in path.read_text().splitlines() if line]
    return entries


def totals(entries):
    """{section: {figure: sum}}, plus per-kind figures where an entry names a kind."""
    result = {}
    for entry in entries:
        section = result.setdefault(entry["section"], {})
        kind = entry.get("kind")
        for name, value in entry.items():
            if name in ("section", "kind") or not isinstance(value, (int, float)):
                continue
            section[name] = section.get(name, 0) + value
            if kind:
                per_kind = section.setdefault("by_kind", {}).setdefault(kind, {})
                per_kind[name] = per_kind.get(name, 0) + value
        for name, value in entry.items():
            if isinstance(value, str) and name not in ("section", "kind"):
                section[name] = value
    return result


def regressions(figures, baseline, where=""):
    """Each figure below its minimum, or above its ``max_`` limit, as a sentence.

    A nested mapping in the baseline (``by_kind``) holds the minimums of that part.
    """
    problems = []
    for name, minimum in baseline.items():
        if name.startswith("_"):
            continue
        label = where + name
        if isinstance(minimum, dict):
            problems += regressions(figures.get(name, {}), minimum, label + ".")
        elif name.startswith("max_"):
            actual = figures.get(name[4:], 0)
            if actual > minimum:
                problems.append("%s is %s, at most %s" % (where + name[4:], actual, minimum))
        elif figures.get(name, 0) < minimum:
            problems.append(
                "%s is %s, the baseline needs at least %s" % (label, figures.get(name, 0), minimum)
            )
    return problems


def finish(config):
    """Problems to report (an empty list when all is well or the suite did not run whole)."""
    entries = load()
    shutil.rmtree(counts_dir(), ignore_errors=True)
    if not entries or not whole_suite(config):
        return []
    figures = totals(entries)
    baseline = json.loads(BASELINE.read_text())
    problems = regressions(figures, baseline)
    if not problems:
        PAGE.write_text(render(figures))
    FIGURES.parent.mkdir(parents=True, exist_ok=True)
    FIGURES.write_text(json.dumps(figures, indent=1, sort_keys=True))
    return problems


def render(figures):
    from sections import render_sections

    return render_sections(figures, COMMAND)
