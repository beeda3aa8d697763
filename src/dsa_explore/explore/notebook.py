"""Notebook setup: one call at the top of every notebook.

``setup()`` enables the house chart theme and, when JupyterLab was started by ``make lab``
(``DSA_EXPLORE_OFFLINE_JS=1``), emits the Vega/Vega-Lite/vega-embed JavaScript bundle once as an
HTML output so charts draw with no internet access. Under nbval and in briefings it emits
nothing (briefings inline the bundle through their own template).
"""

from __future__ import annotations

import os


def vega_bundle_script() -> str:
    """Return an HTML ``<script>`` holding the vega-embed bundle and the VEGA_DEBUG versions Altair checks."""
    import altair as alt
    import vl_convert as vlc

    bundle = vlc.javascript_bundle()
    versions = (f'var VEGA_DEBUG = (typeof VEGA_DEBUG == "undefined") ? {{}} : VEGA_DEBUG;\n'
                f'VEGA_DEBUG["vega_version"] = "{alt.VEGA_VERSION}";\n'
                f'VEGA_DEBUG["vegalite_version"] = "{alt.VEGALITE_VERSION}";\n'
                f'VEGA_DEBUG["vegaembed_version"] = "{alt.VEGAEMBED_VERSION}";\n')
    # The bundle is an ES module exporting vegaEmbed; expose it as a global inside an IIFE.
    return ("<script type=\"text/javascript\">\n" + versions +
            "(function(){\n" + bundle.replace("</script", "<\\/script") + "\n})();\n</script>")


def setup(offline: bool | None = None) -> None:
    """Enable the house theme; in JupyterLab started offline, load the chart JavaScript once."""
    from dsa_explore.charts import render, theme

    theme.enable()
    render.enable()
    if offline is None:
        offline = os.environ.get("DSA_EXPLORE_OFFLINE_JS") == "1"
    if offline:
        from IPython.display import HTML, display

        display(HTML(vega_bundle_script()))
