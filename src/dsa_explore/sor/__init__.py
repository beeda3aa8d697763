"""Statements of reasons from the DSA Transparency Database: taxonomy, streaming reader, store.

- :mod:`dsa_explore.sor.taxonomy` enums, platform renames, v1→v2 mapping, territorial aliases.
- :mod:`dsa_explore.sor.reader` reads daily dump zips member by member and summarises each CSV member.
- :mod:`dsa_explore.sor.store` the incremental Parquet store (one partition per day + manifest; one writer,
  by a lock).
- :mod:`dsa_explore.sor.ingest` plans and runs ingestion with a local or Dask executor, committing each day.
- :mod:`dsa_explore.sor.lifeline` makes worker processes die with their coordinator.
- :mod:`dsa_explore.sor.download` downloads days or periods (resumable, capped, sha1-verified).
- :mod:`dsa_explore.sor.check` checks ingested days against the published per-day totals.
- :mod:`dsa_explore.sor.rows` the row store (``ingest --rows``): the statements themselves, typed, by day
  and platform.
- :mod:`dsa_explore.sor.search` regular-expression search of the stored free text (counts or rows).
- :mod:`dsa_explore.sor.sample` reproducible stratified random samples with inclusion probabilities.
- :mod:`dsa_explore.cli.sor` the ``dsa-explore sor`` commands (``cli.sor_rows``: search, sample, rows).

Nothing here imports Dask unless a Dask executor is asked for.
"""
