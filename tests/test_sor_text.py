"""What the statements say: template stripping, the Art. 17(3) indicators, and their precision on hand labels.

Why: the notebook and the briefing state shares such as "x % of AliExpress's statements name the
item"; those numbers are only as good as the indicator rules. The rules are checked on the three real
rows (expected values read off the texts by hand, see docs/statement-texts.md), on small hand-written
texts, and their precision and recall on the hand-labelled set data/sor/statement-labels.csv (labels
written by reading each text; see docs/statement-labelling-guide.md) must equal the figures the docs
quote (PRECISION below is copied into docs/statement-texts.md).
"""

from __future__ import annotations

import polars as pl
import pytest

from dsa_explore.analysis import sor_text as T
from dsa_explore.data import catalog

#: Precision and recall on all 200 labelled rows (flagged, true positives, labelled positives), as quoted in the docs.
PRECISION = {
    "names_item": (54, 54, 54),
    "names_product": (79, 79, 79),
    "names_harm": (80, 79, 79),
    "names_law": (35, 35, 35),
    "names_rule": (57, 57, 80),
    "states_facts": (80, 79, 79),
    "mentions_redress": (22, 22, 22),
}


@pytest.fixture(scope="module")
def labelled() -> pl.DataFrame:
    return catalog.load("sor_statement_labels")


def test_labelled_set_is_200_rows_3_real(labelled):
    assert labelled.height == 200
    assert labelled["real"].sum() == 3
    assert labelled["row_id"].to_list() == list(range(1, 201))
    real = labelled.filter(pl.col("real") == 1)
    assert real["platform_name"].to_list() == ["Wallapop", "Kleinanzeigen", "Hotel Hideaway"]
    assert real["decision_facts"][2] == "The decision was taken pursuant to own-initiative investigations"
    assert labelled.filter(pl.col("real") == 0)["source"].str.starts_with("SYNTHETIC").all()


def test_precision_and_recall_equal_the_documented_figures(labelled):
    table = T.precision(labelled).filter(pl.col("rows") == "all")
    got = {
        r["indicator"]: (r["flagged"], r["true_positives"], r["labelled_positives"])
        for r in table.iter_rows(named=True)
    }
    assert got == PRECISION


def test_precision_on_the_real_rows(labelled):
    real = T.precision(labelled).filter(pl.col("rows") == "real")
    by = {r["indicator"]: r for r in real.iter_rows(named=True)}
    # by hand: Wallapop's "Counterfeit and Intellectual Property Policy" is a policy's name, which the harm
    # terms (and so states_facts) take for a harm: 1 false positive each; both rule citations are found
    assert (by["names_harm"]["flagged"], by["names_harm"]["true_positives"]) == (1, 0)
    assert (by["states_facts"]["flagged"], by["states_facts"]["true_positives"]) == (1, 0)
    assert (
        by["names_rule"]["flagged"],
        by["names_rule"]["true_positives"],
        by["names_rule"]["labelled_positives"],
    ) == (2, 2, 2)


def test_indicators_on_hand_written_texts():
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
    from dsa_explore.briefing.sections import sor_text as section

    monkeypatch.delenv("DSA_EXPLORE_SOR_STORE", raising=False)
    s = section.section("AliExpress")
    assert s.facts == [] and s.chart is None
    assert s.sentences[0].startswith(
        "No statement texts for AliExpress: no statements-of-reasons store was given"
    )


def test_briefing_section_from_a_store_with_rows(tmp_path, monkeypatch):
    from dsa_explore.briefing.sections import sor_text as section

    monkeypatch.delenv("DSA_EXPLORE_SOR_STORE", raising=False)
    st = T.open_store(build_in=tmp_path / "s")
    monkeypatch.setenv("DSA_EXPLORE_SOR_STORE", str(st.path))
    s = section.section("AliExpress")
    assert s.synthetic and "SYNTHETIC" in s.caveats[0]
    assert s.fact("sor_text_statements").value == 127  # stored AliExpress rows (see above)
    assert 0 < s.fact("sor_text_top10").value <= 1
    spec = s.chart.to_dict()
    assert "[SYNTHETIC DATA]" in str(spec["title"]) and spec["mark"]["type"] == "circle"
    values = next(iter(spec["datasets"].values()))
    assert len(values) == 7 * 3 and any(v["share"] > 0 for v in values)  # 7 indicators x 3 platforms
    shein = section.section("SHEIN")
    assert shein.facts == [] and "holds no statements of SHEIN" in shein.sentences[0]
