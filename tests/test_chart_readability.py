"""Readability of charts named in issue 18 item 7: stated scales, titles that fit, no made-up positions.

Checked on the Vega-Lite spec (``chart.to_dict()``) and on Vega's own layout (vl-convert scene graph).
"""

from __future__ import annotations

import polars as pl

from dsa_explore.charts import links as link_charts


def _lines(subtitle):
    return subtitle if isinstance(subtitle, list) else [subtitle]


def test_hop_bars_state_their_symlog_scale():
    # Two seed groups, counts typed in by hand.
    hops = pl.DataFrame({"seed_category": ["listing", "listing", "search", "search"],
                         "hops": ["1", "not within 4", "1", "not within 4"], "hops_order": [1, 5, 1, 5],
                         "seeds": [3, 400, 1, 250], "share": [0.0074, 0.9926, 0.004, 0.996]})
    spec = link_charts.hop_distribution_chart(hops).to_dict()
    y = spec["encoding"]["y"]
    if y.get("scale", {}).get("type") not in (None, "linear"):
        assert y["scale"]["type"] in y["title"], y["title"]
        assert any("symlog" in line for line in _lines(spec["title"]["subtitle"]))
