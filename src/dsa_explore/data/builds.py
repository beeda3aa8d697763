"""Dataset builds: how every derived or generated file under ``data/`` is made again.

A :class:`Build` names its outputs (paths under the data folder), its inputs (lineage) and the
function that writes the outputs and their provenance records (through
:func:`dsa_explore.data.provenance.write`) into a given data folder. The builds themselves live next
to the code that produces the data (``BUILD`` objects in ``synth/``, ``readers/``, ``analysis/``);
the ordered registry is :data:`dsa_explore.cli.data.BUILDS`, behind ``make data`` and
``dsa-explore data build NAME|--all``.

A build whose input is public but not shipped names it as an
:class:`~dsa_explore.data.sources.ExternalSource`: ``dsa-explore data fetch NAME`` (``make
data-sources``) downloads and checks it once into the cache folder, and the build then reads it
from there unless it is given ``--source FILE``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dsa_explore.core import paths
from dsa_explore.core.errors import DsaExploreError
from dsa_explore.data import sources as _sources


class BuildInputMissing(DsaExploreError):
    """A build needs an input that is not shipped with the project (the message says which and where from)."""


@dataclass(frozen=True)
class Build:
    """One dataset build: ``function(root, source)`` writes ``outputs`` (relative to ``root``) with records.

    Parameters
    ----------
    name
        The build's name (``dsa-explore data build NAME``); usually the catalog name of its output.
    outputs
        Paths, relative to the data folder, of every file the build writes (records not counted).
    inputs
        What it reads: catalog names, or descriptions of an external input.
    function
        ``function(root)``, or ``function(root, source)`` for a build with an external input.
    description
        One line for ``dsa-explore data builds``.
    external
        What the input that is not shipped is (None: every input is shipped or generated).
    fetch
        Where that input can be fetched from (``dsa-explore data fetch NAME``), if it is public.
    """

    name: str
    outputs: tuple[str, ...]
    inputs: tuple[str, ...]
    function: Callable[..., list[Path]]
    description: str
    external: str | None = None
    fetch: _sources.ExternalSource | None = None

    def find_source(self) -> Path:
        """Return the cached external input, or raise :class:`BuildInputMissing` saying how to get it."""
        found = _sources.cached(self.fetch) if self.fetch is not None else None
        if found is not None:
            return found
        if self.fetch is None:
            raise BuildInputMissing(f"{self.name} needs {self.external}; pass it with --source PATH")
        raise BuildInputMissing(
            f"{self.name} needs {self.external}, not in {_sources.sources_dir()}; fetch it once with "
            f"`dsa-explore data fetch {self.name}` (or `make data-sources`: downloads "
            f"{self.fetch.size / 1e6:.1f} MB from {self.fetch.url}), or pass a copy with --source PATH"
        )

    def run(self, root: str | Path | None = None, source: str | Path | None = None) -> list[Path]:
        """Write the outputs under ``root`` (default: the data folder); return the files written.

        A build with an external input reads ``source``, or else the copy fetched into the cache
        folder (:func:`dsa_explore.data.sources.cached`); without either it raises
        :class:`BuildInputMissing` naming the command that fetches it.
        """
        root = Path(root) if root is not None else paths.data_dir()
        if self.external and source is None:
            source = self.find_source()
        written = self.function(root, source) if self.external else self.function(root)
        expected = sorted(str(root / o) for o in self.outputs)
        if sorted(str(p) for p in written) != expected:
            raise RuntimeError(
                f"{self.name} wrote {sorted(map(str, written))}, its registry entry says {expected}"
            )
        return written
