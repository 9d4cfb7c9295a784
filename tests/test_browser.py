"""End to end in a real browser: Debian's Chromium driven by Playwright against a real server."""

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
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


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("browser") / "ledger.db"
    analyze([DATA / "a1.jsonl", DATA / "hostile.jsonl"], db)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "newsledger.cli", "serve", "--db", str(db), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
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
    yield url
    proc.terminate()
    proc.wait(timeout=10)
    if proc.stdout:
        proc.stdout.close()


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
    page.click("main table tbody tr >> nth=0 >> a")
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


def test_hostile_article_runs_no_script(server: str, page: Any) -> None:
    page.goto(server + "/articles/evil-1")
    page.locator("span.stmt").first.hover()
    page.wait_for_timeout(300)
    assert page.dialogs == []
    assert "<script>alert('xss')</script>" in page.inner_text("#article-text")


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
