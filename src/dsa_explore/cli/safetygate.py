"""The ``dsa-explore safetygate`` commands: download, build, alerts.

Registered into the ``dsa-explore`` command by :func:`register`; importing this module is cheap
(argparse only).

    dsa-explore safetygate download --since 2024-01-01 --to DIR [--until D] [--delay S] [--list-url URL]
    dsa-explore safetygate build XML_OR_DIR... --out alerts.parquet
    dsa-explore safetygate alerts alerts.parquet --format csv|table [--marketplace NAME] [--category C]

Exit codes: 0 success; 1 when a file cannot be read or downloaded (the message names file, alert and
field, or the URL); 2 for usage errors.
"""

from __future__ import annotations

import argparse
import re
import sys

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Return CSV/terminal-safe text: control characters escaped, a leading formula character neutralised."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        text = "'" + text
    return text


def register(subparsers) -> None:
    """Add the ``safetygate`` command group to the ``dsa-explore`` subparsers."""
    p = subparsers.add_parser(
        "safetygate", help="EU Safety Gate alerts: download weekly reports, build, list"
    )
    sub = p.add_subparsers(dest="safetygate_command", required=True)

    p_dl = sub.add_parser("download", help="download the weekly-report list and each week's XML (resumable)")
    p_dl.add_argument("--since", required=True, help="first publication date (YYYY-MM-DD)")
    p_dl.add_argument("--until", help="last publication date (YYYY-MM-DD)")
    p_dl.add_argument("--to", required=True, help="folder for the XML files (created if missing)")
    p_dl.add_argument("--delay", type=float, default=2.0, help="seconds between requests (default 2)")
    p_dl.add_argument("--timeout", type=float, default=60.0, help="seconds per request (default 60)")
    p_dl.add_argument(
        "--list-url", default=None, help="address of the weekly-report list (default: the portal)"
    )
    p_dl.set_defaults(func=cmd_download)

    p_b = sub.add_parser(
        "build", help="read weekly-report XML files into one alert table (Parquet + provenance)"
    )
    p_b.add_argument("paths", nargs="+", metavar="XML_OR_DIR")
    p_b.add_argument("--out", required=True, help="Parquet file to write (its provenance goes beside it)")
    p_b.set_defaults(func=cmd_build)

    p_a = sub.add_parser("alerts", help="print the alert table (CSV or table), lists joined by |")
    p_a.add_argument("table", help="alerts.parquet written by `safetygate build`")
    p_a.add_argument("--format", choices=("csv", "table"), default="csv")
    p_a.add_argument(
        "--marketplace", help="only alerts naming this marketplace as online trader (e.g. Amazon)"
    )
    p_a.add_argument("--category", help="only alerts in this product category (e.g. Toys)")
    p_a.set_defaults(func=cmd_alerts)


def _date(text: str, flag: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise SystemExit(f"dsa-explore safetygate: {flag} {text!r}: expected a date YYYY-MM-DD") from None


def cmd_download(args: argparse.Namespace) -> int:
    """Download weekly reports into ``--to``."""
    from dsa_explore.readers import safetygate as sg
    from dsa_explore.readers import safetygate_download as dl

    since = _date(args.since, "--since")
    until = _date(args.until, "--until") if args.until else None
    try:
        res = dl.download(
            since,
            args.to,
            until=until,
            list_url=args.list_url or sg.LIST_URL,
            delay=args.delay,
            timeout=args.timeout,
            log=lambda msg: print(msg, file=sys.stderr),
        )
    except sg.SafetyGateError as exc:
        print(f"dsa-explore safetygate download: {exc}", file=sys.stderr)
        return 1
    print(f"{len(res.fetched)} fetched, {len(res.skipped)} already present in {res.folder}")
    print(sg.ACKNOWLEDGEMENT)
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """Read the XML files and write the alert table with its provenance record."""
    from dsa_explore.readers import safetygate as sg

    try:
        out = sg.build_table(args.paths, args.out)
    except sg.SafetyGateError as exc:
        print(f"dsa-explore safetygate build: {exc}", file=sys.stderr)
        return 1
    print(f"{out['rows']} alerts from {len(out['inputs'])} weekly report(s) -> {args.out}")
    print(sg.ACKNOWLEDGEMENT)
    return 0


def cmd_alerts(args: argparse.Namespace) -> int:
    """Print the alert table, filtered, CSV-safe."""
    import csv

    import polars as pl

    from dsa_explore.analysis import safetygate as a
    from dsa_explore.readers import safetygate as sg

    try:
        alerts = sg.load_table(args.table)
    except sg.SafetyGateError as exc:
        print(f"dsa-explore safetygate alerts: {exc}", file=sys.stderr)
        return 1
    flat = a.flat_table(a.filter_alerts(alerts, marketplace=args.marketplace, category=args.category))
    if args.format == "table":
        with pl.Config(tbl_rows=-1, tbl_cols=-1, fmt_str_lengths=60, tbl_width_chars=200):
            print(
                flat.with_columns(
                    pl.col(c).map_elements(safe_cell, return_dtype=pl.String)
                    for c, t in flat.schema.items()
                    if t == pl.String
                )
            )
    else:
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(flat.columns)
        for row in flat.iter_rows():
            w.writerow([safe_cell(v) if not isinstance(v, bool) else str(v).lower() for v in row])
    print(f"# {flat.height} alerts. {sg.ACKNOWLEDGEMENT}", file=sys.stderr)
    return 0
