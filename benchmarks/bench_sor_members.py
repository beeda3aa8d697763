"""Benchmark: ingest time against the number of members of one dump (it must grow linearly).

Writes SYNTHETIC dumps of N small inner zips (one CSV chunk each, 5 rows; per-platform dumps
really hold thousands of tiny or empty chunks), ingests each with ``dsa-explore sor ingest
--workers 2`` as a fresh command, and prints seconds, milliseconds per member and the per-member
cost against the smallest dump, measured in the same run. Linear means a ratio near 1 (before
issue 14 it grew with N: 1,000 members took 6 s, 4,000 took 80 s, 20,000 did not finish in 600 s).

    .venv/bin/python benchmarks/bench_sor_members.py                      # 1,000 4,000 16,000
    .venv/bin/python benchmarks/bench_sor_members.py --sizes 500,2000     # quick check
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from _scratch import scratch_folder
from bench_sor import ingest_command

from dsa_explore.sor import schema
from dsa_explore.synth.sor import php_csv_line, write_dump, zip_bytes

LAYOUT = schema.LAYOUTS["full-38"]


def write_many(folder: Path, n: int) -> Path:
    """Write a SYNTHETIC dump of ``n`` inner zips of 5 rows each."""
    header = ",".join(LAYOUT).encode() + b"\n"
    row = dict.fromkeys(LAYOUT)
    row.update(
        category="STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        platform_name="Temu",
        created_at="2025-07-01 10:00:00",
        decision_facts="SYNTHETIC row",
    )
    inner = []
    for i in range(n):
        lines = []
        for k in range(5):
            row["uuid"] = f"{i}-{k}"
            lines.append(php_csv_line([row[c] for c in LAYOUT]).encode())
        body = header + b"\n".join(lines) + b"\n"
        inner.append(
            (
                f"sor-temu-2025-07-01-full-{i:05d}.csv.zip",
                zip_bytes([(f"sor-temu-2025-07-01-full-{i:05d}-00000.csv", body)]),
            )
        )
    folder.mkdir(parents=True, exist_ok=True)
    return write_dump(folder / "sor-temu-2025-07-01-full.zip", inner)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,4000,16000", help="members per dump, comma-separated")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default=None, help="folder for the synthetic dumps (default: a temp folder)")
    args = ap.parse_args()
    exe = str(Path(sys.executable).with_name("dsa-explore"))
    with scratch_folder(args.out, "bench_sor_members_") as out:
        print(
            f"# bench_sor_members: {os.cpu_count()} CPUs, {args.workers} workers, SYNTHETIC dumps in {out}; "
            f"load average at start {os.getloadavg()[0]:.1f}"
        )
        print("# members   ingest_s  ms/member  per-member cost vs the smallest")
        base = None
        for n in (int(s) for s in args.sizes.split(",")):
            dump = write_many(out / f"m{n}", n)
            t = time.perf_counter()
            cmd = ingest_command(exe, dump, out / f"m{n}" / "store", args.workers, "--force")
            subprocess.run(cmd, check=True, capture_output=True)
            s = time.perf_counter() - t
            per = s / n * 1000
            base = base or per
            print(f"{n:>9,} {s:10.1f} {per:10.2f}  {per / base:5.2f}", flush=True)
        print("# load average (1, 5, 15 min) at the end: " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
