"""The moderation charts must draw with no network and their drop-downs must work with no kernel.

Briefings are read offline in a browser: the three charts of `dsa_explore.charts.resources` are put
in one page with the inlined Vega bundle and opened in headless Chromium with every host
unresolvable; each must render, log no error, and changing its bound select must change the chart.
"""

from __future__ import annotations

import pytest

from dsa_explore.analysis import resources
from dsa_explore.briefing import browsercheck
from dsa_explore.charts import resources as rc
from dsa_explore.charts import theme
from tests.conftest import require_chromium


def _change_each_select(page, report):
    changed = []
    charts = page.locator(".vega-embed")
    for i in range(charts.count()):
        chart = charts.nth(i)
        select = chart.locator(".vega-bindings select").first
        before = chart.locator("svg.marks").inner_html()
        options = select.locator("option").all_inner_texts()
        current = select.locator("option:checked").inner_text()
        select.select_option(label=next(o for o in options if o != current))
        page.wait_for_timeout(500)
        changed.append(chart.locator("svg.marks").inner_html() != before)
    report.extra["changed"] = changed


@pytest.mark.slow
def test_charts_render_offline_and_their_selects_change_them(tmp_path):
    require_chromium()
    theme.enable()
    cap, cov = resources.capacity(), resources.language_coverage()
    charts = [
        rc.moderators_dot_plot(cap),
        rc.language_heatmap(cov, period="H2 2025"),
        rc.language_gap_chart(cov, period="H2 2025"),
    ]
    page = browsercheck.chart_page(charts, tmp_path / "charts.html")
    report = browsercheck.inspect(page, interact=_change_each_select)
    assert report.ok, report
    assert report.views == 3
    assert report.extra["changed"] == [True, True, True]
