"""The project's small statements-of-reasons demo and fixture dumps, in the Commission's exact layout.

:func:`build` writes the four dumps the tests read (``tests/fixtures/sor/dumps/``, through the thin
caller ``tests/fixtures/sor/build_fixtures.py``); :func:`write_shipped` writes three of them under
``data/sor/dumps/`` with their provenance records (the build ``sor_fixture_dumps`` of ``make data``).
Deterministic: fixed zip timestamps, no randomness, so the same code gives byte-identical zips. Every
dump carries the SYNTHETIC mark (:mod:`dsa_explore.sor.marks`): apart from three real rows (the
header and first three data rows of a real CSV chunk of the 2025-07-01 full global dump, shipped as
``data/sor/real-rows-2025-07-01-first3.csv``, catalog ``sor_real_rows_2025_07_01``) the rows are
invented. The expected counts the tests check are written by hand in ``tests/test_sor_ingest.py``
from the row lists below (see ``tests/fixtures/sor/PROVENANCE.md``).

Dumps:

``sor-global-2025-07-01-full.zip`` (38 columns, v2)
    inner 00000 / csv 00000: the 3 real rows (Wallapop, Kleinanzeigen, Hotel Hideaway), 5 Temu,
      4 AliExpress (negative moderation delay), 1 exact duplicate of Temu row 1   -> 13 rows read
    inner 00000 / csv 00001: 1 AliExpress row with backslash-escaped quotes, 1 Temu row with invalid
      UTF-8, 1 Temu row with a malformed content_type list, 1 Zalando row with a malformed
      category_specification, 1 duplicate of AliExpress row 1 (uuid seen in csv 00000), 1 eBay row
      without created_at, 1 eBay row with 39 fields                                 -> 7 rows read
    inner 00000 / csv 00002: header only (an empty chunk)                             -> 0 rows
    inner 00001 / csv 00000: an unknown header (refused)
    inner 00001 / csv 00001: 2 Vinted rows                                           -> 2 rows read
    inner 00002: a truncated inner zip (refused)
    inner 00003: a CSV of implausible compression ratio (refused)
``sor-global-2024-03-01-full.zip`` (37 columns, v1 taxonomy, old platform names)
    3 "Amazon", 2 "SIA &quot;JOOM&quot;", 1 'SIA "JOOM"', 2 "Vinted UAB", 2 AliExpress
``sor-global-2024-03-02-light.zip`` (33 columns, light: no territorial_scope)
    2 "Amazon", 2 "OTTO Market"
``sor-global-2025-07-02-full.zip`` (38 columns, clean): 2 inner zips x 2 CSVs x 40 SYNTHETIC rows
"""

from __future__ import annotations

from pathlib import Path

from dsa_explore.core.reference import MEMBER_STATES
from dsa_explore.data.builds import Build
from dsa_explore.sor import schema
from dsa_explore.synth.sor import json_list, php_csv_line, synthetic_member_csv, zip_bytes
from dsa_explore.synth.sor import write_dump as _write_zip

#: The generator named in the dumps' SYNTHETIC mark.
GENERATOR = "dsa_explore.synth.sor_fixtures"
#: The catalog name of the real rows the 2025-07-01 dump starts with.
REAL_ROWS = "sor_real_rows_2025_07_01"


def write_dump(path: Path, inner: list[tuple[str, bytes]]) -> Path:
    """Write one fixture dump (outer zip of inner zips) marked SYNTHETIC by this module."""
    return _write_zip(path, inner, generator=GENERATOR)


def _real_rows() -> bytes:
    from dsa_explore.data import catalog

    return catalog.path(REAL_ROWS).read_bytes()


EU = list(MEMBER_STATES)
EEA_NO_IS = sorted(EU + ["LI", "NO"])


def row(layout: str, **values) -> list[str | None]:
    """Return a row of ``layout`` with sensible defaults overridden by ``values``."""
    base = {
        "uuid": None,
        "decision_visibility": json_list(["DECISION_VISIBILITY_CONTENT_REMOVED"]),
        "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
        "incompatible_content_ground": "Terms of service",
        "incompatible_content_explanation": "The listing violates our policy.",
        "category": "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        "content_type": json_list(["CONTENT_TYPE_PRODUCT"]),
        "content_date": "2025-06-30 00:00:00",
        "territorial_scope": json_list(EU),
        "application_date": "2025-07-01 00:00:00",
        "decision_facts": "Decision taken after review.",
        "source_type": "SOURCE_VOLUNTARY",
        "automated_detection": "Yes",
        "automated_decision": "AUTOMATED_DECISION_FULLY",
        "platform_name": "Temu",
        "platform_uid": "puid-1",
        "created_at": "2025-07-01 10:00:00",
    }
    base.update(values)
    return [base.get(c) for c in schema.LAYOUTS[layout]]


def csv_bytes(layout: str, rows: list[list[str | None]], raw_lines: list[bytes] = ()) -> bytes:
    """Return a CSV member: the header of ``layout``, ``rows`` as PHP writes them, then ``raw_lines``."""
    lines = [",".join(schema.LAYOUTS[layout]).encode()]
    lines += [php_csv_line(r).encode("utf-8") for r in rows]
    lines += list(raw_lines)
    return b"\n".join(lines) + b"\n"


def uid(prefix: str, i: int) -> str:
    """Return a uuid-shaped id made of ``prefix`` and ``i``."""
    return f"{prefix}-0000-4000-8000-{i:012d}"


def dump_2025_07_01(out: Path, real_csv: bytes | None = None) -> Path:
    """Write ``sor-global-2025-07-01-full.zip``: the 3 real rows, invented rows and every fault."""
    L = "full-38"
    real = (real_csv if real_csv is not None else _real_rows()).rstrip(b"\n").split(b"\n")
    temu = [
        row(
            L,
            uuid=uid("7e300000", i),
            platform_name="Temu",
            category="STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
            category_specification=json_list(["KEYWORD_UNSAFE_PRODUCTS"]),
            content_date="2025-06-28 00:00:00",
            application_date="2025-06-30 00:00:00",
            created_at="2025-07-01 10:00:00",
        )
        for i in range(1, 6)
    ]
    ali = [
        row(
            L,
            uuid=uid("a1100000", i),
            platform_name="AliExpress",
            category="STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
            category_specification=json_list(["KEYWORD_OTHER"]),
            content_date="2025-07-03 00:00:00",
            application_date="2025-07-01 00:00:00",
            created_at="2025-07-01 11:00:00",
            automated_decision="AUTOMATED_DECISION_NOT_AUTOMATED",
            automated_detection="No",
        )
        for i in range(1, 5)
    ]
    csv0 = b"\n".join([real[0], *real[1:]]) + b"\n" + csv_bytes(L, temu + ali + [temu[0]]).split(b"\n", 1)[1]

    # csv 00001: every row fault
    backslash = row(
        L,
        uuid=uid("a1100000", 9),
        platform_name="AliExpress",
        category="STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        created_at="2025-07-01 12:00:00",
    )
    line = php_csv_line(backslash)
    # PHP fputcsv does not double a quote preceded by its escape character: ""\"Free\"""
    line = line.replace('"Decision taken after review."', '"Listing said ""\\"Free\\""" shipping"')
    assert '\\"' in line
    utf8 = row(
        L,
        uuid=uid("7e300000", 9),
        platform_name="Temu",
        category="STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
        decision_facts="Caf\x00",
    )
    utf8_line = php_csv_line(utf8).encode("utf-8").replace(b"Caf\x00", b"Caf\xe9 cr\xe8me")  # latin-1 bytes
    malformed = row(
        L,
        uuid=uid("7e300000", 10),
        platform_name="Temu",
        category="STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
        content_type="[CONTENT_TYPE_PRODUCT",
    )
    bad_kw = row(
        L,
        uuid=uid("2a1a0000", 1),
        platform_name="Zalando",
        category="STATEMENT_CATEGORY_CONSUMER_INFORMATION",
        category_specification="KEYWORD_NONCOMPLIANCE_PRICING",
    )
    dup_across = row(
        L,
        uuid=uid("a1100000", 1),
        platform_name="AliExpress",
        category="STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
    )
    no_created = row(L, uuid=uid("ebay0000", 1), platform_name="eBay", created_at=None)
    ragged = row(L, uuid=uid("ebay0000", 2), platform_name="eBay") + ["extra field"]
    csv1 = csv_bytes(
        L,
        [malformed, bad_kw, dup_across, no_created],
        raw_lines=[line.encode("utf-8"), utf8_line, php_csv_line(ragged).encode()],
    )
    csv2 = (",".join(schema.LAYOUTS[L]) + "\n").encode()
    inner0 = zip_bytes(
        [
            ("sor-global-2025-07-01-full-00000-00000.csv", csv0),
            ("sor-global-2025-07-01-full-00000-00001.csv", csv1),
            ("sor-global-2025-07-01-full-00000-00002.csv", csv2),
        ]
    )

    unknown = b"uuid,platform_name,created_at,something_else\nx,Temu,2025-07-01 00:00:00,y\n"
    vinted = [
        row(
            L,
            uuid=uid("b1d00000", i),
            platform_name="Vinted",
            category="STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
        )
        for i in (1, 2)
    ]
    inner1 = zip_bytes(
        [
            ("sor-global-2025-07-01-full-00001-00000.csv", unknown),
            ("sor-global-2025-07-01-full-00001-00001.csv", csv_bytes(L, vinted)),
        ]
    )
    good = zip_bytes([("sor-global-2025-07-01-full-00002-00000.csv", csv_bytes(L, vinted))])
    truncated = good[: len(good) // 2]
    bomb = zip_bytes(
        [
            (
                "sor-global-2025-07-01-full-00003-00000.csv",
                (",".join(schema.LAYOUTS[L]) + "\n").encode() + b" " * 5_000_000,
            )
        ],
        level=9,
    )
    return write_dump(
        out / "sor-global-2025-07-01-full.zip",
        [
            ("sor-global-2025-07-01-full-00000.csv.zip", inner0),
            ("sor-global-2025-07-01-full-00001.csv.zip", inner1),
            ("sor-global-2025-07-01-full-00002.csv.zip", truncated),
            ("sor-global-2025-07-01-full-00003.csv.zip", bomb),
        ],
    )


def dump_2024_03_01(out: Path) -> Path:
    """Write ``sor-global-2024-03-01-full.zip`` (v1 layout, old platform names)."""
    L = "full-37"
    common = {
        "content_date": "2024-02-28 00:00:00",
        "application_date": "2024-03-01 00:00:00",
        "created_at": "2024-03-01 08:00:00",
    }
    rows = []
    rows += [
        row(
            L,
            uuid=uid("a3a20000", i),
            platform_name="Amazon",
            category="STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS",
            category_specification=json_list(["KEYWORD_INSUFFICIENT_INFORMATION_TRADERS"]),
            **common,
        )
        for i in range(1, 4)
    ]
    rows += [
        row(
            L,
            uuid=uid("j0000000", i),
            platform_name="SIA &quot;JOOM&quot;",
            category="STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
            territorial_scope=json_list(EEA_NO_IS),
            **common,
        )
        for i in range(1, 3)
    ]
    rows += [
        row(
            L,
            uuid=uid("j0000000", 3),
            platform_name='SIA "JOOM"',
            category="STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
            territorial_scope=json_list(["FR", "AT", "FR"]),
            **common,
        )
    ]
    rows += [
        row(
            L,
            uuid=uid("b1d00000", 10 + i),
            platform_name="Vinted UAB",
            category="STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT",
            category_specification=json_list(["KEYWORD_DISINFORMATION", "KEYWORD_MISINFORMATION"]),
            **common,
        )
        for i in range(1, 3)
    ]
    rows += [
        row(
            L,
            uuid=uid("a1100000", 100 + i),
            platform_name="AliExpress",
            category="STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS",
            **common,
        )
        for i in range(1, 3)
    ]
    inner = zip_bytes(
        [
            ("sor-global-2024-03-01-full-00000-00000.csv", csv_bytes(L, rows[:5])),
            ("sor-global-2024-03-01-full-00000-00001.csv", csv_bytes(L, rows[5:])),
        ]
    )
    return write_dump(
        out / "sor-global-2024-03-01-full.zip", [("sor-global-2024-03-01-full-00000.csv.zip", inner)]
    )


def dump_2024_03_02_light(out: Path) -> Path:
    """Write ``sor-global-2024-03-02-light.zip`` (light layout)."""
    L = "light-33"
    common = {
        "content_date": "2024-03-01 00:00:00",
        "application_date": "2024-03-02 00:00:00",
        "created_at": "2024-03-02 09:30:00",
        "category": "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS",
    }
    rows = [row(L, uuid=uid("a3a20000", 10 + i), platform_name="Amazon", **common) for i in (1, 2)]
    rows += [row(L, uuid=uid("0770000", i), platform_name="OTTO Market", **common) for i in (1, 2)]
    inner = zip_bytes([("sor-global-2024-03-02-light-00000-00000.csv", csv_bytes(L, rows))])
    return write_dump(
        out / "sor-global-2024-03-02-light.zip", [("sor-global-2024-03-02-light-00000.csv.zip", inner)]
    )


def dump_2025_07_02_clean(out: Path) -> Path:
    """Write ``sor-global-2025-07-02-full.zip``: 160 clean SYNTHETIC rows."""
    inner = []
    for part in range(2):
        members = [
            (
                f"sor-global-2025-07-02-full-{part:05d}-{sub:05d}.csv",
                synthetic_member_csv(1000 + part * 10 + sub, "2025-07-02", 40, "full-38"),
            )
            for sub in range(2)
        ]
        inner.append((f"sor-global-2025-07-02-full-{part:05d}.csv.zip", zip_bytes(members)))
    return write_dump(out / "sor-global-2025-07-02-full.zip", inner)


def build(out: str | Path) -> list[Path]:
    """Write the four test fixture dumps into ``out``; return their paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    return [
        dump_2025_07_01(out),
        dump_2024_03_01(out),
        dump_2024_03_02_light(out),
        dump_2025_07_02_clean(out),
    ]


_SHANTAY = (
    "https://github.com/apparebit/shantay/blob/2f509dcf4b9e0ac47f3766b2ce3541070693a683/"
    "test/fixture/csv/sor-global-2025-07-01-full-00000-00000.csv"
)
_LICENCE = (
    "CC BY 4.0 (the 3 real rows: European Commission-DG CONNECT, Digital Services Act Transparency "
    "Database); invented rows CC0-1.0"
)
_MARK = (
    " The zip carries the archive comment 'SYNTHETIC: dsa-explore dsa_explore.synth.sor_fixtures', so a "
    "store ingested from it is marked SYNTHETIC."
)
#: The shipped demo dumps: (catalog name, writer, file, title, description).
SHIPPED: tuple[tuple[str, object, str, str, str], ...] = (
    (
        "sor_fixture_dump_2024_03_01",
        dump_2024_03_01,
        "sor-global-2024-03-01-full.zip",
        "Fixture daily dump 2024-03-01 (37 columns, v1 taxonomy, old platform names; hand-written rows)",
        "The project's fixture dump (also tests/fixtures/sor/dumps/): 10 invented rows written by hand in "
        "the v1 layout ('Amazon', 'SIA &quot;JOOM&quot;', 'Vinted UAB', AliExpress). Not real statements "
        "of reasons.",
    ),
    (
        "sor_fixture_dump_2024_03_02_light",
        dump_2024_03_02_light,
        "sor-global-2024-03-02-light.zip",
        "Fixture light dump 2024-03-02 (33 columns; hand-written rows)",
        "The project's fixture dump (also tests/fixtures/sor/dumps/): 4 invented rows ('Amazon', 'OTTO "
        "Market') in the light layout (no free text). Not real statements of reasons.",
    ),
    (
        "sor_fixture_dump_2025_07_01",
        dump_2025_07_01,
        "sor-global-2025-07-01-full.zip",
        "Fixture daily dump 2025-07-01: 3 real rows, hand-written rows and every fault",
        "The project's fixture dump (also tests/fixtures/sor/dumps/): the header and first 3 data rows of "
        "a real CSV chunk of the 2025-07-01 full global dump (Wallapop, Kleinanzeigen, Hotel Hideaway; "
        "real, dataset sor_real_rows_2025_07_01) plus invented rows written by hand (Temu, AliExpress, "
        "Zalando, eBay, Vinted) carrying every fault the reader handles (backslash-escaped quotes, "
        "invalid UTF-8, malformed lists, duplicate uuids, an unknown header, a truncated inner zip, an "
        "implausible compression ratio). Only the 3 rows named are real statements of reasons.",
    ),
)


def write_shipped(root: str | Path) -> list[Path]:
    """Write the three shipped demo dumps and their records under data folder ``root``; return them."""
    from dsa_explore.data import provenance

    out = Path(root) / "sor" / "dumps"
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, writer, _file, title, description in SHIPPED:
        path = writer(out)
        fields = provenance.record(
            name,
            title,
            description + _MARK,
            source=f"generated by `{GENERATOR}` (rows written by hand in the code; no seed)",
            source_urls=[_SHANTAY, "https://doi.org/10.2906/134353607485211"],
            licence=_LICENCE,
            version="2026-12-02",
            synthetic=False,
            fmt="raw",
        )
        inputs = [REAL_ROWS] if writer is dump_2025_07_01 else []
        provenance.write(path, fields, built_by=f"{GENERATOR}.write_shipped", inputs=inputs)
        written.append(path)
    return written


#: The build behind ``make data`` (registered in :data:`dsa_explore.cli.data.BUILDS`).
BUILD = Build(
    name="sor_fixture_dumps",
    outputs=tuple(f"sor/dumps/{file}" for _, _, file, _, _ in SHIPPED),
    inputs=(REAL_ROWS,),
    function=write_shipped,
    description="the project's demo statements-of-reasons dumps (3 real rows, invented rows, every fault)",
)
