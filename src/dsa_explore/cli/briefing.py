"""``dsa-explore briefing``: execute ``notebooks/briefing.ipynb`` for a platform and export offline HTML."""

from __future__ import annotations

import argparse
import sys


def register(subparsers) -> None:
    """Add the ``briefing`` command to the ``dsa-explore`` subparsers."""
    p = subparsers.add_parser("briefing", help="execute notebooks/briefing.ipynb and export offline HTML")
    p.add_argument("--platform", default=None, help="platform to brief on (default AliExpress)")
    p.add_argument(
        "--output", default=None, help="output HTML path (default reports/briefing-<platform>.html)"
    )
    p.add_argument(
        "--sor-store",
        default=None,
        metavar="DIR",
        help="draw every statements-of-reasons number and chart from this store "
        "(written by `dsa-explore sor ingest ... --store DIR`) instead of the shipped extract",
    )
    p.add_argument(
        "--capture",
        action="append",
        default=[],
        metavar="PATH",
        help="a capture folder or file (.har, .warc, .warc.gz, .wacz, .html; repeatable): the listing, "
        "risk and hidden-link sections then rest on it instead of synthetic data",
    )
    p.set_defaults(func=cmd_briefing)


def cmd_briefing(args: argparse.Namespace) -> int:
    """Build the briefing; exit 2 with the list of known platforms for an unknown one."""
    from dsa_explore.briefing import export
    from dsa_explore.core.errors import InputFileError, UnknownPlatformError

    try:
        out = export.build(
            platform=args.platform, output=args.output, sor_store=args.sor_store, captures=args.capture
        )
    except (UnknownPlatformError, FileNotFoundError, InputFileError) as exc:
        print(f"dsa-explore briefing: {exc}", file=sys.stderr)
        return 2
    print(out)
    return 0
