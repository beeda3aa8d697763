"""Dataset builds: how every derived or generated file under ``data/`` is made again.

A :class:`Build` names its outputs (paths under the data folder), its inputs (lineage) and the
function that writes the outputs and their provenance records (through
:func:`dsa_explore.data.provenance.write`) into a given data folder. The builds themselves live next
to the code that produces the data (``BUILD`` objects in ``synth/``, ``readers/``, ``analysis/``);
the ordered registry is :data:`dsa_explore.cli.data.BUILDS`, behind ``make data`` and
``dsa-explore data build NAME|--all``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dsa_explore.core import paths
from dsa_explore.core.errors import DsaExploreError


class BuildInputMissing(DsaExploreError):
    """A build needs an input that is not shipped with the project (the message says which and where from)."""


@dataclass(frozen=True)
class Build:
    """One dataset build: ``function(root, source)`` writes ``outputs`` (relative to ``root``) with records.

    ``external`` describes an input that is not shipped (such a build runs only when given
    ``source``; ``--all`` lists it as not rebuilt and says why).
    """

    name: str
    outputs: tuple[str, ...]
    inputs: tuple[str, ...]
    function: Callable[..., list[Path]]
    description: str
    external: str | None = None

    def run(self, root: str | Path | None = None, source: str | Path | None = None) -> list[Path]:
        """Write the outputs under ``root`` (default: the data folder); return the files written."""
        root = Path(root) if root is not None else paths.data_dir()
        if self.external and source is None:
            raise BuildInputMissing(f"{self.name} needs {self.external}; pass it with --source PATH")
        written = self.function(root, source) if self.external else self.function(root)
        expected = sorted(str(root / o) for o in self.outputs)
        if sorted(str(p) for p in written) != expected:
            raise RuntimeError(
                f"{self.name} wrote {sorted(map(str, written))}, its registry entry says {expected}"
            )
        return written
