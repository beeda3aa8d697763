"""ipywidgets explorers for JupyterLab (left out of briefings: widgets need a kernel).

Callbacks are plain functions of values, testable without a browser; the ``*_explorer``
functions only wire them to controls.
"""

from __future__ import annotations

from dsa_explore.analysis import penalties
from dsa_explore.core import formatting
from dsa_explore.explore.box import Explorer


def penalty_summary(turnover: float, days: int, currency_unit: str) -> str:
    """Return the text the penalty explorer shows for a turnover and a number of days."""
    table = penalties.penalty_exposure(turnover, days)
    lines = []
    for row in table.iter_rows(named=True):
        suffix = f" for {days} days" if row["article"] == "Art. 76" else ""
        lines.append(
            f"{row['article']} ({row['what']}, {row['max_share']:.0%}){suffix}: "
            f"up to {formatting.amount(row['max_amount'], currency_unit)}"
        )
    return "\n".join(lines)


def penalty_explorer(turnover: float | None = None, currency_unit: str = "million RMB"):
    """Return a widget to change turnover and days and read the penalty ceilings."""
    import ipywidgets as w

    if turnover is None:
        default = penalties.default_turnover("AliExpress")
        turnover, currency_unit = default.amount, default.currency_unit
    turnover_box = w.FloatText(
        value=turnover, description=f"Turnover ({currency_unit})", style={"description_width": "initial"}
    )
    days_slider = w.IntSlider(value=30, min=1, max=365, description="Days")
    out = w.Output()

    def refresh(*_):
        out.clear_output()
        with out:
            print(penalty_summary(max(turnover_box.value, 0.0), days_slider.value, currency_unit))

    turnover_box.observe(refresh, names="value")
    days_slider.observe(refresh, names="value")
    refresh()
    return Explorer(
        [turnover_box, days_slider, out], title="penalty ceilings for a turnover and a number of days"
    )
