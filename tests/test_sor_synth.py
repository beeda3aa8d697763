"""The SYNTHETIC benchmark dumps look like real dumps where the benchmark's numbers depend on it.

The decompression floor of ``benchmarks/bench_sor.py`` depends on how well the CSV compresses, and
the parser's cost on the bytes per row and the quoting, so the generator is checked against the
published size of real dumps (reference figures, not computed by the code under test):

- the full dump of 2025-03-21: a 6.83 GB zip of 134 M rows holding 140 GB of CSV (the dumps'
  size table: 2-7 GB zips expanding to 50-140 GB of CSV in 2024-25), i.e. ~1,045 bytes a row,
  compressed 20.5x; "about 1.0-1.1 GB of CSV per million rows" for the full version;
- shantay's "70 GB of CSV" for a 3.5 GB day: compressed 20x.

Rows must be written as PHP ``fputcsv`` writes them (the real rows of the fixtures are quoted that
way), and uuids are random version-4 uuids as in the database.
"""

from __future__ import annotations

import csv
import io
import uuid
import zlib

import pytest

from dsa_explore.sor import schema
from dsa_explore.synth import sor as synth

ROWS = 20_000


@pytest.fixture(scope="module")
def member() -> bytes:
    return synth.synthetic_member_csv(7, "2025-07-01", ROWS)


def test_deterministic_per_seed(member):
    assert synth.synthetic_member_csv(7, "2025-07-01", ROWS) == member
    assert synth.synthetic_member_csv(8, "2025-07-01", ROWS) != member


def test_bytes_per_row_and_compression_match_real_dumps(member):
    body = member.split(b"\n", 1)[1]
    per_row = len(body) / ROWS
    assert 1000 <= per_row <= 1100  # "about 1.0-1.1 GB of CSV per million rows"
    deflate = zlib.compressobj(6, zlib.DEFLATED, -15)  # zip's deflate at PHP ZipArchive's default level
    ratio = len(body) / len(deflate.compress(body) + deflate.flush())
    assert 17 <= ratio <= 24  # 140 GB / 6.83 GB = 20.5x; 70 GB / 3.5 GB = 20x


def test_rows_are_quoted_as_php_fputcsv_writes_them(member):
    lines = member.decode("utf-8").split("\n")
    assert lines[0] == synth.header_line("full-38")
    body = [ln for ln in lines[1:] if ln]
    assert len(body) == ROWS
    quoted = 0
    for line in body[:2000]:
        row = next(csv.reader([line]))
        assert len(row) == len(schema.FULL_V2)
        values = [v if v != "" else None for v in row]
        assert synth.php_csv_line(values) == line  # the row-by-row reference writer
        quoted += line.count('"2025-')
    assert quoted > 0  # dates hold a space, so PHP quotes them, as in the real rows


def test_uuids_are_random_version_4_and_unique(member):
    rows = list(csv.DictReader(io.StringIO(member.decode("utf-8"))))
    uuids = [r["uuid"] for r in rows]
    assert len(set(uuids)) == ROWS
    for u in uuids[:500]:
        parsed = uuid.UUID(u)
        assert parsed.version == 4 and str(parsed) == u
    # rows come in runs of one platform (batched submissions), but every platform of the mix appears
    assert {r["platform_name"] for r in rows} == {p for p, _ in synth.PLATFORM_MIX}
    runs = 1 + sum(a["platform_name"] != b["platform_name"] for a, b in zip(rows, rows[1:], strict=False))
    assert ROWS / runs > 10
