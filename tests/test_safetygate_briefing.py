"""The Safety Gate briefing section: headline states the number of alerts; every number footnoted to alerts.

Figures from the shipped XML (tests/test_safetygate_reader.py says where each is read): 8 alerts; 3 name an
online trader (SR/02444/26, SR/02499/26, SR/02546/26); 1 records listing removal (SR/02499/26, Amazon).
"""

from __future__ import annotations

import re

import pytest

from dsa_explore.briefing import registry
from dsa_explore.briefing.build import Briefing
from dsa_explore.briefing.model import Footnotes, render_sentence
from dsa_explore.briefing.sections import safetygate
from dsa_explore.core.platforms import KNOWN_PLATFORMS

KETTLE = "https://ec.europa.eu/safety-gate-alerts/screen/webReport/alertDetail/10118679"


def rendered(platform):
    sec = safetygate.section(platform)
    facts = {f.key: f for f in sec.facts}
    notes = Footnotes()
    return sec, [render_sentence(s, facts, notes) for s in sec.sentences], notes


def test_registered():
    assert safetygate in registry.SECTIONS


@pytest.mark.parametrize("platform", KNOWN_PLATFORMS)
def test_every_number_is_footnoted_to_alerts(platform):
    sec, html, notes = rendered(platform)
    assert (
        sec.fact("n_alerts").value == 8
        and sec.fact("n_named").value == 3
        and sec.fact("n_removal").value == 1
    )
    assert "rests on <strong>8</strong>" in html[0] and sec.sentences[0].summary
    for f in sec.facts:
        assert (
            f.source.url
            and f.source.url.startswith("https://ec.europa.eu/safety-gate-alerts")
            or f.source.dataset == "safetygate_alerts"
        )
        if f.key != "n_alerts":
            assert "Safety Gate alert" in f.source.label and "CC BY 4.0" in f.source.label
    # every number in the rendered text is a fact (footnoted): no digits outside <strong> ... </strong><sup>
    bare = [re.sub(r"<strong>.*?</strong><sup>.*?</sup>", "", h) for h in html]
    assert not any(re.search(r"\d", b) for b in bare), bare
    assert "safety-gate-alerts" in " ".join(s.text() for s in notes.sources)
    assert "© European Union, 2005 – 2026" in sec.caption and sec.chart.to_dict()["datasets"]


def test_amazon_is_named_by_the_kettle_alert():
    sec, html, _ = rendered("Amazon Store")
    assert sec.fact("p_alerts").value == 1 and sec.fact("p_removed").value == 1
    assert sec.fact("platform_0").source.url == KETTLE and "SR/02499/26" in html[1]
    sec, html, _ = rendered("AliExpress")
    assert "None of them names AliExpress" in html[1]


def test_section_renders_in_the_briefing():
    doc = Briefing("Temu")
    assert "safetygate" in doc.sections
    assert "Dangerous products" in doc.section_html("safetygate")
