"""The capture command: Debian's Chromium driven by Playwright records pages as evidence.

:func:`capture` visits the seed URLs and, breadth-first, the pages they link to (``depth``
levels, at most ``max_pages``, optionally only on the seeds' sites), and writes into ``out``:

* ``capture.har``: every request and response of the session, with content (Playwright's HAR
  recorder, ``record_har_content="embed"``). When a page navigates away at once (a
  ``<meta http-equiv=refresh content="0; ...">`` or a script redirect), Chromium discards that
  document's body before the HAR recorder reads it; the body is read at the network layer
  instead (CDP ``Fetch.getResponseBody`` at the response stage) and written into the entry, which
  is marked ``"_dsa_explore_body": "cdp-fetch"``, so the page's links and refresh still count;
* ``pages/NNNN.html``: the final DOM of each page after its scripts ran (``page.content()``);
* ``screenshots/NNNN.png``: a full-page screenshot of each page;
* ``capture.wacz``: the same responses as WARC records in a WACZ (unless ``wacz=False``), for
  replay in web-archive tools;
* ``manifest.json``: the seeds, options, User-Agent, times, each page (requested URL, final URL,
  status, depth, files), each URL skipped with its reason, and the sha256 of every file.

Politeness: each host's ``robots.txt`` is read (through the same browser, so it is in the HAR
too) and disallowed URLs are skipped (RFC 9309: a 4xx robots.txt allows all, an unreachable one
disallows all), loads on one host are spaced by ``delay`` seconds or the host's ``Crawl-delay``
if that is longer, and the User-Agent names
dsa-explore and says it is a compliance capture. The browser is ``/usr/bin/chromium`` (or
``DSA_EXPLORE_CHROMIUM``); no browser is ever downloaded. ``host_resolver_rules`` is passed to
Chromium (tests map made-up hosts to 127.0.0.1 with it, so no real network is touched).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import time
import urllib.robotparser
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from dsa_explore.readers.capture import warc
from dsa_explore.readers.capture.graph import page_links
from dsa_explore.readers.capture.pages import Page, clean_url, sha256_hex

DEFAULT_CHROMIUM = "/usr/bin/chromium"
DEFAULT_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) dsa-explore/0.1 (EU Digital Services Act compliance "
    "capture; evidence for a regulator or researcher)"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable",
]
HAR_NAME = "capture.har"
WACZ_NAME = "capture.wacz"
PAGE_TIMEOUT_MS = 15000
SETTLE_MS = 250


class BrowserError(RuntimeError):
    """Chromium cannot be found or started; the message says where it was looked for."""


def chromium_path() -> str:
    """Return the Chromium executable.

    In order: ``DSA_EXPLORE_CHROMIUM``, ``/usr/bin/chromium``, or ``chromium`` on the PATH.
    """
    path = os.environ.get("DSA_EXPLORE_CHROMIUM") or (
        DEFAULT_CHROMIUM if Path(DEFAULT_CHROMIUM).is_file() else shutil.which("chromium") or DEFAULT_CHROMIUM
    )
    if not Path(path).is_file():
        raise BrowserError(
            f"Chromium not found at {path}: install Debian's chromium (`apt-get install chromium`) "
            f"or set DSA_EXPLORE_CHROMIUM; dsa-explore never downloads a browser"
        )
    return path


def site_of(url: str) -> str:
    """Return the site of a URL: its host's last two labels (``shop.example.com`` -> ``example.com``).

    An approximation of the registrable domain without the public-suffix list: ``a.co.uk`` and
    ``b.co.uk`` count as one site. IP addresses and one-label hosts are their own site.
    """
    host = (urlsplit(url).hostname or "").lower()
    labels = host.split(".")
    if len(labels) <= 2 or host.replace(".", "").isdigit():
        return host
    return ".".join(labels[-2:])


def robots_token(user_agent: str) -> str:
    """Return the product token robots.txt groups are matched against: ``dsa-explore`` for our User-Agent."""
    return "dsa-explore" if "dsa-explore" in user_agent.lower() else user_agent.split("/")[0].strip()


class _Robots:
    """robots.txt per origin, fetched through the browser page ``page`` (so it is in the HAR)."""

    def __init__(self, page, user_agent: str, enabled: bool):
        self.page, self.ua, self.enabled = page, robots_token(user_agent), enabled
        self.cache: dict[str, urllib.robotparser.RobotFileParser | str] = {}

    def _load(self, origin: str):
        try:
            resp = self.page.goto(origin + "/robots.txt", timeout=PAGE_TIMEOUT_MS)
        except Exception as exc:  # noqa: BLE001 - any load failure means "unreachable"
            return f"robots.txt unreachable ({str(exc).splitlines()[0][:120]}): disallowed (RFC 9309)"
        parser = urllib.robotparser.RobotFileParser()
        if resp is None or resp.status >= 500:
            return f"robots.txt answered {resp.status if resp else 'nothing'}: disallowed (RFC 9309)"
        parser.parse([] if resp.status >= 400 else resp.text().splitlines())
        return parser

    def _rules(self, url: str):
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self.cache:
            self.cache[origin] = self._load(origin)
        return self.cache[origin]

    def refusal(self, url: str) -> str | None:
        """Return why ``url`` may not be fetched, or None when robots.txt allows it."""
        if not self.enabled:
            return None
        rules = self._rules(url)
        if isinstance(rules, str):
            return rules
        return None if rules.can_fetch(self.ua, url) else "robots.txt disallows it"

    def crawl_delay(self, url: str) -> float:
        """Return the host's robots.txt ``Crawl-delay`` for this User-Agent in seconds (0 when none)."""
        if not self.enabled:
            return 0.0
        rules = self._rules(url)
        delay = None if isinstance(rules, str) else rules.crawl_delay(self.ua)
        return float(delay or 0)


class _BodyTap:
    """Read document bodies at the network layer (CDP Fetch, response stage) for the HAR to fall back on."""

    def __init__(self, context, page):
        self.bodies: list[tuple[str, int, bytes]] = []
        self.cdp = context.new_cdp_session(page)
        self.cdp.on("Fetch.requestPaused", self._paused)
        self.cdp.send(
            "Fetch.enable",
            {"patterns": [{"urlPattern": "*", "resourceType": "Document", "requestStage": "Response"}]},
        )

    def _paused(self, event: dict) -> None:
        status = event.get("responseStatusCode")
        try:
            if status is not None and not 300 <= status < 400:
                r = self.cdp.send("Fetch.getResponseBody", {"requestId": event["requestId"]})
                body = base64.b64decode(r["body"]) if r.get("base64Encoded") else r["body"].encode("utf-8")
                self.bodies.append((event["request"]["url"], status, body))
        except Exception:  # noqa: BLE001, S110 - the HAR keeps the entry; a missing body is flagged by the reader
            pass
        finally:
            try:
                self.cdp.send("Fetch.continueRequest", {"requestId": event["requestId"]})
            except Exception:  # noqa: BLE001, S110 - the page was closed meanwhile
                pass


def _patch_har(har_path: Path, bodies: list[tuple[str, int, bytes]]) -> int:
    """Fill empty document bodies of the HAR from the network-layer copies; return how many were filled."""
    har = json.loads(har_path.read_text(encoding="utf-8"))
    pending = list(bodies)
    filled = 0
    for entry in har["log"]["entries"]:
        content = entry.get("response", {}).get("content", {})
        if content.get("text"):
            continue
        url, status = entry["request"]["url"], entry["response"].get("status")
        for i, (u, s, body) in enumerate(pending):
            if u == url and s == status and body:
                content.update(
                    {"text": base64.b64encode(body).decode("ascii"), "encoding": "base64", "size": len(body)}
                )
                entry["_dsa_explore_body"] = "cdp-fetch"
                pending.pop(i)
                filled += 1
                break
    har_path.write_text(json.dumps(har, ensure_ascii=False, indent=1), encoding="utf-8")
    return filled


def _prepare_out(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ValueError(
            f"{out}: output folder exists and is not empty (expected a new or empty folder, so a "
            f"capture never mixes with other files)"
        )
    (out / "pages").mkdir(parents=True, exist_ok=True)
    (out / "screenshots").mkdir(parents=True, exist_ok=True)


def _check_seeds(urls: list[str]) -> list[str]:
    seeds = []
    for u in urls:
        c = clean_url(u)
        if not c or not c.lower().startswith(("http://", "https://")):
            raise ValueError(
                f"seed URL {u!r} is not an http(s) URL (expected e.g. https://shop.example/item/1)"
            )
        seeds.append(c)
    return seeds


_REFRESH_JS = """() => { const m = document.querySelector('meta[http-equiv="refresh" i]');
  return m ? m.getAttribute('content') : null; }"""


def _pending_refresh(page) -> float | None:
    """Return the delay (s) of a meta refresh the loaded page will follow soon (<= 2 s), else None."""
    content = page.evaluate(_REFRESH_JS)
    if not content or "url" not in content.lower():
        return None
    try:
        delay = float(content.split(";")[0].split(",")[0].strip() or 0)
    except ValueError:
        return None
    return delay if delay <= 2 else None


def _settled_content(page) -> str:
    """Return the page's final DOM once client-side redirects (meta refresh <= 2 s, scripts) have run."""
    page.wait_for_timeout(SETTLE_MS)  # let a script redirect start
    for _attempt in range(4):
        try:
            page.wait_for_load_state("load", timeout=PAGE_TIMEOUT_MS)
            delay = _pending_refresh(page)
            if delay is not None:
                before = page.url
                try:
                    page.wait_for_url(lambda u, b=before: u != b, timeout=(delay + 2) * 1000)
                except Exception:  # noqa: BLE001, S110 - the refresh did not happen: keep this page
                    pass
                page.wait_for_load_state("load", timeout=PAGE_TIMEOUT_MS)
            return page.content()
        except Exception as exc:  # noqa: BLE001 - "page is navigating": wait for the next document
            if "navigat" not in str(exc).lower():
                raise
    return page.content()


class _Crawl:
    """The state of one capture run: queue, seen URLs, per-host clock, pages and skips."""

    def __init__(self, out: Path, seeds: list[str], opts: dict, progress: Callable[[str], None]):
        self.out, self.opts, self.progress = out, opts, progress
        self.queue = deque((u, 0) for u in seeds)
        self.seen = set(seeds)
        self.sites = {site_of(u) for u in seeds}
        self.last_load: dict[str, float] = {}
        self.pages: list[dict] = []
        self.skipped: list[dict] = []

    def wait_turn(self, url: str, crawl_delay: float = 0.0) -> None:
        """Sleep until ``max(delay, the host's Crawl-delay)`` has passed since the last load on the host."""
        host = urlsplit(url).netloc
        last = self.last_load.get(host)
        if last is not None:
            pause = max(self.opts["delay"], crawl_delay) - (time.monotonic() - last)
            if pause > 0:
                time.sleep(pause)
        self.last_load[host] = time.monotonic()

    def enqueue(self, links: list[str], depth: int) -> None:
        if depth >= self.opts["depth"]:
            return
        for target in links:
            if target in self.seen or not target.lower().startswith(("http://", "https://")):
                continue
            self.seen.add(target)
            if self.opts["same_site"] and site_of(target) not in self.sites:
                self.skipped.append({"url": target, "reason": "not on the seeds' sites (--same-site)"})
                continue
            self.queue.append((target, depth + 1))

    def visit(self, page, url: str, depth: int, crawl_delay: float = 0.0) -> None:
        n = len(self.pages) + 1
        self.wait_turn(url, crawl_delay)
        try:
            resp = page.goto(url, wait_until="load", timeout=PAGE_TIMEOUT_MS)
            html = _settled_content(page)
            html_rel, shot_rel = f"pages/{n:04d}.html", f"screenshots/{n:04d}.png"
            (self.out / html_rel).write_text(html, encoding="utf-8")
            page.screenshot(path=str(self.out / shot_rel), full_page=True)
        except Exception as exc:  # noqa: BLE001 - a page that does not load is reported, the crawl goes on
            for rel in (f"pages/{n:04d}.html", f"screenshots/{n:04d}.png"):
                (self.out / rel).unlink(missing_ok=True)
            self.skipped.append({"url": url, "reason": f"could not load: {str(exc).splitlines()[0][:200]}"})
            self.progress(f"[capture] skipped {url}: could not load")
            return
        final = clean_url(page.url) or url
        self.seen.add(final)
        self.pages.append(
            {
                "url": url,
                "final_url": final,
                "status": resp.status if resp else None,
                "depth": depth,
                "html": html_rel,
                "screenshot": shot_rel,
            }
        )
        self.progress(f"[capture] {n} {url}" + (f" -> {final}" if final != url else ""))
        dom = Page(
            url=final,
            status=None,
            fetched_at=None,
            content_type="text/html; charset=utf-8",
            body=html.encode("utf-8"),
            capture_file=html_rel,
            record_offset=None,
            record_length=None,
            record_sha256="",
        )
        self.enqueue(list(dict.fromkeys(u for u, _ in page_links(dom))), depth)


def _run(crawl: _Crawl, robots_on: bool, launch_args: list[str], user_agent: str) -> int:
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=executable, args=launch_args, headless=True)
        except Exception as exc:  # noqa: BLE001
            raise BrowserError(f"Chromium at {executable} did not start: {str(exc).splitlines()[0]}") from exc
        try:
            context = browser.new_context(
                user_agent=user_agent,
                record_har_path=str(crawl.out / HAR_NAME),
                record_har_content="embed",
                viewport={"width": 1280, "height": 900},
            )
            page = context.new_page()
            tap = _BodyTap(context, page)
            robots = _Robots(context.new_page(), user_agent, robots_on)
            while crawl.queue and len(crawl.pages) < crawl.opts["max_pages"]:
                url, depth = crawl.queue.popleft()
                refusal = robots.refusal(url)
                if refusal:
                    crawl.skipped.append({"url": url, "reason": refusal})
                    continue
                crawl.visit(page, url, depth, robots.crawl_delay(url))
            for url, _depth in crawl.queue:
                crawl.skipped.append({"url": url, "reason": f"--max-pages {crawl.opts['max_pages']} reached"})
            context.close()  # writes the HAR
        finally:
            browser.close()
    return _patch_har(crawl.out / HAR_NAME, tap.bodies)


def capture(
    urls: list[str],
    out: str | Path,
    *,
    depth: int = 0,
    same_site: bool = False,
    max_pages: int = 50,
    delay: float = 1.0,
    respect_robots: bool = True,
    user_agent: str | None = None,
    host_resolver_rules: str | None = None,
    progress: Callable[[str], None] | None = None,
    wacz: bool = True,
) -> dict:
    """Capture ``urls`` (and what they link to, ``depth`` levels deep) into the folder ``out``.

    Parameters
    ----------
    urls : seed URLs (http or https).
    out : a new or empty folder.
    depth : link levels to follow from the seeds (0 = the seeds only).
    same_site : follow links only to the seeds' sites (:func:`site_of`).
    max_pages : stop after this many pages.
    delay : seconds between two page loads on the same host.
    respect_robots : skip URLs that the host's robots.txt disallows (default True).
    user_agent : the User-Agent (default :data:`DEFAULT_USER_AGENT`).
    host_resolver_rules : Chromium ``--host-resolver-rules`` (e.g. to map hosts to a local server).
    progress : called with one line per page.
    wacz : also write ``capture.wacz``: the HAR's responses as WARC records (warcio), for web-archive tools.

    Returns
    -------
    dict
        The manifest, also written to ``out/manifest.json`` (see the module docstring).
    """
    if depth < 0 or max_pages < 1 or delay < 0:
        raise ValueError(
            f"expected depth >= 0, max-pages >= 1 and delay >= 0; got depth={depth}, "
            f"max-pages={max_pages}, delay={delay}"
        )
    out = Path(out)
    seeds = _check_seeds(list(urls))
    _prepare_out(out)
    ua = user_agent or DEFAULT_USER_AGENT
    opts = {
        "depth": depth,
        "same_site": same_site,
        "max_pages": max_pages,
        "delay": delay,
        "respect_robots": respect_robots,
    }
    args = CHROMIUM_ARGS + ([f"--host-resolver-rules={host_resolver_rules}"] if host_resolver_rules else [])
    started = datetime.now(UTC).isoformat(timespec="seconds")
    crawl = _Crawl(out, seeds, opts, progress or (lambda _msg: None))
    filled = _run(crawl, respect_robots, args, ua)
    if wacz:
        warc.wacz_from_har(
            out / HAR_NAME,
            out / WACZ_NAME,
            title=f"dsa-explore capture of {', '.join(seeds)}",
            software="dsa-explore capture (Chromium via Playwright) + warcio",
        )
    files = {
        p.relative_to(out).as_posix(): sha256_hex(p.read_bytes())
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    }
    manifest = {
        "tool": "dsa-explore capture",
        "format": 1,
        "seeds": seeds,
        "options": opts,
        "user_agent": ua,
        "browser": "Chromium (Debian) via Playwright",
        "started": started,
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "har": [HAR_NAME],
        "har_bodies_from_network_layer": filled,
        "pages": crawl.pages,
        "skipped": crawl.skipped,
        "files": files,
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return manifest
