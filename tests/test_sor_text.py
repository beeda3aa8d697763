"""What the statements say: template stripping, the Art. 17(3) indicators, and their precision on hand labels.

Why: the notebook and the briefing state shares such as "x % of AliExpress's statements name the
item"; those numbers are only as good as the indicator rules. The rules are checked on small
hand-written texts, on real rows that once fooled them, and by their precision and recall on the
hand-labelled set data/sor/statement-labels.csv: 199 real statements (every distinct uuid of the real
TDB chunks in tests/fixtures/sor/real/) and 1 SYNTHETIC one, each labelled by reading it, following
docs/statement-labelling-guide.md, without running the rules. The labelled positives below are
counted from the labels (the CSV); the flagged texts are what the documented rules flag when read
by hand against docs/statement-texts.md (the T-numbers are the distinct texts, named in each row's
``note``). The figures are quoted in docs/statement-texts.md.
"""

from __future__ import annotations

import polars as pl
import pytest

from dsa_explore.analysis import sor_text as T
from dsa_explore.data import catalog

#: (flagged, true positives, labelled positives) on the 199 real rows, as quoted in the docs.
PRECISION_REAL = {
    "names_item": (1, 0, 0),
    "names_product": (1, 1, 2),
    "names_harm": (1, 1, 1),
    "names_law": (0, 0, 0),
    "names_rule": (26, 26, 36),
    "states_facts": (1, 1, 9),
    "mentions_redress": (6, 0, 0),
}
#: The same on the 41 distinct real texts (one row per text).
PRECISION_REAL_TEXTS = {
    "names_item": (1, 0, 0),
    "names_product": (1, 1, 2),
    "names_harm": (1, 1, 1),
    "names_law": (0, 0, 0),
    "names_rule": (12, 12, 18),
    "states_facts": (1, 1, 5),
    "mentions_redress": (1, 0, 0),
}
#: The real texts each rule flags (see docs/statement-texts.md, "Precision on a hand-labelled set").
FLAGGED_TEXTS = {
    "names_item": {"T12"},  # the feed name «Para ti» is a quoted passage
    "names_product": {"T11"},  # "healthcare products"
    "names_harm": {"T40"},  # "infringe the trademark rights"
    "names_law": set(),
    "names_rule": {"T2", "T13", "T16", "T17", "T18", "T20", "T23", "T31", "T32", "T39", "T40", "T41"},
    "states_facts": {"T40"},
    "mentions_redress": {"T8"},  # "you can request a review for your ad"
}


@pytest.fixture(scope="module")
def labelled() -> pl.DataFrame:
    """Return the hand-labelled set, loaded through the catalog (checksum and schema checked)."""
    return catalog.load("sor_statement_labels")


def _text_ids(frame: pl.DataFrame) -> pl.Series:
    return frame["note"].str.extract(r"\btext (T\d+) of 41\b")


def test_labelled_set_is_199_real_rows_and_1_synthetic(labelled):
    """Real rows dominate: 199 real statements, then 1 SYNTHETIC row to reach 200."""
    assert labelled.height == 200
    assert labelled["real"].sum() == 199
    assert labelled["row_id"].to_list() == list(range(1, 201))
    real = labelled.filter(pl.col("real") == 1)
    assert real["platform_name"].head(3).to_list() == ["Wallapop", "Kleinanzeigen", "Hotel Hideaway"]
    assert real["uuid"].n_unique() == 199
    assert real["source"].str.starts_with("real: TDB dump ").all()
    synthetic = labelled.filter(pl.col("real") == 0)
    assert synthetic.height == 1 and synthetic["source"].str.starts_with("SYNTHETIC").all()
    assert synthetic["note"].str.starts_with("SYNTHETIC").all()


def test_real_rows_are_the_fixture_rows(labelled):
    """Every real row's texts equal its statement in the real CSV chunks (field by field)."""
    import csv
    from pathlib import Path

    real_dir = Path(__file__).parent / "fixtures" / "sor" / "real"
    by_uuid = {}
    for path in sorted(real_dir.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                by_uuid.setdefault(r["uuid"], r)
    real = labelled.filter(pl.col("real") == 1)
    assert set(real["uuid"]) == set(by_uuid)
    for row in real.iter_rows(named=True):
        src = by_uuid[row["uuid"]]
        assert row["platform_name"] == src["platform_name"]
        for field in (*T.TEXT_FIELDS, "content_id_ean"):
            assert row[field] == (src.get(field) or None), (row["uuid"], field)


def test_identical_texts_carry_identical_labels(labelled):
    """41 distinct real texts; the rows of one text share one label vector and one text id."""
    real = labelled.filter(pl.col("real") == 1).with_columns(_text_ids(labelled.filter(pl.col("real") == 1)))
    assert real["note"].null_count() == 0
    keyed = real.with_columns(pl.concat_str(list(T.TEXT_FIELDS), separator="|", ignore_nulls=True).alias("k"))
    labels = [f"label_{k}" for k in T.INDICATORS]
    per_text = keyed.group_by("k").agg(*[pl.col(c).n_unique() for c in [*labels, "note"]])
    assert per_text.height == 41
    assert (
        keyed.group_by("k").agg(pl.col("note").str.extract(r"(T\d+)").n_unique())["note"].to_list()
        == [1] * 41
    )
    assert all((per_text[c] == 1).all() for c in labels)


def _counts(table: pl.DataFrame, subset: str) -> dict:
    rows = table.filter(pl.col("rows") == subset).iter_rows(named=True)
    return {r["indicator"]: (r["flagged"], r["true_positives"], r["labelled_positives"]) for r in rows}


def test_labelled_positives_are_the_hand_labels(labelled):
    """The labelled positives of the documented figures are the label columns' sums."""
    real = labelled.filter(pl.col("real") == 1)
    assert {k: int(real[f"label_{k}"].sum()) for k in T.INDICATORS} == {
        k: v[2] for k, v in PRECISION_REAL.items()
    }


def test_precision_and_recall_on_the_real_rows(labelled):
    """Flagged, correct and labelled counts on the real rows and their distinct texts, as documented."""
    table = T.precision(labelled)
    assert set(table["rows"]) == set(T.PRECISION_SUBSETS)
    assert _counts(table, "real") == PRECISION_REAL
    assert _counts(table, "real_texts") == PRECISION_REAL_TEXTS
    assert table.filter(pl.col("rows") == "real_texts")["n"].unique().to_list() == [41]
    # the one SYNTHETIC row: "Product Listing Policy", labelled and flagged as a named rule
    synthetic = _counts(table, "synthetic")
    assert synthetic["names_rule"] == (1, 1, 1)
    assert all(v == (0, 0, 0) for k, v in synthetic.items() if k != "names_rule")


def test_which_real_texts_each_rule_flags(labelled):
    """The rules flag exactly the real texts listed in the docs (misses and false positives included)."""
    real = labelled.filter(pl.col("real") == 1)
    ind = T.indicators(real, keep=("row_id",)).join(
        real.select("row_id", _text_ids(real).alias("t")), on="row_id"
    )
    for k in T.INDICATORS:
        assert set(ind.filter(pl.col(k) == 1)["t"]) == FLAGGED_TEXTS[k], k


def _real(labelled: pl.DataFrame, uuid: str) -> pl.DataFrame:
    return labelled.filter(pl.col("uuid") == uuid)


def test_rule_fixes_from_real_rows(labelled):
    """Real rows the rules got plainly wrong before issue 14's fixes (docs/statement-texts.md)."""
    flags = T.indicators(labelled, keep=("uuid",))

    def flag(uuid: str, k: str) -> int:
        return flags.filter(pl.col("uuid") == uuid)[k].item()

    # TikTok's "Your content is against our Community Guidelines" names no specific rule (T14)
    assert flag("706ccfad-8e58-4a5b-ab1f-b1568c76b0bb", "names_rule") == 0
    # Pinterest's "Community Guidelines on adult content" does (T2)
    assert flag("6903b11b-9cea-4f63-bece-a8848360e359", "names_rule") == 1
    # Idealo's "§ 3.1 of our GTC" (T39) and AliExpress's rule link rule.aliexpress.com/... (T16)
    assert flag("ddbdcea2-b0e3-4bcb-9f3d-8eccafcf8197", "names_rule") == 1
    assert flag("7b593bbc-e015-4844-b1a6-ac96b510c6e7", "names_rule") == 1
    # the numbers of a policy page's URL are no item id (AliExpress T16, Reddit's text T23)
    assert flag("7b593bbc-e015-4844-b1a6-ac96b510c6e7", "names_item") == 0
    assert flag("6bbacc56-ae4d-4b5e-896c-602c83adb110", "names_item") == 0
    # "toxicity or trolling" (T22) and "likely to lead to moderate physical harm" (T26) name no chemical
    assert flag("c814c784-41a6-4107-b349-eeb061a27d3c", "names_harm") == 0
    assert flag("22024dad-10aa-4e55-857f-321d757dc451", "names_harm") == 0
    # a policy's name is no harm: Wallapop's "Counterfeit and Intellectual Property Policy" (T31) and
    # Idealo's "guideline on ethical requirements, prohibited products, ..." (T39)
    for uuid in ("f1e5d3be-e95d-4e51-bb38-6cf13225b2af", "ddbdcea2-b0e3-4bcb-9f3d-8eccafcf8197"):
        assert (flag(uuid, "names_harm"), flag(uuid, "states_facts")) == (0, 0)
    assert _real(labelled, "f1e5d3be-e95d-4e51-bb38-6cf13225b2af")["label_names_harm"].item() == 0


def test_template_of_a_real_chinese_statement_keeps_the_text_after_its_url(labelled):
    """AliExpress's URL ends at the full-width bracket: the sentence after it stays in the template (T16)."""
    row = _real(labelled, "7b593bbc-e015-4844-b1a6-ac96b510c6e7").rename({"platform_name": "platform"})
    template = T.indicators(row)["template"].item()
    assert "《全球速卖通搜索作弊通用规则》（<url>），将对商品在美国站点进行屏蔽" in template
    assert "36963666" not in template


def test_fixed_rules_still_find_what_they_should():
    """The narrowed harm and rule patterns still match the phrasings they are for."""
    texts = pl.DataFrame(
        {
            "decision_facts": [
                "The toy contains lead above the legal limit.",
                "The slime is toxic.",
                "The bag is a counterfeit of a protected brand.",
                "Removed under § 3.1 of our GTC.",
                "See our Community Guidelines on dangerous goods.",
                "See https://x.eu/rules/safety for the rule.",
            ]
        }
    )
    ind = T.indicators(texts, keep=())
    assert ind["names_harm"].to_list() == [1, 1, 1, 0, 0, 0]
    assert ind["names_rule"].to_list() == [0, 0, 0, 1, 1, 1]


def test_indicators_on_hand_written_texts():
    """Each indicator on four hand-written texts, read by hand."""
    texts = pl.DataFrame(
        {
            "uuid": ["a", "b", "c", "d"],
            "platform": ["X"] * 4,
            "decision_facts": [
                'The listing "Baby rattle blue" (item 1005006123456789) lacks the CE marking.',
                "This content violates our policies.",
                "The product infringes Article 9 of Regulation (EU) 2017/1001. You can appeal.",
                "Removed under section 3.2 of the Seller Terms.",
            ],
            "incompatible_content_ground": [None, "Terms of Service", None, None],
            "incompatible_content_explanation": [None] * 4,
            "illegal_content_legal_ground": [None] * 4,
            "illegal_content_explanation": [None] * 4,
            "content_id_ean": [None] * 4,
        }
    )
    ind = T.indicators(texts).select("uuid", *T.INDICATORS, "specificity")
    assert ind.row(0) == ("a", 1, 1, 1, 0, 0, 1, 0, 2)
    assert ind.row(1) == ("b", 0, 0, 0, 0, 0, 0, 0, 0)
    assert ind.row(2) == ("c", 0, 0, 0, 1, 0, 0, 1, 2)
    assert ind.row(3) == ("d", 0, 0, 0, 0, 1, 0, 0, 1)


def test_template_rules():
    """Ids, names, dates and URLs are stripped: two listings share one template."""
    frame = pl.DataFrame(
        {
            "text": [
                'Listing "Red Toy Car" (item 1005006123456789, ASIN B08XYZ1234) removed on 2025-07-01, see https://x.eu/p?1',
                'Listing "Blue doll" (item 1005000000000001, ASIN B07ABC0000) removed on 2025-07-02, see https://y.eu/q',
                "Contact me@example.org about 3 items",
            ]
        }
    )
    got = frame.select(T.template_expr()).to_series().to_list()
    assert got[0] == "listing <item> (item <num>, asin <id>) removed on <date>, see <url>"
    assert got[0] == got[1]  # one template, two statements
    assert got[2] == "contact <email> about <num> items"


def test_template_summary_counts_boilerplate():
    """Statements, templates and the top template's share per platform."""
    ind = pl.DataFrame({"platform": ["A"] * 4 + ["B"] * 2, "template": ["t1", "t1", "t1", "t2", "u1", "u2"]})
    s = T.template_summary(ind).rows(named=True)
    assert s[0] == {
        "platform": "A",
        "statements": 4,
        "templates": 2,
        "top_template_share": 0.75,
        "top10_share": 1.0,
        "statements_per_template": 2.0,
    }
    assert s[1]["templates"] == 2 and s[1]["top_template_share"] == 0.5


def test_terms_named_per_platform():
    """Product types and harms named, counted per platform."""
    rows = pl.DataFrame(
        {
            "platform": ["A", "A", "B"],
            "decision_facts": ["A toy with small parts", "A phone charger", "Counterfeit bag"],
        }
    )
    t = T.terms_named(rows, kind="product")
    toys = t.filter((pl.col("platform") == "A") & (pl.col("term") == "toys")).row(0, named=True)
    assert (toys["named"], toys["statements"]) == (1, 2)
    assert t.filter((pl.col("platform") == "B") & (pl.col("term") == "clothing"))["named"].to_list() == [1]
    h = T.terms_named(rows, kind="harm")
    assert h.filter((pl.col("platform") == "A") & (pl.col("term") == "choking"))["named"].to_list() == [1]


def test_open_store_from_the_shipped_dumps(tmp_path, monkeypatch):
    """Without a store, one is built from the shipped dumps (marketplace rows only)."""
    monkeypatch.delenv("DSA_EXPLORE_SOR_STORE", raising=False)
    st = T.open_store(build_in=tmp_path / "s")
    assert st.shipped and st.synthetic
    # by hand: 120 + 80 + 70 + 15 SYNTHETIC text rows (synth.sor_texts.PLATFORM_ROWS) plus the fixtures'
    # marketplace rows: AliExpress 2 + 5, Temu 7, Amazon Store 3 + 2, Zalando 1 (test_sor_rows.py); Vinted
    # is no marketplace of the registry, so its 15 rows are not stored
    assert st.platforms == {"AliExpress": 127, "Amazon Store": 75, "Temu": 87, "Zalando": 16}
    rows = T.load(st)
    assert set(rows["platform"]) == set(T.COMPARE) and rows.height == 127 + 75 + 87
    with pytest.raises(FileNotFoundError, match="not a store"):
        T.open_store(tmp_path / "nope")


def test_briefing_section_says_plainly_when_no_store(monkeypatch):
    """The briefing section says plainly that no store was given."""
    from dsa_explore.briefing.sections import sor_text as section

    monkeypatch.delenv("DSA_EXPLORE_SOR_STORE", raising=False)
    s = section.section("AliExpress")
    assert s.facts == [] and s.chart is None
    assert s.sentences[0].startswith(
        "No statement texts for AliExpress: no statements-of-reasons store was given"
    )


def test_briefing_section_from_a_store_with_rows(tmp_path, monkeypatch):
    """The briefing section from a store: facts, a SYNTHETIC caveat and a visible chart."""
    from dsa_explore.briefing.sections import sor_text as section

    monkeypatch.delenv("DSA_EXPLORE_SOR_STORE", raising=False)
    st = T.open_store(build_in=tmp_path / "s")
    monkeypatch.setenv("DSA_EXPLORE_SOR_STORE", str(st.path))
    s = section.section("AliExpress")
    assert s.synthetic and "SYNTHETIC" in s.caveats[0]
    # stored AliExpress rows (see above) of H2 2025: 127 less the 2 of the 2024-03-01 fixture dump
    assert s.fact("sor_text_statements").value == 125
    assert 0 < s.fact("sor_text_top10").value <= 1
    spec = s.chart.to_dict()
    assert "[SYNTHETIC DATA]" in str(spec["title"]) and spec["mark"]["type"] == "circle"
    values = next(iter(spec["datasets"].values()))
    assert len(values) == 7 * 3 and any(v["share"] > 0 for v in values)  # 7 indicators x 3 platforms
    shein = section.section("SHEIN")
    assert shein.facts == [] and "holds no statements of SHEIN" in shein.sentences[0]
