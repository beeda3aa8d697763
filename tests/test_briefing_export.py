"""The exported briefing must be one offline file that renders every chart in a real browser.

Builds the briefing through the same code path as `make briefing`, then opens it in headless
Chromium with every host unresolvable and counts rendered Vega views against the charts.
"""

from __future__ import annotations

import re
import subprocess
import sys

import nbformat
import pytest

from dsa_explore import __version__
from dsa_explore.briefing import browsercheck, export
from dsa_explore.charts import render
from dsa_explore.core import errors, paths
from tests.conftest import require_chromium


def test_briefing_has_no_code_no_prompts_and_no_exploration_cells(built_briefings):
    html = built_briefings["AliExpress"].read_text()
    assert 'class="jp-CodeMirrorEditor' not in html and "hl-ipython3" not in html  # no code cells
    assert 'class="jp-InputPrompt' not in html and 'class="jp-OutputPrompt' not in html
    assert "Briefing(PLATFORM)" not in html
    assert "<h1>DSA compliance briefing: AliExpress</h1>" in html


def test_briefing_inlines_the_chart_javascript_once_and_loads_nothing(built_briefings):
    html = built_briefings["AliExpress"].read_text()
    assert html.count("window.vegaEmbed=") == 1
    assert "require.min.js" not in html and "requirejs" not in html.split("window.vegaEmbed=")[0][-2000:]
    assert not re.search(r"<script[^>]+src=", html), "no external scripts"
    assert not re.search(r"<link[^>]+href=\"https?:", html), "no external stylesheets"
    assert built_briefings["AliExpress"].stat().st_size < 3_000_000


def test_briefing_and_chart_pages_inline_the_one_vega_script(built_briefings, tmp_path):
    # One builder (charts.render.vega_script) serves the exported briefing and the browser-check pages.
    script = render.vega_script()
    assert built_briefings["AliExpress"].read_text().count(script) == 1
    spec = {"mark": "point", "data": {"values": [{"a": 1}]}, "encoding": {"x": {"field": "a"}}}
    page = browsercheck.chart_page([spec], tmp_path / "page.html").read_text()
    assert page.count(script) == 1


def test_vega_script_escapes_script_end_tags_in_the_bundle(monkeypatch):
    import altair as alt
    import vl_convert

    monkeypatch.setattr(
        vl_convert, "javascript_bundle", lambda: 'var s = "</script><script>alert(1)</SCRIPT>";'
    )
    script = render.vega_script()
    assert script.startswith('<script type="text/javascript">\n') and script.endswith("\n})();\n</script>")
    assert script.count("</script") == 1, "only the element's own end tag"
    assert 'var s = "<\\/script><script>alert(1)<\\/SCRIPT>";' in script
    assert script.lower().count("</script") == 1, "end tags are case-insensitive in HTML"
    assert f'"vegalite_version": "{alt.VEGALITE_VERSION}"' in script


def test_briefing_footer_stamps_date_version_and_dataset_versions(built_briefings):
    html = built_briefings["AliExpress"].read_text()
    footer = html[html.index('<footer class="dsa-footer"') :]
    assert re.search(r"Built \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", footer)
    assert f"dsa-explore {__version__}" in footer
    assert "facts v" in footer


def test_every_chart_renders_offline_in_chromium(built_briefings):
    require_chromium()
    for platform, path in built_briefings.items():
        report = browsercheck.inspect(path)
        assert report.charts >= 1, platform
        assert report.views == report.charts, f"{platform}: {report.views} rendered of {report.charts} charts"
        assert report.console_errors == [] and report.page_errors == [], platform
        assert report.requests == [], f"{platform} tried the network: {report.requests[:3]}"


def test_exploration_only_cells_exist_in_notebooks_but_not_in_briefings():
    nb = nbformat.read(paths.notebooks_dir() / "00-overview.ipynb", as_version=4)
    tagged = [c for c in nb.cells if export.EXPLORATION_TAG in c.metadata.get("tags", [])]
    assert tagged, "the overview keeps its ipywidgets explorer in an exploration-only cell"
    assert all("nbval-ignore-output" in c.metadata["tags"] for c in tagged)
    exported = export.export_html(nb, "AliExpress")
    assert "penalty_explorer" not in exported and "hl-ipython3" not in exported
    assert "What is at stake?" in exported  # markdown cells stay


def test_unknown_platform_lists_the_known_ones():
    with pytest.raises(errors.UnknownPlatformError, match="known platforms: AliExpress, Temu"):
        export.build("Wish")
    result = subprocess.run(
        [sys.executable, "-m", "dsa_explore.cli", "briefing", "--platform", "Wish"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "unknown platform 'Wish'" in result.stderr and "AliExpress" in result.stderr
