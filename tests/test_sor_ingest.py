"""Ingesting daily dumps: exact counts per platform and category, every fault accounted, idempotent, atomic.

The fixture dumps (tests/fixtures/sor/dumps, built by build_fixtures.py from 3 real rows plus rows
written by hand) hold every fault the reader must survive. The expected numbers are counted by hand
from the row lists in build_fixtures.py's docstring, not computed by the code under test.
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from dsa_explore.sor import ingest, query, reader
from dsa_explore.sor.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "sor"
DUMPS = FIXTURES / "dumps"
FAULTY = "sor-global-2025-07-01-full"

EXPECTED_2025_07_01 = {
    ("AliExpress", "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"): 4,
    ("AliExpress", "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"): 1,  # the backslash-quote row, parsed
    ("Hotel Hideaway", "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH"): 1,
    ("Kleinanzeigen", "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"): 1,
    ("Temu", "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS"): 7,  # 5 + invalid UTF-8 + malformed list
    ("Vinted", "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS"): 2,
    ("Wallapop", "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS"): 1,
    ("Zalando", "STATEMENT_CATEGORY_CONSUMER_INFORMATION"): 1,
}
EXPECTED_2024 = {
    ("2024-03-01", "AliExpress", "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS"): 2,
    ("2024-03-01", "Amazon Store", "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS"): 3,
    ("2024-03-01", "Joom", "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"): 3,
    ("2024-03-01", "Vinted", "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT"): 2,
    ("2024-03-02", "Amazon Store", "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS"): 2,
    ("2024-03-02", "OTTO", "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS"): 2,
}


def _snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    root = tmp_path_factory.mktemp("store")
    ingest.ingest([DUMPS], root, workers=1)
    return Store(root)


def test_fixture_script_reproduces_the_committed_dumps(tmp_path):
    subprocess.run(
        [sys.executable, str(FIXTURES / "build_fixtures.py"), str(tmp_path)], check=True, capture_output=True
    )
    for committed in sorted(DUMPS.glob("*.zip")):
        assert (tmp_path / committed.name).read_bytes() == committed.read_bytes(), committed.name


def test_counts_per_platform_and_category(store):
    got = query.counts(store, ["day", "platform", "category"])
    day1 = got.filter(pl.col("day") == pl.date(2025, 7, 1))
    assert {
        (r["platform"], r["category"]): r["count"] for r in day1.iter_rows(named=True)
    } == EXPECTED_2025_07_01
    old = got.filter(pl.col("day") < pl.date(2025, 1, 1))
    assert {
        (str(r["day"]), r["platform"], r["category"]): r["count"] for r in old.iter_rows(named=True)
    } == EXPECTED_2024
    assert got.filter(pl.col("day") == pl.date(2025, 7, 2))["count"].sum() == 160


def test_v1_categories_are_kept_in_category_raw(store):
    raw = query.counts(store, ["platform", "platform_raw", "category_raw"], until="2024-03-02")
    rows = {
        (r["platform"], r["platform_raw"], r["category_raw"]): r["count"] for r in raw.iter_rows(named=True)
    }
    assert rows[("Amazon Store", "Amazon", "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS")] == 5
    assert rows[("Joom", "SIA &quot;JOOM&quot;", "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE")] == 2
    assert rows[("Joom", 'SIA "JOOM"', "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE")] == 1
    assert rows[("OTTO", "OTTO Market", "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS")] == 2


def test_every_fault_is_accounted(store):
    entry = store.entry(FAULTY)
    assert entry["rows_read"] == 22
    assert entry["rows_summarised"] == 18
    assert entry["rows_rejected"] == 4
    assert entry["rejected"] == {"bad_created_at": 1, "duplicate_uuid": 2, "field_count": 1}
    assert entry["faults"] == {
        "backslash_quote_rows": 1,
        "empty_members": 1,
        "invalid_utf8_sequences": 2,
        "malformed_category_specification": 1,
        "malformed_content_type": 1,
    }
    assert entry["status"] == "partial"
    refused = {e["member"]: e["error"] for e in entry["errors"]}
    assert set(refused) == {
        "sor-global-2025-07-01-full-00001.csv.zip/sor-global-2025-07-01-full-00001-00000.csv",
        "sor-global-2025-07-01-full-00002.csv.zip",
        "sor-global-2025-07-01-full-00003.csv.zip/sor-global-2025-07-01-full-00003-00000.csv",
    }
    assert all(err.startswith(FAULTY + ": member") for err in refused.values())
    assert (
        "no known layout"
        in refused["sor-global-2025-07-01-full-00001.csv.zip/sor-global-2025-07-01-full-00001-00000.csv"]
    )
    assert "truncated" in refused["sor-global-2025-07-01-full-00002.csv.zip"]
    assert (
        "compression ratio"
        in refused["sor-global-2025-07-01-full-00003.csv.zip/sor-global-2025-07-01-full-00003-00000.csv"]
    )
    for dump, e in store.manifest()["dumps"].items():
        assert e["rows_read"] == e["rows_summarised"] + sum(e["rejected"].values()), dump
        assert e["schema_version"] >= 1 and e["package_version"] and len(e["sha1"]) == 40


def test_malformed_list_value_is_kept_raw(store):
    ct = query.counts(store, ["platform", "content_type"], since="2025-07-01", until="2025-07-01")
    assert ct.filter(pl.col("content_type") == "[CONTENT_TYPE_PRODUCT")["count"].to_list() == [1]
    kw = query.keywords(store, ["platform", "keyword"], since="2025-07-01", until="2025-07-01")
    assert kw.filter(pl.col("platform") == "Zalando")["keyword"].to_list() == [
        "KEYWORD_NONCOMPLIANCE_PRICING"
    ]


def test_territorial_scope_and_delays(store):
    ts = query.counts(store, ["platform", "territorial_scope"], since="2024-03-01", until="2024-03-02")
    rows = {(r["platform"], r["territorial_scope"]): r["count"] for r in ts.iter_rows(named=True)}
    assert rows[("Joom", "EEA_no_IS")] == 2
    assert rows[("Joom", "AT_FR")] == 1
    assert rows[("OTTO", None)] == 2  # light dump: no territorial_scope column
    s = query.summary(store, ["day", "platform", "category"], since="2025-07-01", until="2025-07-01")
    ali = s.filter(
        pl.col("platform") == "AliExpress", pl.col("category") == "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"
    )
    assert ali["mod_negative"].item() == 4  # content_date after application_date
    temu = s.filter(pl.col("platform") == "Temu")
    assert temu["mod_h2"].item() == 5 and temu["dis_h1"].item() == 5  # 2 days to act, 1 day to disclose
    q = query.delay_quantiles(store, ["platform"], metric="mod", since="2025-07-01", until="2025-07-01")
    assert q.filter(pl.col("platform") == "Temu")["q50_days"].item() == 2.0


def test_keywords_are_mapped_to_v2_once_per_row(store):
    kw = query.keywords(store, ["platform", "keyword"], until="2024-03-01")
    rows = {(r["platform"], r["keyword"]): r["count"] for r in kw.iter_rows(named=True)}
    assert rows[("Vinted", "KEYWORD_MISINFORMATION_DISINFORMATION")] == 2  # two v1 keywords, one v2 keyword
    assert rows[("Amazon Store", "KEYWORD_INSUFFICIENT_INFORMATION_ON_TRADERS")] == 3


def test_rerun_changes_nothing(tmp_path):
    root = tmp_path / "store"
    ingest.ingest([DUMPS], root, workers=1)
    before = _snapshot(root)
    report = ingest.ingest([DUMPS], root, workers=1)
    assert _snapshot(root) == before
    assert {d.dump: d.action for d in report.dumps}["sor-global-2024-03-01-full"] == "skipped"


def test_changed_source_is_reingested(tmp_path):
    src = tmp_path / "dumps"
    src.mkdir()
    shutil.copy(DUMPS / "sor-global-2024-03-01-full.zip", src)
    root = tmp_path / "store"
    ingest.ingest([src], root, workers=1)
    old_sha1 = Store(root).entry("sor-global-2024-03-01-full")["sha1"]
    # the Commission regenerated the day: now it is the light dump's content under the same name
    shutil.copy(DUMPS / "sor-global-2024-03-02-light.zip", src / "sor-global-2024-03-01-full.zip")
    report = ingest.ingest([src], root, workers=1)
    assert report.dumps[0].action == "ingested"
    entry = Store(root).entry("sor-global-2024-03-01-full")
    assert entry["sha1"] != old_sha1 and entry["rows_read"] == 4
    assert query.counts(root, ["platform"])["count"].sum() == 4  # replaced, not added
    assert len(list((root / "summary").glob("*.parquet"))) == 1


def test_interrupted_ingest_leaves_the_store_consistent(tmp_path, monkeypatch):
    root = tmp_path / "store"
    ingest.ingest([DUMPS / "sor-global-2024-03-01-full.zip"], root, workers=1)
    before = _snapshot(root)

    # crash after the new partition file is written, before the manifest points at it
    def boom(self, manifest):
        raise KeyboardInterrupt("power cut")

    monkeypatch.setattr(Store, "_write_manifest", boom)
    with pytest.raises(KeyboardInterrupt):
        ingest.ingest(
            [DUMPS / "sor-global-2024-03-01-full.zip", DUMPS / "sor-global-2024-03-02-light.zip"],
            root,
            workers=1,
            force=True,
        )
    monkeypatch.undo()
    # the manifest still names only the old, complete partition; counts are the old ones
    assert query.counts(root, ["platform"])["count"].sum() == 10
    assert set(Store(root).manifest()["dumps"]) == {"sor-global-2024-03-01-full"}

    # crash in the middle of summarising members
    calls = {"n": 0}
    real = reader.summarise_member

    def flaky(task):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt("killed")
        return real(task)

    monkeypatch.setattr(reader, "summarise_member", flaky)
    with pytest.raises(KeyboardInterrupt):
        ingest.ingest([DUMPS], root, workers=1, force=True)
    monkeypatch.undo()
    assert query.counts(root, ["platform"])["count"].sum() == 10

    # the next run completes and cleans the leftovers
    ingest.ingest([DUMPS / "sor-global-2024-03-01-full.zip"], root, workers=1, force=True)
    assert _snapshot(root) == before


def test_platform_filter_is_accounted(tmp_path):
    root = tmp_path / "store"
    ingest.ingest(
        [DUMPS / "sor-global-2024-03-01-full.zip"], root, workers=1, platforms=["Amazon Store", "Joom"]
    )
    e = Store(root).entry("sor-global-2024-03-01-full")
    assert e["rows_read"] == 10 and e["rows_summarised"] == 6 and e["rejected"] == {"platform_filter": 4}
    assert set(query.counts(root, ["platform"])["platform"]) == {"Amazon Store", "Joom"}


def test_refused_outer_zip_names_the_dump(tmp_path):
    bad = tmp_path / "sor-global-2024-01-01-full.zip"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    report = ingest.ingest([bad, DUMPS / "sor-global-2024-03-02-light.zip"], tmp_path / "store", workers=1)
    by = {d.dump: d for d in report.dumps}
    assert by["sor-global-2024-01-01-full"].action == "refused"
    assert "sor-global-2024-01-01-full" in by["sor-global-2024-01-01-full"].errors[0]["error"]
    assert by["sor-global-2024-03-02-light"].status == "complete"


def test_member_names_are_not_paths(tmp_path):
    from dsa_explore.synth.sor import write_dump, zip_bytes

    evil = zip_bytes([("../../escape.csv", b"uuid\n1\n")])
    dump = write_dump(tmp_path / "sor-global-2024-01-02-full.zip", [("../../evil.csv.zip", evil)])
    report = ingest.ingest([dump], tmp_path / "store", workers=1)
    assert not (tmp_path.parent / "escape.csv").exists() and not (tmp_path.parent / "evil.csv.zip").exists()
    errors = report.dumps[0].errors
    assert errors and errors[0]["member"] == "../../evil.csv.zip/../../escape.csv"
    assert errors[0]["error"].startswith(
        "sor-global-2024-01-02-full: member '../../evil.csv.zip/../../escape.csv'"
    )


def test_parallel_local_executor_gives_identical_store(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    ingest.ingest([DUMPS], a, workers=1)
    ingest.ingest([DUMPS], b, workers=2)
    assert _snapshot(a) == _snapshot(b)


@pytest.mark.parametrize("user_conf", [None, "narenas:1"])
def test_worker_processes_get_their_environment_and_the_parent_keeps_its_own(monkeypatch, user_conf):
    names = ("POLARS_MAX_THREADS", "_RJEM_MALLOC_CONF", "GLIBC_TUNABLES")
    monkeypatch.setenv("POLARS_MAX_THREADS", "7")
    for name in names[1:]:
        if user_conf is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, user_conf)
    with ingest.LocalExecutor(2) as ex:
        seen = {name: ex._pool.submit(os.getenv, name).result() for name in names}
    # one polars thread per worker; the allocators keep freed pages unless the user chose otherwise
    assert seen == {
        "POLARS_MAX_THREADS": "1",
        "_RJEM_MALLOC_CONF": user_conf or "background_thread:false,dirty_decay_ms:5000",
        "GLIBC_TUNABLES": user_conf
        or "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456",
    }
    assert os.environ["POLARS_MAX_THREADS"] == "7"
    assert all(os.environ.get(name) == user_conf for name in names[1:])


def test_cli_summary_csv_and_accounting(store, capsys):
    from dsa_explore.cli import main

    assert (
        main(
            [
                "sor",
                "summary",
                "--store",
                str(store.root),
                "--by",
                "platform,category",
                "--since",
                "2024-03-02",
                "--until",
                "2024-03-02",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "platform,category,count",
        "Amazon Store,STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS,2",
        "OTTO,STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS,2",
    ]
    assert main(["sor", "summary", "--store", str(store.root), "--accounting"]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = lines[0].split(",")
    assert header[:5] == ["dump", "status", "rows_read", "rows_summarised", "rows_rejected"]
    row = dict(zip(header, next(ln for ln in lines if ln.startswith(FAULTY)).split(","), strict=True))
    assert row["rows_read"] == "22" and row["rejected_duplicate_uuid"] == "2"


def test_cli_summary_refuses_a_folder_that_is_no_store_and_bad_dates(store, tmp_path, capsys):
    from dsa_explore.cli import main

    missing = tmp_path / "mistyped-store"
    assert main(["sor", "summary", "--store", str(missing), "--by", "platform"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # no empty table that looks like a result
    assert str(missing) in captured.err and "no statements-of-reasons store" in captured.err
    assert not missing.exists()  # reading never creates a store
    with pytest.raises(FileNotFoundError, match="mistyped-store"):
        query.counts(missing, ["platform"])
    assert main(["sor", "summary", "--store", str(store.root), "--since", "2024-02-30"]) == 2
    assert "since '2024-02-30': expected a date YYYY-MM-DD" in capsys.readouterr().err


def test_cli_summary_maps_old_platform_names_and_says_when_one_is_absent(store, capsys):
    from dsa_explore.cli import main

    # "Amazon" is the name used until the 2024 rename: it selects the same rows as "Amazon Store"
    assert (
        main(
            [
                "sor",
                "summary",
                "--store",
                str(store.root),
                "--by",
                "day,platform",
                "--until",
                "2024-12-31",
                "--platform",
                "Amazon",
                "--platform",
                "SHEIN",  # in the registry, not in the store: a warning (a name in neither is refused)
            ]
        )
        == 0
    )
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "day,platform,count",
        "2024-03-01,Amazon Store,3",
        "2024-03-02,Amazon Store,2",
    ]
    assert "no statements of reasons of platform 'SHEIN'" in captured.err
    assert "AliExpress" in captured.err  # the platforms that are there
    assert query.counts(store, ["platform"], platforms=["Amazon"], until="2024-12-31").rows() == [
        ("Amazon Store", 5)
    ]


def test_cli_ingest_exit_codes(tmp_path, capsys):
    from dsa_explore.cli import main

    assert (
        main(
            [
                "sor",
                "ingest",
                str(DUMPS / "sor-global-2024-03-01-full.zip"),
                "--store",
                str(tmp_path / "s"),
                "--workers",
                "1",
                "--no-progress",
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "sor",
                "ingest",
                str(DUMPS / f"{FAULTY}.zip"),
                "--store",
                str(tmp_path / "s"),
                "--workers",
                "1",
                "--no-progress",
            ]
        )
        == 1
    )
    assert "implausible compression ratio" in capsys.readouterr().err


def test_no_dask_import_without_the_option(tmp_path):
    code = (
        "import sys; import dsa_explore.sor, dsa_explore.cli.sor, dsa_explore.sor.ingest as i; "
        f"i.ingest([{str(DUMPS / 'sor-global-2024-03-02-light.zip')!r}], {str(tmp_path / 'store')!r}, "
        "workers=1, force=True); "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')); print(bad); "
        "sys.exit(1 if bad else 0)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


@pytest.mark.parametrize("flush_rows", [reader.FLUSH_ROWS, 1, 3])
def test_duplicates_across_chunks_of_one_member(monkeypatch, tmp_path, flush_rows):
    # parse the faulty member in 64-byte reads and 200-byte blocks: the duplicate rows then sit in
    # other chunks; with a small FLUSH_ROWS the chunks are also prepared and grouped apart (uuids
    # seen in earlier groups)
    tasks, _ = reader.plan_dump(DUMPS / f"{FAULTY}.zip")
    whole = reader.summarise_member(tasks[0])
    chunks = []
    monkeypatch.setattr(reader, "READ_BYTES", 64)
    monkeypatch.setattr(reader, "CHUNK_BYTES", 200)
    monkeypatch.setattr(reader, "FLUSH_ROWS", flush_rows)
    real = reader.iter_member_chunks

    def counted(task, block=200):
        for c in real(task, block):
            chunks.append(c)
            yield c

    monkeypatch.setattr(reader, "iter_member_chunks", counted)
    first = reader.summarise_member(tasks[0])  # 13 rows, one exact duplicate of a Temu row
    assert len(chunks) >= 10  # really parsed in pieces
    assert first.error is None
    assert first.rows_read == 13 and first.rejected == {"duplicate_uuid": 1} and first.rows_summarised == 12
    # the same summary, row for row, as parsing the member in one block
    key = list(first.summary.columns)
    assert first.summary.sort(key, nulls_last=True).equals(whole.summary.sort(key, nulls_last=True))
    assert first.faults == whole.faults


def test_corrupt_member_data_and_implausible_size_are_refused(tmp_path, monkeypatch):
    from dsa_explore.synth.sor import write_dump, zip_bytes

    good = (FIXTURES / "sor-global-2025-07-01-full-00000-00000.first3rows.csv").read_bytes() * 200
    inner = bytearray(zip_bytes([("sor-global-2024-01-03-full-00000-00000.csv", good)]))
    inner[len(inner) // 3] ^= 0xFF  # flip bits inside the deflated data
    dump = write_dump(
        tmp_path / "sor-global-2024-01-03-full.zip",
        [("sor-global-2024-01-03-full-00000.csv.zip", bytes(inner))],
    )
    report = ingest.ingest([dump], tmp_path / "store", workers=1)
    err = report.dumps[0].errors[0]["error"]
    assert err.startswith("sor-global-2024-01-03-full: member 'sor-global-2024-01-03-full-00000.csv.zip/")
    assert "corrupt" in err or "header" in err
    # a member declaring more than the size limit is refused before anything is inflated
    monkeypatch.setattr(reader, "MAX_MEMBER_BYTES", 1000)
    report = ingest.ingest([DUMPS / "sor-global-2024-03-02-light.zip"], tmp_path / "store2", workers=1)
    assert "implausible size" in report.dumps[0].errors[0]["error"]
    assert report.dumps[0].rows_read == 0


def test_platform_filter_accepts_old_names_and_dates_are_checked(tmp_path):
    root = tmp_path / "store"
    ingest.ingest([DUMPS / "sor-global-2024-03-02-light.zip"], root, workers=1, platforms=["Amazon"])
    assert query.counts(root, ["platform"]).rows() == [("Amazon Store", 2)]
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        ingest.find_dumps([DUMPS], since="1/3/2024")
