"""Readability of charts named in issue 18 item 7: stated scales, titles that fit, no made-up positions.

Checked on the Vega-Lite spec (``chart.to_dict()``) and on Vega's own layout (vl-convert scene graph).
"""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import vl_convert as vlc

from dsa_explore.charts import links as link_charts
from dsa_explore.charts import sor as sor_charts
from dsa_explore.charts import theme


def _lines(subtitle):
    return subtitle if isinstance(subtitle, list) else [subtitle]


def test_hop_bars_state_their_symlog_scale():
    # Two seed groups, counts typed in by hand.
    hops = pl.DataFrame(
        {
            "seed_category": ["listing", "listing", "search", "search"],
            "hops": ["1", "not within 4", "1", "not within 4"],
            "hops_order": [1, 5, 1, 5],
            "seeds": [3, 400, 1, 250],
            "share": [0.0074, 0.9926, 0.004, 0.996],
        }
    )
    spec = link_charts.hop_distribution_chart(hops).to_dict()
    y = spec["encoding"]["y"]
    if y.get("scale", {}).get("type") not in (None, "linear"):
        assert y["scale"]["type"] in y["title"], y["title"]
        assert any("symlog" in line for line in _lines(spec["title"]["subtitle"]))


def _weekly():
    rows = [
        {
            "period": date(2025, 7, 7 + 7 * w),
            "platform": p,
            "sors": 7000 * (i + 1) * (w + 1),
            "sors_per_day": 1000.0 * (i + 1) * (w + 1),
        }
        for i, p in enumerate(["AliExpress", "Amazon Store", "Temu", "Zalando"])
        for w in range(3)
    ]
    return pl.DataFrame(rows)


def _items(node, role):
    if isinstance(node, dict):
        if node.get("role") == role and node.get("marktype") == "text":
            yield from node.get("items", [])
        for value in node.values():
            yield from _items(value, role)
    elif isinstance(node, list):
        for value in node:
            yield from _items(value, role)


def test_volume_chart_title_and_axis_title_fit():
    chart = sor_charts.volume_explorer(_weekly(), default_platform="AliExpress")
    spec = chart.to_dict()
    scene = vlc.vegalite_to_scenegraph(spec)
    # The whole chart, legend included, fits the A4 width the briefing and a notebook output give it.
    assert scene["width"] <= theme.A4_WIDTH + 20, scene["width"]
    plot_width = spec["vconcat"][0]["width"]
    # ~6 px per character at the subtitle's 11 px: no subtitle line may run past the plot.
    for line in _lines(spec["title"]["subtitle"]):
        assert len(line) * 6 <= plot_width, line
    # The y-axis title is given room for its whole text (~6 px a character at 11 px bold).
    [y_title] = [t for t in _items(scene, "axis-title") if "per day" in str(t.get("text"))]
    assert y_title["limit"] >= len(y_title["text"]) * 6.5
    assert len(y_title["text"]) * 6.5 <= spec["vconcat"][0]["height"]


def test_languages_without_moderator_are_not_placed_on_the_numeric_scale():
    from dsa_explore.charts import resources as rc

    # AliExpress H2 2025: Dutch has users and no moderator; French is covered (values typed in for the test).
    cov = pl.DataFrame(
        {
            "platform": ["AliExpress", "AliExpress", "Amazon Store"],
            "period": ["H2 2025"] * 3,
            "language": ["nl", "fr", "nl"],
            "language_name": ["Dutch", "French", "Dutch"],
            "users": [9_000_000, 20_000_000, 5_000_000],
            "moderators": [0.0, 1.1, 30.0],
            "users_per_moderator": [None, 18_000_000.0, 166_667.0],
            "status": ["no moderator", "covered", "covered"],
            "label": ["no moderator", "18,000,000", "166,667"],
        }
    )
    spec = rc.language_gap_chart(cov, period="H2 2025").to_dict()
    scene = vlc.vegalite_to_scenegraph(spec)
    views = spec["hconcat"]
    numeric = [v for v in views if v["encoding"]["x"]["type"] == "quantitative"]
    # Every view on the numeric scale shows covered languages only: no made-up position for "no moderator".
    assert numeric and all(
        "datum.coverage === 'covered'" in json.dumps(v.get("transform", [])) for v in numeric
    )
    assert all(
        "edge" not in json.dumps(v["encoding"]) and v["encoding"]["x"]["field"] == "users_per_moderator"
        for v in numeric
    )
    # The gap is drawn as text in a separate, labelled column (not on the numeric axis) ...
    [strip] = [v for v in views if v["encoding"]["x"]["type"] == "nominal"]
    assert strip["encoding"]["x"]["scale"]["domain"] == ["no moderator"]
    texts = [t["text"] for t in _items_of(scene, "text") if t.get("text") == "none"]
    assert texts == ["none"]  # one language without moderator in the hand-made frame
    # ... two symbols for the two covered rows, and the caption (subtitle) says how gaps are shown.
    assert len(list(_items_of(scene, "symbol"))) >= 2
    assert "not on the scale" in " ".join(_lines(spec["title"]["subtitle"]))


def _items_of(node, kind):
    if isinstance(node, dict):
        if node.get("marktype") == kind and node.get("role") == "mark":
            yield from node.get("items", [])
        for value in node.values():
            yield from _items_of(value, kind)
    elif isinstance(node, list):
        for value in node:
            yield from _items_of(value, kind)
