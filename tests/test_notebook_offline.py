"""Charts must draw in JupyterLab without internet: `make lab` sets DSA_EXPLORE_OFFLINE_JS=1 and
`notebook.setup()` then emits the Vega bundle once; the safe renderer uses it instead of a CDN.

Checked in headless Chromium with every host unresolvable, on a page made of exactly the HTML
outputs a notebook cell would produce.
"""

from __future__ import annotations

import polars as pl

from dsa_explore import charts
from dsa_explore.briefing import browsercheck
from dsa_explore.charts import render
from dsa_explore.explore import notebook
from tests.conftest import require_chromium


def test_setup_emits_the_bundle_only_when_asked(monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell  # noqa: F401 - IPython is there for display()

    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    monkeypatch.delenv("DSA_EXPLORE_OFFLINE_JS", raising=False)
    notebook.setup()
    assert shown == []
    monkeypatch.setenv("DSA_EXPLORE_OFFLINE_JS", "1")
    notebook.setup()
    assert len(shown) == 1 and "window.vegaEmbed=" in shown[0].data


def test_notebook_outputs_draw_offline(tmp_path):
    require_chromium()
    frame = pl.DataFrame({"platform": ["AliExpress", "Temu", "Amazon Store"], "n": [3, 1, 2]})
    chart = charts.bar_chart(frame, "platform", "n", title="Test chart", description="three bars")
    report = browsercheck.inspect(browsercheck.chart_page([chart], tmp_path / "cells.html"))
    assert (report.charts, report.views) == (1, 1)
    assert report.requests == [] and report.console_errors == [] and report.page_errors == []


def test_without_the_bundle_the_renderer_reports_instead_of_failing_silently(tmp_path):
    require_chromium()
    frame = pl.DataFrame({"x": ["a"], "n": [1]})
    chart = charts.bar_chart(frame, "x", "n", title="t", description="d")
    page = tmp_path / "nobundle.html"
    page.write_text("<!DOCTYPE html><html><body>" + render.chart_html(chart.to_dict()) + "</body></html>")
    report = browsercheck.inspect(page, timeout_ms=3000)
    assert report.views == 0
    assert report.requests, "it tried the CDN (and was refused, since no host resolves)"
