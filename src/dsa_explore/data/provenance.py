"""The one provenance-record writer: every generated or derived dataset's ``<file>.meta.json``.

Builders describe a file (name, title, description, source, licence, version, ...) and say what built
it and from which inputs; :func:`write` adds that lineage as data (``built_by``, ``inputs``), puts the
fields in one order, spells the licence of synthetic data one way, and lets the catalog fill the
checksum, size, row count and schema. See ``docs/CONVENTIONS.md`` ("Adding a dataset build").
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from dsa_explore.data import catalog

#: The licence of data the project generates (SPDX identifier).
SYNTHETIC_LICENCE = "CC0-1.0"

#: Field order of a record (other fields follow in the order given).
FIELD_ORDER = (
    "name",
    "title",
    "description",
    "format",
    "source",
    "source_urls",
    "licence",
    "retrieved",
    "version",
    "synthetic",
    "built_by",
    "inputs",
)


def record(
    name: str,
    title: str,
    description: str,
    *,
    source: str,
    version: str,
    synthetic: bool,
    licence: str | None = None,
    retrieved: str | None = None,
    source_urls: Sequence[str] = (),
    fmt: str = "csv",
    **extra,
) -> dict:
    """Return the hand-written fields of a provenance record.

    Synthetic data gets :data:`SYNTHETIC_LICENCE`; any other dataset must state its licence.
    """
    if licence is None:
        if not synthetic:
            raise ValueError(f"{name}: a dataset that is not synthetic needs its licence stated")
        licence = SYNTHETIC_LICENCE
    return {
        "name": name,
        "title": title,
        "description": description,
        "format": fmt,
        "source": source,
        "source_urls": list(source_urls),
        "licence": licence,
        "retrieved": retrieved or version,
        "version": version,
        "synthetic": synthetic,
        **extra,
    }


def write(data_file: str | Path, fields: dict, *, built_by: str, inputs: Sequence[str] = ()) -> dict:
    """Write ``<data_file>.meta.json`` from ``fields`` plus lineage; return the complete record.

    Parameters
    ----------
    data_file
        The dataset file the record describes (already written).
    fields
        Hand-written fields, e.g. from :func:`record`; ``schema`` and ``columns`` are kept when given.
    built_by
        The function that wrote the file (``"dsa_explore.synth.links.build"``).
    inputs
        What it was built from: catalog dataset names, or a description of an external source.
    """
    data_file = Path(data_file)
    meta = {**fields, "built_by": built_by, "inputs": list(inputs)}
    ordered = {k: meta[k] for k in FIELD_ORDER if k in meta}
    ordered.update({k: v for k, v in meta.items() if k not in ordered})
    meta_path = data_file.with_name(data_file.name + catalog.META_SUFFIX)
    meta_path.write_text(json.dumps(ordered, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return catalog.refresh(data_file)
