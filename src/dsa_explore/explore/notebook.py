"""Notebook setup: one call at the top of every notebook.

``setup()`` enables the house chart theme and the project's renderer. Charts then come out as
Vega specs that JupyterLab's built-in renderer draws from its own files, on opening (trusted or
not, no kernel, no network) and after every re-run; nothing is written into the notebook but the
chart itself (see ``docs/jupyterlab.md``).
"""

from __future__ import annotations


def setup() -> None:
    """Enable the house theme, the renderer JupyterLab draws offline with no kernel, and readable tables."""
    import polars as pl

    from dsa_explore.charts import render, theme
    from dsa_explore.explore import tables

    theme.enable()
    render.enable()
    pl.Config.set_tbl_rows(tables.MAX_ROWS)  # never polars' 10-row cut (02's capacity table has 15 rows)
    tables.register()  # every frame's HTML through the one number formatter
