r"""The row-store commands of ``dsa-explore sor``: ``search``, ``sample``, ``rows`` (and ``ingest --rows``).

    dsa-explore sor search --store DIR [--platform P ...] --text REGEX [--field F,...] [--since D --until D]
                           [--case-sensitive] (--count [--by day,category,decision_ground] | --limit N)
                           [--format csv|parquet|table] [--out FILE]
    dsa-explore sor sample --store DIR --n 400 [--by category] [--seed 1] [--platform P ...] [--out FILE]
    dsa-explore sor rows   --store DIR [--platform P ...] [--since D --until D] [--format csv|parquet]
                           --out FILE

CSV and table output is made safe for terminals and spreadsheets by the rules of
:mod:`dsa_explore.core.safetext` (vectorised in :func:`dsa_explore.sor.rows.safe_frame`): a leading
``= + - @``, tab or carriage return gets a ``'`` (CSV), control characters are written as ``\xNN`` and a
backslash as ``\\``; Parquet output is the stored values unchanged. Exit codes: 0
success, 2 usage errors (a bad regular expression, an unknown column, a path that is no store, a
``--platform`` in neither the platform registry nor the store, a bad date or a reversed period, an
empty sample selection).
"""

from __future__ import annotations

import argparse
import errno
import sys
from pathlib import Path

from dsa_explore.core.errors import error_message


def add_ingest_options(p_in) -> None:
    """Add ``--rows`` and ``--columns`` to the ``sor ingest`` parser."""
    p_in.add_argument(
        "--rows",
        action="store_true",
        help="also keep the statements themselves (row store: default the marketplaces of the "
        "platform registry; --platform P for others, --platform all for every platform)",
    )
    p_in.add_argument(
        "--columns",
        default=None,
        help="with --rows: comma-separated CSV columns to keep (default all; uuid, platform_name, "
        "category and created_at are always kept)",
    )


def register(sub) -> None:
    """Add ``search``, ``sample`` and ``rows`` to the ``sor`` subparsers."""
    p = sub.add_parser("search", help="search the stored statements' free text with a regular expression")
    _common(p)
    p.add_argument(
        "--text", required=True, help="regular expression (Rust regex syntax; case-insensitive by default)"
    )
    p.add_argument(
        "--field",
        default=None,
        help="comma-separated text columns to search (default: the facts, explanations and grounds)",
    )
    p.add_argument("--case-sensitive", action="store_true")
    p.add_argument(
        "--count", action="store_true", help="print platform,count (statements matching) instead of rows"
    )
    p.add_argument(
        "--by",
        default="",
        help="with --count: also count by these columns (day, category, "
        "category_published, decision_ground, ...)",
    )
    p.add_argument("--limit", type=non_negative, default=None, help="at most N matching rows")
    p.add_argument("--format", choices=("csv", "parquet", "table"), default="csv")
    p.add_argument("--out", default=None, help="output file (required for parquet; default: standard output)")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("sample", help="a reproducible stratified random sample of stored statements")
    _common(p)
    p.add_argument(
        "--n", type=int, required=True, help="sample size (allocated proportionally to the strata)"
    )
    p.add_argument("--by", default="category", help="stratify by platform x these columns (default category)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--min-per-stratum", type=non_negative, default=2)
    p.add_argument(
        "--out",
        default=None,
        help="sample CSV (and FILE's stem + .frame.csv for the strata); "
        "default: the sample to standard output",
    )
    p.set_defaults(func=cmd_sample)

    p = sub.add_parser("rows", help="write the stored statements with the dump's original column names")
    _common(p)
    p.add_argument("--format", choices=("csv", "parquet"), default="csv")
    p.add_argument("--out", default=None, help="output file (required for parquet; default: standard output)")
    p.set_defaults(func=cmd_rows)


def _common(p) -> None:
    p.add_argument("--store", required=True, help="store folder written by `sor ingest --rows`")
    p.add_argument(
        "--platform", action="append", help="only this platform (repeatable; old names are mapped)"
    )
    p.add_argument("--since", help="first day (YYYY-MM-DD, by created_at)")
    p.add_argument("--until", help="last day (YYYY-MM-DD, by created_at)")


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def _write(frame, fmt: str, out: str | None, command: str) -> int:
    import polars as pl

    from dsa_explore.sor import rows as rowstore

    if out and not Path(out).parent.is_dir():  # polars' own message shortens the path
        raise FileNotFoundError(errno.ENOENT, "No such file or directory (its folder does not exist)", out)
    if fmt == "parquet":
        if not out:
            print(f"dsa-explore sor {command}: --format parquet needs --out FILE", file=sys.stderr)
            return 2
        frame.lazy().sink_parquet(out) if isinstance(frame, pl.LazyFrame) else frame.write_parquet(out)
        return 0
    lists = [c for c, t in frame.lazy().collect_schema().items() if isinstance(t, pl.List)]
    safe = rowstore.safe_frame(
        frame.lazy().with_columns(pl.col(lists).list.join("|")) if lists else frame, csv=fmt == "csv"
    )
    if fmt == "table":
        with pl.Config(tbl_rows=-1, tbl_cols=-1, fmt_str_lengths=80, tbl_width_chars=250):
            print(safe.collect())
        return 0
    df = safe.collect()
    if out:
        df.write_csv(out)
    else:
        sys.stdout.write(df.write_csv())
    return 0


def check_dates(since: str | None, until: str | None) -> None:
    """Raise ``ValueError`` for a ``--since``/``--until`` that is no date YYYY-MM-DD, or a reversed period."""
    from datetime import date

    for name, value in (("since", since), ("until", until)):
        if value is None:
            continue
        try:
            ok = len(value) == 10 and date.fromisoformat(value) is not None
        except ValueError:
            ok = False
        if not ok:
            raise ValueError(f"--{name} {value!r}: expected a date YYYY-MM-DD")
    if since and until and since > until:
        raise ValueError(f"--since {since} is after --until {until}: expected a period with since <= until")


def non_negative(value: str) -> int:
    """Parse an argparse count of 0 or more (``--limit``, ``--min-per-stratum``)."""
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"{value!r}: expected a whole number, 0 or more")
    return number


def nearest(name: str, choices) -> str:
    """Return ``; did you mean 'X'?`` for the choice nearest ``name`` (rapidfuzz), or an empty string."""
    from rapidfuzz import fuzz, process, utils

    from dsa_explore.core.safetext import escape_controls

    best = process.extractOne(name, list(choices), scorer=fuzz.WRatio, processor=utils.default_process)
    return f"; did you mean '{escape_controls(best[0])}'?" if best and best[1] >= 60 else ""


def resolve_platforms(names, present, store, command: str, what: str = "stored rows") -> list[str] | None:
    """Return the canonical names of ``--platform`` values, checked against the registry and the store.

    A name is kept when the store holds it (``present``; old names such as ``Amazon`` are mapped) or the
    platform registry knows it (any case; a warning then says the store has none of it); a name in
    neither raises :class:`~dsa_explore.core.errors.UnknownPlatformError` with the nearest name.
    ``all`` (or no name) gives None: every platform.
    """
    from dsa_explore.core import platforms as registry
    from dsa_explore.core.errors import UnknownPlatformError
    from dsa_explore.core.safetext import escape_controls
    from dsa_explore.sor import taxonomy

    if not names or any(p.strip().lower() == "all" for p in names):
        return None
    by_slug = {registry.slug(p): p for p in present}
    listed = ", ".join(escape_controls(p) for p in present) or (
        "(none: ingest with --rows)" if what == "stored rows" else "(none)"
    )
    out = []
    for raw in names:
        name = taxonomy.canonical_platform(raw)
        if name in present:
            out.append(name)
            continue
        known = by_slug.get(registry.slug(name))
        if known is None and registry.slug(name) in {registry.slug(k) for k in registry.KNOWN_PLATFORMS}:
            known = registry.resolve(name)
            print(
                f"dsa-explore sor {command}: no {what} of platform {known!r} in {store}; platforms with "
                f"{what}: {listed}",
                file=sys.stderr,
            )
        if known is None:
            raise UnknownPlatformError(
                f"--platform '{escape_controls(raw)}': neither in the platform registry "
                f"({', '.join(registry.KNOWN_PLATFORMS)}) nor among the platforms with {what} in "
                f"{store}: {listed}{nearest(name, [*present, *registry.KNOWN_PLATFORMS])}"
            )
        out.append(known)
    return sorted(set(out))


def _selection(args, command: str) -> list[str] | None:
    """Check ``--since``/``--until``; return the checked ``--platform`` names (None: every platform)."""
    from dsa_explore.sor import rows as rowstore

    check_dates(args.since, args.until)
    if not args.platform:
        return None
    return resolve_platforms(args.platform, rowstore.stored_platforms(args.store), args.store, command)


def cmd_search(args: argparse.Namespace) -> int:
    """Search the stored free text: write the counts (``--count``) or the matching rows."""
    from dsa_explore.sor import search

    try:
        plats = _selection(args, "search")
        fields = _split(args.field)
        selection = {
            "platforms": plats,
            "fields": fields,
            "since": args.since,
            "until": args.until,
            "case_sensitive": args.case_sensitive,
        }
        if args.count:
            frame = search.count(args.store, args.text, by=_split(args.by) or (), **selection)
            if args.format == "csv" and not args.by:
                frame = frame.select("platform", "count")
        else:
            frame = search.matches(args.store, args.text, limit=args.limit, **selection)
            if args.format != "parquet":
                from dsa_explore.sor import rows as rowstore

                frame = rowstore.to_csv_frame(frame)
        return _write(frame, args.format, args.out, "search")
    except (ValueError, FileNotFoundError) as exc:
        print(f"dsa-explore sor search: {error_message(exc)}", file=sys.stderr)
        return 2


def cmd_sample(args: argparse.Namespace) -> int:
    """Draw a stratified random sample; write it and, next to ``--out``, its strata (``.frame.csv``)."""
    from dsa_explore.sor import sample

    try:
        plats = _selection(args, "sample")
        drawn = sample.draw(
            args.store,
            args.n,
            by=_split(args.by) or (),
            seed=args.seed,
            platforms=plats,
            since=args.since,
            until=args.until,
            min_per_stratum=args.min_per_stratum,
        )
    except (ValueError, FileNotFoundError) as exc:
        print(f"dsa-explore sor sample: {error_message(exc)}", file=sys.stderr)
        return 2
    rc = _write(drawn.sample, "csv", args.out, "sample")
    if args.out:
        frame_path = Path(args.out).with_suffix(".frame.csv")
        _write(drawn.frame, "csv", str(frame_path), "sample")
        print(
            f"{drawn.sample.height} statements in {drawn.frame.height} strata -> {args.out}, strata -> "
            f"{frame_path}",
            file=sys.stderr,
        )
    if drawn.without_uuid:
        print(
            f"dsa-explore sor sample: {drawn.without_uuid} stored statements without uuid "
            "left out of the frame",
            file=sys.stderr,
        )
    return rc


def cmd_rows(args: argparse.Namespace) -> int:
    """Write the stored statements (one row per statement), CSV-safe or as Parquet."""
    from dsa_explore.sor import rows as rowstore

    try:
        plats = _selection(args, "rows")
        lf = rowstore.one_per_statement(
            rowstore.scan(args.store, platforms=plats, since=args.since, until=args.until)
        )
        frame = lf if args.format == "parquet" else rowstore.to_csv_frame(lf)
        return _write(frame, args.format, args.out, "rows")
    except (ValueError, FileNotFoundError) as exc:
        print(f"dsa-explore sor rows: {error_message(exc)}", file=sys.stderr)
        return 2
