"""Benchmark: the same statements-of-reasons ingestion on a Dask LocalCluster (1 and 2 worker processes)
next to the local executor, over several SYNTHETIC days; checks the stores are byte-identical.

Writes seeded SYNTHETIC daily dumps in the Commission's exact layout into a temporary folder (or
``--out``; never commit it). Cluster start-up is timed separately from ingestion. Prints rows/s
per run and per worker, which is what a real cluster scales (see docs/sor-at-scale.md).

    .venv/bin/python benchmarks/bench_sor_dask.py                 # 4 days x 300,000 rows
    .venv/bin/python benchmarks/bench_sor_dask.py --days 2 --rows 100000
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from pathlib import Path

from _scratch import scratch_folder

from dsa_explore.sor import ingest
from dsa_explore.synth import sor as synth


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=4)
    ap.add_argument("--rows", type=int, default=300_000, help="rows per day")
    ap.add_argument("--out", default=None)
    ap.add_argument("--seed", type=int, default=20261128)
    args = ap.parse_args()

    with scratch_folder(args.out, "bench_sor_dask_") as out:
        return run(args, out)


def run(args: argparse.Namespace, out: Path) -> int:
    from distributed import LocalCluster

    dumps = out / "dumps"
    for d in range(args.days):
        day = f"2025-08-{d + 1:02d}"
        if not (dumps / f"sor-global-{day}-full.zip").exists():
            synth.write_synthetic_dump(dumps, day, args.rows, seed=args.seed + d, processes=2)
    total = args.days * args.rows
    print(
        f"# bench_sor_dask: {os.cpu_count()} CPUs; {args.days} SYNTHETIC days x {args.rows:,} rows = "
        f"{total:,} rows in {out}; load average at start {os.getloadavg()[0]:.1f}"
    )
    print(
        "# executor              workers  startup_s  ingest_s      rows/s  rows/s/worker  identical_to_local"
    )
    runs = []
    t0 = time.perf_counter()
    ingest.ingest([dumps], out / "store-local", executor="local", workers=2, force=True)
    s = time.perf_counter() - t0
    ref = snapshot(out / "store-local")
    print(
        f"  local (processes)       {2:>5}  {'-':>9}  {s:8.1f}  {total / s:10,.0f}  "
        f"{total / s / 2:13,.0f}  (reference)",
        flush=True,
    )
    runs.append(("local", 2, s))
    for n in (1, 2):
        t = time.perf_counter()
        with LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=40,
            env={"POLARS_MAX_THREADS": "1"},
        ) as cluster:
            startup = time.perf_counter() - t
            store = out / f"store-dask-{n}"
            t = time.perf_counter()
            ingest.ingest([dumps], store, executor="dask", scheduler=cluster.scheduler_address, force=True)
            s = time.perf_counter() - t
        same = snapshot(store) == ref
        print(
            f"  dask LocalCluster       {n:>5}  {startup:9.1f}  {s:8.1f}  {total / s:10,.0f}  "
            f"{total / s / n:13,.0f}  {same}",
            flush=True,
        )
        runs.append((f"dask-{n}", n, s))
    print(
        "# load average (1, 5, 15 min) at the end: "
        + ", ".join(f"{x:.1f}" for x in os.getloadavg())
        + " (the 2 cores are shared with other work)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
