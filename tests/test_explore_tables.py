"""Tables as the reader sees them (issue 18): one number formatter, every row, SYNTHETIC on synthetic rows.

The raw values are the ones the issue quotes from explorers (``1.7678525e7`` next to ``14,660,278.73``,
shares as ``0.158368``) and 02's capacity table cut to 10 of 15 rows.
"""

from __future__ import annotations

import polars as pl

from dsa_explore.core import formatting
from dsa_explore.explore import tables
from dsa_explore.explore.box import Explorer


def test_cells_use_one_format():
    assert formatting.cell(1.7678525e7, "users") == "17,678,525"
    assert formatting.cell(14660278.73, "users") == "14,660,279"
    assert formatting.cell(0.158368, "share") == "16%"
    assert formatting.cell(0.042, "share") == "4.2%"
    assert formatting.cell(2024, "year") == "2024"
    assert formatting.cell(None, "x") == "–"


def test_frame_html_shows_every_row_formatted_and_escaped():
    frame = pl.DataFrame(
        {
            "platform": [f"<b>p{i}</b>" for i in range(15)],
            "users": [1.7678525e7] * 15,
            "share": [0.158368] * 15,
        }
    )
    html = tables.frame_html(frame)
    assert html.count("<tr>") == 16  # header + all 15 rows
    assert "17,678,525" in html and "16%" in html and "1.7678525e7" not in html
    assert "&lt;b&gt;p0&lt;/b&gt;" in html and "<b>p0</b>" not in html
    assert "SYNTHETIC" not in html


def test_synthetic_tables_and_explorers_say_so():
    frame = pl.DataFrame({"seller": ["zalando:S001"], "score": [21]})
    assert tables.SYNTHETIC_CAPTION in tables.frame_html(frame, synthetic=True)
    assert repr(tables.Table(frame, synthetic=True)).startswith("[SYNTHETIC DATA]")
    box = Explorer([], title="top risky sellers", synthetic=True)
    assert "SYNTHETIC DATA" in box.children[0].value
    assert "needs a running kernel" in repr(box) and "VBox(children" not in repr(box)
