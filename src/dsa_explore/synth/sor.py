"""Write dumps in the Commission's exact layout, and seeded SYNTHETIC dumps for benchmarks.

:func:`write_dump` writes an outer zip that *stores* inner ``.csv.zip`` files (deflated CSV chunks
repeating the header), with fixed timestamps so the same input gives the same bytes.
:func:`php_csv_line` writes a row as PHP ``fputcsv`` does (fields with a space, comma, quote,
backslash or newline are quoted; quotes doubled). :func:`write_synthetic_dump` writes a seeded,
realistic-looking synthetic daily dump for benchmarks: platform, category and automation mix shaped
after the real database's 2025 statistics, and bytes per row and compression calibrated to the
published size of real dumps (~1.05 KB of CSV a row, ~20x smaller zipped), because the benchmark's
decompression floor depends on them. The data is SYNTHETIC.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from dsa_explore.core.reference import MEMBER_STATES
from dsa_explore.sor import marks, schema

FIXED_TIME = marks.FIXED_TIME


def php_field(value: str | None) -> str:
    """Return one field as PHP ``fputcsv`` writes it (``None`` → empty)."""
    if value is None:
        return ""
    if any(ch in value for ch in ' ,"\n\r\t\\'):
        return '"' + value.replace('"', '""') + '"'
    return value


def php_csv_line(values: Sequence[str | None]) -> str:
    """Return one CSV line (without newline) as PHP ``fputcsv`` writes it."""
    return ",".join(php_field(v) for v in values)


def json_list(values: Iterable[str] | None) -> str | None:
    """Return a list as the TDB stores it in a CSV cell: a JSON array string (None for None)."""
    if values is None:
        return None
    return "[" + ",".join(f'"{v}"' for v in values) + "]"


def zip_bytes(
    members: Sequence[tuple[str, bytes]], *, compression: int = zipfile.ZIP_DEFLATED, level: int | None = 6
) -> bytes:
    """Return a zip archive holding ``members`` (name, bytes) with fixed timestamps."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = compression
            info.external_attr = 0o644 << 16
            zf.writestr(info, data, compress_type=compression, compresslevel=level)
    return buf.getvalue()


def write_dump(
    path: str | Path,
    inner: Sequence[tuple[str, bytes]],
    *,
    generator: str = "dsa_explore.synth.sor.write_dump",
) -> Path:
    """Write the outer zip at ``path`` storing (uncompressed) the given inner zips (name, bytes).

    The zip carries the archive comment ``SYNTHETIC: dsa-explore <generator>``
    (:mod:`dsa_explore.sor.marks`): every dump the project writes is marked as generated, and a
    store ingested from it is marked SYNTHETIC.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", allowZip64=True) as zf:
        zf.comment = marks.comment(generator)
        for name, data in inner:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data, compress_type=zipfile.ZIP_STORED)
    tmp.replace(path)
    return path


def header_line(layout: str = "full-38") -> str:
    """Return the CSV header of a layout (``full-38``, ``full-37``, ``light-34``, ``light-33``)."""
    return ",".join(schema.LAYOUTS[layout])


# -------------------------------------------------------------------------------------------------
# Seeded synthetic dumps (benchmarks)
# -------------------------------------------------------------------------------------------------

#: Platform mix of a 2025 day (rough shares of the daily SoR volume; Google Shopping dominates).
PLATFORM_MIX: tuple[tuple[str, float], ...] = (
    ("Google Shopping", 0.50),
    ("TikTok", 0.08),
    ("AliExpress", 0.08),
    ("Facebook", 0.06),
    ("Amazon Store", 0.04),
    ("Temu", 0.04),
    ("Instagram", 0.035),
    ("Pinterest", 0.03),
    ("YouTube", 0.02),
    ("Google Play", 0.02),
    ("Vinted", 0.01),
    ("Joom", 0.01),
    ("Wallapop", 0.01),
    ("OTTO", 0.01),
    ("Snapchat", 0.01),
    ("X", 0.005),
    ("LinkedIn", 0.005),
    ("eBay", 0.005),
    ("Shein", 0.002),
    ("Zalando", 0.001),
    ("Miravia", 0.004),
    ("Kleinanzeigen", 0.004),
    ("Booking.com", 0.004),
)
CATEGORY_MIX: tuple[tuple[str, float], ...] = (
    ("STATEMENT_CATEGORY_OTHER_VIOLATION_TC", 0.35),
    ("STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS", 0.2),
    ("STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH", 0.1),
    ("STATEMENT_CATEGORY_SCAMS_AND_FRAUD", 0.08),
    ("STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS", 0.08),
    ("STATEMENT_CATEGORY_PROTECTION_OF_MINORS", 0.05),
    ("STATEMENT_CATEGORY_CONSUMER_INFORMATION", 0.04),
    ("STATEMENT_CATEGORY_VIOLENCE", 0.03),
    ("STATEMENT_CATEGORY_CYBER_VIOLENCE", 0.02),
    ("STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS", 0.02),
    ("STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE", 0.02),
    ("STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY", 0.01),
)
_WORDS = (
    "the content was removed because it violates our policy on prohibited products listing "
    "seller account terms of service section illegal counterfeit unsafe product safety notice "
    "review automated detection moderation decision restriction visibility marketplace item "
    "trademark infringement misleading information consumer protection regulation"
).split()

#: What real dumps look like in bulk, which the synthetic rows are calibrated to (the full dump of
#: 2025-03-21: a 6.83 GB zip of 134 M rows and 140 GB of CSV; "about 1.0-1.1 GB of CSV per million
#: rows"; shantay's "70 GB of CSV" for a 3.5 GB day): ~1,045 bytes of CSV a row, compressed ~20x.
#: Real platforms file through a few fixed texts (each real row of the fixtures carries its
#: platform's policy text) and submit in batches, so free text compresses far better than random
#: words would; uuids are random (version 4) and do not compress. tests/test_sor_synth.py checks
#: the calibration (the benchmark's 1-million-row dump: 1,067 MB of CSV in a 56 MB zip, 19x). Until
#: 2026-11-28 the generator drew every row's texts independently: 1.28 KB a row compressed only
#: 8.7x, which made the decompression floor about twice as slow per row as on real dumps.
REAL_BYTES_PER_ROW = 140e9 / 134e6
REAL_COMPRESSION = 140 / 6.83
#: Mean length of a run of rows filed together by one platform with one profile (a batch).
MEAN_RUN_ROWS = 40
#: Share of rows whose decision facts name the item (a number), the part of the text that varies.
VARIABLE_FACTS_SHARE = 0.2

_PHP_QUOTE = r'[ ,"\n\r\t\\]'


def _php_quoted(col: str):
    """Polars expression quoting column ``col`` as PHP ``fputcsv`` does (see :func:`php_field`)."""
    import polars as pl

    c = pl.col(col)
    quoted = pl.concat_str([pl.lit('"'), c.str.replace_all('"', '""', literal=True), pl.lit('"')])
    return pl.when(c.str.contains(_PHP_QUOTE)).then(quoted).otherwise(c).alias(col)


def _uuid4(rng, n: int):
    """``n`` random version-4 uuids (seeded ``rng``) as a polars String Series."""
    import numpy as np
    import polars as pl

    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    hexes = pl.Series(np.frombuffer(raw.tobytes().hex().encode(), dtype="S32").astype(str))
    parts = [hexes.str.slice(a, b - a) for a, b in ((0, 8), (8, 12), (12, 16), (16, 20), (20, 32))]
    return (
        pl.DataFrame({f"p{i}": x for i, x in enumerate(parts)})
        .select(pl.concat_str(pl.all(), separator="-"))
        .to_series()
    )


def synthetic_member_csv(seed: int, day: str, n_rows: int, layout: str = "full-38") -> bytes:
    """Return one synthetic CSV chunk (header + ``n_rows`` rows) for ``day``; SYNTHETIC data.

    Rows are written as the exporter writes them (PHP ``fputcsv`` quoting), with random version-4
    uuids, and free text drawn from each platform's few fixed texts, so that size per row and
    compression match real dumps (:data:`REAL_BYTES_PER_ROW`, :data:`REAL_COMPRESSION`).
    """
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(seed)
    cols = schema.LAYOUTS[layout]
    plat_names = [p for p, _ in PLATFORM_MIX]
    plat_w = np.array([w for _, w in PLATFORM_MIX])
    cat_names = [c for c, _ in CATEGORY_MIX]

    content_offset = np.minimum(rng.geometric(0.05, size=n_rows) - 1, 4000)
    content_offset[rng.random(n_rows) < 0.002] *= -1  # a few negative delays, as in real data
    app_offset = (rng.random(n_rows) < 0.2).astype(np.int64) * rng.integers(1, 5, size=n_rows)
    d0 = np.datetime64(day)
    app = d0 - app_offset.astype("timedelta64[D]")
    content = app - content_offset.astype("timedelta64[D]")
    secs = np.sort(rng.integers(0, 86400, size=n_rows))  # rows in id order: created_at ascending
    created = pl.Series((d0.astype("datetime64[s]") + secs.astype("timedelta64[s]")).astype(str)).str.replace(
        "T", " "
    )
    # Each platform files through a few templates ("profiles") and a few categories, as real platforms do;
    # profiles are drawn from a fixed seed so that every member and day shares them. Platforms submit
    # in batches ("The multiple endpoint is capable of making 100 statements per call", and platforms
    # are encouraged to use it: resources/markdown/api-documentation.md of the transparency-database
    # repository), so rows come in runs of one profile; the run length is an assumption, chosen so
    # that the compression matches real dumps.
    prof = _profiles()
    n_prof = len(prof["decision_ground"]) // len(plat_names)
    runs = rng.geometric(1 / MEAN_RUN_ROWS, size=n_rows // MEAN_RUN_ROWS * 2 + 16)
    while runs.sum() < n_rows:
        runs = np.concatenate([runs, rng.geometric(1 / MEAN_RUN_ROWS, size=len(runs))])
    run_plat = rng.choice(len(plat_names), size=len(runs), p=plat_w / plat_w.sum())
    run_prof = rng.choice(
        n_prof, size=len(runs), p=_PROFILE_WEIGHTS[:n_prof] / _PROFILE_WEIGHTS[:n_prof].sum()
    )
    plat_idx = np.repeat(run_plat, runs)[:n_rows]
    prof_idx = plat_idx * n_prof + np.repeat(run_prof, runs)[:n_rows]
    cat_table = prof["category_table"]
    cat_idx = cat_table[plat_idx, rng.choice(cat_table.shape[1], size=n_rows, p=[0.55, 0.25, 0.15, 0.05])]

    def from_profile(col: str) -> pl.Series:
        return pl.Series(prof[col], dtype=pl.String).gather(prof_idx)

    item = pl.Series(rng.integers(10**9, 10**12, size=n_rows)).cast(pl.String)
    named = pl.Series(rng.random(n_rows) < VARIABLE_FACTS_SHARE)
    facts = pl.select(
        pl.when(named)
        .then(pl.concat_str([from_profile("decision_facts"), pl.lit(" Item "), item, pl.lit(".")]))
        .otherwise(from_profile("decision_facts"))
    ).to_series()
    uid_style = pl.Series(prof["uid_style"], dtype=pl.Int8).gather(plat_idx)
    puid = pl.select(pl.when(uid_style == 0).then(_uuid4(rng, n_rows)).otherwise(item)).to_series()
    data = {
        "uuid": _uuid4(rng, n_rows),
        **{
            c: from_profile(c)
            for c in (
                "decision_visibility",
                "decision_monetary",
                "decision_provision",
                "decision_account",
                "account_type",
                "decision_ground",
                "content_type",
                "territorial_scope",
                "source_type",
                "automated_detection",
                "automated_decision",
                "category_specification",
                "illegal_content_legal_ground",
                "illegal_content_explanation",
                "incompatible_content_ground",
                "incompatible_content_explanation",
            )
        },
        "category": pl.Series(cat_names, dtype=pl.String).gather(cat_idx),
        "content_date": pl.Series(content.astype(str)) + " 00:00:00",
        "application_date": pl.Series(app.astype(str)) + " 00:00:00",
        "decision_facts": facts,
        "platform_name": pl.Series(plat_names, dtype=pl.String).gather(plat_idx),
        "platform_uid": puid,
        "created_at": created,
    }
    frame = pl.DataFrame(
        {
            c: (data[c] if c in data else pl.Series([None] * n_rows, dtype=pl.String)).cast(pl.String)
            for c in cols
        }
    )
    body = frame.select([_php_quoted(c) for c in cols]).write_csv(
        null_value="", quote_style="never", include_header=False
    )
    return (header_line(layout) + "\n" + body).encode("utf-8")


_PROFILE_WEIGHTS = __import__("numpy").array([0.6, 0.25, 0.1, 0.05])


def _profiles() -> dict:
    """Return the fixed per-platform filing templates of the synthetic generator (seeded).

    They hold the enum choices, the categories, the free texts of each profile (lengths drawn as
    gamma-distributed word counts) and the style of each platform's ``platform_uid`` (0: a uuid, 1: a
    number).
    """
    import numpy as np

    rng = np.random.default_rng(20261128)
    n_plat, n_prof = len(PLATFORM_MIX), len(_PROFILE_WEIGHTS)
    eu = list(MEMBER_STATES)

    def text(mean_words: int) -> str:
        k = max(1, int(rng.gamma(2.0, mean_words / 2.0)))
        words = " ".join(rng.choice(_WORDS, size=k))
        return words[0].upper() + words[1:] + "."

    choices = {
        "decision_visibility": (
            [
                json_list(["DECISION_VISIBILITY_CONTENT_REMOVED"]),
                json_list(["DECISION_VISIBILITY_CONTENT_DISABLED"]),
                json_list(["DECISION_VISIBILITY_CONTENT_DEMOTED"]),
                None,
            ],
            [0.6, 0.25, 0.05, 0.1],
        ),
        "decision_monetary": (["DECISION_MONETARY_SUSPENSION", None], [0.1, 0.9]),
        "decision_provision": (["DECISION_PROVISION_PARTIAL_SUSPENSION", None], [0.1, 0.9]),
        "decision_account": (
            ["DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED", None],
            [0.1, 0.1, 0.8],
        ),
        "account_type": (["ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE", None], [0.4, 0.2, 0.4]),
        "decision_ground": (
            ["DECISION_GROUND_INCOMPATIBLE_CONTENT", "DECISION_GROUND_ILLEGAL_CONTENT"],
            [0.85, 0.15],
        ),
        "content_type": (
            [
                json_list(["CONTENT_TYPE_PRODUCT"]),
                json_list(["CONTENT_TYPE_TEXT"]),
                json_list(["CONTENT_TYPE_IMAGE", "CONTENT_TYPE_TEXT"]),
                json_list(["CONTENT_TYPE_VIDEO"]),
            ],
            [0.6, 0.2, 0.1, 0.1],
        ),
        "territorial_scope": (
            [json_list(eu), json_list(sorted(eu + ["LI", "NO"])), json_list(["DE"]), json_list(["FR", "ES"])],
            [0.8, 0.1, 0.05, 0.05],
        ),
        "source_type": (
            ["SOURCE_VOLUNTARY", "SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER"],
            [0.8, 0.18, 0.02],
        ),
        "automated_detection": (["Yes", "No"], [0.8, 0.2]),
        "automated_decision": (
            ["AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY", "AUTOMATED_DECISION_NOT_AUTOMATED"],
            [0.6, 0.15, 0.25],
        ),
        "category_specification": (
            [json_list(["KEYWORD_PROHIBITED_PRODUCTS"]), json_list(["KEYWORD_OTHER"]), None],
            [0.2, 0.1, 0.7],
        ),
    }
    out: dict = {}
    for col, (vals, w) in choices.items():
        idx = rng.choice(len(vals), size=n_plat * n_prof, p=np.array(w) / sum(w))
        out[col] = [vals[i] for i in idx]
    cat_w = np.array([w for _, w in CATEGORY_MIX])
    out["category_table"] = np.stack(
        [rng.choice(len(CATEGORY_MIX), size=4, replace=False, p=cat_w / cat_w.sum()) for _ in range(n_plat)]
    )
    n = n_plat * n_prof
    illegal = [g == "DECISION_GROUND_ILLEGAL_CONTENT" for g in out["decision_ground"]]
    out["decision_facts"] = [text(TEXT_WORDS["decision_facts"]) for _ in range(n)]
    out["incompatible_content_ground"] = [
        None if il else text(TEXT_WORDS["incompatible_content_ground"]) for il in illegal
    ]
    out["incompatible_content_explanation"] = [
        None if il else text(TEXT_WORDS["incompatible_content_explanation"]) for il in illegal
    ]
    out["illegal_content_legal_ground"] = [
        text(TEXT_WORDS["illegal_content_legal_ground"]) if il else None for il in illegal
    ]
    out["illegal_content_explanation"] = [
        text(TEXT_WORDS["illegal_content_explanation"]) if il else None for il in illegal
    ]
    out["uid_style"] = [int(x) for x in rng.random(n_plat) < 0.7]
    return out


#: Mean word counts of the free texts of a profile (gamma-distributed lengths).
TEXT_WORDS = {
    "decision_facts": 28,
    "incompatible_content_ground": 8,
    "incompatible_content_explanation": 15,
    "illegal_content_legal_ground": 8,
    "illegal_content_explanation": 15,
}


def _synthetic_inner(args) -> tuple[str, bytes, int]:
    seed, slug, day, version, part, n_members, rows_per_member, layout, level = args
    members = []
    total = 0
    for sub in range(n_members):
        n = rows_per_member
        members.append(
            (
                f"sor-{slug}-{day}-{version}-{part:05d}-{sub:05d}.csv",
                # the day is part of the member's seed: two days never share uuids (they did before)
                synthetic_member_csv(
                    seed * 1_000_003 + int(day.replace("-", "")) * 100_003 + part * 1000 + sub, day, n, layout
                ),
            )
        )
        total += n
    return f"sor-{slug}-{day}-{version}-{part:05d}.csv.zip", zip_bytes(members, level=level), total


def write_synthetic_dump(
    directory: str | Path,
    day: str,
    n_rows: int,
    *,
    seed: int = 20261128,
    rows_per_member: int = 100_000,
    members_per_inner: int = 10,
    layout: str = "full-38",
    processes: int = 1,
    level: int = 6,
) -> Path:
    """Write ``sor-global-<day>-<full|light>.zip`` with ``n_rows`` SYNTHETIC rows in the exact layout.

    The dump nests like the published ones: inner ``.csv.zip`` files of ``members_per_inner`` CSV
    members of ``rows_per_member`` rows each.

    Parameters
    ----------
    directory
        The folder the dump is written to.
    day
        The dump's date, ``YYYY-MM-DD``.
    n_rows
        Rows wanted. The members of the last inner zip get equal row counts, rounded up, so the dump
        can hold a few more rows (fewer than ``members_per_inner``); e.g. 250,001 gives 250,002.
    seed
        The seed of every member's generator (each member's seed derives from it).
    rows_per_member, members_per_inner
        The nesting of the dump.
    layout
        A key of :data:`dsa_explore.sor.schema.LAYOUTS` (``full-38``, ``full-37``, ``light-34``...).
    processes
        Worker processes generating the inner zips (spawned; 1 generates in this process).
    level
        The zip deflate level.

    Returns
    -------
    pathlib.Path
        The dump written.
    """
    version = "full" if layout.startswith("full") else "light"
    per_inner = rows_per_member * members_per_inner
    jobs = []
    start = 0
    part = 0
    while start < n_rows:
        rows_here = min(per_inner, n_rows - start)
        n_members = -(-rows_here // rows_per_member)
        rpm = -(-rows_here // n_members)
        jobs.append((seed, "global", day, version, part, n_members, rpm, layout, level))
        start += n_members * rpm
        part += 1
    if processes > 1:
        import multiprocessing as mp

        with mp.get_context("spawn").Pool(processes) as pool:
            inner = pool.map(_synthetic_inner, jobs)
    else:
        inner = [_synthetic_inner(j) for j in jobs]
    path = Path(directory) / f"sor-global-{day}-{version}.zip"
    write_dump(
        path,
        [(name, data) for name, data, _ in inner],
        generator="dsa_explore.synth.sor.write_synthetic_dump",
    )
    return path
