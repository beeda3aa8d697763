"""Charts of risk indicators and score evaluation (notebook 03 and the briefing's risk section).

Builders take polars frames produced by :mod:`dsa_explore.analysis.risk` and return Altair charts; the
two slider charts use Altair params bound to ``binding_range`` so they stay interactive in
exported HTML with no kernel.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from dsa_explore.charts import _check, bar_chart, forest_plot, theme, titled

#: The source line every chart of this module carries (``titled(..., source=...)``).
SOURCE = (
    "Source: SYNTHETIC listings with planted risk signals (data/risk/listings-risk-synthetic.csv, seeded)"
)


def _titled(*args, **kwargs):
    """``titled`` with this module's source line."""
    return titled(*args, **{"source": SOURCE, **kwargs})


BAD_GOOD_COLOURS = alt.Scale(domain=["bad", "good"], range=[theme.OKABE_ITO[0], theme.OKABE_ITO[1]])


def lift_chart(
    lift: pl.DataFrame,
    *,
    synthetic: bool,
    title: str = "How often each indicator fires, bad vs good listings",
) -> alt.LayerChart:
    """Return a forest plot of each indicator's firing share among bad and good listings (Wilson CIs)."""
    _check(lift, ["label", "share_bad", "bad_low", "bad_high", "share_good", "good_low", "good_high", "lift"])
    long = pl.concat(
        [
            lift.select(
                pl.col("label"),
                group=pl.lit("bad"),
                share=pl.col("share_bad"),
                low=pl.col("bad_low"),
                high=pl.col("bad_high"),
                lift=pl.col("lift"),
            ),
            lift.select(
                pl.col("label"),
                group=pl.lit("good"),
                share=pl.col("share_good"),
                low=pl.col("good_low"),
                high=pl.col("good_high"),
                lift=pl.col("lift"),
            ),
        ]
    )
    chart = forest_plot(
        long,
        "share",
        "low",
        "high",
        "label",
        color="group",
        title=title,
        subtitle="Share of labelled listings on which the indicator fires; bars are 95% Wilson intervals",
        description="Forest plot: for each risk indicator, the share of bad and of good labelled "
        "listings on which it fires, with 95% Wilson intervals.",
        x_title="share of listings where the indicator fires",
        synthetic=synthetic,
        tooltip=["label", "group", "share", "low", "high", "lift"],
        source=SOURCE,
    )
    return chart.properties(
        title=_titled(
            title,
            "Share of labelled listings on which the indicator fires; bars are 95% Wilson intervals",
            synthetic,
        ),
        description="Forest plot: for each risk indicator, the share of bad and of good labelled "
        "listings on which it fires, with 95% Wilson intervals.",
    )


def score_distribution_chart(scored: pl.DataFrame, score: str, label: str, *, synthetic: bool) -> alt.Chart:
    """Return stacked bars of listings per score value, split into bad and good labels."""
    _check(scored.head(0), [score, label])
    counts = (
        scored.filter(pl.col(label).is_not_null())
        .group_by(
            pl.col(score).alias("score"),
            pl.when(pl.col(label)).then(pl.lit("bad")).otherwise(pl.lit("good")).alias("label"),
        )
        .agg(pl.len().alias("listings"))
        .sort("score", "label")
    )
    return bar_chart(
        counts,
        "score",
        "listings",
        color="label",
        x_type="ordinal",
        title="Risk score distribution",
        subtitle="Listings per additive score, by label",
        x_title="risk score (points)",
        y_title="listings",
        synthetic=synthetic,
        description="Stacked bar chart of the number of listings at each risk score, split into "
        "bad and good labelled listings.",
        source=SOURCE,
    ).encode(color=alt.Color("label:N", scale=BAD_GOOD_COLOURS))


def pr_curve_chart(curves: pl.DataFrame, baseline: float, *, synthetic: bool) -> alt.LayerChart:
    """Return precision–recall curves (one per ``model``), the no-skill baseline (prevalence) as a rule."""
    _check(curves, ["recall", "precision", "model", "threshold"])
    base = alt.Chart(
        curves,
        title=_titled("Precision–recall curve", "Dashed line: no-skill baseline = prevalence", synthetic),
        description="Precision-recall curves of the risk scores with "
        "a horizontal rule at the prevalence of bad listings (no-skill baseline).",
        width=420,
    )
    line = base.mark_line(point=True, interpolate="step-after").encode(
        x=alt.X("recall:Q", scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("precision:Q", scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("model:N", title="score"),
        tooltip=[
            "model:N",
            alt.Tooltip("threshold:Q", format=".2f"),
            alt.Tooltip("precision:Q", format=".2f"),
            alt.Tooltip("recall:Q", format=".2f"),
        ],
    )
    rule = (
        alt.Chart(pl.DataFrame({"baseline": [baseline]}))
        .mark_rule(strokeDash=[4, 4], color="#444")
        .encode(y="baseline:Q")
    )
    return (line + rule).properties(
        title=_titled("Precision–recall curve", "Dashed line: no-skill baseline = prevalence", synthetic),
        description="Precision-recall curves of the risk scores with a horizontal rule "
        "at the prevalence of bad listings (no-skill baseline).",
    )


def capacity_chart(
    curve: pl.DataFrame, *, capacity: int, synthetic: bool, max_capacity: int | None = None
) -> alt.LayerChart:
    """Return precision at k over k, with a slider (Altair param) for the day's review capacity."""
    _check(curve, ["k", "precision_at_k"])
    hi = max_capacity or int(curve["k"].max())
    cap = alt.param(
        name="capacity",
        value=capacity,
        bind=alt.binding_range(min=int(curve["k"].min()), max=hi, step=1, name="Review capacity per day: "),
    )
    base = alt.Chart(
        curve,
        title=_titled(
            "Precision within the day's review capacity",
            "Share of bad listings among the k top-scored listings",
            synthetic,
        ),
        description="Line chart of precision at k (share of bad listings among the k highest-scored "
        "listings) against k, with a slider for the daily review capacity.",
        width=480,
    )
    line = base.mark_line().encode(
        x=alt.X("k:Q", title="listings reviewed per day (k)"),
        y=alt.Y(
            "precision_at_k:Q",
            title="precision at k",
            axis=alt.Axis(format=".0%"),
            scale=alt.Scale(domain=[0, 1]),
        ),
    )
    selected = base.transform_filter(alt.datum.k == cap)
    point = selected.mark_point(filled=True, size=90, color=theme.OKABE_ITO[5]).encode(
        x="k:Q", y="precision_at_k:Q", tooltip=["k:Q", alt.Tooltip("precision_at_k:Q", format=".1%")]
    )
    text = selected.mark_text(align="left", dx=8, dy=-10, fontSize=13).encode(
        x="k:Q", y="precision_at_k:Q", text=alt.Text("precision_at_k:Q", format=".0%")
    )
    return (
        alt.layer(line, point, text)
        .add_params(cap)
        .properties(
            title=_titled(
                "Precision within the day's review capacity",
                "Share of bad listings among the k top-scored listings; move the slider",
                synthetic,
            ),
            description="Line chart of precision at k (share of bad listings among the k highest-scored "
            "listings) against k, with a slider for the daily review capacity.",
        )
    )


def calibration_chart(
    table: pl.DataFrame, brier: float, *, synthetic: bool, model: str = "fitted logistic"
) -> alt.LayerChart:
    """Return a reliability diagram: observed share vs mean predicted probability per bin, with a diagonal."""
    _check(table, ["mean_predicted", "observed", "n"])
    diag = (
        alt.Chart(pl.DataFrame({"x": [0.0, 1.0], "y": [0.0, 1.0]}))
        .mark_line(strokeDash=[4, 4], color="#888")
        .encode(x="x:Q", y="y:Q")
    )
    pts = (
        alt.Chart(
            table,
            title=_titled(
                f"Calibration of the {model} score",
                f"Brier score {brier:.3f}; dashed line: perfect calibration",
                synthetic,
            ),
            description="Reliability diagram: for each probability bin, the observed share of bad listings "
            "against the mean predicted probability; the diagonal is perfect calibration.",
            width=360,
            height=300,
        )
        .mark_line(point=True)
        .encode(
            x=alt.X("mean_predicted:Q", title="mean predicted probability", scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("observed:Q", title="observed share bad", scale=alt.Scale(domain=[0, 1])),
            tooltip=[
                alt.Tooltip("mean_predicted:Q", format=".2f"),
                alt.Tooltip("observed:Q", format=".2f"),
                "n:Q",
            ],
        )
    )
    return (diag + pts).properties(
        title=_titled(
            f"Calibration of the {model} score",
            f"Brier score {brier:.3f}; dashed line: perfect calibration",
            synthetic,
        ),
        description="Reliability diagram: for each probability bin, the observed share of bad listings "
        "against the mean predicted probability; the diagonal is perfect calibration.",
    )


def threshold_slider_chart(
    table: pl.DataFrame, *, platform: str | None = None, synthetic: bool, default: float = 6.0
) -> alt.LayerChart:
    """Return precision, recall and flagged share against the score threshold, with a threshold slider.

    ``table`` comes from :func:`dsa_explore.analysis.risk.threshold_table` (columns threshold, precision,
    recall, flagged_share). The slider is an Altair param bound to ``binding_range``; it moves a
    rule and labels the three values at the chosen threshold, in JupyterLab and exported HTML.
    """
    _check(table, ["threshold", "precision", "recall", "flagged_share"])
    long = (
        table.select("threshold", "precision", "recall", "flagged_share")
        .unpivot(index="threshold", variable_name="metric", value_name="value")
        .with_columns(pl.col("metric").replace({"flagged_share": "share flagged"}))
        .filter(pl.col("value").is_not_nan())
    )
    lo, hi = float(table["threshold"].min()), float(table["threshold"].max())
    thr = alt.param(
        name="threshold",
        value=default,
        bind=alt.binding_range(min=lo, max=hi, step=1, name="Flag listings scoring at least: "),
    )
    where = f" on {platform}" if platform else ""
    base = alt.Chart(
        long,
        title=_titled(
            f"What a score threshold catches{where}",
            "Precision, recall and share of listings flagged at each threshold",
            synthetic,
        ),
        description="Line chart of precision, recall and share of listings flagged against the risk "
        "score threshold, with a slider that marks one threshold and labels its values.",
        width=480,
    )
    colour = alt.Color(
        "metric:N",
        title=None,
        scale=alt.Scale(domain=["precision", "recall", "share flagged"], range=theme.OKABE_ITO[:3]),
    )
    lines = base.mark_line(interpolate="step-after").encode(
        x=alt.X("threshold:Q", title="score threshold (points)"),
        y=alt.Y("value:Q", title=None, axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0, 1])),
        color=colour,
    )
    rule = (
        base.mark_rule(color="#444", strokeDash=[3, 3])
        .encode(x="threshold:Q")
        .transform_filter(alt.datum.threshold == thr)
    )
    selected = base.transform_filter(alt.datum.threshold == thr)
    points = selected.mark_point(filled=True, size=80).encode(
        x="threshold:Q", y="value:Q", color=colour, tooltip=["metric:N", alt.Tooltip("value:Q", format=".1%")]
    )
    labels = (
        selected.mark_text(align="left", dx=8, fontSize=12)
        .encode(x="threshold:Q", y="value:Q", color=colour, text=alt.Text("label:N"))
        .transform_calculate(label="datum.metric + ' ' + format(datum.value, '.0%')")
    )
    return (
        alt.layer(lines, rule, points, labels)
        .add_params(thr)
        .properties(
            title=_titled(
                f"What a score threshold catches{where}",
                "Precision, recall and share of listings flagged at each threshold; move the slider",
                synthetic,
            ),
            description="Line chart of precision, recall and share of listings flagged against the risk "
            "score threshold, with a slider that marks one threshold and labels its values.",
        )
    )


def top_sellers_chart(sellers: pl.DataFrame, *, synthetic: bool, n: int = 15) -> alt.Chart:
    """Return horizontal bars of the top ``n`` sellers by maximum listing score, reasons in the tooltip."""
    top = sellers.head(n).with_columns(seller=pl.col("platform") + " · " + pl.col("seller_id"))
    _check(top, ["seller", "max_score", "flagged_listings", "reasons"])
    return (
        alt.Chart(
            top,
            title=_titled(
                "Sellers with the highest risk scores",
                "Bar: highest listing score; hover for the reasons",
                synthetic,
            ),
            description="Horizontal bar chart of the sellers with the highest listing risk score, with the "
            "number of flagged listings and the indicators that fired in the tooltip.",
            width=420,
        )
        .mark_bar()
        .encode(
            y=alt.Y("seller:N", sort=None, title=None),
            x=alt.X("max_score:Q", title="highest listing score"),
            tooltip=["seller:N", "max_score:Q", "flagged_listings:Q", "listings:Q", "reasons:N"],
        )
    )
