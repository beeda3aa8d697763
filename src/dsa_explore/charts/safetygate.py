"""Charts of Safety Gate alerts: category × risk type, marketplaces named, measures taken.

Frames in (the summaries of ``dsa_explore.analysis.safetygate``, passed by the caller), unconfigured
Altair charts out. Every chart carries ``source`` (the portal's acknowledgement line, which the
caller passes) in its subtitle, so the line stays next to the figure in notebooks and exports.
Interactivity uses Altair params, so it survives HTML export.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from dsa_explore.charts import _check, theme, titled


def _subtitle(subtitle: str | None, source: str) -> list[str]:
    if source and not source.startswith("Source"):
        source = f"Source: {source}"
    return [s for s in (subtitle, source) if s]


def category_risk_heatmap(
    matrix: pl.DataFrame,
    *,
    source: str,
    title: str,
    description: str,
    subtitle: str | None = None,
    width: int = 420,
) -> alt.LayerChart:
    """Return alerts per category × risk type as a heatmap with counts; click a category to highlight it.

    ``matrix``: category, risk_type, alerts, case_numbers (as ``analysis.safetygate.category_risk_matrix``).
    """
    frame = _check(matrix, ["category", "risk_type", "alerts", "case_numbers"])
    pick = alt.selection_point(fields=["category"], name="category_pick")
    base = alt.Chart(
        frame, width=width, title=titled(title, _subtitle(subtitle, source)), description=description
    )
    enc = {
        "x": alt.X(
            "risk_type:N",
            title="risk type",
            axis=alt.Axis(labelAngle=-60, labelAlign="right", labelLimit=160),
        ),
        "y": alt.Y("category:N", title=None, axis=alt.Axis(labelLimit=240)),
        "tooltip": [
            alt.Tooltip("category:N"),
            alt.Tooltip("risk_type:N", title="risk type"),
            alt.Tooltip("alerts:Q"),
            alt.Tooltip("case_numbers:N", title="alerts (case numbers)"),
        ],
    }
    rect = (
        base.mark_rect(stroke="white")
        .encode(
            **enc,
            color=alt.Color("alerts:Q", title="alerts", scale=alt.Scale(scheme=theme.SEQUENTIAL_SCHEME)),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
        )
        .add_params(pick)
    )
    text = base.mark_text(fontSize=12).encode(x=enc["x"], y=enc["y"], text=alt.Text("alerts:Q"))
    return alt.layer(rect, text)


def marketplaces_named(
    summary: pl.DataFrame,
    *,
    source: str,
    title: str,
    description: str,
    subtitle: str | None = None,
    width: int = 420,
) -> alt.Chart:
    """Return alerts naming each marketplace as online trader, split by whether the listing was removed.

    ``summary``: marketplace, alerts, alerts_with_listing_removal, case_numbers (as
    ``analysis.safetygate.by_marketplace``). A drop-down filters to alerts with removal or without.
    """
    frame = _check(summary, ["marketplace", "alerts", "alerts_with_listing_removal", "case_numbers"])
    long = (
        pl.concat(
            [
                frame.select(
                    "marketplace",
                    pl.col("alerts_with_listing_removal").alias("count"),
                    pl.lit("listing removed by the marketplace").alias("measure recorded"),
                ),
                frame.select(
                    "marketplace",
                    (pl.col("alerts") - pl.col("alerts_with_listing_removal")).alias("count"),
                    pl.lit("no listing removal recorded").alias("measure recorded"),
                ),
            ]
        )
        .join(
            frame.select("marketplace", "alerts", pl.col("case_numbers").list.join(", ").alias("cases")),
            on="marketplace",
        )
        .filter(pl.col("count") > 0)
    )
    order = frame.sort(["alerts", "marketplace"], descending=[True, False])["marketplace"].to_list()
    choice = alt.param(
        name="removal_filter",
        value="all",
        bind=alt.binding_select(
            options=["all", "listing removed by the marketplace", "no listing removal recorded"], name="show "
        ),
    )
    return (
        alt.Chart(
            long, width=width, title=titled(title, _subtitle(subtitle, source)), description=description
        )
        .add_params(choice)
        .transform_filter("removal_filter == 'all' || datum['measure recorded'] == removal_filter")
        .mark_bar()
        .encode(
            y=alt.Y("marketplace:N", title=None, sort=order),
            x=alt.X("count:Q", title="alerts naming it as online trader", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "measure recorded:N",
                title=None,
                scale=alt.Scale(
                    domain=["listing removed by the marketplace", "no listing removal recorded"],
                    range=[theme.OKABE_ITO[5], theme.OKABE_ITO[1]],
                ),
            ),
            tooltip=[
                alt.Tooltip("marketplace:N"),
                alt.Tooltip("measure recorded:N"),
                alt.Tooltip("count:Q", title="alerts"),
                alt.Tooltip("alerts:Q", title="all alerts"),
                alt.Tooltip("cases:N", title="case numbers"),
            ],
        )
    )


def measures_taken(
    counts: pl.DataFrame,
    *,
    source: str,
    title: str,
    description: str,
    subtitle: str | None = None,
    width: int = 420,
) -> alt.Chart:
    """Return alerts per measure, coloured compulsory (ordered) or voluntary; click the legend to filter.

    ``counts``: measure, kind, alerts, case_numbers (as ``analysis.safetygate.measure_counts``).
    """
    frame = _check(counts, ["measure", "kind", "alerts", "case_numbers"])
    pick = alt.selection_point(fields=["kind"], bind="legend", name="kind_pick")
    order = (
        frame.group_by("measure")
        .agg(pl.col("alerts").sum())
        .sort(["alerts", "measure"], descending=[True, False])["measure"]
        .to_list()
    )
    return (
        alt.Chart(
            frame, width=width, title=titled(title, _subtitle(subtitle, source)), description=description
        )
        .mark_bar()
        .add_params(pick)
        .encode(
            y=alt.Y("measure:N", title=None, sort=order, axis=alt.Axis(labelLimit=320)),
            x=alt.X("alerts:Q", title="alerts recording the measure", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "kind:N",
                title="measure",
                scale=alt.Scale(
                    domain=["compulsory", "voluntary"], range=[theme.OKABE_ITO[4], theme.OKABE_ITO[2]]
                ),
            ),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.25)),
            tooltip=[
                alt.Tooltip("measure:N"),
                alt.Tooltip("kind:N"),
                alt.Tooltip("alerts:Q"),
                alt.Tooltip("case_numbers:N", title="case numbers"),
            ],
        )
    )
