"""Charts must have visible marks, not only an SVG (issue 18): laid out by Vega itself through
vl-convert's scene graph, with no browser, so a zero-width bar fails here as it would on screen."""

from __future__ import annotations

import polars as pl
import pytest
import vl_convert as vlc

from dsa_explore.charts import sor as sor_charts


def _items(node, kind):
    """Yield every scene-graph item of mark type ``kind`` (rect, symbol, text, ...)."""
    if isinstance(node, dict):
        if node.get("marktype") == kind:
            yield from node.get("items", [])
        for value in node.values():
            yield from _items(value, kind)
    elif isinstance(node, list):
        for value in node:
            yield from _items(value, kind)


def test_sors_per_moderator_bars_have_length_on_their_log_scale():
    # Three platforms, values spanning four orders of magnitude (typed in by hand, not computed).
    frame = pl.DataFrame(
        {
            "platform": ["AliExpress", "Temu", "Zalando"],
            "sors_per_moderator": [311_373.0, 52.4, 4_210.0],
            "moderators": [986.0, 1_200.0, 40.0],
            "sors_h2_2025": [307_014_000, 62_880, 168_400],
        }
    )
    chart = sor_charts.per_moderator_chart(frame)
    scene = vlc.vegalite_to_scenegraph(chart.to_dict())
    bars = list(_items(scene, "rect"))
    assert len(bars) == 3
    widths = sorted(b["width"] for b in bars)
    assert all(w > 5 for w in widths), f"bars without length: {widths}"
    # Log scale from a baseline of 10: 52 -> 311,373 is ~3.8 decades of ~4.5, the smallest bar is short.
    assert widths[0] < widths[1] < widths[2]
    labels = sorted(
        t["text"]
        for t in _items(scene, "text")
        if isinstance(t.get("text"), str) and t["text"] in {"311,373", "52", "4,210"}
    )
    assert labels == ["311,373", "4,210", "52"]
    subtitle = chart.to_dict()["title"]["subtitle"]
    assert "bars start at 10" in subtitle[0] and subtitle[-1].startswith("Source: DSA Transparency Database")


def test_sors_per_moderator_refuses_a_frame_with_nothing_to_draw():
    frame = pl.DataFrame(
        {"platform": ["X"], "sors_per_moderator": [0.0], "moderators": [0.0], "sors_h2_2025": [0]}
    )
    with pytest.raises(ValueError, match="no platform"):
        sor_charts.per_moderator_chart(frame)


def test_every_platform_shown_gets_its_own_colour():
    """Issue 18: 05's volume chart gave five pairs of platforms one colour."""
    from dsa_explore.charts import theme

    names = [
        "AliExpress",
        "Amazon Store",
        "Temu",
        "SHEIN",
        "Zalando",
        "Booking.com",
        "Google Play",
        "Apple App Store",
        "Google Shopping",
        "eBay",
        "Vinted",
        "bol.com",
        "OTTO",
        "Cdiscount",
    ]
    colours = theme.platform_palette(names)
    assert len(set(colours)) == len(names)
    assert colours[0] == theme.PLATFORM_COLOURS["AliExpress"]
    scale = sor_charts.platform_colours(names).to_dict()
    assert len(set(scale["range"])) == len(scale["domain"]) == 14
    with pytest.raises(ValueError, match="distinct colours"):
        theme.platform_palette([f"platform {i}" for i in range(30)])


def test_share_axes_keep_end_labels_inside_and_thin_overlaps():
    """Issue 18: end-of-axis labels collided ("90%100%"); the theme keeps them flush and thinned."""
    from dsa_explore.charts import theme

    config = theme.theme_config()["config"]
    for axis in ("axisQuantitative", "axisTemporal"):
        assert config[axis]["labelFlush"] is True and config[axis]["labelOverlap"] == "greedy"


def test_terms_bars_draw_no_zero_height_bar_and_say_where_a_term_is_never_named():
    """Notebook 08 cell 12: no statement named "recall", so its panel held three bars of height 0 and
    JupyterLab's probe found a chart with an empty mark group. Typed in by hand: 2 platforms x 3 terms;
    nobody names "recall", Temu names "choking" in none of its 50 statements."""
    from dsa_explore.charts import sor_text as text_charts

    frame = pl.DataFrame(
        {
            "platform": ["AliExpress", "AliExpress", "AliExpress", "Temu", "Temu", "Temu"],
            "term": ["counterfeit", "choking", "recall", "counterfeit", "choking", "recall"],
            "named": [10, 4, 0, 5, 0, 0],
            "statements": [100, 100, 100, 50, 50, 50],
            "share": [0.10, 0.04, 0.0, 0.10, 0.0, 0.0],
        }
    )
    chart = text_charts.terms_bars(frame, what="harms")
    scene = vlc.vegalite_to_scenegraph(chart.to_dict())
    bars = list(_items(scene, "rect"))
    heights = [round(b["height"], 1) for b in bars]
    assert len(heights) == 3, f"expected 3 bars (counterfeit x2, choking AliExpress), got {heights}"
    assert all(h > 5 for h in heights), f"bars without height: {heights}"
    texts = [t["text"] for t in _items(scene, "text") if isinstance(t.get("text"), str)]
    assert texts.count("0") == 1  # Temu, choking
    headers = {t for t in texts if t in {"counterfeit", "choking", "recall"}}
    assert headers == {"counterfeit", "choking"}
    subtitle = chart.to_dict()["title"]["subtitle"]
    assert "Named in no statement, so not drawn: recall." in subtitle[0]
    assert subtitle[-1].startswith("Source: statement-of-reasons texts")


def test_terms_bars_refuse_a_frame_where_nothing_is_named_or_a_share_is_null():
    from dsa_explore.charts import sor_text as text_charts

    nothing = pl.DataFrame(
        {"platform": ["Temu"], "term": ["recall"], "named": [0], "statements": [50], "share": [0.0]}
    )
    with pytest.raises(ValueError, match="no statement names any of the harms"):
        text_charts.terms_bars(nothing, what="harms")
    null = pl.DataFrame(
        {"platform": ["Temu"], "term": ["recall"], "named": [0], "statements": [0], "share": [None]},
        schema_overrides={"share": pl.Float64},
    )
    with pytest.raises(ValueError, match="share is null for platform 'Temu', term 'recall'"):
        text_charts.terms_bars(null, what="harms")
