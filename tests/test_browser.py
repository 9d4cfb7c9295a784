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
def _serving(db: Path) -> Iterator[str]:
    """`newsledger serve` on a free port over ``db``, until the block ends."""
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
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout:
            proc.stdout.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("browser") / "ledger.db"
    analyze([DATA / "a1.jsonl", DATA / "hostile.jsonl"], db)
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


def test_hostile_article_runs_no_script(server: str, page: Any) -> None:
    page.goto(server + "/articles/evil-1")
    page.locator("span.stmt").first.hover()
    page.wait_for_timeout(300)
    assert page.dialogs == []
    assert "<script>alert('xss')</script>" in page.inner_text("#article-text")


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
