"""Untrusted text must stay text: listing titles and trader names with markup go through the
briefing (data file -> risk section table) and through a chart (data -> tooltip/labels), and in a
real browser nothing executes, no element is injected, and the text shows literally.
"""

from __future__ import annotations

import shutil

import polars as pl
import pytest

from dsa_explore import charts
from dsa_explore.briefing import browsercheck, export
from dsa_explore.core import paths
from dsa_explore.data import catalog
from tests.conftest import require_chromium

PAYLOADS = [
    '<script>alert("xss-script")</script>',
    '<img src=x onerror=alert("xss-img")>',
    "<a href=\"javascript:alert('xss-link')\">cheap toy</a>",
    '</script><script>alert("xss-break")</script>',
]
TRADER = '<img src=x onerror=alert("xss-trader")> Shop'


def _check_page(page, report):
    report.extra["injected_imgs"] = page.locator('img[src="x"]').count()
    report.extra["js_links"] = page.locator('a[href^="javascript:"]').count()
    report.extra["text"] = page.inner_text("body")
    report.extra["svg_text"] = " ".join(
        page.eval_on_selector_all(".vega-embed svg.marks text", "els => els.map(e => e.textContent)")
    )


@pytest.mark.slow
def test_hostile_titles_in_a_data_file_show_literally_in_the_briefing(tmp_path, monkeypatch):
    require_chromium()
    data = tmp_path / "data"
    shutil.copytree(paths.data_dir(), data)
    listings = data / "risk" / "listings-risk-synthetic.csv"
    frame = pl.read_csv(listings, infer_schema=False)
    index = pl.int_range(pl.len()) % len(PAYLOADS)
    frame = frame.with_columns(
        title=pl.when(pl.col("platform") == "AliExpress")
        .then(pl.concat_str([pl.lit(pl.Series(PAYLOADS)).get(index), pl.lit(" "), pl.col("title")]))
        .otherwise(pl.col("title")),
        trader_name=pl.when(pl.col("platform") == "AliExpress")
        .then(pl.lit(TRADER))
        .otherwise(pl.col("trader_name")),
    )
    frame.write_csv(listings)
    catalog.refresh(listings)
    monkeypatch.setenv("DSA_EXPLORE_DATA", str(data))

    out = export.build("AliExpress", output=tmp_path / "briefing-hostile.html", verbose=False)
    html = out.read_text()
    for payload in PAYLOADS:
        assert payload not in html, f"raw payload in the HTML: {payload}"

    report = browsercheck.inspect(out, interact=_check_page)
    assert report.dialogs == [], f"injected script ran: {report.dialogs}"
    assert report.extra["injected_imgs"] == 0 and report.extra["js_links"] == 0
    shown = report.extra["text"]
    assert sum(payload in shown for payload in PAYLOADS) >= 3, "hostile titles are not shown literally"
    assert TRADER in shown
    assert report.views == report.charts and report.page_errors == []


def test_hostile_text_in_chart_data_stays_text(tmp_path):
    require_chromium()
    frame = pl.DataFrame({"title": PAYLOADS, "n": [4, 3, 2, 1]})
    chart = charts.bar_chart(
        frame, "title", "n", title="Listings", description="hostile labels", horizontal=True
    )
    report = browsercheck.inspect(
        browsercheck.chart_page([chart], tmp_path / "chart.html"), interact=_check_page
    )
    assert report.views == 1 and report.dialogs == [] and report.page_errors == []
    assert report.extra["injected_imgs"] == 0
    assert any(p[:20] in report.extra["svg_text"] for p in PAYLOADS), "axis labels should show the raw text"
