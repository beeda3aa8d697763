"""Benchmark: where one worker's CPU goes, stage by stage, per CSV member of a statements-of-reasons dump.

Runs in one process under the ingest's worker environment (``dsa_explore.sor.ingest.worker_env()``;
the script starts itself again with it when needed) over the members of a SYNTHETIC dump written
by :mod:`dsa_explore.synth.sor` (seeded; the dump of ``bench_sor.py --out`` is reused when given the
same folder). Each line runs the pipeline up to one more stage, so the differences between lines
are the costs of the stages:

- ``inflate``: the floor's work, decompressing a member to nowhere (``reader.drain_member``);
- ``keep reads``: the same reads, kept until a block of ``reader.CHUNK_BYTES`` is full, cut at a
  line break and checked for backslashes (``reader.iter_member_chunks``);
- ``join``: the blocks joined into contiguous bytes for the parser;
- ``parse``: polars' CSV parser on the blocks (``reader.iter_frames``);
- ``summarise``: the whole member summarised (``reader.summarise_member``).

An aside measures polars' parser on the same blocks projecting one column instead of the 17 the
summaries need: the parser's own scan of the member, what no choice of columns can avoid.

Each stage is measured ``--repeat`` times over ``--members`` members (after one warm-up member) and
the lowest CPU time is kept (the 2 cores are shared).

    .venv/bin/python benchmarks/bench_sor_stages.py --out OUT
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
from pathlib import Path

from _scratch import scratch_folder

FLAG = "DSA_EXPLORE_BENCH_STAGES_CHILD"


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--rows", type=int, default=1_000_000, help="rows of the synthetic dump (100,000 per member)"
    )
    ap.add_argument("--members", type=int, default=8, help="members measured per stage")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", default=None, help="folder for the synthetic dump (default: a temp folder)")
    ap.add_argument("--seed", type=int, default=20261128)
    args = ap.parse_args()

    if os.environ.get(FLAG) != "1":
        from dsa_explore.sor import ingest

        env = {**os.environ, **ingest.worker_env(), FLAG: "1"}
        return subprocess.call([sys.executable, *sys.argv], env=env)

    with scratch_folder(args.out, "bench_sor_stages_") as out:
        return run(args, out)


def _member_tasks(args: argparse.Namespace, out: Path, reader, synth):
    """Write (or reuse) the SYNTHETIC dump; return (dump, warm-up task, measured tasks)."""
    folder = out / f"rows-{args.rows}"
    dump = folder / "sor-global-2025-07-01-full.zip"
    if not dump.exists():
        synth.write_synthetic_dump(folder, "2025-07-01", args.rows, seed=args.seed, processes=1)
    tasks, _ = reader.plan_dump(dump)
    if len(tasks) < 2:
        raise SystemExit(f"{dump.name}: {len(tasks)} member(s); use --rows of at least 200000")
    return dump, tasks[0], tasks[1 : 1 + args.members]


def _best_cpu_per_member(named, warm, measured, repeat: int) -> dict[str, float]:
    """Return {name: lowest CPU-seconds per measured member over ``repeat`` runs}, each run after a warm-up."""
    best = {name: float("inf") for name, _ in named}
    for _ in range(repeat):
        for name, fn in named:
            fn(warm)
            t0 = _cpu()
            for task in measured:
                fn(task)
            best[name] = min(best[name], (_cpu() - t0) / len(measured))
    return best


def run(args: argparse.Namespace, out: Path) -> int:
    import io

    import polars as pl

    from dsa_explore.sor import reader, schema  # after the re-exec: polars reads its environment once
    from dsa_explore.synth import sor as synth

    dump, warm, measured = _member_tasks(args, out, reader, synth)

    def frames(task):
        info: dict = {}
        for _ in reader.iter_frames(reader.iter_member_chunks(task), task.dump, task.label, info):
            pass

    def scan_one_column(task):
        # the parser's own floor: the same joined blocks, one column projected
        header = None
        for parts in reader.iter_member_chunks(task):
            if header is None:
                data = b"".join(parts)
                header = data[: data.find(b"\n")]
            else:
                data = b"".join([header, b"\n", *parts])
            pl.read_csv(
                io.BytesIO(data),
                columns=["platform_name"],
                infer_schema=False,
                schema_overrides={"platform_name": pl.Categorical},
            )

    stages = [
        ("inflate (the floor)", reader.drain_member),
        ("+ keep reads in blocks", lambda t: [None for _ in reader.iter_member_chunks(t)]),
        ("+ join blocks", lambda t: [b"".join(p) for p in reader.iter_member_chunks(t)]),
        ("+ parse (polars)", frames),
        ("+ summarise", reader.summarise_member),
    ]
    aside = ("join + parse 1 column only", scan_one_column)
    best = _best_cpu_per_member([*stages, aside], warm, measured, args.repeat)
    print(
        f"# bench_sor_stages: one process, POLARS_MAX_THREADS={os.environ.get('POLARS_MAX_THREADS')}, "
        f"{len(measured)} SYNTHETIC members of {dump.name}; inflate {reader.INFLATE}; CPU-seconds per member, "
        f"best of {args.repeat}"
    )
    print("# stage                      cumulative  this stage")
    previous = 0.0
    for name, _ in stages:
        print(f"  {name:26s} {best[name]:10.3f}  {best[name] - previous:+10.3f}")
        previous = best[name]
    joined = best[stages[2][0]]
    print(
        f"# aside: polars' parser projecting 1 column instead of {len(schema.NEEDED)} costs "
        f"{best[aside[0]] - joined:+.3f} s after the join (the parser's own scan of the member)"
    )
    floor = best[stages[0][0]]
    print(
        f"# one process: ratio floor / ingest = {floor / best[stages[-1][0]]:.2f} "
        f"(target 0.5: the stages after inflating may cost at most {floor:.3f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
