"""Tables of the MADE-UP mock marketplace's capture say SYNTHETIC; an analyst's capture never does.

The shipped capture ``data/captures/mock-marketplace.har`` is synthetic: its provenance record
``mock-marketplace.har.meta.json`` says ``"synthetic": true`` with the file's sha256. The same bytes
without the record (an analyst's copy), the record beside changed bytes, and Webrecorder's real WARC
of example.com are not synthetic. Expected row counts are from ``data/mock-marketplace/README.md``
(7 listing pages) and the committed notebook 04 (42 links, 3 redirects, 1 meta refresh, 1 script).
"""

from __future__ import annotations

import json
import shutil

import pytest

from dsa_explore.analysis import capture_evidence as ce
from dsa_explore.analysis import links
from dsa_explore.charts import captures as capture_charts
from dsa_explore.core import paths
from dsa_explore.readers import capture as capture_reader
from dsa_explore.readers.capture import CaptureError

HAR = paths.data_dir() / "captures" / "mock-marketplace.har"
WARC = paths.data_dir() / "captures" / "warcio-example" / "example.warc.gz"


@pytest.fixture(scope="module")
def mock():
    return ce.load(HAR)


@pytest.fixture(scope="module")
def copied(tmp_path_factory):
    """The mock's bytes saved as an analyst's own file, without the provenance record."""
    folder = tmp_path_factory.mktemp("analyst")
    shutil.copyfile(HAR, folder / "shop.har")
    return ce.load(folder / "shop.har")


def _tables(evidence):
    chains = ce.hidden_link_chains(evidence, max_hops=3)
    return {
        "listing_table": ce.listing_table(evidence),
        "coding_worklist": ce.coding_worklist(evidence),
        "information_gaps": ce.information_gaps(evidence.listings),
        "risk_ranking": ce.risk_ranking(evidence.listings),
        "indicator_counts": ce.indicator_counts(evidence.listings),
        "edge_kinds": ce.edge_kinds(evidence.edges),
        "page_flags": ce.page_flags(evidence),
        "hidden_link_chains": chains,
        "chain_steps": ce.chain_steps(evidence, chains),
    }


def test_the_shipped_mock_capture_is_synthetic_by_its_record(mock):
    assert mock.synthetic
    assert mock.sources.select("file", "synthetic").rows() == [("data/captures/mock-marketplace.har", True)]
    assert mock.listings.columns[0] == "data" and mock.listings.height == 7
    assert set(mock.listings["data"]) == {"SYNTHETIC"} and set(mock.edges["data"]) == {"SYNTHETIC"}
    assert "SYNTHETIC capture of the MADE-UP mock marketplace" in mock.source_text()


def test_every_table_of_the_mock_capture_starts_with_the_mark(mock):
    for name, table in _tables(mock).items():
        assert table.height > 0, name
        assert table.columns[0] == "data", name
        assert set(table["data"]) == {"SYNTHETIC"}, name
    kinds = dict(ce.edge_kinds(mock.edges).select("kind", "edges").rows())
    assert kinds == {"link": 42, "redirect": 3, "meta_refresh": 1, "script": 1}


def test_the_same_bytes_as_an_analysts_file_are_not_marked(copied):
    assert not copied.synthetic and copied.sources["synthetic"].to_list() == [False]
    assert "data" not in copied.listings.columns and copied.listings.height == 7
    for name, table in _tables(copied).items():
        assert table.height > 0, name
        assert "data" not in table.columns, name
    assert copied.source_text().startswith("the analyst's capture")


def test_the_real_warc_is_not_marked():
    real = ce.load(WARC)
    assert not real.synthetic
    assert "data" not in ce.edge_kinds(real.edges).columns


def test_a_record_beside_other_bytes_does_not_make_a_capture_synthetic(tmp_path):
    record = json.loads((HAR.parent / (HAR.name + ".meta.json")).read_text(encoding="utf-8"))
    changed = tmp_path / "mine.har"
    changed.write_bytes(HAR.read_bytes() + b"\n")  # still valid JSON, other sha256
    (tmp_path / "mine.har.meta.json").write_text(json.dumps(record), encoding="utf-8")
    assert not capture_reader.is_synthetic_file(changed)
    same = tmp_path / "same.har"
    shutil.copyfile(HAR, same)
    (tmp_path / "same.har.meta.json").write_text(json.dumps(record | {"synthetic": False}), encoding="utf-8")
    assert not capture_reader.is_synthetic_file(same)
    (tmp_path / "same.har.meta.json").write_text(json.dumps(record), encoding="utf-8")
    assert capture_reader.is_synthetic_file(same)


def test_an_unreadable_record_is_an_error_naming_it(tmp_path):
    har = tmp_path / "x.har"
    shutil.copyfile(HAR, har)
    (tmp_path / "x.har.meta.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CaptureError, match=r"x\.har\.meta\.json"):
        capture_reader.is_synthetic_file(har)


def test_chain_diagram_of_the_mock_capture_is_titled_synthetic(mock, copied):
    def spec(evidence):
        steps = ce.chain_steps(evidence, ce.hidden_link_chains(evidence))
        return capture_charts.chain_diagram(
            steps, synthetic=evidence.synthetic, source=evidence.source_text()
        ).to_dict()

    marked, plain = spec(mock), spec(copied)
    assert "SYNTHETIC" in json.dumps(marked["title"]["text"])
    assert "mock-marketplace.har" in json.dumps(marked["title"]["subtitle"])
    assert "SYNTHETIC" not in json.dumps(plain["title"])
    # the chart draws the 3 chains of the README (3 + 3 + 2 hops: 11 pages along them)
    rows = marked["datasets"][next(iter(marked["datasets"]))]
    assert len(rows) == 11 and "data" not in rows[0]


def test_the_link_files_row_account_is_marked_synthetic():
    nodes, edges, _chains = links.load_graph()
    account = links.validation_summary(links.validate(nodes, edges))
    # 3,500 nodes and 9,214 edges: data rows of data/links/nodes-synthetic.csv and edges-synthetic.csv
    assert account.rows() == [("SYNTHETIC", "nodes", 3500, 3500, 0), ("SYNTHETIC", "edges", 9214, 9214, 0)]
    plain = links.validation_summary(links.validate(nodes.drop("data"), edges))
    assert plain.columns == ["table", "read", "kept", "rejected"]
