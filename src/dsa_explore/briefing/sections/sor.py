"""Briefing section: statements of reasons (volume, automation, speed, keywords, SoRs per moderator).

Built from the shipped extract, or from a store (``make briefing SOR_STORE=DIR``): then the section is
SYNTHETIC when the store holds a generated dump (a caveat names them) and says which days of H2 2025
were read only partially or refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dsa_explore.analysis import sor_view
from dsa_explore.analysis.sor import (
    EXTRACT_DATASET,
    FOCUS_PLATFORMS,
    H2_2025,
    automation,
    delays,
    keyword_use,
    platform_totals,
    sors_per_moderator,
    volumes,
)
from dsa_explore.briefing.model import Fact, Section, Sentence, Source
from dsa_explore.charts import sor as sor_charts
from dsa_explore.charts import theme
from dsa_explore.core import formatting, platforms

#: The key of this section in the briefing (``Briefing.show("sor")``, HTML anchor).
KEY = "sor"


@dataclass(frozen=True)
class _H2:
    sors: int
    per_day: float
    fully: float
    detection: float
    mean_delay: float
    negative: int


def _days_covered(extract: pl.DataFrame) -> int:
    """Return the number of H2 2025 days the data has (184 for the shipped extract, fewer for a store)."""
    return extract.filter(pl.col("date").is_between(*H2_2025)).select(pl.col("date").n_unique()).item()


def _h2_figures(extract: pl.DataFrame, platform: str) -> _H2 | None:
    since, until = H2_2025
    tot = platform_totals(extract, since=since, until=until).filter(pl.col("platform") == platform)
    if tot.height == 0:
        return None
    auto = automation(extract, since=since, until=until, platforms=[platform])
    dl = delays(extract, since=since, until=until, platforms=[platform])
    n_days = max(_days_covered(extract), 1)
    return _H2(
        sors=int(tot["sors"][0]),
        per_day=tot["sors"][0] / n_days,
        fully=float(auto["fully"][0]) if auto.height else float("nan"),
        detection=float(auto["automated_detection"][0]) if auto.height else float("nan"),
        mean_delay=float(dl["mean_days"][0]) if dl.height else float("nan"),
        negative=int(dl["negative"][0]) if dl.height else 0,
    )


def _names(dumps) -> str:
    return ", ".join(dumps)


def _synthetic_caveat(view: sor_view.SorView) -> str:
    n = len(view.synthetic_dumps)
    return (
        f"SYNTHETIC DATA: the store holds {n} dump(s) written by the project's own generators "
        f"({_names(view.synthetic_dumps)}; recognised by their SYNTHETIC mark, dsa_explore.sor.marks). "
        "Every figure of this section may include generated statements: it demonstrates the method only."
    )


def _completeness(view: sor_view.SorView) -> str:
    """Say which H2 2025 days of the store were read partially or refused (counts include partial days)."""
    bad = view.incomplete_in(*H2_2025)
    if not bad:
        return "Every dump of H2 2025 in the store was read completely (no member refused)."
    partial = [d for d in bad if d.status == "partial"]
    refused = [d for d in bad if d.status == "refused"]
    parts = []
    if partial:
        listed = "; ".join(f"{d.day} ({d.members_refused} of {d.members} members refused)" for d in partial)
        parts.append(
            f"{len(partial)} day(s) were read only partially ({listed}), and the counts above include "
            "what was read of them, so they are short"
        )
    if refused:
        parts.append(
            f"{len(refused)} day(s) were refused and are missing ({', '.join(str(d.day) for d in refused)})"
        )
    return "Of the dumps of H2 2025 in the store, " + "; ".join(parts) + "."


def section(platform: str) -> Section:
    """Return the statements-of-reasons section of the briefing for ``platform``.

    Parameters
    ----------
    platform
        A name of :data:`dsa_explore.core.platforms.KNOWN_PLATFORMS` (case-insensitive, slug accepted).

    Returns
    -------
    dsa_explore.briefing.model.Section
        H2 2025 volume, automation and speed of the platform's SoRs, the keywords they give,
        SoRs per reported moderator, and the interactive volume chart (platform selector + date brush,
        weekly data). For a platform with no SoRs in the extract, one fact-free sentence.
    """
    platform = platforms.resolve(platform)
    view = sor_view.load()
    extract = view.frame
    span = f"{view.first_day} to {view.last_day}"
    if view.store is None:
        src = Source.from_dataset(EXTRACT_DATASET, note="H2 2025 (2025-07-01..2025-12-31)")
        where = "the Transparency Database extract"
    else:
        src = Source(
            label=f"Statements of reasons ingested with `dsa-explore sor ingest` into the store "
            f"{view.store} ({span}): H2 2025 (2025-07-01..2025-12-31)"
            + (" [SYNTHETIC DATA]" if view.synthetic else ""),
            synthetic=view.synthetic,
        )
        where = f"the statements-of-reasons store {view.store}"
    facts: list[Fact] = []
    sentences: list[str] = []
    caveats = [
        "SoRs are the platforms' own filings; volumes follow their reporting practice (e.g. one SoR per "
        "listing or per seller action) and are not comparable one-to-one between platforms.",
        "Delays have day granularity (content_date and application_date are dates); SoRs with a negative "
        "moderation delay (content dated after the decision) are left out of the mean and counted.",
        "Categories changed taxonomy on 2025-07-01; earlier categories are mapped to v2 with the "
        "official mapping.",
    ]
    h2 = _h2_figures(extract, platform)
    if h2 is None:
        sentences.append(f"No statements of reasons for {platform} in {where} ({span}).")
    else:
        facts += [
            Fact("sor_h2_total", "SoRs filed, H2 2025", h2.sors, formatting.big(h2.sors), src),
            Fact("sor_h2_per_day", "SoRs per day, H2 2025", h2.per_day, formatting.count(h2.per_day), src),
            Fact(
                "sor_h2_fully_automated", "share fully automated decisions", h2.fully, f"{h2.fully:.1%}", src
            ),
            Fact(
                "sor_h2_automated_detection",
                "share automated detection",
                h2.detection,
                f"{h2.detection:.1%}",
                src,
            ),
            Fact(
                "sor_h2_mean_delay",
                "mean moderation delay (days)",
                h2.mean_delay,
                f"{h2.mean_delay:,.1f} days",
                src,
            ),
            Fact(
                "sor_h2_negative_delays",
                "SoRs with a negative moderation delay",
                h2.negative,
                formatting.count(h2.negative),
                src,
            ),
        ]
        sentences.append(
            Sentence(
                f"In H2 2025 {platform} filed {{sor_h2_total}} statements of reasons "
                "({sor_h2_per_day} a day) in the DSA Transparency Database.",
                summary=True,
            )
        )
        sentences.append(
            Sentence(
                "{sor_h2_fully_automated} of its decisions were fully automated and "
                "{sor_h2_automated_detection} were detected by automated means; the mean time from "
                "content date to decision was {sor_h2_mean_delay} ({sor_h2_negative_delays} SoRs "
                "with a negative delay excluded).",
                summary=True,
            )
        )
        kw = keyword_use(extract, since=H2_2025[0], until=H2_2025[1], platforms=[platform]).row(0, named=True)
        facts.append(
            Fact(
                "sor_h2_keywords_per_100",
                "keywords (category specifications) per 100 SoRs, H2 2025",
                kw["keywords_per_100_sors"],
                f"{kw['keywords_per_100_sors']:,.1f}",
                src,
            )
        )
        if kw["keywords"] == 0:
            sentences.append(
                "None of these SoRs gives a keyword ({sor_h2_keywords_per_100} per 100 SoRs), the "
                "optional field that tells, say, a counterfeit from an unsafe or a prohibited product."
            )
        else:
            sentences.append(
                "Its SoRs give {sor_h2_keywords_per_100} keywords per 100 SoRs (the optional field that "
                "tells, say, a counterfeit from an unsafe or a prohibited product)."
            )
        per_mod = sors_per_moderator(extract, n_days=max(_days_covered(extract), 1)).filter(
            pl.col("platform") == platform
        )
        if per_mod.height and per_mod["moderators"][0] and per_mod["moderators"][0] > 0:
            row = per_mod.row(0, named=True)
            rep_src = Source(
                label=f"{platform} DSA transparency report H2 2025, content moderators (internal + external)",
                url=row["source_url"],
                dataset=row["dataset"],
            )
            facts += [
                Fact(
                    "sor_h2_moderators",
                    "content moderators reported (internal + external FTE), H2 2025",
                    row["moderators"],
                    formatting.count(row["moderators"]),
                    rep_src,
                ),
                Fact(
                    "sor_h2_per_moderator",
                    "SoRs per reported moderator, H2 2025",
                    row["sors_per_moderator"],
                    formatting.rate(row["sors_per_moderator"]),
                    src,
                ),
                Fact(
                    "sor_h2_per_moderator_day",
                    "SoRs per reported moderator per day, H2 2025",
                    row["sors_per_moderator_per_day"],
                    formatting.rate(row["sors_per_moderator_per_day"]),
                    src,
                ),
            ]
            sentences.append(
                "Against the {sor_h2_moderators} content moderators it reported for the same half-year, "
                "that is {sor_h2_per_moderator} SoRs per moderator ({sor_h2_per_moderator_day} a day)."
            )
        else:
            sentences.append(f"No moderator count for {platform} for H2 2025 in the shipped reports.")
        caveats.append(
            "Moderator counts are the platforms' own figures from their H2 2025 transparency reports; "
            "moderators also handle work that produces no SoR."
        )
    if view.store is not None:
        caveats.append(
            f"Figures come from your store ({span}; {_days_covered(extract)} of the 184 days of "
            "H2 2025), not from the shipped extract: per-day figures divide by the days the store holds."
        )
        sentences.append(_completeness(view))
    if view.synthetic:
        caveats.insert(0, _synthetic_caveat(view))
    shown = list(FOCUS_PLATFORMS) + ([platform] if platform not in FOCUS_PLATFORMS and h2 is not None else [])
    weekly = volumes(extract, "1w", platforms=shown)
    focus = platform if h2 is not None else None
    chart = sor_charts.volume_explorer(
        weekly,
        default_platform=focus,
        platforms=shown,
        title=theme.synthetic_title("Statements of reasons per day, by platform", view.synthetic),
    )
    return Section(
        key="statements_of_reasons",
        title="Statements of reasons in the DSA Transparency Database",
        sentences=sentences,
        facts=facts,
        chart=chart,
        caption=f"Weekly statements of reasons per platform, {span} (log scale). Choose a "
        "platform in the menu; drag on the overview to zoom the detail. Dashed lines mark schema and "
        "reporting breaks.",
        caveats=caveats,
        synthetic=view.synthetic,
    )
