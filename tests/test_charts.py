"""Charts are checked through their Vega-Lite JSON (fields, types, titles, params), not pixels."""

from __future__ import annotations

import json

import altair as alt
import polars as pl
import pytest

from dsa_explore import charts
from dsa_explore.analysis import penalties
from dsa_explore.charts import render, theme
from dsa_explore.charts.penalties import exposure_chart


def test_theme_is_registered_once_and_uses_the_colour_blind_safe_palette():
    assert theme.enable() == "dsa_explore"
    assert theme.enable() == "dsa_explore"  # idempotent
    assert alt.theme.active == "dsa_explore"
    config = theme.theme_config()["config"]
    assert config["range"]["category"] == theme.OKABE_ITO
    assert len(set(theme.PLATFORM_COLOURS.values())) == len(theme.PLATFORM_COLOURS)


def test_dot_plot_encodes_the_named_columns_with_title_and_description():
    frame = pl.DataFrame(
        {"platform": ["AliExpress", "Temu"], "per_million": [5.4, 12.0], "period": ["H2 2025"] * 2}
    )
    spec = charts.dot_plot(
        frame,
        "per_million",
        "platform",
        color="period",
        title="Moderators",
        description="Dot plot of moderators per million users",
    ).to_dict()
    enc = spec["encoding"]
    assert enc["x"]["field"] == "per_million" and enc["x"]["type"] == "quantitative"
    assert enc["y"]["field"] == "platform" and enc["y"]["type"] == "nominal"
    assert enc["color"]["field"] == "period"
    assert spec["title"]["text"] == "Moderators"
    assert spec["description"].startswith("Dot plot")


def test_synthetic_data_is_marked_in_the_title():
    frame = pl.DataFrame({"x": ["a"], "y": [1]})
    spec = charts.bar_chart(frame, "x", "y", title="Prevalence", description="d", synthetic=True).to_dict()
    assert spec["title"]["text"] == "Prevalence [SYNTHETIC DATA]"


def test_forest_plot_draws_interval_and_point():
    frame = pl.DataFrame({"label": ["A", "B"], "p": [0.3, 0.5], "lo": [0.2, 0.4], "hi": [0.4, 0.6]})
    spec = charts.forest_plot(frame, "p", "lo", "hi", "label", title="t", description="d").to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["rule", "point"]
    assert spec["layer"][0]["encoding"]["x2"]["field"] == "hi"


def test_heatmap_draws_missing_values_in_their_own_colour():
    frame = pl.DataFrame({"platform": ["A", "A"], "language": ["es", "mt"], "users": [1e6, None]})
    spec = charts.heatmap(
        frame, "language", "platform", "users", title="t", description="d", log_color=True
    ).to_dict()
    missing, present = spec["layer"]
    assert missing["mark"]["color"] == theme.MISSING_COLOUR
    assert present["encoding"]["color"]["scale"]["type"] == "log"


def test_builders_refuse_missing_columns_and_oversized_frames():
    with pytest.raises(KeyError, match="nope"):
        charts.dot_plot(pl.DataFrame({"a": [1]}), "nope", "a", title="t", description="d")
    with pytest.raises(ValueError, match="aggregate"):
        charts.bar_chart(
            pl.DataFrame({"a": range(6000), "b": range(6000)}), "a", "b", title="t", description="d"
        )


def test_penalty_chart_has_sliders_that_drive_the_amounts():
    spec = exposure_chart(
        996347.0,
        "million RMB",
        title="Penalty ceilings",
        group="Alibaba Group",
        rules=penalties.penalty_rules(),
    ).to_dict()
    params = {p["name"]: p for p in spec["params"]}
    assert params["turnover"]["bind"]["input"] == "range" and params["turnover"]["value"] == 996347.0
    assert params["days"]["bind"]["input"] == "range"
    calc = spec["transform"][0]["calculate"]
    assert "turnover" in calc and "days" in calc
    assert spec["encoding"]["x"]["field"] == "max_amount"
    json.loads(json.dumps(spec))  # JSON round trip


def test_safe_renderer_escapes_markup_inside_chart_data():
    frame = pl.DataFrame(
        {"title": ["</script><script>alert(1)</script>", "<img src=x onerror=alert(2)>"], "n": [1, 2]}
    )
    chart = charts.bar_chart(frame, "title", "n", title="t", description="d")
    html = render.chart_html(chart.to_dict())
    assert "</script><script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "\\u003c/script\\u003e" in html
    assert html.count("<script") == 1 and html.count("</script>") == 1


def test_penalty_exposure_against_hand_computed_values():
    table = penalties.penalty_exposure(1000.0, days=73)
    amounts = dict(zip(table["article"], table["max_amount"], strict=True))
    assert amounts["Art. 74(1)"] == pytest.approx(60.0)
    assert amounts["Art. 74(2)"] == pytest.approx(10.0)
    assert amounts["Art. 76"] == pytest.approx(0.05 * 1000 / 365 * 73)  # = 10.0
    assert amounts["Art. 76"] == pytest.approx(10.0)
    with pytest.raises(ValueError):
        penalties.penalty_exposure(-1.0)


def test_default_turnover_is_alibaba_group_derived():
    t = penalties.default_turnover("AliExpress")
    assert t.group == "Alibaba Group" and t.derived
    assert t.amount == 759893 + 236454  # nine months to Dec 2024 + quarter to Mar 2025, million RMB
    assert penalties.default_turnover("Temu") is None
