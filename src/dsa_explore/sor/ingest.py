"""Plan and run the ingestion of daily dumps into a store, with a local or a Dask executor.

:func:`ingest` finds the dumps, skips those whose manifest entry already matches (same sha1,
complete, same schema version and platform filter), splits the others into CSV members, runs
:func:`dsa_explore.sor.reader.summarise_member` on every member through an executor, removes
duplicate uuids found across members (the affected members are summarised again with the duplicate
uuids excluded), and writes one partition per dump plus its manifest entry.

Executors (issue 8): ``local`` (processes on this machine; the default), ``dask`` (an existing
``dask.distributed`` scheduler, ``scheduler="tcp://host:8786"``) and ``dask-local`` (a
``LocalCluster`` of ``workers`` processes). All run the same function on the same tasks and the
coordinator writes the same partitions, so stores are byte-identical. Dask is imported only when a
Dask executor is used. A member whose task fails (refused data, or a worker that died more often
than the scheduler tolerates) is reported in the manifest (``errors``, status ``partial``) and the
rest of the dump is still written.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import polars as pl

from dsa_explore.core.hashing import file_digest
from dsa_explore.sor import reader, schema, taxonomy
from dsa_explore.sor.store import Store

EXECUTORS = ("local", "dask", "dask-local")


@dataclass
class DumpReport:
    """What happened to one dump in one run."""

    dump: str
    path: str
    action: str                   # ingested | skipped | refused
    status: str | None = None     # complete | partial | refused
    rows_read: int = 0
    rows_summarised: int = 0
    errors: list[dict] = field(default_factory=list)


@dataclass
class IngestReport:
    """The result of :func:`ingest`: one :class:`DumpReport` per dump found."""

    dumps: list[DumpReport] = field(default_factory=list)
    seconds: float = 0.0
    members: int = 0

    @property
    def ok(self) -> bool:
        return all(not d.errors for d in self.dumps)

    @property
    def rows_read(self) -> int:
        return sum(d.rows_read for d in self.dumps)


def sha1_of(path: str | Path) -> str:
    """Return the hex sha1 of a file (as published beside the dumps; one reused buffer, ~10 % less CPU than 4 MB reads)."""
    return file_digest(path, "sha1")


def find_dumps(paths: Iterable[str | Path], *, since: str | None = None, until: str | None = None) -> list[Path]:
    """Return the dump files under ``paths`` (files or folders), sorted, within [since, until] by name date.

    A file given explicitly that is not a dump name raises ``ValueError`` naming it.
    """
    for name, value in (("since", since), ("until", until)):
        if value is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(f"--{name} {value!r}: expected a date YYYY-MM-DD")
    found: dict[str, Path] = {}
    for p in paths:
        p = Path(p)
        if p.is_dir():
            candidates = sorted(p.glob("sor-*.zip"))
        elif p.exists():
            reader.parse_dump_name(p)   # raises for a non-dump name
            candidates = [p]
        else:
            raise FileNotFoundError(f"{p}: no such file or folder")
        for c in candidates:
            try:
                info = reader.parse_dump_name(c)
            except ValueError:
                continue
            if since and info.date < since:
                continue
            if until and info.date > until:
                continue
            found[str(c.resolve())] = c
    return sorted(found.values(), key=lambda c: (reader.parse_dump_name(c).date, c.name))


# -------------------------------------------------------------------------------------------------
# Executors
# -------------------------------------------------------------------------------------------------

#: Environment of worker processes: one polars engine thread each (the processes are the
#: parallelism); polars' allocator (jemalloc) keeping freed pages for 5 s without a background
#: purging thread; and glibc's allocator serving the 16 MB blocks from its heap and keeping that
#: heap (``mmap_threshold`` 32 MiB, ``trim_threshold`` 256 MiB), instead of both returning pages to
#: the system and faulting them in again for the next block. The benchmark's floor runs its workers
#: under the same environment. Values already set in the environment are kept.
WORKER_ENV: dict[str, str] = {
    "POLARS_MAX_THREADS": "1",
    "_RJEM_MALLOC_CONF": "background_thread:false,dirty_decay_ms:5000",
    "GLIBC_TUNABLES": "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456",
}


def worker_env() -> dict[str, str]:
    """Return :data:`WORKER_ENV`; ``POLARS_MAX_THREADS`` is always 1, the allocator settings are left
    to the user when already set."""
    env = dict(WORKER_ENV)
    for key in ("_RJEM_MALLOC_CONF", "GLIBC_TUNABLES"):
        if os.environ.get(key):
            env[key] = os.environ[key]
    return env


class LocalExecutor:
    """Run tasks in ``workers`` spawned processes (in this process when ``workers == 1``)."""

    name = "local"

    def __init__(self, workers: int | None = None):
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> LocalExecutor:
        if self.workers > 1:
            import multiprocessing as mp

            saved = {k: os.environ.get(k) for k in WORKER_ENV}
            os.environ.update(worker_env())
            try:
                self._pool = ProcessPoolExecutor(self.workers, mp_context=mp.get_context("spawn"))
                # start the workers under the env; os.getpid, not a function of this module, so that
                # they import only what the tasks need (this module would add numpy: 0.1 s each)
                for fut in [self._pool.submit(os.getpid) for _ in range(self.workers)]:
                    fut.result()
            finally:
                for k, v in saved.items():
                    if v is None:
                        os.environ.pop(k, None)
                    else:
                        os.environ[k] = v
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def map_unordered(self, fn: Callable, tasks: list) -> Iterator:
        if self._pool is None:
            for t in tasks:
                yield fn(t)
            return
        futures = {self._pool.submit(fn, t): t for t in tasks}
        for fut in as_completed(futures):
            t = futures[fut]
            try:
                yield fut.result()
            except Exception as exc:  # noqa: BLE001 - a crashed worker process
                yield reader.MemberResult(task=t, error=f"{t.dump}: member {t.label!r}: task failed ({exc!r})")


class DaskExecutor:
    """Run tasks on a dask.distributed cluster (existing scheduler, or a LocalCluster of processes)."""

    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int | None = None, retries: int = 2):
        self.scheduler = scheduler
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.retries = retries
        self.client = None
        self.cluster = None

    def __enter__(self) -> DaskExecutor:
        from distributed import Client, LocalCluster

        if self.scheduler:
            self.client = Client(self.scheduler)
        else:
            self.cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                        dashboard_address=":0", silence_logs=40,
                                        env=worker_env())
            self.client = Client(self.cluster)
        return self

    def __exit__(self, *exc) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def map_unordered(self, fn: Callable, tasks: list) -> Iterator:
        from distributed import as_completed as dask_completed

        futures = self.client.map(_dask_task, [fn] * len(tasks), tasks, pure=False, retries=self.retries,
                                  key=[f"sor-member-{t.dump}-{t.index}-{len(t.exclude_hashes)}-{time.monotonic_ns()}"
                                       for t in tasks])
        owner = {f.key: t for f, t in zip(futures, tasks, strict=True)}
        for fut in dask_completed(futures):
            t = owner[fut.key]
            try:
                yield fut.result()
            except Exception as exc:  # noqa: BLE001 - KilledWorker, lost worker, ...
                yield reader.MemberResult(task=t, error=f"{t.dump}: member {t.label!r}: task failed on the "
                                                        f"cluster ({type(exc).__name__}: {exc})")
            finally:
                fut.release()


def _dask_task(fn: Callable, task):
    """Run ``fn(task)`` on a worker (test hook: ``DSA_EXPLORE_SOR_KILL_ONCE`` kills one worker once)."""
    flag = os.environ.get("DSA_EXPLORE_SOR_KILL_ONCE")
    if flag:
        try:
            fd = os.open(flag, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            pass
        else:
            os.close(fd)
            os._exit(1)   # simulate a worker process dying mid-task
    return fn(task)


def make_executor(executor: str = "local", *, scheduler: str | None = None, workers: int | None = None):
    """Return an executor context manager: ``local``, ``dask`` (needs ``scheduler``) or ``dask-local``."""
    if executor == "local":
        return LocalExecutor(workers)
    if executor == "dask":
        if not scheduler:
            raise ValueError("--executor dask needs --scheduler ADDRESS (e.g. tcp://scheduler:8786)")
        return DaskExecutor(scheduler=scheduler, workers=workers)
    if executor == "dask-local":
        return DaskExecutor(scheduler=None, workers=workers)
    raise ValueError(f"unknown executor {executor!r}; use one of {', '.join(EXECUTORS)}")


# -------------------------------------------------------------------------------------------------
# Ingestion
# -------------------------------------------------------------------------------------------------

_HASH_PARTS = 16


class _DumpState:
    def __init__(self, path: Path, sha1: Future, size: int, tasks: list, errors: list, staging: Path):
        self.path, self.sha1, self.size = path, sha1, size     # sha1: a Future of sha1_of(path)
        self.tasks = tasks
        self.errors = list(errors)
        self.results: dict[int, reader.MemberResult] = {}
        self.staging = staging
        if staging.exists():          # leftovers of an interrupted run
            self.cleanup()
        staging.mkdir(parents=True, exist_ok=True)

    def add(self, res: reader.MemberResult) -> None:
        self.results[res.task.index] = res
        if res.error is None and res.uuid_hashes is not None and len(res.uuid_hashes):
            h = np.asarray(res.uuid_hashes, dtype=np.uint64)
            # one (radix) sort by partition, the top 4 bits, instead of a boolean mask per partition
            part = (h >> np.uint64(60)).astype(np.uint8)
            h = h[np.argsort(part, kind="stable")]
            bounds = np.concatenate([[0], np.cumsum(np.bincount(part, minlength=_HASH_PARTS))])
            for p in range(_HASH_PARTS):
                sel = h[bounds[p]:bounds[p + 1]]
                if not len(sel):
                    continue
                pairs = np.empty((len(sel), 2), dtype=np.uint64)
                pairs[:, 0] = sel
                pairs[:, 1] = res.task.index
                with open(self.staging / f"p{p:02d}.bin", "ab") as fh:
                    pairs.tofile(fh)
            res.uuid_hashes = None

    def duplicates(self) -> dict[int, set[int]]:
        """Return {member index: uuid hashes to exclude} for uuids already kept by an earlier member."""
        out: dict[int, set[int]] = {}
        for f in sorted(self.staging.glob("p*.bin")):
            pairs = np.fromfile(f, dtype=np.uint64).reshape(-1, 2)
            if not len(pairs):
                continue
            hashes = np.sort(pairs[:, 0])
            if not (hashes[1:] == hashes[:-1]).any():   # the usual case: no uuid in two members
                continue
            order = np.lexsort((pairs[:, 1], pairs[:, 0]))
            pairs = pairs[order]
            same = pairs[1:, 0] == pairs[:-1, 0]
            for i in np.nonzero(same)[0]:
                out.setdefault(int(pairs[i + 1, 1]), set()).add(int(pairs[i + 1, 0]))
        return out

    def cleanup(self) -> None:
        for f in self.staging.glob("*"):
            f.unlink(missing_ok=True)
        try:
            self.staging.rmdir()
        except OSError:
            pass


def _params(platforms: tuple[str, ...] | None) -> dict:
    return {"platforms": sorted(platforms) if platforms else None}


def ingest(paths: Iterable[str | Path], store: str | Path | Store, *, since: str | None = None,
           until: str | None = None, platforms: Iterable[str] | None = None, executor: str = "local",
           scheduler: str | None = None, workers: int | None = None, progress: bool = False,
           force: bool = False) -> IngestReport:
    """Ingest dumps into ``store``; return what was done. See the module docstring."""
    with ThreadPoolExecutor(1, thread_name_prefix="sor-sha1") as hasher:   # dump checksums, in the background
        return _ingest(paths, store, since=since, until=until, platforms=platforms, executor=executor,
                       scheduler=scheduler, workers=workers, progress=progress, force=force, hasher=hasher)


def _ingest(paths, store, *, since, until, platforms, executor, scheduler, workers, progress, force,
            hasher: ThreadPoolExecutor) -> IngestReport:
    t0 = time.perf_counter()
    store = store if isinstance(store, Store) else Store(store)
    plats = tuple(sorted({taxonomy.canonical_platform(p) for p in platforms})) if platforms else None
    report = IngestReport()
    manifest = store.manifest()
    states: dict[str, _DumpState] = {}
    all_tasks: list = []
    for path in find_dumps(paths, since=since, until=until):
        info = reader.parse_dump_name(path)
        # the sha1 is computed in a thread (hashlib and file reads release the GIL), overlapping
        # the members' work; it is waited for here only when it decides whether to skip the dump
        sha1 = hasher.submit(sha1_of, path)
        old = manifest["dumps"].get(info.stem)
        if (not force and old and old.get("status") == "complete"
                and old.get("schema_version") == schema.SCHEMA_VERSION and old.get("params") == _params(plats)
                and old.get("sha1") == sha1.result()):
            report.dumps.append(DumpReport(info.stem, str(path), "skipped", old.get("status"),
                                           old.get("rows_read", 0), old.get("rows_summarised", 0)))
            continue
        try:
            tasks, errors = reader.plan_dump(path, platforms=plats)
        except reader.MemberRefused as exc:
            err = [{"member": exc.member, "error": str(exc)}]
            store.record_error(info.stem, {"source_file": path.name, "sha1": sha1.result(), "status": "refused",
                                           "errors": err, "params": _params(plats)})
            report.dumps.append(DumpReport(info.stem, str(path), "refused", "refused", errors=err))
            continue
        states[info.stem] = _DumpState(path, sha1, path.stat().st_size, tasks, errors,
                                       store.root / ".staging" / info.stem)
        all_tasks.extend(tasks)
    report.members = len(all_tasks)

    if all_tasks:
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=len(all_tasks), unit="member", desc="sor ingest", file=sys.stderr)
        rows = 0
        with make_executor(executor, scheduler=scheduler, workers=workers) as ex:
            for res in ex.map_unordered(reader.summarise_member, all_tasks):
                states[res.task.dump].add(res)
                rows += res.rows_read
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(rows=f"{rows:,}", rows_s=f"{rows / max(bar.format_dict['elapsed'], 1e-9):,.0f}")
            # cross-member duplicates: summarise the affected members again without them
            redo = []
            for st in states.values():
                for idx, hashes in st.duplicates().items():
                    res = st.results.get(idx)
                    if res is not None and res.error is None:
                        redo.append(replace(res.task, exclude_hashes=tuple(sorted(hashes))))
            if redo:
                for res in ex.map_unordered(reader.summarise_member, redo):
                    res.uuid_hashes = None
                    states[res.task.dump].results[res.task.index] = res
        if bar is not None:
            bar.close()

    for stem, st in states.items():
        report.dumps.append(_finalise(store, stem, st, plats))
        st.cleanup()
    try:
        (store.root / ".staging").rmdir()
    except OSError:
        pass
    report.dumps.sort(key=lambda d: d.dump)
    report.seconds = time.perf_counter() - t0
    return report


def _finalise(store: Store, stem: str, st: _DumpState, plats) -> DumpReport:
    results = [st.results[i] for i in sorted(st.results)]
    errors = list(st.errors) + [{"member": r.task.label, "error": r.error} for r in results if r.error]
    good = [r for r in results if r.error is None]
    rejected: dict[str, int] = {}
    faults: dict[str, int] = {}
    layouts = sorted({r.layout for r in good if r.layout and r.layout != "empty"})
    for r in good:
        for k, v in r.rejected.items():
            rejected[k] = rejected.get(k, 0) + v
        for k, v in r.faults.items():
            faults[k] = faults.get(k, 0) + v
    summaries = [r.summary for r in good if r.summary is not None and r.summary.height]
    summary = (reader.aggregate(pl.concat(summaries, how="vertical"), schema.GROUP_KEYS) if summaries
               else pl.DataFrame(schema=schema.SUMMARY_SCHEMA))
    kws = [r.keywords for r in good if r.keywords is not None and r.keywords.height]
    keywords = (reader.aggregate_keywords(pl.concat(kws, how="vertical")) if kws
                else pl.DataFrame(schema=schema.KEYWORD_SCHEMA))
    rows_read = sum(r.rows_read for r in good)
    rows_summarised = int(summary.get_column("count").sum()) if summary.height else 0
    entry = {
        "source_file": st.path.name,
        "sha1": st.sha1.result(),
        "size": st.size,
        "layouts": layouts,
        "status": "complete" if not errors else "partial",
        "members": len(st.tasks),
        "members_summarised": len(good),
        "rows_read": rows_read,
        "rows_summarised": rows_summarised,
        "rows_rejected": sum(rejected.values()),
        "rejected": dict(sorted(rejected.items())),
        "faults": dict(sorted(faults.items())),
        "errors": sorted(errors, key=lambda e: e["member"]),
        "params": _params(plats),
    }
    if rows_read != rows_summarised + entry["rows_rejected"]:
        entry["errors"].append({"member": "(dump)", "error": f"{stem}: row account does not balance"})
        entry["status"] = "partial"
    store.write_partition(stem, summary, keywords, entry)
    return DumpReport(stem, str(st.path), "ingested", entry["status"], rows_read, rows_summarised,
                      errors=entry["errors"])
