"""Chart builders: take a polars frame plus column names, return an unconfigured ``alt.Chart``.

The house theme (``dsa_explore.charts.theme``) styles them; every builder requires a title and a
short text description (the chart's ARIA label), and marks synthetic data in the title.
Domain-specific charts live in submodules (``charts.resources``, ``charts.listings``, ...)
and build on these.

Altair is imported here and not by modules that do not draw (it costs ~2.5 s).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import altair as alt
import polars as pl

from dsa_explore.charts import theme

MAX_ROWS = 5000


def _check(frame: pl.DataFrame, columns: Sequence[str | None]) -> pl.DataFrame:
    if isinstance(frame, pl.LazyFrame):
        frame = frame.collect()
    missing = [c for c in columns if c is not None and c not in frame.columns]
    if missing:
        raise KeyError(f"chart needs column(s) {missing}; the frame has {frame.columns}")
    if frame.height > MAX_ROWS:
        raise ValueError(f"chart data has {frame.height} rows (> {MAX_ROWS}); aggregate in polars first")
    return frame


def titled(
    title: str,
    subtitle: str | None = None,
    synthetic: bool = False,
    source: str | None = None,
    wrap: int | None = None,
) -> alt.TitleParams:
    """Return title params; synthetic data is marked in the title, ``source`` becomes a last subtitle line.

    Every chart carries a source line ("Source: ..."): each chart module passes its own. ``wrap`` (characters)
    breaks the subtitle and source into lines of at most that length, so they fit a narrow chart.
    """
    kwargs = {"text": theme.synthetic_title(title, synthetic)}
    lines = [subtitle] if subtitle else []
    if source:
        lines.append(source if source.startswith("Source") else f"Source: {source}")
    if wrap:
        lines = [part for line in lines for part in textwrap.wrap(line, wrap, break_on_hyphens=False)]
    if lines:
        kwargs["subtitle"] = lines[0] if len(lines) == 1 else lines
    if synthetic:
        kwargs["color"] = theme.SYNTHETIC_COLOUR
    return alt.TitleParams(**kwargs)


def platform_scale(domain: Sequence[str] | None = None) -> alt.Scale:
    """Return a colour scale that gives each platform its fixed colour, and a distinct one to any other."""
    names = list(domain) if domain is not None else list(theme.PLATFORM_COLOURS)
    return alt.Scale(domain=names, range=theme.platform_palette(names))


def dot_plot(
    frame: pl.DataFrame,
    x: str,
    y: str,
    *,
    color: str | None = None,
    title: str,
    description: str,
    x_title: str | None = None,
    y_title: str | None = None,
    tooltip: Sequence[str] = (),
    log_x: bool = False,
    subtitle: str | None = None,
    synthetic: bool = False,
    source: str | None = None,
    width: int = 520,
) -> alt.Chart:
    """Return a dot plot of ``x`` (quantitative) per ``y`` (nominal), coloured by ``color``."""
    frame = _check(frame, [x, y, color, *tooltip])
    enc = {
        "x": alt.X(
            x,
            type="quantitative",
            title=x_title or x,
            scale=alt.Scale(type="log") if log_x else alt.Undefined,
        ),
        "y": alt.Y(y, type="nominal", title=y_title or y, sort="-x"),
        "tooltip": [alt.Tooltip(c) for c in (tooltip or [y, x])],
    }
    if color:
        enc["color"] = alt.Color(color, type="nominal")
    return (
        alt.Chart(
            frame, title=titled(title, subtitle, synthetic, source), description=description, width=width
        )
        .mark_circle(size=90, opacity=0.9)
        .encode(**enc)
    )


def forest_plot(
    frame: pl.DataFrame,
    estimate: str,
    low: str,
    high: str,
    label: str,
    *,
    color: str | None = None,
    title: str,
    description: str,
    x_title: str = "prevalence",
    tooltip: Sequence[str] = (),
    subtitle: str | None = None,
    synthetic: bool = False,
    source: str | None = None,
    width: int = 480,
    percent: bool = True,
) -> alt.LayerChart:
    """Return a forest plot: one row per ``label``, point ``estimate`` with an interval ``low``–``high``."""
    frame = _check(frame, [estimate, low, high, label, color, *tooltip])
    fmt = ".0%" if percent else ",.2f"
    base = alt.Chart(
        frame, title=titled(title, subtitle, synthetic, source), description=description, width=width
    )
    y = alt.Y(label, type="nominal", title=None, sort=None)
    tips = [alt.Tooltip(c) for c in tooltip] or [
        alt.Tooltip(label),
        alt.Tooltip(estimate, format=fmt),
        alt.Tooltip(low, format=fmt),
        alt.Tooltip(high, format=fmt),
    ]
    rule_enc = {
        "y": y,
        "x": alt.X(low, type="quantitative", title=x_title, axis=alt.Axis(format=fmt)),
        "x2": alt.X2(high),
        "tooltip": tips,
    }
    point_enc = {"y": y, "x": alt.X(estimate, type="quantitative"), "tooltip": tips}
    if color:
        rule_enc["color"] = alt.Color(color, type="nominal")
        point_enc["color"] = alt.Color(color, type="nominal")
    return base.mark_rule(strokeWidth=2).encode(**rule_enc) + base.mark_point(filled=True, size=70).encode(
        **point_enc
    )


def bar_chart(
    frame: pl.DataFrame,
    x: str,
    y: str,
    *,
    color: str | None = None,
    title: str,
    description: str,
    x_title: str | None = None,
    y_title: str | None = None,
    tooltip: Sequence[str] = (),
    horizontal: bool = False,
    stack: bool | str | None = True,
    subtitle: str | None = None,
    synthetic: bool = False,
    source: str | None = None,
    width: int = 520,
    x_type: str = "nominal",
) -> alt.Chart:
    """Return a bar chart of quantitative ``y`` per ``x`` (horizontal bars if ``horizontal``)."""
    frame = _check(frame, [x, y, color, *tooltip])
    cat = (
        alt.X(x, type=x_type, title=x_title or x)
        if not horizontal
        else alt.Y(x, type=x_type, title=x_title or x, sort="-x")
    )
    val = (
        alt.Y(y, type="quantitative", title=y_title or y, stack=stack)
        if not horizontal
        else alt.X(y, type="quantitative", title=y_title or y, stack=stack)
    )
    enc = {"x": cat, "y": val} if not horizontal else {"y": cat, "x": val}
    enc["tooltip"] = [alt.Tooltip(c) for c in (tooltip or [x, y] + ([color] if color else []))]
    if color:
        enc["color"] = alt.Color(color, type="nominal")
    return (
        alt.Chart(
            frame, title=titled(title, subtitle, synthetic, source), description=description, width=width
        )
        .mark_bar()
        .encode(**enc)
    )


def line_chart(
    frame: pl.DataFrame,
    x: str,
    y: str,
    *,
    color: str | None = None,
    title: str,
    description: str,
    x_title: str | None = None,
    y_title: str | None = None,
    tooltip: Sequence[str] = (),
    subtitle: str | None = None,
    synthetic: bool = False,
    source: str | None = None,
    width: int = 560,
    log_y: bool = False,
) -> alt.Chart:
    """Return a line chart of ``y`` over temporal ``x``, one line per ``color``."""
    frame = _check(frame, [x, y, color, *tooltip])
    enc = {
        "x": alt.X(x, type="temporal", title=x_title or x),
        "y": alt.Y(
            y,
            type="quantitative",
            title=y_title or y,
            scale=alt.Scale(type="log") if log_y else alt.Undefined,
        ),
        "tooltip": [alt.Tooltip(c) for c in (tooltip or [x, y] + ([color] if color else []))],
    }
    if color:
        enc["color"] = alt.Color(color, type="nominal")
    return (
        alt.Chart(
            frame, title=titled(title, subtitle, synthetic, source), description=description, width=width
        )
        .mark_line()
        .encode(**enc)
    )


def heatmap(
    frame: pl.DataFrame,
    x: str,
    y: str,
    value: str,
    *,
    title: str,
    description: str,
    x_title: str | None = None,
    y_title: str | None = None,
    tooltip: Sequence[str] = (),
    log_color: bool = False,
    scheme: str = theme.SEQUENTIAL_SCHEME,
    subtitle: str | None = None,
    synthetic: bool = False,
    source: str | None = None,
    width: int = 560,
    legend_title: str | None = None,
) -> alt.LayerChart:
    """Return a heatmap of ``value`` over ``x`` × ``y``; null values are drawn in the 'missing' grey."""
    frame = _check(frame, [x, y, value, *tooltip])
    base = alt.Chart(
        frame, title=titled(title, subtitle, synthetic, source), description=description, width=width
    )
    tips = [alt.Tooltip(c) for c in (tooltip or [y, x, value])]
    enc = {
        "x": alt.X(x, type="nominal", title=x_title or x),
        "y": alt.Y(y, type="nominal", title=y_title or y),
        "tooltip": tips,
    }
    missing = (
        base.mark_rect(color=theme.MISSING_COLOUR)
        .encode(**enc)
        .transform_filter(f"!isValid(datum['{value}'])")
    )
    present = (
        base.mark_rect()
        .encode(
            **enc,
            color=alt.Color(
                value,
                type="quantitative",
                title=legend_title or value,
                scale=alt.Scale(type="log" if log_color else "linear", scheme=scheme),
            ),
        )
        .transform_filter(f"isValid(datum['{value}'])")
    )
    return missing + present
