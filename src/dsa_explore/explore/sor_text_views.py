"""Notebook 08's questions, one call each: the table (and chart) and an answer computed from them.

Each function takes the row store (:func:`dsa_explore.analysis.sor_text.open_store`) and what the
notebook already read from it (the rows, their indicators), and returns the pieces a cell shows: the
table, the chart where there is one, and an :class:`~dsa_explore.explore.sor_views.Answer` whose
every figure comes from that table. When the store is SYNTHETIC (``TextStore.synthetic``; the shipped
store is), every answer starts with **SYNTHETIC DATA**, every chart title carries [SYNTHETIC DATA]
and every table starts with a ``data`` column reading ``SYNTHETIC``.

The logic is in :mod:`dsa_explore.analysis.sor_text`, :mod:`dsa_explore.sor.search`,
:mod:`dsa_explore.sor.sample` and :mod:`dsa_explore.analysis.estimators`; the drawing in
:mod:`dsa_explore.charts.sor_text`.
"""

from __future__ import annotations

import polars as pl

from dsa_explore.analysis import estimators, sor_text
from dsa_explore.analysis.sor_text import COMPARE, TextStore
from dsa_explore.charts import sor_text as text_charts
from dsa_explore.core import formatting
from dsa_explore.explore.sor_views import Answer, mark, md
from dsa_explore.sor import sample, search

#: The regular expression of the notebook's one-line search (case-insensitive).
TOY_PATTERN = r"toy|jouet|spielzeug|rattle|teddy|doll"


def _answer(store: TextStore, text: str) -> Answer:
    prefix = "**SYNTHETIC DATA** (generated statements, not evidence): " if store.synthetic else ""
    return Answer(prefix + text)


def _present(names, table: pl.DataFrame) -> list[str]:
    have = set(table["platform"].to_list()) if "platform" in table.columns else set()
    return [n for n in names if n in have]


def _absent(names, table: pl.DataFrame) -> str:
    missing = [n for n in names if n not in set(_present(names, table))]
    return f" No statements of {', '.join(map(md, missing))} in the store." if missing else ""


def describe(store: TextStore):
    """Return the statements stored per platform and a sentence saying which store it is."""
    table = pl.DataFrame(
        {"platform": list(store.platforms), "statements stored": list(store.platforms.values())},
        schema={"platform": pl.String, "statements stored": pl.Int64},
    )
    if store.shipped:
        text = (
            "No store configured (DSA_EXPLORE_SOR_STORE is not set): built a small store from the dumps "
            "shipped in data/sor/dumps/. It holds SYNTHETIC statements: the figures below demonstrate the "
            "method."
        )
    else:
        text = f"Reading the row store {md(store.path)}."
        if store.synthetic:
            text += f" {len(store.synthetic_dumps)} of its dumps were written by the project's generators."
    text += f" {table['statements stored'].sum():,} statements of {table.height} platforms."
    return mark(table, store.synthetic), _answer(store, text)


def read(store: TextStore, platforms=COMPARE):
    """Return the stored rows of ``platforms``, their indicators and a sentence counting them."""
    rows = sor_text.load(store, platforms)
    ind = sor_text.indicators(rows)
    text = (
        f"{rows.height:,} statements of {', '.join(map(md, platforms))} read; "
        f"{ind['template'].n_unique():,} distinct templates." + _absent(platforms, ind)
    )
    return rows, ind, _answer(store, text)


def top_templates(store: TextStore, ind: pl.DataFrame, platform: str = "AliExpress", n: int = 5):
    """Return ``platform``'s ``n`` most used templates and how much of its statements they cover."""
    top = sor_text.top_templates(ind, platform, n=n)
    if top.is_empty():
        return mark(top, store.synthetic), _answer(store, f"No statements of {md(platform)} in the store.")
    text = (
        f"The {top.height} most used templates cover {formatting.pct(top['share'].sum())} of "
        f"{md(platform)}'s "
        f"statements; the most used one alone {formatting.pct(top['share'][0])}."
    )
    return mark(top, store.synthetic), _answer(store, text)


def boilerplate(store: TextStore, ind: pl.DataFrame):
    """Return the template summary per platform, its chart and the share in the 10 most used templates."""
    boiler = sor_text.template_summary(ind)
    rows = {r["platform"]: r for r in boiler.iter_rows(named=True)}
    text = "Share of statements in the 10 most used templates: " + "; ".join(
        f"{md(p)} {formatting.pct(r['top10_share'])} ({r['templates']} templates for "
        f"{r['statements']} statements)"
        for p, r in ((p, rows[p]) for p in COMPARE if p in rows)
    )
    chart = text_charts.boilerplate_bars(boiler, synthetic=store.synthetic)
    return mark(boiler, store.synthetic), chart, _answer(store, text + "." + _absent(COMPARE, boiler))


def terms(store: TextStore, rows: pl.DataFrame, ind: pl.DataFrame):
    """Return the charts of products and harms named, the harm table and the share naming a harm."""
    products = sor_text.terms_named(rows, kind="product")
    harms = sor_text.terms_named(rows, kind="harm")
    named = (
        harms.group_by("platform")
        .agg(pl.col("named").sum().alias("harm mentions"))
        .join(
            ind.group_by("platform").agg(pl.col("names_harm").mean().alias("share naming a harm")),
            on="platform",
        )
        .sort("platform")
    )
    rows_ = {r["platform"]: r for r in named.iter_rows(named=True)}
    text = "Share of statements naming a harm or defect: " + "; ".join(
        f"{md(p)} {formatting.pct(rows_[p]['share naming a harm'])}" for p in COMPARE if p in rows_
    )
    charts = tuple(
        text_charts.terms_bars(frame, what=what, synthetic=store.synthetic)
        if frame["named"].sum()
        else _answer(store, f"(No chart: no statement names any of the {what}.)")
        for frame, what in ((products, "products"), (harms, "harms"))
    )
    return charts, mark(named, store.synthetic), _answer(store, text + "." + _absent(COMPARE, named))


def specificity(store: TextStore, ind: pl.DataFrame):
    """Return the indicator shares (wide table), their chart and the share citing a law or rule."""
    shares = sor_text.indicator_shares(ind)
    wide = shares.pivot(on="platform", index="title", values="share")
    redress = {
        r["platform"]: r["share"]
        for r in shares.filter(pl.col("indicator") == "mentions_redress").iter_rows(named=True)
    }
    item = {
        r["platform"]: r["share"]
        for r in shares.filter(pl.col("indicator") == "names_item").iter_rows(named=True)
    }
    text = "Share of statements naming the item / mentioning redress: " + "; ".join(
        f"{md(p)} {formatting.pct(item[p])} / {formatting.pct(redress[p])}" for p in COMPARE if p in item
    )
    chart = text_charts.indicator_dots(shares, synthetic=store.synthetic)
    return mark(wide, store.synthetic), chart, _answer(store, text + "." + _absent(COMPARE, shares))


def elements(store: TextStore, ind: pl.DataFrame):
    """Return how many of the four Art. 17(3) elements the statements give, per platform."""
    spec = (
        ind.group_by("platform")
        .agg(
            (pl.col("specificity") == 0).mean().alias("none of the 4 elements"),
            (pl.col("specificity") >= 3).mean().alias("3 or 4 elements"),
            pl.col("specificity").mean().alias("mean elements (0-4)"),
        )
        .sort("platform")
    )
    rows = {r["platform"]: r for r in spec.iter_rows(named=True)}
    text = "; ".join(
        f"{md(p)}: {formatting.pct(rows[p]['none of the 4 elements'])} of statements give none of the four "
        "elements"
        for p in COMPARE
        if p in rows
    )
    return mark(spec, store.synthetic), _answer(store, (text + ".") * bool(text) + _absent(COMPARE, spec))


def toys(store: TextStore, pattern: str = TOY_PATTERN):
    """Return ``sor search --count`` for ``pattern`` over the compared platforms and the counts in words."""
    counts = search.count(store.path, pattern, platforms=list(COMPARE))
    text = f"Statements matching {md(pattern)}: " + "; ".join(
        f"{md(r['platform'])} {r['count']:,} of {r['statements']:,} ({formatting.pct(r['share'])})"
        if r["statements"]
        else f"{md(r['platform'])}: no statements"
        for r in counts.iter_rows(named=True)
    )
    return mark(counts, store.synthetic), _answer(store, text + "." + _absent(COMPARE, counts))


def sample_check(store: TextStore, ind: pl.DataFrame, n: int = 90, seed: int = 1):
    """Return a stratified sample's estimate of ``names_product`` beside the share over all statements."""
    drawn = sample.draw(store.path, n, by=["category"], seed=seed, platforms=list(COMPARE))
    labelled = drawn.sample.join(
        ind.select(pl.col("uuid").alias("statement_id"), "names_product"), on="statement_id"
    )
    est = estimators.stratified_prevalence(
        labelled, stratum="stratum", label="names_product", frame_sizes=drawn.frame, by=["platform"]
    )
    full = ind.group_by("platform").agg(pl.col("names_product").mean().alias("all stored statements"))
    table = (
        est.select("platform", "n", "strata", "estimate", "low", "high")
        .join(full, on="platform")
        .sort("platform")
    )
    covered = table.filter(pl.col("all stored statements").is_between(pl.col("low"), pl.col("high")))
    text = (
        f"A sample of {drawn.sample.height} statements: its 95 % interval covers the share over all stored "
        f"statements for {covered.height} of {table.height} platforms."
    )
    return mark(table, store.synthetic), _answer(store, text)


def headline(store: TextStore, ind: pl.DataFrame) -> Answer:
    """Return the notebook's headline for this store: boilerplate, item and facts named, per platform."""
    boiler = {r["platform"]: r for r in sor_text.template_summary(ind).iter_rows(named=True)}
    means = ind.group_by("platform").agg(pl.col("names_item").mean(), pl.col("states_facts").mean())
    share = {r["platform"]: r for r in means.iter_rows(named=True)}
    text = "In this store: " + "; ".join(
        f"{md(p)} {formatting.pct(boiler[p]['top10_share'])} of statements in its 10 most used templates, "
        f"{formatting.pct(share[p]['names_item'])} naming the item, "
        f"{formatting.pct(share[p]['states_facts'])} stating the case's facts"
        for p in COMPARE
        if p in boiler
    )
    return _answer(store, text + "." + _absent(COMPARE, ind))
