"""Notebook 05's questions, one call each: the computed answer sentence and the chart (or table).

Each function takes the analysis frame (:func:`dsa_explore.analysis.sor_view.load`, the shipped extract or
a user's store) and returns ``(answer, chart)``: the numbers a reader needs, computed, as one line of
text, and the unconfigured Altair chart. The logic is in :mod:`dsa_explore.analysis.sor`; the drawing in
:mod:`dsa_explore.charts.sor`; this module only puts a question's pieces together.
"""

from __future__ import annotations

import polars as pl

from dsa_explore.analysis import sor as stats
from dsa_explore.charts import sor as sor_charts

H2 = {"since": stats.H2_2025[0], "until": stats.H2_2025[1]}
FOCUS = list(stats.FOCUS_PLATFORMS)
BIG_THREE = ["AliExpress", "Amazon Store", "Temu"]


def _days_h2(extract: pl.DataFrame) -> int:
    return (
        extract.filter(pl.col("date").is_between(*stats.H2_2025)).select(pl.col("date").n_unique()).item()
        or 1
    )


def volumes(extract: pl.DataFrame):
    """How many SoRs per day in H2 2025, and the weekly series with its breaks."""
    days = _days_h2(extract)
    totals = stats.platform_totals(extract, **H2).filter(pl.col("platform").is_in(BIG_THREE))
    answer = f"SoRs per day in H2 2025 ({days} days): " + "; ".join(
        f"{r['platform']} {r['sors'] / days / 1e6:.2f} M" for r in totals.iter_rows(named=True)
    )
    weekly = stats.volumes(extract, "1w", platforms=FOCUS)
    return answer, sor_charts.volume_explorer(weekly, default_platform="AliExpress", platforms=FOCUS)


def categories(extract: pl.DataFrame):
    """Which harmonised category is largest per platform, and the monthly category mix."""
    mix = stats.category_mix(
        extract, platforms=["AliExpress", "Amazon Store", "Temu", "SHEIN", "Vinted", "eBay"]
    )
    whole = stats.shares(extract, "category_v2", platforms=BIG_THREE)
    top = (
        whole.sort("platform", "share", descending=[False, True])
        .group_by("platform", maintain_order=True)
        .first()
    )
    answer = "Largest harmonised category over the whole period: " + "; ".join(
        f"{r['platform']}: {sor_charts.label(r['variant'])} {r['share']:.0%}"
        for r in top.iter_rows(named=True)
    )
    return answer, sor_charts.category_mix(mix, default_platform="Amazon Store")


def keywords(extract: pl.DataFrame):
    """Which platforms give no keyword at all, in H2 2025 and over the whole period."""
    use = stats.keyword_use(extract, platforms=FOCUS, **H2)
    none = use.filter(pl.col("keywords") == 0)
    whole = stats.keyword_use(extract, platforms=["AliExpress", "Amazon Store"])
    answer = (
        f"H2 2025: {none.height} of {use.height} platforms gave no keyword in any SoR: "
        + ", ".join(f"{r['platform']} ({r['sors']:,} SoRs)" for r in none.iter_rows(named=True))
        + ".\n"
        + "Over the whole period: "
        + "; ".join(
            f"{r['platform']} {r['keywords']:,} keywords in {r['sors']:,} SoRs"
            for r in whole.iter_rows(named=True)
        )
        + "."
    )
    chart = sor_charts.keyword_use_chart(
        use,
        subtitle="H2 2025. Keywords given per 100 SoRs (a SoR can carry "
        'several); "none": not one keyword in any SoR of the half-year.',
    )
    return answer, chart


def keyword_mix(extract: pl.DataFrame):
    """Which keywords the platforms that give them use (H2 2025)."""
    use = stats.keyword_use(extract, platforms=FOCUS, **H2)
    givers = use.filter(pl.col("keywords") > 0)["platform"].to_list()
    kw = sor_charts.with_labels(
        stats.shares(extract, "keyword_v2", platforms=givers, **H2), "variant", "keyword"
    )
    temu = kw.filter(pl.col("platform") == "Temu").sort("share", descending=True).head(3)
    answer = (
        "Temu, H2 2025: "
        + "; ".join(f"{r['keyword']} {r['share']:.0%}" for r in temu.iter_rows(named=True))
        + "."
    )
    chart = sor_charts.share_bars(
        kw,
        category="keyword",
        legend_title="keyword (v2)",
        title="Which keywords do the platforms that give them use?",
        subtitle="H2 2025, shares of the keywords given; the 7 most frequent keep their own colour.",
        description="Horizontal 100 % stacked bars of the keywords (category specifications) given in "
        "statements of reasons per platform, H2 2025.",
    )
    return answer, chart


def automation(extract: pl.DataFrame):
    """How automated AliExpress's decisions were in H2 2025, beside the other platforms."""
    table = stats.automation(extract, platforms=FOCUS, **H2)
    ali = table.filter(pl.col("platform") == "AliExpress").row(0, named=True)
    answer = (
        f"AliExpress, H2 2025: {ali['fully']:.1%} fully automated, {ali['automated_detection']:.1%} "
        "detected automatically."
    )
    chart = sor_charts.automation_chart(
        table, subtitle="H2 2025. Bars: automated decision; black tick: share detected by automated means."
    )
    return answer, chart


def delays(extract: pl.DataFrame):
    """Return the mean moderation delay in H2 2025 and AliExpress's negative delays over the period."""
    table = stats.delays(extract, platforms=FOCUS, **H2)
    neg = stats.delays(extract, platforms=["AliExpress"]).row(0, named=True)
    answer = (
        f"AliExpress: {neg['negative']:,} SoRs with a negative moderation delay over the whole period "
        f"({neg['negative_share']:.3%} of its SoRs)."
    )
    chart = sor_charts.delay_chart(
        table, subtitle="H2 2025; days from content date to decision (log scale); negative delays left out."
    )
    return answer, chart


def decision_types(extract: pl.DataFrame):
    """Return the chart of what the decisions restrict (H2 2025)."""
    return sor_charts.decision_type_chart(
        stats.shares(extract, "decision_type", platforms=FOCUS, **H2),
        subtitle="H2 2025. Combinations of visibility, monetary, service and account restrictions.",
    )


def sources(extract: pl.DataFrame):
    """Return what triggered the decisions: the share on the platform's own initiative (H2 2025)."""
    table = stats.shares(extract, "source_type", platforms=FOCUS, **H2)
    voluntary = (
        table.filter(pl.col("variant") == "SOURCE_VOLUNTARY").select("platform", "share").sort("share")
    )
    answer = "Share of SoRs on the platform's own initiative, H2 2025: " + "; ".join(
        f"{p} {s:.0%}" for p, s in voluntary.iter_rows()
    )
    return answer, sor_charts.source_type_chart(table, subtitle="H2 2025.")


def territorial_scope(extract: pl.DataFrame):
    """Where the decisions apply (H2 2025)."""
    return sor_charts.territorial_chart(
        stats.shares(extract, "territorial_scope_kind", platforms=FOCUS, **H2),
        subtitle="H2 2025. EU / EEA / EEA_no_IS: the whole area as one alias; other list: any list of "
        "countries.",
    )


def per_moderator(extract: pl.DataFrame):
    """SoRs per reported moderator: the table, the answer for AliExpress, and the chart."""
    table = stats.sors_per_moderator(extract, n_days=_days_h2(extract))
    ratio = dict(table.select("platform", "sors_per_moderator").iter_rows())
    answer = (
        f"AliExpress: {ratio['AliExpress']:,.0f} SoRs per reported moderator in H2 2025, "
        f"{ratio['AliExpress'] / ratio['Amazon Store']:.1f}× Amazon Store and "
        f"{ratio['AliExpress'] / ratio['Temu']:.1f}× Temu."
    )
    shown = table.drop("source_url").with_columns(
        pl.col("sors_per_moderator", "sors_per_moderator_per_day").round(1)
    )
    return shown, answer, sor_charts.per_moderator_chart(table)


def reported_actions(extract: pl.DataFrame):
    """SoRs against the actions the platforms report (table and chart)."""
    versus = stats.sors_vs_reported_actions(extract)
    shown = versus.with_columns(
        pl.col("reported_actions").cast(pl.Int64), pl.col("sors_to_reported").round(3)
    )
    return shown, sor_charts.reported_actions_chart(stats.reported_actions_long(extract))


def section_facts(section) -> pl.DataFrame:
    """Return a briefing section's facts as a table (key, label, text, source)."""
    return pl.DataFrame(
        [
            {
                "key": f.key,
                "label": f.label,
                "text": f.text,
                "source": f.source.dataset or f.source.url or f.source.label,
            }
            for f in section.facts
        ]
    )
