"""The listing charts must draw with no network, and the sample-size planner's sliders with no kernel.

Briefings are read offline: the planner and the briefing forest plot are put in one page with
the inlined Vega bundle and opened in headless Chromium with every host unresolvable. Both must
render without errors, and moving the half-width slider must change the listings to buy to the
value `dsa_explore.analysis.estimators.sample_size_for_half_width` gives.
"""

from __future__ import annotations

import polars as pl
import pytest

from dsa_explore.analysis import estimators as stats
from dsa_explore.analysis import listings as listing_estimates
from dsa_explore.briefing import browsercheck
from dsa_explore.briefing.sections import listings as listings_section
from dsa_explore.charts import listings as lc
from dsa_explore.charts import theme
from dsa_explore.readers import listings
from tests.conftest import require_chromium

FRAME = pl.DataFrame({"stratum": ["small", "large"], "frame_size": [400, 1_000_000]})


def _move_half_width_slider(page, report):
    planner = page.locator(".vega-embed").first
    texts = planner.locator("svg.marks g.mark-text.role-mark text")

    def read():
        return sorted(texts.evaluate_all("els => els.map(e => e.textContent)"))

    report.extra["before"] = read()
    slider = planner.locator(".vega-bindings input[type='range']").first
    slider.evaluate("(el) => { el.value = '0.1'; el.dispatchEvent(new Event('input', {bubbles: true})); }")
    page.wait_for_timeout(500)
    report.extra["after"] = read()


@pytest.mark.slow
def test_planner_and_briefing_forest_render_offline_and_the_slider_works(tmp_path):
    require_chromium()
    theme.enable()
    sample, _ = listings.load_synthetic()
    charts = [
        lc.sample_size_planner(
            FRAME, title="Planner", description="planner", synthetic=False, source="test rows"
        ),
        listings_section.briefing_forest(sample, listing_estimates.published_test_purchases(), "AliExpress"),
    ]
    page = browsercheck.chart_page(charts, tmp_path / "listings.html")
    report = browsercheck.inspect(page, interact=_move_half_width_slider)
    assert report.ok, report
    assert report.views == 2

    def expected(e):
        return sorted(
            str(int(stats.sample_size_for_half_width(e, 0.5, population=n, deff=1.5)))
            for n in FRAME["frame_size"]
        )

    assert report.extra["before"] == expected(0.05)
    assert report.extra["after"] == expected(0.1)
