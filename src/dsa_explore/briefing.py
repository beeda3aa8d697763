"""Briefings: one self-contained, offline, cited HTML document per platform.

Two halves:

- :class:`Briefing` assembles the content inside ``notebooks/briefing.ipynb``: it asks each
  domain module for its ``briefing_section(platform)``, renders sentences with numbered
  footnotes (every number is a computed :class:`~dsa_explore.report.Fact` with a source) and
  escapes everything that comes from data.
- :func:`build` executes that notebook for one platform and exports it with the
  ``dsa_offline`` nbconvert template: no code, no prompts, ``exploration-only`` cells removed,
  the Vega/Vega-Lite/vega-embed JavaScript inlined once, and a footer with the build date,
  package version and dataset versions. The file renders with no network access.
"""

from __future__ import annotations

import datetime as _dt
import html
import importlib
import json
import time
from pathlib import Path

from dsa_explore import __version__, paths, platforms
from dsa_explore.report import Footnotes, Section, render_sentence, table_html

#: Briefing sections in reading order: (key, module, function). Each function takes a platform name.
SECTION_PROVIDERS: tuple[tuple[str, str, str], ...] = (
    ("resources", "dsa_explore.resources", "briefing_section"),
    ("listings", "dsa_explore.listings", "briefing_section"),
    ("sor", "dsa_explore.sor.stats", "briefing_section"),
    ("risk", "dsa_explore.risk", "briefing_section"),
    ("links", "dsa_explore.links", "briefing_section"),
    ("penalties", "dsa_explore.penalties", "briefing_section"),
)

#: Which sentences of each section make the one-screen summary (indices; missing ones are skipped).
SUMMARY_SENTENCES: dict[str, tuple[int, ...]] = {
    "resources": (0, 2, 3),  # moderators per million users; the largest language gap; languages with no moderator
    "listings": (0,),  # prevalence with its interval and design
    "sor": (0, 1),  # volume; automation and speed
    "risk": (0, 1),  # prevalence in the sample; how well the score fills a day's review capacity
    "links": (0,),  # reachability of bad content
    "penalties": (1, 0),  # the amount when a turnover is shipped, else the ceilings
}

NOTEBOOK_NAME = "briefing.ipynb"
EXPLORATION_TAG = "exploration-only"

CSS = """
body.jp-Notebook { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem; }
.dsa-summary { border-left: 4px solid #0072B2; padding: 0.25rem 1rem; background: #f5f9fc; }
.dsa-badge-synthetic { display: inline-block; padding: 0 0.4em; border-radius: 3px; background: #7a0177;
  color: #fff; font-size: 0.8em; font-weight: 600; letter-spacing: 0.03em; }
.dsa-caption { color: #444; font-size: 0.9em; margin-top: 0.2rem; }
.dsa-footer { border-top: 1px solid #ccc; margin: 2rem auto 1rem; padding-top: 0.5rem; color: #444; font-size: 0.8em;
  max-width: 60rem; font-family: system-ui, sans-serif; }
ol.sources li { margin-bottom: 0.3rem; word-break: break-word; }
.dsa-chart { max-width: 100%; overflow-x: auto; }
table.dsa-table { border-collapse: collapse; font-size: 0.85em; margin: 0.5rem 0 1rem; }
table.dsa-table caption { text-align: left; color: #444; padding-bottom: 0.2rem; }
table.dsa-table th, table.dsa-table td { border-bottom: 1px solid #ddd; padding: 0.2rem 0.5rem; text-align: left;
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


class UnknownPlatformError(ValueError):
    """The platform asked for has no briefing; the message lists the known ones."""


def resolve_platform(name: str | None) -> str:
    """Return the canonical platform name, or raise :class:`UnknownPlatformError` listing the known ones."""
    try:
        return platforms.resolve(name)
    except ValueError as exc:
        raise UnknownPlatformError(str(exc)) from None


class Briefing:
    """The content of one platform's briefing, rendered piece by piece inside the notebook."""

    def __init__(self, platform: str | None = None, providers=SECTION_PROVIDERS):
        self.platform = resolve_platform(platform)
        self.notes = Footnotes()
        self.sections: dict[str, Section] = {}
        for key, module, function in providers:
            provider = getattr(importlib.import_module(module), function)
            self.sections[key] = provider(self.platform)

    # -- pieces ---------------------------------------------------------------------------
    def _sentences(self, section: Section, sentences: list[str] | None = None) -> str:
        facts = {f.key: f for f in section.facts}
        return " ".join(render_sentence(s, facts, self.notes) for s in (section.sentences if sentences is None else sentences))

    def _badge(self, section: Section) -> str:
        return ' <span class="dsa-badge-synthetic">SYNTHETIC DATA</span>' if section.synthetic else ""

    def title_html(self) -> str:
        """Return the title and a one-paragraph context of the case (dates from the shipped case timeline)."""
        from dsa_explore.report import Fact, Source

        p = html.escape(self.platform)
        parts = [f"<h1>DSA compliance briefing: {p}</h1>", f"<p>What the evidence in this project says about {p}, "
                 "how sure we are, and where every number comes from."]
        if self.platform == "AliExpress":
            import polars as pl

            from dsa_explore import catalog

            timeline = catalog.load("aliexpress_case_timeline")
            facts = {}
            for key, event in (("opened", "Formal proceedings opened"), ("binding", "Commitments made binding")):
                row = timeline.filter(pl.col("event") == event).row(0, named=True)
                facts[key] = Fact(key, event, row["date"], row["date"].strftime("%-d %B %Y"),
                                  Source(f"AliExpress DSA case: {event.lower()}", url=row["source_url"]))
            parts.append(render_sentence(
                "The European Commission opened proceedings against AliExpress on {opened}; on {binding} it "
                "preliminarily found that AliExpress failed to assess and mitigate the risks of illegal products, "
                "with under-resourced moderation, and made its commitments (including third-party monitoring of "
                "hidden links) binding.", facts, self.notes))
        else:
            parts.append(f"This briefing applies the checks developed for the Commission's AliExpress case to {p}.")
        parts.append("Numbered notes point to the sources at the end; figures from synthetic (made-up, demonstration) "
                     "data are marked <span class=\"dsa-badge-synthetic\">SYNTHETIC DATA</span>.</p>")
        return parts[0] + "\n" + " ".join(parts[1:])

    def summary_html(self) -> str:
        """Return the one-screen summary: each section's headline sentence."""
        items = []
        for key, section in self.sections.items():
            picked = [section.sentences[i] for i in SUMMARY_SENTENCES.get(key, (0,)) if i < len(section.sentences)]
            if len(section.sentences) == 1 or not picked:
                picked = section.sentences[:1]
            if not picked:
                continue
            items.append(f"<li><strong>{html.escape(section.title)}</strong>{self._badge(section)}: "
                         f"{self._sentences(section, picked)}</li>")
        return '<section class="dsa-summary" aria-label="Summary">\n<h2>Summary</h2>\n<ul>\n' + "\n".join(items) + "\n</ul>\n</section>"

    def section_html(self, key: str) -> str:
        """Return a section's heading and text (its chart is displayed separately)."""
        section = self.sections[key]
        return (f"<h2 id=\"{html.escape(key)}\">{html.escape(section.title)}{self._badge(section)}</h2>\n"
                f"<p>{self._sentences(section)}</p>")

    def chart(self, key: str):
        """Return a section's key chart (or None)."""
        return self.sections[key].chart

    def caption_html(self, key: str) -> str:
        """Return a section's chart caption."""
        section = self.sections[key]
        return f'<p class="dsa-caption">{html.escape(section.caption)}</p>' if section.caption else ""

    def caveats_html(self) -> str:
        """Return the caveats and method notes of every section."""
        items = []
        for section in self.sections.values():
            for caveat in section.caveats:
                items.append(f"<li><strong>{html.escape(section.title)}:</strong> {html.escape(caveat)}</li>")
        return "<h2 id=\"caveats\">Caveats and method notes</h2>\n<ul>\n" + "\n".join(items) + "\n</ul>"

    def sources_html(self) -> str:
        """Return the numbered list of sources cited so far."""
        return "<h2 id=\"sources\">Sources</h2>\n" + self.notes.html()

    def show(self, key: str) -> None:
        """Display a section in the notebook: heading and text, key chart, caption."""
        from IPython.display import HTML, display

        display(HTML(self.section_html(key)))
        chart = self.chart(key)
        if chart is not None:
            display(chart)
            display(HTML(self.caption_html(key)))
        section = self.sections[key]
        if section.table is not None:
            display(HTML(table_html(section.table, section.table_caption)))

    def chart_count(self) -> int:
        """Return how many sections have a chart."""
        return sum(1 for s in self.sections.values() if s.chart is not None)


# -- building the HTML file ---------------------------------------------------------------
def _vega_resources() -> tuple[str, str]:
    import altair as alt
    import vl_convert as vlc

    debug = (f'var VEGA_DEBUG = {{"vega_version": "{alt.VEGA_VERSION}", "vegalite_version": "{alt.VEGALITE_VERSION}", '
             f'"vegaembed_version": "{alt.VEGAEMBED_VERSION}"}};')
    bundle = vlc.javascript_bundle().replace("</script", "<\\/script")
    return debug, bundle


def dataset_versions() -> str:
    """Return 'name vVERSION' for every catalogued dataset, for the footer."""
    from dsa_explore import catalog

    return ", ".join(f"{name} v{ds.version}" for name, ds in sorted(catalog.all_datasets().items()))


def output_path(platform: str) -> Path:
    """Return the default output path of a platform's briefing (reports/briefing-<slug>.html)."""
    return paths.reports_dir() / f"briefing-{platforms.slug(platform)}.html"


def _inject_platform(nb, platform: str) -> None:
    import nbformat

    index = next((i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])), None)
    if index is None:
        raise ValueError(f"{NOTEBOOK_NAME} has no cell tagged 'parameters' to override")
    cell = nbformat.v4.new_code_cell(f"PLATFORM = {json.dumps(platform)}")
    cell.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(index + 1, cell)


def execute(platform: str, notebook: Path | None = None, timeout: int = 600):
    """Execute the briefing notebook for ``platform`` and return the executed notebook node."""
    import nbformat
    from nbclient import NotebookClient

    notebook = notebook or paths.notebooks_dir() / NOTEBOOK_NAME
    nb = nbformat.read(notebook, as_version=4)
    _inject_platform(nb, platform)
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(notebook.parent)}}).execute()
    return nb


def export_html(nb, platform: str) -> str:
    """Export an executed briefing notebook to one self-contained offline HTML string."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(template_name="dsa_offline", extra_template_basedirs=[str(paths.templates_dir())],
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            embed_images=True)
    remover = TagRemovePreprocessor(remove_cell_tags={EXPLORATION_TAG}, enabled=True)
    exporter.register_preprocessor(remover, enabled=True)
    from dsa_explore import render

    render.outputs_to_html(nb)  # the Vega outputs JupyterLab draws become HTML drawn by the inlined bundle
    debug, bundle = _vega_resources()
    nb.metadata["title"] = f"DSA compliance briefing: {platform}"
    resources = {
        "dsa_vega_debug": debug,
        "dsa_vega_bundle": bundle,
        "dsa_css": CSS,
        "dsa_stamp": {
            "built": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "version": __version__,
            "datasets": dataset_versions(),
        },
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def build(platform: str | None = None, output: str | Path | None = None, *, verbose: bool = True) -> Path:
    """Execute ``notebooks/briefing.ipynb`` for ``platform`` and write the offline HTML briefing.

    Returns the path written (default ``reports/briefing-<platform>.html``). Raises
    :class:`UnknownPlatformError` for a platform with no briefing.
    """
    platform = resolve_platform(platform)
    out = Path(output) if output else output_path(platform)
    started = time.perf_counter()
    if verbose:
        print(f"[briefing] executing {NOTEBOOK_NAME} for {platform} ...", flush=True)
    nb = execute(platform)
    if verbose:
        print(f"[briefing] exporting offline HTML ({time.perf_counter() - started:.1f} s so far) ...", flush=True)
    body = export_html(nb, platform)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(body, encoding="utf-8")
    tmp.replace(out)
    if verbose:
        print(f"[briefing] wrote {out} ({out.stat().st_size / 1e6:.2f} MB) in {time.perf_counter() - started:.1f} s",
              flush=True)
    return out
