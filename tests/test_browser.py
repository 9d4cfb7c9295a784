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
    assert page.locator("svg.nl-chart circle").count() >= 4
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
    assert first.locator("td[data-label=Latest]").inner_text().startswith("31 to 52")
    link = first.locator("td[data-label=Quantity] a")
    label = link.inner_text()
    assert "killed" in label
    link.click()
    page.wait_for_url("**/quantities/q-*")
    assert label in page.inner_text("h1")
    assert page.locator("#figures tbody tr").count() == 4


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
