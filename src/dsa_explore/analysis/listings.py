"""Listing-sample estimates: prevalence tables per platform, category or any grouping, with their design.

Prevalence tables (:func:`prevalence_table`) turn a validated sample (see
:mod:`dsa_explore.readers.listings`) into estimates for three estimands (listing-level,
exposure-weighted, seller-level), with the design that produced each number.

Synthetic samples say so in every table: a sample whose ``data`` column reads ``"SYNTHETIC"``
(the shipped one, :func:`dsa_explore.readers.listings.load_synthetic`) gives tables whose first
column, ``data``, reads ``"SYNTHETIC"`` on every row; a sample without it (an analyst's own, read
with :func:`dsa_explore.readers.listings.read_sample`) gives tables without the column.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from dsa_explore.analysis import estimators as stats
from dsa_explore.readers.listings import CATEGORIES, PROBABILITY_MECHANISMS, validate_published

#: The column that marks a synthetic sample's rows, and the tables computed from it.
MARK_COLUMN = "data"
#: Its value on synthetic rows.
SYNTHETIC_MARK = "SYNTHETIC"

ESTIMANDS: dict[str, str] = {
    "listing": "share of listings (design-weighted Hájek estimate; Korn–Graubard interval)",
    "exposure": "share of views (design weight × views; Korn–Graubard interval)",
    "seller": "share of sampled sellers with at least one positive listing (unweighted; Wilson interval)",
    "unweighted": "share of sampled listings, ignoring the design (Wilson interval)",
}


def is_synthetic(sample: pl.DataFrame) -> bool:
    """Return whether any row of ``sample`` is marked synthetic (``data`` column reading ``"SYNTHETIC"``)."""
    return MARK_COLUMN in sample.columns and bool((sample[MARK_COLUMN] == SYNTHETIC_MARK).any())


#: What a chart of the shipped synthetic sample cites (its file and sampling frame).
SYNTHETIC_SOURCE = (
    "SYNTHETIC listing sample (data/listings/listing-sample-synthetic.csv and "
    "data/listings/listing-frame-synthetic.csv, seeded)"
)


def source_text(sample: pl.DataFrame, name: str | None = None) -> str:
    """Return the data a chart of ``sample`` cites: the synthetic file, or the analyst's sample ``name``.

    A synthetic sample (:func:`is_synthetic`) cites :data:`SYNTHETIC_SOURCE` whatever ``name`` says;
    a real one cites ``name`` (e.g. its file), or "the analyst's own listing sample" when none is given.
    """
    if is_synthetic(sample):
        return SYNTHETIC_SOURCE
    return f"listing sample {name}" if name else "the analyst's own listing sample"


def mark_like(sample: pl.DataFrame, table: pl.DataFrame) -> pl.DataFrame:
    """Return ``table`` with a leading ``data`` = ``"SYNTHETIC"`` column if ``sample`` is synthetic.

    A table computed from a sample with any synthetic row is synthetic as a whole; a table from a
    real sample is returned unchanged (a ``data`` column an analyst's own file may have is not read).
    """
    table = table.drop(MARK_COLUMN, strict=False)
    if not is_synthetic(sample):
        return table
    return table.select(pl.lit(SYNTHETIC_MARK).alias(MARK_COLUMN), pl.all())


def probability_rows(sample: pl.DataFrame) -> pl.DataFrame:
    """Return the rows from probability selection (known inclusion probabilities)."""
    return sample.filter(
        pl.col("selection_mechanism").is_in(list(PROBABILITY_MECHANISMS)) & pl.col("weight").is_not_null()
    )


def prevalence_table(
    sample: pl.DataFrame,
    label: str,
    by: Sequence[str] = ("platform",),
    *,
    estimand: str = "listing",
    level: float = 0.95,
) -> pl.DataFrame:
    """Return prevalence of ``label`` per ``by`` group for one estimand, with interval and design.

    ``listing`` and ``exposure`` use probability-sample rows only (random_listing,
    random_in_stratum, risk_targeted) with their design weights; the variance is computed
    within strata with sellers as primary sampling units (labels cluster within sellers);
    ``seller`` and ``unweighted`` describe whatever rows are given. Rows with the label
    empty (not assessed) are left out and counted in ``n_excluded``.

    Returns columns: [data,] *by, estimand, n, k, estimate, low, high, n_eff, deff, design
    (``data`` = ``"SYNTHETIC"`` for a synthetic sample, see :func:`mark_like`).
    """
    by = list(by)
    if estimand not in ESTIMANDS:
        raise ValueError(f"unknown estimand {estimand!r}; use one of {sorted(ESTIMANDS)}")
    if estimand in ("listing", "exposure"):
        # sellers are the primary sampling units (a listing with no seller id is its own unit)
        d = probability_rows(sample).with_columns(
            pl.coalesce(pl.col("seller_id"), pl.lit("listing:") + pl.col("listing_id")).alias("_seller")
        )
        if estimand == "exposure":
            d = d.with_columns((pl.col("weight") * pl.col("views")).alias("_wx")).filter(pl.col("_wx") > 0)
        t = stats.weighted_prevalence(
            d,
            label=label,
            weight="_wx" if estimand == "exposure" else "weight",
            by=by,
            stratum="stratum",
            cluster="_seller",
            level=level,
        )
        t = t.with_columns(
            pl.format(
                "{} probability-sampled listings from {} sellers, {} strata, Kish deff {}",
                pl.col("n"),
                pl.col("psus"),
                pl.col("strata"),
                pl.col("kish_deff").round(2),
            ).alias("design")
        )
    elif estimand == "seller":
        s = (
            sample.filter(pl.col(label).is_not_null() & pl.col("seller_id").is_not_null())
            .group_by([*by, "seller_id"])
            .agg(pl.col(label).max().alias("_any"))
        )
        t = s.group_by(by).agg(pl.len().alias("n"), pl.col("_any").sum().cast(pl.Int64).alias("k")).sort(by)
        t = stats.add_intervals(t, "k", "n", method="wilson", level=level).with_columns(
            pl.col("n").cast(pl.Float64).alias("n_eff"),
            pl.lit(None, pl.Float64).alias("deff"),
            pl.format("{} sampled sellers (any selection)", pl.col("n")).alias("design"),
        )
    else:
        t = (
            sample.filter(pl.col(label).is_not_null())
            .group_by(by)
            .agg(pl.len().alias("n"), pl.col(label).sum().cast(pl.Int64).alias("k"))
            .sort(by)
        )
        t = stats.add_intervals(t, "k", "n", method="wilson", level=level).with_columns(
            pl.col("n").cast(pl.Float64).alias("n_eff"),
            pl.lit(None, pl.Float64).alias("deff"),
            pl.format("{} sampled listings, unweighted", pl.col("n")).alias("design"),
        )
    # polars' parallel group sums can differ in the last bits from run to run; 12 decimals keep
    # tables and chart specs reproducible (and are far below any reported precision)
    t = t.with_columns(
        pl.lit(estimand).alias("estimand"), pl.col("estimate", "low", "high", "n_eff", "deff").round(12)
    ).select(*by, "estimand", "n", "k", "estimate", "low", "high", "n_eff", "deff", "design")
    return mark_like(sample, t)


def interval_methods_table(
    table: pl.DataFrame, k: str = "positives", n: str = "n", *, level: float = 0.95
) -> pl.DataFrame:
    """Return ``table`` with the estimate and every interval method side by side (``<method>_low/_high``).

    Adds ``zero_upper``, the exact one-sided upper bound where k = 0 (null otherwise).
    """
    out = table.with_columns((pl.col(k) / pl.col(n)).alias("estimate"))
    for method in stats.INTERVAL_METHODS:
        low, high = stats.binomial_interval(table[k], table[n], method, level)
        out = out.with_columns(
            pl.Series(f"{method}_low", low).round(3), pl.Series(f"{method}_high", high).round(3)
        )
    upper = stats.zero_positive_upper_bound(table[n], level)
    out = out.with_columns(
        pl.when(pl.col(k) == 0).then(pl.Series(upper)).otherwise(None).round(3).alias("zero_upper"),
        pl.col("estimate").round(3),
    )
    return mark_like(table, out)


def stratified_check(
    sample: pl.DataFrame,
    frame: pl.DataFrame,
    label: str = "label_formal_noncompliant",
    by: Sequence[str] = ("platform",),
) -> pl.DataFrame:
    """Return the stratified estimator with FPC beside the Hájek estimate, over simple-random strata only.

    On ``random_in_stratum`` rows the two point estimates coincide (weights N_h/n_h); the
    stratified variance adds the finite-population correction and assumes independent
    listings, the Hájek one treats sellers as clusters.
    """
    srs = sample.filter(pl.col("selection_mechanism") == "random_in_stratum")
    st = stats.stratified_prevalence(srs, stratum="stratum", label=label, frame_sizes=frame, by=list(by))
    srs = srs.filter(pl.col("weight").is_not_null()).with_columns(
        pl.coalesce(pl.col("seller_id"), pl.lit("listing:") + pl.col("listing_id")).alias("_seller")
    )
    hj = stats.weighted_prevalence(
        srs, label=label, weight="weight", by=list(by), stratum="stratum", cluster="_seller"
    )
    check = st.select(
        *by,
        "n",
        "strata",
        pl.col("estimate").round(4).alias("stratified_estimate"),
        pl.col("se").round(4).alias("stratified_se_fpc"),
    ).join(
        hj.select(
            *by,
            pl.col("estimate").round(4).alias("hajek_estimate"),
            pl.col("se").round(4).alias("hajek_se_clustered"),
        ),
        on=list(by),
    )
    return mark_like(sample, check)


def review_agreement(
    sample: pl.DataFrame, by: Sequence[str] = ("platform",), level: float = 0.95
) -> pl.DataFrame:
    """Return label quality on the re-review sub-sample: agreement of ``label_review`` with the desk label.

    Per group: listings re-reviewed, agreements, agreement rate with a Wilson interval, and
    Cohen's kappa (agreement beyond chance).
    """
    by = list(by)
    d = sample.filter(
        pl.col("label_review").is_not_null() & pl.col("label_formal_noncompliant").is_not_null()
    )
    a, b = pl.col("label_formal_noncompliant"), pl.col("label_review")
    t = (
        d.group_by(by)
        .agg(
            pl.len().alias("n"),
            (a == b).sum().cast(pl.Int64).alias("k"),
            a.mean().alias("_pa"),
            b.mean().alias("_pb"),
        )
        .sort(by)
    )
    t = stats.add_intervals(t, "k", "n", method="wilson", level=level)
    chance = pl.col("_pa") * pl.col("_pb") + (1 - pl.col("_pa")) * (1 - pl.col("_pb"))
    agreement = (
        t.with_columns(
            pl.when(chance < 1)
            .then((pl.col("estimate") - chance) / (1 - chance))
            .otherwise(None)
            .round(3)
            .alias("cohen_kappa"),
            pl.col("estimate", "low", "high").round(3),
        )
        .rename({"n": "reviewed", "k": "agreements", "estimate": "agreement"})
        .drop("_pa", "_pb")
    )
    return mark_like(sample, agreement)


def design_table(sample: pl.DataFrame, frame: pl.DataFrame) -> pl.DataFrame:
    """Return what was sampled and how.

    Per platform and selection mechanism: listings, sellers, strata, lab-tested listings, the
    range of design weights and the platform's frame size.
    """
    design = (
        sample.group_by("platform", "selection_mechanism")
        .agg(
            pl.len().alias("listings"),
            pl.col("seller_id").n_unique().alias("sellers"),
            pl.col("stratum").n_unique().alias("strata"),
            (pl.col("label_source") == "lab").sum().alias("lab_tested"),
            pl.col("weight").min().round(1).alias("weight_min"),
            pl.col("weight").max().round(1).alias("weight_max"),
        )
        .join(
            frame.group_by("platform").agg(pl.col("frame_size").sum().alias("frame_listings")),
            on="platform",
            how="left",
        )
        .sort("platform", "selection_mechanism")
    )
    return mark_like(sample, design)


def cluster_effects(sample: pl.DataFrame, label: str, by: Sequence[str] = ("platform",)) -> pl.DataFrame:
    """Return the intra-seller correlation and cluster design effect of ``label`` per group."""
    rows = []
    d = sample.filter(pl.col(label).is_not_null() & pl.col("seller_id").is_not_null())
    for key, g in d.group_by(list(by), maintain_order=True):
        try:
            res = stats.cluster_design_effect(g[label].to_numpy(), g["seller_id"].to_numpy())
        except ValueError:
            continue
        rows.append(
            {
                **dict(zip(by, key, strict=True)),
                **{k: res[k] for k in ("n", "clusters", "mean_cluster_size", "icc", "deff")},
            }
        )
    schema = {
        **{b: pl.String for b in by},
        "n": pl.Int64,
        "clusters": pl.Int64,
        "mean_cluster_size": pl.Float64,
        "icc": pl.Float64,
        "deff": pl.Float64,
    }
    return mark_like(sample, pl.DataFrame(rows, schema=schema).sort(list(by)))


def forest_table(
    sample: pl.DataFrame,
    label: str = "label_formal_noncompliant",
    *,
    platform: str | None = None,
    level: float = 0.95,
) -> pl.DataFrame:
    """Return listing-level estimates per platform × category and per platform overall (forest plots)."""
    d = sample if platform is None else sample.filter(pl.col("platform") == platform)
    by_cat = prevalence_table(d, label, ["platform", "category"], level=level)
    overall = prevalence_table(d, label, ["platform"], level=level).with_columns(
        pl.lit("all categories").alias("category")
    )
    t = pl.concat([overall.select(by_cat.columns), by_cat]).with_columns(
        pl.col("category").replace(CATEGORIES).alias("category_title")
    )
    return t.with_columns(
        pl.format("{} · {}", pl.col("platform"), pl.col("category_title")).alias("row_label")
    )


def published_test_purchases() -> pl.DataFrame:
    """Return the shipped published test purchases with Wilson intervals (estimate, low, high).

    Rows with counts get ``positives/n`` and a Wilson interval; shares-only rows get the published
    ``share`` as estimate and no interval (n unknown); fact rows (neither) have a null estimate.
    ``counts_published`` says which is which. Row order is the file's.
    """
    from dsa_explore.data import catalog

    t = validate_published(catalog.load("published_test_purchases")).with_row_index("_row")
    counted = stats.add_intervals(t.filter(pl.col("n").is_not_null()), "positives", "n", method="wilson")
    shares = t.filter(pl.col("n").is_null()).with_columns(
        pl.col("share").alias("estimate"),
        pl.lit(None, pl.Float64).alias("low"),
        pl.lit(None, pl.Float64).alias("high"),
    )
    return (
        pl.concat([counted, shares.select(counted.columns)])
        .sort("_row")
        .drop("_row")
        .with_columns(counts_published=pl.col("n").is_not_null())
    )


def explorer_table(
    sample: pl.DataFrame, platform: str, label: str = "label_formal_noncompliant", estimand: str = "listing"
) -> pl.DataFrame:
    """Return the per-category table the JupyterLab explorer shows for one platform, label and estimand."""
    d = sample.filter(pl.col("platform") == platform)
    t = prevalence_table(d, label, ["platform", "category"], estimand=estimand)
    shown = t.select(
        "category",
        "n",
        "k",
        (pl.col("estimate") * 100).round(1).alias("estimate_pct"),
        (pl.col("low") * 100).round(1).alias("low_pct"),
        (pl.col("high") * 100).round(1).alias("high_pct"),
        "design",
    )
    return mark_like(sample, shown)
