"""The ``dsa-explore sor`` commands: ingest, summary, download.

Registered into the ``dsa-explore`` command by :func:`register`; importing this module is cheap
(argparse only): polars, the reader and Dask are imported when a command runs.

    dsa-explore sor ingest DUMP_OR_DIR... --store DIR [--since D --until D --platform P]
                           [--executor local|dask|dask-local --scheduler ADDR --workers N]
    dsa-explore sor summary --store DIR --by platform,category [--format csv|table] [--accounting]
    dsa-explore sor download (--date D | --since D1 --until D2) [--platform P] --to DIR [--base-url URL]
                             [--timeout S] [--max-gb N]
    dsa-explore sor check --store DIR --totals FILE

Exit codes: 0 success; 1 when a dump or member was refused (the rest is ingested and the message
names dump and member); 2 for usage errors (a bad date or reversed period, a ``--store`` that is a
file, a ``--platform`` in neither the platform registry nor the store or the dumps read).
"""

from __future__ import annotations

import argparse
import sys

from dsa_explore.cli import sor_rows as cli_rows


def register(subparsers) -> None:
    """Add the ``sor`` command group to the ``dsa-explore`` subparsers."""
    p_sor = subparsers.add_parser(
        "sor", help="statements of reasons: ingest daily dumps, summarise, download"
    )
    sub = p_sor.add_subparsers(dest="sor_command", required=True)

    p_in = sub.add_parser("ingest", help="summarise daily dump zips into a store (incremental)")
    p_in.add_argument("paths", nargs="+", metavar="DUMP_OR_DIR", help="dump zip files or folders of them")
    p_in.add_argument("--store", required=True, help="store folder (created if missing)")
    p_in.add_argument("--since", help="first dump date to ingest (YYYY-MM-DD)")
    p_in.add_argument("--until", help="last dump date to ingest (YYYY-MM-DD)")
    p_in.add_argument(
        "--platform", action="append", help="keep only this platform (canonical name; repeatable)"
    )
    p_in.add_argument("--executor", choices=("local", "dask", "dask-local"), default="local")
    p_in.add_argument("--scheduler", help="dask scheduler address for --executor dask (tcp://host:8786)")
    p_in.add_argument("--workers", type=int, default=None, help="worker processes (default: CPU count)")
    p_in.add_argument("--force", action="store_true", help="re-ingest dumps even when unchanged")
    p_in.add_argument("--no-progress", action="store_true", help="no progress bar")
    p_in.add_argument(
        "--wait",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="when another ingest is writing the store, wait for it (default) or, with "
        "--no-wait, stop with exit code 2",
    )
    cli_rows.add_ingest_options(p_in)
    p_in.set_defaults(func=cmd_ingest)

    p_sum = sub.add_parser("summary", help="print counts from a store (CSV or table), or its row account")
    p_sum.add_argument("--store", required=True, help="store folder written by `sor ingest`")
    p_sum.add_argument("--by", default="platform", help="comma-separated grouping columns (default platform)")
    p_sum.add_argument("--format", choices=("csv", "table"), default="csv")
    p_sum.add_argument("--since", help="first day counted (YYYY-MM-DD, by created_at)")
    p_sum.add_argument("--until", help="last day counted (YYYY-MM-DD, by created_at)")
    p_sum.add_argument(
        "--platform",
        action="append",
        help="count only this platform (repeatable; old names such as Amazon are mapped)",
    )
    p_sum.add_argument("--accounting", action="store_true", help="print the per-dump row account instead")
    p_sum.set_defaults(func=cmd_summary)

    p_dl = sub.add_parser(
        "download", help="download daily dumps: one day or a period (resumable, sha1-verified)"
    )
    when = p_dl.add_mutually_exclusive_group(required=True)
    when.add_argument("--date", help="one day, YYYY-MM-DD")
    when.add_argument("--since", help="first day of a period, YYYY-MM-DD (with --until)")
    p_dl.add_argument("--until", help="last day of the period, YYYY-MM-DD (default: --since)")
    p_dl.add_argument("--platform", default=None, help="per-platform dump (default: global)")
    p_dl.add_argument("--version", choices=("full", "light"), default="full")
    p_dl.add_argument("--to", required=True, help="destination folder")
    p_dl.add_argument("--base-url", default=None, help="bucket URL (default: the Commission's public bucket)")
    p_dl.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        help="seconds without data before a connection is resumed (default 60)",
    )
    p_dl.add_argument(
        "--max-gb",
        type=float,
        default=None,
        help="stop before downloading more than this many GB in total (default 2000)",
    )
    p_dl.set_defaults(func=cmd_download)

    p_ck = sub.add_parser("check", help="compare each ingested day with the published per-day totals")
    p_ck.add_argument("--store", required=True, help="store folder written by `sor ingest`")
    p_ck.add_argument(
        "--totals",
        required=True,
        help="CSV or Parquet with columns date,rows (shipped: data/tdb/sor-daily-totals.csv)",
    )
    p_ck.add_argument("--format", choices=("csv", "table"), default="csv")
    p_ck.set_defaults(func=cmd_check)

    cli_rows.register(sub)  # search, sample, rows (the row store)


def _ingest_platforms(names: list[str] | None) -> list[str] | None:
    """Return ``--platform`` names with registry names in the registry's spelling (any case or slug)."""
    from dsa_explore.core import platforms as registry

    if not names:
        return names
    by_slug = {registry.slug(k): k for k in registry.KNOWN_PLATFORMS}
    return [by_slug.get(registry.slug(n), n) if n.strip().lower() != "all" else n for n in names]


def _check_store_folder(store: str) -> None:
    """Raise ``NotADirectoryError`` when ``--store`` names something that is not a folder."""
    from pathlib import Path

    path = Path(store)
    if path.exists() and not path.is_dir():
        raise NotADirectoryError(
            f"--store {store}: exists and is not a folder; expected a store folder (created if missing)"
        )


def _unseen_platforms(names: list[str] | None, store: str) -> str | None:
    """Return the message for ``--platform`` names in neither the registry nor the store after ingest."""
    from dsa_explore.cli.sor_rows import nearest
    from dsa_explore.core import platforms as registry
    from dsa_explore.core.safetext import escape_controls
    from dsa_explore.sor import query, taxonomy

    if not names or any(n.strip().lower() == "all" for n in names):
        return None
    known = {registry.slug(k) for k in registry.KNOWN_PLATFORMS}
    present = query.platforms(store)
    unseen = [
        n
        for n in sorted({taxonomy.canonical_platform(n) for n in names})
        if registry.slug(n) not in known and n not in present
    ]
    if not unseen:
        return None
    return "; ".join(
        f"--platform '{escape_controls(n)}': neither in the platform registry "
        f"({', '.join(registry.KNOWN_PLATFORMS)}) nor in the dumps read, which were recorded without "
        f"any statement of it: ingest again with the right name"
        f"{nearest(n, [*present, *registry.KNOWN_PLATFORMS])}"
        for n in unseen
    )


def _refusal(error: dict) -> str:
    """Return a refusal for the terminal: the member name (already quoted by ``repr``) escaped once."""
    from dsa_explore.core.safetext import escape_controls

    message, member = error["error"], error.get("member")
    if member and repr(member) in message:
        head, _, tail = message.partition(repr(member))
        return f"{escape_controls(head)}'{escape_controls(member)}'{escape_controls(tail)}"
    return escape_controls(message)


def _summary_line(report) -> str:
    """Return the run's summary line: only the dumps read in this run count (skipped ones apart)."""
    read = [d for d in report.dumps if d.action != "skipped"]
    skipped = len(report.dumps) - len(read)
    rows = sum(d.rows_read for d in read)
    rate = f" ({rows / report.seconds:,.0f} rows/s)" if read and report.seconds else ""
    return (
        f"{len(read)} dump(s) read, {report.members} member(s), {rows:,} rows read in "
        f"{report.seconds:.1f} s{rate}" + (f"; {skipped} dump(s) skipped (unchanged)" if skipped else "")
    )


def cmd_ingest(args: argparse.Namespace) -> int:
    """Ingest dumps into the store; print one line per dump; exit 1 if a dump was refused, 2 on bad input."""
    from dsa_explore.sor import ingest as ing

    if args.executor == "dask" and not args.scheduler:
        print("dsa-explore sor ingest: --executor dask needs --scheduler ADDRESS", file=sys.stderr)
        return 2
    platforms = _ingest_platforms(args.platform)
    try:
        cli_rows.check_dates(args.since, args.until)
        _check_store_folder(args.store)
        report = ing.ingest(
            args.paths,
            args.store,
            since=args.since,
            until=args.until,
            platforms=platforms,
            executor=args.executor,
            scheduler=args.scheduler,
            workers=args.workers,
            progress=not args.no_progress,
            force=args.force,
            wait=args.wait,
            rows=args.rows,
            columns=cli_rows._split(args.columns),
        )
    except (FileNotFoundError, NotADirectoryError, ValueError, ing.StoreLocked) as exc:
        print(f"dsa-explore sor ingest: {exc}", file=sys.stderr)
        return 2
    for d in report.dumps:
        print(
            f"{d.dump}\t{d.action}\t{d.status}\trows_read={d.rows_read}\trows_summarised={d.rows_summarised}"
        )
        for e in d.errors:
            # member names come from the zip: untrusted, escaped like the data
            print(f"dsa-explore sor ingest: refused: {_refusal(e)}", file=sys.stderr)
    print(_summary_line(report), file=sys.stderr)
    # a name only the dumps can vouch for: checked once some statement was read
    read_some = any(d.rows_read for d in report.dumps if d.status != "refused")
    unseen = _unseen_platforms(platforms, args.store) if read_some else None
    if unseen:
        print(f"dsa-explore sor ingest: {unseen}", file=sys.stderr)
    if not report.ok:
        return 1
    return 2 if unseen else 0


def cmd_summary(args: argparse.Namespace) -> int:
    """Print the store's counts (or its per-dump accounting), escaped for the terminal or CSV-safe."""
    import polars as pl

    from dsa_explore.core.safetext import safe_frame
    from dsa_explore.sor import query

    try:
        if args.accounting:
            frame = query.accounting(args.store)
        else:
            by = [b.strip() for b in args.by.split(",") if b.strip()]
            cli_rows.check_dates(args.since, args.until)
            plats = None
            if args.platform:
                present = query.platforms(args.store)
                plats = cli_rows.resolve_platforms(
                    args.platform, present, args.store, "summary", what="statements of reasons"
                )
            frame = query.counts(args.store, by, since=args.since, until=args.until, platforms=plats)
    except (ValueError, FileNotFoundError) as exc:
        print(f"dsa-explore sor summary: {exc}", file=sys.stderr)
        return 2
    # text from the data is untrusted: control characters escaped, formulas neutralised in CSV
    frame = safe_frame(frame, csv=args.format == "csv")
    if args.format == "csv":
        sys.stdout.write(frame.write_csv())
    else:
        with pl.Config(tbl_rows=-1, tbl_cols=-1, fmt_str_lengths=80, tbl_width_chars=250):
            print(frame)
    return 0


def cmd_download(args: argparse.Namespace) -> int:
    """Download one day or a period of daily dumps into ``--to``; exit 1 if a day failed."""
    from dsa_explore.sor import download as dl

    kwargs = {"base_url": args.base_url} if args.base_url else {}
    kwargs.update(platform=args.platform, version=args.version, timeout=args.timeout)
    max_bytes = int(args.max_gb * 1e9) if args.max_gb is not None else dl.MAX_BYTES
    if args.date:
        if args.until:
            print("dsa-explore sor download: --until goes with --since, not --date", file=sys.stderr)
            return 2
        try:
            path = dl.download(args.date, args.to, progress=True, max_bytes=max_bytes, **kwargs)
        except (dl.DownloadError, ValueError) as exc:
            print(f"dsa-explore sor download: {exc}", file=sys.stderr)
            return 1
        print(path)
        return 0

    def said(rec) -> None:
        if rec.path is not None:
            print(rec.path, flush=True)
        else:
            print(f"dsa-explore sor download: {rec.date}: {rec.error}", file=sys.stderr, flush=True)

    try:
        done = dl.download_period(
            args.since,
            args.until or args.since,
            args.to,
            max_bytes=max_bytes,
            on_day=said,
            progress=sys.stderr.isatty(),
            **kwargs,
        )
    except ValueError as exc:
        print(f"dsa-explore sor download: {exc}", file=sys.stderr)
        return 2
    failed = [r.date for r in done if r.error]
    print(
        f"dsa-explore sor download: {len(done) - len(failed)} of {len(done)} day(s) downloaded"
        + (f"; failed: {', '.join(failed)}" if failed else "")
        + f"; next: dsa-explore sor ingest {args.to} --store DIR",
        file=sys.stderr,
    )
    return 1 if failed else 0


def cmd_check(args: argparse.Namespace) -> int:
    """Compare the store's rows per day with the published totals; exit 1 if a day differs."""
    import polars as pl

    from dsa_explore.sor import check as ck

    try:
        frame = ck.check(args.store, args.totals)
    except (FileNotFoundError, ValueError) as exc:
        print(f"dsa-explore sor check: {exc}", file=sys.stderr)
        return 2
    if args.format == "csv":
        sys.stdout.write(frame.write_csv())
    else:
        with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=200):
            print(frame)
    differs = frame.filter(pl.col("status") == "differs")
    for r in differs.iter_rows(named=True):
        print(
            f"dsa-explore sor check: {r['date']}: {r['rows_in_store']:,} rows read from {r['dump']} "
            f"({r['dump_status']}), {r['published']:,} published ({r['difference']:+,})",
            file=sys.stderr,
        )
    counts = dict(frame.group_by("status").len().iter_rows())
    print(
        "dsa-explore sor check: " + ", ".join(f"{counts[k]} {k}" for k in sorted(counts))
        if counts
        else "dsa-explore sor check: the store holds no dump",
        file=sys.stderr,
    )
    return 1 if differs.height else 0
