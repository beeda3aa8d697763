"""Notebook setup: one call at the top of every notebook.

``setup()`` enables the house chart theme and the project's renderer. Charts then come out as
Vega specs that JupyterLab's built-in renderer draws from its own files, on opening (trusted or
not, no kernel, no network) and after every re-run; nothing is written into the notebook but the
chart itself (see ``docs/jupyterlab.md``).
"""

from __future__ import annotations


def vega_bundle_script() -> str:
    """Return an HTML ``<script>`` holding the vega-embed bundle and the VEGA_DEBUG versions Altair checks.

    For standalone pages (``browsercheck.chart_page``); notebooks do not need it.
    """
    import altair as alt
    import vl_convert as vlc

    bundle = vlc.javascript_bundle()
    versions = (
        f'var VEGA_DEBUG = (typeof VEGA_DEBUG == "undefined") ? {{}} : VEGA_DEBUG;\n'
        f'VEGA_DEBUG["vega_version"] = "{alt.VEGA_VERSION}";\n'
        f'VEGA_DEBUG["vegalite_version"] = "{alt.VEGALITE_VERSION}";\n'
        f'VEGA_DEBUG["vegaembed_version"] = "{alt.VEGAEMBED_VERSION}";\n'
    )
    # The bundle is an ES module exporting vegaEmbed; expose it as a global inside an IIFE.
    return (
        '<script type="text/javascript">\n'
        + versions
        + "(function(){\n"
        + bundle.replace("</script", "<\\/script")
        + "\n})();\n</script>"
    )


def setup() -> None:
    """Enable the house theme, the renderer JupyterLab draws with no kernel and no network, and readable tables."""
    import polars as pl

    from dsa_explore.charts import render, theme
    from dsa_explore.explore import tables

    theme.enable()
    render.enable()
    pl.Config.set_tbl_rows(tables.MAX_ROWS)  # never polars' 10-row cut (02's capacity table has 15 rows)
    tables.register()  # every frame's HTML through the one number formatter
