"""Read a summary store back: counts by any grouping, delay quantiles from the histograms, the row account.

The store keeps, per group, counts plus delay histograms with fixed day bins (``schema.DELAY_BIN_EDGES``),
so any re-grouping stays exact for counts and for the share of delays in each bin; quantiles are
exact below 2 days and interpolated (in whole days, uniformly) inside the wider bins above.

    from dsa_explore.sor import query
    query.counts("store/", by=["platform", "category"])
    query.delay_quantiles("store/", by=["platform"], metric="mod", q=(0.5, 0.9))
    query.accounting("store/")
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

import polars as pl

from dsa_explore.sor import reader, schema, taxonomy
from dsa_explore.sor.reader import aggregate
from dsa_explore.sor.store import Store, open_existing


def dump_rank(stem: str) -> tuple[bool, bool, str]:
    """Return the sort key that orders a day's dumps: global before per-platform, full before light."""
    try:
        info = reader.parse_dump_name(stem + ".zip")
    except ValueError:
        return (True, True, stem)
    return (info.slug != "global", info.version != "full", stem)


def _parts(st: Store, kind: str) -> list[tuple[str, Path]]:
    """Return (dump stem, partition file) of ``kind`` (``summary`` or ``keywords``), best-ranked first."""
    entries = [(stem, e) for stem, e in st.manifest()["dumps"].items() if e.get("files")]
    return [
        (stem, st.root / e["files"][kind]) for stem, e in sorted(entries, key=lambda se: dump_rank(se[0]))
    ]


def _ranked(st: Store, kind: str, empty: dict) -> pl.LazyFrame:
    parts = _parts(st, kind)
    if not parts:
        return pl.DataFrame(schema={**empty, "_rank": pl.Int64}).lazy()
    return pl.concat(
        [
            pl.scan_parquet(f).with_columns(pl.lit(i, pl.Int64).alias("_rank"))
            for i, (_, f) in enumerate(parts)
        ],
        how="vertical",
    )


def _chosen(st: Store) -> pl.LazyFrame:
    """Return (day, platform, _rank): the one dump each (day, platform) is counted from."""
    return (
        _ranked(st, "summary", schema.SUMMARY_SCHEMA).group_by("day", "platform").agg(pl.col("_rank").min())
    )


def store_summary(store: str | Path | Store, *, lazy: bool = False) -> pl.DataFrame | pl.LazyFrame:
    """Return the store's summary rows with every (day, platform) counted from one dump only.

    A store may hold, for one day, the global dump and per-platform dumps (or a full and a light
    dump): they repeat the same statements of reasons. Each (day, platform) is taken from the
    best-ranked dump of that day that holds it: a global dump before a per-platform one, a full dump
    before a light one, then by dump name (``docs/sor-at-scale.md``, "Counting each statement
    once"). ``sor summary``, the SoR view and the briefing count through this function.
    """
    st = open_existing(store)
    lf = _ranked(st, "summary", schema.SUMMARY_SCHEMA).join(
        _chosen(st), on=["day", "platform", "_rank"], how="semi", nulls_equal=True
    )
    lf = lf.drop("_rank")
    return lf if lazy else lf.collect()


def store_keywords(store: str | Path | Store) -> pl.DataFrame:
    """Return the store's keyword counts, each (day, platform) from the dump its summary is counted from."""
    st = open_existing(store)
    lf = _ranked(st, "keywords", schema.KEYWORD_SCHEMA).join(
        _chosen(st), on=["day", "platform", "_rank"], how="semi", nulls_equal=True
    )
    return lf.drop("_rank").collect()


def overlapping_dumps(store: str | Path | Store) -> pl.DataFrame:
    """Return the (day, platform) pairs several dumps hold: the dump ``counted`` and those ``not_counted``."""
    st = open_existing(store)
    parts = _parts(st, "summary")
    if not parts:
        return pl.DataFrame(
            schema={
                "day": pl.Date,
                "platform": pl.String,
                "counted": pl.String,
                "not_counted": pl.List(pl.String),
            }
        )
    names = pl.DataFrame({"_rank": list(range(len(parts))), "dump": [stem for stem, _ in parts]})
    held = _ranked(st, "summary", schema.SUMMARY_SCHEMA).select("day", "platform", "_rank").unique().collect()
    held = held.join(names, on="_rank").sort("day", "platform", "_rank")
    grouped = held.group_by("day", "platform", maintain_order=True).agg(pl.col("dump"))
    return grouped.filter(pl.col("dump").list.len() > 1).select(
        "day",
        "platform",
        pl.col("dump").list.first().alias("counted"),
        pl.col("dump").list.slice(1).alias("not_counted"),
    )


def _date(name: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} {value!r}: expected a date YYYY-MM-DD") from None


def canonical_platforms(platforms: Iterable[str] | None) -> list[str] | None:
    """Return the canonical names of ``platforms``, or None when no platform is given.

    Old and HTML-escaped names are mapped as in the store (``Amazon`` → ``Amazon Store``).
    """
    if not platforms:
        return None
    return sorted({taxonomy.canonical_platform(p) for p in platforms})


def _filtered(store, since, until, platforms) -> pl.LazyFrame:
    lf = store_summary(store, lazy=True)
    if since:
        lf = lf.filter(pl.col("day") >= _date("since", since))
    if until:
        lf = lf.filter(pl.col("day") <= _date("until", until))
    if platforms:
        lf = lf.filter(pl.col("platform").is_in(canonical_platforms(platforms)))
    return lf


def platforms(store) -> list[str]:
    """Return the canonical platform names present in the store, sorted."""
    return sorted(
        store_summary(store, lazy=True)
        .select(pl.col("platform").unique())
        .collect()
        .get_column("platform")
        .drop_nulls()
        .to_list()
    )


def _check_by(by: Sequence[str]) -> list[str]:
    by = list(by)
    unknown = [b for b in by if b not in schema.GROUP_KEYS]
    if unknown:
        raise ValueError(f"unknown grouping column(s) {unknown}; use any of {', '.join(schema.GROUP_KEYS)}")
    return by


def summary(
    store,
    by: Sequence[str] = ("day", "platform"),
    *,
    since: str | None = None,
    until: str | None = None,
    platforms: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Return the summary re-aggregated over ``by``: counts and all delay columns, sorted by ``by``.

    Parameters
    ----------
    store
        A summary store (a folder written by ``dsa-explore sor ingest``, or a
        :class:`~dsa_explore.sor.store.Store`).
    by
        Grouping columns, any of :data:`dsa_explore.sor.schema.GROUP_KEYS`.
    since, until, platforms
        Days (``YYYY-MM-DD``, inclusive) and platforms kept (old and HTML-escaped names accepted).

    Raises
    ------
    ValueError
        For a grouping column that is not a group key, or a date that is not ``YYYY-MM-DD``.
    FileNotFoundError
        When ``store`` is not a store (it has no manifest).
    """
    by = _check_by(by)
    frame = _filtered(store, since, until, platforms).collect()
    return aggregate(frame, by)


def counts(store, by: Sequence[str] = ("platform",), **filters) -> pl.DataFrame:
    """Return ``by`` columns and ``count`` (statements of reasons after de-duplication)."""
    return summary(store, by, **filters).select([*by, "count"])


def delay_quantiles(
    store_or_frame,
    by: Sequence[str] = ("platform",),
    *,
    metric: str = "mod",
    q: Sequence[float] = (0.5, 0.9),
    **filters,
) -> pl.DataFrame:
    """Return per group: non-negative delays counted, negatives, nulls, mean and quantiles (days).

    ``metric`` is ``mod`` (moderation delay) or ``dis`` (disclosure delay). Quantiles are over the
    non-negative delays, linearly interpolated inside the histogram bin that holds them.
    """
    if metric not in schema.DELAY_METRICS:
        raise ValueError(f"unknown metric {metric!r}; use one of {list(schema.DELAY_METRICS)}")
    frame = (
        store_or_frame if isinstance(store_or_frame, pl.DataFrame) else summary(store_or_frame, by, **filters)
    )
    if isinstance(store_or_frame, pl.DataFrame):
        frame = aggregate(frame, _check_by(by))
    edges = list(schema.DELAY_BIN_EDGES)
    hist_cols = [f"{metric}_h{e}" for e in edges]
    rows = []
    for rec in frame.iter_rows(named=True):
        counts_ = [rec[c] or 0 for c in hist_cols]
        n = sum(counts_)
        out = {k: rec[k] for k in by}
        out["n"] = n
        out["negative"] = rec[f"{metric}_negative"]
        out["null"] = rec[f"{metric}_null"]
        out["mean_days"] = (rec[f"{metric}_sum_days"] / n) if n else None
        out["max_days"] = rec[f"{metric}_max_days"]
        for qq in q:
            out[f"q{int(round(qq * 100)):02d}_days"] = _hist_quantile(
                counts_, edges, rec[f"{metric}_max_days"], qq
            )
        rows.append(out)
    schema_ = {
        **{k: frame.schema[k] for k in by},
        "n": pl.Int64,
        "negative": pl.Int64,
        "null": pl.Int64,
        "mean_days": pl.Float64,
        "max_days": pl.Int64,
        **{f"q{int(round(qq * 100)):02d}_days": pl.Float64 for qq in q},
    }
    return pl.DataFrame(rows, schema=schema_, orient="row") if rows else pl.DataFrame(schema=schema_)


def _hist_quantile(counts_: list[int], edges: list[int], max_days: int | None, q: float) -> float | None:
    n = sum(counts_)
    if n == 0:
        return None
    target = q * n
    cum = 0
    for i, c in enumerate(counts_):
        if c and cum + c >= target:
            lo = edges[i]
            hi = edges[i + 1] if i + 1 < len(edges) else max(lo + 1, (max_days or lo) + 1)
            # delays are whole days: step through the bin's days in proportion to the rank
            return float(lo + min(hi - lo - 1, int((hi - lo) * (target - cum) / c)))
        cum += c
    return float(max_days) if max_days is not None else None


def keywords(store, by: Sequence[str] = ("platform", "keyword"), **filters) -> pl.DataFrame:
    """Return keyword counts (v2 keywords; v1-only kept as they are) re-aggregated over ``by``."""
    kw = store_keywords(store)
    if filters.get("since"):
        kw = kw.filter(pl.col("day") >= _date("since", filters["since"]))
    if filters.get("until"):
        kw = kw.filter(pl.col("day") <= _date("until", filters["until"]))
    if filters.get("platforms"):
        kw = kw.filter(pl.col("platform").is_in(canonical_platforms(filters["platforms"])))
    by = list(by)
    return kw.group_by(by).agg(pl.col("count").sum()).sort(by, nulls_last=False)


def accounting(store) -> pl.DataFrame:
    """Return the per-dump row account (dump, status, rows read, summarised and rejected, reasons...)."""
    return open_existing(store).accounting()
