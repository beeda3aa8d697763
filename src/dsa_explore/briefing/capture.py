"""Briefings from the analyst's own captures: which captures, and the helpers the capture sections share.

``make briefing CAPTURE=PATH`` (``dsa-explore briefing --capture PATH``, repeatable) sets the
environment variable :data:`CAPTURE_ENV` for the executed ``notebooks/briefing.ipynb``, which
passes :func:`capture_paths` to :class:`dsa_explore.briefing.build.Briefing`. The sections that
have a ``section_from_capture(evidence)`` (listings, risk, links) are then built from the
capture (:mod:`dsa_explore.analysis.capture_evidence`) instead of synthetic data: every fact's
footnote names the capture files with their sha256, a table under the section lists them, and
the section is not marked SYNTHETIC. Without the variable the briefing is unchanged.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from dsa_explore.analysis import capture_evidence as ce
from dsa_explore.briefing.model import Fact, Source
from dsa_explore.core import formatting

#: Environment variable naming the capture paths of a briefing (several joined by ``os.pathsep``).
CAPTURE_ENV = "DSA_EXPLORE_CAPTURE"

#: Longest hidden-link chain the capture section looks for (links).
MAX_HOPS = 3


def capture_paths(value: str | None = None) -> list[Path]:
    """Return the capture paths named by ``value`` (default: the :data:`CAPTURE_ENV` variable), or []."""
    value = os.environ.get(CAPTURE_ENV, "") if value is None else value
    return [Path(p) for p in value.split(os.pathsep) if p.strip()]


def files_with_hashes(evidence: ce.CaptureEvidence) -> str:
    """Return the capture files as "name (sha256 <hex>)", joined by "; "."""
    return "; ".join(f"{r['file']} (sha256 {r['sha256']})" for r in evidence.sources.iter_rows(named=True))


def source(evidence: ce.CaptureEvidence, what: str) -> Source:
    """Return the source of a capture fact: what was computed, and every capture file with its sha256."""
    return Source(
        label=f"{what}, computed by dsa-explore from the analyst's capture: {files_with_hashes(evidence)}"
    )


def share(key: str, label: str, k: int, n: int, low: float, high: float, src: Source) -> Fact:
    """Return a "k of n (share; 95% CI)" fact with its Wilson interval."""
    return Fact(
        key,
        label,
        k / n if n else None,
        f"{k} of {n} ({formatting.pct(k / n)}; 95% CI {formatting.pct(low)}–{formatting.pct(high)})",
        src,
        uncertainty=f"95% Wilson interval {formatting.pct(low)}–{formatting.pct(high)}",
    )


def sources_table(evidence: ce.CaptureEvidence) -> pl.DataFrame:
    """Return the table of capture files (name, sha256, bytes) shown under a capture section."""
    return evidence.sources.select(pl.col("file").alias("capture file"), "sha256", "bytes")


def evidence_caveat(evidence: ce.CaptureEvidence) -> str:
    """Return the caveat naming the captures a section rests on and what was read from them."""
    return f"Rests on the capture(s) {evidence.names}, not on synthetic data: {evidence.capture.summary()}."


def load(paths: list[Path]) -> ce.CaptureEvidence:
    """Return the capture evidence of ``paths`` (read, listings extracted and validated, edges)."""
    return ce.load(paths)
