"""Chart tooltips print numbers as the tables do (issue 18: one number formatter for tables and tooltips).

The tooltip expression is evaluated by Vega itself (vl-convert renders a text mark with it), and the
expected strings are written out by hand from the table formatter's documented rules.
"""

from __future__ import annotations

import json
import re

import vl_convert as vlc

from dsa_explore.charts import render
from dsa_explore.core.formatting import cell, vega_number

VALUES = [0.0049, 14660278.73, 5.44, 0.5, 2024, 0, None, 12345, 0.158368]


def _printed(column: str) -> list[str]:
    spec = {
        "$schema": "https://vega.github.io/schema/vega/v6.json",
        "width": 200,
        "height": 20 * len(VALUES),
        "data": [{"name": "t", "values": [{"i": i, "x": v} for i, v in enumerate(VALUES)]}],
        "marks": [
            {
                "type": "text",
                "from": {"data": "t"},
                "encode": {
                    "enter": {
                        "x": {"value": 10},
                        "y": {"signal": "datum.i * 20 + 15"},
                        "text": {"signal": vega_number('datum["x"]', column)},
                    }
                },
            }
        ],
    }
    svg = vlc.vega_to_svg(json.dumps(spec))
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_numbers_in_tooltips_read_as_in_tables():
    printed = _printed("notices")
    assert printed == ["0.0049", "14,660,279", "5.4", "0.50", "2024", "0", "–", "12,345", "0.16"]
    assert printed == [cell(v, "notices") for v in VALUES]


def test_a_small_non_zero_value_never_reads_zero():
    assert _printed("notices")[0] == "0.0049"  # ",.2~f" printed "0" here


def test_shares_in_tooltips_are_percentages():
    assert _printed("automated_share")[-1] == "15.8%"
    assert _printed("automated_share")[6] == "–"


def test_unformatted_tooltip_fields_get_the_one_formatter():
    signal = '{"notices_per_moderator": format(datum["notices_per_moderator"], "")}'
    out = render._tooltip_signal(signal, synthetic=False)
    assert '"notices per moderator":' in out
    assert ', "")' not in out and 'format(datum["notices_per_moderator"], ".2r")' in out
