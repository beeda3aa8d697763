"""Benchmark: coordinator memory and staging stay flat over the days of one ingest run.

Writes ``--days`` SYNTHETIC daily dumps (``--rows`` rows each, in members of ``--rows-per-member``)
and ingests them all with ONE ``dsa-explore sor ingest DIR --workers N`` command, polling every
20 ms, from outside the command: the coordinator's resident memory (the command's own process, not
its workers), the whole process tree's, the bytes under ``<store>/.staging`` (the uuid hashes of
the dumps in flight) and how many days are committed (partitions in the store). Each sample counts
for the day in progress (committed days + 1). It prints the peaks of day 1 and of the last day,
their ratio, and whether they are within 10 % (the issue's target), plus every day's figures.

Before issue 14 nothing was committed until the end and the coordinator kept every member's
summary and staging for the whole run: ~29 MB of memory and 16 MB of staging per million rows.

    .venv/bin/python benchmarks/bench_sor_days.py                      # 30 days x 200,000 rows
    .venv/bin/python benchmarks/bench_sor_days.py --days 5 --rows 50000  # quick check
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
from _scratch import scratch_folder
from bench_sor import ingest_command

from dsa_explore.synth import sor as synth


def _staging_bytes(staging: Path) -> dict[str, int]:
    """Bytes under each dump's staging folder ``<store>/.staging/<dump>``."""
    out: dict[str, int] = {}
    try:
        for root, _, files in os.walk(staging):
            for f in files:
                try:
                    size = os.stat(os.path.join(root, f)).st_size
                except FileNotFoundError:
                    continue
                key = os.path.relpath(root, staging).split(os.sep)[0]
                out[key] = out.get(key, 0) + size
    except FileNotFoundError:
        pass
    return out


def _committed(store: Path) -> int:
    """Days committed: entries in the manifest, which is written last, so a day's peaks include its commit."""
    try:
        return len(json.loads((store / "manifest.json").read_text())["dumps"])
    except (FileNotFoundError, json.JSONDecodeError, KeyError):
        return 0


def measure(cmd: list[str], store: Path, stems: list[str]) -> tuple[dict[int, list[float]], float]:
    """Run ``cmd``; return the peaks per day and the seconds it took.

    The peaks are {day: [coordinator MB, tree MB, all staging MB, this day's staging MB]}, the first
    three while the day is in progress.
    """
    days = len(stems)
    index = {stem: i + 1 for i, stem in enumerate(stems)}
    peaks: dict[int, list[float]] = {d: [0.0, 0.0, 0.0, 0.0] for d in range(1, days + 1)}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def poll() -> None:
        try:
            parent = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            return
        while not done.is_set():
            day = min(days, _committed(store) + 1)
            try:
                own = parent.memory_info().rss
                tree = own + sum(c.memory_info().rss for c in parent.children(recursive=True))
            except psutil.NoSuchProcess:
                break
            staging = _staging_bytes(store / ".staging")
            p = peaks[day]
            p[0], p[1] = max(p[0], own / 1e6), max(p[1], tree / 1e6)
            p[2] = max(p[2], sum(staging.values()) / 1e6)
            for stem, size in staging.items():
                if stem in index:
                    q = peaks[index[stem]]
                    q[3] = max(q[3], size / 1e6)
            time.sleep(0.02)

    th = threading.Thread(target=poll, daemon=True)
    th.start()
    _, err = proc.communicate()
    done.set()
    th.join()
    if proc.returncode != 0:
        raise SystemExit(f"ingest failed ({proc.returncode}): {err[-2000:]}")
    return peaks, time.perf_counter() - t0


def main() -> int:
    """Parse the arguments, write the SYNTHETIC days (or reuse them) and measure one ingest of them all."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--rows", type=int, default=200_000, help="rows per day")
    ap.add_argument("--rows-per-member", type=int, default=50_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default=None, help="folder for the synthetic dumps (default: a temp folder)")
    ap.add_argument("--seed", type=int, default=20261202)
    args = ap.parse_args()
    exe = str(Path(sys.executable).with_name("dsa-explore"))
    with scratch_folder(args.out, "bench_sor_days_") as out:
        dumps = out / "dumps"
        dumps.mkdir(exist_ok=True)
        first = dt.date(2025, 8, 1)
        t = time.perf_counter()
        for i in range(args.days):
            day = (first + dt.timedelta(days=i)).isoformat()
            if not (dumps / f"sor-global-{day}-full.zip").exists():
                synth.write_synthetic_dump(
                    dumps,
                    day,
                    args.rows,
                    seed=args.seed + i,
                    rows_per_member=args.rows_per_member,
                    processes=args.workers if args.rows >= 100_000 else 1,
                )
        store = out / "store"
        if store.exists():
            import shutil

            shutil.rmtree(store)
        print(
            f"# bench_sor_days: {os.cpu_count()} CPUs, {args.workers} workers; {args.days} SYNTHETIC days x "
            f"{args.rows:,} rows ({args.rows // args.rows_per_member} members a day) in {out} "
            f"(written in {time.perf_counter() - t:.0f} s); load average at start {os.getloadavg()[0]:.1f}"
        )
        stems = [f"sor-global-{(first + dt.timedelta(days=i)).isoformat()}-full" for i in range(args.days)]
        peaks, seconds = measure(ingest_command(exe, dumps, store, args.workers), store, stems)
        total = args.days * args.rows
        print(
            f"# one ingest command: {total:,} rows in {seconds:.1f} s ({total / seconds:,.0f} rows/s); "
            f"{_committed(store)} days committed"
        )
        print(
            "# day  coordinator_peak_MB  process_tree_peak_MB  all_staging_peak_MB  this_day_staging_peak_MB"
        )
        for d, (own, tree, staging, mine) in peaks.items():
            print(f"{d:5d} {own:20.1f} {tree:21.1f} {staging:20.2f} {mine:25.2f}")
        unsampled = [d for d, p in peaks.items() if p[0] == 0]
        if unsampled:
            print(f"# days passed between two samples (no figures): {unsampled}")
        print(
            "# (all staging: the dumps in flight while the day is in progress; "
            "the last days have fewer after them)"
        )
        last = args.days
        ok = True
        for k, label in ((0, "coordinator memory"), (3, "staging of the day")):
            a, b = peaks[1][k], peaks[last][k]
            ratio = b / a if a else float("nan")
            within = a > 0 and b > 0 and abs(ratio - 1) <= 0.10
            ok &= within
            print(
                f"# {label}: day 1 peak {a:.2f} MB, day {last} peak {b:.2f} MB, ratio {ratio:.3f} "
                f"({'within' if within else 'NOT within'} 10 %)"
            )
        steady = [peaks[d][0] for d in range(2, last + 1) if peaks[d][0] > 0]  # days never sampled: none
        if last > 2 and steady and peaks[2][0] > 0:
            print(
                f"# coordinator memory from day 2 (after the first commit) to day {last}: "
                f"{min(steady):.1f} .. {max(steady):.1f} MB, day {last} / day 2 = "
                f"{peaks[last][0] / peaks[2][0]:.3f}; before issue 14 it grew ~29 MB per million rows "
                f"(+{29 * total / 1e6:.0f} MB over this run)"
            )
        print("# load average (1, 5, 15 min) at the end: " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
        print(f"# target: day-{last} peaks equal day 1 within 10 %: {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
