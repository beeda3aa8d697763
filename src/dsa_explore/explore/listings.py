"""Listing-sample explorer (ipywidgets, JupyterLab only): wiring around tested plain functions."""

from __future__ import annotations

import polars as pl

from dsa_explore.analysis.listings import ESTIMANDS, explorer_table, is_synthetic
from dsa_explore.explore.box import Explorer
from dsa_explore.explore.tables import Table
from dsa_explore.readers.listings import LABEL_COLUMNS


def explorer(sample: pl.DataFrame):
    """Return an ipywidgets explorer (platform, label, estimand → table) for JupyterLab; not for briefings."""
    import ipywidgets as widgets
    from IPython.display import display

    platform = widgets.Dropdown(options=sorted(sample["platform"].unique().to_list()), description="platform")
    label = widgets.Dropdown(options=list(LABEL_COLUMNS), description="label")
    estimand = widgets.Dropdown(options=list(ESTIMANDS), value="listing", description="estimand")
    out = widgets.Output()

    def refresh(_change=None) -> None:
        out.clear_output()
        with out, pl.Config(tbl_rows=20, tbl_width_chars=160, fmt_str_lengths=80):
            display(
                Table(
                    explorer_table(sample, platform.value, label.value, estimand.value),
                    synthetic=is_synthetic(sample),
                )
            )

    for w in (platform, label, estimand):
        w.observe(refresh, names="value")
    refresh()
    return Explorer(
        [widgets.HBox([platform, label, estimand]), out],
        title="prevalence by platform, label and estimand",
        synthetic=is_synthetic(sample),
    )
