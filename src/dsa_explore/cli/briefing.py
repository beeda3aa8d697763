"""``dsa-explore briefing``: execute ``notebooks/briefing.ipynb`` for a platform and export offline HTML."""

from __future__ import annotations

import argparse
import sys


def register(subparsers) -> None:
    """Add the ``briefing`` command to the ``dsa-explore`` subparsers."""
    p = subparsers.add_parser("briefing", help="execute notebooks/briefing.ipynb and export offline HTML")
    p.add_argument("--platform", default=None, help="platform to brief on (default AliExpress)")
    p.add_argument("--output", default=None, help="output HTML path (default reports/briefing-<platform>.html)")
    p.add_argument("--capture", action="append", default=[], metavar="PATH",
                   help="a capture folder or file (.har, .warc, .warc.gz, .wacz, .html; repeatable): the listing, "
                        "risk and hidden-link sections then rest on it instead of synthetic data")
    p.set_defaults(func=cmd_briefing)


def cmd_briefing(args: argparse.Namespace) -> int:
    """Build the briefing; exit 2 naming the problem for an unknown platform or a missing capture path."""
    from dsa_explore.briefing import export
    from dsa_explore.core.errors import InputFileError, UnknownPlatformError

    try:
        out = export.build(platform=args.platform, output=args.output, captures=args.capture)
    except (UnknownPlatformError, InputFileError) as exc:
        print(f"dsa-explore briefing: {exc}", file=sys.stderr)
        return 2
    print(out)
    return 0
