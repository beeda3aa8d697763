"""From your own captures: the listing, risk and hidden-link analyses on captured pages, checked by hand.

``tests/fixtures/capture_evidence/saved-pages/`` is a MADE-UP four-page site saved as HTML:
``toy.html`` (a child-targeted toy listing, ``suggestedMaxAge`` 10, with no manufacturer, EU
responsible person, CE mark or warning) links to ``charger.html`` (a listing that states all of
them) and to ``deal.html``, whose meta refresh forwards to ``adult.html`` (the word "Vibrator",
a term of ``data/risk/lexicons/adult_terms.csv``). Every expected count below is read off those
four files. The real WARC is warcio's ``example.warc.gz`` (``data/captures/warcio-example/``),
whose sha256 is the one its provenance record and the source repository give.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from dsa_explore.analysis import capture_evidence as ce
from dsa_explore.core import paths

SITE = Path(__file__).parent / "fixtures" / "capture_evidence" / "saved-pages"
WARC = paths.data_dir() / "captures" / "warcio-example" / "example.warc.gz"


@pytest.fixture(scope="module")
def site():
    return ce.load(SITE)


def test_sources_name_every_file_with_its_sha256(site):
    got = dict(zip(site.sources["file"], site.sources["sha256"], strict=True))
    expected = {
        f"tests/fixtures/capture_evidence/saved-pages/{p.name}": hashlib.sha256(p.read_bytes()).hexdigest()
        for p in SITE.glob("*.html")
    }
    assert got == expected
    warc = ce.sources([WARC])
    assert warc.select("file", "sha256", "bytes").rows() == [
        (
            "data/captures/warcio-example/example.warc.gz",
            "5144459799b3bcb894d5143e0d8171c20c591a41733608e8392346e95e0bcf6b",
            3816,
        )
    ]


def test_listings_and_what_is_left_to_code(site):
    table = ce.listing_table(site).sort("listing_id")
    assert table.select(
        "listing_id", "title", "price", "eu_rp_stated", "manufacturer_stated", "ce_shown", "child_targeted"
    ).rows() == [
        ("CH-2", "USB charger", 5.0, True, True, True, None),
        ("TOY-1", "Plush unicorn", 9.99, False, False, False, True),
    ]
    work = ce.coding_worklist(site.report)
    # both listings lack the five required values a person codes; nothing the pages stated is refused
    assert sorted(work.select("column", "listings").rows()) == [
        ("category", 2),
        ("label_source", 2),
        ("platform", 2),
        ("selection_mechanism", 2),
        ("stratum", 2),
    ]
    assert set(work["problem"]) == {"required value is empty"}


def test_information_gaps_by_hand(site):
    gaps = {r["gap"]: (r["k"], r["n"]) for r in ce.information_gaps(site.listings).iter_rows(named=True)}
    assert gaps == {
        "no EU responsible person stated": (1, 2),
        "no manufacturer stated": (1, 2),
        "child-targeted, no CE marking shown": (1, 1),
        "child-targeted, no warning shown": (1, 1),
    }
    row = ce.information_gaps(site.listings).row(0, named=True)
    # Wilson 95% for 1/2 (statsmodels proportion_confint(1, 2, method="wilson")): 0.0945, 0.9055
    assert (row["low"], row["high"]) == (pytest.approx(0.0945, abs=1e-4), pytest.approx(0.9055, abs=1e-4))


def test_flagged_pages_and_the_hidden_chain(site):
    assert ce.page_flags(site).rows() == [("https://adult.example/x", "adult", "vibrator")]
    chains = ce.hidden_link_chains(site, max_hops=3)
    assert chains.select("source_url", "hops", "path", "kinds", "hidden", "child_targeted").rows() == [
        (
            "https://shop.example/item/toy-1",
            2,
            "https://shop.example/item/toy-1 > https://shop.example/go/deal > https://adult.example/x",
            "link > meta_refresh",
            True,
            True,
        )
    ]
    assert ce.hidden_link_chains(site, max_hops=1).height == 0
    assert dict(ce.edge_kinds(site.edges).rows()) == {
        "link": 2,
        "redirect": 0,
        "meta_refresh": 1,
        "script": 0,
    }


def test_risk_ranking_lists_every_listing(site):
    ranking = ce.risk_ranking(site.listings)
    assert sorted(ranking["listing_id"]) == ["CH-2", "TOY-1"]
    counts = dict(ce.indicator_counts(site.listings).select("indicator", "flagged").rows())
    assert counts["adult_terms_child_listing"] == 0 and counts["restricted_substance_terms"] == 0


def test_the_real_warc_reads_with_no_listing_and_one_link():
    ev = ce.load(WARC)
    # example.warc.gz: 6 records = 2 responses/revisits of http://example.com/ + 4 others (warcinfo, requests)
    assert (ev.capture.records_read, len(ev.capture.pages), ev.listings.height) == (6, 2, 0)
    assert ev.edges.select("source_url", "target_url", "kind").rows() == [
        ("http://example.com/", "http://www.iana.org/domains/example", "link")
    ]
    assert ce.hidden_link_chains(ev).height == 0 and ce.information_gaps(ev.listings).height == 0


def test_chain_steps_and_their_diagram(site):
    from dsa_explore.charts import captures as capture_charts

    steps = ce.chain_steps(site, ce.hidden_link_chains(site))
    # toy.html links to deal.html, whose meta refresh forwards to adult.html
    assert steps.select("step", "page", "role", "edge_in").rows() == [
        (0, "toy-1", "captured listing", None),
        (1, "deal", "page", "link"),
        (2, "adult.example/x", "flagged: adult", "meta_refresh"),
    ]
    spec = capture_charts.chain_diagram(steps).to_dict()
    values = next(iter(spec["datasets"].values()))
    assert len(values) == 3 and {v["page"] for v in values} == {"toy-1", "deal", "adult.example/x"}
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["line", "circle", "text", "text"]
    circle = spec["layer"][1]
    assert circle["mark"]["size"] > 0 and circle["encoding"]["color"]["field"] == "role"
    assert "SYNTHETIC" not in spec["title"]["text"]
