"""Charts of statements of reasons (SoRs): volumes over time, category mix, automation, delays, scope.

Every builder takes a polars frame already aggregated by :mod:`dsa_explore.analysis.sor` and returns
an unconfigured Altair chart with a title and a description (ARIA label). The key chart,
:func:`volume_explorer`, carries its interactivity as Vega-Lite params so it works in exported
HTML: a platform menu (``alt.selection_point`` bound to ``binding_select``) and a date brush
(interval selection on the overview that sets the detail's x domain).
"""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Sequence
from datetime import date

import altair as alt
import polars as pl

from dsa_explore.charts import _check, dot_plot, theme, titled
from dsa_explore.core.formatting import rate
from dsa_explore.core.reference import BREAKS

#: The source line every chart of this module carries (``titled(..., source=...)``).
SOURCE = (
    "Source: DSA Transparency Database, daily statements of reasons of marketplaces "
    "(data/tdb/sor-marketplaces-daily.parquet)"
)


def _titled(*args, **kwargs):
    """``titled`` with this module's source line."""
    return titled(*args, **{"source": SOURCE, **kwargs})


def _lines(value) -> list[str]:
    if value is alt.Undefined or value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def for_data(chart, *, synthetic: bool = False, source: str | None = None):
    """Return ``chart`` (a builder's chart) titled for the data it actually draws.

    Parameters
    ----------
    chart
        A chart of this module (its title carries the source line of the shipped extract last).
    synthetic
        Mark the title [SYNTHETIC DATA] (and colour it) when the data holds generated statements.
    source
        A source line replacing :data:`SOURCE` (e.g. the user's store), wrapped like the original;
        None keeps it.

    Returns
    -------
    altair.TopLevelMixin
        The same chart (changed in place) for chaining.
    """
    if not synthetic and source is None:
        return chart
    title = chart.title
    lines = _lines(title.subtitle)
    first_source = next((i for i, line in enumerate(lines) if line.startswith("Source")), len(lines))
    kept, old_source = lines[:first_source], lines[first_source:]
    width = max((len(line) for line in lines), default=0)
    wrapped = len(old_source) > 1 or len(kept) > 1  # the builder wrapped its subtitle to ``width``
    if source is not None:
        old_source = textwrap.wrap(source, width, break_on_hyphens=False) if wrapped and width else [source]
    text = title.text if isinstance(title.text, str) else " ".join(title.text)
    params = {"text": theme.synthetic_title(text, synthetic)}
    subtitle = kept + old_source
    if subtitle:
        params["subtitle"] = subtitle[0] if len(subtitle) == 1 else subtitle
    if synthetic:
        params["color"] = theme.SYNTHETIC_COLOUR
    chart.title = alt.TitleParams(**params)
    return chart


#: Schema and reporting breaks marked on time charts: (date, label), from
#: :data:`dsa_explore.core.reference.BREAKS`.
DEFAULT_BREAKS: tuple[tuple[date, str], ...] = tuple((day, label) for day, label, _ in BREAKS)

#: Reader-facing labels of enum values.
LABELS = {
    "AUTOMATED_DECISION_FULLY": "fully automated",
    "AUTOMATED_DECISION_PARTIALLY": "partially automated",
    "AUTOMATED_DECISION_NOT_AUTOMATED": "not automated",
    "SOURCE_ARTICLE_16": "Art. 16 notice",
    "SOURCE_TRUSTED_FLAGGER": "trusted flagger",
    "SOURCE_TYPE_OTHER_NOTIFICATION": "other notification",
    "SOURCE_VOLUNTARY": "own initiative",
    "DECISION_GROUND_ILLEGAL_CONTENT": "illegal content",
    "DECISION_GROUND_INCOMPATIBLE_CONTENT": "incompatible with T&C",
    "STATEMENT_CATEGORY_OTHER_VIOLATION_TC": "other violation of T&C",
    "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE": "scope of platform service (v1)",
    "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS": "unsafe and illegal products (v1)",
}

DECISION_TYPE_LABELS = {"vis": "visibility", "mon": "monetary", "pro": "service provision", "acc": "account"}


def label(value: str | None) -> str:
    """Return a short reader-facing label for an enum key (``..._SCAMS_AND_FRAUD``: "scams and fraud")."""
    if value is None:
        return "(empty)"
    if value in LABELS:
        return LABELS[value]
    for prefix in ("STATEMENT_CATEGORY_", "KEYWORD_", "DECISION_VISIBILITY_", "CONTENT_TYPE_"):
        if value.startswith(prefix):
            return value[len(prefix) :].replace("_", " ").lower()
    if all(part in DECISION_TYPE_LABELS for part in value.split("_")):
        return " + ".join(DECISION_TYPE_LABELS[p] for p in value.split("_"))
    return value


def with_labels(frame: pl.DataFrame, column: str = "variant", to: str = "label") -> pl.DataFrame:
    """Return ``frame`` with a reader-facing label column for the enum keys in ``column``."""
    values = frame[column].unique().to_list()
    mapping = {v: label(v) for v in values if v is not None}
    return frame.with_columns(pl.col(column).replace_strict(mapping, default="(empty)").alias(to))


def _breaks_frame(breaks: Sequence[tuple[date, str]]) -> pl.DataFrame:
    # Labels alternate between two lines so that close breaks do not overprint each other.
    return pl.DataFrame(
        {
            "date": [d for d, _ in breaks],
            "break": [t for _, t in breaks],
            "line": [i % 2 for i in range(len(breaks))],
        }
    )


#: Vega expression reading a "YYYY-MM-DD" text field as local midnight (as Vega reads Altair's JSON dates;
#: a plain ``toDate`` would read it as UTC midnight, the previous day west of Greenwich).
LOCAL_DAY = "timeParse(datum.{field}, '%Y-%m-%d')"


def inline_csv(frame: pl.DataFrame, parse: dict[str, str]) -> alt.InlineData:
    """Return ``frame`` as a chart's inline data in CSV text: one string instead of one object per row.

    A notebook stores a chart's data as indented JSON, one line per field of every row (about 110
    bytes a row for the weekly volumes); the same rows as CSV take about 35 and draw identically.
    ``parse`` gives Vega each column's type; leave date columns out of it and turn them into dates
    with a ``timeParse`` calculation (:data:`LOCAL_DAY`): Vega-Lite parses a date column again after
    the format has, which turns it into null.
    """
    return alt.InlineData(values=frame.write_csv(), format=alt.DataFormat(type="csv", parse=parse))


def platform_colours(names: Sequence[str]) -> alt.Scale:
    """Return a colour scale giving each platform in ``names`` its own colour (``theme.platform_palette``)."""
    return alt.Scale(domain=list(names), range=theme.platform_palette(names))


def platform_selector(platforms: Sequence[str], default: str | None = None, name: str = "platform_menu"):
    """Return a point selection on ``platform`` bound to a drop-down menu (an "all platforms" entry first)."""
    options = [None, *platforms]
    labels = ["all platforms", *platforms]
    kwargs = {}
    if default is not None:
        kwargs["value"] = [{"platform": default}]
    return alt.selection_point(
        name=name,
        fields=["platform"],
        bind=alt.binding_select(options=options, labels=labels, name="Platform: "),
        **kwargs,
    )


def volume_explorer(
    weekly: pl.DataFrame,
    *,
    default_platform: str | None = None,
    platforms: Sequence[str] | None = None,
    breaks: Sequence[tuple[date, str]] = DEFAULT_BREAKS,
    title: str = "Statements of reasons per day, by platform",
    subtitle: str | None = "Weekly mean of daily SoRs (log scale). Menu: platform; drag on the "
    "lower overview to zoom. Dashed lines: schema and reporting breaks.",
    width: int = theme.A4_WIDTH - 200,
) -> alt.VConcatChart:
    """Return the interactive volume chart: a detail view above a brushable overview.

    ``weekly`` is :func:`dsa_explore.analysis.sor.volumes` with ``every="1w"`` (columns
    ``period``, ``platform``, ``sors``, ``sors_per_day``). The platform menu filters both views;
    the interval brush on the overview sets the detail's date range. Params:
    ``platform_menu`` (point, bound to a select) and ``date_brush`` (interval on x). The plot is
    ``width`` wide and the legend sits beside it, so the whole chart fits an A4 page / a notebook
    output; the subtitle and source are wrapped to the plot's width.
    """
    frame = _check(weekly, ["period", "platform", "sors", "sors_per_day"])
    names = (
        list(platforms)
        if platforms is not None
        else (
            frame.group_by("platform")
            .agg(pl.col("sors").sum())
            .sort("sors", "platform", descending=[True, False])["platform"]
            .to_list()
        )
    )
    # Only the columns drawn or shown, at the precision shown (the tooltip prints whole SoRs), as CSV.
    frame = frame.filter(pl.col("platform").is_in(names)).select(
        pl.col("period").cast(pl.Date).dt.strftime("%Y-%m-%d").alias("week"),
        "platform",
        pl.col("sors").cast(pl.Int64),
        pl.col("sors_per_day").round(0).cast(pl.Int64),
    )
    data = inline_csv(frame, {"platform": "string", "sors": "number", "sors_per_day": "number"})
    menu = platform_selector(names, default_platform)
    brush = alt.selection_interval(name="date_brush", encodings=["x"])
    colour = alt.Color(
        "platform:N", title="platform", scale=platform_colours(names), legend=alt.Legend(labelLimit=110)
    )
    y_log = alt.Scale(type="log")
    tips = [
        alt.Tooltip("platform:N"),
        alt.Tooltip("period:T", title="week from", format="%Y-%m-%d"),
        alt.Tooltip("sors_per_day:Q", title="SoRs per day", format=",.0f"),
        alt.Tooltip("sors:Q", title="SoRs in week", format=",.0f"),
    ]
    base = alt.Chart(data).transform_calculate(period=LOCAL_DAY.format(field="week"))
    detail_lines = (
        base.mark_line(clip=True, interpolate="step-after")
        .encode(
            x=alt.X("period:T", title=None, scale=alt.Scale(domain=brush)),
            y=alt.Y(
                "sors_per_day:Q",
                title="SoRs per day (weekly mean)",
                scale=y_log,
                axis=alt.Axis(format="~s", titleLimit=250, labelLimit=60),
            ),
            color=colour,
            tooltip=tips,
        )
        .add_params(menu)
        .transform_filter(menu)
    )
    rules = alt.Chart(_breaks_frame(breaks))
    detail_rules = rules.mark_rule(strokeDash=[4, 3], color="#555", clip=True).encode(
        x=alt.X("date:T", scale=alt.Scale(domain=brush)),
        tooltip=[alt.Tooltip("date:T", format="%Y-%m-%d"), alt.Tooltip("break:N")],
    )
    detail_text = rules.mark_text(
        align="left", dx=3, fontSize=10, color="#555", clip=True, baseline="top"
    ).encode(
        x=alt.X("date:T", scale=alt.Scale(domain=brush)),
        y=alt.Y("line:Q", axis=None, scale=alt.Scale(domain=[0, 20], reverse=True)),
        text="break:N",
    )
    detail = (
        alt.layer(detail_lines, detail_rules, detail_text)
        .resolve_scale(y="independent")
        .properties(width=width, height=260)
    )
    overview = (
        base.mark_line(interpolate="step-after", strokeWidth=1)
        .encode(
            x=alt.X("period:T", title="week"),
            y=alt.Y("sors_per_day:Q", title=None, scale=y_log, axis=alt.Axis(tickCount=3, format="~s")),
            color=alt.Color("platform:N", scale=platform_colours(names)),
        )
        .add_params(brush)
        .transform_filter(menu)
        .properties(width=width, height=70)
    )
    overview_rules = rules.mark_rule(strokeDash=[4, 3], color="#999").encode(x="date:T")
    return alt.vconcat(
        detail,
        alt.layer(overview, overview_rules),
        title=_titled(title, subtitle, wrap=width // 6),
        description=(
            "Line chart of the weekly mean number of statements of reasons per day for each platform, "
            "log scale, with a platform menu, a brushable overview and dashed lines at the Amazon rename, "
            "the Google Shopping scope changes and the v2 taxonomy switch."
        ),
    )


def category_mix(
    frame: pl.DataFrame,
    *,
    default_platform: str | None = None,
    title: str = "Category mix per month: as published and harmonised to v2",
    top_n: int = 7,
    width: int = theme.A4_WIDTH - 220,
) -> alt.FacetChart:
    """Return monthly category shares, one panel per taxonomy view, with a platform menu.

    ``frame`` has columns ``platform``, ``period``, ``taxonomy`` ("as published" /
    "harmonised to v2"), ``variant``, ``share`` (from :func:`stats.shares` with
    ``every="1mo"`` for the ``category`` and ``category_v2`` measures).
    """
    frame = _check(frame, ["platform", "period", "taxonomy", "variant", "share", "count"])
    # The 7 largest categories keep their own colour; the rest are pooled so the 8 palette colours suffice.
    top = (
        frame.group_by("variant")
        .agg(pl.col("count").sum())
        .sort("count", "variant", descending=[True, False])
        .head(top_n)["variant"]
        .to_list()
    )
    frame = (
        with_labels(frame, "variant", "category")
        .with_columns(
            pl.when(pl.col("variant").is_in(top))
            .then("category")
            .otherwise(pl.lit("other categories"))
            .alias("category")
        )
        .group_by("platform", "period", "taxonomy", "category")
        .agg(pl.col("share").sum())
        .sort("platform", "period", "taxonomy", "category")
    )
    order = [label(v) for v in top] + ["other categories"]
    names = sorted(frame["platform"].unique().to_list())
    menu = platform_selector(names, default_platform or names[0], name="category_platform")
    chart = (
        alt.Chart(width=width, height=180)
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(period):O", title="month", axis=alt.Axis(labelAngle=-60, labelFontSize=8)),
            y=alt.Y("share:Q", title="share of SoRs", stack="normalize", axis=alt.Axis(format="%")),
            color=alt.Color(
                "category:N",
                title="category",
                sort=order,
                scale=alt.Scale(domain=order),
                legend=alt.Legend(labelLimit=260),
            ),
            tooltip=[
                "platform:N",
                alt.Tooltip("period:T", format="%Y-%m"),
                "category:N",
                alt.Tooltip("share:Q", format=".1%"),
            ],
        )
        .add_params(menu)
        .transform_filter(menu)
    )
    taxonomies = ["as published", "harmonised to v2"]
    facets = chart.facet(
        data=_mix_data(frame, order, taxonomies),
        row=alt.Row("taxonomy:N", title=None, sort=taxonomies),
        title=_titled(
            title, "The taxonomy switched on 2025-07-01; v1 categories mapped with the official table."
        ),
        description=(
            "Stacked bars of each month's category shares for the chosen platform, top panel as published "
            "(v1 categories until June 2025), bottom panel harmonised to the v2 taxonomy."
        ),
    )
    return facets.transform_calculate(
        period="timeParse(datum.month, '%Y-%m')",
        category=f"{json.dumps(order)}[datum.c]",
        taxonomy=f"{json.dumps(taxonomies)}[datum.t]",
    )


def _mix_data(frame: pl.DataFrame, order: list[str], taxonomies: list[str]) -> alt.InlineData:
    """Return the monthly shares as compact CSV: category and taxonomy as indices into their labels.

    The chart's first transforms turn the indices back into the labels (``category``, ``taxonomy``);
    shares keep three decimals, the 0.1 % the tooltip shows.
    """
    unknown = sorted(set(frame["category"]) - set(order)) + sorted(set(frame["taxonomy"]) - set(taxonomies))
    if unknown:
        raise ValueError(f"category_mix: values outside the chart's labels: {unknown}")
    compact = frame.select(
        "platform",
        pl.col("period").cast(pl.Date).dt.strftime("%Y-%m").alias("month"),
        pl.col("taxonomy").replace_strict({t: i for i, t in enumerate(taxonomies)}).alias("t"),
        pl.col("category").replace_strict({c: i for i, c in enumerate(order)}).alias("c"),
        pl.col("share").round(3),
    )
    return inline_csv(compact, {"platform": "string", "t": "number", "c": "number", "share": "number"})


def share_bars(
    frame: pl.DataFrame,
    *,
    category: str,
    title: str,
    description: str,
    subtitle: str | None = None,
    order: Sequence[str] | None = None,
    legend_title: str | None = None,
    width: int = theme.A4_WIDTH - 200,
) -> alt.Chart:
    """Return horizontal 100 % stacked bars of ``share`` per ``platform`` coloured by ``category``.

    With more than 8 categories, the 7 largest (by count over all platforms) keep their own colour
    and the rest are pooled as "other", so the 8 colours of the house palette suffice.
    """
    frame = _check(frame, ["platform", category, "share", "count"])
    totals = (
        frame.group_by(category).agg(pl.col("count").sum()).sort("count", category, descending=[True, False])
    )
    if totals.height > len(theme.OKABE_ITO):
        keep = totals.head(len(theme.OKABE_ITO) - 1)[category].to_list()
        frame = (
            frame.with_columns(
                pl.when(pl.col(category).is_in(keep))
                .then(pl.col(category))
                .otherwise(pl.lit("other"))
                .alias(category)
            )
            .group_by("platform", category)
            .agg(pl.col("count").sum(), pl.col("share").sum())
            .sort("platform", category)
        )
        order = [*keep, "other"]
    platforms = (
        frame.group_by("platform")
        .agg(pl.col("count").sum())
        .sort("count", descending=True)["platform"]
        .to_list()
    )
    colour = alt.Color(
        f"{category}:N",
        title=legend_title or category,
        sort=list(order) if order else alt.Undefined,
        legend=alt.Legend(labelLimit=240),
    )
    return (
        alt.Chart(frame, title=_titled(title, subtitle), description=description, width=width)
        .mark_bar()
        .encode(
            y=alt.Y("platform:N", title=None, sort=platforms),
            x=alt.X("share:Q", title="share", stack="normalize", axis=alt.Axis(format="%")),
            color=colour,
            order=alt.Order("order:Q") if "order" in frame.columns else alt.Undefined,
            tooltip=[
                "platform:N",
                f"{category}:N",
                alt.Tooltip("share:Q", format=".1%"),
                alt.Tooltip("count:Q", format=","),
            ],
        )
    )


def automation_chart(
    automation: pl.DataFrame, *, title: str = "How automated are the decisions?", subtitle: str | None = None
) -> alt.LayerChart:
    """Return stacked shares of fully / partially / not automated decisions, a tick at automated detection.

    ``automation`` is :func:`dsa_explore.analysis.sor.automation` (one row per platform).
    """
    frame = _check(
        automation, ["platform", "sors", "fully", "partially", "not_automated", "automated_detection"]
    )
    levels = {
        "fully": "fully automated",
        "partially": "partially automated",
        "not_automated": "not automated",
    }
    long = frame.unpivot(
        on=list(levels), index=["platform", "sors"], variable_name="level", value_name="share"
    ).with_columns(
        pl.col("level").replace_strict(levels),
        order=pl.col("level").replace_strict({k: i for i, k in enumerate(levels)}, return_dtype=pl.Int64),
    )
    platforms = frame.sort("sors", descending=True)["platform"].to_list()
    y = alt.Y("platform:N", title=None, sort=platforms)
    bars = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=y,
            x=alt.X("share:Q", title="share of SoRs", stack="normalize", axis=alt.Axis(format="%")),
            color=alt.Color(
                "level:N",
                title="decision",
                sort=list(levels.values()),
                scale=alt.Scale(
                    domain=list(levels.values()),
                    range=[theme.OKABE_ITO[5], theme.OKABE_ITO[1], theme.OKABE_ITO[4]],
                ),
            ),
            order=alt.Order("order:Q"),
            tooltip=["platform:N", "level:N", alt.Tooltip("share:Q", format=".1%")],
        )
    )
    ticks = (
        alt.Chart(frame.select("platform", "automated_detection"))
        .mark_tick(color="black", thickness=3, size=14)
        .encode(
            y=y,
            x=alt.X("automated_detection:Q"),
            tooltip=[
                "platform:N",
                alt.Tooltip("automated_detection:Q", title="automated detection", format=".1%"),
            ],
        )
    )
    return alt.layer(bars, ticks, width=theme.A4_WIDTH - 200).properties(
        title=_titled(
            title, subtitle or "Bars: automated decision; black tick: share detected by automated means."
        ),
        description=(
            "Horizontal stacked bars of the shares of fully, partially and not automated decisions per "
            "platform, with a black tick at the share of SoRs detected by automated means."
        ),
    )


def delay_chart(
    delays: pl.DataFrame, *, title: str = "Mean moderation delay", subtitle: str | None = None
) -> alt.Chart:
    """Return a dot plot of the mean moderation delay (days, log scale) per platform.

    ``delays`` is :func:`dsa_explore.analysis.sor.delays` (one row per platform); the tooltip gives the
    number of negative delays left out of the mean.
    """
    frame = _check(delays, ["platform", "mean_days", "negative", "sors_with_delay"])
    frame = frame.filter(pl.col("mean_days") > 0).with_columns(pl.col("mean_days").round(2))
    chart = dot_plot(
        frame,
        "mean_days",
        "platform",
        title=title,
        subtitle=subtitle
        or "Days from content date to decision; SoRs with a negative delay left out "
        "(counted in the tooltip).",
        description="Dot plot of the mean number of days from content date to moderation decision per "
        "platform, log scale.",
        x_title="mean days (log scale)",
        y_title=None,
        log_x=True,
        tooltip=["platform", "mean_days", "sors_with_delay", "negative"],
        source=SOURCE,
    )
    return chart


def keyword_use_chart(
    frame: pl.DataFrame,
    *,
    title: str = "Do the statements say what the problem was?",
    subtitle: str | None = None,
) -> alt.LayerChart:
    """Return bars of keywords per 100 SoRs per platform (``stats.keyword_use``).

    "none" is written beside the platforms whose SoRs carry no keyword at all.
    """
    frame = _check(frame, ["platform", "sors", "keywords", "keywords_per_100_sors", "kinds"])
    frame = frame.with_columns(
        pl.col("keywords_per_100_sors").round(1),
        pl.when(pl.col("keywords") == 0)
        .then(pl.lit("none"))
        .otherwise(pl.format("{}", pl.col("keywords_per_100_sors").round(1)))
        .alias("text"),
    )
    order = frame.sort("sors", descending=True)["platform"].to_list()
    base = alt.Chart(frame, width=theme.A4_WIDTH - 220)
    y = alt.Y("platform:N", title=None, sort=order)
    tooltip = [
        "platform:N",
        alt.Tooltip("sors:Q", title="SoRs", format=","),
        alt.Tooltip("keywords:Q", title="keywords", format=","),
        alt.Tooltip("keywords_per_100_sors:Q", title="per 100 SoRs"),
        alt.Tooltip("kinds:Q", title="distinct keywords"),
    ]
    bars = base.mark_bar().encode(
        y=y,
        x=alt.X("keywords_per_100_sors:Q", title="keywords per 100 SoRs", scale=alt.Scale(domainMin=0)),
        color=alt.Color("platform:N", scale=platform_colours(order), legend=None),
        tooltip=tooltip,
    )
    labels = base.mark_text(align="left", dx=4, color="#333").encode(
        y=y, x=alt.X("keywords_per_100_sors:Q"), text="text:N", tooltip=tooltip
    )
    return alt.layer(
        bars,
        labels,
        title=_titled(
            title,
            subtitle
            or 'Keywords given per 100 SoRs (a SoR can carry several); "none": not one keyword in any SoR.',
        ),
        description="Horizontal bars of the number of keywords (category specifications) per 100 "
        "statements of reasons for each platform; platforms without any keyword are "
        "labelled none.",
    )


def per_moderator_chart(
    frame: pl.DataFrame,
    *,
    title: str = "SoRs filed in H2 2025 per reported content moderator",
    subtitle: str | None = None,
) -> alt.LayerChart:
    """Return horizontal bars of SoRs per moderator (``stats.sors_per_moderator``) on a log scale.

    Bars on a log scale need a baseline above zero (a bar from 0 has no length on a log axis): they
    start at the power of ten at or below the smallest value, and the subtitle says so. Each bar is
    labelled with its value.
    """
    frame = _check(frame, ["platform", "sors_per_moderator", "moderators", "sors_h2_2025"])
    frame = frame.filter(pl.col("sors_per_moderator") > 0)
    if frame.is_empty():
        raise ValueError("per_moderator_chart: no platform has a positive number of SoRs per moderator")
    low = float(frame["sors_per_moderator"].min())
    baseline = 10.0 ** math.floor(math.log10(low))
    frame = frame.with_columns(
        pl.lit(baseline).alias("baseline"),
        # label and tooltip print the ratio as the notebook's table and answer do (formatting.rate)
        pl.col("sors_per_moderator").map_elements(rate, return_dtype=pl.String).alias("label"),
    )
    scale = alt.Scale(type="log", domainMin=baseline)
    description = (
        "Horizontal bars of statements of reasons per reported content moderator per platform for "
        f"H2 2025, log scale, bars starting at {rate(baseline)}."
    )
    base = alt.Chart(frame, width=theme.A4_WIDTH - 220)
    y = alt.Y("platform:N", title=None, sort="-x")
    tooltip = [
        alt.Tooltip("platform:N", title="platform"),
        alt.Tooltip("sors_h2_2025:Q", title="SoRs H2 2025", format=","),
        alt.Tooltip("moderators:Q", title="moderators (FTE)", format=",.1f"),
        alt.Tooltip("label:N", title="SoRs per moderator"),
    ]
    bars = base.mark_bar().encode(
        y=y,
        x=alt.X(
            "sors_per_moderator:Q",
            title="SoRs per moderator (log scale)",
            scale=scale,
            axis=alt.Axis(format="~s"),
        ),
        x2="baseline:Q",
        color=alt.Color("platform:N", scale=platform_colours(frame["platform"].to_list()), legend=None),
        tooltip=tooltip,
    )
    labels = base.mark_text(align="left", dx=3, fontSize=11).encode(
        y=y, x=alt.X("sors_per_moderator:Q", scale=scale), text="label:N", tooltip=tooltip
    )
    sub = subtitle or (
        "SoRs 2025-07-01..2025-12-31 ÷ internal + external moderators (FTE) in the platform's "
        f"H2 2025 report. Log scale: bars start at {rate(baseline)}."
    )
    return alt.layer(bars, labels, title=_titled(title, sub), description=description)


def reported_actions_chart(
    frame: pl.DataFrame,
    *,
    title: str = "SoRs filed against the actions the platforms reported, H2 2025",
    subtitle: str | None = None,
) -> alt.Chart:
    """Return a dot plot of SoRs and each reported action figure per platform (log scale).

    ``frame`` is :func:`dsa_explore.analysis.sor.reported_actions_long` (platform, figure, value, source).
    """
    frame = _check(frame, ["platform", "figure", "value", "source"]).filter(pl.col("value") > 0)
    return (
        alt.Chart(
            frame,
            title=_titled(
                title,
                subtitle
                or "Statements of reasons in the Transparency Database vs "
                "the figures in each platform's own report (log scale).",
            ),
            description="Dot plot per platform of statements of reasons filed in H2 2025 and the numbers of "
            "own-initiative measures and actions on notices the platform reported, log scale.",
            width=theme.A4_WIDTH - 220,
        )
        .mark_point(filled=True, size=90, opacity=0.9)
        .encode(
            y=alt.Y("platform:N", title=None),
            x=alt.X("value:Q", title="count (log scale)", scale=alt.Scale(type="log")),
            color=alt.Color(
                "figure:N", title=None, legend=alt.Legend(orient="bottom", columns=1, labelLimit=400)
            ),
            shape=alt.Shape("source:N", title=None, legend=None),
            tooltip=["platform:N", "figure:N", alt.Tooltip("value:Q", format=",")],
        )
    )


def decision_type_chart(frame: pl.DataFrame, **kwargs) -> alt.Chart:
    """Return 100 % bars of decision-type combinations per platform (``shares(..., "decision_type")``)."""
    frame = with_labels(frame, "variant", "decision")
    return share_bars(
        frame,
        category="decision",
        legend_title="decision type",
        title=kwargs.get("title", "Which restrictions do the decisions impose?"),
        subtitle=kwargs.get(
            "subtitle",
            "Combinations of visibility, monetary, service-provision and account restrictions per SoR.",
        ),
        description="Horizontal 100 % stacked bars of decision-type combinations per platform.",
    )


def territorial_chart(frame: pl.DataFrame, **kwargs) -> alt.Chart:
    """Return 100 % bars of territorial-scope kinds per platform (shares of ``territorial_scope_kind``)."""
    frame = frame.rename({"variant": "scope"})
    return share_bars(
        frame,
        category="scope",
        legend_title="territorial scope",
        order=["EU", "EEA", "EEA_no_IS", "other list", "none"],
        title=kwargs.get("title", "Where do the decisions apply?"),
        subtitle=kwargs.get(
            "subtitle",
            "EU / EEA / EEA without Iceland = the whole area as one "
            "alias; other list = any other list of countries.",
        ),
        description="Horizontal 100 % stacked bars of the territorial scope of SoRs per platform.",
    )


def source_type_chart(frame: pl.DataFrame, **kwargs) -> alt.Chart:
    """Return 100 % bars of what triggered the decision per platform (``shares(..., "source_type")``)."""
    frame = with_labels(frame, "variant", "source")
    return share_bars(
        frame,
        category="source",
        legend_title="source of the decision",
        title=kwargs.get("title", "What triggered the decisions?"),
        subtitle=kwargs.get("subtitle", None),
        description="Horizontal 100 % stacked bars of the source type of SoRs per platform.",
    )


__all__ = [
    "automation_chart",
    "category_mix",
    "decision_type_chart",
    "delay_chart",
    "label",
    "per_moderator_chart",
    "platform_selector",
    "reported_actions_chart",
    "share_bars",
    "source_type_chart",
    "territorial_chart",
    "volume_explorer",
    "with_labels",
]
