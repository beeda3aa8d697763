"""Issue 8: the Dask executors write the same store as the local executor, even when a worker dies.

A LocalCluster of 2 worker processes runs the same per-member function on the fixture dumps
(including the dump with every fault); the partitions and manifest must be byte-identical to a
local run. A second cluster's worker kills itself on its first task: the task is retried elsewhere
and the store is still identical.
"""

import hashlib
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from dsa_explore.sor import ingest  # noqa: E402

DUMPS = Path(__file__).parent / "fixtures" / "sor" / "dumps"


def _snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def local_store(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("local")
    ingest.ingest([DUMPS], root, executor="local", workers=1)
    return root


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=50
    ) as c:
        yield c


def test_dask_store_is_identical_to_local(cluster, local_store, tmp_path):
    report = ingest.ingest([DUMPS], tmp_path / "dask", executor="dask", scheduler=cluster.scheduler_address)
    assert {d.dump: d.status for d in report.dumps}["sor-global-2025-07-01-full"] == "partial"
    snap = _snapshot(tmp_path / "dask")
    assert any(k.startswith("summary/") for k in snap)
    assert snap == _snapshot(local_store)
    # running the same ingest again on the cluster changes nothing
    ingest.ingest([DUMPS], tmp_path / "dask", executor="dask", scheduler=cluster.scheduler_address)
    assert _snapshot(tmp_path / "dask") == snap


def test_worker_killed_mid_run_is_retried(local_store, tmp_path):
    flag = tmp_path / "killed-once"
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=50,
        env={"DSA_EXPLORE_SOR_KILL_ONCE": str(flag)},
    ) as c:
        ingest.ingest([DUMPS], tmp_path / "dask", executor="dask", scheduler=c.scheduler_address)
    assert flag.exists(), "no worker was killed: the test did not exercise a failure"
    assert _snapshot(tmp_path / "dask") == _snapshot(local_store)


def test_cli_dask_local_executor(local_store, tmp_path):
    from dsa_explore.cli import main

    rc = main(
        [
            "sor",
            "ingest",
            str(DUMPS),
            "--store",
            str(tmp_path / "s"),
            "--executor",
            "dask-local",
            "--workers",
            "2",
            "--no-progress",
        ]
    )
    assert rc == 1  # the faulty fixture dump has refused members, as with the local executor
    assert _snapshot(tmp_path / "s") == _snapshot(local_store)


DASK_KILL_SCRIPT = """
import os, sys, time
from dsa_explore.sor import ingest
if __name__ == "__main__":
    with ingest.make_executor("dask-local", workers=2) as ex:
        pids = ex.client.run(os.getpid)
        print(" ".join(str(p) for p in pids.values()), flush=True)
        time.sleep(60)
"""


def test_dask_local_workers_die_with_their_coordinator(tmp_path):
    # distributed's worker processes watch their parent; checked here because the docs promise it
    import os
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "coordinator.py"
    script.write_text(DASK_KILL_SCRIPT)
    proc = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    pids = [int(p) for p in proc.stdout.readline().split()]
    assert len(pids) == 2
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 15
    alive = pids
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [p for p in pids if _alive(p)]
    for p in alive:
        os.kill(p, signal.SIGKILL)
    assert not alive, f"Dask worker processes {alive} survived their coordinator"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False
