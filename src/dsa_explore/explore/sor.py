"""Statements-of-reasons explorer (ipywidgets, JupyterLab only)."""

from __future__ import annotations

import polars as pl

from dsa_explore.analysis.sor import month_end, platform_profile, volumes
from dsa_explore.explore.box import Explorer
from dsa_explore.explore.tables import MARK_COLUMN, SYNTHETIC_MARK, Table


def explorer(extract: pl.DataFrame, platform: str = "AliExpress", *, synthetic: bool = False):
    """Return an ipywidgets explorer: a platform menu and a month range showing :func:`platform_profile`.

    ``synthetic`` (the view's SYNTHETIC flag) marks the table SYNTHETIC DATA and its title.
    """
    import ipywidgets as widgets
    from IPython.display import display

    months = volumes(extract, "1mo")["period"].unique().sort().to_list()
    names = sorted(extract["platform"].unique().to_list())
    menu = widgets.Dropdown(
        options=names, value=platform if platform in names else names[0], description="Platform"
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
            profile = platform_profile(extract, menu.value, since=since, until=month_end(until))
            if synthetic:
                profile = profile.select(pl.lit(SYNTHETIC_MARK).alias(MARK_COLUMN), pl.all())
            display(Table(profile, synthetic=synthetic))

    menu.observe(refresh, names="value")
    period.observe(refresh, names="value")
    refresh()
    title = "a platform's statements of reasons over chosen months"
    return Explorer([menu, period, out], title=title + (" [SYNTHETIC DATA]" if synthetic else ""))
