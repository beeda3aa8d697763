"""The ``dsa-explore sor`` commands: ingest, summary, download.

Registered into the ``dsa-explore`` command by :func:`register`; importing this module is cheap
(argparse only): polars, the reader and Dask are imported when a command runs.

    dsa-explore sor ingest DUMP_OR_DIR... --store DIR [--since D --until D --platform P]
                           [--executor local|dask|dask-local --scheduler ADDR --workers N]
    dsa-explore sor summary --store DIR --by platform,category [--format csv|table] [--accounting]
    dsa-explore sor download --date D [--platform P] --to DIR [--base-url URL]

Exit codes: 0 success; 1 when a dump or member was refused (the rest is ingested and the message
names dump and member); 2 for usage errors.
"""

from __future__ import annotations

import argparse
import sys


def register(subparsers) -> None:
    """Add the ``sor`` command group to the ``dsa-explore`` subparsers."""
    p_sor = subparsers.add_parser("sor", help="statements of reasons: ingest daily dumps, summarise, download")
    sub = p_sor.add_subparsers(dest="sor_command", required=True)

    p_in = sub.add_parser("ingest", help="summarise daily dump zips into a store (incremental)")
    p_in.add_argument("paths", nargs="+", metavar="DUMP_OR_DIR", help="dump zip files or folders of them")
    p_in.add_argument("--store", required=True, help="store folder (created if missing)")
    p_in.add_argument("--since", help="first dump date to ingest (YYYY-MM-DD)")
    p_in.add_argument("--until", help="last dump date to ingest (YYYY-MM-DD)")
    p_in.add_argument("--platform", action="append", help="keep only this platform (canonical name; repeatable)")
    p_in.add_argument("--executor", choices=("local", "dask", "dask-local"), default="local")
    p_in.add_argument("--scheduler", help="dask scheduler address for --executor dask (tcp://host:8786)")
    p_in.add_argument("--workers", type=int, default=None, help="worker processes (default: CPU count)")
    p_in.add_argument("--force", action="store_true", help="re-ingest dumps even when unchanged")
    p_in.add_argument("--no-progress", action="store_true", help="no progress bar")
    p_in.set_defaults(func=cmd_ingest)

    p_sum = sub.add_parser("summary", help="print counts from a store (CSV or table), or its row account")
    p_sum.add_argument("--store", required=True, help="store folder written by `sor ingest`")
    p_sum.add_argument("--by", default="platform", help="comma-separated grouping columns (default platform)")
    p_sum.add_argument("--format", choices=("csv", "table"), default="csv")
    p_sum.add_argument("--since", help="first day counted (YYYY-MM-DD, by created_at)")
    p_sum.add_argument("--until", help="last day counted (YYYY-MM-DD, by created_at)")
    p_sum.add_argument("--platform", action="append",
                       help="count only this platform (repeatable; old names such as Amazon are mapped)")
    p_sum.add_argument("--accounting", action="store_true", help="print the per-dump row account instead")
    p_sum.set_defaults(func=cmd_summary)

    p_dl = sub.add_parser("download", help="download one daily dump (resumable, sha1-verified)")
    p_dl.add_argument("--date", required=True, help="YYYY-MM-DD")
    p_dl.add_argument("--platform", default=None, help="per-platform dump (default: global)")
    p_dl.add_argument("--version", choices=("full", "light"), default="full")
    p_dl.add_argument("--to", required=True, help="destination folder")
    p_dl.add_argument("--base-url", default=None, help="bucket URL (default: the Commission's public bucket)")
    p_dl.set_defaults(func=cmd_download)


def cmd_ingest(args: argparse.Namespace) -> int:
    from dsa_explore.sor import ingest as ing

    if args.executor == "dask" and not args.scheduler:
        print("dsa-explore sor ingest: --executor dask needs --scheduler ADDRESS", file=sys.stderr)
        return 2
    try:
        report = ing.ingest(args.paths, args.store, since=args.since, until=args.until, platforms=args.platform,
                            executor=args.executor, scheduler=args.scheduler, workers=args.workers,
                            progress=not args.no_progress, force=args.force)
    except (FileNotFoundError, ValueError) as exc:
        print(f"dsa-explore sor ingest: {exc}", file=sys.stderr)
        return 2
    rate = report.rows_read / report.seconds if report.seconds else 0
    for d in report.dumps:
        print(f"{d.dump}\t{d.action}\t{d.status}\trows_read={d.rows_read}\trows_summarised={d.rows_summarised}")
        for e in d.errors:
            print(f"dsa-explore sor ingest: refused: {e['error']}", file=sys.stderr)
    print(f"{len(report.dumps)} dump(s), {report.members} member(s), {report.rows_read:,} rows read in "
          f"{report.seconds:.1f} s ({rate:,.0f} rows/s)", file=sys.stderr)
    return 0 if report.ok else 1


def cmd_summary(args: argparse.Namespace) -> int:
    import polars as pl

    from dsa_explore.sor import query

    try:
        if args.accounting:
            frame = query.accounting(args.store)
        else:
            by = [b.strip() for b in args.by.split(",") if b.strip()]
            frame = query.counts(args.store, by, since=args.since, until=args.until, platforms=args.platform)
            if args.platform:
                present = set(query.platforms(args.store))
                for name in query.canonical_platforms(args.platform):
                    if name not in present:
                        print(f"dsa-explore sor summary: no statements of reasons of platform {name!r} in "
                              f"{args.store}; platforms there: {', '.join(sorted(present)) or '(none)'}",
                              file=sys.stderr)
    except (ValueError, FileNotFoundError) as exc:
        print(f"dsa-explore sor summary: {exc}", file=sys.stderr)
        return 2
    if args.format == "csv":
        sys.stdout.write(frame.write_csv())
    else:
        with pl.Config(tbl_rows=-1, tbl_cols=-1, fmt_str_lengths=80, tbl_width_chars=250):
            print(frame)
    return 0


def cmd_download(args: argparse.Namespace) -> int:
    from dsa_explore.sor import download as dl

    kwargs = {"base_url": args.base_url} if args.base_url else {}
    try:
        path = dl.download(args.date, args.to, platform=args.platform, version=args.version, progress=True, **kwargs)
    except (dl.DownloadError, ValueError) as exc:
        print(f"dsa-explore sor download: {exc}", file=sys.stderr)
        return 1
    print(path)
    return 0
