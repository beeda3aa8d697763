"""Chart of DSA penalty ceilings with sliders for turnover and days (works in exported HTML)."""

from __future__ import annotations

import altair as alt
import polars as pl

from dsa_explore.charts import titled

#: The source line every chart of this module carries (``titled(..., source=...)``).
SOURCE = "Source: DSA (Regulation (EU) 2022/2065) Art. 74 and 76 ceilings; turnover as shown"


def _titled(*args, **kwargs):
    """``titled`` with this module's source line."""
    return titled(*args, **{"source": SOURCE, **kwargs})


def exposure_chart(
    turnover: float, currency_unit: str, *, title: str, group: str, rules: pl.DataFrame, days: int = 30
) -> alt.Chart:
    """Return a bar chart of maximum amounts per article, driven by turnover and days sliders.

    The amounts are computed in the browser from Altair params, so the sliders work in an
    exported briefing with no kernel. ``rules`` is the frame of
    :func:`dsa_explore.analysis.penalties.penalty_rules` (article, what, max_share).
    """
    rules = rules.select("article", "what", "max_share")
    hi = max(turnover * 3, 1.0)
    turnover_param = alt.param(
        name="turnover",
        value=turnover,
        bind=alt.binding_range(
            min=0, max=round(hi), step=max(round(hi / 300), 1), name=f"Annual turnover ({currency_unit}) "
        ),
    )
    days_param = alt.param(
        name="days",
        value=days,
        bind=alt.binding_range(min=1, max=365, step=1, name="Days of periodic penalties "),
    )
    return (
        alt.Chart(
            rules,
            title=_titled(title, subtitle=f"Default turnover: {group}; amounts in {currency_unit}"),
            description="Bar chart of the maximum DSA fine per article for the selected turnover and days",
            width=520,
            height=140,
        )
        .mark_bar()
        .encode(
            y=alt.Y("article:N", title=None, sort=None),
            x=alt.X("max_amount:Q", title=f"maximum amount ({currency_unit})"),
            tooltip=[
                alt.Tooltip("article:N"),
                alt.Tooltip("what:N"),
                alt.Tooltip("max_share:Q", format=".0%"),
                alt.Tooltip("max_amount:Q", format=",.0f", title=f"maximum ({currency_unit})"),
            ],
            color=alt.Color("article:N", legend=None),
        )
        .transform_calculate(
            max_amount=(
                "datum.article === 'Art. 76' ? datum.max_share * turnover / 365 * days "
                ": datum.max_share * turnover"
            )
        )
        .add_params(turnover_param, days_param)
    )
