"""The web UI in a real browser: Debian's chromium driven by Playwright over the sample corpus.

The store is built once from ``samples/`` (with propaganda signals) plus one hostile article,
the app is served by uvicorn on a free local port, and each test opens a view as a person would.
Screenshots of every view are written to ``build/screenshots`` (or ``$NEWSGRAPH_SCREENSHOTS``).

Chromium comes from ``apt-get install chromium`` (``make browser``; CI runs it). Where it is
missing the tests skip with a message, unless ``NEWSGRAPH_REQUIRE_BROWSER=1`` (set by CI), where
they fail instead.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHOTS = Path(os.environ.get("NEWSGRAPH_SCREENSHOTS", ROOT / "build" / "screenshots"))
pytestmark = pytest.mark.model   # the store is built by analysing the samples

HOSTILE_TITLE = '<img src=x onerror="window.__pwned=1">Hostile <b>title</b>'
HOSTILE_TEXT = (
    "Russian officials met Taliban envoys in Moscow on Monday, the ministry said. "
    "<script>window.__pwned = 2; alert('script ran')</script>\n\n"
    'A leaflet read <img src=x onerror="window.__pwned=3"> and <svg onload="window.__pwned=4"></svg> '
    "as the Taliban attacked a checkpoint in Ghazni, officials said.\n\n"
    "<iframe src=\"javascript:window.__pwned=5\"></iframe> The talks will continue in Doha next week."
)


def _chromium() -> str | None:
    for name in (os.environ.get("NEWSGRAPH_CHROMIUM"), "chromium", "chromium-browser"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def _need(reason: str) -> None:
    if os.environ.get("NEWSGRAPH_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests required but {reason}")
    pytest.skip(f"{reason}: install it with `make browser` (apt-get install chromium)")


@pytest.fixture(scope="module")
def store_path(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("ui")
    hostile = tmp / "hostile.jsonl"
    hostile.write_text(json.dumps({"id": "hostile-1", "outlet": "<b>Evil</b> Outlet", "published": "2019-09-02",
                                   "title": HOSTILE_TITLE, "url": "javascript:alert(1)",
                                   "text": HOSTILE_TEXT}) + "\n", encoding="utf-8")
    db = tmp / "ui.db"
    exe = [sys.executable, "-m", "newsgraph.cli"]
    env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")}
    subprocess.run([*exe, "ingest", "samples/text", "samples/html", "samples/jsonl", str(hostile),
                    "--db", str(db), "--signals", "--no-progress"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    subprocess.run([*exe, "corpus", "build", "--db", str(db)], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    return db


@pytest.fixture(scope="module")
def server(store_path):
    import uvicorn

    from newsgraph.api import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(create_app(store_path, allow_store=False), host="127.0.0.1", port=port,
                            log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline:
            pytest.fail("the UI server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    exe = _chromium()
    if exe is None:
        _need("chromium is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need("playwright is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture()
def page(browser, server):
    """A fresh page; console errors, page errors and dialogs are recorded and must stay empty."""
    ctx = browser.new_context(viewport={"width": 1440, "height": 1000}, base_url=server)
    pg = ctx.new_page()
    pg.problems = []
    pg.on("console", lambda m: pg.problems.append(f"console {m.type}: {m.text}")
          if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.problems.append(f"page error: {e}"))
    pg.on("dialog", lambda d: (pg.problems.append(f"dialog: {d.message}"), d.dismiss()))
    yield pg
    problems = list(pg.problems)
    ctx.close()
    assert problems == []


def open_view(page, route: str):
    """Go to a hash route and wait until the app has rendered it."""
    before = page.evaluate("document.body.dataset.ready || '0'")
    if page.url == "about:blank":
        page.goto("/ui#/" + route)
    else:
        page.evaluate("r => { location.hash = '#/' + r; }", route)
    page.wait_for_function("b => (document.body.dataset.ready || '0') !== b", arg=before)
    assert page.locator("#view .error").count() == 0, page.locator("#view .error").all_inner_texts()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_documents_then_reader_highlights_and_records(page):
    open_view(page, "")
    items = page.locator("[data-testid=documents] li")
    assert items.count() == 41
    shot(page, "01-documents")
    # the busiest Moscow-talks article: open it from the list by its title
    page.locator("[data-testid=documents] a.title", has_text="Taliban delegation").first.click()
    page.wait_for_selector("[data-testid=doc-text]")
    text = page.locator("[data-testid=doc-text]")
    for layer in ("events", "claims", "actors", "places"):
        assert text.locator(f".seg[data-layers~={layer}]").count() > 0, layer
    shot(page, "02-reader")
    # hover: a one-line summary of each record there; click: the records beside the text
    assert "Event: " in text.locator(".seg[data-layers~=events]").first.get_attribute("title")
    text.locator(".seg[data-layers~=events]").first.click()
    record = page.locator("[data-testid=side] [data-record=event]").first
    record.wait_for()
    body = record.inner_text()
    assert re.search(r"\b(CONSULT|AGREE|MEET|TRAVEL|[A-Z]{4,})\b", body)
    assert "Actor" in body and "Recipient" in body and "Date" in body
    shot(page, "03-reader-record")
    # switch a layer off: its highlights lose their styling
    page.locator("input[data-layer=events]").uncheck()
    assert "off-events" in (text.get_attribute("class") or "")


def test_reader_shows_signals_boilerplate_and_reliability(page):
    open_view(page, "documents?q=lithium")
    page.locator("[data-testid=documents] a.title").first.click()
    page.wait_for_selector("[data-testid=doc-text]")
    signals = page.locator("[data-testid=doc-text] .seg[data-layers~=signals]")
    assert signals.count() > 0
    signals.first.click()
    page.locator("[data-testid=side] [data-record=signal]").first.wait_for()
    page.locator("[data-tab=source]").click()
    side = page.locator("[data-testid=side]").inner_text().lower()   # headings are upper-cased by CSS
    assert "outlet reliability" in side and "removed boilerplate" in side
    assert page.locator("[data-testid=boilerplate]").count() > 0
    shot(page, "04-reader-signals-source")


def test_events_filter_open_event_and_evidence(page):
    open_view(page, "events")
    rows = page.locator("[data-testid=events-table] tbody tr")
    assert rows.count() > 0
    shot(page, "05-events")
    facet = page.locator("[data-facet=Type] a[data-value=ASSAULT]")
    facet.click()
    page.wait_for_function("() => location.hash.includes('type=ASSAULT')")
    page.wait_for_selector("[data-facet=Type] a.on")
    types = page.locator("[data-testid=events-table] tbody tr td:nth-child(2)").all_inner_texts()
    assert types and set(types) == {"ASSAULT"}
    # the event with the most reports, from the unfiltered table sorted by reports
    open_view(page, "events?min_reports=5")
    page.locator("[data-testid=events-table] tbody tr td:first-child").first.click()
    page.wait_for_selector("[data-testid=reports-table]")
    assert page.locator("[data-testid=reports-table] tbody tr").count() >= 5
    shot(page, "06-event")
    page.locator("[data-testid=open-evidence]").first.click()
    page.wait_for_selector("[data-testid=doc-text] .seg.selected")
    assert page.locator("[data-testid=side] [data-record=event]").count() >= 1


def test_actor_page_network_click_through(page):
    open_view(page, "actors?q=taliban")
    page.locator("[data-testid=actors-table]").get_by_role("link", name="Taliban", exact=True).click()
    graph = page.locator("[data-testid=actor-graph] .ng-graph")
    graph.wait_for()
    page.wait_for_selector("[data-testid=actor-graph] .ng-graph[data-settled=true]", timeout=20000)
    assert int(graph.get_attribute("data-nodes")) > 3
    shot(page, "07-actor")
    start = page.url
    other = page.locator("[data-testid=actor-graph] .ng-node:not([data-id='org:taliban'])").first
    target = other.get_attribute("data-id")
    other.locator("circle.ng-node-dot").click()
    page.wait_for_function("u => location.href !== u", arg=start)
    assert page.url.endswith("#/actor/" + target.replace(":", "%3A")) or target in page.url


def test_claims_triage_filters(page):
    open_view(page, "claims")
    scores = [float(s) for s in page.locator("[data-testid=claims-list] .score").all_inner_texts()]
    assert scores and scores == sorted(scores, reverse=True)
    shot(page, "08-claims")
    page.select_option("select[data-filter=speaker_kind]", "unnamed")
    page.wait_for_function("() => location.hash.includes('speaker_kind=unnamed')")
    page.wait_for_selector("[data-testid=claims-list] li")
    badges = page.locator("[data-testid=claims-list] li .cmeta .badge.unnamed")
    assert badges.count() == page.locator("[data-testid=claims-list] li").count() > 0


def test_network_timeline_and_map(page):
    open_view(page, "network")
    page.wait_for_selector("[data-testid=network-graph] .ng-graph[data-settled=true]", timeout=20000)
    assert page.locator("[data-testid=network-graph] .ng-node").count() > 10
    shot(page, "09-network")
    open_view(page, "timeline")
    assert page.locator("[data-testid=timeline-chart] rect.bar").count() > 3
    shot(page, "10-timeline")
    open_view(page, "map")
    page.wait_for_selector("[data-testid=map] .ng-map .ng-point")
    assert page.locator("[data-testid=map] .ng-point").count() > 5
    shot(page, "11-map")


def test_analyse_pasted_text_without_storing(page, server):
    open_view(page, "analyse")
    page.fill("[data-testid=analyse-text]", "The Taliban attacked a police checkpoint in Ghazni on Monday, "
              "killing four officers, the provincial governor said. Officials said the talks in "
              "Doha would resume next week.")
    page.click("[data-testid=analyse-button]")
    page.wait_for_selector("[data-testid=analyse-result] [data-testid=doc-text] .seg", timeout=60000)
    assert page.locator("[data-testid=analyse-result] .seg[data-layers~=events]").count() > 0
    shot(page, "12-analyse")
    import urllib.request
    with urllib.request.urlopen(server + "/api/v1/health") as r:
        assert json.load(r)["counts"]["documents"] == 41   # nothing stored


def test_hostile_article_runs_no_script(page):
    open_view(page, "documents?q=leaflet")
    title = page.locator("[data-testid=documents] a.title").first
    assert title.inner_text() == HOSTILE_TITLE   # shown as text
    title.click()
    page.wait_for_selector("[data-testid=doc-text]")
    text = page.locator("[data-testid=doc-text]")
    assert "<script>window.__pwned = 2; alert('script ran')</script>" in text.inner_text()
    assert text.locator("script, img, svg, iframe").count() == 0
    assert page.locator("h1.doc-title").inner_text() == HOSTILE_TITLE
    # the javascript: URL is not offered as a link; the outlet's markup is text
    assert page.locator("a[href^='javascript']").count() == 0
    assert "<b>Evil</b> Outlet" in page.locator(".doc-meta").inner_text()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    shot(page, "13-hostile")
    # the same text pasted into Analyse
    open_view(page, "analyse")
    page.fill("[data-testid=analyse-text]", HOSTILE_TEXT)
    page.click("[data-testid=analyse-button]")
    page.wait_for_selector("[data-testid=analyse-result] [data-testid=doc-text]", timeout=60000)
    assert page.locator("[data-testid=analyse-result] [data-testid=doc-text] script").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_ui_pages_carry_a_strict_content_security_policy(server):
    import urllib.request
    with urllib.request.urlopen(server + "/ui") as r:
        csp = r.headers["Content-Security-Policy"]
        html = r.read().decode()
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "<script>" not in html and "http" not in re.sub(r"<!--.*?-->", "", html).replace("http-equiv", "")
    with urllib.request.urlopen(server + "/api/v1/health") as r:
        assert r.headers["Content-Security-Policy"].startswith("default-src 'none'")


# -- the static files, without a browser ------------------------------------------------------

def test_static_files_are_served_with_their_types_and_nothing_else(tmp_path):
    from fastapi.testclient import TestClient

    from newsgraph.api import create_app

    client = TestClient(create_app(tmp_path / "empty.db"))
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == "/ui"
    r = client.get("/ui")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="/static/app.js"></script>' in r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]
    for name, kind in (("app.js", "text/javascript"), ("graph.js", "text/javascript"),
                       ("map.js", "text/javascript"), ("style.css", "text/css"),
                       ("world.json", "application/json")):
        r = client.get(f"/static/{name}")
        assert r.status_code == 200 and r.headers["content-type"].startswith(kind), name
        assert r.headers["x-content-type-options"] == "nosniff"
    # nothing outside the static folder, nothing of another type, one error shape
    for bad in ("/static/../api.py", "/static/%2e%2e/api.py", "/static/..%2fapi.py",
                "/static/nothing.js", "/static/", "/static/../../../../etc/passwd"):
        r = client.get(bad)
        assert r.status_code == 404, bad
        assert r.json()["error"]["code"] == "not_found", bad
    # every script the page loads is in the package: no other origin anywhere
    import re
    from newsgraph.web import STATIC
    for path in STATIC.glob("*.js"):
        code = path.read_text(encoding="utf-8")
        assert not re.search(r"https?://", code.replace("http://www.w3.org/2000/svg", "")), path.name
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(", code), path.name
