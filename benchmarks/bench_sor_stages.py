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

Then the row store's stages (``sor ingest --rows``, the marketplaces), from the summaries' parse:

- ``cut, parse wanted``: the wanted platforms' rows cut out of each block and parsed in full
  (``reader.iter_frames_and_rows``);
- ``duplicates, typing``: the summary's duplicate rules and the typing of the kept rows
  (``rows.RowSink`` without writing), before the summaries' aggregation;
- ``summarise, write``: the whole member with rows, Parquet files written (``reader.summarise_member``);
- and the whole member with the rows of every platform, for comparison.

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
    """Parse the arguments; run again under the worker environment, or measure."""
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
    """Return {name: lowest CPU-seconds per measured member over ``repeat`` runs (each after a warm-up)}."""
    best = {name: float("inf") for name, _ in named}
    for _ in range(repeat):
        for name, fn in named:
            fn(warm)
            t0 = _cpu()
            for task in measured:
                fn(task)
            best[name] = min(best[name], (_cpu() - t0) / len(measured))
    return best


def _row_stages(reader, rows, staging: str) -> list:
    """Return the row store's stages (``--rows``, the marketplaces), each a function of a member task."""
    from dataclasses import replace

    spec = rows.RowSpec(rows.marketplaces(), None, staging)
    spec_all = rows.RowSpec(None, None, staging)

    def cut(task):  # the summaries' parse, and the wanted rows cut out and parsed in full
        sink = rows.RowSink(spec, task.dump, task.index)
        chunks = reader.iter_member_chunks(task)
        for _ in reader.iter_frames_and_rows(chunks, task.dump, task.label, {}, sink.wanted_names):
            pass

    def typed(task):  # ... and the duplicate rules and the typing, without writing
        sink = rows.RowSink(spec, task.dump, task.index)
        sink._write = lambda frame: None
        reader._read_member(task, {}, reader.MemberSummariser(), sink)
        sink.finish()

    return [
        ("rows: + cut, parse wanted", cut),
        ("rows: + duplicates, typing", typed),
        ("rows: + summarise, write", lambda t: reader.summarise_member(replace(t, rows=spec))),
        ("rows of all platforms", lambda t: reader.summarise_member(replace(t, rows=spec_all))),
    ]


def _summary_stages(reader, pl, io) -> tuple[list, tuple]:
    """Return the summaries' stages and the parser's one-column aside, functions of a member task."""

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
    return stages, ("join + parse 1 column only", scan_one_column)


def run(args: argparse.Namespace, out: Path) -> int:
    """Measure every stage over the members and print the table."""
    import io
    import tempfile

    import polars as pl

    from dsa_explore.sor import reader, rows, schema  # after the re-exec: polars reads its environment once
    from dsa_explore.synth import sor as synth

    dump, warm, measured = _member_tasks(args, out, reader, synth)
    stages, aside = _summary_stages(reader, pl, io)
    with tempfile.TemporaryDirectory(dir=out, prefix="staging-") as staging:
        row_stages = _row_stages(reader, rows, staging)
        best = _best_cpu_per_member([*stages, aside, *row_stages], warm, measured, args.repeat)
    print(
        f"# bench_sor_stages: one process, POLARS_MAX_THREADS={os.environ.get('POLARS_MAX_THREADS')}, "
        f"{len(measured)} SYNTHETIC members of {dump.name}; inflate {reader.INFLATE}; "
        f"CPU-seconds per member, best of {args.repeat}"
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
    summary = best[stages[-1][0]]
    print(
        f"# one process: ratio floor / ingest = {floor / summary:.2f} "
        f"(target 0.5: the stages after inflating may cost at most {floor:.3f} s)"
    )
    _print_row_stages(best, row_stages, best[stages[3][0]], summary)
    return 0


def _print_row_stages(best: dict, row_stages: list, parsed: float, summary: float) -> None:
    """Print the row store's stages (``ingest --rows``) against the summaries' ``+ parse`` and whole."""
    print("# with rows (sor ingest --rows: the marketplaces)   cumulative  this stage  x summary")
    previous = parsed
    for name, _ in row_stages[:3]:
        print(f"  {name:48s} {best[name]:10.3f}  {best[name] - previous:+10.3f}  {best[name] / summary:9.2f}")
        previous = best[name]
    name = row_stages[3][0]
    print(f"  {name:48s} {best[name]:10.3f}  {'':10s}  {best[name] / summary:9.2f}")
    ratio = best[row_stages[2][0]] / summary
    print(
        f"# one process: rows for the marketplaces cost {ratio:.2f} x the summary alone "
        f"(target 1.3: {'met' if ratio <= 1.3 else 'NOT met'})"
    )


if __name__ == "__main__":
    sys.exit(main())
