"""Briefing section: what a platform's statements of reasons say (boilerplate, specificity), from a store.

Shown with figures only when a store with rows is configured (``DSA_EXPLORE_SOR_STORE=DIR``, or
``make briefing SOR_STORE=DIR``, a store written by ``dsa-explore sor ingest DUMPS --store DIR --rows``);
otherwise the section says plainly that no statement texts were given. It never uses the shipped
SYNTHETIC demo store of notebook 08. The statements read are the platform's and, for comparison, those
of :data:`dsa_explore.analysis.sor_text.COMPARE`, of the period of the statements-of-reasons section
beside it (:data:`PERIOD`, H2 2025), which its first sentence states; a store holding any SYNTHETIC
dump (:mod:`dsa_explore.sor.marks`) is marked as such.
"""

from __future__ import annotations

import polars as pl

from dsa_explore.analysis import sor_text, sor_view
from dsa_explore.analysis.sor import H2_2025
from dsa_explore.briefing.model import Fact, Section, Sentence, Source
from dsa_explore.charts import sor_text as text_charts
from dsa_explore.core import formatting, platforms

#: The key of this section in the briefing.
KEY = "sor_text"
#: The period read: the one of the statements-of-reasons section beside it (H2 2025).
PERIOD = H2_2025
PERIOD_LABEL = f"H2 2025 ({H2_2025[0]}..{H2_2025[1]})"

_TITLE = "What the statements of reasons say"


def _no_store(platform: str, why: str) -> Section:
    return Section(
        key=KEY,
        title=_TITLE,
        sentences=[
            Sentence(
                f"No statement texts for {platform}: {why}. Give a store with rows "
                "(`dsa-explore sor ingest DUMPS --store DIR --rows`, then `make briefing SOR_STORE=DIR`) "
                "to see how specific its statements are."
            )
        ],
        caveats=[],
    )


def section(platform: str) -> Section:
    """Return the statement-text section for ``platform``.

    Parameters
    ----------
    platform
        A name of :data:`dsa_explore.core.platforms.KNOWN_PLATFORMS`.

    Returns
    -------
    dsa_explore.briefing.model.Section
        With a row store: the share of the platform's stored statements in its 10 most used templates,
        the share naming the item, the share giving none of the four Art. 17(3) elements, and the
        indicator chart next to the comparison platforms. Without one: a fact-free sentence saying so.
    """
    platform = platforms.resolve(platform)
    chosen = sor_view.store_setting()
    if chosen is None:
        return _no_store(platform, "no statements-of-reasons store was given")
    try:
        store = sor_text.open_store(chosen)
    except (FileNotFoundError, ValueError) as exc:
        return _no_store(platform, str(exc).split(";")[0])
    shown = list(dict.fromkeys([platform, *sor_text.COMPARE]))
    rows = sor_text.load(store, shown, since=PERIOD[0].isoformat(), until=PERIOD[1].isoformat())
    if not rows.filter(pl.col("platform") == platform).height:
        return _no_store(
            platform, f"the store {store.path} holds no statements of {platform} of {PERIOD_LABEL}"
        )
    ind = sor_text.indicators(rows)
    mine = ind.filter(pl.col("platform") == platform)
    boiler = sor_text.template_summary(mine).row(0, named=True)
    named_item = float(mine["names_item"].mean())
    none = float((mine["specificity"] == 0).mean())
    src = Source(
        label=f"Statements of reasons of {platform} stored with `dsa-explore sor ingest --rows` in "
        f"{store.path} ({formatting.count(mine.height)} statements of {PERIOD_LABEL}); indicator rules "
        "and their precision: docs/statement-texts.md" + (" [SYNTHETIC DATA]" if store.synthetic else ""),
        synthetic=store.synthetic,
    )
    facts = [
        Fact("sor_text_statements", "statements read", mine.height, formatting.count(mine.height), src),
        Fact(
            "sor_text_top10",
            "share of statements in the 10 most used templates",
            boiler["top10_share"],
            f"{boiler['top10_share']:.0%}",
            src,
        ),
        Fact(
            "sor_text_templates",
            "distinct templates",
            boiler["templates"],
            formatting.count(boiler["templates"]),
            src,
        ),
        Fact("sor_text_item", "share naming the item", named_item, f"{named_item:.0%}", src),
        Fact("sor_text_none", "share giving none of the four Art. 17(3) elements", none, f"{none:.0%}", src),
    ]
    sentences = [
        Sentence(
            f"Of the {{sor_text_statements}} statements of reasons of {PERIOD_LABEL} read (the period "
            "of the section above), {sor_text_top10} use one of the "
            "platform's 10 most used texts ({sor_text_templates} distinct templates once ids, numbers and "
            "names are stripped).",
            summary=True,
        ),
        Sentence(
            "{sor_text_item} name the item concerned, and {sor_text_none} give none of the four elements "
            "DSA Art. 17(3) asks for (the item, the facts, the legal or contractual ground, the redress)."
        ),
    ]
    caveats = [
        "The indicators are documented text rules, measured on 199 hand-labelled real statements "
        "(docs/statement-texts.md): they miss much, so read a sample before quoting a share.",
        "Only what the platform filed in the Transparency Database is measured, not what it told the user.",
    ]
    if store.synthetic:
        caveats.insert(
            0,
            "SYNTHETIC DATA: the store holds statements written by the project's own generators "
            f"({', '.join(store.synthetic_dumps) or 'sor-synthetic-* dumps'}): these figures "
            "demonstrate the method only.",
        )
    chart = text_charts.indicator_dots(sor_text.indicator_shares(ind), synthetic=store.synthetic)
    return Section(
        key=KEY,
        title=_TITLE,
        sentences=sentences,
        facts=facts,
        chart=chart,
        caption=f"Share of stored statements naming each element, {platform} next to "
        f"{', '.join(p for p in shown if p != platform)}.",
        caveats=caveats,
        synthetic=store.synthetic,
    )
