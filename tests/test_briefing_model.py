"""The briefing model: summary sentences are chosen by their mark, not their position; sources resolve once.

Why: the summary used to pick sentences by index, so inserting a sentence silently changed it; and a
dataset source looked the catalog up again at render time. These tests pin both contracts, and that the
registry is the one ordered list the notebook loops over.
"""

from __future__ import annotations

from dsa_explore.briefing import build, model, registry
from dsa_explore.briefing.model import Fact, Section, Sentence, Source


def _section(sentences):
    return Section(
        key="t",
        title="T",
        sentences=sentences,
        facts=[Fact("n", "n", 3, "3", Source("a source", url="https://example.org/a"))],
    )


def test_summary_takes_the_marked_sentences_wherever_they_are():
    first = _section(["Context {n}.", Sentence("Headline {n}.", summary=True), "Detail."])
    moved = _section([Sentence("Headline {n}.", summary=True), "Detail.", "Context {n}."])
    assert first.summary_sentences() == ["Headline {n}."] == moved.summary_sentences()


def test_a_section_with_no_marked_sentence_gives_its_first():
    assert _section(["Only {n}.", "Second."]).summary_sentences() == ["Only {n}."]


def test_a_sentence_is_a_string():
    s = Sentence("In {period} x.", summary=True)
    assert s == "In {period} x." and s.summary and "{period}" in s and not Sentence("y").summary


def test_dataset_source_is_resolved_when_created(monkeypatch):
    src = Source.from_dataset("aliexpress_case_timeline")
    assert src.version and src.dataset == "aliexpress_case_timeline"

    def no_lookup(name):
        raise AssertionError(f"catalog looked up again for {name}")

    monkeypatch.setattr(model.catalog, "get", no_lookup)
    assert f"version {src.version}" in src.text()


def test_registry_is_the_reading_order_and_briefing_uses_it():
    keys = [m.KEY for m in registry.SECTIONS]
    assert keys == [
        "resources",
        "notices",
        "listings",
        "sor",
        "sor_text",
        "risk",
        "safetygate",
        "links",
        "penalties",
    ]
    assert len(set(keys)) == len(keys)
    assert all(callable(m.section) for m in registry.SECTIONS)
    doc = build.Briefing("Zalando", sections=registry.SECTIONS[-1:])
    assert list(doc.sections) == ["penalties"]
    assert "Penalty exposure" in doc.summary_html()


def test_table_html_uses_the_shared_formatter():
    import polars as pl

    from dsa_explore.briefing.model import table_html

    # Values typed in by hand; the expected text is what a reader should see (issue 18 item 7).
    frame = pl.DataFrame(
        {
            "platform": ["AliExpress"],
            "sors": [17678525.0],
            "share": [0.158368],
            "year": [2024],
            "users": [104_300_000],
        }
    )
    out = table_html(frame)
    assert "<td>17,678,525</td>" in out
    assert "<td>16%</td>" in out
    assert "<td>2024</td>" in out and "<td>104,300,000</td>" in out
    assert "1.77e+07" not in out and "0.158" not in out
