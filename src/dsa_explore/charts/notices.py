"""Charts of notices and actions: time to act per category, reversals, repeat offenders, reports vs SoRs.

Builders take the frames of :mod:`dsa_explore.analysis.notices` (``median_time_by_category``,
``ratios``, ``report_vs_database``) and return Altair charts. Their interactivity (category
and period drop-downs, platform highlight) is made of Altair params bound to inputs, so it
works in exported HTML with no kernel. Every tooltip names the published file and line.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from dsa_explore.charts import _check, platform_scale, titled

#: The source line every chart of this module carries (``titled(..., source=...)``).
SOURCE = (
    "Source: the platforms' DSA transparency reports (harmonised templates, data/transparency/) "
    "and the DSA Transparency Database"
)


def _titled(*args, **kwargs):
    """``titled`` with this module's source line."""
    return titled(*args, **{"source": SOURCE, **kwargs})


PERIODS = ["H2 2025", "H1 2026"]
_SHAPES = alt.Scale(domain=PERIODS, range=["circle", "diamond"])


def _period_param(name: str, default: str = "H2 2025") -> alt.Parameter:
    return alt.param(name=name, value=default, bind=alt.binding_select(options=PERIODS, name="Period "))


def _platform_pick(platforms: list[str], name: str) -> alt.SelectionParameter:
    opts = sorted(platforms)
    return alt.selection_point(
        name=name,
        fields=["platform"],
        empty=True,
        bind=alt.binding_select(options=[None, *opts], labels=["All", *opts], name="Highlight platform "),
    )


def median_hours_chart(
    table: pl.DataFrame, *, highlight: str | None = "AliExpress", width: int = 520
) -> alt.Chart:
    """Dot plot: median hours to act on notices per platform, for one notice category chosen in a drop-down.

    ``table`` is :func:`dsa_explore.analysis.notices.median_time_by_category`. Shape = period;
    the tooltip carries notices, moderators and the table-4 file and line.
    """
    frame = _check(
        table, ["platform", "period", "category", "median_hours", "notices", "moderators", "source"]
    )
    frame = frame.filter(pl.col("median_hours").is_not_null()).select(
        "platform",
        "period",
        "category",
        "median_hours",
        "notices",
        "moderators",
        "notices_per_moderator",
        "source",
    )
    categories = sorted(frame["category"].unique().to_list())
    default = "Illegal or unsafe products" if "Illegal or unsafe products" in categories else categories[0]
    pick = alt.param(
        name="category_pick",
        value=default,
        bind=alt.binding_select(options=categories, name="Notice category "),
    )
    focus = (
        alt.condition(alt.datum.platform == highlight, alt.value(1.0), alt.value(0.55))
        if highlight
        else alt.value(0.9)
    )
    return (
        alt.Chart(
            frame,
            width=width,
            title=_titled(
                "How fast platforms act on notices, by category",
                "Median hours from an Art. 16 notice to the action (DSA transparency reports, "
                "table 4; self-reported). Choose the category below.",
            ),
            description="Dot plot of the median hours each marketplace took to act on notices of the "
            "chosen category, H2 2025 and H1 2026.",
        )
        .mark_point(size=120, filled=True)
        .encode(
            x=alt.X("median_hours", type="quantitative", title="median hours to act on a notice"),
            y=alt.Y("platform", type="nominal", title=None, sort="x"),
            color=alt.Color("platform", type="nominal", scale=platform_scale(), legend=None),
            shape=alt.Shape("period", type="nominal", title="period", scale=_SHAPES),
            opacity=focus,
            tooltip=[
                alt.Tooltip("platform"),
                alt.Tooltip("period"),
                alt.Tooltip("category"),
                alt.Tooltip("median_hours", title="median hours", format=",.1f"),
                alt.Tooltip("notices", title="notices", format=",.0f"),
                alt.Tooltip("moderators", title="moderators", format=",.0f"),
                alt.Tooltip("notices_per_moderator", title="notices per moderator", format=",.0f"),
                alt.Tooltip("source", title="source"),
            ],
        )
        .add_params(pick)
        .transform_filter(alt.datum.category == pick)
    )


def _ratio_dots(
    frame: pl.DataFrame,
    measure: str,
    *,
    x_title: str,
    fmt: str,
    log: bool,
    title: str,
    subtitle: str,
    description: str,
    extra: list[alt.Tooltip],
    name: str,
    width: int,
) -> alt.Chart:
    sel = _platform_pick(frame["platform"].unique().to_list(), name)
    return (
        alt.Chart(frame, width=width, title=_titled(title, subtitle), description=description)
        .mark_point(size=120, filled=True)
        .encode(
            x=alt.X(
                measure,
                type="quantitative",
                title=x_title,
                scale=alt.Scale(type="log") if log else alt.Undefined,
                axis=alt.Axis(format=fmt),
            ),
            y=alt.Y("platform", type="nominal", title=None, sort="-x"),
            color=alt.Color("platform", type="nominal", scale=platform_scale(), legend=None),
            shape=alt.Shape("period", type="nominal", title="period", scale=_SHAPES),
            opacity=alt.condition(sel, alt.value(1.0), alt.value(0.15)),
            tooltip=[
                alt.Tooltip("platform"),
                alt.Tooltip("period"),
                alt.Tooltip(measure, title=x_title, format=fmt),
                *extra,
            ],
        )
        .add_params(sel)
    )


def reversals_chart(ratios: pl.DataFrame, *, width: int = 520) -> alt.Chart:
    """Dot plot: share of internal complaints whose decision was reversed, per platform and period."""
    frame = _check(
        ratios,
        [
            "platform",
            "period",
            "share_reversed",
            "complaints",
            "complaints_reversed",
            "complaints_source",
            "complaints_reversed_source",
        ],
    )
    frame = frame.filter(pl.col("share_reversed").is_not_null()).select(
        "platform",
        "period",
        "share_reversed",
        "complaints",
        "complaints_reversed",
        "complaints_source",
        "complaints_reversed_source",
    )
    return _ratio_dots(
        frame,
        "share_reversed",
        x_title="share of complaints reversed",
        fmt=".0%",
        log=False,
        title="How many moderation decisions are reversed on complaint",
        subtitle="Internal complaints (Art. 20) whose decision was reversed, share of all complaints "
        "(transparency reports, table 7; self-reported).",
        description="Dot plot of the share of internal complaints that reversed the platform's decision, per "
        "marketplace, H2 2025 and H1 2026.",
        extra=[
            alt.Tooltip("complaints_reversed", title="reversed", format=",.0f"),
            alt.Tooltip("complaints", title="complaints", format=",.0f"),
            alt.Tooltip("complaints_reversed_source", title="source"),
        ],
        name="reversal_platform",
        width=width,
    )


def suspensions_chart(ratios: pl.DataFrame, *, width: int = 520) -> alt.Chart:
    """Dot plot (log scale): Art. 23 suspensions for manifestly illegal content per million users."""
    frame = _check(
        ratios,
        [
            "platform",
            "period",
            "suspensions_per_million_users",
            "suspensions_illegal_content",
            "users",
            "suspensions_illegal_content_source",
        ],
    )
    frame = frame.filter(pl.col("suspensions_per_million_users") > 0).select(
        "platform",
        "period",
        "suspensions_per_million_users",
        "suspensions_illegal_content",
        "users",
        "suspensions_illegal_content_source",
    )
    return _ratio_dots(
        frame,
        "suspensions_per_million_users",
        x_title="suspensions per million users (log scale)",
        fmt=",.2~f",
        log=True,
        title="How many repeat offenders are suspended",
        subtitle="Art. 23 suspensions for frequently providing manifestly illegal content, per million "
        "average monthly active recipients (tables 7 and 10; self-reported). Zero values are not drawn.",
        description="Dot plot on a log scale of Art. 23 suspensions of repeat offenders per million users, "
        "per marketplace, H2 2025 and H1 2026.",
        extra=[
            alt.Tooltip("suspensions_illegal_content", title="suspensions", format=",.0f"),
            alt.Tooltip("users", title="users", format=",.0f"),
            alt.Tooltip("suspensions_illegal_content_source", title="source"),
        ],
        name="suspension_platform",
        width=width,
    )


def automation_accuracy_chart(ratios: pl.DataFrame, *, width: int = 420, height: int = 300) -> alt.Chart:
    """Scatter: share of own-initiative measures detected by automated means against the accuracy reported."""
    frame = _check(
        ratios,
        [
            "platform",
            "period",
            "automated_detection_share",
            "accuracy",
            "accuracy_source",
            "own_initiative_illegal_source",
        ],
    )
    frame = frame.filter(pl.col("automated_detection_share").is_not_null() & pl.col("accuracy").is_not_null())
    frame = frame.select(
        "platform",
        "period",
        "automated_detection_share",
        "accuracy",
        "accuracy_source",
        "own_initiative_tc_source",
    )
    period = _period_param("automation_period")
    return (
        alt.Chart(
            frame,
            width=width,
            height=height,
            title=_titled(
                "Automated detection against the accuracy the platform reports",
                "x: own-initiative measures detected solely by automated means (tables 5 + 6); "
                "y: accuracy of automated means (table 8). Self-reported.",
            ),
            description="Scatter plot of each marketplace's automated detection share against the "
            "accuracy of its automated means, for the chosen period.",
        )
        .mark_point(size=140, filled=True)
        .encode(
            x=alt.X(
                "automated_detection_share",
                type="quantitative",
                title="automated detection share",
                axis=alt.Axis(format=".0%"),
                scale=alt.Scale(zero=False),
            ),
            y=alt.Y(
                "accuracy",
                type="quantitative",
                title="reported accuracy",
                axis=alt.Axis(format=".1%"),
                scale=alt.Scale(zero=False),
            ),
            color=alt.Color(
                "platform",
                type="nominal",
                title="platform",
                scale=platform_scale(sorted(frame["platform"].unique().to_list())),
            ),
            tooltip=[
                alt.Tooltip("platform"),
                alt.Tooltip("period"),
                alt.Tooltip("automated_detection_share", title="automated detection", format=".1%"),
                alt.Tooltip("accuracy", title="accuracy", format=".2%"),
                alt.Tooltip("own_initiative_tc_source", title="source (table 6)"),
                alt.Tooltip("accuracy_source", title="source (table 8)"),
            ],
        )
        .add_params(period)
        .transform_filter(alt.datum.period == period)
    )


def report_vs_database_chart(table: pl.DataFrame, *, width: int = 520) -> alt.Chart:
    """Dumbbell (log scale): actions each report states and statements of reasons the database holds."""
    frame = _check(
        table,
        [
            "platform",
            "period",
            "stated_actions",
            "sors",
            "ratio_db_to_report",
            "differs_by_factor",
            "likely_reasons",
        ],
    )
    frame = frame.filter(
        pl.col("stated_actions").is_not_null()
        & (pl.col("stated_actions") > 0)
        & pl.col("sors").is_not_null()
        & (pl.col("sors") > 0)
    )
    long = frame.unpivot(
        index=["platform", "period", "ratio_db_to_report", "differs_by_factor"],
        on=["stated_actions", "sors"],
        variable_name="count_of",
        value_name="count",
    ).with_columns(
        pl.col("count_of").replace(
            {
                "stated_actions": "actions stated in the report",
                "sors": "statements of reasons in the database",
            }
        ),
        pl.when(pl.col("differs_by_factor"))
        .then(pl.lit("yes"))
        .otherwise(pl.lit("no"))
        .alias("beyond_factor"),
    )
    period = _period_param("rvd_period")
    base = alt.Chart(long, width=width).transform_filter(alt.datum.period == period)
    x = alt.X("count", type="quantitative", title="count (log scale)", scale=alt.Scale(type="log"))
    y = alt.Y("platform", type="nominal", title=None)
    rule = base.mark_rule(color="#999999").encode(
        x=alt.X("min(count)", type="quantitative", title="count (log scale)", scale=alt.Scale(type="log")),
        x2=alt.X2("max(count)"),
        y=y,
    )
    dots = base.mark_point(size=110, filled=True).encode(
        x=x,
        y=y,
        color=alt.Color(
            "count_of",
            type="nominal",
            title=None,
            legend=alt.Legend(orient="bottom", labelLimit=320),
            scale=alt.Scale(range=["#0072B2", "#D55E00"]),
        ),
        tooltip=[
            alt.Tooltip("platform"),
            alt.Tooltip("period"),
            alt.Tooltip("count_of", title="what"),
            alt.Tooltip("count", format=",.0f"),
            alt.Tooltip("ratio_db_to_report", title="database / report", format=",.2f"),
            alt.Tooltip("beyond_factor", title="differs beyond the factor"),
        ],
    )
    return (
        alt.layer(rule, dots)
        .properties(
            title=_titled(
                "What the reports state against what the database holds",
                "Notice-based + own-initiative actions stated in the transparency report and "
                "statements of reasons in the DSA Transparency Database for the same period.",
            ),
            description="Dumbbell chart on a log scale: for each platform, the actions its report "
            "states and the statements of reasons the database holds for the chosen period.",
        )
        .add_params(period)
    )
