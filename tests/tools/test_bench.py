"""`make bench` still runs: its quick mode, end to end, into a scratch directory.

Only the shape of the page is checked, never a time: timings belong in the benchmark.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "tools" / "bench" / "bench.py"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    output = tmp_path_factory.mktemp("bench") / "performance.md"
    before = sorted((p.name, p.stat().st_mtime_ns) for p in (ROOT / "docs").glob("performance*"))
    completed = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    after = sorted((p.name, p.stat().st_mtime_ns) for p in (ROOT / "docs").glob("performance*"))
    assert after == before, "the quick run wrote into docs/"
    return output, json.loads(output.with_name("performance.json").read_text())


def test_the_quick_run_writes_the_page_the_plot_and_the_figures(quick_run):
    output, data = quick_run
    page = output.read_text()
    for heading in (
        "## Targets",
        "## Cost per task",
        "## Fleet scaling",
        "## Inside one module run",
        "### The module process alone",
        "## Gaps and what would close them",
        "## Reproduce",
    ):
        assert heading in page
    assert output.with_name("performance-fleet.png").stat().st_size > 0
    assert data["mode"] == "quick"


def test_every_cell_was_measured_with_its_requests(quick_run):
    _output, data = quick_run
    tasks = data["tasks"]
    assert tasks["settings_unchanged"]["requests"] == 1
    assert tasks["uri_unchanged"]["requests"] == 1
    cells = {name: cell for name, cell in tasks.items() if isinstance(cell, dict)}
    assert {"ping", "settings_unchanged", "uri_changed"} <= set(cells)
    assert all(isinstance(cell["per_task"], float) for cell in cells.values())
    assert {"ping", "uri", "docspace_tfa_settings"} <= set(data["payloads"])
    assert all(item["size"] > 0 for item in data["payloads"].values())
    assert {(c["portals"], c["forks"], c["mode"]) for c in data["fleet"]} == {
        (n, f, m) for n in (1, 3) for f in (1, 2) if f <= n for m in ("enforce", "audit")
    }
