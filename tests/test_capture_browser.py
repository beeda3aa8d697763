"""The capture command with a real Chromium against the MADE-UP mock marketplace on 127.0.0.1.

One capture (about 10 s) is shared by the tests of this module. Chromium maps the made-up hosts to
the local server and every other host to nowhere (--host-resolver-rules), so no real network is used.
What must be found is written by hand in tests/capture_mock_expected.py.
"""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest

from dsa_explore import cli
from dsa_explore.readers import capture
from dsa_explore.readers.capture import browser
from dsa_explore.synth.mock_marketplace import MockMarketplace
from tests import capture_mock_expected as expected
from tests.conftest import require_chromium
from tests.test_capture_extract import check_mock_listings
from tests.test_capture_graph import check_planted_chains

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def captured(tmp_path_factory):
    require_chromium()  # skipped locally without Chromium (with the reason), a failure in CI
    out = tmp_path_factory.mktemp("capture") / "mock"
    with MockMarketplace() as site:
        code = cli.main(
            [
                "capture",
                site.url("/"),
                "--out",
                str(out),
                "--depth",
                "3",
                "--max-pages",
                "30",
                "--delay",
                "0",
                "--host-resolver-rules",
                site.resolver_rules(),
            ]
        )
        requests = list(site.requests)
    return out, code, requests


def test_capture_exits_0_and_writes_a_manifest_that_accounts_for_every_file(captured):
    out, code, _requests = captured
    assert code == 0
    manifest = json.loads((out / "manifest.json").read_text())
    files = sorted(
        p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name != "manifest.json"
    )
    assert sorted(manifest["files"]) == files
    [source] = capture.sources(out).to_dicts()
    assert source["kind"] == "capture folder (manifest.json)"
    assert source["sha256"] == hashlib.sha256((out / "manifest.json").read_bytes()).hexdigest()
    for rel, digest in manifest["files"].items():
        assert hashlib.sha256((out / rel).read_bytes()).hexdigest() == digest
    assert {p["url"] for p in manifest["pages"]} == expected.PAGES
    for p in manifest["pages"]:
        assert (out / p["html"]).read_text(encoding="utf-8").count("MADE-UP") >= 1
        png = (out / p["screenshot"]).read_bytes()
        assert png.startswith(b"\x89PNG") and len(png) > 5000
    finals = {p["url"]: p["final_url"] for p in manifest["pages"]}
    assert finals[f"{expected.M}/out/partner?id=55"] == f"{expected.M}/listing/herbal-potency-max.html"
    assert finals["http://shrt.test/k7"] == f"{expected.M}/listing/nike-air-replica-aaa.html"
    assert finals[f"{expected.M}/promo/summer.html"] == f"{expected.M}/listing/adult-only-18plus.html"


def test_capture_is_polite(captured):
    out, _code, requests = captured
    manifest = json.loads((out / "manifest.json").read_text())
    skipped = {s["url"]: s["reason"] for s in manifest["skipped"]}
    assert skipped[f"{expected.M}/private/admin.html"] == "robots.txt disallows it"
    assert skipped["https://www.example.org/consumer-rights"].startswith("robots.txt unreachable")
    paths_requested = [path for _host, path, _ua in requests]
    assert "/private/admin.html" not in paths_requested and "/robots.txt" in paths_requested
    assert {ua for _h, _p, ua in requests} == {browser.DEFAULT_USER_AGENT}
    assert "dsa-explore" in browser.DEFAULT_USER_AGENT and "compliance" in browser.DEFAULT_USER_AGENT


def test_captured_folder_gives_every_planted_chain_and_every_listing_field(captured):
    out, _code, _requests = captured
    cap = capture.read_capture(out)
    assert cap.problems().height == 0
    check_planted_chains(capture.link_edges(cap))
    check_mock_listings(capture.extract_listings(cap))


def test_har_and_wacz_written_by_the_capture_command(captured):
    out, _code, _requests = captured
    har = capture.read_capture(out / "capture.har")
    wacz = capture.read_capture(out / "capture.wacz")
    check_planted_chains(capture.link_edges(har))
    check_planted_chains(capture.link_edges(wacz))
    check_mock_listings(capture.extract_listings(wacz))
    assert (
        json.loads((out / "manifest.json").read_text())["files"]["capture.wacz"]
        == hashlib.sha256((out / "capture.wacz").read_bytes()).hexdigest()
    )


def test_a_changed_file_in_a_capture_folder_is_refused(captured, tmp_path):
    out, _code, _requests = captured
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    page = copy / "pages" / "0001.html"
    page.write_text(page.read_text(encoding="utf-8").replace("MockMarket", "MockMarkeT", 1), encoding="utf-8")
    with pytest.raises(capture.CaptureError, match="file changed since capture: sha256 differs"):
        capture.read_capture(copy)
    (copy / "pages" / "0001.html").unlink()
    with pytest.raises(capture.CaptureError, match="missing"):
        capture.read_capture(copy)


def test_same_site_max_pages_and_a_used_output_folder(tmp_path, capsys):
    require_chromium()
    with MockMarketplace() as site:
        out = tmp_path / "socks"
        code = cli.main(
            [
                "capture",
                site.url("/listing/sports-socks-3pack.html"),
                "--out",
                str(out),
                "--depth",
                "1",
                "--same-site",
                "--max-pages",
                "3",
                "--delay",
                "0",
                "--host-resolver-rules",
                site.resolver_rules(),
            ]
        )
        assert code == 0
        assert cli.main(["capture", site.url("/"), "--out", str(out)]) == 2
    assert "output folder exists and is not empty" in capsys.readouterr().err
    manifest = json.loads((out / "manifest.json").read_text())
    skipped = {s["url"]: s["reason"] for s in manifest["skipped"]}
    # the socks page links home, chargers, about (its nav) and to the shortener, in that order
    assert skipped == {
        "http://shrt.test/k7": "not on the seeds' sites (--same-site)",
        f"{expected.M}/about.html": "--max-pages 3 reached",
    }
    assert [p["url"] for p in manifest["pages"]] == [
        f"{expected.M}/listing/sports-socks-3pack.html",
        f"{expected.M}/",
        f"{expected.M}/collections/chargers.html",
    ]


def test_nothing_captured_exits_1_with_the_reasons(tmp_path, capsys):
    require_chromium()
    with MockMarketplace() as site:
        code = cli.main(
            [
                "capture",
                site.url("/private/admin.html"),
                "--out",
                str(tmp_path / "o"),
                "--delay",
                "0",
                "--host-resolver-rules",
                site.resolver_rules(),
                "--no-wacz",
            ]
        )
    assert code == 1
    assert (
        "no page could be captured" in capsys.readouterr().err
        and "robots.txt disallows it" in (tmp_path / "o" / "manifest.json").read_text()
    )


def test_bad_seed_is_refused(tmp_path, capsys):
    assert cli.main(["capture", "ftp://x.example/", "--out", str(tmp_path / "o")]) == 2
    assert "is not an http(s) URL" in capsys.readouterr().err


class _FakeResponse:
    def __init__(self, status: int, text: str):
        self.status, self._text = status, text

    def text(self) -> str:
        return self._text


class _FakePage:
    def __init__(self, answers: dict):
        self.answers, self.visited = answers, []

    def goto(self, url, timeout=None):
        self.visited.append(url)
        answer = self.answers[url]
        if isinstance(answer, Exception):
            raise answer
        return answer


def test_robots_rules_rfc9309_and_crawl_delay():
    ua = browser.DEFAULT_USER_AGENT
    page = _FakePage(
        {
            "http://a.test/robots.txt": _FakeResponse(
                200, "User-agent: *\nDisallow: /private/\nCrawl-delay: 3\n"
            ),
            "http://b.test/robots.txt": _FakeResponse(404, "not found"),
            "http://c.test/robots.txt": _FakeResponse(503, "busy"),
            "http://d.test/robots.txt": RuntimeError("net::ERR_NAME_NOT_RESOLVED"),
            "http://e.test/robots.txt": _FakeResponse(
                200, "User-agent: dsa-explore\nDisallow: /\n\nUser-agent: *\nDisallow:\n"
            ),
        }
    )
    robots = browser._Robots(page, ua, enabled=True)
    assert robots.refusal("http://a.test/item") is None and robots.crawl_delay("http://a.test/item") == 3.0
    assert robots.refusal("http://a.test/private/x") == "robots.txt disallows it"
    assert robots.refusal("http://b.test/anything") is None  # 4xx: no rules, everything allowed
    assert "answered 503" in robots.refusal("http://c.test/")  # 5xx: unreachable, nothing allowed
    assert robots.refusal("http://d.test/").startswith("robots.txt unreachable")
    assert (
        robots.refusal("http://e.test/x") == "robots.txt disallows it"
    )  # the group naming dsa-explore applies
    assert page.visited.count("http://a.test/robots.txt") == 1  # read once per origin
    assert browser._Robots(page, ua, enabled=False).refusal("http://a.test/private/x") is None
