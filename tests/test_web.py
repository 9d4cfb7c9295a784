"""JSON endpoints and page safety, in-process (TestClient); the browser tests drive Chromium."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from newsledger.store import Store, analyze
from newsledger.web import CSP, create_app

pytestmark = pytest.mark.slow
DATA = Path(__file__).parent / "data" / "ledger"


@pytest.fixture(scope="module")
def ledger_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("web") / "ledger.db"
    analyze([DATA / "a1.jsonl", DATA / "hostile.jsonl"], db)
    return db


@pytest.fixture
def client(ledger_db: Path) -> Iterator[TestClient]:
    store = Store(ledger_db)
    with TestClient(create_app(store=store)) as c:
        yield c
    store.close()


def test_every_page_has_a_json_twin(client: TestClient) -> None:
    q = client.get("/quantities.json").json()["items"]
    assert q
    qid = q[0]["id"]
    a = client.get("/articles.json").json()["items"][0]["id"]
    s = client.get("/sources.json").json()["items"][0]["id"]
    for page in ("/", "/quantities", f"/quantities/{qid}", f"/articles/{a}", f"/sources/{s}", "/conflicts",
                 "/search?q=earthquake"):
        html = client.get(page)
        assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
        twin = "/index.json" if page == "/" else page.replace("?", ".json?") if "?" in page else page + ".json"
        js = client.get(twin)
        assert js.status_code == 200 and js.headers["content-type"] == "application/json", twin
        accept = client.get(page, headers={"accept": "application/json"})
        assert accept.headers["content-type"] == "application/json"


def test_quantity_json_has_figures_with_citations(client: TestClient) -> None:
    items: list[dict[str, Any]] = client.get("/quantities.json?contested=true").json()["items"]
    killed = next(i for i in items if i["category"] == "killed")
    data = client.get(f"/quantities/{killed['id']}.json").json()
    assert data["chart"].startswith("<svg")
    f = data["q"]["figures"][0]
    assert {"display", "source", "event_date", "citation"} <= set(f)
    assert f["citation"]["quote"] and f["citation"]["outlet"]


def test_search_filters(client: TestClient) -> None:
    all_hits = client.get("/search.json?q=killed").json()["results"]
    assert all_hits["articles"] and all_hits["figures"]
    only_arrests = client.get("/search.json?category=detained").json()["results"]["figures"]
    assert only_arrests and all(f["category"] == "detained" for f in only_arrests)
    none = client.get("/search.json?q=killed&date_from=2040-01-01").json()["results"]
    assert none["articles"] == [] and none["figures"] == []
    by_source = client.get("/search.json?source=Brel").json()["results"]
    assert by_source["statements"] and all("Brel" in (s["speaker"] or "") for s in by_source["statements"])


def test_hostile_article_text_is_escaped_and_csp_is_sent(client: TestClient) -> None:
    page = client.get("/articles/evil-1")
    assert page.status_code == 200
    html = page.text
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror" in html
    assert '" onmouseover="alert(2)"' not in html
    assert "<b>Evil</b>" not in html
    assert "javascript:" not in html
    assert page.headers["content-security-policy"] == CSP
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP


def test_sql_injection_is_just_text(client: TestClient) -> None:
    r = client.get("/search.json", params={"q": "x' OR '1'='1", "outlet": "%' OR 1=1 --", "category": "killed'--"})
    assert r.status_code == 200
    assert r.json()["results"]["figures"] == []


def test_read_only_without_token_and_token_required_with_one(ledger_db: Path, tmp_path: Path) -> None:
    store = Store(ledger_db)
    with TestClient(create_app(store=store)) as c:
        assert c.post("/api/ingest", content=b"{}").status_code in (404, 405)
    store.close()
    db = tmp_path / "w.db"
    with Store(db) as store, TestClient(create_app(store=store, ingest_token="s3cret")) as c:
        body = (DATA / "a1.jsonl").read_bytes()
        assert c.post("/api/ingest", content=body).status_code == 401
        assert c.post("/api/ingest", content=body, headers={"authorization": "Bearer nope"}).status_code == 401
        ok = c.post("/api/ingest", content=body, headers={"authorization": "Bearer s3cret"})
        assert ok.status_code == 200 and ok.json()["added"] == 4
        assert c.get("/articles.json").json()["items"]


def test_openapi_describes_the_json_endpoints(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/quantities.json", "/quantities/{qid}.json", "/search.json", "/sources/{sid}.json"} <= paths


@pytest.fixture(scope="module")
def flood_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("flood") / "ledger.db"
    analyze([DATA / "conflicts.jsonl"], db)
    store = Store(db)
    with TestClient(create_app(store=store)) as c:
        yield c
    store.close()


def _killed_id(c: TestClient) -> str:
    return str(next(q["id"] for q in c.get("/quantities.json").json()["items"] if q["category"] == "killed"))


def test_quantity_page_shows_estimate_latest_per_source_and_grouped_disagreements(flood_client: TestClient) -> None:
    qid = _killed_id(flood_client)
    data = flood_client.get(f"/quantities/{qid}.json").json()
    e = data["q"]["estimate"]
    assert [(f["source"], f["text"]) for f in e["latest"]] == [("Anel Rusk", "60"), ("national rescue service", "35")]
    assert e["conservative"]["citation"]["article_id"] == "varn-2" and e["day"] == "2030-03-06"
    kinds = [g["kind"] for g in data["groups"]]
    assert sorted(kinds) == ["across_days", "dispute", "revision", "revision"]
    assert data["groups"][0]["newest_day"] == "2030-03-06" and data["has_more"] is False
    page = flood_client.get(f"/quantities/{qid}").text
    assert "Reconciled estimate" in page and "Rule: Each source&#39;s latest figure" in page
    latest = page[page.index('<table id="latest">'):page.index("</table>", page.index('<table id="latest">'))]
    assert latest.count("<tr>") == 3 and "Anel Rusk" in latest and "national rescue service" in latest
    assert "revised up from “48” (2030-03-05) to “60” (2030-03-06)" in page
    assert flood_client.get(f"/quantities/{qid}?page=2").status_code == 200
    assert "id=\"disagreements\"" not in flood_client.get(f"/quantities/{qid}?page=2").text


def test_conflicts_page_is_grouped_and_filters_kinds(flood_client: TestClient) -> None:
    items = flood_client.get("/conflicts.json?kind=dispute").json()["items"]
    assert len(items) == 1 and items[0]["pairs"][0]["a"]["event_date"] == items[0]["pairs"][0]["b"]["event_date"]
    across = flood_client.get("/conflicts.json?kind=across_days").json()["items"]
    assert len(across) == 1 and across[0]["n_pairs"] == 3
    assert "across days" in flood_client.get("/conflicts").text
def test_inferred_publication_days_are_shown_with_their_basis(tmp_path: Path) -> None:
    from newsledger.report import brief, figure_rows

    data = tmp_path / "undated.jsonl"
    data.write_text(
        '{"id": "by-url", "outlet": "Daily Tesland", "url": "https://dailytesland.example/2027/03/05/toll", '
        '"text": "The death toll from the floods in Port Ellis rose to 52, the Tesland civil defence agency said."}\n'
        '{"id": "given", "date": "2027-03-04", "outlet": "Coast Wire", "text": "At least 40 people were killed '
        'in the floods in Port Ellis, the Tesland civil defence agency said."}\n', encoding="utf-8")
    db = tmp_path / "ledger.db"
    analyze([data], db)
    store = Store(db)
    try:
        with TestClient(create_app(store=store)) as c:
            listing = c.get("/articles").text
            assert "2027-03-05 (from URL)" in listing and "2027-03-04<" in listing
            assert "2027-03-05 (from URL)" in c.get("/articles/by-url").text
            assert "2027-03-05 (from URL)" in c.get("/").text
            items = {a["id"]: a for a in c.get("/articles.json").json()["items"]}
            assert (items["by-url"]["date"], items["by-url"]["pub_date"], items["by-url"]["pub_date_basis"]) == (
                None, "2027-03-05", "url")
            qid = next(q["id"] for q in c.get("/quantities.json").json()["items"] if q["n_figures"] == 2)
            assert "2027-03-05 (from URL)" in c.get(f"/quantities/{qid}").text
        md = brief(store).markdown
        assert "Daily Tesland, 2027-03-05 (from URL)" in md and "Coast Wire, 2027-03-04:" in md
        rows = {r["article_id"]: r for r in figure_rows(store)}
        assert (rows["by-url"]["published"], rows["by-url"]["published_basis"]) == ("2027-03-05", "url")
    finally:
        store.close()


def test_quantities_carry_their_story_label(client: TestClient) -> None:
    """Every page that lists quantities says which story (crisis) each belongs to, in words."""
    items = client.get("/quantities.json").json()["items"]
    labels = {i["story_label"] for i in items}
    assert None not in labels and "earthquake · Osk City / Osk valley · 4–5 Aug 2030" in labels
    qid = items[0]["id"]
    assert items[0]["story_label"] in client.get(f"/quantities/{qid}").text
    assert items[0]["story_label"] in client.get("/quantities").text
    conflicts = client.get("/conflicts.json").json()["items"]
    assert conflicts and all(c["story_label"] in labels for c in conflicts)


def test_a_two_country_toll_is_shown_per_country_combined_and_forecast(tmp_path: Path) -> None:
    """Each country's toll, the combined total and the forecast are separate quantities, each
    with the latest figure per source; the same-day dispute (Karsia, Wednesday) is a dispute."""
    db = tmp_path / "quake.db"
    analyze([DATA / "two_countries.jsonl"], db)
    store = Store(db)
    try:
        with TestClient(create_app(store=store)) as c:
            items = c.get("/quantities.json").json()["items"]
            killed = {q["id"]: q for q in items if q["category"] == "killed"}

            def latest(qid: str) -> set[tuple[str | None, str]]:
                e = c.get(f"/quantities/{qid}.json").json()["q"]["estimate"]
                return {(f["source"], f["text"]) for f in e["latest"]}

            by_value = {frozenset(t for _, t in latest(qid)): qid for qid in killed}
            assert frozenset({"1,400"}) in by_value  # Doravia: the agency's latest
            assert frozenset({"520", "610"}) in by_value  # Karsia: ministry and Red Crescent, Wednesday
            assert frozenset({"1,200"}) in by_value  # both countries together
            assert frozenset({"8,000"}) in by_value  # the forecast, apart from counts
            assert len({by_value[k] for k in by_value}) == 4
            doravia, karsia = killed[by_value[frozenset({"1,400"})]], killed[by_value[frozenset({"520", "610"})]]
            assert "Doravia" in doravia["label"] and "Karsia" in karsia["label"]
            assert "forecast" in killed[by_value[frozenset({"8,000"})]]["label"]
            assert karsia["n_disputes"] == 1
    finally:
        store.close()


def test_a_year_taken_from_the_story_is_shown_as_such(tmp_path: Path) -> None:
    """Wire copy whose dateline gives no year is dated by its story, and pages say so."""
    from newsledger.report import figure_rows

    db = tmp_path / "ledger.db"
    analyze([Path(__file__).parent / "data" / "ledger" / "yearless.jsonl"], db)
    store = Store(db)
    try:
        with TestClient(create_app(store=store)) as c:
            label = "2032-11-09 (from dateline, year from its story)"
            assert label in c.get("/articles/kestra-wire").text
            assert label in c.get("/articles").text
        rows = [r for r in figure_rows(store) if r["article_id"] == "kestra-wire"]
        assert rows and {(r["published"], r["published_basis"]) for r in rows} == {("2032-11-09", "dateline_story")}
    finally:
        store.close()
