"""Capture readers on real and broken files: every record is a page or a counted skip, hashes trace to bytes.

Expected figures come from tests/fixtures/capture/README.md (counted with `warcio index` and by
reading the files), not from the reader.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest

from dsa_explore.core import paths
from dsa_explore.readers import capture

FIX = Path(__file__).parent / "fixtures" / "capture"
FAULTS = FIX / "faults"
SHIPPED = paths.data_dir() / "captures"


def test_real_warc_gives_the_response_and_the_revisit_and_counts_every_other_record():
    cap = capture.read_capture(FIX / "example.warc.gz")
    assert cap.records_read == 6 and len(cap.pages) == 2 and cap.skipped.height == 4
    assert sorted(cap.skipped["record_type"].to_list()) == ["request", "request", "warcinfo", "warcinfo"]
    assert cap.skipped["record_offset"].to_list() == [0, 353, 2012, 3207]
    pages = cap.frame()
    response, revisit = pages.row(0, named=True), pages.row(1, named=True)
    assert (response["record_type"], response["record_offset"], response["record_length"]) == (
        "response",
        784,
        1228,
    )
    assert (revisit["record_type"], revisit["record_offset"], revisit["record_length"]) == (
        "revisit",
        2621,
        586,
    )
    assert response["url"] == "http://example.com/" and response["status"] == 200
    assert (
        response["fetched_at"] == "2017-03-06T04:02:06Z" and revisit["fetched_at"] == "2017-03-06T04:03:48Z"
    )
    # decoded payload (Content-Encoding gzip removed): 1,270 bytes, sha256 from the fixture README
    decoded = "3587cb776ce0e4e8237f215800b7dffba0f25865cb84550e87ea8bbac838c423"
    assert response["content_sha256"] == decoded and response["content_length"] == 1270
    # the revisit has no payload of its own; it takes its original's (same URI and payload digest)
    assert revisit["content_sha256"] == decoded and revisit["problem"] is None
    # record_sha256 covers the stored gzip member: recompute it from the file's bytes
    raw = (FIX / "example.warc.gz").read_bytes()
    assert response["record_sha256"] == hashlib.sha256(raw[784 : 784 + 1228]).hexdigest()
    assert revisit["record_sha256"] == hashlib.sha256(raw[2621 : 2621 + 586]).hexdigest()


def test_uncompressed_warc_reads_the_same_pages(tmp_path):
    plain = tmp_path / "example.warc"
    plain.write_bytes(gzip.decompress((FIX / "example.warc.gz").read_bytes()))
    cap = capture.read_capture(plain)
    assert cap.records_read == 6 and len(cap.pages) == 2
    assert (
        cap.frame()["content_sha256"].to_list()
        == ["3587cb776ce0e4e8237f215800b7dffba0f25865cb84550e87ea8bbac838c423"] * 2
    )


def test_truncated_warc_body_is_kept_and_flagged():
    cap = capture.read_capture(FAULTS / "truncated.warc.gz")
    assert cap.records_read == 3 and len(cap.pages) == 1
    page = cap.frame().row(0, named=True)
    assert page["record_offset"] == 784 and page["problem"].startswith("truncated record")
    assert "of 975 declared bytes" in page["problem"]
    assert cap.problems().height == 1


def test_warc_cut_inside_a_header_is_a_counted_unparsed_record_with_its_offset():
    cap = capture.read_capture(FAULTS / "truncated-in-header.warc")
    unparsed = cap.skipped.filter(cap.skipped["record_type"] == "unparsed")
    assert len(cap.pages) == 0 and unparsed.height == 1
    # the two warcinfo records end at byte 1193 of the uncompressed file (249+470 bytes of content + headers)
    row = unparsed.row(0, named=True)
    assert row["record_offset"] == 1193 and "307 byte(s)" in row["reason"] and "truncated" in row["reason"]


def test_not_a_warc_is_a_clear_error():
    with pytest.raises(capture.CaptureError) as err:
        capture.read_capture(FAULTS / "not-a-warc.warc")
    msg = str(err.value)
    assert "not-a-warc.warc" in msg and "not a WARC file" in msg and "HTTP/1.1 200 OK" in msg


def test_har_without_content_flags_the_page_and_counts_non_pages():
    cap = capture.read_capture(FAULTS / "har-without-content.har")
    assert cap.records_read == 5 and len(cap.pages) == 3 and cap.skipped.height == 2
    reasons = cap.skipped["reason"].to_list()
    assert reasons[0] == "not an http(s) URL" and "status 0" in reasons[1]
    pages = {r["url"]: r for r in cap.frame().iter_rows(named=True)}
    missing = pages["https://shop.example/item/1"]
    assert missing["content_sha256"] is None and "no content in the HAR entry" in missing["problem"]
    assert "5120 bytes" in missing["problem"]
    hop = pages["https://shop.example/go/9"]
    assert (
        hop["status"] == 302
        and hop["redirect_to"] == "https://shop.example/item/2"
        and hop["problem"] is None
    )
    assert hop["final_url"] == "https://shop.example/item/2" and hop["record_offset"] == 1
    edges = capture.link_edges(cap)
    assert edges.select("source_url", "target_url", "kind").rows() == [
        ("https://shop.example/go/9", "https://shop.example/item/2", "redirect"),
        ("https://shop.example/item/2", "https://shop.example/item/1", "link"),
    ]  # #top fragment removed


def test_har_record_hash_is_the_canonical_json_of_the_entry():
    import json

    entries = json.loads((FAULTS / "har-without-content.har").read_text())["log"]["entries"]
    cap = capture.read_capture(FAULTS / "har-without-content.har")
    canonical = json.dumps(entries[2], sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert cap.pages[2].record_sha256 == hashlib.sha256(canonical).hexdigest()


def test_broken_har_names_file_line_and_column():
    with pytest.raises(capture.CaptureError) as err:
        capture.read_capture(FAULTS / "broken.har")
    msg = str(err.value)
    assert "broken.har" in msg and "line 3" in msg and "not valid JSON" in msg and "HAR 1.2" in msg


def test_missing_path_and_unknown_type_are_clear_errors(tmp_path):
    with pytest.raises(capture.CaptureError, match="no such file or folder"):
        capture.read_capture(tmp_path / "nothing.har")
    odd = tmp_path / "capture.pdf"
    odd.write_bytes(b"%PDF")
    with pytest.raises(capture.CaptureError, match=r"unknown capture file type '\.pdf'"):
        capture.read_capture(odd)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(capture.CaptureError, match="no .html/.htm file"):
        capture.read_capture(empty)


def test_saved_html_folder_takes_each_page_url_from_the_page():
    with pytest.raises(capture.CaptureError, match="broken.har"):  # a folder with capture files reads those
        capture.read_capture(FAULTS)
    html = capture.read_html_folder(FAULTS)
    urls = {Path(p.capture_file).name: p.url for p in html.pages}
    assert urls == {
        "broken-jsonld.html": "https://shop.example/item/broken-jsonld",  # canonical link
        "several-products.html": "https://shop.example/search?q=lamp",  # "saved from" comment
        "windows-1252.html": "https://shop.example/k",
    }
    extruct_pages = capture.read_html_folder(FIX)
    assert {p.url for p in extruct_pages.pages} >= {"file:///product.html", "file:///product-ref.html"}


def test_shipped_wacz_holds_the_same_responses_as_the_shipped_har():
    wacz = capture.read_capture(SHIPPED / "mock-marketplace.wacz")
    har = capture.read_capture(SHIPPED / "mock-marketplace.har")
    key = ["url", "status", "content_sha256", "redirect_to"]
    a = wacz.frame().select(key).sort(key, nulls_last=True)
    b = har.frame().select(key).sort(key, nulls_last=True)
    assert a.height == b.height > 10 and a.equals(b)
    assert all(f.endswith("mock-marketplace.wacz#archive/data.warc.gz") for f in wacz.frame()["capture_file"])
    # every HAR response is one response + one request record in the WARC
    assert wacz.records_read == 2 * len(wacz.pages) and set(wacz.skipped["record_type"]) == {"request"}
    with zipfile.ZipFile(SHIPPED / "mock-marketplace.wacz") as zf:
        assert {"datapackage.json", "indexes/index.cdx", "pages/pages.jsonl", "archive/data.warc.gz"} <= set(
            zf.namelist()
        )
        assert all(i.compress_type == zipfile.ZIP_STORED for i in zf.infolist())


def test_wacz_without_warc_is_a_clear_error(tmp_path):
    bad = tmp_path / "x.wacz"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("datapackage.json", "{}")
    with pytest.raises(capture.CaptureError, match="holds no WARC under archive/"):
        capture.read_capture(bad)
    bad.write_bytes(b"not a zip")
    with pytest.raises(capture.CaptureError, match="not a zip file"):
        capture.read_capture(bad)


def test_folder_of_capture_files_reads_each(tmp_path):
    shutil.copy(FIX / "example.warc.gz", tmp_path / "a.warc.gz")
    shutil.copy(FAULTS / "har-without-content.har", tmp_path / "b.har")
    cap = capture.read_capture(tmp_path)
    assert cap.records_read == 6 + 5 and len(cap.pages) == 2 + 3


def test_sources_give_the_hash_of_every_capture_file(tmp_path):
    shutil.copy(FIX / "example.warc.gz", tmp_path / "a.warc.gz")
    table = capture.sources([tmp_path, SHIPPED / "mock-marketplace.har"])
    assert table["kind"].to_list() == ["warc.gz", "har"]
    assert (
        table["sha256"][0] == "5144459799b3bcb894d5143e0d8171c20c591a41733608e8392346e95e0bcf6b"
    )  # fixture README
    assert table["bytes"][0] == 3816
    with pytest.raises(capture.CaptureError, match="no such file"):
        capture.sources(tmp_path / "none")


def test_capture_folder_dom_snapshots_are_read_as_utf8_whatever_their_meta_says(tmp_path):
    """page.content() is saved as UTF-8 but keeps the page's own <meta charset> (here Windows-1252)."""
    import json

    folder = tmp_path / "cap"
    (folder / "pages").mkdir(parents=True)
    dom = (
        '<html><head><meta charset="windows-1252"></head>'
        '<body><a href="/caf\u00e9">Caf\u00e9</a></body></html>'
    )
    (folder / "pages" / "0001.html").write_text(dom, encoding="utf-8")
    shutil.copy(FAULTS / "har-without-content.har", folder / "capture.har")
    files = {
        rel: hashlib.sha256((folder / rel).read_bytes()).hexdigest()
        for rel in ("pages/0001.html", "capture.har")
    }
    (folder / "manifest.json").write_text(
        json.dumps(
            {
                "har": ["capture.har"],
                "files": files,
                "pages": [
                    {
                        "url": "https://shop.example/p",
                        "final_url": "https://shop.example/p",
                        "html": "pages/0001.html",
                    }
                ],
            }
        )
    )
    cap = capture.read_capture(folder)
    [page] = [p for p in cap.pages if p.record_type == "dom"]
    assert page.url == "https://shop.example/p" and "Caf\u00e9" in page.text()
    assert ("https://shop.example/p", "https://shop.example/caf\u00e9", "link") in capture.link_edges(
        cap
    ).select("source_url", "target_url", "kind").rows()
