"""The statements-of-reasons benchmark scripts run and print their tables (smoke tests, not timings:
the numbers themselves are quoted in docs/benchmarks.md from full runs)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(script: str, *args: str) -> str:
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args], capture_output=True,
                          text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def test_bench_sor_prints_floor_ingest_ratio_and_memory(tmp_path):
    out = _run("bench_sor.py", "--sizes", "200000", "--repeat", "1", "--out", str(tmp_path))
    row = next(line for line in out.splitlines() if line.lstrip().startswith("200,000"))
    # rows, zip MB, csv MB | floor s, floor rows/s | ingest s, ingest rows/s | ratio | peaks (members)
    nums = [float(x.replace(",", "")) for x in re.findall(r"[\d,]+(?:\.\d+)?", row)]
    floor_rows_s, ingest_rows_s, ratio = nums[4], nums[6], nums[7]
    assert floor_rows_s > 0 and ingest_rows_s > 0
    assert abs(ratio - ingest_rows_s / floor_rows_s) < 0.006    # the ratio is printed to 2 decimals
    assert row.rstrip().endswith("(2 members)")
    assert re.search(r"target throughput >= 0\.5 x floor: (met|NOT met); target peak memory < 1000 MB: (met|NOT met)",
                     out)
    # the ingest really ran: its store holds the dump's 200,000 rows
    manifest = (tmp_path / "rows-200000" / "store" / "manifest.json").read_text()
    assert '"rows_read": 200000' in manifest


def test_bench_sor_stages_prints_every_stage(tmp_path):
    out = _run("bench_sor_stages.py", "--rows", "200000", "--members", "1", "--repeat", "1", "--out", str(tmp_path))
    assert "POLARS_MAX_THREADS=1" in out                     # ran under the workers' environment
    stages = re.findall(r"^  (inflate \(the floor\)|\+ [a-z ()]+?)\s+(\d+\.\d+)\s+([+-]\d+\.\d+)$", out, re.M)
    assert [s[0] for s in stages] == ["inflate (the floor)", "+ keep reads in blocks", "+ join blocks",
                                      "+ parse (polars)", "+ summarise"]
    cumulative = [float(s[1]) for s in stages]
    assert all(c > 0 for c in cumulative)
    assert re.search(r"ratio floor / ingest = \d\.\d\d", out)
