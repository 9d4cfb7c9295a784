"""Quantity labels in words: what is counted, whom, where, in which event and on which day; in
memory from records, and in the store (SQLite and PostgreSQL) from sentences written for them."""

from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa

from newsledger.labels import participle, quantity_label, story_event
from newsledger.records import Figure
from newsledger.store import Store, analyze, quantities_t, stories_t

ROOT = Path(__file__).resolve().parents[1]
WORDS = ROOT / "tests" / "data" / "ledger" / "words.jsonl"
QUAKE = "earthquake · Karvelia / Hazrun · 10–15 Feb 2032"


def fig(**kw: object) -> Figure:
    base = Figure(doc="d", start=0, end=2, text="40", value=40, value_high=None, qualifier="exact", unit=None,
                  counted="people", category="killed", source=None, event_date="2031-02-15")
    return replace(base, **kw)  # type: ignore[arg-type]


def test_a_toll_names_its_event_and_place() -> None:
    assert quantity_label(fig(), "people", None, QUAKE) == "people killed in the Karvelia earthquake"
    assert quantity_label(fig(), "people", "Hazrun", QUAKE) == "people killed in Hazrun in the earthquake"
    assert quantity_label(fig(), "people", None, None) == "people killed"
    assert story_event(QUAKE) == ("earthquake", "Karvelia")
    assert story_event("earthquake · 16 Feb 2031") == ("earthquake", "")
    assert story_event("s-123") == ("", "")


def test_a_per_day_quantity_says_its_day_in_words() -> None:
    strike = "strike · Tarsenne / Port Vandel · 6–18 Feb 2031"
    turnout = fig(category="attended", counted="marchers")
    assert quantity_label(turnout, "people", None, strike) == \
        "people who turned out in the Tarsenne strike on 15 Feb 2031"
    assert quantity_label(turnout, "people", "national", strike) == \
        "people who turned out nationwide in the strike on 15 Feb 2031"
    assert quantity_label(fig(category="detained", event_date=None), "people", None, None) == \
        "people detained on an unknown day"
    # a running total of an operation spans days: no day of its first figure
    assert quantity_label(fig(category="evacuated", subset="cumulative"), "people", None, None) == \
        "people evacuated (in total so far)"


def test_place_keys_are_words() -> None:
    assert quantity_label(fig(), "people", "held:government", None) == "people killed in government-held areas"
    assert quantity_label(fig(), "people", "rest:region", None) == "people killed in the rest of the region"
    assert quantity_label(fig(), "people", "combined", None) == "people killed across all areas"
    assert quantity_label(fig(), "people", "capital", None) == "people killed in the capital"
    assert quantity_label(fig(), "people", "outside:capital", None) == "people killed outside the capital"
    assert quantity_label(fig(), "people", "Veshan province province", None) == "people killed in Veshan province"


def test_sub_counts_forecasts_and_other_incidents_read_as_phrases() -> None:
    assert quantity_label(fig(subset="nat:valta", counted="Valtanian citizens"), "people", None, None) == \
        "people killed (Valtanian citizens)"
    assert quantity_label(fig(subset="nat:forei", counted="foreigners"), "foreigners", None, None) == \
        "foreigners killed (foreign citizens)"
    assert quantity_label(fig(category="injured", subset="act:carry"), "people", None, None) == \
        "people injured (part of the total: those carried by someone)"
    assert quantity_label(fig(subset="part:take"), "people", None, None) == \
        "people killed (part of the total: “take”)"
    assert quantity_label(fig(subset="part:kill"), "people", None, None) == "people killed (part of the total)"
    assert quantity_label(fig(subset="part:have"), "people", None, None) == "people killed (part of the total)"
    assert quantity_label(fig(projection=True), "people", "combined", QUAKE) == \
        "forecast of people killed across all areas in the earthquake"
    # another incident than the story's: named, and not called the story's event
    assert quantity_label(fig(event="on:1987"), "people", None, QUAKE) == "people killed in the incident of 1987"
    assert quantity_label(fig(event="on:--06-28"), "people", None, QUAKE) == \
        "people killed in the incident of 28 Jun, year unknown"
    assert quantity_label(fig(event="prior"), "people", None, QUAKE) == "people killed in an earlier incident"


def test_nouns_units_and_shares() -> None:
    assert quantity_label(fig(category="evacuated", counted="buses"), "buse", None, None) == \
        "buses evacuated on 15 Feb 2031"
    assert quantity_label(fig(category="aid", unit="EUR", counted="EUR"), "EUR", None, None) == "aid in EUR"
    share = fig(category="other", unit="percent", counted="ratio", predicate=None)
    assert quantity_label(share, "ratio", None, None) == "percentage"
    damaged = fig(category="other", unit="percent", counted="houses", predicate="damage")
    assert quantity_label(damaged, "hous", None, None) == "percentage of houses (“damage”)"
    assert quantity_label(fig(category="other", counted="buildings", predicate="building"), "building", None, None) \
        == "buildings"
    assert quantity_label(fig(category="military", counted="missiles", predicate="fire"), "missile", None, None) == \
        "missiles (“fire”) on 15 Feb 2031"
    # the article's own verb, quoted: its voice is unknown ("countries come")
    assert quantity_label(fig(category="other", counted="countries", predicate="come"), "country", None, None) == \
        "countries (“come”)"
    assert quantity_label(fig(category="other", subset="identify", predicate="identify"), "people", None, None) == \
        "people (identified)"
    assert participle("carry") == "carried" and participle("stop") == "stopped" and participle("send") == "sent"


@pytest.mark.slow
def test_stored_labels_name_what_whom_where_event_and_day(db_target: str) -> None:
    analyze([WORDS], db_target)
    with Store(db_target) as store, store.engine.connect() as conn:
        rows = conn.execute(sa.select(quantities_t.c.label, quantities_t.c.category, stories_t.c.label)
                            .join(stories_t, stories_t.c.id == quantities_t.c.story_id)).all()
    assert rows
    for label, _category, story in rows:
        event, _ = story_event(story)
        assert event and f" {event}" in label, (label, story)  # the story's event word
        assert "_" not in label and ":" not in label  # no key codes (act:, held:, on:2031-…)
    evacuated = sorted(label for label, category, _ in rows if category == "evacuated")
    assert evacuated and all(label.endswith("on 16 Feb 2031") for label in evacuated)
    killed = {label for label, category, _ in rows if category == "killed"}
    assert any(label.startswith("people killed in Osk valley in the ") for label in killed)


@pytest.mark.slow
def test_labels_follow_their_story_when_its_event_words_change(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    analyze([WORDS], db)
    with Store(db) as store:
        with store.begin() as conn:
            conn.execute(stories_t.update().values(label="flood · Nowhere · 1 Jan 2030"))
            store.refresh_quantities(conn, conn.execute(sa.select(quantities_t.c.id)).scalars().all())
            labels = list(conn.execute(sa.select(quantities_t.c.label)).scalars())
        assert labels and all("Nowhere flood" in label or " flood" in label for label in labels)
        # re-clustering gives the stories their own words back: their quantities are relabelled
        store.update_stories()
        store.refresh_dirty()
        with store.engine.connect() as conn:
            labels = list(conn.execute(sa.select(quantities_t.c.label)).scalars())
    assert labels and not any("flood" in label for label in labels)
    assert all("earthquake" in label for label in labels)
