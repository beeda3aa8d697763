"""Commands on captured pages: ``capture``, ``listings from-capture``, ``links from-capture``/``chains``.

Registered in the ``dsa-explore`` parser by :func:`register`. Every CSV written is CSV-safe
(spreadsheet formulas neutralised, control characters escaped: ``dsa_explore.core.csvsafe``).
Errors in the input (a file that is not a capture, a changed file in a capture folder, a bad
regular expression) print one line naming the file and what was expected, and exit with 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    """Add the capture commands to the ``dsa-explore`` sub-command parser ``sub``."""
    p = sub.add_parser(
        "capture",
        help="capture pages with Chromium: HAR with content, screenshots, final HTML, "
        "manifest.json with sha256 of every file",
    )
    p.add_argument("urls", nargs="+", metavar="URL")
    p.add_argument("--out", required=True, help="output folder (created; must be empty or absent)")
    p.add_argument("--depth", type=int, default=0, help="follow links this many levels deep (default 0)")
    p.add_argument("--same-site", action="store_true", help="follow links only to the seed URLs' sites")
    p.add_argument("--max-pages", type=int, default=50, help="stop after this many pages (default 50)")
    p.add_argument(
        "--delay", type=float, default=1.0, help="seconds between page loads on one host (default 1)"
    )
    p.add_argument(
        "--ignore-robots", action="store_true", help="do not check robots.txt (default: respect it)"
    )
    p.add_argument("--user-agent", default=None, help="User-Agent (default names dsa-explore and says why)")
    p.add_argument(
        "--host-resolver-rules",
        default=None,
        help="Chromium --host-resolver-rules value (e.g. to map hosts to a local test server)",
    )
    p.add_argument(
        "--no-wacz", action="store_true", help="do not also write capture.wacz (WARC records of the HAR)"
    )
    p.set_defaults(func=_capture)

    p = sub.add_parser("listings", help="listing tables from captured pages")
    lsub = p.add_subparsers(dest="listings_command", required=True)
    q = lsub.add_parser(
        "from-capture", help="extract listings (schema.org Product/Offer) in the listing-sample format"
    )
    q.add_argument(
        "captures",
        nargs="+",
        metavar="CAPTURE",
        help="capture folders, .har, .warc, .warc.gz, .wacz or saved .html",
    )
    q.add_argument("--out", required=True, help="output CSV")
    q.add_argument(
        "--platform", default=None, help="platform name to pre-fill (as in dsa_explore.core.platforms)"
    )
    q.add_argument(
        "--problems",
        default=None,
        metavar="PROBLEMS.csv",
        help="also write the listing-sample validator's problems (what must still be coded, per line)",
    )
    q.set_defaults(func=_listings_from_capture)

    p = sub.add_parser("links", help="link graphs and chains from captured pages")
    ksub = p.add_subparsers(dest="links_command", required=True)
    q = ksub.add_parser(
        "from-capture", help="typed edges (link, redirect, meta_refresh, script) between URLs"
    )
    q.add_argument("captures", nargs="+", metavar="CAPTURE")
    q.add_argument("--out", required=True, help="output CSV")
    q.add_argument(
        "--graph",
        default=None,
        metavar="DIR",
        help="also write DIR/nodes.csv and DIR/edges.csv in the hidden-link format "
        "(dsa_explore.readers.links)",
    )
    q.add_argument(
        "--listings",
        default=None,
        metavar="LISTINGS.csv",
        help="coded listing table (from `listings from-capture`, labels filled) for the graph's seeds and "
        "bad targets (default: extracted from the captures, uncoded)",
    )
    q.add_argument(
        "--site-host",
        action="append",
        default=None,
        help="marketplace host (repeatable) whose pages are listings in the graph "
        "(default: the hosts of pages with extracted listings)",
    )
    q.add_argument("--platform", default=None, help="platform name written on the graph's rows")
    q.set_defaults(func=_links_from_capture)
    q = ksub.add_parser("chains", help="shortest chains from URLs matching R1 to URLs matching R2")
    q.add_argument("edges", metavar="EDGES.csv")
    q.add_argument("--from-url-regex", required=True)
    q.add_argument("--to-url-regex", required=True)
    q.add_argument("--max-hops", type=int, default=3)
    q.add_argument("--kinds", default=None, help="comma-separated edge kinds to follow (default all)")
    q.add_argument("--format", choices=("csv", "table"), default="table")
    q.add_argument("--out", default=None, help="write the CSV here instead of standard output")
    q.set_defaults(func=_links_chains)


def _fail(command: str, exc: Exception) -> int:
    from dsa_explore.core.csvsafe import safe_text

    print(f"dsa-explore {command}: {safe_text(str(exc))}", file=sys.stderr)
    return 2


def _read(captures: list[str]):
    from dsa_explore.readers import capture

    cap = capture.read_capture(captures)
    print(cap.summary(), file=sys.stderr)
    problems = cap.problems()
    skipped_bad = cap.skipped.filter(cap.skipped["record_type"] == "unparsed")
    for r in [*problems.iter_rows(named=True), *skipped_bad.iter_rows(named=True)]:
        print(
            f"  warning: {r['capture_file']} (record {r['record_offset']}): "
            f"{r.get('problem') or r.get('reason')}",
            file=sys.stderr,
        )
    return capture, cap


def _listings_from_capture(args) -> int:
    import polars as pl

    from dsa_explore.core.csvsafe import write_csv

    try:
        capture, cap = _read(args.captures)
        table = capture.extract_listings(cap, platform=args.platform)
    except (ValueError, OSError) as exc:
        return _fail("listings from-capture", exc)
    report = capture.extract.validate_listings(table)
    write_csv(table, args.out)
    if args.problems:
        write_csv(report.problems.with_columns(file=pl.lit(str(args.out))), args.problems)
    flagged = table.filter(table["extraction_problem"].is_not_null()).height
    print(
        f"{table.height} listing(s) from {len(cap.pages)} page(s) -> {args.out} ({flagged} flagged; "
        f"validator: {report.summary()}; the columns in `to_code` must be coded by a person)",
        file=sys.stderr,
    )
    return 0


def _links_from_capture(args) -> int:
    from dsa_explore.core.csvsafe import write_csv

    try:
        capture, cap = _read(args.captures)
        edges = capture.link_edges(cap)
        graph = _graph(args, capture, cap, edges) if args.graph else None
    except (ValueError, OSError) as exc:
        return _fail("links from-capture", exc)
    write_csv(edges, args.out)
    counts = ", ".join(f"{k} {n}" for k, n in edges.group_by("kind").len().sort("kind").iter_rows())
    print(f"{edges.height} edge(s) ({counts or 'none'}) -> {args.out}", file=sys.stderr)
    if graph is not None:
        nodes, graph_edges = graph
        folder = Path(args.graph)
        write_csv(nodes, folder / "nodes.csv")
        write_csv(graph_edges, folder / "edges.csv")
        print(
            f"hidden-link graph: {nodes.height} node(s), {graph_edges.height} edge(s) -> {folder}/nodes.csv, "
            f"{folder}/edges.csv",
            file=sys.stderr,
        )
    return 0


def _graph(args, capture, cap, edges):
    """Return (nodes, edges) in the hidden-link format, checked by dsa_explore.analysis.links.validate."""
    from urllib.parse import urlsplit

    import polars as pl

    from dsa_explore.analysis import capture as analysis
    from dsa_explore.analysis import links

    if args.listings:
        table = pl.read_csv(args.listings, infer_schema=False)
        if "url" not in table.columns:
            raise ValueError(
                f"{args.listings}: no 'url' column (expected a table from `dsa-explore listings "
                f"from-capture`)"
            )
    else:
        table = capture.extract_listings(cap)
    hosts = args.site_host or sorted({urlsplit(u).hostname or "" for u in table["url"].drop_nulls()})
    nodes, graph = analysis.link_graph(edges, table, site_hosts=hosts, platform=args.platform)
    report = links.validate(nodes, graph)
    if not report.ok:
        raise ValueError(f"the captured graph does not fit the hidden-link format: {report.message()}")
    return report.nodes, graph


def _links_chains(args) -> int:
    import polars as pl

    from dsa_explore.analysis import capture as analysis
    from dsa_explore.core.csvsafe import safe_frame, write_csv

    path = Path(args.edges)
    try:
        if not path.is_file():
            raise ValueError(
                f"{path}: file not found (expected an edge CSV from `dsa-explore links from-capture`)"
            )
        edges = pl.read_csv(path, infer_schema=False)
        kinds = args.kinds.split(",") if args.kinds else None
        found = analysis.chains(edges, args.from_url_regex, args.to_url_regex, args.max_hops, kinds=kinds)
    except (ValueError, OSError, pl.exceptions.PolarsError) as exc:
        return _fail("links chains", exc)
    if args.out:
        write_csv(found, args.out)
    elif args.format == "csv":
        sys.stdout.write(safe_frame(found).write_csv())
    else:
        with pl.Config(tbl_rows=-1, fmt_str_lengths=200, tbl_width_chars=200):
            print(safe_frame(found))
    print(f"{found.height} chain(s) within {args.max_hops} hop(s)", file=sys.stderr)
    return 0


def _capture(args) -> int:
    from dsa_explore.readers.capture import browser

    try:
        manifest = browser.capture(
            args.urls,
            args.out,
            depth=args.depth,
            same_site=args.same_site,
            max_pages=args.max_pages,
            delay=args.delay,
            respect_robots=not args.ignore_robots,
            user_agent=args.user_agent,
            host_resolver_rules=args.host_resolver_rules,
            progress=lambda msg: print(msg, file=sys.stderr),
            wacz=not args.no_wacz,
        )
    except (ValueError, OSError, browser.BrowserError) as exc:
        return _fail("capture", exc)
    print(
        f"{len(manifest['pages'])} page(s) captured, {len(manifest['skipped'])} skipped -> {args.out}",
        file=sys.stderr,
    )
    if not manifest["pages"]:
        reasons = "; ".join(f"{s['url']}: {s['reason']}" for s in manifest["skipped"][:5])
        print(f"dsa-explore capture: no page could be captured ({reasons})", file=sys.stderr)
        return 1
    return 0
