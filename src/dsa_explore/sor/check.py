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

    dsa-explore data build sor_daily_totals --source tdb-daily-statistics-2023-09-25_2026-01-10.parquet
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from dsa_explore.core.errors import DsaExploreError, RefusedDataError
from dsa_explore.data.builds import Build
from dsa_explore.data.sources import SHANTAY_BUILTIN
from dsa_explore.sor import reader
from dsa_explore.sor.store import Store, open_existing

CHECK_SCHEMA = {
    "date": pl.Date,
    "dump": pl.String,
    "dump_status": pl.String,
    "rows_in_store": pl.Int64,
    "published": pl.Int64,
    "difference": pl.Int64,
    "status": pl.String,
}


class TotalsError(DsaExploreError, ValueError):
    """The totals file cannot be used.

    The message names the file, the line, the value and what was expected.
    """


def load_totals(path: str | Path) -> dict[dt.date, int]:
    """Read a totals file (CSV or Parquet: ``date``, ``rows``); every row is checked, none dropped."""
    path = Path(path)
    if not path.is_file():
        raise TotalsError(f"{path}: no such totals file")
    try:
        frame = pl.read_parquet(path) if path.suffix == ".parquet" else pl.read_csv(path, infer_schema=False)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise TotalsError(f"{path}: not a readable CSV or Parquet file ({exc})") from exc
    missing = [c for c in ("date", "rows") if c not in frame.columns]
    if missing:
        raise TotalsError(
            f"{path}: missing column(s) {missing}; expected the columns date (YYYY-MM-DD) and rows"
        )
    out: dict[dt.date, int] = {}
    first_line = 2 if path.suffix != ".parquet" else 1  # CSV: line 1 is the header
    for i, (d, n) in enumerate(
        frame.select(pl.col("date").cast(pl.String), pl.col("rows").cast(pl.String)).iter_rows()
    ):
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
    st = open_existing(store)
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
        rows.append(
            {
                "date": day,
                "dump": stem,
                "dump_status": e.get("status"),
                "rows_in_store": have,
                "published": pub,
                "difference": None if pub is None else have - pub,
                "status": status,
            }
        )
    return pl.DataFrame(rows, schema=CHECK_SCHEMA) if rows else pl.DataFrame(schema=CHECK_SCHEMA)


def build_totals(source: str | Path, out: str | Path) -> pl.DataFrame:
    """Write the per-day totals (``date``, ``rows``) of the whole-database daily statistics to ``out`` (CSV).

    ``source`` is shantay 0.6.0's ``builtin.parquet`` (``tdb-daily-statistics-…parquet``). A day's
    total is its database-wide ``total_rows`` statistic; the build checks that it equals the sum of
    the day's per-platform ``rows`` statistics and stops if not.
    """
    stats = pl.read_parquet(source)
    daily = (
        stats.filter(pl.col("column") == "total_rows", pl.col("start_date") == pl.col("end_date"))
        .select(pl.col("start_date").alias("date"), pl.col("count").alias("rows"))
        .sort("date")
    )
    per_platform = (
        stats.filter(
            pl.col("column") == "rows",
            pl.col("category").is_null(),
            pl.col("tag").is_null(),
            pl.col("platform").is_not_null(),
        )
        .group_by(pl.col("start_date").alias("date"))
        .agg(pl.col("count").sum().alias("sum_platforms"))
    )
    joined = daily.join(per_platform, on="date", how="full", coalesce=True)
    bad = joined.filter(pl.col("rows").is_null() | (pl.col("rows") != pl.col("sum_platforms")))
    if bad.height:
        raise ValueError(
            f"{source}: {bad.height} day(s) whose total_rows differ from the sum over platforms: "
            f"{bad.head(5).to_dicts()}"
        )
    if daily.get_column("date").is_duplicated().any():
        raise ValueError(f"{source}: more than one total_rows statistic for a day")
    daily.write_csv(out)
    return daily


#: sha256 of shantay 0.6.0's builtin.parquet, the whole-database daily statistics the totals come from.
SOURCE_SHA256 = "2b255dd2d749744ca50704b55cc1bcd6910b3a9c4cbd0402549a1f71b36fb883"
TOTALS_FILE = "tdb/sor-daily-totals.csv"


def _build(root: Path, source: Path) -> list[Path]:
    """Write ``tdb/sor-daily-totals.csv`` under ``root`` from ``source`` with its provenance record."""
    from dsa_explore.core.hashing import sha256_of
    from dsa_explore.data import provenance

    sha = sha256_of(source)
    if sha != SOURCE_SHA256:
        raise RefusedDataError(
            f"{source}: sha256 {sha}; the shipped totals are built from {SOURCE_SHA256} "
            "(shantay 0.6.0 builtin.parquet)"
        )
    out = Path(root) / TOTALS_FILE
    out.parent.mkdir(parents=True, exist_ok=True)
    daily = build_totals(source, out)
    fields = provenance.record(
        "sor_daily_totals",
        "Statements of reasons per day in the whole DSA Transparency Database, 2023-09-25..2026-01-10",
        (
            "Number of statements of reasons (SoRs) in each daily release of the DSA Transparency Database, "
            f"all platforms, {daily.height} days (none missing), {daily['rows'].sum():,} SoRs in total: the "
            "per-day totals that `dsa-explore sor check --store DIR --totals data/tdb/sor-daily-totals.csv` "
            "compares each ingested global dump with (rows read from its CSVs). Derived by "
            "dsa_explore.sor.check.build_totals from the database-wide `total_rows` statistic of each day in "
            "tdb-daily-statistics-2023-09-25_2026-01-10.parquet (shantay 0.6.0 shantay/builtin.parquet, "
            f"sha256 {SOURCE_SHA256}), computed by shantay from every daily dump; the build checks that "
            "every day's total equals the sum of its per-platform `rows` statistics (it does for all days)."
        ),
        source=(
            "European Commission-DG CONNECT, Digital Services Act Transparency Database, "
            "https://doi.org/10.2906/134353607485211; daily statistics computed by shantay 0.6.0 (PyPI "
            "shantay==0.6.0, shantay/builtin.parquet, Apache-2.0); totals extracted by "
            "dsa_explore.sor.check.build_totals"
        ),
        source_urls=[
            "https://doi.org/10.2906/134353607485211",
            "https://transparency.dsa.ec.europa.eu/explore-data/download",
            "https://pypi.org/project/shantay/0.6.0/",
        ],
        licence="CC BY 4.0 (data: European Commission); statistics: shantay, Apache-2.0",
        retrieved="2026-12-02",
        version="2026-01-10",
        synthetic=False,
        schema={"date": "Date", "rows": "Int64"},
        columns={
            "date": "release day (created_at day, UTC)",
            "rows": "statements of reasons in that day's release",
        },
    )
    provenance.write(
        out,
        fields,
        built_by="dsa_explore.sor.check.build_totals",
        inputs=[
            f"shantay 0.6.0 builtin.parquet (sha256 {SOURCE_SHA256}; https://doi.org/10.2906/134353607485211)"
        ],
    )
    return [out]


#: The build behind ``dsa-explore data build sor_daily_totals --source FILE``; its input is not shipped.
BUILD = Build(
    name="sor_daily_totals",
    outputs=(TOTALS_FILE,),
    inputs=("shantay 0.6.0 builtin.parquet (whole-database daily statistics)",),
    function=_build,
    description="per-day totals of the whole Transparency Database, for `sor check`",
    external="the whole-database daily statistics of shantay 0.6.0 (builtin.parquet, sha256 "
    f"{SOURCE_SHA256})",
    fetch=SHANTAY_BUILTIN,
)
