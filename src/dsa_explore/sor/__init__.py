"""Statements of reasons from the DSA Transparency Database: taxonomy, streaming reader, store.

- :mod:`dsa_explore.sor.taxonomy` enums, platform renames, v1→v2 mapping, territorial aliases.
- :mod:`dsa_explore.sor.reader` reads daily dump zips member by member and summarises each CSV member.
- :mod:`dsa_explore.sor.store` the incremental Parquet store (one partition per day + manifest).
- :mod:`dsa_explore.sor.ingest` plans and runs ingestion with a local or Dask executor.
- :mod:`dsa_explore.cli.sor` the ``dsa-explore sor`` commands.

Nothing here imports Dask unless a Dask executor is asked for.
"""
