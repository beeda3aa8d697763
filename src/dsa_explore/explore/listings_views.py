"""Notebook 01's questions, one call each: the computed table or answer and the chart.

The estimators are in :mod:`dsa_explore.analysis.listings` and :mod:`dsa_explore.analysis.estimators`,
the drawing in :mod:`dsa_explore.charts.listings`; this module only puts a question's pieces together.
A synthetic sample (the shipped one) gives charts titled SYNTHETIC DATA and tables whose first column,
``data``, reads ``"SYNTHETIC"`` (:func:`dsa_explore.analysis.listings.mark_like`); an analyst's own
sample gives neither. Each chart's source line names the sample it drew (``source``, by default
:func:`dsa_explore.analysis.listings.source_text`: the synthetic file, or "the analyst's own listing sample").
"""

from __future__ import annotations

import polars as pl

from dsa_explore.analysis import estimators as stats
from dsa_explore.analysis import listings
from dsa_explore.charts import listings as lc

FORMAL, UNSAFE = "label_formal_noncompliant", "label_unsafe_lab"


def _which(sample: pl.DataFrame) -> str:
    """Return "synthetic " for a synthetic sample, "" for a real one (for chart descriptions)."""
    return "synthetic " if listings.is_synthetic(sample) else ""


def formal_prevalence(sample: pl.DataFrame, source: str | None = None):
    """Formal non-compliance per platform and category: the platform rows as a table, and the forest plot."""
    forest = listings.forest_table(sample, FORMAL)
    chart = lc.prevalence_forest(
        forest,
        title="Formally non-compliant listings by platform and category",
        subtitle="Design-weighted share of listings, 95% Korn–Graubard intervals",
        synthetic=listings.is_synthetic(sample),
        source=source or listings.source_text(sample),
        description="Forest plot: estimated share of formally non-compliant listings for each platform "
        f"overall and per product category, with 95% intervals, from the {_which(sample)}listing sample.",
    )
    overall = forest.filter(pl.col("category") == "all categories").sort("estimate")
    lines = [
        f"{r['platform']:>13}: {r['estimate']:.0%} (95% CI {r['low']:.0%}–{r['high']:.0%}), {r['design']}"
        for r in overall.iter_rows(named=True)
    ]
    return "\n".join(lines), chart


def outcomes(sample: pl.DataFrame, source: str | None = None):
    """Formal non-compliance (desk) beside lab-confirmed unsafe, per platform: table and chart."""
    both = pl.concat(
        [
            listings.prevalence_table(sample, FORMAL).with_columns(
                outcome=pl.lit("formal non-compliance (desk)")
            ),
            listings.prevalence_table(sample, UNSAFE).with_columns(
                outcome=pl.lit("unsafe (lab-tested sub-sample)")
            ),
        ]
    )
    chart = lc.outcome_comparison(
        both,
        title="Formal non-compliance vs lab-confirmed unsafe",
        synthetic=listings.is_synthetic(sample),
        source=source or listings.source_text(sample),
        subtitle="Design-weighted shares, 95% Korn–Graubard intervals",
        description="For each platform, the estimated share of formally non-compliant listings and the "
        "estimated share of lab-tested listings found unsafe, each with a 95% interval, from the "
        f"{_which(sample)}sample.",
    )
    table = both.select(
        "outcome",
        "platform",
        "n",
        "k",
        pl.col("estimate").round(3),
        pl.col("low").round(3),
        pl.col("high").round(3),
    ).sort("platform", "outcome")
    return listings.mark_like(sample, table), chart


def estimands(sample: pl.DataFrame, source: str | None = None):
    """Return the listing-level, exposure-weighted, seller-level and unweighted shares.

    Returns ``(chart, cluster effects, wide table)``.
    """
    frame = pl.concat(
        [
            listings.prevalence_table(sample, FORMAL, estimand=e)
            for e in ("listing", "exposure", "seller", "unweighted")
        ]
    )
    chart = lc.estimand_comparison(
        frame,
        title="Three estimands of formal non-compliance (plus the naive unweighted share)",
        synthetic=listings.is_synthetic(sample),
        source=source or listings.source_text(sample),
        subtitle="listing: design-weighted · exposure: weighted by views · seller: sellers with ≥1 positive",
        description="For each platform, the share of formally non-compliant listings estimated four ways "
        "(listing-level, exposure-weighted, seller-level, unweighted) with 95% intervals, from the "
        f"{_which(sample)}sample.",
    )
    clusters = listings.cluster_effects(sample, FORMAL).with_columns(
        pl.col("mean_cluster_size", "icc", "deff").round(2)
    )
    wide = frame.pivot(on="estimand", index="platform", values="estimate").sort("platform")
    return chart, clusters, listings.mark_like(sample, wide.with_columns(pl.exclude("platform").round(3)))


def published_beside_ours(sample: pl.DataFrame, published: pl.DataFrame, source: str | None = None):
    """Return the forest plot of the published test purchases beside the sample's lab-tested estimates."""
    ours = (
        listings.forest_table(sample, UNSAFE)
        .filter(pl.col("category") == "all categories")
        .with_columns(row_label=pl.format("this sample · {} · lab-tested listings (unsafe)", "platform"))
    )
    return lc.published_beside_ours(
        ours,
        published.sort("year", "study"),
        synthetic=listings.is_synthetic(sample),
        source=source or listings.source_text(sample),
        title="Published test purchases beside the sample's estimates",
        subtitle="Published: purposive / search-top-k selections (Wilson 95%); this sample: probability "
        "design (Korn–Graubard 95%)",
        description="Forest plot of the share of failing products in each published test purchase (TIE, "
        "BEUC/ICRT, Which?, Euroconsumers, consumer groups 2025, GPSR sweep), with 95% Wilson intervals "
        f"and the selection mechanism, beside the {_which(sample)}sample's design-weighted share of "
        "lab-tested listings found unsafe per platform.",
    )


def toys_by_selection(sample: pl.DataFrame) -> pl.DataFrame:
    """Toys: the probability-design estimate beside the top-20-search-results share, for both labels."""
    toys = sample.filter(pl.col("category") == "toys")
    rows = []
    for label in (FORMAL, UNSAFE):
        design = listings.prevalence_table(toys, label).with_columns(
            selection=pl.lit("all toys, probability design")
        )
        top_k = listings.prevalence_table(
            toys.filter(pl.col("selection_mechanism") == "search_top_k"), label, estimand="unweighted"
        ).with_columns(selection=pl.lit("top-20 search results"))
        rows += [design.with_columns(label=pl.lit(label)), top_k.with_columns(label=pl.lit(label))]
    table = (
        pl.concat(rows)
        .select("label", "platform", "selection", "n", "k", pl.col("estimate", "low", "high").round(3))
        .sort("label", "platform", "selection")
    )
    return listings.mark_like(sample, table)


def small_study_uncertainty(published: pl.DataFrame, sample: pl.DataFrame, frame: pl.DataFrame):
    """TIE 2024 under four interval methods, the Temu−Amazon difference, and the stratified-estimate check."""
    tie = published.filter((pl.col("study") == "TIE toy test 2024") & (pl.col("platform") != "several"))
    methods = listings.interval_methods_table(tie.select("platform", "n", "positives")).drop("zero_upper")
    diff, low, high = stats.newcombe_difference_interval(19, 25, 10, 25)
    answer = (
        f"TIE 2024 dangerous toys, Temu − Amazon: {diff:+.0%} (Newcombe 95% CI {low:+.0%} to {high:+.0%})\n"
        f"0 of 19 positive would still allow up to {stats.zero_positive_upper_bound(19):.0%} "
        "(exact one-sided 95% bound)"
    )
    return methods, answer, listings.stratified_check(sample, frame)


def planning_frame(sample: pl.DataFrame, frame: pl.DataFrame) -> pl.DataFrame:
    """Return platform × category strata with their frame size and the pilot prevalence (clipped to 5–95%)."""
    pilot = listings.prevalence_table(sample, FORMAL, ["platform", "category"]).select(
        "platform", "category", pilot_prevalence=pl.col("estimate").clip(0.05, 0.95).round(2)
    )
    return (
        frame.join(sample.select("stratum", "category").unique(), on="stratum")
        .group_by("platform", "category")
        .agg(pl.col("frame_size").sum())
        .join(pilot, on=["platform", "category"])
        .with_columns(stratum=pl.format("{} · {}", "platform", "category"))
        .sort("stratum")
    )


def sample_size(sample: pl.DataFrame, frame: pl.DataFrame, source: str | None = None):
    """How many listings to buy: the planner chart and the computed answer."""
    plan_frame = planning_frame(sample, frame)
    chart = lc.sample_size_planner(
        plan_frame,
        pilot="pilot_prevalence",
        synthetic=listings.is_synthetic(sample),
        source=source or listings.source_text(sample),
        title="Sample-size planner: listings to buy per platform × category",
        subtitle="n = z²p(1−p)/e² × deff with finite-population correction; p from the pilot sample or "
        "the slider",
        description="Bar chart of the number of listings to buy in each platform and category to reach the "
        "chosen interval half-width, given the anticipated prevalence (pilot estimate or slider) and the "
        "design effect set by the sliders.",
    )
    plan = stats.sample_size_by_stratum(plan_frame, 0.05, p="pilot_prevalence", deff=1.5)
    lines = [
        f"±5 points with pilot prevalences and deff 1.5: "
        f"{plan['n_required'].min()}–{plan['n_required'].max()} listings per platform × category, "
        f"{plan['n_required'].sum():,} in all ({plan.height} cells)"
    ]
    for e, p in [(0.05, 0.5), (0.03, 0.5), (0.03, 0.10), (0.02, 0.05)]:
        lines.append(
            f"simple random sample, ±{e:.0%} at p = {p:.0%}: {stats.sample_size_for_half_width(e, p):.0f} "
            "listings"
        )
    return chart, "\n".join(lines)
