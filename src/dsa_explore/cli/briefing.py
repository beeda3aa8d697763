"""``dsa-explore briefing``: execute ``notebooks/briefing.ipynb`` for a platform and export offline HTML."""

from __future__ import annotations

import argparse
import sys


def register(subparsers) -> None:
    """Add the ``briefing`` command to the ``dsa-explore`` subparsers."""
    p = subparsers.add_parser("briefing", help="execute notebooks/briefing.ipynb and export offline HTML")
    p.add_argument("--platform", default=None, help="platform to brief on (default AliExpress)")
    p.add_argument("--output", default=None, help="output HTML path (default reports/briefing-<platform>.html)")
    p.add_argument("--sor-store", default=None, metavar="DIR",
                   help="draw every statements-of-reasons number and chart from this store "
                        "(written by `dsa-explore sor ingest ... --store DIR`) instead of the shipped extract")
    p.set_defaults(func=cmd_briefing)


def cmd_briefing(args: argparse.Namespace) -> int:
    """Build the briefing; exit 2 with the list of known platforms for an unknown one."""
    from dsa_explore.briefing import export
    from dsa_explore.core.errors import UnknownPlatformError

    try:
        out = export.build(platform=args.platform, output=args.output, sor_store=args.sor_store)
    except (UnknownPlatformError, FileNotFoundError) as exc:
        print(f"dsa-explore briefing: {exc}", file=sys.stderr)
        return 2
    print(out)
    return 0
