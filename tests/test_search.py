"""Search (``newsledger.search`` and /search): quantities ranked first, figures and statements by
the ledger's words, stories by label, filters that apply to every list, and refused filter values;
on a small ledger built without NLP, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from newsledger import search, wordlists
from newsledger.ingest import Article
from newsledger.records import CATEGORIES, Figure, Statement
from newsledger.store import Store, articles_t, figures_t, stories_t
from newsledger.stories import StoryFeatures
from newsledger.web import create_app
from tests.conftest import store_target

LOCAL = "http://127.0.0.1"

# (id, day, outlet, text, event noun, place, [(number, category, counted, source, place)])
ARTICLES: list[tuple[str, str, str, str, str, str, list[tuple[str, str, str, str, str | None]]]] = [
    ("eq-1", "2031-02-06", "Karsa Wire",
     "An earthquake struck Karsa on Thursday. The Karsa disaster agency said 40 people died. "
     "Red Lantern rescuers said 12 people were missing.", "earthquake", "Karsa",
     [("40", "killed", "people", "Karsa disaster agency", None),
      ("12", "missing", "people", "Red Lantern rescuers", None)]),
    ("eq-2", "2031-02-07", "Coast Times",
     "The toll of the earthquake in Karsa rose to 55, the Karsa disaster agency said, and 200 were hurt. "
     "Governor Ilse Varn said 70 had died in Oskar district.", "earthquake", "Karsa",
     [("55", "killed", "people", "Karsa disaster agency", None),
      ("200", "injured", "people", "Karsa disaster agency", None),
      ("70", "killed", "people", "Ilse Varn", "Oskar district")]),
    ("eq-3", "2031-02-08", "Coast Times",
     "After the earthquake, 3000 people in Karsa slept outside, the Karsa refugee council said.", "earthquake",
     "Karsa", [("3000", "displaced", "people", "Karsa refugee council", None)]),
    ("fl-1", "2031-05-10", "River Post",
     "Floods in Dravenia killed 9 people, the Dravenia police said. Police detained 14 men. Organisers said "
     "5000 people joined the march.", "flood", "Dravenia",
     [("9", "killed", "people", "Dravenia police", None), ("14", "detained", "men", "Dravenia police", None),
      ("5000", "attended", "people", "march organisers", None)]),
    ("fl-2", "2031-05-11", "River Post",
     "Boats took 800 residents out of the flood, the Dravenia army said, while 30 stayed on roofs. The army "
     "flew 6 helicopters. Donors pledged 2000000 dollars, the relief fund said.", "flood", "Dravenia",
     [("800", "evacuated", "residents", "Dravenia army", None), ("30", "trapped", "people", "Dravenia army", None),
      ("6", "military", "helicopters", "Dravenia army", None), ("2000000", "aid", "dollars", "relief fund", None)]),
]


def _records(aid: str, day: str, text: str, figs: list[tuple[str, str, str, str, str | None]]
             ) -> tuple[list[Figure], list[Statement]]:
    figures, statements = [], []
    for number, category, counted, source, place in figs:
        start = text.index(number)
        # the sentence holding the figure, said by its source
        s0 = text.rfind(". ", 0, start) + 2 if text.rfind(". ", 0, start) >= 0 else 0
        s1 = text.find(".", start + len(number)) + 1 or len(text)
        figures.append(Figure(doc=aid, start=start, end=start + len(number), text=number, value=float(number),
                              value_high=None, qualifier="exact", unit="USD" if category == "aid" else None,
                              counted=counted, category=category, source=source, event_date=day, place=place))
        if not any(st.start == s0 for st in statements):
            statements.append(Statement(doc=aid, start=s0, end=s1, text=text[s0:s1], speaker=source, direct=False,
                                        cue="said"))
    return figures, statements


def build(target: str) -> None:
    with Store(target) as store:
        for aid, day, outlet, text, event, place, figs in ARTICLES:
            figures, statements = _records(aid, day, text, figs)
            art = Article(id=aid, text=text, date=day, title=text.split(".")[0], outlet=outlet)
            features = StoryFeatures(date=day, places={place: 3}, events={event: 2})
            with store.begin() as conn:
                store.add_article(conn, art, figures, statements, [place], features=features)
        store.update_stories()
        store.refresh_dirty()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    target = store_target(request.param, tmp_path_factory.mktemp("search"))
    build(target)
    s = Store(target)
    yield s
    s.close()


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(store=store), base_url=LOCAL) as c:
        yield c


def find(store: Store, q: str = "", **filters: str) -> dict[str, Any]:
    return search.search(store, q, 1, search.check_filters(**filters))["results"]


def story_of(store: Store, word: str) -> str:
    with store.engine.connect() as conn:
        return str(conn.execute(sa.select(stories_t.c.id).where(stories_t.c.label.like(f"%{word}%"))).scalar_one())


# ---------------------------------------------------------------- reading a query

def test_a_query_reads_phrases_first_and_drops_stop_words() -> None:
    terms = search.parse_query("The death toll of the Earthquake in Karsa", 12)
    assert terms == [search.Term("death toll", frozenset({"killed"})), search.Term("earthquake"),
                     search.Term("karsa")]
    assert search.parse_query("toll toll TOLL", 12) == [search.Term("toll", frozenset({"killed"}))]
    assert [t.word for t in search.parse_query("a b c d e f", 3)] == ["b", "c"]  # 3 words read, "a" dropped


@pytest.mark.parametrize(("entry", "category"), sorted(search.vocabulary().items()))
def test_every_vocabulary_entry_finds_its_category(store: Store, entry: str, category: str) -> None:
    assert category in CATEGORIES
    assert search.parse_query(entry, 12) == [search.Term(entry, frozenset({category}))]
    found = find(store, entry)
    assert category in {q["category"] for q in found["quantities"]}, entry
    assert category in {f["category"] for f in found["figures"]}, entry


@pytest.mark.parametrize("word", sorted(wordlists.words("search_stopwords")))
def test_every_stop_word_is_dropped(word: str) -> None:
    assert search.parse_query(f"{word} flood", 12) == [search.Term("flood")]


# ---------------------------------------------------------------- what a search finds

def test_death_toll_earthquake_finds_the_toll_and_its_figures_first(store: Store) -> None:
    found = find(store, "death toll earthquake")
    first = found["quantities"][0]
    assert first["category"] == "killed" and "earthquake" in first["story_label"]
    assert first["n_figures"] == 2 and first["n_sources"] == 1 and first["latest"]["text"] == "55"
    # only the earthquake's tolls: the flood's is another story
    assert {q["category"] for q in found["quantities"]} == {"killed"}
    assert all("earthquake" in q["story_label"] for q in found["quantities"])
    figures = found["figures"]
    assert [f["text"] for f in figures[:2]] == ["55", "40"]  # the first quantity's, newest first
    assert {f["text"] for f in figures} == {"40", "55", "70"}
    assert [s["label"] for s in found["stories"]] == [found["quantities"][0]["story_label"]]
    assert {a["id"] for a in found["articles"]} == {"eq-1", "eq-2"}  # those reporting a death


def test_figures_match_by_source_place_counted_and_story_not_only_their_words(store: Store) -> None:
    assert {f["text"] for f in find(store, "Lantern")["figures"]} == {"12"}  # the source's name
    assert {f["text"] for f in find(store, "Oskar")["figures"]} == {"70"}  # the place
    assert {f["text"] for f in find(store, "helicopters")["figures"]} == {"6"}  # the counted thing
    assert {f["text"] for f in find(store, "flood detained")["figures"]} == {"14"}  # story + category
    by_source = find(store, "Varn")
    assert {q["category"] for q in by_source["quantities"]} == {"killed"}  # a quantity by its sources
    assert {s["speaker"] for s in by_source["statements"]} == {"Ilse Varn"}  # a statement by its speaker
    assert [s["speaker"] for s in find(store, "slept outside")["statements"]] == ["Karsa refugee council"]


# ---------------------------------------------------------------- filters apply to every list

def _lists(found: dict[str, Any]) -> dict[str, Any]:
    assert all(found[k] for k in ("quantities", "stories", "figures", "statements", "articles")), \
        {k: len(v) for k, v in found.items()}
    return found


def _quantities_of(store: Store, where: Any) -> set[str]:
    with store.engine.connect() as conn:
        return set(conn.execute(sa.select(figures_t.c.quantity_id).join(articles_t, articles_t.c.id ==
                                                                           figures_t.c.article_id).where(where))
                   .scalars())


def test_a_date_filter_applies_to_every_list(store: Store) -> None:
    flood = story_of(store, "flood")
    for q in ("", "killed"):
        found = find(store, q, date_from="2031-05-01")
        assert {s["id"] for s in _lists(found)["stories"]} == {flood}
        assert {q["story_id"] for q in found["quantities"]} == {flood}
        assert all(f["event_date"] >= "2031-05-01" for f in found["figures"])
        assert all(x["pub_date"] >= "2031-05-01" for x in found["statements"] + found["articles"])
    assert {f["text"] for f in find(store, "killed", date_from="2031-05-01")["figures"]} == {"9"}
    early = _lists(find(store, "", date_to="2031-02-06"))
    assert {a["id"] for a in early["articles"]} == {"eq-1"}
    assert {f["text"] for f in early["figures"]} == {"40", "12"}
    assert {s["id"] for s in early["stories"]} == {story_of(store, "earthquake")}


def test_an_outlet_filter_applies_to_every_list(store: Store) -> None:
    for q in ("", "Karsa"):
        found = _lists(find(store, q, outlet="coast"))
        assert {a["outlet"] for a in found["articles"] + found["statements"]} == {"Coast Times"}
        assert {f["citation"]["outlet"] for f in found["figures"]} == {"Coast Times"}
        assert {q["id"] for q in found["quantities"]} <= _quantities_of(store, articles_t.c.outlet == "Coast Times")
        assert {s["id"] for s in found["stories"]} == {story_of(store, "earthquake")}
    assert find(store, "Dravenia", outlet="coast")["figures"] == []


def test_a_source_filter_applies_to_every_list(store: Store) -> None:
    found = _lists(find(store, "", source="Ilse"))
    assert {a["id"] for a in found["articles"]} == {"eq-2"}  # only the articles citing the source
    assert {s["speaker"] for s in found["statements"]} == {"Ilse Varn"}
    assert {f["text"] for f in found["figures"]} == {"70"}
    assert {q["id"] for q in found["quantities"]} == {found["figures"][0]["quantity_id"]}
    assert {s["id"] for s in found["stories"]} == {story_of(store, "earthquake")}
    assert find(store, "Karsa", source="Ilse")["articles"] == found["articles"]  # not every article of the words
    assert find(store, "Dravenia", source="Ilse") == {"quantities": [], "stories": [], "figures": [],
                                                       "statements": [], "articles": []}


def test_a_category_filter_applies_to_every_list(store: Store) -> None:
    found = _lists(find(store, "Karsa", category="injured"))
    assert {q["category"] for q in found["quantities"]} == {"injured"}
    assert {f["text"] for f in found["figures"]} == {"200"}
    assert {a["id"] for a in found["articles"]} == {"eq-2"}  # the article reporting the injured
    assert [s["speaker"] for s in found["statements"]] == ["Karsa disaster agency"]
    assert "200 were hurt" in found["statements"][0]["text"]
    assert {s["id"] for s in found["stories"]} == {story_of(store, "earthquake")}


def test_a_story_filter_applies_to_every_list(store: Store) -> None:
    flood = story_of(store, "flood")
    for q in ("", "people"):
        found = find(store, q, story=flood)
        assert {q["story_id"] for q in found["quantities"]} == {flood}
        assert {f["citation"]["article_id"] for f in found["figures"]} == {"fl-1", "fl-2"}
        assert {x["article_id"] for x in found["statements"]} <= {"fl-1", "fl-2"}
        assert {a["story_id"] for a in found["articles"]} == {flood}
    assert {s["id"] for s in _lists(find(store, "", story=flood))["stories"]} == {flood}


def test_filters_alone_list_what_they_point_at(store: Store) -> None:
    found = find(store, category="aid")
    assert [q["category"] for q in found["quantities"]] == ["aid"] and [a["id"] for a in found["articles"]] == ["fl-2"]
    assert find(store) == {"quantities": [], "stories": [], "figures": [], "statements": [], "articles": []}


# ---------------------------------------------------------------- over the web, and refused values

def test_the_json_twin_returns_quantities_first_with_links_and_says_how_filters_apply(client: TestClient) -> None:
    data = client.get("/search.json", params={"q": "death toll earthquake", "outlet": "Coast"}).json()
    q = data["results"]["quantities"][0]
    assert q["label"] and q["story_label"] and q["latest"]["day"] == "2031-02-07"
    assert set(data["applies"]) == {"outlet"} and set(data["applies"]["outlet"]) == {
        "quantities", "figures", "statements", "articles", "stories"}
    page = client.get("/search", params={"q": "death toll earthquake", "outlet": "Coast"})
    assert page.status_code == 200
    assert re.search(f'<a href="/quantities/{q["id"]}"[^>]*>{re.escape(q["label"])}</a>', page.text)
    assert "How the filters apply" in page.text and "with a figure from that outlet" in page.text


BAD = [({"date_from": "2031-13-01"}, "date_from 2031-13-01 is not a real date"),
       ({"date_to": "2031-02-30"}, "date_to 2031-02-30 is not a real date"),
       ({"date_from": "yesterday"}, "date_from 'yesterday' is not a date in the form YYYY-MM-DD"),
       ({"date_to": "2031-2-3"}, "date_to '2031-2-3' is not a date in the form YYYY-MM-DD"),
       ({"date_from": "2031-05-01", "date_to": "2031-02-01"}, "date_from 2031-05-01 is after date_to 2031-02-01"),
       ({"category": "deaths"}, "category 'deaths' is unknown (for 'deaths' use killed)"),
       ({"category": "weather"}, "category 'weather' is unknown: use one of killed, injured"),
       ({"story": "s-nothing"}, "no story 's-nothing' in this ledger")]


@pytest.mark.parametrize(("params", "reason"), BAD)
def test_an_invalid_filter_value_is_a_400_with_the_reason(client: TestClient, params: dict[str, str],
                                                          reason: str) -> None:
    r = client.get("/search.json", params={"q": "earthquake", **params})
    assert r.status_code == 400 and reason in r.json()["detail"]
    assert [e["param"] for e in r.json()["errors"]] == [list(params)[-1]]
    html = client.get("/search", params={"q": "earthquake", **params})
    assert html.status_code == 400 and html.headers["content-type"].startswith("text/html")
    assert 'id="search-problems"' in html.text and reason.replace("'", "&#39;") in html.text
    for value in params.values():  # the form comes back as it was filled in
        assert f'value="{value}"' in html.text
    assert 'name="q" value="earthquake"' in html.text and "Quantities (" not in html.text
    accept = client.get("/search", params={"q": "earthquake", **params}, headers={"accept": "application/json"})
    assert accept.status_code == 400 and reason in accept.json()["detail"]


def test_every_reason_is_given_at_once(client: TestClient) -> None:
    r = client.get("/search.json", params={"date_from": "2031-02-31", "date_to": "x", "category": "y"})
    assert r.status_code == 400 and [e["param"] for e in r.json()["errors"]] == ["date_from", "date_to", "category"]


def test_like_wildcards_in_words_and_filters_are_plain_text(store: Store) -> None:
    assert find(store, "", outlet="%")["articles"] == []
    assert find(store, "", source="_")["figures"] == []
    assert find(store, "k_rsa")["quantities"] == [] and find(store, "karsa")["quantities"]


def test_a_page_past_the_best_quantities_is_read_from_the_index(store: Store, monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    every = [q["id"] for q in find(store, "people")["quantities"]]
    assert len(every) >= 7
    monkeypatch.setattr(search, "PAGE", 2)
    monkeypatch.setattr(search, "TOP_QUANTITIES", 3)
    pages = [search.search(store, "people", p, search.Filters())["results"]["quantities"] for p in range(1, 6)]
    assert [q["id"] for page in pages for q in page] == every  # pages 1-2 from the best 3, then by offset

