"""Statements-of-reasons explorer (ipywidgets, JupyterLab only)."""

from __future__ import annotations

import polars as pl

from dsa_explore.analysis.sor import month_end, platform_profile, volumes
from dsa_explore.explore.box import Explorer
from dsa_explore.explore.tables import Table


def explorer(extract: pl.DataFrame, platform: str = "AliExpress"):
    """Return an ipywidgets explorer: a platform menu and a month range showing :func:`platform_profile`."""
    import ipywidgets as widgets
    from IPython.display import display

    months = volumes(extract, "1mo")["period"].unique().sort().to_list()
    menu = widgets.Dropdown(
        options=sorted(extract["platform"].unique().to_list()), value=platform, description="Platform"
    )
    period = widgets.SelectionRangeSlider(
        options=[(m.strftime("%Y-%m"), m) for m in months],
        index=(0, len(months) - 1),
        description="Months",
        layout={"width": "600px"},
    )
    out = widgets.Output()

    def refresh(_=None):
        out.clear_output(wait=True)
        with out:
            since, until = period.value
            display(Table(platform_profile(extract, menu.value, since=since, until=month_end(until))))

    menu.observe(refresh, names="value")
    period.observe(refresh, names="value")
    refresh()
    return Explorer([menu, period, out], title="a platform's statements of reasons over chosen months")
