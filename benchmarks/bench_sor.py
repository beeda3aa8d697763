"""Benchmark: statements-of-reasons ingestion throughput and peak memory against the decompression floor.

Writes seeded SYNTHETIC daily dumps in the Commission's exact layout (outer zip storing inner
``.csv.zip`` files of 100,000-row CSV chunks; realistic platform, category and automation mix;
~1.07 GB of CSV per million rows compressed ~19x, calibrated to the published size of real dumps,
~1.05 GB and ~20x) into a temporary folder (or ``--out``; never commit it),
then measures in the same run, for each dump size:

- the floor: decompressing every CSV member to nowhere (``zipfile``, CRC-checked) with the same
  number of worker processes, started as a fresh command like the ingest, with the ingest's own
  inflate loop and inflater (``reader.drain_member``, ``reader.INFLATE``: isal, or zlib with
  ``DSA_EXPLORE_SOR_INFLATE=zlib``), in reads of
  ``reader.READ_BYTES`` (256 KiB: the ingest's reads, and the fastest of 64 KiB to 4 MiB measured)
  and under the ingest's worker environment (``ingest.worker_env()``: allocator settings);
- ingestion: ``dsa-explore sor ingest DUMP --store S --workers N --force`` as a subprocess;
- peak memory: the largest sum of RSS over the command's whole process tree (polled every 50 ms).

Each measurement runs ``--repeat`` times alternately (floor, ingest, floor, ...) and the fastest
is kept, because the 2 cores are shared. Targets: ingest throughput >= half the floor's; peak
memory < 1 GB at every size.

    .venv/bin/python benchmarks/bench_sor.py                    # 1M and 5M rows, 2 processes
    .venv/bin/python benchmarks/bench_sor.py --sizes 200000 --repeat 1   # quick check
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
from _scratch import scratch_folder

from dsa_explore.sor import reader
from dsa_explore.synth import sor as synth

FLOOR_CODE = """
import os, sys, time
from concurrent.futures import ProcessPoolExecutor
import multiprocessing as mp
from dsa_explore.sor import ingest, reader
if __name__ == "__main__":
    tasks, errors = reader.plan_dump(sys.argv[1])
    os.environ.update(ingest.worker_env())     # the ingest's worker environment
    with ProcessPoolExecutor(int(sys.argv[2]), mp_context=mp.get_context("spawn")) as ex:
        total = sum(ex.map(reader.drain_member, tasks))
    print(total)
"""


def ingest_command(exe: str, dumps: Path, store: Path, workers: int, *extra: str) -> list[str]:
    """Return the ``dsa-explore sor ingest`` command line every SoR benchmark times (no progress bar)."""
    return [
        exe,
        "sor",
        "ingest",
        str(dumps),
        "--store",
        str(store),
        "--workers",
        str(workers),
        "--no-progress",
        *extra,
    ]


def run_measured(cmd: list[str]) -> tuple[float, float, str]:
    """Run ``cmd``; return (seconds, peak RSS of the process tree in MB, stdout)."""
    seconds, peak, out, _ = run_measured_cpu(cmd)
    return seconds, peak, out


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_measured_cpu(cmd: list[str]) -> tuple[float, float, str, float]:
    """Run ``cmd``; return (seconds, peak RSS of the process tree in MB, stdout, CPU-seconds).

    The CPU-seconds (user + system) are those of the command's whole process tree (its worker
    processes are waited for by the command, so their times add up into it): on a shared machine
    they move far less with the load than the seconds do.
    """
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def poll():
        nonlocal peak
        try:
            parent = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            return
        while not done.is_set():
            total = 0
            try:
                procs = [parent, *parent.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            for p in procs:
                try:
                    total += p.memory_info().rss
                except psutil.NoSuchProcess:
                    pass
            peak = max(peak, total)
            time.sleep(0.05)

    th = threading.Thread(target=poll, daemon=True)
    th.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - t0
    done.set()
    th.join()
    if proc.returncode not in (0,):
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err[-2000:]}")
    return seconds, peak / 1e6, out, _children_cpu() - cpu0


def main() -> int:
    """Parse the arguments and measure in a scratch folder."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000000,5000000", help="rows per synthetic dump, comma-separated")
    ap.add_argument("--workers", type=int, default=2, help="worker processes for floor and ingest")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--out", default=None, help="folder for the synthetic dumps (default: a temp folder)")
    ap.add_argument("--seed", type=int, default=20261128)
    args = ap.parse_args()

    with scratch_folder(args.out, "bench_sor_") as out:
        return run(args, out)


def run(args: argparse.Namespace, out: Path) -> int:
    """Write (or reuse) the dumps, measure floor and ingest for each size, print the table."""
    exe = str(Path(sys.executable).with_name("dsa-explore"))
    print(
        f"# bench_sor: {os.cpu_count()} CPUs, {args.workers} worker processes, SYNTHETIC dumps in {out}; "
        f"load average at start {os.getloadavg()[0]:.1f}; inflate: {reader.INFLATE} (floor and ingest alike)"
    )
    print(
        "# rows       zip_MB  csv_MB | floor_s  floor_rows/s | ingest_s ingest_rows/s | ratio | "
        "floor_peak_MB ingest_peak_MB"
    )
    results = []
    for i, n in enumerate(int(s) for s in args.sizes.split(",")):
        day = f"2025-07-{i + 1:02d}"
        folder = out / f"rows-{n}"
        dump = folder / f"sor-global-{day}-full.zip"
        if not dump.exists():
            t = time.perf_counter()
            synth.write_synthetic_dump(folder, day, n, seed=args.seed + i, processes=args.workers)
            print(f"# wrote {dump.name} ({n:,} rows) in {time.perf_counter() - t:.0f} s", flush=True)
        tasks, _ = reader.plan_dump(dump)
        store = folder / "store"
        best_floor = best_ingest = float("inf")
        peak_floor = peak_ingest = 0.0
        csv_bytes = 0
        for _ in range(args.repeat):
            s, m, o = run_measured([sys.executable, "-c", FLOOR_CODE, str(dump), str(args.workers)])
            csv_bytes = int(o.strip())
            best_floor, peak_floor = min(best_floor, s), max(peak_floor, m)
            s, m, _ = run_measured(ingest_command(exe, dump, store, args.workers, "--force"))
            best_ingest, peak_ingest = min(best_ingest, s), max(peak_ingest, m)
        ratio = best_floor / best_ingest
        results.append((n, ratio, peak_ingest))
        print(
            f"{n:>10,} {dump.stat().st_size / 1e6:7.0f} {csv_bytes / 1e6:7.0f} | {best_floor:7.1f} "
            f"{n / best_floor:13,.0f} | {best_ingest:8.1f} {n / best_ingest:13,.0f} | {ratio:5.2f} | "
            f"{peak_floor:13,.0f} {peak_ingest:14,.0f}  ({len(tasks)} members)",
            flush=True,
        )
    ok_ratio = all(r >= 0.5 for _, r, _ in results)
    ok_mem = all(m < 1000 for *_, m in results)
    print(
        "# load average (1, 5, 15 min) at the end: "
        + ", ".join(f"{x:.1f}" for x in os.getloadavg())
        + " (the 2 cores are shared with other work)"
    )
    print(
        f"# target throughput >= 0.5 x floor: {'met' if ok_ratio else 'NOT met'}; "
        f"target peak memory < 1000 MB: {'met' if ok_mem else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
