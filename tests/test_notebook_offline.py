"""Chart outputs.

Vega specs JupyterLab draws itself (no bundle in the notebook), HTML with an inlined bundle for exported
pages, and never a CDN.

Pages are checked in headless Chromium with every host unresolvable; the JupyterLab side is
checked end to end in ``test_jupyterlab_browser.py``.
"""

from __future__ import annotations

import polars as pl

from dsa_explore import charts
from dsa_explore.briefing import browsercheck
from dsa_explore.charts import render
from dsa_explore.explore import notebook
from tests.conftest import require_chromium


def test_setup_writes_nothing_into_the_notebook(monkeypatch):
    """The old setup cell wrote the ~0.9 MB bundle into every notebook on save (issue 18, problem 4)."""
    from IPython.core.interactiveshell import InteractiveShell  # noqa: F401 - IPython is there for display()

    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *objs, **kw: shown.extend(objs))
    monkeypatch.setenv("DSA_EXPLORE_OFFLINE_JS", "1")  # what the old `make lab` set
    notebook.setup()
    assert shown == []


def test_chart_output_is_a_vega_spec_with_a_placeholder_png():
    """JupyterLab draws the Vega mimetype itself; the 1x1 PNG stops it writing a screenshot into the file."""
    import base64

    frame = pl.DataFrame({"platform": ["AliExpress", "Temu"], "n": [3, 1]})
    chart = charts.bar_chart(frame, "platform", "n", title="Two bars", description="two bars")
    data, metadata = render.mimebundle(chart.to_dict())
    assert set(data) == {render.VEGA_MIME, "image/png", "text/plain"}
    assert "text/html" not in data  # no script for JupyterLab to refuse in untrusted notebooks
    png = base64.b64decode(data["image/png"])
    assert png.startswith(b"\x89PNG") and len(png) < 100
    assert data[render.VEGA_MIME]["$schema"].endswith("/vega/v5.json")
    values = [v for d in data[render.VEGA_MIME]["data"] for v in d.get("values", [])]
    assert {"platform": "Temu", "n": 1} in values
    assert metadata[render.VEGA_MIME]["embed_options"]["renderer"] == "svg"


def test_sliders_and_menus_become_keyboard_operable_and_are_restored_for_export():
    import altair as alt

    frame = pl.DataFrame({"x": ["a", "b"], "n": [1, 2]})
    k = alt.param(name="k", value=2, bind=alt.binding_range(min=1, max=4, step=1, name="k "))
    pick = alt.param(name="pick", value="a", bind=alt.binding_select(options=["a", "b"], name="pick "))
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(x="x:N", y="n:Q")
        .add_params(k, pick)
        .transform_filter("datum.n <= k")
    )
    vega = render.vega_spec(chart.to_dict())
    binds = {s["name"]: s.get("bind") for s in vega["signals"]}
    assert binds["k_typed"]["input"] == "number" and binds["k_typed"][render.SUPPRESS_SHORTCUTS] == "true"
    assert (binds["k_typed"]["min"], binds["k_typed"]["max"]) == (1, 4)
    assert next(s for s in vega["signals"] if s["name"] == "k")["update"] == "clamp(toNumber(k_typed), 1, 4)"
    assert binds["pick"]["input"] == "select"
    restored = {s["name"]: s.get("bind") for s in render.restore_bindings(vega)["signals"]}
    assert restored["k"]["input"] == "range" and restored["pick"]["input"] == "select"
    assert "k_typed" not in restored


def test_notebook_outputs_draw_offline(tmp_path):
    require_chromium()
    frame = pl.DataFrame({"platform": ["AliExpress", "Temu", "Amazon Store"], "n": [3, 1, 2]})
    chart = charts.bar_chart(frame, "platform", "n", title="Test chart", description="three bars")
    report = browsercheck.inspect(browsercheck.chart_page([chart], tmp_path / "cells.html"))
    assert (report.charts, report.views) == (1, 1)
    assert report.requests == [] and report.console_errors == [] and report.page_errors == []


def test_without_the_bundle_the_renderer_says_so_and_fetches_nothing(tmp_path):
    """No CDN fallback (issue 18, problem 3): a page without the libraries says so, requests nothing."""
    require_chromium()
    frame = pl.DataFrame({"x": ["a"], "n": [1]})
    chart = charts.bar_chart(frame, "x", "n", title="t", description="d")
    page = tmp_path / "nobundle.html"
    page.write_text("<!DOCTYPE html><html><body>" + render.chart_html(chart.to_dict()) + "</body></html>")
    report = browsercheck.inspect(page, timeout_ms=3000)
    assert report.views == 0
    assert report.requests == []
    assert "cdn.jsdelivr" not in page.read_text()
