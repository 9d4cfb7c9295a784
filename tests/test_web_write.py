"""Corrections from the web app (web/write.py): the JSON API with and without the write token, the
sign-in cookie, the Origin check, the forms, the /corrections page and the notes on pages."""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from newsledger.store import Store, analyze, figures_t
from newsledger.web import create_app

pytestmark = pytest.mark.slow
DATA = Path(__file__).parent / "data" / "ledger"
LOCAL = "http://127.0.0.1"
ORIGIN = {"origin": LOCAL}
TOKEN = "s3cret"
AUTH = {"authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def store(db_target: str) -> Iterator[Store]:
    analyze([DATA / "a1.jsonl"], db_target)
    s = Store(db_target)
    yield s
    s.close()


def fig(store: Store, article: str, text: str) -> Any:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(figures_t).where(figures_t.c.article_id == article, figures_t.c.text == text)
                            ).mappings().one()


def test_the_api_needs_the_token_and_applies_and_undoes(store: Store) -> None:
    evac = fig(store, "north-1", "About 2,500")
    body = {"kind": "category", "target": str(evac["id"]), "value": "displaced", "why": "moved, not evacuated",
            "who": "ana"}
    with TestClient(create_app(store=store), base_url=LOCAL) as c:  # read-only: no write path at all
        assert c.post("/api/corrections", json=body).status_code in (404, 405)
        assert c.get("/corrections.json").json() == {"items": []}
    with TestClient(create_app(store=store, write_token=TOKEN), base_url=LOCAL) as c:
        assert c.post("/api/corrections", json=body).status_code == 401
        assert c.post("/api/corrections", json=body, headers={"authorization": "Bearer nope"}).status_code == 401
        bad = c.post("/api/corrections", json={**body, "value": "exploded"}, headers=AUTH)
        assert bad.status_code == 422 and "unknown category" in bad.json()["detail"]
        assert c.post("/api/corrections", content=b"[", headers=AUTH).status_code == 400
        foreign = c.post("/api/corrections", json=body, headers={**AUTH, "origin": "http://evil.example"})
        assert foreign.status_code == 403
        made = c.post("/api/corrections", json=body, headers=AUTH)
        assert made.status_code == 201
        cid = made.json()["id"]
        assert made.json()["status"] == "applied" and made.json()["who"] == "ana"
        assert fig(store, "north-1", "About 2,500")["category"] == "displaced"
        page = c.get(f"/quantities/{fig(store, 'north-1', 'About 2,500')['quantity_id']}.json").json()
        row = next(f for f in page["q"]["figures"] if f["text"] == "About 2,500")
        assert row["corrections"][0]["note"].startswith("corrected by ana on ") and \
            row["corrections"][0]["note"].endswith(": moved, not evacuated")
        html = c.get(f"/quantities/{fig(store, 'north-1', 'About 2,500')['quantity_id']}").text
        assert "corrected by ana on" in html and "Correct “" not in html  # notes for all, forms for editors
        assert c.post(f"/api/corrections/{cid}/undo", headers={"authorization": "Bearer nope"}).status_code == 401
        undone = c.post(f"/api/corrections/{cid}/undo?who=ben", headers=AUTH)
        assert undone.status_code == 200 and undone.json()["undone_by"] == "ben"
        assert c.post(f"/api/corrections/{cid}/undo", headers=AUTH).status_code == 422
        assert fig(store, "north-1", "About 2,500")["category"] == "evacuated"
        listed = c.get("/corrections.json").json()["items"]
        assert [i["id"] for i in listed] == [cid] and listed[0]["undone_by"] == "ben"


def test_forms_need_a_session_from_this_origin(store: Store) -> None:
    brel = fig(store, "north-2", "52")
    form = {"kind": "not-a-figure", "target": str(brel["id"]), "why": "a casualty list, not a toll",
            "next": f"/quantities/{brel['quantity_id']}"}
    with TestClient(create_app(store=store, write_token=TOKEN), base_url=LOCAL, follow_redirects=False) as c:
        assert "Sign in" in c.get("/").text
        refused = c.post("/corrections", data=form, headers=ORIGIN)
        assert refused.status_code == 403 and "sign in first" in refused.text
        wrong = c.post("/signin", data={"token": "nope", "name": "ana", "next": "/"}, headers=ORIGIN)
        assert wrong.status_code == 401 and "wrong token" in wrong.text
        assert c.post("/signin", data={"token": TOKEN, "next": "/"}).status_code == 403  # no Origin
        ok = c.post("/signin", data={"token": TOKEN, "name": "Ana Lyst", "next": "https://evil.example/"},
                    headers=ORIGIN)
        assert ok.status_code == 303 and ok.headers["location"] == "/corrections"  # never another site
        cookie = ok.headers.get_list("set-cookie")
        assert any("nl_session=" in h and "HttpOnly" in h and "SameSite=strict" in h for h in cookie)
        assert TOKEN not in " ".join(cookie)
        page = c.get(f"/quantities/{brel['quantity_id']}").text
        assert "Correct “52”" in page and "Ana Lyst" in page and 'action="/corrections"' in page
        assert c.post("/corrections", data=form).status_code == 403  # the cookie alone is not enough
        assert c.post("/corrections", data=form, headers={"origin": "http://evil.example"}).status_code == 403
        done = c.post("/corrections", data=form, headers=ORIGIN)
        assert done.status_code == 303 and done.headers["location"] == form["next"]
        assert fig(store, "north-2", "52")["quantity_id"] is None
        article = c.get("/articles/north-2").text
        assert "not a figure" in article and "corrected by Ana Lyst on" in article
        bad = c.post("/corrections", data={**form, "kind": "date", "value": "someday"}, headers=ORIGIN)
        assert bad.status_code == 422 and "YYYY-MM-DD" in bad.text
        listing = c.get("/corrections").text
        assert "a casualty list, not a toll" in listing and "Undo" in listing
        assert f'href="/articles/north-2#fig-{brel["id"]}"' in listing  # links to what it corrected
        cid = c.get("/corrections.json").json()["items"][0]["id"]
        assert c.post(f"/corrections/{cid}/undo", data={"next": "/corrections"}, headers=ORIGIN).status_code == 303
        assert fig(store, "north-2", "52")["quantity_id"] == brel["quantity_id"]
        assert "undone by Ana Lyst" in c.get("/corrections").text
        c.post("/signout", headers=ORIGIN)
        assert c.post("/corrections", data=form, headers=ORIGIN).status_code == 403


def test_source_and_story_forms(store: Store) -> None:
    brel = fig(store, "north-2", "52")
    agency = fig(store, "north-2", "31")
    with TestClient(create_app(store=store, write_token=TOKEN), base_url=LOCAL, follow_redirects=False) as c:
        c.post("/signin", data={"token": TOKEN, "name": "Zoë \"ana\"; Ł"}, headers=ORIGIN)
        page = c.get(f"/sources/{brel['source_id']}").text
        assert "Merge into it" in page
        r = c.post("/corrections", data={"kind": "merge-sources", "target": brel["source_id"],
                                         "value": agency["source_id"], "why": "same body",
                                         "next": f"/sources/{agency['source_id']}"}, headers=ORIGIN)
        assert r.status_code == 303
        merged = c.get(f"/sources/{agency['source_id']}").text
        assert "Tomas Brel merged into Norland civil defence agency" in merged and "same body" in merged
        assert "corrected by Zoë &#34;ana&#34;; Ł on" in merged  # any name survives its cookie
        article = c.get("/articles/north-2").text
        assert "Rename story" in article
        story = c.get("/articles/north-2.json").json()["a"]["story_id"]
        r = c.post("/corrections", data={"kind": "rename-story", "target": story, "value": "Osk quake",
                                         "why": "shorter", "next": "/articles/north-2"}, headers=ORIGIN)
        assert r.status_code == 303
        article = c.get("/articles/north-2").text
        assert re.search(r"story <a href=\"/stories/[^\"]+\">Osk quake</a>", article)
        assert "story renamed “Osk quake”" in article


def test_story_page_renames_and_merges_stories(db_target: str) -> None:
    """A signed-in story page offers "Rename story" and "Merge another story into this one"; a merge
    leaves one story fewer, noted on the kept story's page."""
    analyze([DATA / "words.jsonl"], db_target)
    with Store(db_target) as store, TestClient(create_app(store=store, write_token=TOKEN), base_url=LOCAL,
                                               follow_redirects=False) as c:
        before = c.get("/stories.json").json()["items"]
        assert len(before) >= 2
        keep, other = before[0], before[1]
        assert "Merge another story into this one" not in c.get(f"/stories/{keep['id']}").text  # signed out
        c.post("/signin", data={"token": TOKEN, "name": "ana"}, headers=ORIGIN)
        page = c.get(f"/stories/{keep['id']}").text
        assert "Rename story" in page and "Merge another story into this one" in page
        assert f'<option value="{other["id"]}">' in page and f'<option value="{keep["id"]}">' not in page
        r = c.post("/corrections", data={"kind": "merge-stories", "target": other["id"], "value": keep["id"],
                                         "why": "one quake", "next": f"/stories/{keep['id']}"}, headers=ORIGIN)
        assert r.status_code == 303
        after = c.get("/stories.json").json()["items"]
        assert len(after) == len(before) - 1
        kept = next(s for s in after if s["n_articles"] == keep["n_articles"] + other["n_articles"])
        page = c.get(f"/stories/{kept['id']}").text
        assert "one quake" in page and "corrected by ana on" in page
