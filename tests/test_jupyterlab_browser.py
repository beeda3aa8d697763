"""The notebooks as an analyst meets them in JupyterLab: real Chromium, a real JupyterLab server, no internet.

Why: every earlier check looked for an SVG and passed empty charts, blank untrusted outputs,
CDN requests and controls that changed nothing. This suite opens every notebook in ``notebooks/``
(whatever notebooks exist) once, in a JupyterLab server it starts on 127.0.0.1 (random port,
token, its own runtime/config/settings folders, a temporary copy of the notebooks), and checks:

- before running (untrusted, no kernel output yet): every chart output has marks of non-zero size;
- the notebook is not marked modified on opening (stable kernel metadata, no renderer rewrites);
- after Run All: no errors, every chart drawn, every explorer a live widget (not ``VBox(children=...)``);
- every chart parameter (operated with the KEYBOARD, as a keyboard user would) and every widget
  control changes what is displayed;
- after saving, the notebook's size changed by at most a few KB and its outputs are the ones nbval
  compares against; nbval passes on a saved copy;
- after a reload, a trust, and re-running one chart cell, every chart is still drawn;
- every request the page made went to the local server.

The notebooks are driven in two halves (:class:`TestLabHalfA`, :class:`TestLabHalfB`), each by one
class fixture with its own server and browser session (the scenario is what costs time: ~25 s a
notebook on 2 cores): ``make test`` runs pytest with ``-n auto --dist loadscope``, so the two halves
run on two workers at once. The tests read the fixture's findings, one test per check per notebook,
each failure naming the notebook and the cell.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dsa_explore.core import paths
from tests import labharness as H
from tests.conftest import require_chromium

#: Every notebook there is (``DSA_LAB_NOTEBOOKS=01-listing-samples,05-...`` narrows a run by hand).
NOTEBOOKS = sorted(
    p
    for p in paths.notebooks_dir().glob("*.ipynb")
    if p.stem in os.environ.get("DSA_LAB_NOTEBOOKS", p.stem).split(",")
)
VEGA = "application/vnd.vega.v5+json"
#: How much a save after Run All may change a notebook's size (bytes).
SAVE_SLACK = 4096

SNAPSHOT_JS = """(i) => {
  const cell = [...document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell')][i];
  return [...cell.querySelectorAll(
    '.widget-output, .jp-RenderedVega5 svg.marks, .jp-RenderedVega5 .vega-bindings')]
    .map(e => e.classList.contains('vega-bindings') ? '' : e.innerHTML).join('\\n--\\n');
}"""

CONTROLS_JS = """(i) => {
  const cell = [...document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell')][i];
  const found = [];
  cell.querySelectorAll('.vega-bind').forEach((b, k) => {
    const input = b.querySelector('input, select');
    found.push({kind: 'vega', k, input: input ? (input.type || input.tagName.toLowerCase()) : 'none',
                label: (b.querySelector('.vega-bind-name') || b).innerText.trim()});
  });
  cell.querySelectorAll('.widget-slider .noUi-handle, .widget-slider input[type=range], '
      + '.widget-dropdown select,'
      + '.widget-checkbox input, .widget-text input, .widget-toggle-buttons button, .widget-radio-box input')
    .forEach((e, k) => {
      const w = e.closest(
        '.widget-inline-hbox, .widget-checkbox, .widget-toggle-buttons, .widget-radio, .widget-slider');
      found.push({kind: 'widget', k, input: e.tagName.toLowerCase() + (e.type ? ':' + e.type : ''),
                  label: w ? (w.querySelector('.widget-label') || w).innerText.trim().slice(0, 60) : ''});
    });
  return found;
}"""

WIDGET_SELECTOR = (
    ".widget-slider .noUi-handle, .widget-slider input[type=range], .widget-dropdown select, "
    ".widget-checkbox input, .widget-text input, .widget-toggle-buttons button, "
    ".widget-radio-box input"
)


def _committed(nb_path: Path) -> dict:
    return json.loads(nb_path.read_text(encoding="utf-8"))


def _is_chart(output: dict) -> bool:
    """A Vega output, or an HTML output that embeds a chart (the old renderer and Altair's default)."""
    data = output.get("data", {})
    html = data.get("text/html", "")
    html = "".join(html) if isinstance(html, list) else html
    return VEGA in data or any(m in html for m in ('class="dsa-chart"', "vegaEmbed(", "altair-viz-"))


def _expected_charts(nb: dict) -> dict[int, int]:
    """Cell index -> number of chart outputs the committed notebook holds."""
    out = {}
    for i, cell in enumerate(nb["cells"]):
        n = sum(1 for o in cell.get("outputs", []) if _is_chart(o))
        if n:
            out[i] = n
    return out


def _wait_charts(page, n: int, timeout_ms: int = 30000) -> None:
    if n == 0:
        return
    try:
        page.wait_for_function(
            "(n) => document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedVega5 "
            "svg.marks').length >= n",
            arg=n,
            timeout=timeout_ms,
        )
    except Exception:  # noqa: BLE001 - the probe that follows reports what did not draw
        pass
    page.wait_for_timeout(300)


def _open(page, server, name: str, n_charts: int) -> None:
    page.goto(f"{server.base}/lab/workspaces/t{abs(hash(name)) % 10**8}/tree/{name}?token={server.token}")
    page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell", timeout=90000)
    _wait_charts(page, n_charts)


def _wait_idle(page, timeout_ms: int = 120000) -> None:
    """Wait until no code cell is queued or running and the kernel is idle."""
    page.wait_for_function(
        "() => { const ps = [...document.querySelectorAll("
        "'.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell "
        ".jp-InputPrompt')].map(p => p.innerText.trim());"
        " return ps.length && !ps.some(p => p.includes('*')) }",
        timeout=timeout_ms,
    )
    page.wait_for_timeout(200)


def _command(page, label: str) -> None:
    """Run a JupyterLab command through the command palette (keyboard), e.g. 'Run All Cells'."""
    palette = page.locator(".lm-CommandPalette-input")
    for _ in range(3):  # the shortcut toggles the palette; focus inside an editor or output can swallow it
        if palette.is_visible():
            break
        page.keyboard.press("Escape")
        page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").first.click(
            position={"x": 5, "y": 5}
        )
        page.keyboard.press("Control+Shift+C")
        try:
            palette.wait_for(state="visible", timeout=3000)
        except Exception:  # noqa: BLE001 - try again
            continue
    palette.wait_for(state="visible", timeout=5000)
    palette.fill(label)
    page.locator(".lm-CommandPalette-item.lm-mod-active", has_text=label).wait_for(timeout=5000)
    palette.press("Enter")


def _run_all(page) -> None:
    page.wait_for_selector(
        ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator[data-status='idle']",
        state="attached",
        timeout=60000,
    )
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").first.click(position={"x": 5, "y": 5})
    _command(page, "Run All Cells")
    page.wait_for_timeout(500)
    page.wait_for_function(
        "() => { const ps = [...document.querySelectorAll("
        "'.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell "
        ".jp-InputPrompt')].map(p => p.innerText.trim());"
        " return ps.length && ps.every(p => /^\\[\\d+\\]:$/.test(p)) }",
        timeout=150000,
    )
    page.wait_for_timeout(300)


def _choose_next(page, element) -> None:
    """Operate a focused drop-down from the keyboard: open it, move to another option, choose it."""
    last = element.evaluate("e => e.selectedIndex === e.options.length - 1")
    for key in ("Alt+ArrowDown", "ArrowUp" if last else "ArrowDown", "Enter"):
        page.keyboard.press(key)
        page.wait_for_timeout(100)


def _operate_vega(page, cell, control) -> None:
    bind = (
        page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell")
        .nth(cell)
        .locator(".vega-bind")
        .nth(control["k"])
    )
    element = bind.locator("input, select").first
    element.scroll_into_view_if_needed(timeout=3000)
    if control["input"] == "select-one":
        element.focus()
        _choose_next(page, element)
    elif control["input"] in ("range", "number"):
        element.focus()
        page.keyboard.press("ArrowRight" if control["input"] == "range" else "ArrowUp")
        if control["input"] == "number" and element.input_value() == element.get_attribute("max"):
            page.keyboard.press("ArrowDown")
            page.keyboard.press("ArrowDown")
    elif control["input"] in ("checkbox", "radio"):
        radios = bind.locator("input")
        target = radios.nth(1) if radios.count() > 1 else radios.first
        target.focus()
        page.keyboard.press("Space")
    else:
        element.focus()
        page.keyboard.press("ArrowDown")


def _operate_widget(page, cell, control) -> None:
    element = (
        page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell")
        .nth(cell)
        .locator(WIDGET_SELECTOR)
        .nth(control["k"])
    )
    kind = control["input"]
    element.scroll_into_view_if_needed(timeout=3000)
    element.focus()
    if kind.startswith("div") or kind == "input:range":  # noUiSlider handle or range input
        upper = "noUi-handle-upper" in (element.get_attribute("class") or "")
        for _ in range(3):  # three steps, as a reader would press
            page.keyboard.press("ArrowLeft" if upper else "ArrowRight")
    elif kind.startswith("select"):
        _choose_next(page, element)
    elif kind in ("input:checkbox", "input:radio") or kind.startswith("button"):
        page.keyboard.press("Space")
    else:  # text/number boxes: type a new value and confirm
        value = element.input_value()
        try:
            new = str(float(value.replace(",", "")) * 0.5 or 1)
        except ValueError:
            new = value + " x"
        element.fill(new)
        page.keyboard.press("Enter")


def _drive_controls(page, state) -> list[str]:
    """Operate every chart parameter and widget control; return the ones that changed nothing."""
    problems = []
    for cell in state:
        if not cell["charts"] and not cell["widgets"]:
            continue
        for control in page.evaluate(CONTROLS_JS, cell["index"]):
            before = page.evaluate(SNAPSHOT_JS, cell["index"])
            try:
                (_operate_vega if control["kind"] == "vega" else _operate_widget)(
                    page, cell["index"], control
                )
            except Exception as exc:  # noqa: BLE001 - reported as a finding, naming the control
                problems.append(f"cell {cell['index']}: could not operate {control}: {exc}")
                continue
            deadline = time.time() + 6
            changed = False
            while time.time() < deadline:
                page.wait_for_timeout(250)
                if page.evaluate(SNAPSHOT_JS, cell["index"]) != before:
                    changed = True
                    break
            if not changed:
                problems.append(
                    f"cell {cell['index']}: {control['kind']} control {control['label']!r} "
                    f"({control['input']}, operated by keyboard) changed nothing displayed"
                )
    return problems


def _save(page, server, name: str) -> dict:
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").first.click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+s")
    page.wait_for_function(
        "() => !document.querySelector('.lm-TabBar-tab.jp-mod-current.jp-mod-dirty')", timeout=30000
    )
    page.wait_for_timeout(300)
    return server.api("GET", f"contents/{name}?content=1")["content"]


def _trust(page) -> bool:
    """Trust the notebook through the command palette; False when JupyterLab asked nothing (trusted)."""
    _command(page, "Trust Notebook")
    dialog = page.locator(".jp-Dialog")
    try:
        dialog.wait_for(state="visible", timeout=5000)
    except Exception:  # noqa: BLE001 - no dialog: nothing to trust
        return False
    dialog.locator("button.jp-mod-accept").first.click()
    page.wait_for_timeout(500)
    return True


def _rerun_first_chart_cell(page, expected: dict[int, int]) -> int | None:
    if not expected:
        return None
    index = min(expected)
    cell = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell").nth(index)
    cell.locator(".jp-InputPrompt").click()
    page.keyboard.press("Control+Enter")
    page.wait_for_timeout(300)
    _wait_idle(page)
    return index


def _size_without_widget_state(path: Path) -> int:
    """Size of a notebook written as nbformat writes it, without the stored widget state.

    nbconvert stores a snapshot of the widget models (10-30 KB here) that JupyterLab never draws
    from and drops on save (its ``saveState`` setting is off by default), and nbclient's timestamps
    per cell: shrinking by those is fine.
    """
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:  # nbclient's per-cell execution timestamps, which JupyterLab does not keep
        cell.metadata.pop("execution", None)
    return len(nbformat.writes(nb).encode("utf-8"))


def _dirty(page) -> bool:
    return page.locator(".lm-TabBar-tab.jp-mod-current.jp-mod-dirty").count() > 0


def _scenario(page, server, nb_path: Path) -> dict:
    name = nb_path.name
    committed = _committed(nb_path)
    expected = _expected_charts(committed)
    n = sum(expected.values())
    found: dict = {"expected": expected, "timings": {}}
    t = time.perf_counter()
    _open(page, server, name, n)
    found["opened"] = page.evaluate(H.CHART_STATE_JS)
    found["dirty_on_open"] = _dirty(page)
    found["trust_asked"] = _trust(page)
    _wait_charts(page, n)
    found["after_trust"] = page.evaluate(H.CHART_STATE_JS)
    found["timings"]["open_and_trust"] = time.perf_counter() - t
    t = time.perf_counter()
    _run_all(page)
    _wait_charts(page, n)
    found["after_run"] = page.evaluate(H.CHART_STATE_JS)
    found["timings"]["run_all"] = time.perf_counter() - t
    t = time.perf_counter()
    found["controls"] = _drive_controls(page, found["after_run"])
    found["timings"]["controls"] = time.perf_counter() - t
    t = time.perf_counter()
    found["saved"] = _save(page, server, name)
    found["saved_size"] = (server.root / name).stat().st_size
    found["saved_size_without_widget_state"] = _size_without_widget_state(server.root / name)
    page.reload()
    page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell", timeout=90000)
    _wait_charts(page, n)
    found["after_reload"] = page.evaluate(H.CHART_STATE_JS)
    found["rerun_cell"] = _rerun_first_chart_cell(page, expected)
    _wait_charts(page, n)
    found["after_rerun"] = page.evaluate(H.CHART_STATE_JS)
    found["timings"]["save_reload_rerun"] = time.perf_counter() - t
    return found


@pytest.fixture(scope="class")
def lab(request, tmp_path_factory):
    """Drive the class's notebooks through the scenario once; return {notebook name: findings}."""
    notebooks = request.cls.NOTEBOOKS
    if not notebooks:
        pytest.skip("no notebook in this half (DSA_LAB_NOTEBOOKS narrowed the run)")
    require_chromium()
    from playwright.sync_api import sync_playwright

    from dsa_explore.briefing import browsercheck

    workdir = tmp_path_factory.mktemp("lab")
    results: dict = {"_requests": [], "_timings": {}}
    started = time.perf_counter()
    with H.LabServer(notebooks, workdir) as server, sync_playwright() as pw:
        results["_timings"]["server"] = time.perf_counter() - started
        browser = pw.chromium.launch(executable_path=browsercheck.find_chromium(), args=H.browser_args())
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 1000})
            page.set_default_timeout(15000)
            page.on(
                "request",
                lambda r: results["_requests"].append(r.url) if not H.is_local(r.url, server.port) else None,
            )
            for nb_path in notebooks:
                try:
                    results[nb_path.name] = _scenario(page, server, nb_path)
                except Exception as exc:  # noqa: BLE001 - each notebook's tests report it
                    results[nb_path.name] = {"crashed": f"{type(exc).__name__}: {exc}"[:2000]}
                for session in server.api("GET", "sessions"):
                    server.api("DELETE", f"sessions/{session['id']}")
        finally:
            browser.close()
        results["_root"] = server.root
        results["_nbval"] = _nbval(server.root / notebooks[0].name) if notebooks else None
    results["_timings"]["total"] = time.perf_counter() - started
    print(
        "\n[jupyterlab] timings (s):",
        json.dumps(
            {
                k: {kk: round(vv, 1) for kk, vv in v["timings"].items()}
                for k, v in results.items()
                if isinstance(v, dict) and "timings" in v
            }
            | {"total": round(results["_timings"]["total"], 1)}
        ),
    )
    return results


def _nbval(path: Path) -> subprocess.CompletedProcess:
    sanitize = Path(__file__).with_name("nbval-sanitize.cfg")
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            str(sanitize),
            str(path),
        ],
        capture_output=True,
        text=True,
        cwd=paths.notebooks_dir(),
        timeout=300,
    )


def _findings(lab, nb_path: Path) -> dict:
    found = lab[nb_path.name]
    assert "crashed" not in found, f"{nb_path.name}: the scenario stopped: {found.get('crashed')}"
    return found


def _chart_problems(state: list[dict], expected: dict[int, int], moment: str) -> list[str]:
    problems = []
    by_index = {c["index"]: c for c in state}
    for index, n in expected.items():
        cell = by_index.get(index)
        charts = cell["charts"] if cell else []
        drawn = [c for c in charts if c["svg"]]
        if len(drawn) < n:
            text = "; ".join(c["text"] for c in charts)[:200]
            problems.append(f"{moment}: cell {index} should draw {n} chart(s), drew {len(drawn)} ({text!r})")
        for chart in drawn:
            if chart["visible"] == 0 or chart["emptyMarks"]:
                problems.append(
                    f"{moment}: cell {index} ({cell['source'][:40]!r}) has a chart with no visible "
                    f"mark in {chart['emptyMarks'] or 'any mark'} ({chart['marks']} marks, all of size 0)"
                )
            if chart.get("overlaps"):
                problems.append(
                    f"{moment}: cell {index} has axis labels drawn over each other: {chart['overlaps'][:3]}"
                )
    return problems


def _ids(paths_):
    return [p.stem for p in paths_]


def _joined(value):
    """nbformat stores multi-line strings as lists of lines on disk; the contents API returns them joined."""
    return "".join(value) if isinstance(value, list) and all(isinstance(v, str) for v in value) else value


def _comparable(nb: dict) -> list:
    """The outputs nbval compares, with the sanitizer's substitutions and without widget model ids."""
    out = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        outs = []
        for o in cell.get("outputs", []):
            data = {
                k: _joined(v)
                for k, v in o.get("data", {}).items()
                if k not in ("image/png", "application/vnd.jupyter.widget-view+json")
            }
            text = json.dumps(
                [o.get("output_type"), o.get("name"), _joined(o.get("text")), data], sort_keys=True
            )
            outs.append(re.sub(r"altair-viz-[0-9a-f]{32}", "altair-viz-ID", text))
        out.append(outs)
    return out


def pytest_generate_tests(metafunc):
    """Parametrize ``nb_path`` by the notebooks of the test's class."""
    if "nb_path" in metafunc.fixturenames:
        metafunc.parametrize("nb_path", metafunc.cls.NOTEBOOKS, ids=_ids(metafunc.cls.NOTEBOOKS))


class _LabChecks:
    """The checks, one per notebook where they take ``nb_path``; each subclass drives its notebooks."""

    NOTEBOOKS: list[Path] = []

    def test_charts_draw_on_opening_untrusted_without_a_kernel(self, lab, nb_path):
        found = _findings(lab, nb_path)
        assert found["expected"], f"{nb_path.name} holds no chart output"
        problems = _chart_problems(found["opened"], found["expected"], "on opening")
        assert not problems, "\n".join(problems)

    def test_opening_does_not_mark_the_notebook_modified(self, lab, nb_path):
        assert not _findings(lab, nb_path)["dirty_on_open"], (
            f"{nb_path.name} is marked modified as soon as it opens"
        )

    def test_after_run_all_every_chart_draws_and_every_explorer_is_live(self, lab, nb_path):
        found = _findings(lab, nb_path)
        state = found["after_run"]
        problems = _chart_problems(state, found["expected"], "after Run All")
        problems += [f"cell {c['index']}: error output {e!r}" for c in state for e in c["errors"]]
        problems += [
            f"cell {c['index']}: an explorer is shown as text (VBox(children=...)) after running"
            for c in state
            if c["widgetsAsText"]
        ]
        assert not problems, "\n".join(problems)

    def test_every_control_changes_what_it_controls(self, lab, nb_path):
        problems = _findings(lab, nb_path)["controls"]
        assert not problems, f"{nb_path.name}:\n" + "\n".join(problems)

    def test_saving_after_run_all_keeps_the_notebook_small_and_its_outputs(self, lab, nb_path):
        found = _findings(lab, nb_path)
        committed = _committed(nb_path)
        grew = found["saved_size"] - nb_path.stat().st_size
        assert grew <= SAVE_SLACK, f"{nb_path.name}: saving after Run All grew it by {grew:+,} bytes"
        changed_by = found["saved_size_without_widget_state"] - _size_without_widget_state(nb_path)
        assert abs(changed_by) <= SAVE_SLACK, (
            f"{nb_path.name}: saving after Run All changed its size by "
            f"{changed_by:+,} bytes (stored widget state aside)"
        )
        saved = found["saved"]
        assert saved["metadata"].get("kernelspec") == committed["metadata"].get("kernelspec")
        pairs = list(zip(_comparable(saved), _comparable(committed), strict=True))
        changed = [i for i, (a, b) in enumerate(pairs) if a != b]
        first = next(((a, b) for a, b in pairs if a != b), None)
        assert not changed, (
            f"{nb_path.name}: saved outputs differ from the committed ones in code cells {changed}; "
            f"first: saved {str(first[0])[:400]!r} vs committed {str(first[1])[:400]!r}"
        )

    def test_nbval_passes_on_a_notebook_saved_by_jupyterlab(self, lab):
        # the half's first notebook (00-overview, 01-listing-samples), as JupyterLab saved it
        result = lab["_nbval"]
        assert result is not None, "no notebook to check"
        assert result.returncode == 0, result.stdout[-3000:]

    def test_charts_survive_reload_trust_and_rerunning_a_cell(self, lab, nb_path):
        found = _findings(lab, nb_path)
        problems = []
        for moment in ("after_trust", "after_reload", "after_rerun"):
            problems += _chart_problems(found[moment], found["expected"], moment.replace("_", " "))
        assert not problems, "\n".join(problems)

    def test_the_page_requested_nothing_but_the_local_server(self, lab):
        assert lab["_requests"] == [], f"requests to other hosts: {sorted(set(lab['_requests']))[:10]}"


class TestLabHalfA(_LabChecks):
    """Every other notebook, from the first: one JupyterLab server and browser (one xdist worker)."""

    NOTEBOOKS = NOTEBOOKS[0::2]


class TestLabHalfB(_LabChecks):
    """The other notebooks: a second server and browser, on another xdist worker under ``make test``."""

    NOTEBOOKS = NOTEBOOKS[1::2]
