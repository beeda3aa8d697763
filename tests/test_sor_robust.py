"""Issue 14: the SoR engine survives a whole-database run.

Each test reproduces one failure measured on the engine before issue 14 (concurrent ingests, a kill
mid-run, many members, a long line, backslash fields, a partial re-ingest, an empty zip, escaped
output) and checks the fixed behaviour. Expected figures are counted by hand from the fixture row
lists (tests/fixtures/sor/build_fixtures.py docstring) or from the rows written in each test.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
import zipfile
from pathlib import Path

import polars as pl
import pytest

from dsa_explore.sor import ingest, query, reader, schema
from dsa_explore.sor.store import Store, StoreLocked
from dsa_explore.synth.sor import php_csv_line, write_dump, zip_bytes

FIXTURES = Path(__file__).parent / "fixtures" / "sor"
DUMPS = FIXTURES / "dumps"
DAY1 = DUMPS / "sor-global-2024-03-01-full.zip"  # 10 rows: 3 Amazon, 3 Joom, 2 Vinted UAB, 2 AliExpress
DAY2 = DUMPS / "sor-global-2024-03-02-light.zip"  # 4 rows: 2 Amazon, 2 OTTO Market
CLEAN = DUMPS / "sor-global-2025-07-02-full.zip"  # 160 rows in 4 members of 40


def _files_named_by_manifest_exist(root: Path) -> bool:
    m = json.loads((root / "manifest.json").read_text())
    return all((root / rel).is_file() for e in m["dumps"].values() for rel in (e.get("files") or {}).values())


def _row(**values) -> list[str | None]:
    base = {
        "uuid": None,
        "decision_visibility": '["DECISION_VISIBILITY_CONTENT_REMOVED"]',
        "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
        "category": "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        "content_type": '["CONTENT_TYPE_PRODUCT"]',
        "content_date": "2025-06-30 00:00:00",
        "territorial_scope": '["AT"]',
        "application_date": "2025-07-01 00:00:00",
        "decision_facts": "Decision taken after review.",
        "source_type": "SOURCE_VOLUNTARY",
        "automated_detection": "Yes",
        "automated_decision": "AUTOMATED_DECISION_FULLY",
        "platform_name": "Temu",
        "platform_uid": "p1",
        "created_at": "2025-07-01 10:00:00",
    }
    base.update(values)
    return [base.get(c) for c in schema.LAYOUTS["full-38"]]


def _csv(lines: list[bytes]) -> bytes:
    return b"\n".join([",".join(schema.LAYOUTS["full-38"]).encode(), *lines]) + b"\n"


def _one_member_dump(folder: Path, day: str, body: bytes) -> Path:
    inner = zip_bytes([(f"sor-global-{day}-full-00000-00000.csv", body)])
    return write_dump(
        folder / f"sor-global-{day}-full.zip", [(f"sor-global-{day}-full-00000.csv.zip", inner)]
    )


# -------------------------------------------------------------------------------------------------
# 1. concurrent ingests: a store lock
# -------------------------------------------------------------------------------------------------


def test_second_ingest_stops_with_a_clear_message_when_told_not_to_wait(tmp_path, capsys):
    from dsa_explore.cli import main

    root = tmp_path / "store"
    with Store(root).lock():
        with pytest.raises(StoreLocked, match="being written by sor ingest"):
            ingest.ingest([DAY1], root, workers=1, wait=False)
        assert (
            main(
                [
                    "sor",
                    "ingest",
                    str(DAY1),
                    "--store",
                    str(root),
                    "--workers",
                    "1",
                    "--no-progress",
                    "--no-wait",
                ]
            )
            == 2
        )
        err = capsys.readouterr().err
        assert f"pid {os.getpid()}" in err and "nothing written" in err
    assert not (root / "manifest.json").exists()


def test_second_ingest_waits_for_the_first_and_says_so(tmp_path):
    root = tmp_path / "store"
    messages: list[str] = []
    done = threading.Event()
    lock = Store(root).lock()
    lock.__enter__()
    try:
        th = threading.Thread(
            target=lambda: (ingest.ingest([DAY1], root, workers=1, notify=messages.append), done.set())
        )
        th.start()
        time.sleep(0.5)
        assert not done.is_set() and not (root / "manifest.json").exists()  # waiting, nothing written
    finally:
        lock.__exit__(None, None, None)
    th.join(30)
    assert done.is_set()
    assert any("waiting for it to finish" in m for m in messages)
    assert query.counts(root, ["platform"])["count"].sum() == 10


def test_two_ingest_processes_into_one_store_give_a_complete_store(tmp_path):
    root = tmp_path / "store"
    exe = str(Path(sys.executable).with_name("dsa-explore"))
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    shutil.copy(CLEAN, a)
    shutil.copy(DAY1, b)
    shutil.copy(DAY2, b)
    procs = [
        subprocess.Popen(
            [exe, "sor", "ingest", str(d), "--store", str(root), "--workers", "1", "--no-progress"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for d in (a, b, a)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outs
    entries = Store(root).manifest()["dumps"]
    assert {k: e["rows_summarised"] for k, e in entries.items()} == {
        "sor-global-2025-07-02-full": 160,
        "sor-global-2024-03-01-full": 10,
        "sor-global-2024-03-02-light": 4,
    }
    assert _files_named_by_manifest_exist(root)
    assert query.counts(root, ["platform"])["count"].sum() == 174


# -------------------------------------------------------------------------------------------------
# 2. each day committed when done; staging cleaned; workers die with the coordinator
# -------------------------------------------------------------------------------------------------


def test_each_day_is_committed_when_done(tmp_path, monkeypatch):
    root = tmp_path / "store"
    real = reader.summarise_member

    def killed_on_second_day(task):
        if task.dump == "sor-global-2024-03-02-light":
            raise KeyboardInterrupt("kill -9 during the second day")
        return real(task)

    monkeypatch.setattr(reader, "summarise_member", killed_on_second_day)
    with pytest.raises(KeyboardInterrupt):
        ingest.ingest([DAY1, DAY2, CLEAN], root, workers=1)
    monkeypatch.undo()
    # the first day was committed before the kill: only the day in flight is lost
    assert set(Store(root).manifest()["dumps"]) == {"sor-global-2024-03-01-full"}
    assert query.counts(root, ["platform"])["count"].sum() == 10
    report = ingest.ingest([DAY1, DAY2, CLEAN], root, workers=1)
    assert {d.dump: d.action for d in report.dumps} == {
        "sor-global-2024-03-01-full": "skipped",
        "sor-global-2024-03-02-light": "ingested",
        "sor-global-2025-07-02-full": "ingested",
    }


KILL_MID_RUN_SCRIPT = textwrap.dedent("""
    import sys, time
    from dsa_explore.sor import ingest, reader
    real = reader.summarise_member
    def slow_on_day_3(task):
        res = real(task)
        if task.dump == "sor-global-2025-07-02-full":
            print("day 3 in flight", flush=True)
            time.sleep(60)                 # the test kills the process here
        return res
    reader.summarise_member = slow_on_day_3
    ingest.ingest(sys.argv[2:], sys.argv[1], workers=1, notify=None)
""")


def test_an_ingest_killed_mid_run_keeps_the_days_done_and_the_next_run_finishes(tmp_path):
    root = tmp_path / "store"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_MID_RUN_SCRIPT, str(root), str(DAY1), str(DAY2), str(CLEAN)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "day 3 in flight"
    finally:
        os.kill(proc.pid, signal.SIGKILL)  # kill -9 in the middle of the third day
        proc.wait()
    entries = Store(root).manifest()["dumps"]
    assert {k: e["rows_summarised"] for k, e in entries.items()} == {
        "sor-global-2024-03-01-full": 10,
        "sor-global-2024-03-02-light": 4,
    }
    assert _files_named_by_manifest_exist(root)
    assert (root / ".staging" / "sor-global-2025-07-02-full").is_dir()  # what the kill left
    report = ingest.ingest([DAY1, DAY2, CLEAN], root, workers=1, notify=None)
    assert [d.action for d in report.dumps] == ["skipped", "skipped", "ingested"]
    assert report.notes and "removed staging left by an interrupted ingest" in report.notes[0]
    assert not (root / ".staging").exists()
    assert query.counts(root, ["platform"])["count"].sum() == 174


def test_staging_left_by_a_kill_is_cleaned_at_start_and_said(tmp_path, capsys):
    from dsa_explore.cli import main

    root = tmp_path / "store"
    stale = root / ".staging" / "sor-global-2023-10-01-full"
    stale.mkdir(parents=True)
    (stale / "p00.bin").write_bytes(b"\0" * 4096)
    assert main(["sor", "ingest", str(DAY2), "--store", str(root), "--workers", "1", "--no-progress"]) == 0
    assert not (root / ".staging").exists()
    assert "staging left by an interrupted ingest" in capsys.readouterr().err


WORKER_KILL_SCRIPT = textwrap.dedent("""
    import os, sys, time
    from dsa_explore.sor import ingest
    with ingest.LocalExecutor(2) as ex:
        futs = [ex._pool.submit(time.sleep, 60) for _ in range(2)]
        time.sleep(0.5)
        print(" ".join(str(p) for p in ex._pool._processes), flush=True)
        time.sleep(60)
""")


def test_workers_die_with_their_coordinator():
    proc = subprocess.Popen([sys.executable, "-c", WORKER_KILL_SCRIPT], stdout=subprocess.PIPE, text=True)
    pids = [int(p) for p in proc.stdout.readline().split()]
    assert len(pids) == 2
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    alive = pids
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = [p for p in pids if _alive(p)]
    for p in alive:  # do not leave them running if the test fails
        os.kill(p, signal.SIGKILL)
    assert not alive, f"worker processes {alive} survived their coordinator"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


# -------------------------------------------------------------------------------------------------
# 6. a re-ingest with a refused member keeps the complete partition; 7. an empty dump is refused
# -------------------------------------------------------------------------------------------------


def test_reingest_with_a_refused_member_keeps_the_complete_partition(tmp_path):
    src = tmp_path / "dumps"
    src.mkdir()
    rows = [php_csv_line(_row(uuid=f"u{i}")).encode() for i in range(6)]
    members = [
        (f"sor-global-2025-07-01-full-00000-0000{k}.csv", _csv(rows[3 * k : 3 * k + 3])) for k in range(2)
    ]
    _write(src, members)
    root = tmp_path / "store"
    ingest.ingest([src], root, workers=1)
    before = Store(root).entry("sor-global-2025-07-01-full")
    assert before["status"] == "complete" and before["rows_summarised"] == 6
    # the day is regenerated, and the new file's second member is corrupt
    bad = bytearray(zip_bytes([members[1]]))
    bad[60] ^= 0xFF
    inner = zip_bytes([members[0]])
    write_dump(
        src / "sor-global-2025-07-01-full.zip",
        [
            ("sor-global-2025-07-01-full-00000.csv.zip", inner),
            ("sor-global-2025-07-01-full-00001.csv.zip", bytes(bad)),
        ],
    )
    report = ingest.ingest([src], root, workers=1)
    d = report.dumps[0]
    assert d.action == "kept" and not report.ok
    assert any("complete partition ingested earlier" in e["error"] for e in d.errors)
    after = Store(root).entry("sor-global-2025-07-01-full")
    assert (
        after["files"] == before["files"] and after["rows_summarised"] == 6 and after["status"] == "complete"
    )
    assert after["last_error"]
    assert query.counts(root, ["platform"])["count"].sum() == 6


def _write(src: Path, members) -> Path:
    inner = zip_bytes(members)
    return write_dump(
        src / "sor-global-2025-07-01-full.zip", [("sor-global-2025-07-01-full-00000.csv.zip", inner)]
    )


def test_an_empty_dump_is_refused(tmp_path, capsys):
    from dsa_explore.cli import main

    empty = tmp_path / "sor-global-2025-07-03-full.zip"
    with zipfile.ZipFile(empty, "w"):
        pass
    rc = main(
        ["sor", "ingest", str(empty), "--store", str(tmp_path / "store"), "--workers", "1", "--no-progress"]
    )
    assert rc == 1
    assert "empty dump" in capsys.readouterr().err
    assert Store(tmp_path / "store").entry("sor-global-2025-07-03-full")["status"] == "refused"


# -------------------------------------------------------------------------------------------------
# 3. member handling linear in the number of members
# -------------------------------------------------------------------------------------------------

MANY_MEMBERS_SCRIPT = textwrap.dedent("""
    import sys
    from pathlib import Path
    from dsa_explore.sor import ingest, schema
    from dsa_explore.synth.sor import php_csv_line, write_dump, zip_bytes
    out = Path(sys.argv[1])
    header = ",".join(schema.LAYOUTS["full-38"]).encode() + b"\\n"
    row = dict.fromkeys(schema.LAYOUTS["full-38"])
    row.update(uuid="u", category="STATEMENT_CATEGORY_SCAMS_AND_FRAUD", platform_name="Temu",
               created_at="2025-07-01 10:00:00")
    inner = []
    for i in range(20_000):
        body = header
        if i in (0, 9_999, 19_999):       # 3 members with one row each, the others empty (header only)
            row["uuid"] = f"u{i}"
            body += php_csv_line([row[c] for c in schema.LAYOUTS["full-38"]]).encode() + b"\\n"
        inner.append((f"sor-temu-2025-07-01-full-{i:05d}.csv.zip",
                      zip_bytes([(f"sor-temu-2025-07-01-full-{i:05d}-00000.csv", body)])))
    dump = write_dump(out / "sor-temu-2025-07-01-full.zip", inner)
    report = ingest.ingest([dump], out / "store", workers=1, notify=None)
    d = report.dumps[0]
    print(report.members, d.status, d.rows_read, d.rows_summarised)
""")


def test_a_dump_of_20000_small_inner_zips_finishes(tmp_path):
    # before issue 14 every member re-read the outer zip's central directory: 20,000 members did not
    # finish in 600 s (quadratic); now ~10 s on one core
    res = subprocess.run(
        [sys.executable, "-c", MANY_MEMBERS_SCRIPT, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.split() == ["20000", "complete", "3", "3"]


# -------------------------------------------------------------------------------------------------
# 4. a line longer than the limit is refused, naming file, member and offset, without reading it all
# -------------------------------------------------------------------------------------------------


def test_a_line_longer_than_the_limit_is_refused_with_its_offset(tmp_path, monkeypatch):
    good = php_csv_line(_row(uuid="u1")).encode()
    header = ",".join(schema.LAYOUTS["full-38"]).encode()
    body = header + b"\n" + good + b"\n" + b"x" * 200_000 + b"\n" + good.replace(b"u1", b"u2") + b"\n"
    dump = _one_member_dump(tmp_path, "2025-07-04", body)
    monkeypatch.setattr(reader, "MAX_LINE_BYTES", 20_000)
    monkeypatch.setattr(reader, "CHUNK_BYTES", 4096)
    monkeypatch.setattr(reader, "READ_BYTES", 1024)
    inflated = []
    real = reader.iter_member_pieces

    def counted(*args, **kwargs):
        for piece in real(*args, **kwargs):
            inflated.append(len(piece))
            yield piece

    monkeypatch.setattr(reader, "iter_member_pieces", counted)
    tasks, _ = reader.plan_dump(dump)
    res = reader.summarise_member(tasks[0])
    offset = len(header) + 1 + len(good) + 1  # where the long line starts (bytes written above)
    assert res.error == (
        f"sor-global-2025-07-04-full: member 'sor-global-2025-07-04-full-00000.csv.zip/"
        f"sor-global-2025-07-04-full-00000-00000.csv': line longer than the limit of 20,000 bytes "
        f"at byte offset {offset:,} of the member; refused without reading the line whole "
        "(the limit is dsa_explore.sor.reader.MAX_LINE_BYTES)"
    )
    # refused once block + limit were passed: the 200,000-byte line was never read whole
    assert sum(inflated) <= 4096 + 20_000 + 2 * 1024 < len(body)


def test_default_line_limit_is_64_mib():
    assert reader.MAX_LINE_BYTES == 64 * 1024 * 1024


# -------------------------------------------------------------------------------------------------
# 5. fields ending in a backslash, and long fields with \", are parsed (PHP fputcsv, escape "\")
# -------------------------------------------------------------------------------------------------


def _parsed(tmp_path, day: str, lines: list[bytes]):
    dump = _one_member_dump(tmp_path, day, _csv(lines))
    tasks, _ = reader.plan_dump(dump)
    res = reader.summarise_member(tasks[0])
    assert res.error is None, res.error
    return res


def test_field_ending_in_a_backslash_is_parsed(tmp_path):
    # PHP fputcsv writes the value C:\temp\ as "C:\temp\" (the closing quote follows the backslash)
    lines = [
        b'u1,,,,,,,,,,,,DECISION_GROUND_INCOMPATIBLE_CONTENT,,,,"Saved to C:\\temp\\",,,'
        b"STATEMENT_CATEGORY_SCAMS_AND_FRAUD,,,,,,,,,,,,SOURCE_VOLUNTARY,,Yes,AUTOMATED_DECISION_FULLY,"
        b'"Shop\\",p1,"2025-07-01 10:00:00"',
        php_csv_line(_row(uuid="u2")).encode(),
    ]
    assert lines[0].count(b",") == 37  # 38 fields as written
    res = _parsed(tmp_path, "2025-07-05", lines)
    assert res.rows_read == 2 and res.rejected == {} and res.rows_summarised == 2
    assert sorted(res.summary["platform"].to_list()) == ["Shop\\", "Temu"]  # the value, backslash kept


def test_long_field_with_backslash_quotes_keeps_the_member(tmp_path):
    # a 200 KB decision_facts containing \" (PHP leaves a quote after its escape character undoubled);
    # Python's csv module refused the whole member ("field larger than field limit (131072)")
    facts = ('Listing said \\"Free\\" shipping. ' * 7000).encode()
    assert len(facts) > 200_000
    row = php_csv_line(_row(uuid="u1", decision_facts="FACTS", platform_name="AliExpress")).encode()
    lines = [
        row.replace(b"FACTS", b'"' + facts + b'"'),
        php_csv_line(_row(uuid="u2")).encode(),
        php_csv_line(_row(uuid="u3")).encode(),
    ]
    res = _parsed(tmp_path, "2025-07-06", lines)
    assert res.rows_read == 3 and res.rejected == {} and res.rows_summarised == 3
    assert dict(
        zip(
            *res.summary.group_by("platform").agg(pl.col("count").sum()).sort("platform").get_columns(),
            strict=True,
        )
    ) == {"AliExpress": 1, "Temu": 2}


def test_php_escape_semantics_of_the_split():
    # the line splitter used for rows holding \": the escape character is kept, as PHP's fgetcsv does
    split = reader.split_php_line
    assert split('a,"x \\"y\\" z",b', 3) == ["a", 'x \\"y\\" z', "b"]
    assert split('a,"C:\\temp\\",b', 3) == ["a", "C:\\temp\\", "b"]
    assert split('"Listing said ""\\"Free\\""" shipping",,', 3) == [
        'Listing said "\\"Free\\"" shipping',
        None,
        None,
    ]
    assert split('"a\\",b\\"",c', 2) == ['a\\",b\\"', "c"]  # an escaped quote followed by a comma
    assert split("a,b", 3) is None  # wrong field count


# -------------------------------------------------------------------------------------------------
# 8. sor summary escapes control characters and neutralises spreadsheet formulas
# -------------------------------------------------------------------------------------------------

EVIL_TITLE = "Evil\x1b]0;pwned\x07Shop\x1b[2J\x9b31m"
EVIL_FORMULA = '=HYPERLINK("http://example.invalid/x","click")'


@pytest.fixture(scope="module")
def evil_store(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("evil")
    lines = [
        php_csv_line(_row(uuid="u1", platform_name=EVIL_TITLE)).encode(),
        php_csv_line(_row(uuid="u2", platform_name=EVIL_FORMULA)).encode(),
        php_csv_line(_row(uuid="u3", platform_name="-1+1")).encode(),
        php_csv_line(_row(uuid="u4")).encode(),
    ]
    dump = _one_member_dump(tmp, "2025-07-07", _csv(lines))
    ingest.ingest([dump], tmp / "store", workers=1)
    return tmp / "store"


def test_summary_csv_neutralises_formulas_and_escapes_controls(evil_store, capsys):
    from dsa_explore.cli import main

    assert main(["sor", "summary", "--store", str(evil_store), "--by", "platform", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert not any(ch in out for ch in "\x1b\x07\x9b")
    assert out.splitlines() == [
        "platform,count",
        "'-1+1,1",
        '"\'=HYPERLINK(""http://example.invalid/x"",""click"")",1',
        "Evil\\x1b]0;pwned\\x07Shop\\x1b[2J\\x9b31m,1",
        "Temu,1",
    ]


def test_summary_table_escapes_controls(evil_store, capsys):
    from dsa_explore.cli import main

    assert main(["sor", "summary", "--store", str(evil_store), "--by", "platform", "--format", "table"]) == 0
    out = capsys.readouterr().out
    assert not any(ch in out for ch in "\x1b\x07\x9b")
    assert "Evil\\x1b]0;pwned\\x07Shop\\x1b[2J\\x9b31m" in out
    assert EVIL_FORMULA in out  # a terminal does not evaluate formulas: shown as it is


def test_summary_warning_about_an_absent_platform_is_escaped(evil_store, capsys):
    from dsa_explore.cli import main

    # a name in neither the registry nor the store is refused (exit 2), its message escaped
    assert main(["sor", "summary", "--store", str(evil_store), "--platform", "Ne\x1b[2Jw"]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "Ne\\x1b[2Jw" in err and "Evil\\x1b]0;pwned" in err


# -------------------------------------------------------------------------------------------------
# 9. each ingested day checked against the published per-day totals
# -------------------------------------------------------------------------------------------------


def test_check_reports_a_day_whose_count_differs(tmp_path, capsys):
    from dsa_explore.cli import main

    root = tmp_path / "store"
    ingest.ingest([DAY1, DAY2, CLEAN], root, workers=1)
    totals = tmp_path / "totals.csv"
    # rows in the files (fixture docstring): 10 on 2024-03-01, 4 on 2024-03-02; 2025-07-02 not covered
    totals.write_text("date,rows\n2024-03-01,10\n2024-03-02,5\n2024-03-03,7\n")
    assert main(["sor", "check", "--store", str(root), "--totals", str(totals)]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "date,dump,dump_status,rows_in_store,published,difference,status",
        "2024-03-01,sor-global-2024-03-01-full,complete,10,10,0,ok",
        "2024-03-02,sor-global-2024-03-02-light,complete,4,5,-1,differs",
        "2025-07-02,sor-global-2025-07-02-full,complete,160,,,not_published",
    ]
    assert (
        "2024-03-02: 4 rows read from sor-global-2024-03-02-light (complete), 5 published (-1)"
        in captured.err
    )
    totals.write_text("date,rows\n2024-03-01,10\n2024-03-02,4\n")
    assert main(["sor", "check", "--store", str(root), "--totals", str(totals)]) == 0


def test_check_refuses_a_bad_totals_file_naming_line_and_value(tmp_path, capsys):
    from dsa_explore.cli import main

    root = tmp_path / "store"
    ingest.ingest([DAY2], root, workers=1)
    totals = tmp_path / "totals.csv"
    totals.write_text("date,rows\n2024-03-01,10\n2024-03-02,four\n")
    assert main(["sor", "check", "--store", str(root), "--totals", str(totals)]) == 2
    assert f"{totals}: line 3: rows 'four': expected a whole number >= 0" in capsys.readouterr().err


def test_shipped_totals_cover_the_whole_database():
    from dsa_explore.data import catalog

    totals = catalog.load("sor_daily_totals")
    # figures of the source's README: 839 daily releases, none missing, 36,636,410,373 SoRs
    assert totals.height == 839 and totals["rows"].sum() == 36_636_410_373
    assert str(totals["date"].min()) == "2023-09-25" and str(totals["date"].max()) == "2026-01-10"
