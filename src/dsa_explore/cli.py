"""The ``dsa-explore`` command: build briefings, ingest statements of reasons, list data.

Subcommands are registered by their modules (``register(subparsers)``) and imported only
when used, so ``dsa-explore briefing`` does not pay for the SoR machinery and vice versa.
"""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dsa-explore", description="Examine marketplaces' DSA compliance.")
    sub = parser.add_subparsers(dest="command", required=True)

    p_brief = sub.add_parser("briefing", help="execute notebooks/briefing.ipynb and export offline HTML")
    p_brief.add_argument("--platform", default=None, help="platform to brief on (default AliExpress)")
    p_brief.add_argument("--output", default=None, help="output HTML path (default reports/briefing-<platform>.html)")

    sub.add_parser("data", help="list the shipped datasets with their provenance")

    try:
        from dsa_explore.sor import cli as sor_cli
    except ImportError:  # pragma: no cover - the SoR subpackage is always shipped
        sor_cli = None
    if sor_cli is not None:
        sor_cli.register(sub)
    from dsa_explore import cli_capture

    cli_capture.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "briefing":
        from dsa_explore import briefing

        try:
            out = briefing.build(platform=args.platform, output=args.output)
        except briefing.UnknownPlatformError as exc:
            print(f"dsa-explore briefing: {exc}", file=sys.stderr)
            return 2
        print(out)
        return 0
    if args.command == "data":
        from dsa_explore import catalog

        return catalog.main(["list"])
    if hasattr(args, "func"):
        return int(args.func(args) or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
