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
import shutil
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    as_completed,
    wait,
)
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import polars as pl

from dsa_explore.core.hashing import file_digest
from dsa_explore.sor import lifeline, marks, reader, schema
from dsa_explore.sor import rows as rowstore
from dsa_explore.sor.store import Store, StoreLocked  # noqa: F401 - StoreLocked is raised through ingest()

EXECUTORS = ("local", "dask", "dask-local")


@dataclass
class DumpReport:
    """What happened to one dump in one run."""

    dump: str
    path: str
    action: str  # ingested | skipped | refused | kept (a partial re-read kept the complete partition)
    status: str | None = None  # complete | partial | refused
    rows_read: int = 0
    rows_summarised: int = 0
    errors: list[dict] = field(default_factory=list)


@dataclass
class IngestReport:
    """The result of :func:`ingest`: one :class:`DumpReport` per dump found."""

    dumps: list[DumpReport] = field(default_factory=list)
    seconds: float = 0.0
    members: int = 0
    notes: list[str] = field(default_factory=list)  # what the user should know (cleaned staging, ...)

    @property
    def ok(self) -> bool:
        """Return True when no dump has errors."""
        return all(not d.errors for d in self.dumps)

    @property
    def rows_read(self) -> int:
        """Return the rows read over every dump."""
        return sum(d.rows_read for d in self.dumps)


def sha1_of(path: str | Path) -> str:
    """Return the hex sha1 of a file, as published beside the dumps.

    One reused buffer: ~10 % less CPU than 4 MB reads.
    """
    return file_digest(path, "sha1")


def find_dumps(
    paths: Iterable[str | Path], *, since: str | None = None, until: str | None = None
) -> list[Path]:
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
            reader.parse_dump_name(p)  # raises for a non-dump name
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
    """Return :data:`WORKER_ENV`.

    ``POLARS_MAX_THREADS`` is always 1; the allocator settings are left to the user when already set.
    """
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
        self._futures: dict[Future, object] = {}
        self._done: deque = deque()

    def __enter__(self) -> LocalExecutor:
        """Start the worker processes (none for one worker: tasks then run in this process)."""
        if self.workers > 1:
            import multiprocessing as mp

            saved = {k: os.environ.get(k) for k in WORKER_ENV}
            os.environ.update(worker_env())
            try:
                # the workers die with this process, however it dies (lifeline: prctl PDEATHSIG)
                self._pool = ProcessPoolExecutor(
                    self.workers,
                    mp_context=mp.get_context("spawn"),
                    initializer=lifeline.die_with_parent,
                    initargs=(os.getpid(),),
                )
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
        """Stop the worker processes, cancelling the tasks not started."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    @property
    def capacity(self) -> int:
        """Tasks to keep in flight: two per worker process (one in this process: run one at a time)."""
        return 1 if self._pool is None else 2 * self.workers

    def submit(self, fn: Callable, task) -> None:
        """Start ``fn(task)``; its result comes from :meth:`next_done` (in this process: run now)."""
        if self._pool is None:
            self._done.append(fn(task))
        else:
            self._futures[self._pool.submit(fn, task)] = task

    def next_done(self) -> reader.MemberResult:
        """Return the result of one submitted task that has finished (waiting for one if needed)."""
        if self._done:
            return self._done.popleft()
        done, _ = wait(self._futures, return_when=FIRST_COMPLETED)
        fut = next(iter(done))
        t = self._futures.pop(fut)
        try:
            return fut.result()
        except Exception as exc:  # noqa: BLE001 - a crashed worker process
            return reader.MemberResult(task=t, error=f"{t.dump}: member {t.label!r}: task failed ({exc!r})")

    def map_unordered(self, fn: Callable, tasks: list) -> Iterator:
        """Yield ``fn(task)`` for every task, in the order they finish."""
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
                yield reader.MemberResult(
                    task=t, error=f"{t.dump}: member {t.label!r}: task failed ({exc!r})"
                )


class DaskExecutor:
    """Run tasks on a dask.distributed cluster (existing scheduler, or a LocalCluster of processes)."""

    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int | None = None, retries: int = 2):
        self.scheduler = scheduler
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.retries = retries
        self.client = None
        self.cluster = None
        self._ac = None
        self._owner: dict = {}

    def __enter__(self) -> DaskExecutor:
        """Connect to the scheduler, or start a local cluster."""
        from distributed import Client, LocalCluster

        if self.scheduler:
            self.client = Client(self.scheduler)
        else:
            self.cluster = LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
                silence_logs=40,
                env=worker_env(),
            )
            self.client = Client(self.cluster)
        return self

    def __exit__(self, *exc) -> None:
        """Close the client, and the local cluster if one was started."""
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    @property
    def capacity(self) -> int:
        """Tasks to keep in flight: two per worker of the cluster (as many as it has now)."""
        try:
            n = len(self.client.scheduler_info().get("workers", {}))
        except Exception:  # noqa: BLE001 - an old or unusual scheduler: fall back to --workers
            n = 0
        return 2 * max(n, self.workers if self.cluster is not None else 1, 1)

    def submit(self, fn: Callable, task) -> None:
        """Start ``fn(task)`` on the cluster; its result comes from :meth:`next_done`."""
        from distributed import as_completed as dask_completed

        fut = self.client.submit(
            _dask_task,
            fn,
            task,
            pure=False,
            retries=self.retries,
            key=f"sor-member-{task.dump}-{task.index}-{len(task.exclude_hashes)}-{time.monotonic_ns()}",
        )
        self._owner[fut.key] = task
        if self._ac is None:
            self._ac = dask_completed([fut])
        else:
            self._ac.add(fut)

    def next_done(self) -> reader.MemberResult:
        """Return the result of one submitted task that has finished (waiting for one if needed)."""
        fut = next(self._ac)
        t = self._owner.pop(fut.key)
        try:
            return fut.result()
        except Exception as exc:  # noqa: BLE001 - KilledWorker, lost worker, ...
            return reader.MemberResult(
                task=t,
                error=f"{t.dump}: member {t.label!r}: task failed on the "
                f"cluster ({type(exc).__name__}: {exc})",
            )
        finally:
            fut.release()

    def map_unordered(self, fn: Callable, tasks: list) -> Iterator:
        """Yield ``fn(task)`` for every task, in the order they finish."""
        from distributed import as_completed as dask_completed

        futures = self.client.map(
            _dask_task,
            [fn] * len(tasks),
            tasks,
            pure=False,
            retries=self.retries,
            key=[
                f"sor-member-{t.dump}-{t.index}-{len(t.exclude_hashes)}-{time.monotonic_ns()}" for t in tasks
            ],
        )
        owner = {f.key: t for f, t in zip(futures, tasks, strict=True)}
        for fut in dask_completed(futures):
            t = owner[fut.key]
            try:
                yield fut.result()
            except Exception as exc:  # noqa: BLE001 - KilledWorker, lost worker, ...
                yield reader.MemberResult(
                    task=t,
                    error=f"{t.dump}: member {t.label!r}: task failed on the "
                    f"cluster ({type(exc).__name__}: {exc})",
                )
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
            os._exit(1)  # simulate a worker process dying mid-task
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
    """One dump in flight: its planned members, their results, and its uuid-hash staging folder."""

    def __init__(self, path: Path, sha1: Future, size: int, tasks: list, errors: list, staging: Path):
        self.path, self.sha1, self.size = path, sha1, size  # sha1: a Future of sha1_of(path)
        self.tasks = tasks
        self.errors = list(errors)
        self.results: dict[int, reader.MemberResult] = {}
        self.pending = len(tasks)  # tasks submitted and not yet returned
        self.redone = False  # cross-member duplicates handled
        self.staging = staging
        if staging.exists():  # leftovers of an interrupted run
            self.cleanup()
        staging.mkdir(parents=True, exist_ok=True)

    def add(self, res: reader.MemberResult) -> None:
        self.pending -= 1
        self.results[res.task.index] = res
        if res.task.exclude_hashes:  # a member summarised again without duplicates: already staged
            res.uuid_hashes = None
            return
        if res.error is None and res.uuid_hashes is not None and len(res.uuid_hashes):
            h = np.asarray(res.uuid_hashes, dtype=np.uint64)
            # one (radix) sort by partition, the top 4 bits, instead of a boolean mask per partition
            part = (h >> np.uint64(60)).astype(np.uint8)
            h = h[np.argsort(part, kind="stable")]
            bounds = np.concatenate([[0], np.cumsum(np.bincount(part, minlength=_HASH_PARTS))])
            for p in range(_HASH_PARTS):
                sel = h[bounds[p] : bounds[p + 1]]
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
            if not (hashes[1:] == hashes[:-1]).any():  # the usual case: no uuid in two members
                continue
            order = np.lexsort((pairs[:, 1], pairs[:, 0]))
            pairs = pairs[order]
            same = pairs[1:, 0] == pairs[:-1, 0]
            for i in np.nonzero(same)[0]:
                out.setdefault(int(pairs[i + 1, 1]), set()).add(int(pairs[i + 1, 0]))
        return out

    def redo_tasks(self) -> list[reader.MemberTask]:
        """Return the members to summarise again, without the uuids an earlier member kept."""
        redo = []
        for idx, hashes in sorted(self.duplicates().items()):
            res = self.results.get(idx)
            if res is not None and res.error is None:
                redo.append(replace(res.task, exclude_hashes=tuple(sorted(hashes))))
        return redo

    def cleanup(self) -> None:
        for f in self.staging.glob("*"):
            f.unlink(missing_ok=True)
        try:
            self.staging.rmdir()
        except OSError:
            pass


def _params(platforms: tuple[str, ...] | None, row_plan: rowstore.RowPlan | None = None) -> dict:
    params = {"platforms": sorted(platforms) if platforms else None}
    if row_plan is not None:
        params["rows"] = row_plan.params()
    return params


def _stderr(message: str) -> None:
    print(f"dsa-explore sor ingest: {message}", file=sys.stderr, flush=True)


def ingest(
    paths: Iterable[str | Path],
    store: str | Path | Store,
    *,
    since: str | None = None,
    until: str | None = None,
    platforms: Iterable[str] | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    progress: bool = False,
    force: bool = False,
    wait: bool = True,
    notify: Callable[[str], None] | None = _stderr,
    rows: bool = False,
    columns: Iterable[str] | None = None,
) -> IngestReport:
    """Ingest dumps into ``store``; return what was done. See the module docstring.

    The store is locked for the whole run (:meth:`Store.lock`): with ``wait`` a second ingest waits
    for the first (``notify`` is told), else it raises :class:`StoreLocked`. Each dump is committed
    (partition and manifest entry) as soon as its members are done, so an interrupted run loses at
    most the dumps in flight; staging left by an interrupted run is removed first (and noted).

    ``rows`` also keeps the statements themselves (:mod:`dsa_explore.sor.rows`; ``columns`` restricts
    the CSV columns kept); ``platforms`` may say ``all``.
    """
    store = store if isinstance(store, Store) else Store(store)
    dumps = find_dumps(paths, since=since, until=until)  # bad paths and dates fail before locking
    plats, row_plan = rowstore.resolve_platforms(platforms, rows, columns)  # bad columns too
    with (
        store.lock(wait=wait, notify=notify),
        ThreadPoolExecutor(1, thread_name_prefix="sor-sha1") as hasher,
    ):  # dump checksums, in the background
        run = _Run(store, platforms=plats, force=force, hasher=hasher, row_plan=row_plan)
        run.clean_staging(notify)
        return run.run(dumps, executor=executor, scheduler=scheduler, workers=workers, progress=progress)


class _Run:
    """One ingest run: plans dumps lazily, keeps a bounded number of member tasks in flight.

    Each dump is committed when its last member (and any re-summarised member) is back.
    """

    def __init__(self, store: Store, *, platforms, force: bool, hasher: ThreadPoolExecutor, row_plan=None):
        self.store = store
        self.plats = platforms  # canonical names (rowstore.resolve_platforms), or None
        self.row_plan = row_plan
        self.force = force
        self.hasher = hasher
        self.report = IngestReport()
        self.manifest = store.manifest()
        self.states: dict[str, _DumpState] = {}
        self.bar = None
        self.rows = 0

    @property
    def staging_root(self) -> Path:
        return self.store.root / ".staging"

    def clean_staging(self, notify) -> None:
        """Remove staging left by an interrupted ingest (the lock is held: no run is using it)."""
        if not self.staging_root.exists():
            return
        files = [f for f in self.staging_root.rglob("*") if f.is_file()]
        size = sum(f.stat().st_size for f in files)
        shutil.rmtree(self.staging_root, ignore_errors=True)
        note = (
            f"removed staging left by an interrupted ingest: {self.staging_root} "
            f"({len(files)} file(s), {size:,} bytes)"
        )
        self.report.notes.append(note)
        if notify is not None:
            notify(note)

    def _plan(self, path: Path) -> _DumpState | None:
        """Skip, refuse, or plan one dump; return its state when it has members to run."""
        info = reader.parse_dump_name(path)
        # the sha1 is computed in a thread (hashlib and file reads release the GIL), overlapping
        # the members' work; it is waited for here only when it decides whether to skip the dump
        sha1 = self.hasher.submit(sha1_of, path)
        old = self.manifest["dumps"].get(info.stem)
        if (
            not self.force
            and old
            and old.get("status") == "complete"
            and old.get("schema_version") == schema.SCHEMA_VERSION
            and old.get("params") == _params(self.plats, self.row_plan)
            and old.get("sha1") == sha1.result()
            and "synthetic" in old  # entries written before the SYNTHETIC mark was recorded: re-read
        ):
            self.report.dumps.append(
                DumpReport(
                    info.stem,
                    str(path),
                    "skipped",
                    old.get("status"),
                    old.get("rows_read", 0),
                    old.get("rows_summarised", 0),
                )
            )
            return None
        try:
            tasks, errors = reader.plan_dump(path, platforms=self.plats)
        except reader.MemberRefused as exc:
            err = [{"member": exc.member, "error": str(exc)}]
            self.store.record_error(
                info.stem,
                {
                    "source_file": path.name,
                    "sha1": sha1.result(),
                    "status": "refused",
                    "errors": err,
                    "params": _params(self.plats, self.row_plan),
                },
            )
            self.report.dumps.append(DumpReport(info.stem, str(path), "refused", "refused", errors=err))
            return None
        if self.row_plan is not None:
            tasks = self.row_plan.attach(tasks, self.store.root, info.stem)
        st = _DumpState(path, sha1, path.stat().st_size, tasks, errors, self.staging_root / info.stem)
        self.report.members += len(tasks)
        if not tasks:  # every inner zip refused: commit the (empty, partial) dump now
            self._commit(info.stem, st)
            return None
        self.states[info.stem] = st
        return st

    def _commit(self, stem: str, st: _DumpState) -> None:
        self.report.dumps.append(_finalise(self.store, stem, st, self.plats, self.row_plan))
        st.cleanup()
        self.states.pop(stem, None)

    def _received(self, res: reader.MemberResult, queue: deque) -> None:
        st = self.states[res.task.dump]
        st.add(res)
        if not res.task.exclude_hashes:
            self.rows += res.rows_read
            if self.bar is not None:
                self.bar.update(1)
                self.bar.set_postfix(
                    rows=f"{self.rows:,}",
                    rows_s=f"{self.rows / max(self.bar.format_dict['elapsed'], 1e-9):,.0f}",
                )
        if st.pending:
            return
        if not st.redone:
            # cross-member duplicates: summarise the affected members again without them (first in line)
            st.redone = True
            redo = st.redo_tasks()
            if redo:
                st.pending += len(redo)
                queue.extendleft(reversed(redo))
                return
        self._commit(res.task.dump, st)

    def _queue_next_dump(self, pending: deque, queue: deque) -> bool:
        """Plan dumps from ``pending`` until one has members; queue them. False when none is left."""
        st = None
        while st is None and pending:
            st = self._plan(pending.popleft())
        if st is None:
            return False
        queue.extend(st.tasks)
        if self.bar is not None:
            self.bar.total += len(st.tasks)
            self.bar.refresh()
        return True

    def _fill(self, stack: ExitStack, pending: deque, queue: deque, start) -> None:
        """Submit tasks until the executor holds its capacity or nothing is left (start it if needed)."""
        while self.ex is None or self.in_flight < self.capacity:
            if not queue and not self._queue_next_dump(pending, queue):
                return
            if self.ex is None:  # started only when there is work: skipped dumps cost no processes
                self.ex = stack.enter_context(start())
                self.capacity = self.ex.capacity
            self.ex.submit(reader.summarise_member, queue.popleft())
            self.in_flight += 1

    def run(self, dumps: list[Path], *, executor, scheduler, workers, progress) -> IngestReport:
        t0 = time.perf_counter()
        if progress:
            from tqdm import tqdm

            self.bar = tqdm(total=0, unit="member", desc="sor ingest", file=sys.stderr)
        pending, queue = deque(dumps), deque()
        self.ex, self.in_flight, self.capacity = None, 0, 0
        with ExitStack() as stack:
            # a bounded number of tasks in flight: memory and staging stay flat over any number of
            # dumps (only the dumps these tasks belong to are open)
            while True:
                self._fill(
                    stack,
                    pending,
                    queue,
                    lambda: make_executor(executor, scheduler=scheduler, workers=workers),
                )
                if self.in_flight == 0:
                    break
                res = self.ex.next_done()
                self.in_flight -= 1
                self._received(res, queue)
            self.ex = None
        if self.bar is not None:
            self.bar.close()
        try:
            self.staging_root.rmdir()
        except OSError:
            pass
        self.report.dumps.sort(key=lambda d: d.dump)
        self.report.seconds = time.perf_counter() - t0
        return self.report


def _kept_instead(store: Store, stem: str, entry: dict) -> dict | None:
    """Return the complete entry already in the store that a partial re-read must not replace, or None."""
    old = store.entry(stem)
    if (
        entry["status"] != "complete"
        and old
        and old.get("status") == "complete"
        and old.get("files")
        and old.get("params") == entry["params"]
        and old.get("schema_version") == schema.SCHEMA_VERSION
    ):
        return old
    return None


def _finalise(store: Store, stem: str, st: _DumpState, plats, row_plan=None) -> DumpReport:
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
    summary = (
        reader.aggregate(pl.concat(summaries, how="vertical"), schema.GROUP_KEYS)
        if summaries
        else pl.DataFrame(schema=schema.SUMMARY_SCHEMA)
    )
    kws = [r.keywords for r in good if r.keywords is not None and r.keywords.height]
    keywords = (
        reader.aggregate_keywords(pl.concat(kws, how="vertical"))
        if kws
        else pl.DataFrame(schema=schema.KEYWORD_SCHEMA)
    )
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
        "params": _params(plats, row_plan),
        "synthetic_mark": marks.synthetic_mark(st.path),  # a generated dump (dsa_explore.sor.marks)
    }
    entry["synthetic"] = entry["synthetic_mark"] is not None
    if rows_read != rows_summarised + entry["rows_rejected"]:
        entry["errors"].append({"member": "(dump)", "error": f"{stem}: row account does not balance"})
        entry["status"] = "partial"
    if row_plan is not None and _kept_instead(store, stem, entry) is None:
        entry = row_plan.commit(store.root, stem, good, summary, entry)  # may make it partial
    old = _kept_instead(store, stem, entry)
    if old is not None:
        if row_plan is not None:
            rowstore.remove_replaced(store.root, entry, old)  # rows merged for a partial entry: not kept
            row_plan.discard(store.root, stem)
        # never replace a complete partition with a partial one: keep it, record the new errors
        kept = {
            "member": "(dump)",
            "error": (
                f"{stem}: the new file (sha1 {entry['sha1']}) has {len(entry['errors'])} refused member(s); "
                f"the complete partition ingested earlier (sha1 {old.get('sha1')}, "
                f"{old.get('rows_summarised', 0):,} statements of reasons) is kept. Download the day again, "
                "then re-run the ingest"
            ),
        }
        store.record_error(stem, {**entry, "errors": [*entry["errors"], kept]})
        return DumpReport(
            stem,
            str(st.path),
            "kept",
            "complete",
            old.get("rows_read", 0),
            old.get("rows_summarised", 0),
            errors=[*entry["errors"], kept],
        )
    old_entry = store.entry(stem)
    store.write_partition(stem, summary, keywords, entry)
    rowstore.remove_replaced(store.root, old_entry, entry)
    return DumpReport(
        stem, str(st.path), "ingested", entry["status"], rows_read, rows_summarised, errors=entry["errors"]
    )
