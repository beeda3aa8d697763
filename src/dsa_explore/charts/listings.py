"""Charts of listing samples: forest plots, estimand comparisons, published studies, the sample-size planner.

Builders take frames already aggregated by ``dsa_explore.readers.listings`` (one row per estimate with
``estimate``, ``low``, ``high``) and return Altair charts; titles mark synthetic data. Every builder takes
``source``, the text naming the data it draws (``dsa_explore.analysis.listings.source_text``): the chart's
source line follows the caller's data, so a chart of an analyst's own sample never cites the synthetic file.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from dsa_explore.charts import _check, platform_scale, theme, titled

#: The published studies the chart of published test purchases cites beside the caller's sample.
PUBLISHED_SOURCE = "published test purchases (data/listings/published-test-purchases.csv)"


def _titled(title, subtitle, synthetic, source: str):
    """``titled`` with the source line ``Source: <source>`` the caller gave (the data it drew)."""
    return titled(title, subtitle, synthetic, source=f"Source: {source}")


Z95 = 1.959963984540054  # z_{0.975}, the 95% two-sided critical value

_PCT = ".0%"


def _rounded(frame: pl.DataFrame) -> pl.DataFrame:
    """Round float columns to 6 decimals: smaller specs, identical from run to run."""
    return frame.with_columns(pl.col(pl.Float64).round(6))


def _interval_layers(
    base: alt.Chart,
    y: alt.Y,
    color: alt.Color | None,
    tooltip: list,
    x_title: str,
    shape: alt.Shape | None = None,
    x_domain=(0, 1),
    y_offset: str | None = None,
) -> alt.LayerChart:
    rule = {
        "y": y,
        "x": alt.X(
            "low:Q", title=x_title, axis=alt.Axis(format=_PCT), scale=alt.Scale(domain=list(x_domain))
        ),
        "x2": "high:Q",
        "tooltip": tooltip,
    }
    point = {"y": y, "x": alt.X("estimate:Q"), "tooltip": tooltip}
    if color is not None:
        rule["color"] = color
        point["color"] = color
    if shape is not None:
        point["shape"] = shape
    if y_offset is not None:
        rule["yOffset"] = alt.YOffset(f"{y_offset}:N")
        point["yOffset"] = alt.YOffset(f"{y_offset}:N")
    return base.mark_rule(strokeWidth=2).encode(**rule) + base.mark_point(filled=True, size=70).encode(
        **point
    )


def _tips(*extra: str) -> list:
    return [
        alt.Tooltip("estimate:Q", format=".1%", title="estimate"),
        alt.Tooltip("low:Q", format=".1%", title="95% low"),
        alt.Tooltip("high:Q", format=".1%", title="95% high"),
        alt.Tooltip("n:Q", title="n"),
        *[alt.Tooltip(f"{c}:N") for c in extra],
    ]


def prevalence_forest(
    table: pl.DataFrame,
    *,
    title: str,
    description: str,
    synthetic: bool,
    source: str,
    label: str = "row_label",
    x_title: str = "prevalence (95% interval)",
    subtitle: str | None = None,
    width: int = 460,
) -> alt.LayerChart:
    """Return a forest plot of ``table``, one row per estimate.

    ``table`` has platform, ``label``, estimate, low, high, n, design.
    """
    frame = _check(table, ["platform", label, "estimate", "low", "high", "n", "design"])
    frame = _rounded(frame.select("platform", label, "estimate", "low", "high", "n", "design"))
    platforms = sorted(frame["platform"].unique().to_list())
    base = alt.Chart(frame, width=width)
    y = alt.Y(f"{label}:N", title=None, sort=None)
    color = alt.Color("platform:N", scale=platform_scale(platforms), title="platform")
    return _interval_layers(base, y, color, _tips(label, "design"), x_title).properties(
        title=_titled(title, subtitle, synthetic, source), description=description
    )


def estimand_comparison(
    table: pl.DataFrame,
    *,
    title: str,
    description: str,
    synthetic: bool,
    source: str,
    subtitle: str | None = None,
    width: int = 460,
) -> alt.LayerChart:
    """Return estimates of one label per platform for several estimands (listing, exposure, seller)."""
    frame = _rounded(
        _check(table, ["platform", "estimand", "estimate", "low", "high", "n", "design"]).select(
            "platform", "estimand", "estimate", "low", "high", "n", "design"
        )
    )
    base = alt.Chart(width=width)
    y = alt.Y("estimand:N", title=None, sort=None)
    layers = _interval_layers(
        base,
        y,
        alt.Color("estimand:N", title="estimand", sort=None),
        _tips("estimand", "design"),
        "prevalence (95% interval)",
    )
    return layers.facet(
        data=frame, row=alt.Row("platform:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left"))
    ).properties(title=_titled(title, subtitle, synthetic, source), description=description)


def outcome_comparison(
    table: pl.DataFrame,
    *,
    title: str,
    description: str,
    synthetic: bool,
    source: str,
    subtitle: str | None = None,
    width: int = 460,
) -> alt.LayerChart:
    """Return formal non-compliance beside lab-confirmed unsafe (column ``outcome``) per platform."""
    frame = _rounded(
        _check(table, ["platform", "outcome", "estimate", "low", "high", "n", "design"]).select(
            "platform", "outcome", "estimate", "low", "high", "n", "design"
        )
    )
    base = alt.Chart(frame, width=width)
    y = alt.Y("platform:N", title=None, sort=None)
    color = alt.Color(
        "outcome:N", title="outcome", scale=alt.Scale(range=[theme.OKABE_ITO[0], theme.OKABE_ITO[5]])
    )
    return _interval_layers(
        base,
        y,
        color,
        _tips("platform", "outcome", "design"),
        "prevalence (95% interval)",
        y_offset="outcome",
    ).properties(title=_titled(title, subtitle, synthetic, source), description=description)


def published_beside_ours(
    ours: pl.DataFrame,
    published: pl.DataFrame,
    *,
    title: str,
    description: str,
    synthetic: bool,
    source: str,
    subtitle: str | None = None,
    width: int = 420,
) -> alt.LayerChart:
    """Return one forest plot of this sample's estimates and published test purchases, shaped by selection.

    ``ours``: platform, row_label, estimate, low, high, n, design; ``published``: platform,
    study, year, product_group, outcome_definition, selection_mechanism, n, positives, estimate,
    low, high, source_url.
    """
    a = _check(ours, ["platform", "row_label", "estimate", "low", "high", "n", "design"]).select(
        pl.col("row_label").alias("row"),
        "platform",
        "estimate",
        "low",
        "high",
        "n",
        pl.col("design").alias("detail"),
        pl.lit("this sample: probability design").alias("selection"),
        pl.lit("").alias("source_url"),
    )
    b = (
        _check(
            published,
            [
                "platform",
                "study",
                "year",
                "product_group",
                "selection_mechanism",
                "n",
                "estimate",
                "low",
                "high",
                "outcome_definition",
                "source_url",
            ],
        )
        .filter(pl.col("estimate").is_not_null())
        .select(
            pl.format(
                "{} · {} · {} ({})",
                "study",
                (
                    pl.when(pl.col("platform") == "several")
                    .then(pl.col("platforms_covered"))
                    .otherwise("platform")
                    if "platforms_covered" in published.columns
                    else pl.col("platform")
                ),
                "product_group",
                "outcome_definition",
            ).alias("row"),
            "platform",
            "estimate",
            "low",
            "high",
            "n",
            pl.when(pl.col("n").is_not_null())
            .then(pl.format("{}/{} {}", "positives", "n", "outcome_definition"))
            .otherwise(
                pl.format(
                    "share {} published, n not published: {}",
                    (pl.col("estimate") * 100).round(0),
                    "outcome_definition",
                )
            )
            .alias("detail"),
            pl.format("published: {}", pl.col("selection_mechanism").str.replace_all("_", " ")).alias(
                "selection"
            ),
            "source_url",
        )
    )
    frame = _rounded(pl.concat([a, b], how="vertical_relaxed"))
    base = alt.Chart(frame, width=width)
    y = alt.Y("row:N", title=None, sort=None, axis=alt.Axis(labelLimit=420))
    tips = [*_tips("platform", "selection", "detail"), alt.Tooltip("source_url:N", title="source")]
    colours = {
        "this sample: probability design": theme.OKABE_ITO[0],
        "published: purposive": theme.OKABE_ITO[3],
        "published: search top k": theme.OKABE_ITO[1],
        "published: risk targeted": theme.OKABE_ITO[5],
        "published: random listing": theme.OKABE_ITO[2],
        "published: random in stratum": theme.OKABE_ITO[4],
    }
    present = [k for k in colours if k in set(frame["selection"].to_list())]
    present += sorted(set(frame["selection"].to_list()) - set(present))
    colour = alt.Color(
        "selection:N",
        title="selection",
        scale=alt.Scale(domain=present, range=[colours.get(k, theme.MISSING_COLOUR) for k in present]),
    )
    return _interval_layers(
        base, y, colour, tips, "share positive (95% interval)", shape=alt.Shape("selection:N", legend=None)
    ).properties(
        title=_titled(title, subtitle, synthetic, f"{source}; {PUBLISHED_SOURCE}"), description=description
    )


def sample_size_planner(
    frame_table: pl.DataFrame,
    *,
    title: str,
    description: str,
    synthetic: bool,
    source: str,
    label: str = "stratum",
    pilot: str | None = None,
    half_width: float = 0.05,
    prevalence: float = 0.5,
    deff: float = 1.5,
    subtitle: str | None = None,
    width: int = 460,
) -> alt.LayerChart:
    """Return listings to buy per stratum for a target half-width, driven by Altair sliders.

    Sliders (they work in exported HTML too): target half-width e, anticipated prevalence p and
    design effect; with ``pilot`` (a column of pilot prevalences) a check box (off at first) switches
    from the slider's p to the pilot value of each row. Per row n = ceil(n₀/(1 + (n₀ − 1)/N)) with
    n₀ = z²·p(1−p)/e² · deff (as ``dsa_explore.analysis.estimators.sample_size_for_half_width``).
    """
    cols = [label, "frame_size"] + ([pilot] if pilot else [])
    frame = _rounded(_check(frame_table, cols).select(cols))
    e = alt.param(
        name="half_width",
        value=half_width,
        bind=alt.binding_range(min=0.01, max=0.15, step=0.005, name="target half-width ± "),
    )
    p = alt.param(
        name="prevalence",
        value=prevalence,
        bind=alt.binding_range(min=0.05, max=0.95, step=0.05, name="anticipated prevalence "),
    )
    d = alt.param(
        name="deff", value=deff, bind=alt.binding_range(min=1.0, max=4.0, step=0.1, name="design effect ")
    )
    params = [e, p, d]
    p_expr = "prevalence"
    if pilot:
        # Off by default, so that the prevalence slider changes the chart as it opens; ticked, each row
        # uses its pilot prevalence and the slider's value is not used (its label says so).
        use = alt.param(
            name="use_pilot",
            value=False,
            bind=alt.binding_checkbox(name="use each row's pilot prevalence instead of the slider "),
        )
        params.append(use)
        p_expr = f"(use_pilot ? datum['{pilot}'] : prevalence)"
    chart = (
        alt.Chart(frame, width=width)
        .add_params(*params)
        .transform_calculate(p_used=p_expr)
        .transform_calculate(
            n0=f"{Z95 * Z95} * datum.p_used * (1 - datum.p_used) / (half_width * half_width) * deff"
        )
        .transform_calculate(
            listings_to_buy="ceil(datum.n0 / (1 + (datum.n0 - 1) / datum.frame_size) - 1e-9)"
        )
        .mark_bar()
        .encode(
            y=alt.Y(f"{label}:N", title=None, sort=None),
            x=alt.X("listings_to_buy:Q", title="listings to buy and label"),
            tooltip=[
                alt.Tooltip(f"{label}:N"),
                alt.Tooltip("frame_size:Q", format=",", title="frame size"),
                alt.Tooltip("p_used:Q", format=".0%", title="anticipated prevalence"),
                alt.Tooltip("listings_to_buy:Q", title="listings to buy"),
            ],
        )
    )
    text = (
        alt.Chart(frame)
        .transform_calculate(p_used=p_expr)
        .transform_calculate(
            n0=f"{Z95 * Z95} * datum.p_used * (1 - datum.p_used) / (half_width * half_width) * deff"
        )
        .transform_calculate(
            listings_to_buy="ceil(datum.n0 / (1 + (datum.n0 - 1) / datum.frame_size) - 1e-9)"
        )
        .mark_text(align="left", dx=3)
        .encode(y=alt.Y(f"{label}:N", sort=None), x="listings_to_buy:Q", text=alt.Text("listings_to_buy:Q"))
    )
    return alt.layer(chart, text).properties(
        title=_titled(title, subtitle, synthetic, source), description=description
    )
