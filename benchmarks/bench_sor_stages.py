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

Then the row store's stages (``sor ingest --rows``, the marketplaces), each on top of the whole summary:

- ``cut, parse wanted``: the whole summary, and the wanted platforms' rows cut out of each block and
  parsed in full, the cuts of successive blocks together (``reader.iter_frames_and_rows``,
  ``batch_rows``);
- ``duplicates, typing``: the summary's duplicate rules and the typing of the kept rows
  (``rows.RowSink`` without writing);
- ``write``: the whole member with rows, Parquet files written (``reader.summarise_member``);
- and, for comparison, the whole member with the rows of every platform, and with AliExpress's
  rows only (``--rows --platform AliExpress``: a smaller share of the rows, near the marketplaces'
  share over the database's whole history).

The share of the rows kept changes the cost: the script prints the marketplaces' share of the
synthetic platform mix beside their real share of the database's rows by period, from the shipped
real statistics (``data/tdb/sor-marketplaces-daily.parquet`` and ``data/tdb/sor-daily-totals.csv``).

Last, the row store's floor: per member, the wanted rows' lines cut out beforehand, untimed, then
timed only what storing them needs whatever the code around it (polars parsing those lines, typing,
writing one Parquet file): the ratio that work alone gives against the summary.

Each stage is measured ``--repeat`` times over ``--members`` members (after one warm-up member) and
the lowest CPU time is kept (the 2 cores are shared). The target line is judged on a paired
measurement instead: each member summarised, then read with marketplace rows, right after each
other, and the median over ``--repeat`` rounds of their ratio. The lowest times of two stages come
from different moments, and the machine's speed drifts by up to a third between them.

    .venv/bin/python benchmarks/bench_sor_stages.py --out OUT
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

from _scratch import scratch_folder

FLAG = "DSA_EXPLORE_BENCH_STAGES_CHILD"
#: The platform of the one-platform comparison line (the case the issue starts from).
ONE_PLATFORM = "AliExpress"
#: Periods of the real shares printed: (label, first day, last day), inclusive.
PERIODS = (
    ("2024", "2024-01-01", "2024-12-31"),
    ("H1 2025", "2025-01-01", "2025-06-30"),
    ("H2 2025", "2025-07-01", "2025-12-31"),
    ("whole history", "2023-09-25", "2026-01-10"),
)


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


def _paired_ratios(summary, with_rows, warm, measured, repeat: int) -> list[float]:
    """Return, per round, the CPU-seconds of ``with_rows`` over those of ``summary`` on the same members.

    Each member is summarised, then read with rows, right after each other: the machine's speed,
    which drifts by a third between runs on the shared cores, is then nearly the same for both.
    """
    ratios = []
    for _ in range(repeat):
        summary(warm)
        with_rows(warm)
        a = b = 0.0
        for task in measured:
            t0 = _cpu()
            summary(task)
            t1 = _cpu()
            with_rows(task)
            a, b = a + t1 - t0, b + _cpu() - t1
        ratios.append(b / a)
    return ratios


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
    spec_one = rows.RowSpec((ONE_PLATFORM,), None, staging)

    def cut(task):  # the summary, and the wanted rows cut out and parsed in full (then dropped)
        sink = rows.RowSink(spec, task.dump, task.index)
        acc = reader.MemberSummariser()
        chunks = reader.iter_member_chunks(task)
        for frame, _ in reader.iter_frames_and_rows(
            chunks, task.dump, task.label, {}, sink.wanted_names, batch_rows=rows.FLUSH_ROWS
        ):
            if frame is not None:
                acc.add(frame)
        acc.finish()

    def typed(task):  # ... and the duplicate rules and the typing, without writing
        sink = rows.RowSink(spec, task.dump, task.index)
        sink._write = lambda frame: None
        acc = reader.MemberSummariser()
        reader._read_member(task, {}, acc, sink, batch_rows=rows.FLUSH_ROWS)
        acc.finish()
        sink.finish()

    return [
        ("rows: + cut, parse wanted", cut),
        ("rows: + duplicates, typing", typed),
        ("rows: + write", lambda t: reader.summarise_member(replace(t, rows=spec))),
        ("rows of all platforms", lambda t: reader.summarise_member(replace(t, rows=spec_all))),
        (f"rows of {ONE_PLATFORM} only", lambda t: reader.summarise_member(replace(t, rows=spec_one))),
    ]


def _row_floor_stages(reader, rows, staging: str, tasks: list) -> list:
    """Return the row store's irreducible work per member, its inputs prepared outside the timing.

    For each member the wanted rows' lines are cut out beforehand (no search for them, no check, no
    hand-over, no split by platform); what is timed is what storing them needs whatever the code
    around it: polars parsing those lines (the columns the summaries do not parse), typing the rows
    (``rows.typed_rows``) and writing them as ONE Parquet file (``rows.STATISTICS``).
    """
    spec = rows.RowSpec(rows.marketplaces(), None, staging)
    bodies, frames, typed = {}, {}, {}
    for task in tasks:
        sink = rows.RowSink(spec, task.dump, task.index)
        cuts = []
        for frame, block in reader._iter_parsed(
            reader.iter_member_chunks(task), task.dump, task.label, {}, False, keep=True
        ):
            names = sink.wanted_names(frame)
            cut = reader._cut_of(block, frame, names) if names and block.parsed is not None else None
            if cut is not None:
                cuts.append(cut)
        have = [c for c in cuts[0].known.columns if c not in ("uuid", "created_at")]
        rest = [c for c in cuts[0].header if c not in have]
        bodies[task.index] = (b"".join([cuts[0].canonical_header, b"\n", *(c.body for c in cuts)]), rest)
        frames[task.index] = reader._parse_cuts(cuts, strict=True)
        typed[task.index] = rows.typed_rows(frames[task.index], task.dump)
    out = Path(staging) / "floor.parquet"

    def parse(task):
        body, rest = bodies[task.index]
        reader._read_polars(body, rest, {})

    def write(task):
        typed[task.index].write_parquet(
            out, compression="zstd", compression_level=1, statistics=rows.STATISTICS
        )

    return [
        ("floor: parse the cut lines", parse),
        ("floor: type the rows", lambda t: rows.typed_rows(frames[t.index], t.dump)),
        ("floor: write one file", write),
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
        floor_stages = _row_floor_stages(reader, rows, staging, [warm, *measured])
        best = _best_cpu_per_member([*stages, aside, *row_stages, *floor_stages], warm, measured, args.repeat)
        paired = _paired_ratios(stages[-1][1], row_stages[2][1], warm, measured, args.repeat)
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
    _print_row_stages(best, row_stages, summary, paired)
    _print_shares(pl, rows, synth)
    _print_floor(best, floor_stages, summary)
    return 0


def _print_floor(best: dict, floor_stages: list, summary: float) -> None:
    """Print the row store's irreducible work and the ratio it alone gives."""
    print("# the row store's floor (inputs prepared untimed: the lines already cut)   this stage")
    for name, _ in floor_stages:
        print(f"  {name:48s} {best[name]:+10.3f}")
    floor = sum(best[name] for name, _ in floor_stages)
    print(
        f"# one process: parsing, typing and writing the kept rows alone cost {floor:.3f} s: "
        f"{(summary + floor) / summary:.2f} x the summary (target 1.3 leaves {0.3 * summary:.3f} s)"
    )


def _print_shares(pl, rows, synth) -> None:
    """Print the kept platforms' share of the synthetic rows, and of the real database's rows by period."""
    from dsa_explore.core.paths import data_dir
    from dsa_explore.sor import taxonomy

    groups = (("the marketplaces", set(rows.marketplaces())), (ONE_PLATFORM, {ONE_PLATFORM}))
    mix = {taxonomy.canonical_platform(name): share for name, share in synth.PLATFORM_MIX}
    print("# share of the rows kept       synthetic mix  " + "  ".join(f"{p[0]:>13s}" for p in PERIODS))
    daily = data_dir() / "tdb" / "sor-marketplaces-daily.parquet"
    totals = data_dir() / "tdb" / "sor-daily-totals.csv"
    if not (daily.exists() and totals.exists()):
        print(f"#   (no real shares: {daily} or {totals} is missing)")
        return
    counts = pl.read_parquet(daily).filter(pl.col("measure") == "rows")
    total = pl.read_csv(totals, schema_overrides={"date": pl.Date})
    for label, platforms in groups:
        real = []
        for _, first, last in PERIODS:
            days = pl.col("date").is_between(pl.lit(first).str.to_date(), pl.lit(last).str.to_date())
            kept = counts.filter(days & pl.col("platform").is_in(sorted(platforms)))["count"].sum()
            real.append(kept / total.filter(days)["rows"].sum())
        synthetic = sum(mix.get(p, 0.0) for p in platforms) / sum(mix.values())
        print(f"  {label:28s} {synthetic:13.1%}  " + "  ".join(f"{r:13.1%}" for r in real))
    print(f"# real: {daily.name} and {totals.name} (the database's own daily statistics, up to 2026-01-10)")


def _print_row_stages(best: dict, row_stages: list, summary: float, paired: list[float]) -> None:
    """Print the row store's stages (``ingest --rows``), each on top of the whole summary."""
    print("# with rows (sor ingest --rows: the marketplaces)   cumulative  this stage  x summary")
    previous = summary
    for name, _ in row_stages[:3]:
        print(f"  {name:48s} {best[name]:10.3f}  {best[name] - previous:+10.3f}  {best[name] / summary:9.2f}")
        previous = best[name]
    for name, _ in row_stages[3:]:
        print(f"  {name:48s} {best[name]:10.3f}  {'':10s}  {best[name] / summary:9.2f}")
    ratio = statistics.median(paired)
    print(
        f"# one process, each member summarised then read with rows, right after each other: "
        f"{ratio:.2f} x (median of {len(paired)} round{'s' * (len(paired) != 1)}: "
        f"{', '.join(f'{r:.2f}' for r in paired)}; "
        f"the best-of figures above come from different moments)"
    )
    print(
        f"# one process: rows for the marketplaces cost {ratio:.2f} x the summary alone "
        f"(target 1.3: {'met' if ratio <= 1.3 else 'NOT met'})"
    )


if __name__ == "__main__":
    sys.exit(main())
