"""Check each ingested day against the database's published per-day totals.

``dsa-explore sor check --store DIR --totals FILE`` compares, for every global dump in the store,
the rows read from its CSV members (``rows_read`` in the manifest: every row of the file, before
duplicates or any other rejection are removed) with the number of statements of reasons published
for that day. A day whose counts differ is reported (status ``differs``; a ``partial`` dump, whose
refused members were not read, usually differs); a day the totals do not cover is
``not_published``; per-platform dumps are ``not_checked`` (the totals are database-wide).

The totals file is CSV or Parquet with the columns ``date`` (YYYY-MM-DD) and ``rows`` (an
integer). The project ships ``data/tdb/sor-daily-totals.csv``, 2023-09-25 .. 2026-01-10, derived
from the whole-database daily statistics (:func:`build_totals`; provenance beside the file).

    python -m dsa_explore.sor.check build tdb-daily-statistics-2023-09-25_2026-01-10.parquet
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import polars as pl

from dsa_explore.core.errors import DsaExploreError
from dsa_explore.sor import reader
from dsa_explore.sor.store import Store

CHECK_SCHEMA = {"date": pl.Date, "dump": pl.String, "dump_status": pl.String, "rows_in_store": pl.Int64,
                "published": pl.Int64, "difference": pl.Int64, "status": pl.String}


class TotalsError(DsaExploreError, ValueError):
    """The totals file cannot be used: the message names the file, the line, the value and what was expected."""


def load_totals(path: str | Path) -> dict[dt.date, int]:
    """Read a totals file (CSV or Parquet: ``date``, ``rows``); every row is checked, none dropped."""
    path = Path(path)
    if not path.is_file():
        raise TotalsError(f"{path}: no such totals file")
    try:
        frame = (pl.read_parquet(path) if path.suffix == ".parquet"
                 else pl.read_csv(path, infer_schema=False))
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise TotalsError(f"{path}: not a readable CSV or Parquet file ({exc})") from exc
    missing = [c for c in ("date", "rows") if c not in frame.columns]
    if missing:
        raise TotalsError(f"{path}: missing column(s) {missing}; expected the columns date (YYYY-MM-DD) and rows")
    out: dict[dt.date, int] = {}
    first_line = 2 if path.suffix != ".parquet" else 1     # CSV: line 1 is the header
    for i, (d, n) in enumerate(frame.select(pl.col("date").cast(pl.String), pl.col("rows").cast(pl.String)).iter_rows()):
        where = f"{path}: {'line' if first_line == 2 else 'row'} {i + first_line}"
        try:
            day = dt.date.fromisoformat(d)
        except (TypeError, ValueError):
            raise TotalsError(f"{where}: date {d!r}: expected YYYY-MM-DD") from None
        if n is None or not n.isdigit():
            raise TotalsError(f"{where}: rows {n!r}: expected a whole number >= 0")
        if day in out:
            raise TotalsError(f"{where}: date {d} appears twice; expected one total per day")
        out[day] = int(n)
    return out


def check(store: str | Path | Store, totals: str | Path | dict) -> pl.DataFrame:
    """Return one row per dump in the store: its rows read, the published total, the difference, a status."""
    st = store if isinstance(store, Store) else Store(store)
    if not st.manifest_path.exists():
        raise FileNotFoundError(f"{st.root}: no statements-of-reasons store here (no {st.manifest_path.name})")
    published = totals if isinstance(totals, dict) else load_totals(totals)
    rows = []
    for stem, e in sorted(st.manifest()["dumps"].items()):
        info = reader.parse_dump_name(stem + ".zip")
        day = dt.date.fromisoformat(info.date)
        have = int(e.get("rows_read", 0))
        pub = published.get(day)
        if info.slug != "global":
            status = "not_checked"
        elif pub is None:
            status = "not_published"
        else:
            status = "ok" if pub == have else "differs"
        rows.append({"date": day, "dump": stem, "dump_status": e.get("status"), "rows_in_store": have,
                     "published": pub, "difference": None if pub is None else have - pub, "status": status})
    return pl.DataFrame(rows, schema=CHECK_SCHEMA) if rows else pl.DataFrame(schema=CHECK_SCHEMA)


def build_totals(source: str | Path, out: str | Path) -> pl.DataFrame:
    """Write the per-day totals (``date``, ``rows``) of the whole-database daily statistics to ``out`` (CSV).

    ``source`` is shantay 0.6.0's ``builtin.parquet`` (``tdb-daily-statistics-…parquet``). A day's
    total is its database-wide ``total_rows`` statistic; the build checks that it equals the sum of
    the day's per-platform ``rows`` statistics and stops if not.
    """
    stats = pl.read_parquet(source)
    daily = (stats.filter(pl.col("column") == "total_rows", pl.col("start_date") == pl.col("end_date"))
             .select(pl.col("start_date").alias("date"), pl.col("count").alias("rows")).sort("date"))
    per_platform = (stats.filter(pl.col("column") == "rows", pl.col("category").is_null(), pl.col("tag").is_null(),
                                 pl.col("platform").is_not_null())
                    .group_by(pl.col("start_date").alias("date")).agg(pl.col("count").sum().alias("sum_platforms")))
    joined = daily.join(per_platform, on="date", how="full", coalesce=True)
    bad = joined.filter(pl.col("rows").is_null() | (pl.col("rows") != pl.col("sum_platforms")))
    if bad.height:
        raise ValueError(f"{source}: {bad.height} day(s) whose total_rows differ from the sum over platforms: "
                         f"{bad.head(5).to_dicts()}")
    if daily.get_column("date").is_duplicated().any():
        raise ValueError(f"{source}: more than one total_rows statistic for a day")
    daily.write_csv(out)
    return daily


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m dsa_explore.sor.check", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("build", help="derive data/tdb/sor-daily-totals.csv from the whole-database statistics")
    p.add_argument("source", type=Path)
    p.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    from dsa_explore.core import paths

    out = args.out or paths.data_dir() / "tdb" / "sor-daily-totals.csv"
    daily = build_totals(args.source, out)
    print(f"{out}: {daily.height} days, {daily['rows'].sum():,} statements of reasons, "
          f"{daily['date'].min()} .. {daily['date'].max()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
