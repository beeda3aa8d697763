"""Export: execute ``notebooks/briefing.ipynb`` for one platform; write one self-contained offline HTML file.

The export uses the ``dsa_offline`` nbconvert template: no code, no prompts, ``exploration-only`` cells
removed, the Vega/Vega-Lite/vega-embed JavaScript inlined once
(:func:`dsa_explore.charts.render.vega_script`), and a footer with the build date, package version and
dataset versions. The file renders with no network access.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import time
from pathlib import Path

from dsa_explore import __version__
from dsa_explore.core import paths, platforms
from dsa_explore.core.errors import InputFileError

NOTEBOOK_NAME = "briefing.ipynb"
EXPLORATION_TAG = "exploration-only"

CSS = """
body.jp-Notebook { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem; }
.dsa-summary { border-left: 4px solid #0072B2; padding: 0.25rem 1rem; background: #f5f9fc; }
.dsa-badge-synthetic { display: inline-block; padding: 0 0.4em; border-radius: 3px; background: #7a0177;
  color: #fff; font-size: 0.8em; font-weight: 600; letter-spacing: 0.03em; }
.dsa-caption { color: #444; font-size: 0.9em; margin-top: 0.2rem; }
.dsa-footer { border-top: 1px solid #ccc; margin: 2rem auto 1rem; padding-top: 0.5rem; color: #444;
  font-size: 0.8em;
  max-width: 60rem; font-family: system-ui, sans-serif; }
ol.sources li { margin-bottom: 0.3rem; word-break: break-word; }
.dsa-chart { max-width: 100%; overflow-x: auto; }
table.dsa-table { border-collapse: collapse; font-size: 0.85em; margin: 0.5rem 0 1rem; }
table.dsa-table caption { text-align: left; color: #444; padding-bottom: 0.2rem; }
table.dsa-table th, table.dsa-table td { border-bottom: 1px solid #ddd; padding: 0.2rem 0.5rem;
  text-align: left;
  vertical-align: top; max-width: 24rem; overflow-wrap: anywhere; }
@media print {
  body.jp-Notebook { max-width: none; padding: 0; }
  .dsa-chart, .vega-embed { max-width: 17cm; page-break-inside: avoid; }
  .vega-embed canvas, .vega-embed svg { max-width: 17cm !important; height: auto !important; }
  .vega-bindings { display: none; }
  h2 { page-break-after: avoid; }
  a[href^="http"]::after { content: ""; }
}
"""


# -- building the HTML file ---------------------------------------------------------------
def dataset_versions() -> str:
    """Return 'name vVERSION' for every catalogued dataset, for the footer."""
    from dsa_explore.data import catalog

    return ", ".join(f"{name} v{ds.version}" for name, ds in sorted(catalog.all_datasets().items()))


def output_path(platform: str, from_captures: bool = False) -> Path:
    """Return the default output path of a briefing: ``reports/briefing-<slug>[-from-captures].html``."""
    tail = "-from-captures" if from_captures else ""
    return paths.reports_dir() / f"briefing-{platforms.slug(platform)}{tail}.html"


def _inject_platform(nb, platform: str) -> None:
    import nbformat

    index = next(
        (i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])), None
    )
    if index is None:
        raise ValueError(f"{NOTEBOOK_NAME} has no cell tagged 'parameters' to override")
    cell = nbformat.v4.new_code_cell(f"PLATFORM = {json.dumps(platform)}")
    cell.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(index + 1, cell)


def execute(
    platform: str,
    notebook: Path | None = None,
    timeout: int = 600,
    *,
    sor_store: str | Path | None = None,
    env: dict[str, str] | None = None,
):
    """Execute the briefing notebook for ``platform`` and return the executed notebook node.

    ``sor_store`` (a folder written by ``dsa-explore sor ingest``) is handed to the kernel as
    ``DSA_EXPLORE_SOR_STORE`` so that every statements-of-reasons number and chart comes from it.
    ``env`` is the kernel's environment (default: this process's).
    """
    import nbformat
    from nbclient import NotebookClient

    from dsa_explore.analysis.sor_view import STORE_ENV

    notebook = notebook or paths.notebooks_dir() / NOTEBOOK_NAME
    nb = nbformat.read(notebook, as_version=4)
    _inject_platform(nb, platform)
    env = dict(os.environ if env is None else env)
    if sor_store is not None:
        env[STORE_ENV] = str(Path(sor_store).resolve())
    NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(notebook.parent)}}
    ).execute(env=env)
    return nb


def export_html(nb, platform: str) -> str:
    """Export an executed briefing notebook to one self-contained offline HTML string."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        template_name="dsa_offline",
        extra_template_basedirs=[str(paths.templates_dir())],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    remover = TagRemovePreprocessor(remove_cell_tags={EXPLORATION_TAG}, enabled=True)
    exporter.register_preprocessor(remover, enabled=True)
    from dsa_explore.charts import render

    render.outputs_to_html(nb)  # the Vega outputs JupyterLab draws become HTML drawn by the inlined bundle
    nb.metadata["title"] = f"DSA compliance briefing: {platform}"
    resources = {
        "dsa_vega_script": render.vega_script(),
        "dsa_css": CSS,
        "dsa_stamp": {
            "built": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "version": __version__,
            "datasets": dataset_versions(),
        },
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def _capture_env(captures) -> dict[str, str]:
    """Return the executed notebook's environment: :data:`capture.CAPTURE_ENV` set to the capture paths."""
    from dsa_explore.briefing import capture

    env = dict(os.environ)
    env.pop(capture.CAPTURE_ENV, None)
    if captures:
        missing = [str(p) for p in captures if not Path(p).exists()]
        if missing:
            raise InputFileError(
                f"capture path(s) not found: {', '.join(missing)} (expected capture folders or "
                ".har, .warc, .warc.gz, .wacz, .html files)",
                file=missing[0],
                expected="an existing capture folder or file",
            )
        env[capture.CAPTURE_ENV] = os.pathsep.join(str(Path(p).resolve()) for p in captures)
    return env


def build(
    platform: str | None = None,
    output: str | Path | None = None,
    *,
    verbose: bool = True,
    sor_store: str | Path | None = None,
    captures=(),
) -> Path:
    """Execute ``notebooks/briefing.ipynb`` for ``platform`` and write the offline HTML briefing.

    Parameters
    ----------
    platform
        A name of :data:`dsa_explore.core.platforms.KNOWN_PLATFORMS` (default AliExpress).
    output
        The HTML file to write (default ``reports/briefing-<platform>.html``).
    verbose
        Print progress.
    sor_store
        A statements-of-reasons store (``dsa-explore sor ingest ... --store DIR``) to draw every SoR
        number and chart from instead of the shipped extract.
    captures
        Capture folders or files (``.har``, ``.warc``, ``.warc.gz``, ``.wacz``, ``.html``): the listing,
        risk and hidden-link sections then rest on them instead of synthetic data
        (:mod:`dsa_explore.briefing.capture`); the default output becomes
        ``reports/briefing-<platform>-from-captures.html``. Without it the briefing is unchanged.

    Returns
    -------
    Path
        The path written. Raises :class:`~dsa_explore.core.errors.UnknownPlatformError` for a
        platform with no briefing, ``FileNotFoundError`` for a ``sor_store`` that is not a store and
        :class:`~dsa_explore.core.errors.InputFileError` for a capture path that does not exist.
    """
    platform = platforms.resolve(platform)
    if sor_store is not None:
        from dsa_explore.sor.store import open_existing

        open_existing(sor_store)
    captures = list(captures)
    out = Path(output) if output else output_path(platform, from_captures=bool(captures))
    started = time.perf_counter()
    env = _capture_env(captures)
    if verbose:
        what = f" on the capture(s) {', '.join(str(c) for c in captures)}" if captures else ""
        print(f"[briefing] executing {NOTEBOOK_NAME} for {platform}{what} ...", flush=True)
    nb = execute(platform, sor_store=sor_store, env=env)
    if verbose:
        print(
            f"[briefing] exporting offline HTML ({time.perf_counter() - started:.1f} s so far) ...",
            flush=True,
        )
    body = export_html(nb, platform)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(body, encoding="utf-8")
    tmp.replace(out)
    if verbose:
        print(
            f"[briefing] wrote {out} ({out.stat().st_size / 1e6:.2f} MB) "
            f"in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
    return out
