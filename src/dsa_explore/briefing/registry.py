"""The briefing's sections, in reading order: an explicit tuple of imported section modules.

Adding a section is one new module in :mod:`dsa_explore.briefing.sections` (with ``KEY`` and
``section(platform) -> Section``) plus one line here; ``notebooks/briefing.ipynb`` loops over
this tuple, so nothing else changes. See ``docs/CONVENTIONS.md``.
"""

from __future__ import annotations

from dsa_explore.briefing.sections import (
    links,
    listings,
    notices,
    penalties,
    resources,
    risk,
    safetygate,
    sor,
    sor_text,
)

SECTIONS = (
    resources,
    notices,
    listings,
    sor,
    sor_text,
    risk,
    safetygate,
    links,
    penalties,
)
