"""JSON endpoints and page safety, in-process (TestClient); the browser tests drive Chromium."""

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from newsledger.store import Store, analyze
from newsledger.web import CSP, create_app

pytestmark = pytest.mark.slow
DATA = Path(__file__).parent / "data" / "ledger"
LOCAL = "http://127.0.0.1"  # the app answers loopback Host names only, by default


@pytest.fixture(scope="module")
def ledger_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("web") / "ledger.db"
    analyze([DATA / "a1.jsonl", DATA / "hostile.jsonl"], db)
    return db


@pytest.fixture
def client(ledger_db: Path) -> Iterator[TestClient]:
    store = Store(ledger_db)
    with TestClient(create_app(store=store), base_url=LOCAL) as c:
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
    r = client.get("/search.json", params={"q": "x' OR '1'='1", "outlet": "%' OR 1=1 --", "source": "' OR ''='"})
    assert r.status_code == 200
    assert r.json()["results"]["figures"] == []
    r = client.get("/search.json", params={"q": "killed", "category": "killed'--"})
    assert r.status_code == 400 and "category \"killed'--\" is unknown" in r.json()["detail"]


def test_search_death_toll_earthquake_leads_with_the_quakes_toll(client: TestClient) -> None:
    data = client.get("/search.json", params={"q": "death toll earthquake"}).json()["results"]
    first = data["quantities"][0]
    assert first["category"] == "killed" and "earthquake" in first["story_label"]
    assert first["n_figures"] == 4 and first["latest"]["text"] == "31 to 52"
    shown = [f for f in data["figures"] if f["quantity_id"] == first["id"]]
    assert {f["text"] for f in shown} == {"at least 14", "31", "52"}
    assert data["figures"][:len(shown)] == shown  # its figures come first


def test_read_only_without_token_and_token_required_with_one(ledger_db: Path, tmp_path: Path) -> None:
    store = Store(ledger_db)
    with TestClient(create_app(store=store), base_url=LOCAL) as c:
        assert c.post("/api/ingest", content=b"{}").status_code in (404, 405)
    store.close()
    db = tmp_path / "w.db"
    with Store(db) as store, TestClient(create_app(store=store, ingest_token="s3cret"), base_url=LOCAL) as c:
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
    with TestClient(create_app(store=store), base_url=LOCAL) as c:
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
    latest = page[page.index('<table id="latest"'):page.index("</table>", page.index('<table id="latest"'))]
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
        with TestClient(create_app(store=store), base_url=LOCAL) as c:
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
        # the brief cites each source's latest figure: the agency's 52, its day inferred from the URL
        assert "Daily Tesland, 2027-03-05 (from URL)[^1]" in md
        assert "[^1]: Daily Tesland, 2027-03-05 (from URL): <https://dailytesland.example/2027/03/05/toll>" in md
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
        with TestClient(create_app(store=store), base_url=LOCAL) as c:
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
        with TestClient(create_app(store=store), base_url=LOCAL) as c:
            label = "2032-11-09 (from dateline, year from its story)"
            assert label in c.get("/articles/kestra-wire").text
            assert label in c.get("/articles").text
        rows = [r for r in figure_rows(store) if r["article_id"] == "kestra-wire"]
        assert rows and {(r["published"], r["published_basis"]) for r in rows} == {("2032-11-09", "dateline_story")}
    finally:
        store.close()


# ---- hardening (issue 11, items 5 and 7): on SQLite and PostgreSQL

JSON_ID = {"id": "report.json", "date": "2030-08-05", "outlet": "Osk Wire",
           "text": "At least 9 people were killed in Osk City, the agency said."}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def hard_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A ledger with an article whose id ends in ".json", on each store."""
    import json

    from tests.conftest import store_target

    tmp = tmp_path_factory.mktemp("hard")
    target = store_target(request.param, tmp)
    extra = tmp / "json_id.jsonl"
    extra.write_text(json.dumps(JSON_ID) + "\n", encoding="utf-8")
    analyze([DATA / "a1.jsonl", extra], target)
    store = Store(target)
    yield store
    store.close()


@pytest.fixture
def hard(hard_store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(store=hard_store), base_url=LOCAL) as c:
        yield c


LISTINGS = ("/quantities", "/quantities.json", "/conflicts", "/conflicts.json", "/articles", "/articles.json",
            "/sources", "/sources.json", "/search.json?q=killed&", "/search?q=killed&")


def test_page_is_a_bounded_integer(hard: TestClient) -> None:
    for path in LISTINGS:
        sep = "&" if path.endswith("&") else "?"
        base = path.rstrip("&")
        for bad in ("190000000000000000", "9" * 40, "abc", "0", "-3"):
            r = hard.get(f"{base}{sep}page={bad}")
            assert r.status_code == 422, (path, bad, r.status_code)
            assert "page must be an integer from 1 to" in r.json()["detail"]
        assert hard.get(f"{base}{sep}page=2").status_code == 200, path


def test_long_parameters_are_refused_with_a_reason(hard: TestClient) -> None:
    long = "x" * 60_000  # over SQLite's LIKE pattern limit (50,000), under httpx's URL limit
    for path in ("/search.json", "/search"):
        for param in ("outlet", "source", "category", "date_from", "q"):
            r = hard.get(path, params={param: long})
            assert r.status_code == 422, (path, param)
            assert f"parameter '{param}' has 60,000 characters, over the limit of" in r.json()["detail"]
    assert hard.get("/search.json", params={"outlet": "x" * 900}).status_code == 200


def test_nul_in_any_parameter_is_refused(hard: TestClient) -> None:
    for url in ("/search.json?q=kil%00led", "/search?outlet=%00", "/search.json?source=a%00",
                "/conflicts.json?kind=%00", "/quantities/q%00x.json", "/quantities/q%00x", "/articles/a%00b",
                "/articles/a%00b.json", "/sources/s%00", "/search.json?%00=1"):
        r = hard.get(url)
        assert r.status_code == 422 and "NUL" in r.json()["detail"], url


def test_search_terms_are_capped_and_deduplicated(hard: TestClient) -> None:
    import time

    from newsledger.web.views import distinct_terms

    assert distinct_terms(["a", "B", "b", "A", "c", "d"], 3) == ["a", "B", "c"]
    started = time.perf_counter()
    r = hard.get("/search.json", params={"q": " ".join(["killed"] * 9_000)})
    assert r.status_code == 422 and "'q' has 62,999 characters" in r.json()["detail"]
    many = " ".join(f"w{i}" for i in range(120))  # 120 distinct words, under the length limit
    assert hard.get("/search.json", params={"q": many}).status_code == 200
    assert time.perf_counter() - started < 10
    once = hard.get("/search.json", params={"q": "killed"}).json()["results"]
    repeated = hard.get("/search.json", params={"q": " ".join(["killed", "KILLED"] * 30)}).json()["results"]
    assert once["articles"] and repeated == once


def test_only_allowed_host_names_are_answered(hard_store: Store) -> None:
    with TestClient(create_app(store=hard_store), base_url="http://evil.example") as c:
        r = c.get("/index.json")
        assert r.status_code == 400 and "host not allowed" in r.json()["detail"]
        r = c.get("/articles/", follow_redirects=False)  # never a redirect to the named host
        assert r.status_code == 400 and "location" not in r.headers
        assert r.headers["content-security-policy"] == CSP
        for ok in ("127.0.0.1:8000", "localhost", "[::1]:8000", "LOCALHOST:1"):
            assert c.get("/index.json", headers={"host": ok}).status_code == 200, ok
        assert c.get("/index.json", headers={"host": "evil.example:8000"}).status_code == 400
    from newsledger.config import WebConfig

    web = WebConfig(allowed_hosts=("ledger.example",))
    with TestClient(create_app(store=hard_store, web=web), base_url="http://ledger.example") as c:
        assert c.get("/index.json").status_code == 200
        assert c.get("/index.json", headers={"host": "127.0.0.1"}).status_code == 400


def test_serve_answers_for_the_bound_address_and_extra_names() -> None:
    from newsledger.web import served_hosts

    assert set(served_hosts("127.0.0.1")) == {"127.0.0.1", "localhost", "::1"}
    assert set(served_hosts("192.0.2.7", ("ledger.example",))) == {"127.0.0.1", "localhost", "::1", "192.0.2.7",
                                                                     "ledger.example"}
    assert "0.0.0.0" not in served_hosts("0.0.0.0")


def test_an_article_id_ending_in_json_has_a_working_page(hard: TestClient) -> None:
    listing = hard.get("/articles").text
    assert 'href="/articles/report.json"' in listing
    page = hard.get("/articles/report.json")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "At least 9 people were killed in Osk City" in page.text
    twin = hard.get("/articles/report.json.json")
    assert twin.status_code == 200 and twin.json()["a"]["id"] == "report.json"
    assert hard.get("/articles/no-such.json").status_code == 404


def test_errors_carry_the_security_headers_and_no_server_detail(db_target: str) -> None:
    """A 500 (here: a table gone under the running app) has the same headers as any page and
    says nothing about the server; so do 404 and 422."""
    analyze([DATA / "a1.jsonl"], db_target)
    with Store(db_target) as store:
        with store.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE conflicts" + (" CASCADE" if store.dialect != "sqlite" else ""))
        with TestClient(create_app(store=store), base_url=LOCAL, raise_server_exceptions=False) as c:
            for url, status in (("/", 500), ("/index.json", 500), ("/articles/none", 404), ("/articles?page=x", 422)):
                r = c.get(url)
                assert r.status_code == status, url
                assert r.headers["content-security-policy"] == CSP and r.headers["x-frame-options"] == "DENY"
                assert r.headers["x-content-type-options"] == "nosniff"
            body = c.get("/").text
            assert body == "Internal Server Error" and "conflicts" not in body


def test_ingest_errors_name_the_body_not_server_paths(tmp_path: Path) -> None:
    body = (DATA / "a1.jsonl").read_bytes().splitlines()[0] + b"\n{not json\n"
    with Store(tmp_path / "w.db") as store, \
            TestClient(create_app(store=store, ingest_token="t"), base_url=LOCAL) as c:
        r = c.post("/api/ingest", content=body, headers={"authorization": "Bearer t"})
        assert r.status_code == 200 and r.json()["added"] == 1
        errors = r.json()["errors"]
        assert len(errors) == 1 and errors[0].startswith("body:2: malformed JSON"), errors
        assert "/tmp" not in r.text and "upload.jsonl" not in r.text and tempfile_dir() not in r.text


def tempfile_dir() -> str:
    import tempfile

    return tempfile.gettempdir()


def _articles_body(n: int) -> bytes:
    import json

    text = ("Floods in the Lisk basin of Varnia killed {k} people on Monday, the national rescue service said. "
            "Rescue service spokesman Ivo Marek told reporters in Lisk that crews were searching the lower town by "
            "boat. About 3,000 residents were moved to schools on higher ground, the regional governor said. ")
    return "".join(json.dumps({"id": f"lisk-{i}", "date": "2030-03-04", "outlet": f"Wire {i % 7}",
                               "text": text.format(k=i + 3) * 3}) + "\n" for i in range(n)).encode()


def test_the_overview_answers_while_an_ingest_runs(db_target: str) -> None:
    """The analysis runs off the event loop: during a long ingest other pages still answer."""
    import threading
    import time

    analyze([DATA / "a1.jsonl"], db_target)  # the pipeline is loaded; the ingest below is pure work
    body = _articles_body(60)
    with Store(db_target) as store, \
            TestClient(create_app(store=store, ingest_token="t"), base_url=LOCAL) as c:
        result: dict[str, object] = {}

        def ingest() -> None:
            result["response"] = c.post("/api/ingest", content=body, headers={"authorization": "Bearer t"})

        worker = threading.Thread(target=ingest)
        worker.start()
        time.sleep(0.5)
        answered_during_ingest = 0
        while worker.is_alive():
            assert c.get("/index.json").status_code == 200
            answered_during_ingest += worker.is_alive()
            time.sleep(0.1)
        worker.join()
        response = result["response"]
        assert getattr(response, "status_code", None) == 200
        assert answered_during_ingest >= 3
        assert c.get("/index.json").json()["stats"]["articles"] > 60


def _serve_in_thread(app: Any) -> tuple[Any, Any, int]:
    import socket
    import threading

    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    import time

    deadline = time.time() + 10
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    return server, thread, sock.getsockname()[1]


def test_ingest_body_limit_is_enforced_while_streaming(tmp_path: Path) -> None:
    """A body over the limit is refused once the limit is passed, never read whole: a declared
    400 MB answers 413 before any byte of it is sent, and a chunked body without a length gets its
    413 after about the limit, while the client is still sending."""
    import select
    import socket

    from newsledger.config import WebConfig

    limit = 1_000_000
    with Store(tmp_path / "w.db") as store:
        app = create_app(store=store, ingest_token="t", web=WebConfig(max_ingest_bytes=limit))
        server, thread, port = _serve_in_thread(app)
        try:
            head = (f"POST /api/ingest HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer t\r\n"
                    "Content-Type: application/jsonl\r\n")
            with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                s.sendall((head + f"Content-Length: {400 * 1024 * 1024}\r\n\r\n").encode())
                assert s.recv(200).startswith(b"HTTP/1.1 413")
            with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                s.sendall((head + "Transfer-Encoding: chunked\r\n\r\n").encode())
                chunk = b"x" * 65536
                frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
                sent = 0
                answered = b""
                while sent < 64 * limit:
                    if select.select([s], [], [], 0)[0]:
                        answered = s.recv(200)
                        break
                    try:
                        s.sendall(frame)
                    except (BrokenPipeError, ConnectionResetError):
                        answered = s.recv(200)
                        break
                    sent += len(chunk)
                assert answered.startswith(b"HTTP/1.1 413"), (answered, sent)
                assert sent < 16 * limit  # the server stopped reading near the limit
        finally:
            server.should_exit = True
            thread.join(timeout=10)


BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def _page_urls(c: TestClient) -> list[str]:
    """One URL of every page type of the ledger, with real ids."""
    qid = c.get("/quantities.json").json()["items"][0]["id"]
    aid = c.get("/articles.json").json()["items"][0]["id"]
    sid = c.get("/sources.json").json()["items"][0]["id"]
    story = c.get("/stories.json").json()["items"][0]["id"]
    return ["/", "/stories", f"/stories/{story}", "/quantities", "/quantities?contested=1", f"/quantities/{qid}",
            "/conflicts", "/articles", f"/articles/{aid}", "/sources", f"/sources/{sid}", "/search?q=killed",
            "/search", "/corrections"]


def test_errors_are_pages_for_browsers_and_json_for_twins_and_scripts(hard: TestClient) -> None:
    """A browser gets a page with the reason and links back; a twin, an Accept: application/json
    caller or a script (no text/html in Accept) gets {"detail": reason}; the guard's early refusals too."""
    cases = [("/no-such-page", 404, "There is no page at this address", None),
             ("/quantities/q-none", 404, "No such quantity", "/quantities"),
             ("/articles/none", 404, "No such article", "/articles"),
             ("/sources/none", 404, "No such source", "/sources"),
             ("/quantities?page=0", 422, "Page must be an integer from 1 to", None),
             ("/quantities?contested=maybe", 422, "Parameter &#39;contested&#39;: Input should be a valid boolean",
              None),
             ("/search?q=" + "x" * 600, 422, "Parameter &#39;q&#39; has 600 characters", None)]
    for url, status, reason, back in cases:
        r = hard.get(url, headers=BROWSER)
        assert r.status_code == status, url
        assert r.headers["content-type"].startswith("text/html"), url
        assert r.headers["content-security-policy"] == CSP
        assert reason in r.text and 'class="skip"' in r.text and '<a href="/">The overview</a>' in r.text, url
        if back:
            assert f'<a href="{back}">Back to all' in r.text
        for other in ({}, {"accept": "application/json"}):
            js = hard.get(url, headers=other)
            assert js.status_code == status and js.headers["content-type"] == "application/json", (url, other)
            assert "detail" in js.json()
    for twin in ("/quantities/q-none.json", "/nope.json", "/quantities.json?page=0", "/search.json?q=" + "x" * 600):
        r = hard.get(twin, headers=BROWSER)  # a twin is JSON even for a browser
        assert r.headers["content-type"] == "application/json" and r.status_code in (404, 422), twin
    refused = hard.get("/", headers={**BROWSER, "host": "evil.example"})
    assert refused.status_code == 400 and refused.headers["content-type"].startswith("text/html")
    assert "Host not allowed" in refused.text and refused.headers["content-security-policy"] == CSP
    assert hard.get("/", headers={"host": "evil.example"}).json()["detail"].startswith("host not allowed")


def test_head_answers_like_get_on_every_route(hard: TestClient) -> None:
    """Every GET route, the ones added later included: HEAD has GET's status and headers, no body."""
    from starlette.routing import Route

    qid = hard.get("/quantities.json").json()["items"][0]["id"]
    ids = {"qid": qid, "article_id": hard.get("/articles.json").json()["items"][0]["id"],
           "sid": hard.get("/sources.json").json()["items"][0]["id"]}
    urls = ["/static/app.css", "/static/favicon.svg", "/search?q=killed", "/search.json?q=killed"]
    for route in hard.app.routes:  # type: ignore[attr-defined]
        if isinstance(route, Route) and "GET" in (route.methods or ()):
            url = route.path
            for name in route.param_convertors:
                url = url.replace("{" + name + "}", ids.get(name, "x")).replace("{" + name + ":path}",
                                                                                 ids.get(name, "x"))
            urls.append(url)
    assert {"/", "/quantities", f"/quantities/{qid}", "/favicon.ico", "/openapi.json"} <= set(urls)
    for url in urls:
        for headers in (BROWSER, {}):
            get, head = hard.get(url, headers=headers), hard.head(url, headers=headers)
            assert head.status_code == get.status_code != 405, (url, head.status_code)
            assert head.content == b"", url
            assert head.headers["content-type"] == get.headers["content-type"], url
            assert head.headers["content-length"] == str(len(get.content)), url
            assert head.headers["content-security-policy"] == CSP
    assert hard.head("/no-such-page", headers=BROWSER).status_code == 404


def test_favicon_is_linked_and_served(hard: TestClient) -> None:
    page = hard.get("/").text
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    for url in ("/static/favicon.svg", "/favicon.ico"):
        r = hard.get(url)
        assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml"), url
        assert r.content.startswith(b"<svg") and b"<script" not in r.content


class _Links:
    """The links of a page: (accessible name, href) in order, their visible words, and the first
    focusable element."""

    def __init__(self, html: str) -> None:
        from html.parser import HTMLParser

        self.links: list[tuple[str, str]] = []
        self.visible: list[str] = []
        self.first_focusable: dict[str, str] | None = None
        self.main_id: str | None = None
        outer = self
        stack: list[dict[str, Any]] = []

        class P(HTMLParser):
            def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
                a = {k: v or "" for k, v in attrs}
                if tag == "main":
                    outer.main_id = a.get("id")
                if outer.first_focusable is None and (tag in ("a", "input", "button", "select")
                                                      or ("tabindex" in a and a["tabindex"] != "-1")):
                    outer.first_focusable = {"tag": tag, **a}
                if tag == "a" and "href" in a:
                    stack.append({"href": a["href"], "label": a.get("aria-label"), "text": []})

            def handle_data(self, data: str) -> None:
                for s in stack:
                    s["text"].append(data)

            def handle_endtag(self, tag: str) -> None:
                if tag == "a" and stack:
                    s = stack.pop()
                    text = " ".join("".join(s["text"]).split())
                    name = " ".join(s["label"].split()) if s["label"] is not None else text
                    outer.links.append((name, s["href"]))
                    outer.visible.append(text)

        P().feed(html)


def test_link_names_are_distinct_on_every_page(hard: TestClient) -> None:
    """Two links that read alike lead to the same place (a screen reader lists links by name):
    one title for an article and its wire copy, one label for several quantities, one outlet for
    several figures get their context in the accessible name, which starts with the visible words."""
    for url in _page_urls(hard):
        seen: dict[str, str] = {}
        page = _Links(hard.get(url).text)
        for (name, href), visible in zip(page.links, page.visible, strict=True):
            assert name, (url, href)
            assert seen.setdefault(name, href) == href, (url, name, seen[name], href)
            assert name.startswith(visible), (url, name, visible)  # the visible words first (WCAG 2.5.3)
    listing = hard.get("/articles").text
    names = {n for n, h in _Links(listing).links if h.startswith("/articles/north-1")}
    assert len(names) == 2 and all(n.startswith("Tremor hits Osk valley, ") for n in names), names


def test_skip_link_is_the_first_focusable_element(hard: TestClient) -> None:
    for url in [*_page_urls(hard), "/no-such-page"]:
        page = _Links(hard.get(url, headers=BROWSER).text)
        assert page.first_focusable == {"tag": "a", "class": "skip", "href": "#main"}, url
        assert page.links[0] == ("Skip to content", "#main") and page.main_id == "main", url



@pytest.fixture
def words_client(db_target: str) -> Iterator[TestClient]:
    analyze([DATA / "words.jsonl"], db_target)
    store = Store(db_target)
    with TestClient(create_app(store=store), base_url=LOCAL) as c:
        yield c
    store.close()


# ---- stories: the entry point (headlines.py)

class _Page(HTMLParser):
    """The links, tables and cells of a page, as a browser reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.tables: list[dict[str, str | None]] = []
        self.cells: list[dict[str, str | None]] = []
        self.styled: list[str] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if "style" in a:
            self.styled.append(tag)
        if tag == "table":
            self.tables.append(a)
        elif tag == "td":
            self.cells.append(a)
        elif tag == "a":
            self._href, self._text = a.get("href"), []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._text).split())))
            self._href = None


def _page(html: str) -> _Page:
    p = _Page()
    p.feed(html)
    return p


@pytest.fixture(scope="module")
def story_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("story") / "ledger.db"
    analyze([DATA / "story.jsonl"], db)
    store = Store(db)
    with TestClient(create_app(store=store), base_url=LOCAL) as c:
        yield c
    store.close()


def test_pages_use_words_not_codes_slug_titles_and_plurals(words_client: TestClient) -> None:
    c = words_client
    slug = "Osk quake toll climbs past 55"  # osk-2 has no title; its URL has a slug
    for page in ("/", "/articles", "/articles/osk-2", "/search?q=toll"):
        assert slug in c.get(page).text, page
    assert ">osk-2<" not in c.get("/articles").text
    assert "osk-4" in c.get("/articles").text  # no title and no URL: its id
    sources = c.get("/sources").text
    assert "UN or NGO" in sources and "un_ngo" not in sources
    article = c.get("/articles/osk-1").text
    assert "<dd>at least</dd>" in article and "at_least" not in article
    agency = next(s for s in c.get("/sources.json").json()["items"] if s["name"].startswith("Dravia"))
    page = c.get(f"/sources/{agency['id']}").text
    labels = {q["id"]: q["label"] for q in c.get("/quantities.json").json()["items"]}
    for f in c.get(f"/sources/{agency['id']}.json").json()["figures"]:
        # a quantity is named by its label, linked, never shown as a bare id
        assert re.search(f'<a href="/quantities/{f["quantity_id"]}"[^>]*>{re.escape(labels[f["quantity_id"]])}</a>',
                         page)
        assert f'>{f["quantity_id"]}<' not in page
    injured = next(q for q in c.get("/quantities.json").json()["items"] if "injured" in q["label"])
    page = c.get(f"/quantities/{injured['id']}").text
    assert "1 source ·" in page and "2 outlets" in page and "1 sources" not in page
    assert "<b>hundreds</b>" in page and "vague: 100–1,000" in page and "100 (vague)" not in page
    data = c.get(f"/quantities/{injured['id']}.json").json()
    assert {f["value_note"] for f in data["q"]["figures"]} == {"vague: 100–1,000", "vague: 12–120"}
    assert "4 articles from 4 outlets" in c.get("/").text


def test_stories_lead_the_overview_and_story_labels_link_to_their_story(story_client: TestClient) -> None:
    [s] = story_client.get("/stories.json").json()["items"]
    sid, label = s["id"], s["label"]
    href = f"/stories/{sid}"
    assert s["dates"] == "2–4 May 2034" and (s["n_articles"], s["n_outlets"]) == (3, 3)
    assert [(n["title"], n["text"], n["day"]) for n in s["numbers"]] == [("Deaths", "420", "2034-05-04")]
    home = story_client.get("/").text
    assert _page(home).links[2] == ("/stories", "Stories")  # the nav, right after the skip link and the brand
    assert (href, label) in _page(home).links
    assert home.index('id="stories"') < home.index("Most disputed quantities") < home.index("Newest articles")
    assert story_client.get("/index.json").json()["stories"][0]["id"] == sid
    listing = story_client.get("/stories").text
    assert (href, label) in _page(listing).links and "Deaths: <b>420</b>" in listing
    # wherever a story label is shown, it is a link to the story
    qid = story_client.get(f"{href}.json").json()["s"]["groups"][0]["tables"][0]["quantity_id"]
    assert (href, label) in _page(story_client.get(f"/quantities/{qid}").text).links
    assert (href, label) in _page(story_client.get("/articles/tes-2").text).links
    assert (href, label) in _page(story_client.get("/conflicts").text).links
    assert story_client.get("/stories.json?page=2").json() == {"items": [], "page": 2, "has_more": False}
    assert story_client.get("/stories/s-0000000000").status_code == 404
    assert story_client.get("/stories/s-0000000000.json").status_code == 404


def test_story_page_tables_the_latest_figure_per_source(story_client: TestClient) -> None:
    sid = story_client.get("/stories.json").json()["items"][0]["id"]
    data = story_client.get(f"/stories/{sid}.json").json()["s"]
    country = data["groups"][0]["tables"][0]
    assert [(r["source"], r["display"], r["event_date"]) for r in country["rows"]] == [
        ("Tesmark Red Cross", "420", "2034-05-04"), ("Tesmark disaster agency", "340", "2034-05-03")]
    assert country["rows"][0]["citation"]["url"] == "https://coastalherald.example/2034/05/04/red-cross-toll"
    r = story_client.get(f"/stories/{sid}")
    assert r.headers["content-security-policy"] == CSP
    html = r.text
    assert "Latest figure per source, as of 2034-05-04" in html and "Who disputes whom (same day):" in html
    page = _page(html)
    # the shared conventions: tables become cards on phones, no inline style
    assert page.tables and all("cards" in (t.get("class") or "").split() for t in page.tables)
    assert page.cells and all(c.get("data-label") for c in page.cells if c.get("colspan") is None)
    assert page.styled == []
    # every quantity links to its page, and no two links of the page read alike but lead apart
    quantity_links = [(h, t) for h, t in page.links if h.startswith("/quantities/")]
    assert {h for h, _ in quantity_links} == {f"/quantities/{q['id']}" for q in data["quantities"]}
    targets: dict[str, set[str]] = {}
    for h, t in quantity_links:
        targets.setdefault(t, set()).add(h)
    assert all(len(hs) == 1 for hs in targets.values())


def test_story_json_twin_on_each_store(db_target: str) -> None:
    analyze([DATA / "story.jsonl"], db_target)
    store = Store(db_target)
    try:
        with TestClient(create_app(store=store), base_url=LOCAL) as c:
            [s] = c.get("/stories.json").json()["items"]
            data = c.get(f"/stories/{s['id']}.json").json()["s"]
            assert c.get(f"/stories/{s['id']}", headers={"accept": "application/json"}).json()["s"] == data
    finally:
        store.close()
    tables = data["groups"][0]["tables"]
    assert [[(r["source"], r["value"]) for r in t["rows"]] for t in tables] == [
        [("Tesmark Red Cross", 420), ("Tesmark disaster agency", 340)], [("Mira Kestal", 140)]]
    [dispute] = tables[0]["disputes"]
    assert dispute["kind"] == "dispute" and dispute["newest_day"] == "2034-05-03"


def _killed_id(client: TestClient) -> str:
    items: list[dict[str, Any]] = client.get("/quantities.json?contested=true").json()["items"]
    return str(next(i for i in items if i["category"] == "killed")["id"])


def test_quantity_chart_downloads(client: TestClient) -> None:
    qid = _killed_id(client)
    svg = client.get(f"/quantities/{qid}/chart.svg")
    assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
    assert svg.text.startswith("<?xml") and "<svg" in svg.text and "style=" not in svg.text
    assert svg.headers["content-disposition"] == f'attachment; filename="{qid}-chart.svg"'
    png = client.get(f"/quantities/{qid}/chart.png?scale=log")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    data = client.get(f"/quantities/{qid}/chart.csv")
    assert data.status_code == 200 and data.headers["content-type"] == "text/csv; charset=utf-8"
    lines = data.text.splitlines()
    assert lines[0].startswith("quantity_id,quantity,day,source,as_reported") and len(lines) == 1 + 4
    assert client.get("/quantities/q-nope/chart.svg").status_code == 404
    assert client.get(f"/quantities/{qid}/chart.gif").status_code == 422
    assert client.get(f"/quantities/{qid}/chart.svg?scale=cubic").status_code == 422


def test_quantity_page_chart_is_inline_linked_and_has_a_table(client: TestClient) -> None:
    qid = _killed_id(client)
    page = client.get(f"/quantities/{qid}")
    html = page.text
    assert 'class="nl-chart" role="group" aria-labelledby="chart-cap-' in html
    assert html.count('<a href="/articles/') and 'aria-label="Norland civil defence agency: ' in html
    assert "style=" not in html and "<style" not in html  # the CSP forbids both
    assert f'href="/quantities/{qid}/chart.svg?scale=linear"' in html and f"/quantities/{qid}/chart.csv" in html
    assert 'href="?scale=log#chart"' in html
    table = html[html.index('<details class="chart-data">'):]
    assert '<table class="cards">' in table and 'data-label="As reported"' in table
    log = client.get(f"/quantities/{qid}?scale=log").text
    assert 'href="?scale=linear#chart"' in log and "log scale" in log
    assert client.get(f"/quantities/{qid}?scale=cubic").status_code == 422
    twin = client.get(f"/quantities/{qid}.json?scale=log").json()
    assert twin["chart"].startswith("<svg") and twin["chart_info"]["scale"] == "log"
    assert len(twin["chart_info"]["rows"]) == 4 and twin["chart_info"]["undated"] == []


def test_quantity_without_dated_figures_lists_them_and_keeps_its_table(tmp_path: Path) -> None:
    src = tmp_path / "undated.jsonl"
    src.write_text(json.dumps({"id": "undated-1", "outlet": "Valley Times", "text":
                               "Floods in the Arvel valley killed 23 people, the regional governor said."}) + "\n",
                   encoding="utf-8")
    db = tmp_path / "u.db"
    analyze([src], db)
    store = Store(db)
    with TestClient(create_app(store=store), base_url=LOCAL) as c:
        qid = c.get("/quantities.json").json()["items"][0]["id"]
        html = c.get(f"/quantities/{qid}").text
        assert "Not on the chart: 1 undated figure</b>" in html and "nothing to draw" in html
        assert 'id="figures"' in html and "Valley Times" in html and "<svg" not in html
        assert c.get(f"/quantities/{qid}/chart.svg").status_code == 404
        assert c.get(f"/quantities/{qid}/chart.csv").text.count("undated-1") == 1
    store.close()


def test_overview_revisions_name_days_and_link_each_side(flood_client: TestClient) -> None:
    """Each revision line says who revised, both figures' words and days (never "None"), and links
    each side to its words in its article."""
    data = flood_client.get("/index.json").json()
    assert data["revisions"]
    page = flood_client.get("/").text
    part = page[page.index("Latest revisions"): page.index("Newest articles")]
    assert "(None" not in part and "article " not in part.split("revised")[0][-20:]
    for c in data["revisions"]:
        assert f' revised “{c["a"]["text"]}”' in part
        for side in ("a", "b"):
            assert f'/articles/{c[side]["citation"]["article_id"]}#fig-{c[side]["id"]}' in part
