"""Charts of what statements of reasons say: specificity indicators and boilerplate, per platform.

Frames in (aggregated by :mod:`dsa_explore.analysis.sor_text`), unconfigured Altair charts out; this
module imports only the chart layer. ``synthetic=True`` marks every title when the store holds
SYNTHETIC rows.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from dsa_explore.charts import _check, platform_scale, titled

#: The source line every chart of this module carries (``titled(..., source=...)``).
SOURCE = (
    "Source: statement-of-reasons texts from the DSA Transparency Database (the store or the shipped sample)"
)


def _titled(*args, **kwargs):
    """``titled`` with this module's source line."""
    return titled(*args, **{"source": SOURCE, **kwargs})


def indicator_dots(
    shares: pl.DataFrame, *, synthetic: bool = False, subtitle: str | None = None
) -> alt.Chart:
    """Dot plot: share of statements with each indicator (rows), one dot per platform.

    ``shares`` has platform, indicator, title, k, n, share (``analysis.sor_text.indicator_shares``).
    """
    frame = _check(shares, ["platform", "title", "share", "k", "n"])
    order = list(dict.fromkeys(frame.get_column("title").to_list()))
    platforms = sorted(set(frame.get_column("platform").to_list()))
    return (
        alt.Chart(
            frame,
            title=_titled("How specific are the statements? Share naming each element", subtitle, synthetic),
            description="Dot plot of the share of statements of reasons per platform that name the item, "
            "the product, the harm, a law, a specific rule, the case's facts and redress.",
            width=460,
        )
        .mark_circle(size=110, opacity=0.9)
        .encode(
            x=alt.X(
                "share",
                type="quantitative",
                title="share of statements",
                axis=alt.Axis(format=".0%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            y=alt.Y("title", type="nominal", title=None, sort=order),
            color=alt.Color("platform", type="nominal", scale=platform_scale(platforms)),
            tooltip=[
                alt.Tooltip("platform"),
                alt.Tooltip("title", title="indicator"),
                alt.Tooltip("share", format=".1%"),
                alt.Tooltip("k", title="statements", format=","),
                alt.Tooltip("n", title="of", format=","),
            ],
        )
    )


def boilerplate_bars(
    summary: pl.DataFrame, *, synthetic: bool = False, subtitle: str | None = None
) -> alt.Chart:
    """Bars: share of each platform's statements filed through its 10 most used templates.

    ``summary`` has platform, statements, templates, top_template_share, top10_share
    (``analysis.sor_text.template_summary``).
    """
    frame = _check(summary, ["platform", "top10_share", "top_template_share", "templates", "statements"])
    platforms = sorted(set(frame.get_column("platform").to_list()))
    return (
        alt.Chart(
            frame,
            title=_titled(
                "How much is boilerplate? Statements in the 10 most used templates", subtitle, synthetic
            ),
            description="Horizontal bars of the share of each platform's statements of reasons whose "
            "text, stripped of ids, numbers, URLs and item names, is one of its 10 most "
            "used templates.",
            width=460,
        )
        .mark_bar()
        .encode(
            y=alt.Y("platform", type="nominal", title=None, sort="-x"),
            x=alt.X(
                "top10_share",
                type="quantitative",
                title="share of statements",
                axis=alt.Axis(format=".0%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color("platform", type="nominal", scale=platform_scale(platforms), legend=None),
            tooltip=[
                alt.Tooltip("platform"),
                alt.Tooltip("statements", format=","),
                alt.Tooltip("templates", title="distinct templates", format=","),
                alt.Tooltip("top_template_share", title="most used template", format=".1%"),
                alt.Tooltip("top10_share", title="10 most used", format=".1%"),
            ],
        )
    )


def _split_terms(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """Return the rows of the terms some platform names, and the terms no platform names (sorted)."""
    nulls = frame.filter(pl.col("share").is_null())
    if not nulls.is_empty():
        row = nulls.row(0, named=True)
        raise ValueError(
            f"terms_bars: share is null for platform {row['platform']!r}, term {row['term']!r} "
            f"({row['statements']} statements); expected a share between 0 and 1"
        )
    named_by = frame.group_by("term").agg(pl.col("share").max().alias("top"))
    unnamed = sorted(named_by.filter(pl.col("top") <= 0).get_column("term").to_list())
    return frame.filter(~pl.col("term").is_in(unnamed)), unnamed


def terms_bars(
    terms: pl.DataFrame, *, what: str = "products", synthetic: bool = False, subtitle: str | None = None
) -> alt.FacetChart:
    """Return grouped bars: share of statements naming each product type (or harm), per platform.

    ``terms`` has platform, term, named, statements, share (``analysis.sor_text.terms_named``).
    A bar is drawn only for a share above 0 (a zero-height bar is invisible): a platform naming a term
    in none of its statements gets a "0" at the baseline instead, and a term no platform names gets no
    panel and is listed in the subtitle.

    Raises
    ------
    ValueError
        When a share is null, or no platform names any term (nothing to draw).
    """
    frame, unnamed = _split_terms(_check(terms, ["platform", "term", "share", "named", "statements"]))
    if frame.is_empty():
        raise ValueError(f"terms_bars: no statement names any of the {what} (nothing to draw)")
    platforms = sorted(set(terms.get_column("platform").to_list()))
    lines = [subtitle] if subtitle else []
    if unnamed:
        lines.append(f"Named in no statement, so not drawn: {', '.join(unnamed)}.")
    if frame.filter(pl.col("share") <= 0).height:
        lines.append("0: that platform names the term in none of its statements.")
    tooltip = [
        alt.Tooltip("platform"),
        alt.Tooltip("term"),
        alt.Tooltip("named", format=","),
        alt.Tooltip("statements", format=","),
        alt.Tooltip("share", format=".1%"),
    ]
    x = alt.X(
        "platform",
        type="nominal",
        title=None,
        axis=alt.Axis(labels=False, ticks=False),
        scale=alt.Scale(domain=platforms),
    )
    y = alt.Y("share", type="quantitative", title="share of statements", axis=alt.Axis(format=".0%"))
    color = alt.Color("platform", type="nominal", scale=platform_scale(platforms))
    base = alt.Chart().encode(x=x, y=y, color=color, tooltip=tooltip)
    bars = base.transform_filter("datum.share > 0").mark_bar()
    zeros = base.transform_filter("datum.share <= 0").mark_text(
        text="0", baseline="bottom", dy=-2, fontWeight="bold"
    )
    return (
        alt.layer(bars, zeros, data=frame)
        .properties(width=140)
        .facet(
            column=alt.Column("term", type="nominal", title=None),
            title=_titled(f"Which {what} do the statements name?", " ".join(lines) or None, synthetic),
            description=f"Bars of the share of statements of reasons per platform naming each of the "
            f"{what} in the project's term lists; a 0 where a platform names the term in "
            f"none of its statements.",
        )
    )
