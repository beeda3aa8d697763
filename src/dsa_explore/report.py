"""Building blocks for briefings: facts that carry their source, and themed sections.

Every number a briefing shows is a :class:`Fact`: its value, the text shown to a reader,
and the :class:`Source` it comes from (a URL or a shipped dataset with its version). Domain
modules return :class:`Section` objects (a title, sentences that reference facts by key, a
key chart and caveats); ``dsa_explore.briefing`` renders them with numbered footnotes and
escapes everything that comes from data.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Source:
    """Where a number comes from: a URL, or a shipped dataset (catalog name) with its version."""

    label: str
    url: str | None = None
    dataset: str | None = None
    synthetic: bool = False

    @classmethod
    def from_dataset(cls, name: str, note: str | None = None) -> Source:
        """Return a source citing catalog dataset ``name`` with its version and origin."""
        from dsa_explore import catalog

        ds = catalog.get(name)
        label = ds.meta.get("title", name)
        if note:
            label = f"{label}: {note}"
        return cls(label=label, dataset=name, synthetic=ds.synthetic, url=None)

    def text(self) -> str:
        """Return the citation as plain text (dataset version and origin included)."""
        parts = [self.label]
        if self.dataset:
            from dsa_explore import catalog

            ds = catalog.get(self.dataset)
            parts.append(f"shipped dataset `{self.dataset}` version {ds.version}")
            origin = ds.meta.get("source")
            if origin:
                parts.append(f"from {origin}")
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


@dataclass
class Section:
    """One theme of a briefing: sentences that cite facts, a key chart, caveats.

    ``sentences`` are trusted templates written in the package; ``{key}`` inserts the
    formatted fact ``key`` with its footnote. Anything from data must enter only through
    facts (whose text is escaped when rendered).
    """

    key: str
    title: str
    sentences: list[str]
    facts: list[Fact] = field(default_factory=list)
    chart: Any = None  # an alt.Chart / LayerChart / ..., or None
    caption: str = ""
    caveats: list[str] = field(default_factory=list)
    synthetic: bool = False
    table: Any = None  # an optional small polars frame shown under the chart (escaped; untrusted text allowed)
    table_caption: str = ""

    def fact(self, key: str) -> Fact:
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
        if source not in self._order:
            self._order.append(source)
        return self._order.index(source) + 1

    @property
    def sources(self) -> list[Source]:
        return list(self._order)

    def html(self) -> str:
        items = []
        for i, src in enumerate(self._order, 1):
            text = html.escape(src.text())
            if src.url:
                url = html.escape(src.url, quote=True)
                if src.url.startswith(("http://", "https://")):
                    text = text.replace(html.escape(src.url), f'<a href="{url}">{html.escape(src.url)}</a>')
            items.append(f'<li id="src-{i}">{text}</li>')
        return "<ol class=\"sources\">\n" + "\n".join(items) + "\n</ol>"


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
    """Return an HTML table of a polars frame with every header and cell escaped (no links made)."""
    rows = frame.head(max_rows)
    head = "".join(f"<th scope=\"col\">{html.escape(str(c))}</th>" for c in rows.columns)
    body = []
    for row in rows.iter_rows():
        cells = "".join(f"<td>{html.escape(_cell_text(v))}</td>" for v in row)
        body.append(f"<tr>{cells}</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (f'<table class="dsa-table">{cap}<thead><tr>{head}</tr></thead><tbody>'
            + "".join(body) + "</tbody></table>")


def _cell_text(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 1 else f"{value:,.1f}"
    if isinstance(value, (list, tuple)):
        return " → ".join(map(str, value))
    return str(value)
