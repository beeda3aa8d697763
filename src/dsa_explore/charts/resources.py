"""Charts of moderation resources: moderators per million users, users per moderator by language.

Builders take the frames of :mod:`dsa_explore.analysis.resources` (``capacity``, ``language_coverage``)
and return Altair charts whose interactivity (platform selector, period selector) is made of
Altair params, so it works in exported HTML with no kernel.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import polars as pl

from dsa_explore.charts import _check, platform_scale, theme, titled
from dsa_explore.core.reference import GAP_LANGUAGES, PERIOD_LABELS

#: The source line every chart of this module carries (``titled(..., source=...)``).
SOURCE = (
    "Source: the platforms' DSA transparency reports (harmonised templates, data/transparency/); "
    "member-state languages (data/transparency/member_state_languages.csv)"
)


def _titled(*args, **kwargs):
    """``titled`` with this module's source line."""
    return titled(*args, **{"source": SOURCE, **kwargs})


PERIODS = list(PERIOD_LABELS)


def platform_selector(platforms: Sequence[str], name: str = "platform_pick") -> alt.SelectionParameter:
    """Return a point selection on ``platform`` bound to a drop-down (``All`` = no selection)."""
    opts = sorted(platforms)
    return alt.selection_point(
        name=name,
        fields=["platform"],
        empty=True,
        bind=alt.binding_select(options=[None, *opts], labels=["All", *opts], name="Platform "),
    )


def moderators_dot_plot(
    cap: pl.DataFrame,
    *,
    measure: str = "per_million_total",
    title: str = "Content moderators per million EU users",
    description: str | None = None,
    width: int = 520,
) -> alt.Chart:
    """Dot plot: one row per platform, one dot per period, x = moderators per million users (log).

    A drop-down platform selector highlights one platform (works in exported HTML).
    """
    frame = _check(cap, ["platform", "period", measure, "users", "moderators_total"])
    frame = frame.filter(pl.col(measure).is_not_null()).select(
        "platform", "period", measure, "users", "moderators_total", "moderators_b2", "users_how"
    )
    sel = platform_selector(frame["platform"].unique().to_list())
    subtitle = (
        "Internal + external moderators (as reported, mostly FTE) per million average monthly active "
        "recipients; log scale. Self-reported."
    )
    return (
        alt.Chart(
            frame,
            title=_titled(title, subtitle),
            description=description
            or "Dot plot of content moderators per million EU users by platform for H2 2025 and H1 2026.",
            width=width,
        )
        .mark_point(size=110, filled=True)
        .encode(
            x=alt.X(
                measure,
                type="quantitative",
                title="moderators per million users (log scale)",
                scale=alt.Scale(type="log"),
            ),
            y=alt.Y("platform", type="nominal", title=None, sort="-x"),
            color=alt.Color("platform", type="nominal", scale=platform_scale(), legend=None),
            shape=alt.Shape(
                "period",
                type="nominal",
                title="period",
                sort=PERIODS,
                scale=alt.Scale(domain=PERIODS, range=["circle", "diamond"]),
            ),
            opacity=alt.condition(sel, alt.value(1.0), alt.value(0.15)),
            tooltip=[
                alt.Tooltip("platform"),
                alt.Tooltip("period"),
                alt.Tooltip(measure, title="per million users", format=",.2f"),
                alt.Tooltip("moderators_total", title="moderators", format=",.2f"),
                alt.Tooltip("users", title="users", format=",.0f"),
                alt.Tooltip("users_how", title="users from"),
            ],
        )
        .add_params(sel)
    )


def language_heatmap(
    cov: pl.DataFrame,
    *,
    period: str = "H2 2025",
    title: str = "Users per moderator who speaks the language",
    description: str | None = None,
    width: int = 620,
) -> alt.LayerChart:
    """Heatmap platform × official EU language of users per moderator (log colour scale).

    Cells with users and no moderator are drawn in the theme's 'no moderator' grey and labelled
    "none"; languages a platform did not break down are left white and marked "–".
    """
    frame = _check(cov, ["platform", "period", "language", "users_per_moderator", "status"])
    frame = frame.filter((pl.col("period") == period) & (pl.col("status") != "no user figures")).select(
        "platform",
        "language",
        "language_name",
        "users",
        "moderators",
        "users_per_moderator",
        "status",
        "label",
    )
    langs = sorted(frame["language"].unique().to_list())
    sel = platform_selector(frame["platform"].unique().to_list(), name="platform_pick_heatmap")
    base = alt.Chart(
        frame,
        title=_titled(
            title,
            f"{period}; log colour scale; grey = users but no moderator "
            "with the language; white = no per-language figure",
        ),
        description=description
        or f"Heatmap of users per moderator by platform and official EU language, {period}.",
        width=width,
        height=24 * max(frame["platform"].n_unique(), 1),
    )
    enc = dict(
        x=alt.X("language", type="nominal", sort=langs, title="official EU language (ISO 639-1)"),
        y=alt.Y("platform", type="nominal", title=None),
        tooltip=[
            alt.Tooltip("platform"),
            alt.Tooltip("language_name", title="language"),
            alt.Tooltip("users", format=",.0f"),
            alt.Tooltip("moderators", format=",.2f"),
            alt.Tooltip("users_per_moderator", title="users per moderator", format=",.0f"),
            alt.Tooltip("status"),
        ],
        opacity=alt.condition(sel, alt.value(1.0), alt.value(0.25)),
    )
    frame_cells = base.mark_rect(color="white", stroke="#d9d9d9").encode(**enc).add_params(sel)
    covered = (
        base.mark_rect()
        .encode(
            **enc,
            color=alt.Color(
                "users_per_moderator",
                type="quantitative",
                title="users per moderator",
                scale=alt.Scale(type="log", scheme=theme.SEQUENTIAL_SCHEME, reverse=True),
                legend=alt.Legend(format=".2s"),
            ),
        )
        .transform_filter("datum.status === 'covered'")
    )
    none = (
        base.mark_rect(color=theme.MISSING_COLOUR)
        .encode(**enc)
        .transform_filter("datum.status === 'no moderator'")
    )
    text_none = (
        base.mark_text(fontSize=8, color="#222")
        .encode(x=enc["x"], y=enc["y"], text=alt.value("none"))
        .transform_filter("datum.status === 'no moderator'")
    )
    text_nr = (
        base.mark_text(fontSize=9, color="#999")
        .encode(x=enc["x"], y=enc["y"], text=alt.value("–"))
        .transform_filter("datum.status === 'not reported'")
    )
    return alt.layer(frame_cells, covered, none, text_none, text_nr)


def language_gap_chart(
    cov: pl.DataFrame,
    *,
    platforms: Sequence[str] = ("AliExpress", "Amazon Store"),
    languages: Sequence[str] | None = None,
    period: str | None = None,
    title: str = "Users per moderator with the language: AliExpress vs Amazon Store",
    description: str | None = None,
    width: int = 430,
) -> alt.HConcatChart:
    """Dot plot of users per moderator for selected languages, one colour per platform (log x).

    A language with users and no moderator has no value to plot, so it is not placed on the scale:
    it is marked "none" in a separate, labelled "no moderator" column to the right of the plot, in
    the platform's colour. A period selector (drop-down, an Altair param) switches periods in exported
    HTML; ``period`` sets its initial value.
    """
    frame = _check(cov, ["platform", "period", "language", "users_per_moderator", "status"])
    languages = list(languages or GAP_LANGUAGES)
    frame = frame.filter(
        pl.col("platform").is_in(list(platforms))
        & pl.col("language").is_in(languages)
        & pl.col("status").is_in(["covered", "no moderator"])
    )
    periods = [p for p in PERIODS if p in frame["period"].unique().to_list()] or PERIODS
    period = period if period in periods else periods[-1]
    frame = frame.with_columns(
        pl.when(pl.col("status") == "covered")
        .then(pl.lit("covered"))
        .otherwise(pl.lit("no moderator"))
        .alias("coverage"),
    ).select(
        "platform",
        "period",
        "language",
        "language_name",
        "users",
        "moderators",
        "users_per_moderator",
        "coverage",
        "label",
    )
    order = (
        frame.filter(pl.col("platform") == platforms[0])
        .group_by("language_name")
        .agg(pl.col("users").max())
        .sort("users", descending=True)["language_name"]
        .to_list()
    )
    order += [n for n in frame["language_name"].unique().sort().to_list() if n not in order]
    pick = alt.param(
        name="period_pick", value=period, bind=alt.binding_select(options=periods, name="Period ")
    )
    base = alt.Chart(frame, height=alt.Step(11)).transform_filter("datum.period === period_pick")
    y = alt.Y("language_name", type="nominal", sort=order, title=None)
    enc = dict(
        y=y,
        yOffset=alt.YOffset("platform", type="nominal", sort=list(platforms)),
        color=alt.Color("platform", type="nominal", scale=platform_scale(list(platforms)), title="platform"),
        tooltip=[
            alt.Tooltip("platform"),
            alt.Tooltip("period"),
            alt.Tooltip("language_name", title="language"),
            alt.Tooltip("users", format=",.0f"),
            alt.Tooltip("moderators", format=",.2f"),
            alt.Tooltip("label", title="users per moderator"),
        ],
    )
    points = (
        base.mark_point(filled=True, size=100)
        .encode(
            **enc,
            x=alt.X(
                "users_per_moderator",
                type="quantitative",
                scale=alt.Scale(type="log"),
                title="users per moderator with the language (log scale)",
                axis=alt.Axis(format="~s"),
            ),
        )
        .transform_filter("datum.coverage === 'covered'")
        .properties(width=width)
        .add_params(pick)
    )
    strip = (
        base.mark_text(fontSize=10, fontWeight="bold", align="center")
        .encode(
            **{**enc, "y": alt.Y("language_name", type="nominal", sort=order, axis=None)},
            text=alt.value("none"),
            x=alt.X(
                "coverage",
                type="nominal",
                title=None,
                axis=alt.Axis(orient="top", labelAngle=0, ticks=False, domain=False),
                scale=alt.Scale(domain=["no moderator"]),
            ),
        )
        .transform_filter("datum.coverage === 'no moderator'")
        .properties(width=80)
    )
    return alt.hconcat(
        points,
        strip,
        spacing=6,
        title=_titled(
            title,
            "Users of the language (member-state users split by official language) "
            "per moderator who speaks it; log scale. A language with users but no "
            "moderator is not on the scale: it is marked 'none' in the right-hand "
            "'no moderator' column.",
            wrap=(width + 80) // 6,
        ),
        description=description
        or "Dot plot of users per moderator with each language for "
        f"{' and '.join(platforms)}; languages without a moderator "
        "listed in a separate column.",
    ).resolve_scale(y="shared", yOffset="shared")
