"""The real TDB CSV chunks under tests/fixtures/sor/real/: intact, counted, and read by the engine.

Why: these 199 real statements of reasons are the texts of the hand-labelled set
(data/sor/statement-labels.csv) on which the Art. 17(3) indicators' precision is measured. The
copies must be the files their provenance records describe (sha256, size, rows), and the project's
dump reader must account for every row of them (read = kept + rejected, with reasons).

Figures written as literals were counted with Python's ``csv`` module on the copies (independently
of the project's reader) when they were made: 50 data rows in each file; distinct uuids 49, 50, 50,
50 (the first file repeats its first statement, uuid 03b1b1c9-..., as the dump does); no uuid is in
two files, so 199 distinct statements in all.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest

from dsa_explore.sor import ingest, query
from dsa_explore.sor import rows as rowstore
from dsa_explore.synth.sor import write_dump, zip_bytes

REAL = Path(__file__).parent / "fixtures" / "sor" / "real"
FIRST3 = Path(__file__).parent / "fixtures" / "sor" / "sor-global-2025-07-01-full-00000-00000.first3rows.csv"
#: file -> (data rows, distinct uuids, columns), counted by hand with the csv module (see above)
COUNTS = {
    "sor-global-2024-03-14-full-00000-00000.csv": (50, 49, 37),
    "sor-global-2024-03-14-full-00000-00001.csv": (50, 50, 37),
    "sor-global-2024-03-14-full-00001-00001.csv": (50, 50, 37),
    "sor-global-2025-07-01-full-00000-00000.csv": (50, 50, 38),
}


def _rows(name: str) -> list[list[str]]:
    with (REAL / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_copy_matches_its_provenance_record(name):
    """Each copy has the sha256, size and row counts its .meta.json records, and a source URL."""
    meta = json.loads((REAL / f"{name}.meta.json").read_text(encoding="utf-8"))
    data = (REAL / name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == meta["sha256"]
    assert len(data) == meta["size"]
    assert (
        meta["source"]
        == f"https://github.com/apparebit/shantay/blob/{meta['commit']}/test/fixture/csv/{name}"
    )
    rows = _rows(name)
    n, distinct, ncols = COUNTS[name]
    assert (meta["rows"], meta["distinct_uuids"], meta["columns"]) == (n, distinct, ncols)
    assert len(rows) - 1 == n and len({r[0] for r in rows[1:]}) == distinct
    assert {len(r) for r in rows} == {ncols}


def test_no_statement_is_in_two_files_and_the_2025_file_extends_the_old_excerpt():
    """199 distinct uuids in all; the 2025-07-01 copy begins with the 3-row excerpt, byte for byte."""
    uuids = [r[0] for name in COUNTS for r in _rows(name)[1:]]
    assert len(set(uuids)) == 199
    assert (REAL / "sor-global-2025-07-01-full-00000-00000.csv").read_bytes().startswith(FIRST3.read_bytes())


def test_the_dump_reader_accounts_for_every_row(tmp_path):
    """Wrapped in the Commission's dump layout, the copies ingest complete: read = kept + duplicates."""

    def member(name: str) -> tuple[str, bytes]:
        return name, (REAL / name).read_bytes()

    d14 = write_dump(
        tmp_path / "sor-global-2024-03-14-full.zip",
        [
            (
                "sor-global-2024-03-14-full-00000.csv.zip",
                zip_bytes(
                    [
                        member("sor-global-2024-03-14-full-00000-00000.csv"),
                        member("sor-global-2024-03-14-full-00000-00001.csv"),
                    ]
                ),
            ),
            (
                "sor-global-2024-03-14-full-00001.csv.zip",
                zip_bytes([member("sor-global-2024-03-14-full-00001-00001.csv")]),
            ),
        ],
    )
    d01 = write_dump(
        tmp_path / "sor-global-2025-07-01-full.zip",
        [
            (
                "sor-global-2025-07-01-full-00000.csv.zip",
                zip_bytes([member("sor-global-2025-07-01-full-00000-00000.csv")]),
            )
        ],
    )
    store = tmp_path / "store"
    report = ingest.ingest([d14, d01], store, workers=1, rows=True, platforms=["all"], notify=None)
    assert report.ok
    acc = {r["dump"]: r for r in query.accounting(store).iter_rows(named=True)}
    # 150 rows read on 2024-03-14, the repeated uuid rejected as a duplicate; 50 read on 2025-07-01
    assert (
        acc["sor-global-2024-03-14-full"]["rows_read"],
        acc["sor-global-2024-03-14-full"]["rows_summarised"],
    ) == (
        150,
        149,
    )
    assert acc["sor-global-2024-03-14-full"]["rejected_duplicate_uuid"] == 1
    assert (
        acc["sor-global-2025-07-01-full"]["rows_read"],
        acc["sor-global-2025-07-01-full"]["rows_summarised"],
    ) == (
        50,
        50,
    )
    for r in acc.values():
        assert r["status"] == "complete" and r["rows_read"] == r["rows_summarised"] + r["rows_rejected"]
    stored = rowstore.rows(store)
    expected = {r[0] for name in COUNTS for r in _rows(name)[1:]}
    assert stored.height == 199 and set(stored["uuid"]) == expected
