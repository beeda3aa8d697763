"""Benchmark: the row store's cost at ingest, and regular-expression search over the stored rows.

Writes seeded SYNTHETIC daily dumps (``dsa_explore.synth.sor``, calibrated to real dumps' size; see
``docs/sor-at-scale.md``) and measures, in ONE run on the SAME dumps, each as a fresh
``dsa-explore`` command with the same worker processes (best of ``--repeat``, alternating):

1. summary-only ingest (the baseline): ``sor ingest DUMPS --store A --force``;
2. ingest with rows for the marketplaces (the default of ``--rows``): ``--rows``;
3. ingest with rows for every platform: ``--rows --platform all``;
4. ``sor search --store C --text REGEX --field decision_facts --count`` over store 3 (every row stored),
   as a command (Python start-up included) and the search call alone in one process.

Peak memory is the largest sum of RSS over each command's process tree (polled every 50 ms); the
CPU-seconds are the user and system time of each command's process tree (the command and its
workers), which a shared machine's load moves far less than the seconds: the ingest target is judged
on them, as the median over the rounds of each round's ratio (its two commands run one after the
other, so the machine's drifting speed weighs on both nearly alike).
Targets (issue 14): ingest with marketplace rows <= 1.3x the summary-only time; a regular-expression
search over 10 million stored rows' ``decision_facts`` < 10 s; peak memory < 1 GB throughout.

    .venv/bin/python benchmarks/bench_sor_rows.py --days 2 --rows-per-day 5000000   # 10 M rows
    .venv/bin/python benchmarks/bench_sor_rows.py --days 1 --rows-per-day 200000 --repeat 1   # quick check
    .venv/bin/python benchmarks/bench_sor_rows.py --peer shantay --peer-root DIR   # shantay too
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import peer_shantay
from _scratch import scratch_folder
from bench_sor import ingest_command, run_measured, run_measured_cpu

from dsa_explore.synth import sor as synth

SEARCH_CODE = """
import sys, time
from dsa_explore.sor import search
t = time.perf_counter()
out = search.count(sys.argv[1], sys.argv[2], fields=["decision_facts"])
print(f"{time.perf_counter() - t:.3f} {int(out['count'].sum())} {int(out['statements'].sum())}")
"""


def _du(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def main() -> int:
    """Parse the arguments and measure in a scratch folder."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=2, help="synthetic daily dumps")
    ap.add_argument("--rows-per-day", type=int, default=5_000_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument(
        "--text", default="counterfeit|unsafe product|trademark", help="regular expression searched"
    )
    ap.add_argument(
        "--out", default=None, help="folder for the synthetic dumps and stores (default: a temp folder)"
    )
    ap.add_argument("--seed", type=int, default=20261128)
    ap.add_argument("--peer", choices=["shantay"], help="also run the public tool on the same dumps")
    ap.add_argument("--peer-root", help="folder made by: python benchmarks/peer_shantay.py setup --root DIR")
    args = ap.parse_args()
    peer = peer_shantay.require(args.peer_root) if args.peer else None  # fail before any work
    with scratch_folder(args.out, "bench_sor_rows_") as out:
        rc = run(args, out)
        if peer is not None:
            dumps, n = _dumps(args, out), args.days * args.rows_per_day
            peer_shantay.compare(peer, dumps, out, n_rows=n, workers=args.workers, repeat=args.repeat)
        return rc


def _dumps(args, out: Path) -> Path:
    folder = out / f"dumps-{args.days}x{args.rows_per_day}"
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(args.days):
        day = f"2025-08-{i + 1:02d}"
        if not (folder / f"sor-global-{day}-full.zip").exists():
            t = time.perf_counter()
            synth.write_synthetic_dump(
                folder, day, args.rows_per_day, seed=args.seed + i, processes=args.workers
            )
            print(
                f"# wrote sor-global-{day}-full.zip ({args.rows_per_day:,} rows) "
                f"in {time.perf_counter() - t:.0f} s",
                flush=True,
            )
    return folder


def run(args: argparse.Namespace, out: Path) -> int:
    """Write (or reuse) the dumps, measure the three ingests and the search, print the tables."""
    exe = str(Path(sys.executable).with_name("dsa-explore"))
    n = args.days * args.rows_per_day
    print(
        f"# bench_sor_rows: {os.cpu_count()} CPUs (shared with other work), {args.workers} worker processes, "
        f"{args.days} SYNTHETIC dump(s) x {args.rows_per_day:,} rows = {n:,} rows in {out}; "
        f"load average at start {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    dumps = _dumps(args, out)
    variants = [
        ("summary only (baseline)", []),
        ("rows: marketplaces", ["--rows"]),
        ("rows: all platforms", ["--rows", "--platform", "all"]),
    ]
    best = {name: (float("inf"), 0.0, float("inf")) for name, _ in variants}
    rounds: list[dict[str, float]] = []  # CPU-seconds of each variant, per round
    for _ in range(args.repeat):
        rounds.append({})
        for k, (name, extra) in enumerate(variants):
            store = out / f"store-{k}"
            s, m, _, c = run_measured_cpu(ingest_command(exe, dumps, store, args.workers, "--force", *extra))
            b = best[name]
            best[name] = (min(b[0], s), max(b[1], m), min(b[2], c))
            rounds[-1][name] = c
    base, base_cpu = best[variants[0][0]][0], best[variants[0][0]][2]
    print(
        "# ingest                      seconds      rows/s  x_baseline  peak_MB  store_MB   CPU_s  "
        "x_baseline_CPU"
    )
    for k, (name, _) in enumerate(variants):
        s, m, c = best[name]
        print(
            f"  {name:<26} {s:8.1f} {n / s:11,.0f} {s / base:11.2f} {m:8,.0f} "
            f"{_du(out / f'store-{k}'):9,.0f} {c:7.1f} {c / base_cpu:15.2f}",
            flush=True,
        )
    store_all = out / "store-2"
    s_cmd, m_cmd, o_cmd = float("inf"), 0.0, ""
    inproc = float("inf")
    for _ in range(args.repeat):
        s, m, o = run_measured(
            [
                exe,
                "sor",
                "search",
                "--store",
                str(store_all),
                "--text",
                args.text,
                "--field",
                "decision_facts",
                "--count",
                "--format",
                "csv",
            ]
        )
        s_cmd, m_cmd, o_cmd = min(s_cmd, s), max(m_cmd, m), o
        s2, m2, o2 = run_measured([sys.executable, "-c", SEARCH_CODE, str(store_all), args.text])
        secs, hits, stored = o2.split()
        inproc = min(inproc, float(secs))
        m_cmd = max(m_cmd, m2)
    matched = sum(int(line.split(",")[-1]) for line in o_cmd.strip().splitlines()[1:])
    print(
        f"# search --text {args.text!r} --field decision_facts --count over {int(stored):,} stored rows: "
        f"{matched:,} match"
    )
    print(
        f"  command (with Python start-up) {s_cmd:6.1f} s; search call alone {inproc:6.1f} s; "
        f"{int(stored) / inproc:,.0f} rows/s; peak {m_cmd:,.0f} MB"
    )
    ratio = best["rows: marketplaces"][0] / base
    best_cpu = best["rows: marketplaces"][2] / base_cpu
    # each round's two commands run one after the other: the machine's speed drifts less between them
    per_round = [r["rows: marketplaces"] / r[variants[0][0]] for r in rounds]
    ratio_cpu = statistics.median(per_round)
    peak = max(max(b[1] for b in best.values()), m_cmd)
    print(
        "# load average (1, 5, 15 min) at the end: "
        + ", ".join(f"{x:.1f}" for x in os.getloadavg())
        + " (the 2 cores are shared with other work: figures move by +-30 % between runs)"
    )
    scaled = inproc * 10_000_000 / int(stored) if int(stored) else float("nan")
    # judged on the CPU-seconds: on the shared cores the seconds of one command move by 2x with the load
    print(
        "# rows-for-marketplaces / summary-only CPU-seconds per round (the commands one after the other): "
        + ", ".join(f"{r:.2f}" for r in per_round)
        + f"; best of each: {best_cpu:.2f}"
    )
    print(
        f"# target rows-for-marketplaces ingest <= 1.3 x summary-only: {ratio_cpu:.2f} x the CPU-seconds "
        f"of the process trees (median per round), {'met' if ratio_cpu <= 1.3 else 'NOT met'} (seconds: "
        f"{ratio:.2f} x; on a shared machine they move with the load, the CPU-seconds far less)"
    )
    short = int(stored) < 10_000_000
    scaled_note = (
        f" (scaled linearly to 10 M: {scaled:.1f} s; run with 10 M rows to show it)" if short else ""
    )
    print(
        f"# target search over 10 M rows < 10 s: {inproc:.1f} s over {int(stored):,} rows{scaled_note}"
        f", {'met' if (scaled if short else inproc) < 10 else 'NOT met'}"
    )
    print(f"# target peak memory < 1000 MB: {peak:,.0f} MB, {'met' if peak < 1000 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
