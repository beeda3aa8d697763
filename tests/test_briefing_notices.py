"""The briefing's notices section must show AliExpress's own published figures, each citing its raw file.

The headline figures are checked against values read by eye from
``data/transparency/raw/aliexpress/2026-H1/`` (the latest period); every AliExpress figure that the
notices and the resources sections show must come from AliExpress's raw report files (a URL of its
file in the archive, or a derived figure of the dataset whose AliExpress rows are all read from raw
files), and the section must work for every known platform.
"""

from __future__ import annotations

import json

import polars as pl
import pytest

from dsa_explore.briefing import registry
from dsa_explore.briefing.sections import notices, resources
from dsa_explore.core.platforms import KNOWN_PLATFORMS
from dsa_explore.data import catalog

RAW_URL = "https://github.com/krMaynard/dsa-transparency-data/blob/"


@pytest.fixture(scope="module")
def aliexpress():
    return notices.section("AliExpress")


def test_headline_figures_are_aliexpress_published_ones(aliexpress):
    facts = {f.key: f for f in aliexpress.facts}
    assert facts["period"].value == "H1 2026"
    # 4_notices.csv line 82: STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS,,10958,0,9328,0,22.4
    assert facts["median_hours"].value == pytest.approx(22.4)
    assert facts["category_notices"].value == 10_958
    assert "4_notices.csv line 82" in facts["median_hours"].source.label
    # 7_appeals_and_recidivism.csv line 2: 178230 complaints; line 5: 63251 reversed;
    # line 46: 97573 suspensions
    assert facts["complaints"].value == 178_230
    assert facts["share_reversed"].value == pytest.approx(63_251 / 178_230)
    assert facts["suspensions"].value == 97_573
    # 10_AMAR.csv line 2: "157,643,436" users
    assert facts["suspensions_per_million"].value == pytest.approx(97_573 / 157.643436)
    assert any(s.summary for s in aliexpress.sentences if hasattr(s, "summary"))


def _aliexpress_sources_are_raw(section) -> None:
    data = catalog.load("transparency_marketplace_reports")
    for fact in section.facts:
        src = fact.source
        if src.url:
            assert src.url.startswith(RAW_URL) and "/aliexpress/" in src.url, (fact.key, src.url)
        else:
            assert src.dataset == "transparency_marketplace_reports", (fact.key, src)
    ali = data.filter(pl.col("platform") == "AliExpress")
    assert ali.height > 10_000 and set(ali["origin"]) == {"raw report file"}
    assert ali["source_url"].str.starts_with(RAW_URL).all()


def test_every_aliexpress_figure_of_the_notices_section_comes_from_its_raw_files(aliexpress):
    _aliexpress_sources_are_raw(aliexpress)


def test_every_aliexpress_figure_of_the_resources_section_comes_from_its_raw_files():
    section = resources.section("AliExpress")
    assert any(f.source.url for f in section.facts)
    _aliexpress_sources_are_raw(section)


def test_the_section_is_registered_after_resources():
    keys = [s.KEY for s in registry.SECTIONS]
    assert keys.index("notices") == keys.index("resources") + 1


@pytest.mark.parametrize("platform", KNOWN_PLATFORMS)
def test_every_known_platform_gets_a_section(platform):
    section = notices.section(platform)
    assert section.key == "notices" and section.sentences
    if section.chart is not None:
        spec = section.chart.to_dict()
        assert len(json.dumps(spec)) < 300_000
        assert any("bind" in p for p in spec["params"])
