"""The committed notebooks' tables say SYNTHETIC exactly where their rows come from synthetic data.

Issue 18 item 8: tables of synthetic results in 01, 03 and 04 showed real platform names with no
marker, and looked like evidence when copied. Reads the committed outputs; no kernel.

A table of synthetic rows must show the leading ``data`` column reading ``SYNTHETIC`` (in its HTML and
its plain-text form) and the SYNTHETIC DATA caption; a table of real data must not say SYNTHETIC.

The "From your own captures" cells (tagged ``from-your-own-captures``) read two captures: the shipped
capture of the MADE-UP mock marketplace (``mock``, synthetic: its tables must be marked) and Webrecorder's
real WARC of example.com (``real``: never marked); the list of both files says per file which is synthetic.
"""

from __future__ import annotations

import json

import pytest

from dsa_explore.core import paths

#: Per notebook: whether its result tables are synthetic by default, and the cells (by the start of
#: their source) that show the other kind, with the reason.
RULES = {
    "01-listing-samples": (
        True,
        {
            "methods, answer, check = v.small_study_uncertainty(": "TIE 2024's published counts (real)",
        },
    ),
    "03-risk-indicators": (True, {"risk.indicator_table()": "the indicator definitions (no data)"}),
    "04-hidden-links": (True, {}),
    "02-moderation-resources": (False, {}),
    "05-statements-of-reasons": (False, {}),
    "06-dangerous-products": (False, {"display(sgv.matcher_comparison(alerts))": "synthetic listings"}),
    "07-notices-and-actions": (False, {}),
    # the shipped store of 08 is built from SYNTHETIC dumps (issue 18; notebook 05 with a store: nb05)
    "08-statement-texts": (True, {}),
}
#: Capture cells show the mock marketplace's (synthetic) capture, but for these (by their start).
CAPTURE_TAG = "from-your-own-captures"
CAPTURE_REAL = {
    "from dsa_explore.analysis import capture_evidence": "the list of capture files (mock and real)",
    "real.": "Webrecorder's real WARC of example.com",
}
#: The notebooks with capture cells.
CAPTURE_NOTEBOOKS = ("01-listing-samples", "03-risk-indicators", "04-hidden-links")


def _table_outputs(name, captures=False):
    nb = json.loads((paths.notebooks_dir() / f"{name}.ipynb").read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code" or (CAPTURE_TAG in cell["metadata"].get("tags", [])) != captures:
            continue
        source = "".join(cell["source"])
        for out in cell.get("outputs", []):
            html = "".join(out.get("data", {}).get("text/html", ""))
            if "<table" in html:
                yield i, source, html, "".join(out["data"].get("text/plain", ""))


def _marked(html: str, text: str) -> bool:
    return (
        '<th scope="col">data</th>' in html
        and "<td>SYNTHETIC</td>" in html
        and 'class="synthetic"' in html
        and "SYNTHETIC" in text
    )


@pytest.mark.parametrize("name", sorted(RULES))
def test_tables_say_synthetic_exactly_where_their_rows_are(name):
    synthetic_by_default, exceptions = RULES[name]
    problems, seen = [], set()
    tables = list(_table_outputs(name))
    assert tables, f"{name}: no table output found"
    for i, source, html, text in tables:
        other = next((start for start in exceptions if source.startswith(start)), None)
        seen.add(other)
        synthetic = synthetic_by_default != (other is not None)
        if synthetic and not _marked(html, text):
            problems.append(f"cell {i}: synthetic rows without the SYNTHETIC column: {source[:60]!r}")
        if not synthetic and "SYNTHETIC" in html + text:
            problems.append(f"cell {i}: real rows marked SYNTHETIC: {source[:60]!r}")
    missing = set(exceptions) - seen
    assert not missing, f"{name}: the cells {sorted(missing)} are gone; update RULES"
    assert not problems, f"{name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", CAPTURE_NOTEBOOKS)
def test_capture_tables_say_synthetic_for_the_mock_capture_only(name):
    problems, seen, synthetic_tables = [], set(), 0
    tables = list(_table_outputs(name, captures=True))
    assert tables, f"{name}: no capture table found"
    for i, source, html, text in tables:
        real = next((start for start in CAPTURE_REAL if source.startswith(start)), None)
        seen.add(real)
        if real is None:
            synthetic_tables += 1
            if not _marked(html, text):
                problems.append(f"cell {i}: mock-capture rows without the SYNTHETIC column: {source[:60]!r}")
        elif "SYNTHETIC" in html + text:
            problems.append(f"cell {i}: {CAPTURE_REAL[real]} marked SYNTHETIC: {source[:60]!r}")
    assert synthetic_tables >= 2, f"{name}: only {synthetic_tables} mock-capture table(s)"
    assert "from dsa_explore.analysis import capture_evidence" in seen, (
        f"{name}: the capture file list is gone"
    )
    assert not problems, f"{name}:\n" + "\n".join(problems)
