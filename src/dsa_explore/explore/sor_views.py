"""Notebook 05's questions, one call each: the chart (or table) and its answer, computed from the data.

Each function takes the SoR view (:func:`dsa_explore.analysis.sor_view.load`: the shipped extract or a
user's store) and returns the pieces a notebook cell shows: an :class:`Answer` (one or two Markdown
sentences whose every figure is computed from the frame or table beside it, never typed into the
notebook), the unconfigured Altair chart and, where the notebook shows one, the table. So the
notebook's prose follows the data it sits under: pointed at a store with other numbers, it says
other things.

When the view is SYNTHETIC (a store holding a dump written by the project's generators,
``SorView.synthetic``), every answer starts with **SYNTHETIC DATA**, every chart title carries
[SYNTHETIC DATA] and every table starts with a ``data`` column reading ``SYNTHETIC`` (the project's
marker, captioned by :mod:`dsa_explore.explore.tables`). A store's charts name the store in their
source line. When a store covers only some days of H2 2025, the H2 answers say how many.

The logic is in :mod:`dsa_explore.analysis.sor`; the drawing in :mod:`dsa_explore.charts.sor`;
numbers are printed by :mod:`dsa_explore.core.formatting`.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dsa_explore.analysis import sor as stats
from dsa_explore.analysis.sor_view import SorView
from dsa_explore.charts import sor as sor_charts
from dsa_explore.core import formatting
from dsa_explore.data import catalog
from dsa_explore.explore.tables import MARK_COLUMN, SYNTHETIC_MARK

H2 = {"since": stats.H2_2025[0], "until": stats.H2_2025[1]}
FOCUS = list(stats.FOCUS_PLATFORMS)
BIG_THREE = ["AliExpress", "Amazon Store", "Temu"]
#: Days of H2 2025 (2025-07-01..2025-12-31).
H2_DAYS = (stats.H2_2025[1] - stats.H2_2025[0]).days + 1
_MD_SPECIAL = "\\`*_{}[]<>()#+!|~"


@dataclass(frozen=True)
class Answer:
    """A computed answer: Markdown in JupyterLab, the same text as plain text (nbval compares it)."""

    text: str

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        """Return the text (IPython's plain-text form)."""
        return self.text

    def __str__(self) -> str:
        """Return the text."""
        return self.text


def md(text: object) -> str:
    """Return ``text`` (a platform name from the data) with Markdown's special characters escaped."""
    out = str(text).replace("&", "&amp;")
    return "".join("\\" + c if c in _MD_SPECIAL else c for c in out)


def _answer(view: SorView, text: str) -> Answer:
    return Answer(
        ("**SYNTHETIC DATA** (generated statements, not evidence): " if view.synthetic else "") + text
    )


def mark(frame: pl.DataFrame, synthetic: bool) -> pl.DataFrame:
    """Return ``frame`` with a leading ``data`` column reading ``SYNTHETIC`` when ``synthetic``."""
    if not synthetic:
        return frame
    return frame.select(pl.lit(SYNTHETIC_MARK).alias(MARK_COLUMN), pl.all())


def source_line(view: SorView) -> str | None:
    """Return the charts' source line for a store (None: the module's line for the shipped extract)."""
    if view.store is None:
        return None
    return (
        f"Source: statements of reasons ingested with dsa-explore sor ingest into the store "
        f"'{view.store.name}' ({view.first_day} to {view.last_day})"
    )


def _chart(chart, view: SorView):
    return sor_charts.for_data(chart, synthetic=view.synthetic, source=source_line(view))


def days_h2(view: SorView) -> int:
    """Return the number of H2 2025 days the view has data for (184 for the shipped extract)."""
    return (
        view.frame.filter(pl.col("date").is_between(*stats.H2_2025)).select(pl.col("date").n_unique()).item()
    )


def _h2(view: SorView) -> str:
    """Return "H2 2025", with the days covered when the data has fewer than all 184."""
    days = days_h2(view)
    return "H2 2025" if days == H2_DAYS else f"H2 2025 ({days} of its {H2_DAYS} days in the data)"


def span(view: SorView) -> str:
    """Return the view's period in words ("from 2023-09-25 to 2026-01-10", or "on 2025-07-01")."""
    if view.first_day == view.last_day:
        return f"on {view.first_day}"
    return f"from {view.first_day} to {view.last_day}"


def _absent(names, present) -> str:
    missing = [n for n in names if n not in set(present)]
    return f" No SoRs of {', '.join(map(md, missing))} in the data." if missing else ""


def _rows(table: pl.DataFrame, names) -> dict[str, dict]:
    rows = {r["platform"]: r for r in table.iter_rows(named=True)}
    return {n: rows[n] for n in names if n in rows}


def describe(view: SorView) -> Answer:
    """Say what the notebook reads: the shipped extract or the store, its span, and its incomplete dumps."""
    frame = view.frame
    where = (
        "the shipped extract `sor_marketplaces_daily`"
        if view.store is None
        else f"the store {md(view.store)}"
    )
    text = (
        f"Reading {where}: {frame.height:,} rows, {frame['platform'].n_unique()} platforms, "
        f"{view.first_day} to {view.last_day}."
    )
    if view.synthetic:
        text += f" It holds {len(view.synthetic_dumps)} dump(s) written by the project's own generators."
    if view.incomplete:
        text += " Read incompletely: " + "; ".join(
            f"{md(d.dump)} ({d.status}, {d.members_refused} of {d.members} members refused)"
            for d in view.incomplete
        )
        text += " (the counts of those days are short or absent)."
    return _answer(view, text)


def _headline_moderators(view: SorView) -> str:
    table = stats.sors_per_moderator(view.frame, n_days=max(days_h2(view), 1))
    ratio = dict(table.select("platform", "sors_per_moderator").iter_rows())
    ali = ratio.get("AliExpress")
    if not ali:
        return ""
    mods = table.filter(pl.col("platform") == "AliExpress")["moderators"][0]
    per_day = table.filter(pl.col("platform") == "AliExpress")["sors_per_moderator_per_day"][0]
    text = (
        f" Against the {formatting.count(mods)} content moderators it reported for H2 2025, that is "
        f"{formatting.rate(ali)} SoRs per moderator ({formatting.rate(per_day)} a day)"
    )
    others = [f"{formatting.rate(ali / ratio[p])}× {p}'s" for p in ("Amazon Store", "Temu") if ratio.get(p)]
    return text + (" — " + " and ".join(others) + " ratio" if others else "") + "."


def _headline_actions(view: SorView) -> str:
    versus = _rows(stats.sors_vs_reported_actions(view.frame), ["Temu", "SHEIN"])
    if not versus:
        return ""
    return (
        " SoRs filed per moderation action reported: "
        + ", ".join(f"{p} {formatting.rate(r['sors_to_reported'])}×" for p, r in versus.items())
        + "."
    )


def headline(view: SorView) -> Answer:
    """Return the notebook's headline computed from the view: AliExpress's volume, automation, ratios."""
    totals = _rows(stats.platform_totals(view.frame), ["AliExpress"])
    if not totals:
        return _answer(view, f"No SoRs of AliExpress in the data ({view.first_day} to {view.last_day}).")
    whole = totals["AliExpress"]["sors"]
    h2 = _rows(stats.platform_totals(view.frame, **H2), ["AliExpress"])
    text = f"AliExpress filed {formatting.count(whole)} SoRs {span(view)}"
    if h2:
        auto = stats.automation(view.frame, platforms=["AliExpress"], **H2).row(0, named=True)
        text += (
            f" and {formatting.count(h2['AliExpress']['sors'])} in {_h2(view)}, "
            f"{auto['fully']:.1%} of them fully automated."
        )
        text += _headline_moderators(view)
    else:
        text += "; none in H2 2025."
    text += _headline_actions(view)
    kw = stats.keyword_use(view.frame, platforms=["AliExpress"]).row(0, named=True)
    text += (
        f" AliExpress gave {formatting.count(kw['keywords'])} keywords in its {formatting.count(whole)} SoRs."
    )
    return _answer(view, text)


def published_totals(view: SorView):
    """Whether the data reproduces the published whole-database totals: the table and the answer."""
    table = stats.published_totals_check(view.frame)
    published = catalog.load(stats.PUBLISHED_TOTALS_DATASET)["platform_published"].to_list()
    ok = table.filter(pl.col("matches"))
    if table.height and ok.height == table.height == len(published):
        text = (
            f"All {table.height} published totals are reproduced to the published precision, first days too."
        )
    else:
        differ = table.filter(~pl.col("matches"))
        text = (
            f"{ok.height} of the {len(published)} published totals are reproduced to the published precision."
        )
        if differ.height:
            text += " They differ for " + "; ".join(
                f"{md(r['platform_published'])} ({formatting.count(r['sors'])} SoRs in the data from "
                f"{r['first_day']}; "
                f"{r['published_millions']:,} million published)"
                for r in differ.iter_rows(named=True)
            )
            text += f": the data runs {span(view)}."
        text += _absent(published, table["platform_published"].to_list())
    return mark(table, view.synthetic), _answer(view, text)


def volumes(view: SorView):
    """How many SoRs per day in H2 2025, and the weekly series with its breaks."""
    days = days_h2(view)
    weekly = stats.volumes(view.frame, "1w", platforms=FOCUS)
    present = weekly["platform"].unique().to_list()
    chart = sor_charts.volume_explorer(
        weekly,
        default_platform="AliExpress" if "AliExpress" in present else None,
        platforms=[p for p in FOCUS if p in present],
    )
    totals = _rows(stats.platform_totals(view.frame, **H2), BIG_THREE)
    if not days:
        text = f"The data has no day of H2 2025 (it runs {span(view)})."
    else:
        text = f"SoRs per day in {_h2(view)}: " + "; ".join(
            f"{p} {formatting.count(r['sors'] / days)}" for p, r in totals.items()
        )
        text += "." + _absent(BIG_THREE, totals)
    return _answer(view, text), _chart(chart, view)


def categories(view: SorView):
    """Which harmonised category is largest per platform, and the monthly category mix."""
    mix = stats.category_mix(
        view.frame, platforms=["AliExpress", "Amazon Store", "Temu", "SHEIN", "Vinted", "eBay"]
    )
    whole = stats.shares(view.frame, "category_v2", platforms=BIG_THREE)
    top = (
        whole.sort("platform", "share", descending=[False, True])
        .group_by("platform", maintain_order=True)
        .first()
    )
    rows = _rows(top, BIG_THREE)
    text = f"Largest harmonised category {span(view)}: " + "; ".join(
        f"{p}: {sor_charts.label(r['variant'])} {formatting.pct(r['share'])}" for p, r in rows.items()
    )
    default = "Amazon Store" if "Amazon Store" in mix["platform"].to_list() else None
    return _answer(view, text + "." + _absent(BIG_THREE, rows)), _chart(
        sor_charts.category_mix(mix, default_platform=default), view
    )


def keywords(view: SorView):
    """Which platforms give no keyword at all, in H2 2025 and over the whole period."""
    use = stats.keyword_use(view.frame, platforms=FOCUS, **H2)
    none = use.filter(pl.col("keywords") == 0)
    whole = _rows(stats.keyword_use(view.frame, platforms=["AliExpress", "Amazon Store"]), BIG_THREE)
    text = (
        f"{_h2(view)}: {none.height} of {use.height} platforms gave no keyword in any SoR"
        + (": " + ", ".join(f"{md(r['platform'])} ({r['sors']:,} SoRs)" for r in none.iter_rows(named=True)))
        * bool(none.height)
        + "."
    )
    temu = _rows(use, ["Temu"])
    if temu:
        text += f" Temu gave {temu['Temu']['keywords_per_100_sors']:,.1f} keywords per 100 SoRs."
    if whole:
        text += f" {span(view)[0].upper() + span(view)[1:]}: " + "; ".join(
            f"{p} {r['keywords']:,} keywords in {r['sors']:,} SoRs" for p, r in whole.items()
        )
        text += "."
    chart = sor_charts.keyword_use_chart(
        use,
        subtitle="H2 2025. Keywords given per 100 SoRs (a SoR can carry "
        'several); "none": not one keyword in any SoR of the half-year.',
    )
    return _answer(view, text), _chart(chart, view)


def keyword_mix(view: SorView):
    """Which keywords the platforms that give them use (H2 2025); no chart when no platform gives any."""
    use = stats.keyword_use(view.frame, platforms=FOCUS, **H2)
    givers = use.filter(pl.col("keywords") > 0)["platform"].to_list()
    if not givers:
        text = f"No platform gave a keyword in {_h2(view)}: there is no keyword mix to show."
        return _answer(view, text), Answer("(No chart: no keyword to show.)")
    kw = sor_charts.with_labels(
        stats.shares(view.frame, "keyword_v2", platforms=givers, **H2), "variant", "keyword"
    )
    temu = kw.filter(pl.col("platform") == "Temu").sort("share", "keyword", descending=[True, False]).head(3)
    if temu.height:
        text = f"Temu's most frequent keywords, {_h2(view)}: " + "; ".join(
            f"{r['keyword']} {formatting.pct(r['share'])}" for r in temu.iter_rows(named=True)
        )
    else:
        text = f"Temu gave no keyword in {_h2(view)}; platforms that did: " + ", ".join(map(md, givers))
    chart = sor_charts.share_bars(
        kw,
        category="keyword",
        legend_title="keyword (v2)",
        title="Which keywords do the platforms that give them use?",
        subtitle="H2 2025, shares of the keywords given; the 7 most frequent keep their own colour.",
        description="Horizontal 100 % stacked bars of the keywords (category specifications) given in "
        "statements of reasons per platform, H2 2025.",
    )
    return _answer(view, text + "."), _chart(chart, view)


def automation(view: SorView):
    """How automated AliExpress's decisions were in H2 2025, beside the other platforms."""
    table = stats.automation(view.frame, platforms=FOCUS, **H2)
    rows = _rows(table, BIG_THREE)
    text = f"{_h2(view)}: " + "; ".join(
        f"{p} {r['fully']:.1%} fully automated, {r['automated_detection']:.1%} detected automatically"
        for p, r in rows.items()
    )
    chart = sor_charts.automation_chart(
        table, subtitle="H2 2025. Bars: automated decision; black tick: share detected by automated means."
    )
    return _answer(view, text + "." + _absent(BIG_THREE, rows)), _chart(chart, view)


def delays(view: SorView):
    """Return the mean moderation delay in H2 2025 and AliExpress's negative delays over the period."""
    table = stats.delays(view.frame, platforms=FOCUS, **H2)
    neg = _rows(stats.delays(view.frame, platforms=["AliExpress"]), ["AliExpress"])
    mean = _rows(table, BIG_THREE)
    text = f"Mean delay, {_h2(view)}: " + "; ".join(
        f"{p} {r['mean_days']:,.1f} days" for p, r in mean.items() if r["mean_days"] is not None
    )
    if neg:
        r = neg["AliExpress"]
        text += (
            f". AliExpress: {r['negative']:,} SoRs with a negative moderation delay {span(view)} "
            f"({r['negative_share']:.3%} of its SoRs)"
        )
    chart = sor_charts.delay_chart(
        table, subtitle="H2 2025; days from content date to decision (log scale); negative delays left out."
    )
    return _answer(view, text + "." + _absent(BIG_THREE, mean)), _chart(chart, view)


def decision_types(view: SorView):
    """Return what the decisions restrict (H2 2025): the share restricting visibility only, and the chart."""
    table = stats.shares(view.frame, "decision_type", platforms=FOCUS, **H2)
    vis = table.filter(pl.col("variant") == "vis").select("platform", "share").sort("share", "platform")
    total = table["platform"].n_unique()
    mostly = vis.filter(pl.col("share") > 0.5).height
    text = (
        f"{_h2(view)}: for {mostly} of {total} platforms most SoRs restrict visibility only"
        + (" (" + "; ".join(f"{md(p)} {formatting.pct(s)}" for p, s in vis.iter_rows()) + ")")
        * bool(vis.height)
        + "."
    )
    chart = sor_charts.decision_type_chart(
        table, subtitle="H2 2025. Combinations of visibility, monetary, service and account restrictions."
    )
    return _answer(view, text), _chart(chart, view)


def sources(view: SorView):
    """Return what triggered the decisions: the share on the platform's own initiative (H2 2025)."""
    table = stats.shares(view.frame, "source_type", platforms=FOCUS, **H2)
    voluntary = (
        table.filter(pl.col("variant") == "SOURCE_VOLUNTARY").select("platform", "share").sort("share")
    )
    text = f"Share of SoRs on the platform's own initiative, {_h2(view)}: " + "; ".join(
        f"{md(p)} {formatting.pct(s)}" for p, s in voluntary.iter_rows()
    )
    return _answer(view, text + "."), _chart(sor_charts.source_type_chart(table, subtitle="H2 2025."), view)


def territorial_scope(view: SorView):
    """Where the decisions apply (H2 2025): who gives a list of countries rather than an alias."""
    table = stats.shares(view.frame, "territorial_scope_kind", platforms=FOCUS, **H2)
    lists = (
        table.filter(pl.col("variant") == "other list").select("platform", "share").sort("share", "platform")
    )
    mostly = lists.filter(pl.col("share") > 0.5)
    text = (
        f"{_h2(view)}: {mostly.height} of {table['platform'].n_unique()} platforms give most territorial "
        "scopes as a list of countries rather than the EU/EEA alias"
        + (": " + "; ".join(f"{md(p)} {formatting.pct(s)}" for p, s in mostly.iter_rows()))
        * bool(mostly.height)
        + "."
    )
    chart = sor_charts.territorial_chart(
        table,
        subtitle="H2 2025. EU / EEA / EEA_no_IS: the whole area as one alias; other list: any list of "
        "countries.",
    )
    return _answer(view, text), _chart(chart, view)


def _rates(frame: pl.DataFrame, columns) -> pl.DataFrame:
    """Return ``frame`` with ``columns`` printed by :func:`dsa_explore.core.formatting.rate` (text)."""
    return frame.with_columns(
        pl.col(c).map_elements(formatting.rate, return_dtype=pl.String) for c in columns
    )


def per_moderator(view: SorView):
    """SoRs per reported moderator: the table, the answer for AliExpress, and the chart.

    The table prints the two ratios with :func:`dsa_explore.core.formatting.rate`, as the answer does,
    so a rate below 1 never reads as 0.
    """
    table = stats.sors_per_moderator(view.frame, n_days=max(days_h2(view), 1))
    ratio = dict(table.select("platform", "sors_per_moderator").iter_rows())
    if ratio.get("AliExpress"):
        ali = ratio["AliExpress"]
        text = f"AliExpress: {formatting.rate(ali)} SoRs per reported moderator in {_h2(view)}"
        others = [f"{formatting.rate(ali / ratio[p])}× {p}" for p in ("Amazon Store", "Temu") if ratio.get(p)]
        text += (", " + " and ".join(others) if others else "") + "."
    else:
        text = f"No SoRs of AliExpress in {_h2(view)}: no ratio to give."
    ratios = ["sors_per_moderator", "sors_per_moderator_per_day"]
    shown = mark(_rates(table.drop("source_url"), ratios), view.synthetic)
    if not any(v and v > 0 for v in ratio.values()):
        return shown, _answer(view, text), Answer("(No chart: no platform has SoRs per moderator to show.)")
    return shown, _answer(view, text), _chart(sor_charts.per_moderator_chart(table), view)


def reported_actions(view: SorView):
    """SoRs against the actions the platforms report: the table, the answer and the chart."""
    versus = stats.sors_vs_reported_actions(view.frame)
    text = f"SoRs filed per moderation action reported, {_h2(view)}: " + "; ".join(
        f"{md(r['platform'])} {formatting.rate(r['sors_to_reported'])}×" for r in versus.iter_rows(named=True)
    )
    shown = _rates(versus.with_columns(pl.col("reported_actions").cast(pl.Int64)), ["sors_to_reported"])
    chart = sor_charts.reported_actions_chart(stats.reported_actions_long(view.frame))
    return mark(shown, view.synthetic), _answer(view, text + "."), _chart(chart, view)


def section_facts(section) -> pl.DataFrame:
    """Return a briefing section's facts as a table (key, label, text, source); marked when SYNTHETIC."""
    frame = pl.DataFrame(
        [
            {
                "key": f.key,
                "label": f.label,
                "text": f.text,
                "source": f.source.dataset or f.source.url or f.source.label,
            }
            for f in section.facts
        ],
        schema={"key": pl.String, "label": pl.String, "text": pl.String, "source": pl.String},
    )
    return mark(frame, bool(section.synthetic))
