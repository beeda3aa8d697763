"""Every chart output committed in the notebooks (issue 18).

A Vega spec JupyterLab draws itself, no script, no CDN, a source line, readable tooltips, SYNTHETIC in the
tooltips of synthetic charts, and no bundle or placeholder bloat in the file. Reads the committed files; no
kernel, no browser.
"""

from __future__ import annotations

import json

import pytest

from dsa_explore.core import paths

NOTEBOOKS = sorted(paths.notebooks_dir().glob("*.ipynb"))
VEGA = "application/vnd.vega.v5+json"


def _charts(nb_path):
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            if VEGA in out.get("data", {}):
                yield i, out


def _title(vega: dict) -> dict:
    title = vega.get("title")
    if isinstance(title, dict):
        return title
    for mark in vega.get("marks", []):  # concatenated views keep the title on their group
        if isinstance(mark.get("title"), dict):
            return mark["title"]
    return {}


def _tooltips(node):
    if isinstance(node, dict):
        tip = node.get("tooltip")
        if isinstance(tip, dict) and isinstance(tip.get("signal"), str):
            yield tip["signal"]
        for value in node.values():
            yield from _tooltips(value)
    elif isinstance(node, list):
        for value in node:
            yield from _tooltips(value)


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_chart_outputs_are_vega_specs_with_a_source_line(nb_path):
    problems = []
    for i, out in _charts(nb_path):
        data = out["data"]
        if "text/html" in data or "cdn.jsdelivr" in json.dumps(data):
            problems.append(f"cell {i}: HTML/script or CDN reference in a chart output")
        subtitle = _title(data[VEGA]).get("subtitle")
        lines = subtitle if isinstance(subtitle, list) else [subtitle or ""]
        if not any(str(line).startswith("Source") for line in lines):
            problems.append(f"cell {i}: chart {_title(data[VEGA]).get('text')!r} has no 'Source: ...' line")
        if len(data.get("image/png", "")) > 200:
            problems.append(
                f"cell {i}: a real PNG ({len(data['image/png']):,} chars) stored next to the chart"
            )
    assert not problems, f"{nb_path.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_tooltips_are_readable_and_mark_synthetic_data(nb_path):
    problems = []
    for i, out in _charts(nb_path):
        vega = out["data"][VEGA]
        synthetic = "SYNTHETIC" in json.dumps(_title(vega).get("text", ""))
        for signal in _tooltips(vega):
            if ', "")' in signal:
                problems.append(f"cell {i}: unformatted number in a tooltip: {signal[:120]}")
            if synthetic and '"data": "SYNTHETIC DATA"' not in signal:
                problems.append(f"cell {i}: a synthetic chart's tooltip lacks SYNTHETIC DATA")
    assert not problems, f"{nb_path.name}:\n" + "\n".join(problems[:10])


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_metadata_is_what_jupyterlab_writes(nb_path):
    """JupyterLab rewrites a differing kernelspec on opening, marking the notebook modified (problem 4)."""
    meta = json.loads(nb_path.read_text(encoding="utf-8"))["metadata"]
    assert meta.get("kernelspec") == {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
