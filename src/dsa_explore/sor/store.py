"""The incremental summary store: one Parquet partition per dump (i.e. per day) plus a manifest.

Layout of a store folder::

    manifest.json                              # the source of truth
    summary/<dump>.<sha256[:16]>.parquet       # grouped counts and delay histograms (schema.GROUP_KEYS)
    keywords/<dump>.<sha256[:16]>.parquet      # keyword counts (day, platform, category, keyword)

A partition is written to a temporary file, renamed to its content-addressed name, and only then
the manifest (also written then renamed) points at it; the file it replaces is deleted last. An
interrupted run therefore leaves either the old or the new partition in force, never a half-written
one; files not named by the manifest are ignored and cleaned at the next write. Partition files are
deterministic (sorted rows, no timestamps): the same dump gives byte-identical files whichever
executor summarised it.

Only one process writes a store at a time: :meth:`Store.lock` takes an exclusive ``flock`` on
``<store>/.lock`` for the whole of an ingest (a second ingest waits for it, saying so, or stops with
:class:`StoreLocked`). Readers need no lock: the manifest is replaced atomically.

Manifest entry per dump (keyed by the dump's stem, e.g. ``sor-global-2025-07-01-full``): source file
name, its sha1 and size, layout(s), status (``complete`` or ``partial`` when members were refused),
row account (``rows_read = rows_summarised + rows_rejected``, rejected by reason), faults, member
errors, the platform filter, the store's schema version and the package version.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl

from dsa_explore.core.errors import DsaExploreError
from dsa_explore.sor import schema

MANIFEST = "manifest.json"
STORE_FORMAT = 1
LOCK = ".lock"


class StoreLocked(DsaExploreError):
    """Another process holds the store's write lock (the message says which, and what to do)."""


def package_version() -> str:
    """Return the installed dsa-explore version (``unknown`` if not installed)."""
    try:
        from importlib.metadata import version

        return version("dsa-explore")
    except Exception:  # noqa: BLE001
        return "unknown"


def _fsync_write(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def parquet_bytes(frame: pl.DataFrame) -> bytes:
    """Serialise a frame to Parquet deterministically (zstd, statistics, no timestamps)."""
    import io

    buf = io.BytesIO()
    frame.write_parquet(buf, compression="zstd", compression_level=3, statistics=True)
    return buf.getvalue()


class Store:
    """A summary store folder (created on first write)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    # -- manifest -----------------------------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        """Return the path of the store's ``manifest.json``."""
        return self.root / MANIFEST

    def manifest(self) -> dict:
        """Return the manifest (an empty one when the store is new)."""
        if not self.manifest_path.exists():
            return {"store_format": STORE_FORMAT, "dumps": {}}
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValueError(
                f"{self.manifest_path}: manifest is not valid JSON ({exc}); "
                "restore it or delete the store and re-ingest"
            ) from exc

    def entry(self, dump: str) -> dict | None:
        """Return the manifest entry of ``dump`` (a dump stem), or None."""
        return self.manifest()["dumps"].get(dump)

    def _write_manifest(self, manifest: dict) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f".{MANIFEST}.tmp-{os.getpid()}"
        _fsync_write(
            tmp, (json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()
        )
        os.replace(tmp, self.manifest_path)

    # -- lock ---------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def lock(
        self, *, wait: bool = True, notify: Callable[[str], None] | None = None, what: str = "sor ingest"
    ) -> Iterator[None]:
        """Hold the store's exclusive write lock (``flock`` on ``<store>/.lock``) for the block.

        When another process holds it: with ``wait`` call ``notify`` once with a message naming the
        holder and block until it is released; without ``wait`` raise :class:`StoreLocked`. The lock
        is released when the block ends or the process dies (the kernel drops it), so a killed ingest
        never leaves a store locked. The file holds the holder's pid and command while locked.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise
                holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
                msg = f"{self.root}: the store is being written by {holder}"
                if not wait:
                    raise StoreLocked(
                        f"{msg}; stopped (nothing written). Run again when it has finished, "
                        "or with --wait to wait for it"
                    ) from None
                if notify is not None:
                    notify(f"{msg}; waiting for it to finish (Ctrl-C to stop; nothing is written meanwhile)")
                fcntl.flock(fd, fcntl.LOCK_EX)
            os.ftruncate(fd, 0)
            os.pwrite(
                fd, f"{what} (pid {os.getpid()}, since {time.strftime('%Y-%m-%d %H:%M:%S')})\n".encode(), 0
            )
            try:
                yield
            finally:
                os.ftruncate(fd, 0)  # an empty lock file: stores stay byte-identical between runs
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    # -- partitions ---------------------------------------------------------------------------------
    def _put(self, sub: str, dump: str, frame: pl.DataFrame) -> str:
        folder = self.root / sub
        folder.mkdir(parents=True, exist_ok=True)
        data = parquet_bytes(frame)
        name = f"{dump}.{hashlib.sha256(data).hexdigest()[:16]}.parquet"
        final = folder / name
        if not final.exists():
            tmp = folder / f".{name}.tmp-{os.getpid()}"
            _fsync_write(tmp, data)
            os.replace(tmp, final)
        return f"{sub}/{name}"

    def write_partition(self, dump: str, summary: pl.DataFrame, keywords: pl.DataFrame, entry: dict) -> dict:
        """Atomically replace dump ``dump``'s partition and manifest entry; return the entry written."""
        entry = dict(entry)
        entry["files"] = {
            "summary": self._put("summary", dump, summary),
            "keywords": self._put("keywords", dump, keywords),
        }
        entry["schema_version"] = schema.SCHEMA_VERSION
        entry["package_version"] = package_version()
        manifest = self.manifest()
        old = manifest["dumps"].get(dump)
        manifest["dumps"][dump] = entry
        self._write_manifest(manifest)
        if old:
            for rel in (old.get("files") or {}).values():
                if rel not in entry["files"].values():
                    (self.root / rel).unlink(missing_ok=True)
        self.clean()
        return entry

    def clean(self) -> list[str]:
        """Delete files the manifest does not name (leftovers of interrupted runs); return them."""
        named = {rel for e in self.manifest()["dumps"].values() for rel in (e.get("files") or {}).values()}
        removed = []
        for sub in ("summary", "keywords"):
            folder = self.root / sub
            if not folder.exists():
                continue
            for f in sorted(folder.iterdir()):
                rel = f"{sub}/{f.name}"
                if rel not in named and (f.name.startswith(".") or f.suffix == ".parquet"):
                    f.unlink(missing_ok=True)
                    removed.append(rel)
        for f in self.root.glob(f".{MANIFEST}.tmp-*"):
            f.unlink(missing_ok=True)
            removed.append(f.name)
        return removed

    def record_error(self, dump: str, entry: dict) -> None:
        """Record a refused dump (no partition) without touching an existing good partition."""
        manifest = self.manifest()
        old = manifest["dumps"].get(dump)
        if old and old.get("files"):
            old = dict(old)
            old["last_error"] = entry.get("errors")
            manifest["dumps"][dump] = old
        else:
            manifest["dumps"][dump] = entry
        self._write_manifest(manifest)

    # -- reading ------------------------------------------------------------------------------------
    def _files(self, kind: str) -> list[Path]:
        return [
            self.root / e["files"][kind]
            for _, e in sorted(self.manifest()["dumps"].items())
            if e.get("files")
        ]

    def summary(self, *, lazy: bool = False) -> pl.DataFrame | pl.LazyFrame:
        """Return every partition's summary rows (schema :data:`schema.SUMMARY_SCHEMA`)."""
        files = self._files("summary")
        if not files:
            empty = pl.DataFrame(schema=schema.SUMMARY_SCHEMA)
            return empty.lazy() if lazy else empty
        lf = pl.scan_parquet(files)
        return lf if lazy else lf.collect()

    def keywords(self) -> pl.DataFrame:
        """Return every partition's keyword counts (schema :data:`schema.KEYWORD_SCHEMA`)."""
        files = self._files("keywords")
        if not files:
            return pl.DataFrame(schema=schema.KEYWORD_SCHEMA)
        return pl.read_parquet(files)

    def accounting(self) -> pl.DataFrame:
        """Return the per-dump row account.

        Columns: dump, status, rows_read, rows_summarised, rows_rejected, one per reason, one per fault.
        """
        rows = []
        reasons, faults = set(), set()
        for e in self.manifest()["dumps"].values():
            reasons |= set(e.get("rejected", {}))
            faults |= set(e.get("faults", {}))
        for dump, e in sorted(self.manifest()["dumps"].items()):
            row = {
                "dump": dump,
                "status": e.get("status"),
                "rows_read": e.get("rows_read", 0),
                "rows_summarised": e.get("rows_summarised", 0),
                "rows_rejected": e.get("rows_rejected", 0),
            }
            for r in sorted(reasons):
                row[f"rejected_{r}"] = e.get("rejected", {}).get(r, 0)
            for f in sorted(faults):
                row[f"fault_{f}"] = e.get("faults", {}).get(f, 0)
            row["members"] = e.get("members", 0)
            row["members_refused"] = len(e.get("errors", []))
            rows.append(row)
        if not rows:
            return pl.DataFrame(
                schema={
                    "dump": pl.String,
                    "status": pl.String,
                    "rows_read": pl.Int64,
                    "rows_summarised": pl.Int64,
                    "rows_rejected": pl.Int64,
                }
            )
        return pl.DataFrame(rows)


def open_existing(store: str | Path | Store) -> Store:
    """Return the store at ``store``, refusing a folder without a manifest.

    A mistyped path would otherwise read as an empty store and print empty counts.

    Raises
    ------
    FileNotFoundError
        When ``store`` holds no ``manifest.json``; the message says how to create a store there.
    """
    st = store if isinstance(store, Store) else Store(store)
    if not st.manifest_path.exists():
        raise FileNotFoundError(
            f"{st.root}: no statements-of-reasons store here (no {st.manifest_path.name}); "
            f"create one with: dsa-explore sor ingest DUMP_OR_DIR... --store {st.root}"
        )
    return st
