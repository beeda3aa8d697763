"""Briefing section: dangerous products in EU Safety Gate alerts, and whether the alerts name the platform.

Every number is a Fact whose source is the alerts it counts (their case numbers, and each alert's
page when the count rests on one alert); each alert named in a sentence is its own Fact, footnoted
to its page on the Safety Gate portal. The headline states how many alerts the section rests on.
"""

from __future__ import annotations

import polars as pl

from dsa_explore.analysis import safetygate as sga
from dsa_explore.briefing.model import Fact, Section, Sentence, Source
from dsa_explore.charts import safetygate as sgc
from dsa_explore.data import catalog
from dsa_explore.readers.safetygate import ACKNOWLEDGEMENT, ATTRIBUTION, PORTAL_URL

#: The key of this section in the briefing (``Briefing.show("safetygate")``, HTML anchor).
KEY = "safetygate"
DATASET = "safetygate_alerts"


def _alerts_source(cases: list[str], urls: dict[str, str], what: str) -> Source:
    """Return the source of a count: the alerts' case numbers, and the alert page when there is one alert."""
    label = (
        f"Safety Gate alerts {', '.join(cases)} ({what}); {ATTRIBUTION}"
        if cases
        else f"Safety Gate alerts in shipped dataset `{DATASET}` ({what}); {ATTRIBUTION}"
    )
    return Source(label=label, url=urls[cases[0]] if len(cases) == 1 else PORTAL_URL)


def _alert_facts(prefix: str, cases: list[str], urls: dict[str, str], products: dict[str, str]) -> list[Fact]:
    return [
        Fact(
            f"{prefix}_{i}",
            f"Safety Gate alert {c}",
            c,
            f"{c} ({products[c]})",
            Source(label=f"Safety Gate alert {c}: {products[c]}; {ATTRIBUTION}", url=urls[c]),
        )
        for i, c in enumerate(cases)
    ]


def _join(keys: list[str]) -> str:
    return ", ".join("{" + k + "}" for k in keys)


def section(platform: str) -> Section:
    """Return the Safety Gate section of the briefing for ``platform``."""
    alerts = catalog.load(DATASET)
    urls = dict(zip(alerts["case_number"], alerts["alert_url"], strict=True))
    products = dict(zip(alerts["case_number"], alerts["product"].fill_null("product not named"), strict=True))
    h = sga.headline(alerts)
    weeks = ", ".join(
        f"{y}-{w:02d}"
        for y, w in alerts.select("report_year", "report_week")
        .unique()
        .sort("report_year", "report_week")
        .iter_rows()
    )
    ds = Source.from_dataset(DATASET, note=f"weekly reports {weeks}, trimmed to 4 alerts each")
    facts = [
        Fact("n_alerts", "Safety Gate alerts in the shipped reports", h["alerts"], str(h["alerts"]), ds),
        Fact(
            "n_named",
            "alerts naming an online trader",
            h["naming_online_trader"],
            str(h["naming_online_trader"]),
            _alerts_source(h["naming_online_trader_cases"], urls, "naming an online trader"),
        ),
        Fact(
            "n_removal",
            "alerts recording removal of the listing by the marketplace",
            h["listing_removal"],
            str(h["listing_removal"]),
            _alerts_source(h["listing_removal_cases"], urls, f"measure '{sga.REMOVAL_BY_MARKETPLACE}'"),
        ),
        Fact(
            "top_category",
            "largest category",
            h["top_category"],
            f"{h['top_category']} ({h['top_category_alerts']} alerts)",
            _alerts_source(h["top_category_cases"], urls, f"category {h['top_category']}"),
        ),
    ]
    named = _alert_facts("named", h["naming_online_trader_cases"], urls, products)
    facts += named
    sentences = [
        Sentence(
            "This section rests on {n_alerts} EU Safety Gate alerts (dangerous non-food products notified by "
            "national authorities); {n_named} name an online trader and {n_removal} records removal of the "
            "listing by the online marketplace.",
            summary=True,
        ),
        Sentence(
            "The alerts naming an online trader: " + _join([f.key for f in named]) + "."
            if named
            else "None of the alerts names an online trader."
        ),
        Sentence("The largest category is {top_category}."),
    ]
    mine = sga.platform_alerts(alerts, platform)
    if mine.height:
        cases = mine["case_number"].to_list()
        own = _alert_facts("platform", cases, urls, products)
        removed = mine.filter(pl.col("removal_by_marketplace"))["case_number"].to_list()
        facts += own + [
            Fact(
                "p_alerts",
                f"alerts naming {platform}",
                mine.height,
                str(mine.height),
                _alerts_source(cases, urls, f"naming {platform}"),
            ),
            Fact(
                "p_removed",
                f"alerts naming {platform} with the listing removed",
                len(removed),
                str(len(removed)),
                _alerts_source(removed, urls, f"naming {platform}, listing removed"),
            ),
        ]
        sentences.insert(
            1,
            Sentence(
                f"{{p_alerts}} of them name {platform} as online trader ("
                + _join([f.key for f in own])
                + f"); in {{p_removed}} {platform} removed "
                "the listing.",
                summary=True,
            ),
        )
    else:
        sentences.insert(
            1,
            Sentence(
                f"None of them names {platform} as online trader; the shipped weekly reports "
                "are trimmed extracts, so this says nothing about the full feed "
                "(dsa-explore safetygate download gets it).",
                summary=True,
            ),
        )
    chart = sgc.marketplaces_named(
        sga.by_marketplace(alerts),
        source=ACKNOWLEDGEMENT,
        title="Marketplaces and websites named as online trader in Safety Gate alerts",
        subtitle=f"{h['alerts']} alerts, weekly reports {weeks} (trimmed to 4 alerts each)",
        description="Horizontal bars: number of Safety Gate alerts naming each marketplace or website as "
        "online "
        "trader, split by whether the alert records removal of the listing by the marketplace.",
    )
    return Section(
        key=KEY,
        title="Dangerous products: what Safety Gate alerts name",
        sentences=sentences,
        facts=facts,
        chart=chart,
        caption=f"Use the drop-down to keep alerts with or without listing removal. {ACKNOWLEDGEMENT}",
        caveats=[
            "The two shipped weekly reports were trimmed to 4 alerts each by the repository they were copied "
            "from: the counts show the method, not the EU picture. Download the full feed with "
            "`dsa-explore safetygate download --since 2024-01-01 --to DIR` and rebuild the table.",
            "Many alerts name no online trader even when the product was sold online: a platform absent "
            "from the alerts is not shown to be clean.",
            f"{ACKNOWLEDGEMENT}. {ATTRIBUTION}.",
        ],
    )
