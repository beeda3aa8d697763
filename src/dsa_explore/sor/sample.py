"""A reproducible stratified random sample of stored statements of reasons, with inclusion probabilities.

``dsa-explore sor sample --store DIR --n 400 --by category --seed 1`` draws, from the row store, a
stratified simple random sample without replacement, in the style of the project's listing samples
(``docs/listing-sample-format.md``): one row per sampled statement with its ``stratum``,
``selection_mechanism`` (``random_in_stratum``), ``inclusion_prob`` and ``weight``, and a frame table
with one row per stratum and its size N_h. Label columns are left empty for the reviewer; once
filled (or computed, e.g. by :mod:`dsa_explore.analysis.sor_text`), the project's survey estimators
(:func:`dsa_explore.analysis.estimators.stratified_prevalence`) give the share and its interval.

Design:

- the population is every stored statement with a uuid of the chosen platforms and days, once
  (uuids de-duplicated); statements without uuid cannot be identified and are left out (counted in
  :attr:`Sample.without_uuid`);
- strata are platform × the ``by`` columns (``category`` is the v2 category): estimates per platform
  need the platform in the strata;
- allocation is proportional to N_h (largest remainders), at least ``min_per_stratum`` (default 2, so
  that a within-stratum variance exists) and at most N_h; so the total can exceed ``n`` when there
  are many small strata;
- within a stratum, units are ordered by uuid and ``numpy.random.default_rng([seed, k])`` (k the
  stratum's rank in sorted order) picks n_h of them without replacement: the same store, ``n``,
  ``by`` and ``seed`` give the same sample, whatever the order of files on disk;
- ``inclusion_prob`` = n_h / N_h and ``weight`` = N_h / n_h, so the weights of a stratum sum to N_h.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from dsa_explore.sor import rows as rowstore

#: Text columns copied into the sample for the reviewer.
SAMPLE_TEXT: tuple[str, ...] = (
    "decision_facts",
    "incompatible_content_ground",
    "incompatible_content_explanation",
    "illegal_content_legal_ground",
    "illegal_content_explanation",
)
_BY_ALIASES = {"category": "category_v2", "category_published": "category"}


@dataclass
class Sample:
    """A drawn sample: ``sample`` (one row per statement) and ``frame`` (one row per stratum)."""

    sample: pl.DataFrame
    frame: pl.DataFrame
    without_uuid: int
    seed: int
    by: tuple[str, ...]


def _allocate(sizes: np.ndarray, n: int, minimum: int) -> np.ndarray:
    """Proportional allocation of ``n`` over strata of ``sizes`` (largest remainders), within [min, N_h]."""
    total = sizes.sum()
    if total == 0:
        return np.zeros_like(sizes)
    exact = n * sizes / total
    alloc = np.floor(exact).astype(np.int64)
    short = n - alloc.sum()
    if short > 0:
        order = np.lexsort((np.arange(len(sizes)), -(exact - alloc)))
        alloc[order[:short]] += 1
    alloc = np.maximum(alloc, np.minimum(minimum, sizes))
    return np.minimum(alloc, sizes)


def _strata_columns(by: Sequence[str]) -> list[str]:
    """Return the stored columns named by ``by`` (aliases as in ``sor search --by``), checked."""
    by_cols = [_BY_ALIASES.get(b.strip(), b.strip()) for b in by if b.strip()]
    unknown = [
        b
        for b in by_cols
        if b not in rowstore.ROW_SCHEMA or isinstance(rowstore.ROW_SCHEMA[b], (pl.List, pl.Struct))
    ]
    if unknown:
        raise ValueError(
            f"--by: not a single-valued column of the row store: {', '.join(unknown)} "
            "(use day, category, category_published, decision_ground, source_type, ...)"
        )
    return by_cols


def _selection(platforms, since, until) -> str:
    """Describe the population asked for, for the message of an empty sample."""
    parts = [f"--platform {', '.join(platforms)}"] if platforms else ["every platform"]
    parts += [f"--since {since}"] if since else []
    parts += [f"--until {until}"] if until else []
    return ", ".join(parts)


def draw(
    store,
    n: int,
    *,
    by: Sequence[str] = ("category",),
    seed: int = 1,
    platforms: Iterable[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    min_per_stratum: int = 2,
) -> Sample:
    """Draw a stratified random sample of ``n`` statements (the design is in the module docstring).

    Parameters
    ----------
    store
        A row store (a folder ingested with ``dsa-explore sor ingest --rows``, or a
        :class:`~dsa_explore.sor.store.Store`).
    n
        The sample size before the per-stratum minimum; the total can exceed it.
    by
        Columns of the row store that stratify within each platform (``day``, ``category`` is the v2
        category, ``category_published`` the category as filed; list columns are refused).
    seed
        The seed of every stratum's generator (``numpy.random.default_rng([seed, k])``).
    platforms, since, until
        The population: platforms (old names accepted) and days (``YYYY-MM-DD``, inclusive).
    min_per_stratum
        The fewest statements drawn from a stratum (at most its size).

    Returns
    -------
    Sample
        The sampled statements with ``inclusion_prob`` and ``weight``, the frame table (one row per
        stratum with its size) and the number of stored statements left out for want of a uuid.

    Raises
    ------
    ValueError
        For ``n`` below 1, a ``by`` column that is not a single-valued column of the row store, or
        a selection with no stored statement.
    FileNotFoundError
        When ``store`` is not a store (it has no manifest).
    """
    if n < 1:
        raise ValueError(f"--n {n}: expected a sample size of at least 1")
    keys = ["platform", *[b for b in _strata_columns(by) if b != "platform"]]
    lf = rowstore.scan(store, platforms=platforms, since=since, until=until)
    population = lf.select(*keys, "uuid").collect()
    without_uuid = int(population.get_column("uuid").null_count())
    population = population.filter(pl.col("uuid").is_not_null()).unique(subset=["uuid"], keep="first")
    if population.height == 0:
        where = getattr(store, "root", store)
        raise ValueError(
            f"{where}: no stored statements with a uuid match the selection "
            f"({_selection(platforms, since, until)})"
        )
    stratum = pl.concat_str(
        [pl.col(k).cast(pl.String).fill_null("(none)") for k in keys], separator=" | "
    ).alias("stratum")
    population = population.with_columns(stratum).sort(["stratum", "uuid"])
    strata = population.group_by("stratum", maintain_order=True).agg(
        pl.first("platform"), pl.len().alias("N_h")
    )
    sizes = strata.get_column("N_h").to_numpy().astype(np.int64)
    alloc = _allocate(sizes, n, min_per_stratum)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    picks = []
    for k, (start, size, n_h) in enumerate(zip(starts, sizes, alloc, strict=True)):
        if n_h:
            rng = np.random.default_rng([seed, k])
            picks.append(start + np.sort(rng.choice(size, size=n_h, replace=False)))
    idx = np.concatenate(picks) if picks else np.array([], dtype=np.int64)
    frame = strata.with_columns(pl.Series("n_h", alloc), pl.col("N_h").cast(pl.Int64)).rename(
        {"N_h": "frame_size"}
    )
    chosen = population[idx].select("uuid", "stratum")
    detail = (
        lf.filter(pl.col("uuid").is_in(chosen.get_column("uuid").implode()))
        .select("uuid", "platform", "category_v2", "category", "decision_ground", "day", *SAMPLE_TEXT)
        .collect()
        .unique(subset=["uuid"], keep="first")
    )
    sample = (
        chosen.join(frame.select("stratum", "frame_size", "n_h"), on="stratum", how="left")
        .join(detail, on="uuid", how="left")
        .with_columns(
            pl.lit("random_in_stratum").alias("selection_mechanism"),
            (pl.col("n_h") / pl.col("frame_size")).alias("inclusion_prob"),
            (pl.col("frame_size") / pl.col("n_h")).alias("weight"),
        )
        .sort(["stratum", "uuid"])
        .select(
            pl.col("uuid").alias("statement_id"),
            "platform",
            pl.col("category_v2").alias("category"),
            pl.col("category").alias("category_published"),
            "decision_ground",
            "day",
            "stratum",
            "selection_mechanism",
            "inclusion_prob",
            "weight",
            pl.col("frame_size").alias("stratum_size"),
            *SAMPLE_TEXT,
        )
    )
    frame_table = frame.select(
        "stratum",
        "platform",
        "frame_size",
        pl.format(
            "stored statements of {} with uuid (strata: {}); sampled {}",
            pl.col("platform"),
            pl.lit(" x ".join(keys)),
            pl.col("n_h"),
        ).alias("description"),
    )
    return Sample(sample=sample, frame=frame_table, without_uuid=without_uuid, seed=seed, by=tuple(keys))


#: ``dsa-explore sor sample`` in Python (the same function as :func:`draw`).
sample = draw
