"""``dsa-explore data``: list the shipped datasets with their provenance."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    """Add the ``data`` command group to the ``dsa-explore`` subparsers."""
    p = subparsers.add_parser("data", help="list the shipped datasets with their provenance")
    p.set_defaults(func=cmd_list)


def cmd_list(args: argparse.Namespace) -> int:
    """Print the catalog of shipped datasets."""
    from dsa_explore.data import catalog

    return catalog.main(["list"])
