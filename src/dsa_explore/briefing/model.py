"""Building blocks for briefings: facts that carry their source, and themed sections.

Every number a briefing shows is a :class:`Fact`: its value, the text shown to a reader,
and the :class:`Source` it comes from (a URL or a shipped dataset with its version). Section
modules (:mod:`dsa_explore.briefing.sections`) return :class:`Section` objects (a title, sentences
that reference facts by key, a key chart and caveats); :mod:`dsa_explore.briefing.build` renders
them with numbered footnotes and escapes everything that comes from data.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from dsa_explore.core import formatting
from dsa_explore.data import catalog


@dataclass(frozen=True)
class Source:
    """Where a number comes from: a URL, or a shipped dataset (catalog name) with its version.

    A dataset source is resolved when it is created (:meth:`from_dataset` reads the catalog once and
    keeps the version and origin), so a :class:`Fact` carries a complete citation from the moment it
    exists and rendering never looks anything up.
    """

    label: str
    url: str | None = None
    dataset: str | None = None
    synthetic: bool = False
    version: str | None = None
    origin: str | None = None

    @classmethod
    def from_dataset(cls, name: str, note: str | None = None) -> Source:
        """Return a source citing catalog dataset ``name`` with its version and origin."""
        ds = catalog.get(name)
        label = ds.meta.get("title", name)
        if note:
            label = f"{label}: {note}"
        return cls(
            label=label,
            dataset=name,
            synthetic=ds.synthetic,
            url=None,
            version=str(ds.version),
            origin=ds.meta.get("source") or None,
        )

    def text(self) -> str:
        """Return the citation as plain text (dataset version and origin included)."""
        parts = [self.label]
        if self.dataset:
            parts.append(f"shipped dataset `{self.dataset}` version {self.version}")
            if self.origin:
                parts.append(f"from {self.origin}")
        if self.synthetic:
            parts.append("SYNTHETIC DATA")
        if self.url:
            parts.append(self.url)
        return "; ".join(parts)


@dataclass(frozen=True)
class Fact:
    """One number shown to a reader, with its formatted text and its source."""

    key: str
    label: str
    value: Any
    text: str
    source: Source
    uncertainty: str | None = None  # e.g. "95% Wilson interval 45%–88%"


class Sentence(str):
    """A trusted sentence template of a section; ``summary=True`` puts it in the one-screen summary.

    A ``str`` (every string operation works); a plain ``str`` in :attr:`Section.sentences` is a
    sentence that is not in the summary.
    """

    summary: bool

    def __new__(cls, template: str, summary: bool = False) -> Sentence:
        """Return the sentence ``template``, marked for the summary when ``summary``."""
        obj = super().__new__(cls, template)
        obj.summary = summary
        return obj


@dataclass
class Section:
    """One theme of a briefing: sentences that cite facts, a key chart, caveats.

    ``sentences`` are trusted templates written in the package (:class:`Sentence`, or plain ``str``);
    ``{key}`` inserts the formatted fact ``key`` with its footnote. Anything from data must enter
    only through facts (whose text is escaped when rendered). The summary takes the sentences marked
    ``Sentence(..., summary=True)``, in order; a section with none marked contributes its first.
    """

    key: str
    title: str
    sentences: list[str]
    facts: list[Fact] = field(default_factory=list)
    chart: Any = None  # an alt.Chart / LayerChart / ..., or None
    caption: str = ""
    caveats: list[str] = field(default_factory=list)
    synthetic: bool = False
    table: Any = (
        None  # an optional small polars frame shown under the chart (escaped; untrusted text allowed)
    )
    table_caption: str = ""

    def summary_sentences(self) -> list[str]:
        """Return the sentences marked for the summary (the first sentence when none is marked)."""
        marked = [s for s in self.sentences if getattr(s, "summary", False)]
        return marked or self.sentences[:1]

    def fact(self, key: str) -> Fact:
        """Return the fact with ``key`` (KeyError listing the section's fact keys otherwise)."""
        for f in self.facts:
            if f.key == key:
                return f
        raise KeyError(f"section {self.key!r} has no fact {key!r}; it has {[f.key for f in self.facts]}")


_PLACEHOLDER = re.compile(r"\{([a-zA-Z0-9_]+)\}")


class Footnotes:
    """Numbers sources in order of first use and renders the list."""

    def __init__(self) -> None:
        self._order: list[Source] = []

    def number(self, source: Source) -> int:
        """Return the footnote number of ``source``, numbering it on first use."""
        if source not in self._order:
            self._order.append(source)
        return self._order.index(source) + 1

    @property
    def sources(self) -> list[Source]:
        """Return the sources cited so far, in footnote order."""
        return list(self._order)

    def html(self) -> str:
        """Return the numbered source list as HTML (texts escaped; http(s) URLs linked)."""
        items = []
        for i, src in enumerate(self._order, 1):
            text = html.escape(src.text())
            if src.url:
                url = html.escape(src.url, quote=True)
                if src.url.startswith(("http://", "https://")):
                    text = text.replace(html.escape(src.url), f'<a href="{url}">{html.escape(src.url)}</a>')
            items.append(f'<li id="src-{i}">{text}</li>')
        return '<ol class="sources">\n' + "\n".join(items) + "\n</ol>"


def render_sentence(template: str, facts: dict[str, Fact], notes: Footnotes) -> str:
    """Return HTML for one sentence: facts inserted escaped, each with a footnote link."""
    out, pos = [], 0
    for m in _PLACEHOLDER.finditer(template):
        out.append(html.escape(template[pos : m.start()], quote=False))
        fact = facts[m.group(1)]
        n = notes.number(fact.source)
        title = f' title="{html.escape(fact.uncertainty, quote=True)}"' if fact.uncertainty else ""
        out.append(f'<strong{title}>{html.escape(fact.text)}</strong><sup><a href="#src-{n}">{n}</a></sup>')
        pos = m.end()
    out.append(html.escape(template[pos:], quote=False))
    return "".join(out)


def table_html(frame, caption: str = "", max_rows: int = 20) -> str:
    """Return an HTML table of a polars frame with every header and cell escaped (no links made).

    Cells are printed by the project's one formatter, :func:`dsa_explore.core.formatting.cell`, so a
    briefing table reads like the notebook tables and tooltips (thousands separators, shares as %).
    """
    rows = frame.head(max_rows)
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in rows.columns)
    body = []
    for row in rows.iter_rows():
        cells = "".join(
            f"<td>{html.escape(_cell_text(v, c))}</td>" for v, c in zip(row, rows.columns, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (
        f'<table class="dsa-table">{cap}<thead><tr>{head}</tr></thead><tbody>'
        + "".join(body)
        + "</tbody></table>"
    )


def _cell_text(value, column: str = "") -> str:
    """Return one table cell's text through the shared formatter."""
    return formatting.cell(value, column)
