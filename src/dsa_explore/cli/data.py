"""``dsa-explore data``: list the shipped datasets, list and run the dataset builds (``make data``).

    dsa-explore data                      # the shipped datasets with their provenance (as before)
    dsa-explore data list                 # the same
    dsa-explore data builds               # every dataset build: name, outputs, inputs
    dsa-explore data build NAME... [--to DIR] [--source FILE]
    dsa-explore data build --all [--to DIR]
    dsa-explore data fetch NAME... | --all [--url URL]   # a build's public input, once (make data-sources)

:data:`BUILDS` is the one registry of every derived or generated dataset. Adding a build: give the
producing module a ``BUILD = Build(...)`` (see :class:`dsa_explore.data.builds.Build`) and add it here.
A build whose input is public but not shipped reads it from the cache folder that ``data fetch``
fills (:mod:`dsa_explore.data.sources`); ``build --all`` says which command fetches a missing one.

``--source`` is refused for a build that reads no external input (it would be ignored) and when
the file does not exist. Exit codes: 0 success; 1 a download failed or a file was refused
(checksum); 2 a usage error or a missing input.
"""

from __future__ import annotations

import argparse
import sys

from dsa_explore.analysis import sor as sor_extract
from dsa_explore.core.errors import RefusedDataError
from dsa_explore.readers import listings as listing_templates
from dsa_explore.readers import safetygate
from dsa_explore.readers import transparency as transparency_reports
from dsa_explore.sor import check as sor_totals
from dsa_explore.synth import links as links_synthetic
from dsa_explore.synth import listings as listings_synthetic
from dsa_explore.synth import mock_marketplace
from dsa_explore.synth import risk as risk_synthetic
from dsa_explore.synth import sor_fixtures as sor_fixture_dumps
from dsa_explore.synth import sor_texts as sor_synthetic_texts

#: Every dataset build, in the order ``--all`` runs them.
BUILDS = (
    links_synthetic.BUILD,
    listings_synthetic.BUILD,
    listing_templates.BUILD,
    transparency_reports.BUILD,
    risk_synthetic.BUILD,
    mock_marketplace.BUILD,
    sor_extract.BUILD,
    safetygate.BUILD,
    sor_totals.BUILD,
    sor_synthetic_texts.BUILD,
    sor_fixture_dumps.BUILD,
)


def register(subparsers) -> None:
    """Add the ``data`` command group to the ``dsa-explore`` subparsers."""
    p = subparsers.add_parser("data", help="list the shipped datasets; rebuild derived and generated ones")
    p.set_defaults(func=cmd_list)
    sub = p.add_subparsers(dest="data_command")
    sub.add_parser("list", help="list the shipped datasets with their provenance").set_defaults(func=cmd_list)
    sub.add_parser("builds", help="list every dataset build with its outputs and inputs").set_defaults(
        func=cmd_builds
    )
    p_build = sub.add_parser("build", help="rebuild datasets and their provenance records")
    p_build.add_argument(
        "names", nargs="*", metavar="NAME", help="build name(s); see `dsa-explore data builds`"
    )
    p_build.add_argument("--all", action="store_true", help="every build whose inputs are shipped")
    p_build.add_argument(
        "--to", default=None, metavar="DIR", help="data folder to write into (default: data/)"
    )
    p_build.add_argument(
        "--source", default=None, metavar="FILE", help="the external input of a build that needs one"
    )
    p_build.set_defaults(func=cmd_build)
    p_fetch = sub.add_parser(
        "fetch", help="download the public input of builds that need one (checked by sha256, then cached)"
    )
    p_fetch.add_argument("names", nargs="*", metavar="NAME", help="build name(s) whose input to fetch")
    p_fetch.add_argument("--all", action="store_true", help="the input of every build that needs one")
    p_fetch.add_argument(
        "--url", default=None, metavar="URL", help="a mirror of the same archive (both sha256 still checked)"
    )
    p_fetch.set_defaults(func=cmd_fetch)


def cmd_list(args: argparse.Namespace) -> int:
    """Print the catalog of shipped datasets."""
    from dsa_explore.data import catalog

    return catalog.main(["list"])


def cmd_builds(args: argparse.Namespace) -> int:
    """Print every build: name, outputs, inputs, and the external input it needs (if any)."""
    from dsa_explore.data import sources

    for b in BUILDS:
        print(f"{b.name}: {b.description}")
        print(f"  outputs: {', '.join(b.outputs)}")
        print(f"  inputs:  {', '.join(b.inputs) or '(none: generated from code and its seed)'}")
        if b.external and b.fetch is None:
            print(f"  needs --source: {b.external}")
        elif b.external:
            found = sources.cached(b.fetch)
            where = f"cached at {found}" if found else f"not fetched: `dsa-explore data fetch {b.name}`"
            print(f"  needs: {b.external} ({where})")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """Run the named builds (or ``--all``); exit 2 for an unknown name or a missing external input."""
    from dsa_explore.data.builds import BuildInputMissing

    by_name = {b.name: b for b in BUILDS}
    unknown = [n for n in args.names if n not in by_name]
    if unknown or (not args.names and not args.all):
        return _unknown(unknown, by_name, "build")
    chosen = BUILDS if args.all else tuple(by_name[n] for n in args.names)
    problem = _source_problem(args.source, chosen)
    if problem:
        print(f"dsa-explore data build: {problem}", file=sys.stderr)
        return 2
    for b in chosen:
        try:
            source = (args.source or b.find_source()) if b.external else None
        except BuildInputMissing as exc:
            if args.all:  # --all rebuilds what it can and says what it could not
                print(f"[data] {b.name}: not rebuilt: {str(exc).removeprefix(b.name + ' ')}", flush=True)
                continue
            print(f"dsa-explore data build: {exc}", file=sys.stderr)
            return 2
        if source is not None:
            print(f"[data] {b.name}: reading {source}", flush=True)
        try:
            written = b.run(args.to, source)
        except RefusedDataError as exc:
            again = f"; fetch it again with `dsa-explore data fetch {b.name}`" if not args.source else ""
            print(f"dsa-explore data build: {b.name}: {exc}{again}", file=sys.stderr)
            return 1
        for path in written:
            print(f"[data] {b.name}: {path}", flush=True)
    return 0


def _source_problem(source: str | None, chosen) -> str | None:
    """Return why ``--source`` cannot be used with the ``chosen`` builds (None when it can)."""
    from pathlib import Path

    if source is None:
        return None
    takers = ", ".join(b.name for b in BUILDS if b.external) or "(none)"
    ignoring = [b.name for b in chosen if not b.external]
    if ignoring:
        verb, its = ("reads", "its") if len(ignoring) == 1 else ("read", "their")
        return (
            f"--source {source}: {', '.join(ignoring)} {verb} no external input ({its} inputs are "
            f"shipped or generated), so --source would be ignored; builds that take --source: {takers}"
        )
    if not Path(source).is_file():
        return f"--source {source}: no such file (expected the external input of {chosen[0].name})"
    return None


def _unknown(names: list[str], known: dict, what: str) -> int:
    listed = ", ".join(known) or "(none)"
    problem = "unknown build " + ", ".join(names) if names else "name a build"
    print(f"dsa-explore data {what}: {problem}; known: {listed} (or --all)", file=sys.stderr)
    return 2


def cmd_fetch(args: argparse.Namespace) -> int:
    """Download, check and cache the public input of the named builds (or ``--all``); exit 1 on failure."""
    from dsa_explore.data import sources

    fetchable = {b.name: b for b in BUILDS if b.fetch is not None}
    unknown = [n for n in args.names if n not in fetchable]
    if unknown or (not args.names and not args.all):
        return _unknown(unknown, fetchable, "fetch")
    chosen = list(fetchable.values()) if args.all else [fetchable[n] for n in args.names]
    wanted = list(dict.fromkeys(b.fetch for b in chosen))  # builds sharing one input fetch it once
    for source in wanted:
        try:
            path = sources.fetch(source, url=args.url, log=lambda msg: print(f"[fetch] {msg}", flush=True))
        except (sources.SourceFetchError, RefusedDataError) as exc:
            print(f"dsa-explore data fetch: {exc}", file=sys.stderr)
            return 1
        users = ", ".join(b.name for b in BUILDS if b.fetch == source)
        print(f"[fetch] {source.name}: ready at {path} for {users}", flush=True)
    return 0
