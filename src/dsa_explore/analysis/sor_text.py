"""What the statements of reasons say: templates (boilerplate) and Art. 17(3) specificity indicators.

Frame in, frame out; every function takes stored rows (:mod:`dsa_explore.sor.rows`, a polars frame
or lazy frame with the dump's text columns) and works with vectorised polars string expressions,
so it runs on millions of rows. The rules are stated, with examples from real rows, in
``docs/statement-texts.md``; their precision on a hand-labelled set is measured by
:func:`precision` on ``data/sor/statement-labels.csv`` (``tests/test_sor_text.py``).

**The statement's text** (:func:`statement_text`) is its free-text fields joined with `` | `` in
this order: ``decision_facts``, ``incompatible_content_ground``, ``incompatible_content_explanation``,
``illegal_content_legal_ground``, ``illegal_content_explanation`` (nulls skipped).

**Templates** (:func:`template_expr`): the text, lowercased, with, in this order, URLs (printable
ASCII after ``http(s)://`` or ``www.``) -> ``<url>``,
e-mail addresses -> ``<email>``, uuids -> ``<id>``, quoted passages (``"…"``, ``“…”``, ``«…»``, ``„…“``)
-> ``<item>``, dates -> ``<date>``, tokens mixing letters and digits of 6+ characters (item ids,
ASINs) -> ``<id>``, numbers -> ``<num>``, and white space collapsed. Two statements share a template
when what is left is equal: it is the fixed part a platform files again and again.

**Specificity indicators** (:data:`INDICATORS`; DSA Art. 17(3): the statement must give the facts and
circumstances relied on, the legal or contractual ground and the redress possibilities, clearly and
specifically enough to identify the content):

- ``names_item``: the statement identifies the item: an identifier (a run of 8+ digits, an
  ASIN-like ``B0…`` code, a token mixing letters and digits of 8+ characters; looked for outside
  URLs), a quoted name, a link to an item page, or a filled ``content_id_ean``;
- ``names_product``: it names a product type of :data:`PRODUCT_TERMS` (toys, electrical, cosmetics,
  medicines, food, clothing and accessories, weapons; English, German, French, Spanish, Italian
  terms), outside URLs and policy names (:func:`terms_text`);
- ``names_harm``: it names a harm or defect of :data:`HARM_TERMS` (choking, CE marking, banned
  substance, counterfeit, recall, ...), outside URLs and policy names (:func:`terms_text`);
- ``names_law``: it cites a law: a Regulation or Directive number, an article or § number of a
  statute, or a named act (GPSR, DSA, Produktsicherheitsgesetz, Code de la consommation, ...);
- ``names_rule``: it points to a specific contractual rule: a numbered section/clause/§ of the terms,
  a named policy ("… Policy", "Catalogue Rules", "… Guidelines"; not the general "Community
  Guidelines" unless narrowed, "Community Guidelines on adult content"), or a link to a policy or
  rule page;
- ``states_facts``: the facts relied on are the case's own: a finding about the item (found,
  contains, lacks, missing, without, shows, has, notified, recalled, tested, ...) in the same text
  as a product or harm term or an item identification;
- ``mentions_redress``: it mentions how to contest the decision (appeal, complaint, out-of-court
  dispute settlement, court, contest, Widerspruch, recours, reclamación, reclamo).

``specificity`` counts four Art. 17(3) elements: item (``names_item``), ground (``names_law`` or
``names_rule``), facts (``states_facts``) and redress (``mentions_redress``): 0 to 4.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

TEXT_FIELDS: tuple[str, ...] = (
    "decision_facts",
    "incompatible_content_ground",
    "incompatible_content_explanation",
    "illegal_content_legal_ground",
    "illegal_content_explanation",
)

#: Product types and the terms (regular expressions, case-insensitive) that name them.
PRODUCT_TERMS: dict[str, str] = {
    "toys": r"\btoys?\b|\bplush|\bteddy|\brattle|\bslime\b|\bbuilding blocks?|\bdolls?\b|\bspielzeug"
    r"|\bjouets?\b|\bjuguetes?\b|\bgiocattol|\bwater beads?\b|\bcrossbow",
    "childcare": r"\bbaby\b|\bbébé|\binfant|\bpacifier|\bdummy\b|\bhigh ?chair|\bstroller|\bcot\b"
    r"|\bkinderwagen",
    "electrical": r"\bcharger|\bchargeur|\bladegerät|\bpower ?bank|\bbatter(y|ies)|\bakku|\badapter|\bplug\b"
    r"|\bled\b|\blights?\b|\bstraightener|\bhair ?dryer|\belectric|\bcable\b",
    "cosmetics": r"\bcosmetic|\bcream\b|\bcrème|\bserum\b|\bhair dye|\bnail glue|\blipstick|\blip plumper"
    r"|\bskin whitening|\btattoo ink|\bmake-?up\b|\bkosmetik",
    "medicines": r"\bmedicin|\bmedicament|\bmédicament|\barzneimittel|\bdrugs?\b|\btablets?\b|\bcapsules?\b"
    r"|\bpills?\b|\bsildenafil|\bantibiotic|\bmelatonin|\bcbd\b|\bsupplements?\b|\bgummies|\bdrops\b",
    "food": r"\bfood\b|\bnovel food|\blebensmittel|\baliment",
    "clothing": r"\bsneakers?\b|\bshoes?\b|\bjersey|\bhandbags?\b|\bbags?\b|\bsunglasses|\bwatch(es)?\b"
    r"|\bclothing|\bt-?shirt|\bdress(es)?\b|\bjacket",
    "weapons": r"\bweapons?\b|\bknife|\bknives|\bpepper spray|\bpistol|\bairsoft|\bfirearm|\bwaffe",
}
#: Harms and defects and the terms that name them. ``lead`` only as the metal (``contains lead``,
#: ``lead content``, ...), not the verb ("likely to lead to"); ``toxic`` not ``toxicity`` (TikTok's
#: "toxicity or trolling"): both were false positives on real rows (docs/statement-texts.md).
HARM_TERMS: dict[str, str] = {
    "choking": r"\bchok(e|ing)|\bsmall parts?\b|\bsuffocat|\bstrangul",
    "ce_marking": r"\bce[ -]?mark|\bce marking|\bno ce\b|\bwithout ce\b|\bukca\b",
    "chemical": r"\bphthalate|\bmercury|\bcontains? lead\b|\blead (content|levels?|paint|poisoning|\(pb\))"
    r"|\blevels? of lead\b|\blead-based|\bhydroquinone|\bcadmium|\bformaldehyde|\bbanned substance"
    r"|\btoxic\b|\bchemical",
    "electrical_risk": r"\belectric shock|\boverheat|\bfire hazard|\bshort[- ]circuit|\bburn",
    "counterfeit": r"\bcounterfeit|\bfake\b|\breplica|\bknock-?off|\bfälschung|\bcontrefa|\btrade ?mark\b"
    r"|\btrademark|\bwithout authori[sz]ation|\bintellectual property",
    "unauthorised_medicine": r"\bprescription|\bunauthori[sz]ed\b|\bundeclared|\bnovel food",
    "missing_information": r"\bno ingredient|\bwithout (an? )?ingredient|\bno warnings?\b"
    r"|\bmanufacturer'?s (eu )?address|\bno (eu )?address|\bmissing (the )?(label|information|warnings?)",
    "recall": r"\brecall|\bsafety gate|\brapex\b",
    "prohibited": r"\bprohibited weapon|\bbanned\b|\bprohibited (product|item|in)",
}
#: Names of policies and guidelines, removed from the text before the product and harm terms are
#: matched: a policy's name is not a finding ("our Counterfeit and Intellectual Property Policy",
#: "our guideline on ethical requirements, prohibited products, ..."). Capitalised names joined by
#: and/&/of/for (case-sensitive), and "guideline(s)/policy/policies/rules on ..." up to the next
#: ``.``, ``;``, ``:`` or field separator (case-insensitive).
_POLICY_NAME = (
    r"\b[A-Z][\w'-]*(?:\s+(?:and|&|of|for)\s+[A-Z][\w'-]*|\s+[A-Z][\w'-]*)*\s+"
    r"(?:Policy|Policies|Guidelines|Rules|Standards)\b"
)
_POLICY_ON = r"(?i)\b(?:guidelines?|polic(?:y|ies)|rules) on [^.;:|]*"
#: Identifiers of the item (case-sensitive), looked for in the text without its URLs (the numbers of
#: a policy page's URL are no item id), plus a quoted name and a link to an item page.
_ITEM_ID = r"\b\d{8,}\b|\bB0[A-Z0-9]{8}\b|\b(?:[A-Za-z]+\d[A-Za-z0-9]{6,}|\d+[A-Za-z][A-Za-z0-9]{6,})\b"
_ITEM_QUOTED = r"[\"“«„][^\"“”«»„]{3,120}[\"”»“]"
_ITEM_LINK = r"https?://\S*(/item/|/dp/|/goods|/listing|/p/|/product)"
#: A URL: printable ASCII after the scheme, so that a URL in text without spaces (Chinese, Japanese)
#: ends where the text resumes ("（https://rule.aliexpress.com/...），将对商品...").
_URL = r"https?://[!-~]+|www\.[!-~]+"
_LAW = (
    r"\b(regulation|directive|verordnung|richtlinie|règlement|directive|reglamento|regolamento)\s*"
    r"\((eu|ec|eec|ue|ce)\)"
    r"|\b(eu|ec|eec)\)? ?(no\.? ?)?\d{2,4}/\d{1,4}\b|\b\d{4}/\d{1,4}/(eu|ec|eec)\b|\bart(icle|\.|ikel)?\s*\d+"
    r"\s*(\(\d+\)\s*)?(of|of the|du|de la|des|der|del)?\s*"
    r"(regulation|directive|code|act|law|gesetz|loi|dsa|gpsr)"
    r"|§\s*\d+\s*\w*(gesetz|gb|uwg|prodsg|bgb)|\bgesetz\b|\bgpsr\b|\bdigital services act\b"
    r"|\bgeneral product safety|\bcode de la consommation|\bcódigo|\bcodice del consumo|\bprodsg\b|\bstgb\b"
    r"|\bdsa\b|\barticle l\.? ?\d"
)
#: A numbered section of the terms (``§ 3.1 of our GTC`` included), or a link to a policy or rule page
#: (case-insensitive).
_RULE = (
    r"\b(section|clause|paragraph|art(icle|\.)?|ziffer|abschnitt)\s*\d+(\.\d+)*\s*"
    r"(of|of the|of our|der|des|de)?\s*(our|the|unserer|des|nos)?\s*[\w\s'-]{0,40}"
    r"(terms|conditions|agreement|policy|agb|rules|guidelines|nutzungsbedingungen)"
    r"|§\s*\d+(\.\d+)*\s*(of|of our|der|unserer)?\s*(our|the)?\s*"
    r"(terms|conditions|gtcs?|agb|nutzungsbedingungen)"
    r"|https?://[!-~]*(polic|terms|rule|guideline)"
)
#: A named policy: capitalised words before Policy / Catalogue Rules / Guidelines (case-sensitive),
#: with an optional following "on" ("Community Guidelines on adult content").
_RULE_NAMED = (
    r"\b[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*\s+(?:Policy|Policies|Catalogue Rules|Guidelines|Listing Rules)\b"
    r"(?:\s+on\b)?"
)
#: Named policies that are no specific rule: a platform's general community guidelines or standards
#: ("our Community Guidelines", "Discord Community Guidelines") unless narrowed by "on ...".
_RULE_GENERAL = r"\bCommunity (?:Guidelines|Standards)$"
_FINDING = (
    r"\b(found|contains?|contained|containing|lacks?|lacked|lacking|missing|without|shows?|has|had"
    r"|notified|reported|recalled|tested|identified as|infring\w*|uses?|bears?|labell?ed|claims?)\b"
)
_REDRESS = (
    r"\bappeal|\bcomplain|\bcomplaint|\bout-of-court|\bdispute settlement|\bcourt\b|\bredress|\bcontest"
    r"|\bwiderspruch|\beinspruch|\brecours|\bréclamation|\breclamaci[oó]n|\breclamo|\brequest a review"
)

#: The indicators, in the order of the docs.
INDICATORS: tuple[str, ...] = (
    "names_item",
    "names_product",
    "names_harm",
    "names_law",
    "names_rule",
    "states_facts",
    "mentions_redress",
)
#: What each indicator means (tables, charts, the docs).
INDICATOR_TITLES: dict[str, str] = {
    "names_item": "names the item (id, quoted name, item link, EAN)",
    "names_product": "names the product type",
    "names_harm": "names the harm or defect",
    "names_law": "cites a law",
    "names_rule": "cites a specific contractual rule",
    "states_facts": "states the case's own facts",
    "mentions_redress": "mentions redress (appeal, complaint, court)",
}


def _any(patterns: dict[str, str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns.values())


def statement_text(fields: Sequence[str] = TEXT_FIELDS) -> pl.Expr:
    """Return the statement's free texts joined with `` | `` (nulls skipped; empty when all are null)."""
    return (
        pl.concat_str([pl.col(f) for f in fields], separator=" | ", ignore_nulls=True)
        .fill_null("")
        .alias("text")
    )


def template_expr(text: pl.Expr | None = None) -> pl.Expr:
    """Return the template of a text: see the module docstring for the replacements, in order."""
    t = (text if text is not None else pl.col("text")).str.to_lowercase()
    steps = [
        (_URL, "<url>"),
        (r"[\w.+-]+@[\w-]+\.[\w.]+", "<email>"),
        (r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", "<id>"),
        (r"[\"“«„][^\"“”«»„]{1,200}[\"”»“]", "<item>"),
        (r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b", "<date>"),
        (r"\b(?:[a-z]*\d[a-z0-9]*[a-z][a-z0-9]*|[a-z]+\d[a-z0-9]*)\b", "<id>"),
        (r"\d+(?:[.,]\d+)*", "<num>"),
        (r"\s+", " "),
    ]
    for pat, rep in steps:
        t = t.str.replace_all(pat, rep)
    return t.str.strip_chars().alias("template")


def _has(pattern: str, on: str = "text", *, case_sensitive: bool = False) -> pl.Expr:
    return _matches(pl.col(on), pattern, case_sensitive=case_sensitive)


def _matches(expr: pl.Expr, pattern: str, *, case_sensitive: bool = False) -> pl.Expr:
    return expr.str.contains(pattern if case_sensitive else f"(?i){pattern}").fill_null(False)


def terms_text(text: pl.Expr | None = None) -> pl.Expr:
    """Return the text the product and harm terms are matched in: URLs, policy and guideline names removed."""
    t = text if text is not None else pl.col("text")
    t = t.str.replace_all(f"(?i){_URL}", " ")
    return t.str.replace_all(_POLICY_NAME, " ").str.replace_all(_POLICY_ON, " ")


def _named_rule(text: pl.Expr) -> pl.Expr:
    """Whether ``text`` names a policy other than the general community guidelines."""
    found = text.str.extract_all(_RULE_NAMED)
    return found.list.eval(pl.element().str.contains(_RULE_GENERAL).not_()).list.any().fill_null(False)


def indicator_exprs() -> dict[str, pl.Expr]:
    """Return the indicator expressions over a frame with ``text``, ``facts_text`` and ``content_id_ean``."""
    text = pl.col("text")
    item = (
        _matches(text.str.replace_all(f"(?i){_URL}", " "), _ITEM_ID, case_sensitive=True)
        | _matches(text, _ITEM_QUOTED, case_sensitive=True)
        | _matches(text, _ITEM_LINK)
    )
    terms = terms_text(text)
    product, harm = _matches(terms, _any(PRODUCT_TERMS)), _matches(terms, _any(HARM_TERMS))
    return {
        "names_item": item | pl.col("content_id_ean").is_not_null(),
        "names_product": product,
        "names_harm": harm,
        "names_law": _has(_LAW),
        "names_rule": _has(_RULE) | _named_rule(text),
        "states_facts": _has(_FINDING, on="facts_text") & (product | harm | item),
        "mentions_redress": _has(_REDRESS),
    }


def indicators(
    rows: pl.DataFrame | pl.LazyFrame, *, keep: Sequence[str] = ("uuid", "platform")
) -> pl.DataFrame:
    """Return ``keep`` columns, ``text``, ``template``, the indicators (0/1) and ``specificity`` (0-4).

    One row per statement of ``rows`` (a frame or lazy frame with the text columns; absent ones are
    taken as null).
    """
    lf = rows.lazy()
    names = lf.collect_schema().names()
    extra = [] if "content_id_ean" in names else [pl.lit(None, dtype=pl.String).alias("content_id_ean")]
    absent = [pl.lit(None, dtype=pl.String).alias(f) for f in TEXT_FIELDS if f not in names]
    lf = lf.with_columns(*extra, *absent).with_columns(
        statement_text(),
        pl.col("decision_facts").fill_null("").alias("facts_text"),
    )
    exprs = indicator_exprs()
    # states_facts looks at the facts and the explanations (where platforms write what they found)
    lf = lf.with_columns(
        pl.concat_str(
            [
                pl.col("facts_text"),
                pl.col("incompatible_content_explanation").fill_null(""),
                pl.col("illegal_content_explanation").fill_null(""),
            ],
            separator=" | ",
        ).alias("facts_text")
    )
    out = lf.with_columns(
        template_expr(pl.col("text")), *[e.cast(pl.Int8).alias(k) for k, e in exprs.items()]
    )
    out = out.with_columns(
        (
            pl.col("names_item")
            + (pl.col("names_law") | pl.col("names_rule")).cast(pl.Int8)
            + pl.col("states_facts")
            + pl.col("mentions_redress")
        )
        .cast(pl.Int8)
        .alias("specificity")
    )
    cols = [c for c in keep if c in names] + ["text", "template", *INDICATORS, "specificity"]
    return out.select(cols).collect()


def terms_named(
    rows: pl.DataFrame | pl.LazyFrame, *, kind: str = "product", by: Sequence[str] = ("platform",)
) -> pl.DataFrame:
    """Return ``by``, term, statements naming it, statements and share per product type or harm.

    Which products (``kind='product'``) or harms (``kind='harm'``) the statements name (a statement may
    name several), matched in :func:`terms_text` like ``names_product`` and ``names_harm``.
    """
    terms = PRODUCT_TERMS if kind == "product" else HARM_TERMS
    lf = rows.lazy()
    names = lf.collect_schema().names()
    absent = [pl.lit(None, dtype=pl.String).alias(f) for f in TEXT_FIELDS if f not in names]
    lf = lf.with_columns(*absent).with_columns(statement_text())
    flags = lf.select(*by, *[_matches(terms_text(), p).alias(t) for t, p in terms.items()]).collect()
    total = flags.group_by(list(by)).agg(pl.len().alias("statements"))
    long = (
        flags.unpivot(index=list(by), on=list(terms), variable_name="term", value_name="named")
        .group_by([*by, "term"])
        .agg(pl.col("named").sum().cast(pl.Int64).alias("named"))
    )
    out = long.join(total, on=list(by)).with_columns((pl.col("named") / pl.col("statements")).alias("share"))
    return out.sort([*by, "named", "term"], descending=[False] * len(by) + [True, False])


def template_summary(ind: pl.DataFrame, by: Sequence[str] = ("platform",)) -> pl.DataFrame:
    """Return, per ``by`` group, statements, distinct templates and how concentrated they are.

    Columns: ``statements``, ``templates``, ``top_template_share`` and ``top10_share`` (share of
    statements in the most used template and in the 10 most used) and ``statements_per_template``.
    """
    counts = ind.group_by([*by, "template"]).agg(pl.len().alias("n"))
    ranked = counts.with_columns(pl.col("n").rank("ordinal", descending=True).over(list(by)).alias("rank"))
    return (
        ranked.group_by(list(by))
        .agg(
            pl.col("n").sum().alias("statements"),
            pl.len().alias("templates"),
            (pl.col("n").filter(pl.col("rank") == 1).sum() / pl.col("n").sum()).alias("top_template_share"),
            (pl.col("n").filter(pl.col("rank") <= 10).sum() / pl.col("n").sum()).alias("top10_share"),
        )
        .with_columns((pl.col("statements") / pl.col("templates")).alias("statements_per_template"))
        .sort(list(by))
    )


def top_templates(ind: pl.DataFrame, platform: str, n: int = 5) -> pl.DataFrame:
    """Return the ``n`` most used templates of ``platform`` with their counts and shares."""
    sub = ind.filter(pl.col("platform") == platform)
    return (
        sub.group_by("template")
        .agg(pl.len().alias("statements"))
        .with_columns((pl.col("statements") / sub.height).alias("share"))
        .sort(["statements", "template"], descending=[True, False])
        .head(n)
    )


def indicator_shares(ind: pl.DataFrame, by: Sequence[str] = ("platform",)) -> pl.DataFrame:
    """Share of statements with each indicator (long format: ``by``, indicator, title, k, n, share)."""
    long = ind.unpivot(index=list(by), on=list(INDICATORS), variable_name="indicator", value_name="v")
    out = (
        long.group_by([*by, "indicator"])
        .agg(pl.col("v").sum().cast(pl.Int64).alias("k"), pl.len().cast(pl.Int64).alias("n"))
        .with_columns(
            (pl.col("k") / pl.col("n")).alias("share"),
            pl.col("indicator").replace_strict(INDICATOR_TITLES).alias("title"),
        )
    )
    order = {k: i for i, k in enumerate(INDICATORS)}
    return (
        out.with_columns(pl.col("indicator").replace_strict(order, return_dtype=pl.Int32).alias("_o"))
        .sort([*by, "_o"])
        .drop("_o")
        .select(*by, "indicator", "title", "k", "n", "share")
    )


#: The subsets :func:`precision` scores: every row, the real rows, the real rows' distinct texts (one
#: row per text, so that a template filed many times counts once) and the SYNTHETIC rows.
PRECISION_SUBSETS: tuple[str, ...] = ("all", "real", "real_texts", "synthetic")


def _score(frame: pl.DataFrame, k: str, subset: str) -> dict:
    """One indicator's counts, precision and recall on ``frame``."""
    flagged = int(frame[k].sum())
    tp = int(((frame[k] == 1) & (frame[f"label_{k}"] == 1)).sum())
    pos = int(frame[f"label_{k}"].sum())
    return {
        "indicator": k,
        "rows": subset,
        "n": frame.height,
        "flagged": flagged,
        "true_positives": tp,
        "precision": tp / flagged if flagged else None,
        "labelled_positives": pos,
        "recall": tp / pos if pos else None,
    }


def precision(labelled: pl.DataFrame) -> pl.DataFrame:
    """Return the precision and recall of each indicator against hand labels ``label_<indicator>`` (0/1).

    Parameters
    ----------
    labelled
        The text columns (:data:`TEXT_FIELDS`, optionally ``content_id_ean``), ``row_id``, ``real``
        (1 real, 0 SYNTHETIC) and the seven ``label_<indicator>`` columns, as in
        ``data/sor/statement-labels.csv``.

    Returns
    -------
    polars.DataFrame
        One row per indicator and subset (:data:`PRECISION_SUBSETS`): ``indicator``, ``rows`` (the
        subset), ``n``, ``flagged`` (rows the rule flags), ``true_positives``, ``precision`` (null when
        nothing is flagged), ``labelled_positives``, ``recall`` (null when nothing is labelled 1).
        ``real_texts`` keeps the first row of each distinct statement text among the real rows.
    """
    ind = indicators(labelled, keep=("row_id", "real"))
    joined = ind.join(labelled.select("row_id", *[f"label_{k}" for k in INDICATORS]), on="row_id")
    real = joined.filter(pl.col("real") == 1)
    subsets = {
        "all": joined,
        "real": real,
        "real_texts": real.unique(subset=["text"], keep="first", maintain_order=True),
        "synthetic": joined.filter(pl.col("real") == 0),
    }
    return pl.DataFrame([_score(frame, k, name) for k in INDICATORS for name, frame in subsets.items()])


# -------------------------------------------------------------------------------------------------
# Reading a store (the notebook and the briefing)
# -------------------------------------------------------------------------------------------------

#: The platforms the notebook compares.
COMPARE: tuple[str, ...] = ("AliExpress", "Temu", "Amazon Store")
#: The shipped dumps the notebook ingests when no store is configured (catalog names, under data/sor/dumps).
SHIPPED_DUMPS: tuple[str, ...] = (
    "sor_fixture_dump_2024_03_01",
    "sor_fixture_dump_2024_03_02_light",
    "sor_fixture_dump_2025_07_01",
    "sor_dump_synthetic_texts",
)
_ROW_COLUMNS = (
    "uuid",
    "platform",
    "day",
    "category_v2",
    "decision_ground",
    "content_id_ean",
    *TEXT_FIELDS,
    "dump",
)


@dataclass(frozen=True)
class TextStore:
    """A row store to read statement texts from.

    ``shipped`` when built from the shipped dumps (no store configured); ``synthetic`` when any of
    its dumps is SYNTHETIC (written by the project's generators: the zip's SYNTHETIC mark recorded at
    ingestion, :mod:`dsa_explore.sor.marks`, or a ``sor-synthetic-*`` name), ``synthetic_dumps``
    names them; ``platforms`` the stored rows per platform.
    """

    path: Path
    shipped: bool
    synthetic: bool
    platforms: dict[str, int]
    synthetic_dumps: tuple[str, ...] = ()


def open_store(store: str | Path | None = None, *, build_in: str | Path | None = None) -> TextStore:
    """Return the row store at ``store`` (or ``$DSA_EXPLORE_SOR_STORE``), or build one.

    Without a store, build a small one from the shipped dumps (:data:`SHIPPED_DUMPS`) in
    ``build_in`` (default: a new temporary folder).

    Raises ``FileNotFoundError`` when the store given is not a store, ``ValueError`` when it has no rows
    (ingested without ``--rows``).
    """
    import tempfile

    from dsa_explore.analysis import sor_view
    from dsa_explore.data import catalog
    from dsa_explore.sor import ingest
    from dsa_explore.sor import rows as rowstore

    chosen = sor_view.store_setting(store)
    if chosen is not None:
        stored = rowstore.stored_platforms(chosen)
        if not stored:
            raise ValueError(
                f"{chosen}: the store holds no statements (rows); ingest with "
                "`dsa-explore sor ingest DUMPS --store DIR --rows`"
            )
        generated = _synthetic_row_dumps(chosen)
        return TextStore(Path(chosen), False, bool(generated), stored, generated)
    target = (
        Path(build_in) if build_in is not None else Path(tempfile.mkdtemp(prefix="dsa-explore-sor-text-"))
    )
    ingest.ingest([catalog.path(name) for name in SHIPPED_DUMPS], target, workers=1, rows=True, notify=None)
    generated = _synthetic_row_dumps(target)
    return TextStore(target, True, True, rowstore.stored_platforms(target), generated)


def _synthetic_row_dumps(store: str | Path) -> tuple[str, ...]:
    """Return the dumps with stored rows that are SYNTHETIC (their mark in the manifest, or their name)."""
    from dsa_explore.sor import marks
    from dsa_explore.sor import rows as rowstore
    from dsa_explore.sor.store import Store

    with_rows = {f["dump"] for f in rowstore.row_files(store)}
    return tuple(d for d in marks.synthetic_dumps(Store(store).manifest()) if d in with_rows)


def load(
    store: TextStore | str | Path,
    platforms: Sequence[str] | None = COMPARE,
    *,
    since: str | None = None,
    until: str | None = None,
) -> pl.DataFrame:
    """Return the stored statements of ``platforms``.

    Columns: uuid, platform, day, category, ground, EAN, the text fields and the dump; one row per
    uuid.
    """
    from dsa_explore.sor import rows as rowstore

    path = store.path if isinstance(store, TextStore) else Path(store)
    lf = rowstore.scan(path, platforms=platforms, since=since, until=until).select(list(_ROW_COLUMNS))
    return lf.unique(subset=["uuid"], keep="first", maintain_order=True).collect()
