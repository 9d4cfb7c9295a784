"""End to end in a real browser: Debian's Chromium driven by Playwright against a real server."""

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from newsledger.store import analyze

pytestmark = pytest.mark.slow
DATA = Path(__file__).parent / "data" / "ledger"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _serving(db: Path, *options: str) -> Iterator[str]:
    """`newsledger serve` on a free port over ``db`` (with ``options``), until the block ends."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "newsledger.cli", "serve", "--db", str(db), "--port", str(port),
                             *options], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # a pipe nobody reads
    # would fill up with the access log (a 70,000-character URL is one line) and stall the server
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError("server did not start")
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("browser") / "ledger.db"
    analyze([DATA / "a1.jsonl", DATA / "hostile.jsonl", DATA / "long_words.jsonl"], db)
    with _serving(db) as url:
        yield url


@pytest.fixture(scope="module")
def story_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A quake in Tesmark: two sources whose latest tolls differ, and a province's own toll."""
    db = tmp_path_factory.mktemp("story") / "ledger.db"
    analyze([DATA / "story.jsonl"], db)
    return db


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("NEWSLEDGER_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium required but not installed")
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context()
    pg = ctx.new_page()
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.dialogs = dialogs
    yield pg
    ctx.close()


def test_overview_to_contested_quantity_chart(server: str, page: Any) -> None:
    page.goto(server + "/")
    assert "Most disputed quantities" in page.inner_text("main")
    page.click("#contested tbody tr >> nth=0 >> a")
    page.wait_for_selector("svg.nl-chart")
    assert page.locator(".chart-wide svg.nl-chart a").count() >= 4
    assert page.locator("#figures tbody tr").count() >= 4
    assert page.locator(".badge.dispute").first.is_visible()


def test_article_highlights_and_figure_details_on_focus(server: str, page: Any) -> None:
    page.goto(server + "/articles/north-2")
    marks = page.locator("mark.fig")
    assert marks.count() >= 2
    assert page.locator("span.stmt").count() >= 1
    tip = page.locator("mark.fig .tip").first
    assert not tip.is_visible()
    marks.first.focus()
    assert tip.is_visible()
    text = tip.inner_text()
    assert "value" in text and "source" in text and "event date" in text and "quantity" in text
    page.keyboard.press("Escape")  # app.js: Escape closes the focused figure's details
    assert not tip.is_visible()
    marks.nth(1).hover()
    assert page.locator("mark.fig .tip").nth(1).is_visible()


def test_search_from_the_header(server: str, page: Any) -> None:
    page.goto(server + "/")
    page.fill("header input[name=q]", "earthquake")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search?q=earthquake*")
    assert page.locator("#article-results li a").count() >= 2


def test_search_from_the_header_leads_with_a_quantity_linking_to_its_page(server: str, page: Any) -> None:
    page.goto(server + "/articles")
    page.fill("header input[name=q]", "death toll earthquake")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search?q=death+toll+earthquake*")
    first = page.locator("#quantity-results tbody tr").first
    assert "earthquake" in first.locator("td[data-label=Story]").inner_text()
    latest = _get_json(server + "/search.json?q=death+toll+earthquake")["results"]["quantities"][0]["latest"]
    assert latest["text"] == "33" and latest["day"] == "2030-08-06"  # long_words.jsonl's report is the newest
    assert first.locator("td[data-label=Latest]").inner_text().startswith("33 2030-08-06")
    link = first.locator("td[data-label=Quantity] a")
    label = link.inner_text()
    assert "killed" in label
    link.click()
    page.wait_for_url("**/quantities/q-*")
    assert label in page.inner_text("h1")
    qid = page.url.rsplit("/", 1)[-1]
    figures = _get_json(f"{server}/quantities/{qid}.json")["q"]["figures"]
    assert page.locator("#figures tbody tr").count() == len(figures)


def test_a_refused_filter_shows_a_notice_and_keeps_the_form(server: str, page: Any) -> None:
    response = page.goto(server + "/search?q=flood&date_from=2030-02-30&outlet=Coast")
    assert response is not None and response.status == 400
    assert page.locator("#search-problems").is_visible()
    assert "date_from 2030-02-30 is not a real date" in page.inner_text("#search-problems")
    assert page.input_value("main input[name=date_from]") == "2030-02-30"
    assert page.input_value("main input[name=outlet]") == "Coast"
    assert page.input_value("main input[name=q]") == "flood"


def test_hostile_article_runs_no_script(server: str, page: Any) -> None:
    page.goto(server + "/articles/evil-1")
    page.locator("span.stmt").first.hover()
    page.wait_for_timeout(300)
    assert page.dialogs == []
    assert "<script>alert('xss')</script>" in page.inner_text("#article-text")


PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport=PHONE, device_scale_factor=1)
    yield ctx.new_page()
    ctx.close()


def _get_json(url: str) -> Any:
    import json
    import urllib.request

    with urllib.request.urlopen(url) as r:
        return json.load(r)


def _every_page_type(server: str, pg: Any) -> list[str]:
    """One URL of each page type (real ids, the article and quantity with the longest words), plus
    every page the header's navigation links to (pages added later are checked too)."""
    qid = _get_json(server + "/search.json?q=injured")["results"]["figures"][0]["quantity_id"]
    sid = _get_json(server + "/sources.json")["items"][0]["id"]
    story = _get_json(server + "/stories.json")["items"][0]["id"]
    pages = ["/", "/stories", f"/stories/{story}", "/quantities", f"/quantities/{qid}",
             f"/quantities/{qid}?scale=log", "/conflicts", "/articles", "/articles/long-words-1",
             "/articles/north-2", "/sources", f"/sources/{sid}", "/search?q=killed", "/search?q=Oskvalley",
             "/search?q=death+toll+earthquake", "/search?date_from=2030-13-01", "/corrections", "/no-such-page"]
    pg.goto(server + "/")
    nav = pg.eval_on_selector_all("header nav a", "els => els.map(e => e.getAttribute('href'))")
    return pages + [h for h in nav if h not in pages]


def test_no_page_scrolls_sideways_on_a_phone(server: str, phone: Any) -> None:
    """At 390 px every page fits its width: record tables are cards, long words and URLs wrap."""
    for path in _every_page_type(server, phone):
        phone.goto(server + path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (path, width)


def test_the_quote_is_visible_on_a_phone(server: str, phone: Any) -> None:
    """The quantity page's figures are cards on a phone, and their quoted words (the evidence) lie
    within the screen's width, with the header's name beside them."""
    qid = _get_json(server + "/search.json?q=injured")["results"]["figures"][0]["quantity_id"]
    phone.goto(server + f"/quantities/{qid}")
    quotes = phone.locator('#figures td[data-label="Quoted words"]')
    assert quotes.count() >= 2
    for i in range(quotes.count()):
        cell = quotes.nth(i)
        cell.scroll_into_view_if_needed()
        assert cell.is_visible()
        box = cell.locator("blockquote").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        assert box["width"] > PHONE["width"] / 2  # room to read, not a sliver
    label = phone.evaluate("""getComputedStyle(document.querySelector('#figures td[data-label="Quoted words"]'),
                              '::before').content""")
    assert label == '"Quoted words"'
    assert not phone.locator("#figures thead").is_visible() or phone.locator("#figures thead").bounding_box()[
        "height"] <= 1


def _tip_boxes(pg: Any, width: int) -> list[tuple[int, dict[str, float]]]:
    """Each figure of the article focused in turn: the details boxes that cross the screen's edges."""
    marks = pg.locator("mark.fig")
    bad = []
    for i in range(marks.count()):
        marks.nth(i).focus()
        tip = pg.locator("mark.fig .tip").nth(i)
        assert tip.is_visible()
        box = tip.bounding_box()
        if box["x"] < 0 or box["x"] + box["width"] > width:
            bad.append((i, box))
    return bad


def test_a_focused_figures_details_stay_on_screen(server: str, phone: Any) -> None:
    """On a phone the details open under the line, as wide as the text; on a narrow desktop window
    app.js shifts a box that would cross the right edge back inside."""
    for article in ("north-2", "long-words-1"):
        phone.goto(server + f"/articles/{article}")
        assert phone.locator("mark.fig").count() >= 2
        assert _tip_boxes(phone, PHONE["width"]) == [], article
    phone.set_viewport_size({"width": 720, "height": 900})
    phone.goto(server + "/articles/long-words-1")
    # the figures at the right edge of the text, where a 22em box would overflow (CSSOM: the CSP
    # refuses inline styles but not a script's)
    phone.evaluate("document.querySelector('.article-text').style.textAlign = 'right'")
    assert _tip_boxes(phone, 720) == []


def test_skip_link_is_the_first_tab_stop(server: str, page: Any) -> None:
    page.goto(server + "/quantities")
    skip = page.locator("a.skip")
    assert skip.bounding_box()["y"] + skip.bounding_box()["height"] <= 0  # off screen until focused
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    box = skip.bounding_box()
    assert skip.is_visible() and box["y"] >= 0 and skip.inner_text() == "Skip to content"
    page.keyboard.press("Enter")
    page.wait_for_url("**/quantities#main")
    assert page.evaluate("document.activeElement.id") == "main"


def test_links_have_distinct_accessible_names(server: str, browser: Any) -> None:
    """Chromium's own accessibility tree: no two links on a page share a name but lead apart."""
    ctx = browser.new_context()
    pg = ctx.new_page()
    cdp = ctx.new_cdp_session(pg)
    for path in _every_page_type(server, pg):
        pg.goto(server + path)
        seen: dict[str, str] = {}
        for node in cdp.send("Accessibility.getFullAXTree")["nodes"]:
            if node.get("role", {}).get("value") != "link" or node.get("ignored"):
                continue
            name = node.get("name", {}).get("value", "")
            url = next((p["value"]["value"] for p in node.get("properties", []) if p["name"] == "url"), "")
            assert name, (path, url)
            assert seen.setdefault(name, url) == url, (path, name, seen[name], url)
    ctx.close()


def test_no_failed_requests_and_a_favicon(server: str, page: Any) -> None:
    """No 404 in the console: the icon, the stylesheet and the script load on every page."""
    failed: list[tuple[int, str]] = []
    page.on("response", lambda r: failed.append((r.status, r.url)) if r.status >= 400 else None)
    for path in ("/", "/quantities", "/articles/north-2"):
        page.goto(server + path)
    assert failed == []
    assert page.evaluate("fetch('/favicon.ico').then(r => r.status + ' ' + r.headers.get('content-type'))") \
        == "200 image/svg+xml"
    icon = page.evaluate("document.querySelector('link[rel=icon]').href")
    assert page.evaluate(f"fetch('{icon}').then(r => r.status)") == 200


def test_error_pages_in_the_browser(server: str, page: Any) -> None:
    r = page.goto(server + "/quantities/q-none")
    assert r.status == 404 and page.locator("h1").inner_text() == "Not found"
    assert "No such quantity" in page.inner_text("main")
    page.click("text=Back to all quantities")
    page.wait_for_url("**/quantities")
    r = page.goto(server + "/quantities?page=0")
    assert r.status == 422 and "Page must be an integer from 1 to" in page.inner_text("main")


def test_a_70000_character_query_and_a_huge_page_are_refused_at_once(server: str) -> None:
    """Through the real server (httpx in TestClient refuses such a URL before sending it)."""
    import http.client
    from urllib.parse import urlsplit

    u = urlsplit(server)
    for target, reason in (("/search?q=" + "earthquake+" * 6_364, "has 70,004 characters"),
                           ("/search?page=" + "9" * 40, "page must be an integer")):
        for accept, kind in (("text/html", "text/html"), ("application/json", "application/json")):
            conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
            started = time.perf_counter()
            conn.request("GET", target, headers={"Accept": accept})
            r = conn.getresponse()
            body = r.read().decode()
            conn.close()
            assert time.perf_counter() - started < 2
            assert r.status == 422 and r.getheader("content-type").startswith(kind), (target[:20], accept)
            assert reason in body.lower() or reason.capitalize() in body, body[:300]


def test_a_story_page_tables_the_latest_figure_per_source(story_db: Path, page: Any) -> None:
    """From the overview to the story, then read each source's latest toll as a person would."""
    with _serving(story_db) as url:
        page.goto(url + "/")
        page.click("#stories tbody tr >> nth=0 >> a")
        page.wait_for_url("**/stories/s-*")
        assert page.locator("h1").inner_text() == "earthquake · Tesmark / Orlen province · 2–4 May 2034"
        tables = page.locator("table.latest")
        assert tables.count() == 2
        heading = page.locator("section.headline h3").first.inner_text()
        assert "people killed in Tesmark" in heading
        assert page.locator("p.as-of").first.inner_text() == "Latest figure per source, as of 2034-05-04"

        def read(table: Any) -> list[tuple[str, ...]]:
            return [tuple(" ".join(row.locator(f"td[data-label='{col}']").inner_text().split())
                          for col in ("Source", "Figure", "Day", "Outlet"))
                    for row in table.locator("tbody tr").all()]

        assert read(tables.nth(0)) == [("Tesmark Red Cross", "420", "2034-05-04", "Coastal Herald 2034-05-04"),
                                       ("Tesmark disaster agency", "340", "2034-05-03", "Tesmark Daily 2034-05-03")]
        assert read(tables.nth(1)) == [("Mira Kestal", "140", "2034-05-02", "Orlen Wire 2034-05-02")]
        quote = tables.nth(0).locator("tbody tr >> nth=0 >> td[data-label='Quoted words']").inner_text()
        assert "420 people had been killed in Tesmark" in quote
        disputes = page.locator("section.headline .disputes li")
        assert disputes.count() == 1 and "“340”" in disputes.inner_text() and "“395”" in disputes.inner_text()
        # the outlet leads to the figure in its article
        tables.nth(0).locator("td[data-label='Outlet'] a").first.click()
        page.wait_for_url("**/articles/tes-3#fig-*")
        assert page.locator("mark.fig:target").inner_text().startswith("420")


def test_the_brief_fits_a_phone(story_db: Path, browser: Any, tmp_path: Path) -> None:
    """brief.html at 390 px: no sideways scroll, each figure a card with its linked outlet."""
    from newsledger.report import brief
    from newsledger.store import Store

    with Store(story_db) as store:
        html = brief(store).html
    target = tmp_path / "brief.html"
    target.write_text(html, encoding="utf-8")
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        pg = ctx.new_page()
        pg.goto(target.as_uri())
        assert pg.evaluate("document.documentElement.scrollWidth") <= 390
        assert not pg.locator("table.cards thead").first.is_visible()  # rows are cards
        cell = pg.locator("td[data-label='Outlet'] a").first
        assert cell.is_visible() and cell.get_attribute("href") == (
            "https://coastalherald.example/2034/05/04/red-cross-toll")
        box = pg.locator("td[data-label='Quoted words']").first.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    finally:
        ctx.close()


@pytest.fixture
def writable_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A server started with a write token over its own store (corrections change it)."""
    db = tmp_path / "ledger.db"
    analyze([DATA / "a1.jsonl"], db)
    with _serving(db, "--write-token", "t0ken") as url:
        yield url, db


def test_a_correction_made_in_the_ui_survives_analyze_and_is_undone_in_the_ui(
        writable_server: tuple[str, Path], page: Any) -> None:
    import json
    import urllib.request

    url, db = writable_server
    with urllib.request.urlopen(url + "/quantities.json") as r:
        items = json.load(r)["items"]
    killed = next(q for q in items if q["category"] == "killed" and q["n_figures"] == 4)

    def row() -> Any:
        return page.locator("#figures tbody tr", has_text="“31”").first

    page.goto(url + f"/quantities/{killed['id']}")
    assert page.locator("details.correct").count() == 0  # no forms before signing in
    page.click("header a.session")
    page.fill("input[name=token]", "t0ken")
    page.fill("input[name=name]", "Ana Lyst")
    page.click("form.signin button")
    page.goto(url + f"/quantities/{killed['id']}")
    details = page.locator("details.correct", has_text="Correct “31”")
    details.locator("summary").click()
    form = details.locator("form", has_text="Fix date")
    form.locator("input[name=value]").fill("2030-08-06")
    form.locator("input[name=why]").fill("the agency spoke on Tuesday")
    form.locator("button").click()
    page.wait_for_url(f"**/quantities/{killed['id']}")
    figure_row = page.locator("#figures tbody tr", has_text="corrected by Ana Lyst")
    assert figure_row.count() == 1 and "2030-08-06" in figure_row.inner_text()
    assert "the agency spoke on Tuesday" in figure_row.inner_text()

    report = analyze([DATA / "a1.jsonl"], db)  # the same input again, against the server's store
    assert report.unchanged == 4 and not report.errors
    page.reload()
    figure_row = page.locator("#figures tbody tr", has_text="corrected by Ana Lyst")
    assert figure_row.count() == 1 and "2030-08-06" in figure_row.inner_text()

    page.click("nav a[href='/corrections']")
    page.locator("#corrections tbody tr", has_text="the agency spoke on Tuesday").locator("button").click()
    page.wait_for_url("**/corrections")
    assert "undone by Ana Lyst" in page.inner_text("#corrections")
    page.goto(url + f"/quantities/{killed['id']}")
    assert page.locator("#figures tbody tr", has_text="corrected by").count() == 0
    assert page.locator("#figures tbody tr", has_text="2030-08-06").count() == 0
    assert page.locator("#figures tbody tr", has_text="2030-08-05").count() >= 2  # back to the automatic day
    assert page.dialogs == []


def test_keyboard_reaches_chart_points_without_csp_violations(server: str, page: Any) -> None:
    """Tab from the last download link lands on the first point of the chart, which says what it
    is; the page raises no Content-Security-Policy violation (the SVG has no style attributes)."""
    page.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation', "
                         "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(server + "/quantities.json?contested=true")
    qid = next(i["id"] for i in page.evaluate("JSON.parse(document.body.innerText)")["items"]
               if i["category"] == "killed")
    page.goto(f"{server}/quantities/{qid}")
    page.focus("#chart .chart-tools a[href$='chart.csv']")
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.tagName, document.activeElement.getAttribute('aria-label'),"
                            " document.activeElement.getAttribute('href')]")
    assert focused[0] == "a" and focused[2].startswith("/articles/") and "#fig-" in focused[2]
    assert focused[1].startswith("Norland civil defence agency: ") and "people killed, 4 Aug 2030" in focused[1]
    page.keyboard.press("Tab")
    second = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert second and second != focused[1]
    assert page.evaluate("window.__csp") == []
    page.keyboard.press("Enter")  # a point is a link: it opens the figure in its article
    page.wait_for_url("**/articles/**")
    assert page.locator("mark.fig:target").count() == 1
    assert not [e for e in errors if "Content Security Policy" in e or "Refused to" in e]
