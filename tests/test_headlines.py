"""A story's headline tables on real stores (SQLite and PostgreSQL): each source's latest figure of
each people count, split by place with the whole area first, the estimate and same-day disputes."""

from pathlib import Path

import pytest

from newsledger.headlines import link_texts, story_headlines, story_list
from newsledger.store import Store, analyze

pytestmark = pytest.mark.slow
DATA = Path(__file__).parent / "data" / "ledger"
STORY = DATA / "story.jsonl"  # a quake in Tesmark: two sources whose latest tolls differ, one province
TWO_COUNTRIES = DATA / "two_countries.jsonl"  # tolls per country, a combined toll, a forecast


def test_latest_figure_per_source_split_by_place(db_target: str) -> None:
    analyze([STORY], db_target)
    with Store(db_target) as store:
        [s] = story_list(store)
        h = story_headlines(store, s.id)
        assert story_headlines(store, "s-0000000000") is None
    assert (s.label, s.dates, s.n_articles, s.n_outlets) == (
        "earthquake · Tesmark / Orlen province · 2–4 May 2034", "2–4 May 2034", 3, 3)
    assert [(n.title, n.text, n.day) for n in s.numbers] == [("Deaths", "420", "2034-05-04")]
    assert h is not None and [g.title for g in h.groups] == ["Deaths"]
    country, province = h.groups[0].tables
    # one row per source, its most recent figure of this very quantity, newest first
    assert [(f.source, f.value, f.event_date, f.citation.outlet) for f in country.rows] == [
        ("Tesmark Red Cross", 420, "2034-05-04", "Coastal Herald"),
        ("Tesmark disaster agency", 340, "2034-05-03", "Tesmark Daily")]
    assert all(f.quantity_id == country.quantity_id for f in country.rows)
    assert (country.as_of, country.place, country.n_sources) == ("2034-05-04", "Tesmark", 2)
    assert "420 people had been killed in Tesmark" in country.rows[0].citation.quote
    # the province is a quantity of its own, never a source's "latest" in the country's table
    assert [(f.source, f.value) for f in province.rows] == [("Mira Kestal", 140)]
    assert province.place is not None and "Orlen" in province.place
    e = country.estimate
    assert e is not None and e.day == "2034-05-04" and e.low is not None and e.low.value == 420
    assert e.conservative is not None and e.conservative.value == 340
    # only same-day disputes: 340 against 395 on 3 May, not 210 (2 May) against 420 (4 May)
    [g] = country.disputes
    c = g.pairs[0]
    assert g.kind == "dispute" and {c.a.value, c.b.value} == {340, 395}
    assert c.a.event_date == c.b.event_date == "2034-05-03"
    assert province.disputes == []
    texts = [q.link_text for q in h.quantities]
    assert len(texts) == len(set(texts)) == s.n_quantities


def test_the_whole_area_comes_first_and_forecasts_are_no_headline(db_target: str) -> None:
    analyze([TWO_COUNTRIES], db_target)
    with Store(db_target) as store:
        [s] = story_list(store)
        h = story_headlines(store, s.id)
    assert h is not None
    tables = h.groups[0].tables
    assert [t.all_areas for t in tables] == [True, False, False]
    assert [f.value for f in tables[0].rows] == [1200]  # "the combined toll in both countries"
    assert {t.place for t in tables[1:]} == {"Karsia", "Doravia"}
    karsia = next(t for t in tables if t.place == "Karsia")
    assert {(f.source, f.value) for f in karsia.rows} == {("Karsian Red Crescent", 610), ("health ministry", 520)}
    # "the final toll could reach 8,000" is a forecast: in the story's quantities, not a headline
    assert any("forecast" in q.label for q in h.quantities)
    assert not any(f.value in (5000, 8000) for t in tables for f in t.rows)
    assert [(n.text, n.all_areas) for n in s.numbers] == [("1,200", True)]


def test_link_texts_are_distinct() -> None:
    texts = link_texts([("q-1", "people killed"), ("q-2", "people killed"), ("q-3", "people injured")])
    assert texts == {"q-1": "people killed (q-1)", "q-2": "people killed (q-2)", "q-3": "people injured"}
