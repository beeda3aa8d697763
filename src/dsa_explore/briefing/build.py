"""The content of one platform's briefing, rendered piece by piece inside ``notebooks/briefing.ipynb``.

:class:`Briefing` asks every section registered in :data:`dsa_explore.briefing.registry.SECTIONS`
for its ``section(platform)`` (or, given captures, for its ``section_from_capture(evidence)`` where it
has one: see :mod:`dsa_explore.briefing.capture`), renders sentences with numbered footnotes (every
number is a computed :class:`~dsa_explore.briefing.model.Fact` with a source) and escapes everything
that comes from data. :mod:`dsa_explore.briefing.export` executes the notebook and writes the HTML.
"""

from __future__ import annotations

import html

from dsa_explore.briefing import capture
from dsa_explore.briefing.model import Fact, Footnotes, Section, Source, render_sentence, table_html
from dsa_explore.briefing.registry import SECTIONS
from dsa_explore.core import platforms


class Briefing:
    """The content of one platform's briefing, rendered piece by piece inside the notebook."""

    def __init__(self, platform: str | None = None, sections=SECTIONS, captures=()):
        self.platform = platforms.resolve(platform)
        self.notes = Footnotes()
        # with captures, the sections that can rest on them do (listings, risk, links);
        # the others are unchanged
        self.evidence = capture.load(list(captures)) if captures else None
        self.sections: dict[str, Section] = {}
        for module in sections:
            if self.evidence is not None and hasattr(module, "section_from_capture"):
                self.sections[module.KEY] = module.section_from_capture(self.evidence)
            else:
                self.sections[module.KEY] = module.section(self.platform)

    # -- pieces ---------------------------------------------------------------------------
    def _sentences(self, section: Section, sentences: list[str] | None = None) -> str:
        facts = {f.key: f for f in section.facts}
        return " ".join(
            render_sentence(s, facts, self.notes)
            for s in (section.sentences if sentences is None else sentences)
        )

    def _badge(self, section: Section) -> str:
        return ' <span class="dsa-badge-synthetic">SYNTHETIC DATA</span>' if section.synthetic else ""

    def title_html(self) -> str:
        """Return the title and a one-paragraph context of the case (dates from the shipped case timeline)."""
        p = html.escape(self.platform)
        parts = [
            f"<h1>DSA compliance briefing: {p}</h1>",
            f"<p>What the evidence in this project says about {p}, "
            "how sure we are, and where every number comes from.",
        ]
        if self.platform == "AliExpress":
            import polars as pl

            from dsa_explore.data import catalog

            timeline = catalog.load("aliexpress_case_timeline")
            facts = {}
            for key, event in (
                ("opened", "Formal proceedings opened"),
                ("binding", "Commitments made binding"),
            ):
                row = timeline.filter(pl.col("event") == event).row(0, named=True)
                facts[key] = Fact(
                    key,
                    event,
                    row["date"],
                    row["date"].strftime("%-d %B %Y"),
                    Source(f"AliExpress DSA case: {event.lower()}", url=row["source_url"]),
                )
            parts.append(
                render_sentence(
                    "The European Commission opened proceedings against AliExpress on {opened}; on "
                    "{binding} it preliminarily found that AliExpress failed to assess and mitigate the "
                    "risks of illegal products, with under-resourced moderation, and made its commitments "
                    "(including third-party monitoring of hidden links) binding.",
                    facts,
                    self.notes,
                )
            )
        else:
            parts.append(
                f"This briefing applies the checks developed for the Commission's AliExpress case to {p}."
            )
        if self.evidence is not None:
            parts.append(
                f"The listing, risk and hidden-link sections rest on the analyst's own capture(s), "
                f"{html.escape(self.evidence.names)}, named with their sha256 in the notes."
            )
        parts.append(
            "Numbered notes point to the sources at the end; figures from synthetic (made-up, demonstration) "
            'data are marked <span class="dsa-badge-synthetic">SYNTHETIC DATA</span>.</p>'
        )
        return parts[0] + "\n" + " ".join(parts[1:])

    def summary_html(self) -> str:
        """Return the one-screen summary: each section's headline sentence."""
        items = []
        for section in self.sections.values():
            picked = section.summary_sentences()
            if not picked:
                continue
            items.append(
                f"<li><strong>{html.escape(section.title)}</strong>{self._badge(section)}: "
                f"{self._sentences(section, picked)}</li>"
            )
        return (
            '<section class="dsa-summary" aria-label="Summary">\n<h2>Summary</h2>\n<ul>\n'
            + "\n".join(items)
            + "\n</ul>\n</section>"
        )

    def section_html(self, key: str) -> str:
        """Return a section's heading and text (its chart is displayed separately)."""
        section = self.sections[key]
        return (
            f'<h2 id="{html.escape(key)}">{html.escape(section.title)}{self._badge(section)}</h2>\n'
            f"<p>{self._sentences(section)}</p>"
        )

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
        return '<h2 id="caveats">Caveats and method notes</h2>\n<ul>\n' + "\n".join(items) + "\n</ul>"

    def sources_html(self) -> str:
        """Return the numbered list of sources cited so far."""
        return '<h2 id="sources">Sources</h2>\n' + self.notes.html()

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
