"""The ``dsa-explore`` command: build briefings, work with the shipped data, ingest statements of reasons.

One module per command group, registered explicitly in :data:`GROUPS` (each module has
``register(subparsers)`` that adds its parser and sets ``func``). Modules import only argparse
at the top, so ``dsa-explore briefing`` does not pay for the SoR machinery and vice versa.
Adding a group: one module in ``dsa_explore/cli/`` plus one entry in :data:`GROUPS`.
"""

from __future__ import annotations

import argparse
import sys

from dsa_explore.cli import briefing, capture, data, safetygate, sor

#: The command groups, in the order ``dsa-explore --help`` lists them.
GROUPS = (briefing, data, sor, safetygate, capture)


def build_parser() -> argparse.ArgumentParser:
    """Return the ``dsa-explore`` argument parser with every group of :data:`GROUPS` registered."""
    parser = argparse.ArgumentParser(prog="dsa-explore", description="Examine marketplaces' DSA compliance.")
    sub = parser.add_subparsers(dest="command", required=True)
    for group in GROUPS:
        group.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``dsa-explore`` with ``argv`` (default: the command line); return the exit code."""
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
