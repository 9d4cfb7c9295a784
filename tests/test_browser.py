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


def test_hostile_article_runs_no_script(server: str, page: Any) -> None:
    page.goto(server + "/articles/evil-1")
    page.locator("span.stmt").first.hover()
    page.wait_for_timeout(300)
    assert page.dialogs == []
    assert "<script>alert('xss')</script>" in page.inner_text("#article-text")


@pytest.fixture
def writable_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A server started with a write token over its own store (corrections change it)."""
    db = tmp_path / "ledger.db"
    analyze([DATA / "a1.jsonl"], db)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "newsledger.cli", "serve", "--db", str(db), "--port", str(port),
                             "--write-token", "t0ken"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
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
    yield f"http://127.0.0.1:{port}", db
    proc.terminate()
    proc.wait(timeout=10)
    if proc.stdout:
        proc.stdout.close()


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
