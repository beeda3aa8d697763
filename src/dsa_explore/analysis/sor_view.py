"""One statements-of-reasons view: the analysis frame from a user's store or from the shipped extract.

Notebook 05 and the briefing's SoR section read statements of reasons through :func:`load`:

- with no store (the default), the shipped extract ``data/tdb/sor-marketplaces-daily.parquet``
  (catalog ``sor_marketplaces_daily``, checksum and schema checked);
- with a store written by ``dsa-explore sor ingest DUMP_OR_DIR... --store DIR`` (argument ``store=DIR``,
  or the environment variable ``DSA_EXPLORE_SOR_STORE=DIR``, which ``make briefing SOR_STORE=DIR`` sets),
  the same long frame computed from the store's summaries (:func:`from_store`).

Both have the columns of :data:`dsa_explore.analysis.sor.EXTRACT_SCHEMA` (date, platform,
platform_published, measure, variant, count, min_days, mean_days, max_days), so every function of
:mod:`dsa_explore.analysis.sor` works on either. What a store holds differs from the extract in three
documented ways: keywords are mapped to the v2 taxonomy at ingestion (``keyword`` and ``keyword_v2``
are then the same), ``account_type`` is not kept (no such measure), and ``min_days`` of a delay is the
lower edge of the first non-empty histogram bin (exact below 2 days; the bins are
``dsa_explore.sor.schema.DELAY_BIN_EDGES``). Counts, means and maxima are exact.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from dsa_explore.analysis.sor import EXTRACT_SCHEMA, PROJECT_SPELLING, load_extract
from dsa_explore.sor import schema, taxonomy
from dsa_explore.sor.store import Store

#: The environment variable that points the notebooks and the briefing at a user's store.
STORE_ENV = "DSA_EXPLORE_SOR_STORE"

#: Store columns copied as (measure, variant) counts; None-valued fields are kept as a null variant.
_SCALAR = {
    "category_v2": "category",
    "category": "category_raw",
    "automated_decision": "automated_decision",
    "automated_detection": "automated_detection",
    "decision_ground": "decision_ground",
    "source_type": "source_type",
    "decision_type": "decision_type",
}
#: Store list columns (elements joined by ``taxonomy.ENUM_LIST_SEPARATOR``) counted per element.
_LISTS = {"decision_visibility": "decision_visibility", "content_type": "content_type"}
_DELAYS = {"moderation_delay": "mod", "disclosure_delay": "dis"}
_KEYS = ["date", "platform", "platform_published"]


@dataclass(frozen=True)
class SorView:
    """The analysis frame and where it came from (``store`` is None for the shipped extract)."""

    frame: pl.DataFrame
    store: Path | None

    @property
    def first_day(self) -> date | None:
        """Return the first day with statements of reasons in the view."""
        return self.frame["date"].min()

    @property
    def last_day(self) -> date | None:
        """Return the last day with statements of reasons in the view."""
        return self.frame["date"].max()


def store_setting(store: str | Path | None = None) -> Path | None:
    """Return the store to read: ``store`` when given, else ``$DSA_EXPLORE_SOR_STORE`` when set, else None."""
    chosen = store if store is not None else os.environ.get(STORE_ENV) or None
    return None if chosen is None else Path(chosen)


def _with_keys(summary: pl.DataFrame) -> pl.DataFrame:
    return summary.rename({"day": "date"}).with_columns(pl.col("platform_raw").alias("platform_published"))


def _counts(frame: pl.DataFrame, measure: str, column: str, *, explode: bool = False) -> pl.DataFrame:
    variant = pl.col(column)
    if explode:
        frame = (
            frame.filter(variant.is_not_null())
            .with_columns(variant.str.split(taxonomy.ENUM_LIST_SEPARATOR))
            .explode(column)
        )
    return (
        frame.group_by(*_KEYS, column)
        .agg(pl.col("count").sum())
        .select(*_KEYS, pl.lit(measure).alias("measure"), pl.col(column).alias("variant"), "count")
    )


def _scope(frame: pl.DataFrame) -> list[pl.DataFrame]:
    aliases = ("EU", "EEA", "EEA_no_IS")
    col = pl.col("territorial_scope")
    kind = (
        pl.when(col.is_null())
        .then(pl.lit("none"))
        .when(col.is_in(aliases))
        .then(col)
        .otherwise(pl.lit("other list"))
    )
    kinds = _counts(frame.with_columns(kind.alias("_kind")), "territorial_scope_kind", "_kind")
    elements = (
        frame.filter(col.is_not_null())
        .with_columns(
            pl.when(col.is_in(aliases))
            .then(pl.concat_list([col]))
            .otherwise(col.str.split(taxonomy.LIST_SEPARATOR))
            .alias("_el")
        )
        .explode("_el")
    )
    return [kinds, _counts(elements, "territorial_scope", "_el")]


def _delays(frame: pl.DataFrame, measure: str, prefix: str) -> list[pl.DataFrame]:
    bins = [f"{prefix}_h{lo}" for lo in schema.DELAY_BIN_EDGES]
    agg = frame.group_by(_KEYS).agg(
        pl.col(bins).sum(),
        pl.col(f"{prefix}_sum_days").sum(),
        pl.col(f"{prefix}_max_days").max(),
        pl.col(f"{prefix}_negative").sum(),
    )
    n = pl.sum_horizontal(bins)
    first = pl.coalesce(
        [
            pl.when(pl.col(b) > 0).then(pl.lit(float(lo)))
            for b, lo in zip(bins, schema.DELAY_BIN_EDGES, strict=True)
        ]
    )
    valid = agg.filter(n > 0).select(
        *_KEYS,
        pl.lit(measure).alias("measure"),
        pl.lit(None, pl.String).alias("variant"),
        n.cast(pl.Int64).alias("count"),
        first.alias("min_days"),
        (pl.col(f"{prefix}_sum_days") / n).alias("mean_days"),
        pl.col(f"{prefix}_max_days").cast(pl.Float64).alias("max_days"),
    )
    negative = agg.filter(pl.col(f"{prefix}_negative") > 0).select(
        *_KEYS,
        pl.lit(f"{measure}_negative").alias("measure"),
        pl.lit(None, pl.String).alias("variant"),
        pl.col(f"{prefix}_negative").alias("count"),
    )
    return [valid, negative]


def _keywords(store: Store, published: pl.DataFrame) -> list[pl.DataFrame]:
    kw = store.keywords().filter(pl.col("keyword").is_not_null()).rename({"day": "date"})
    # a keyword row names the canonical platform; give it the day's published name(s) of that platform
    names = published.select("date", "platform", "platform_published").unique()
    kw = kw.join(names, on=["date", "platform"], how="left").with_columns(
        pl.col("platform_published").fill_null(pl.col("platform"))
    )
    counts = kw.group_by(*_KEYS, "keyword").agg(pl.col("count").sum())
    return [
        counts.select(*_KEYS, pl.lit(m).alias("measure"), pl.col("keyword").alias("variant"), "count")
        for m in ("keyword", "keyword_v2")
    ]


def from_store(store: str | Path | Store) -> pl.DataFrame:
    """Return the analysis frame (extract schema) computed from an ingested statements-of-reasons store.

    Raises ``FileNotFoundError`` naming the folder when it holds no store (no manifest), with the
    command that creates one.
    """
    st = store if isinstance(store, Store) else Store(store)
    if not st.manifest_path.exists():
        raise FileNotFoundError(
            f"{st.root}: no statements-of-reasons store here (no {st.manifest_path.name}); "
            f"create one with: dsa-explore sor ingest DUMP_OR_DIR... --store {st.root}"
        )
    summary = _with_keys(st.summary()).with_columns(pl.col("platform").replace(PROJECT_SPELLING))
    parts = [summary.group_by(_KEYS).agg(pl.col("count").sum()).with_columns(pl.lit("rows").alias("measure"))]
    parts += [_counts(summary, m, c) for m, c in _SCALAR.items()]
    parts += [_counts(summary, m, c, explode=True) for m, c in _LISTS.items()]
    parts += _scope(summary)
    for measure, prefix in _DELAYS.items():
        parts += _delays(summary, measure, prefix)
    parts += _keywords(st, summary)
    frame = pl.concat(
        [
            p.select(
                [
                    pl.col(c).cast(t) if c in p.columns else pl.lit(None, t).alias(c)
                    for c, t in EXTRACT_SCHEMA.items()
                ]
            )
            for p in parts
        ],
        how="vertical",
    )
    return frame.sort("date", "platform", "measure", "variant", nulls_last=True)


def load(store: str | Path | None = None) -> SorView:
    """Return the SoR analysis frame from ``store`` (or ``$DSA_EXPLORE_SOR_STORE``), else the extract."""
    chosen = store_setting(store)
    if chosen is None:
        return SorView(load_extract(), None)
    return SorView(from_store(chosen), chosen)
