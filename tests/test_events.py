"""Which incident a figure counts (figures/events.py): background tolls of other incidents get
their own key, counts of the current crisis none. Sentences are about an invented flood in the
republic of Osland, reported in November 2033."""

from __future__ import annotations

import pytest
from spacy.language import Language

from newsledger.quantities import assign_quantities
from newsledger.records import Figure
from tests.conftest import figures, one, run

pytestmark = pytest.mark.slow
PUB = "2033-11-05"  # a Saturday


def event_of(nlp: Language, text: str, figure: str, date: str | None = PUB) -> str | None:
    return one(figures(nlp, text, date), figure)["event"]


@pytest.mark.parametrize(("text", "figure", "key"), [
    # an incident the text dates to a past year
    ("The 1994 Dorvan earthquake, the worst in the region's history, killed about 8,200 people.",
     "about 8,200", "1994"),
    ("A 2030 flood near Kessa killed 27 people.", "27", "2030"),
    ("The storm has surpassed the one of 1994 in Dorvan, when 8,200 persons lost their lives, the minister said.",
     "8,200", "1994"),
    ("Last year's floods killed 300 people.", "300", "2032"),
    ("Only 12 trucks crossed on Thursday, against 1,950 in the whole of 2031.", "1,950", "2031"),
    # a comparison's incident: the participle after "since ... sank" is the ferry's toll
    ("The flood is the deadliest in Osland since the ferry Blue Heron sank in April 2029, leaving 212 people dead.",
     "212", "2029"),
    # a running total counted from a start long before the report
    ("Since the start of the war on June 2, the toll in the province rose to more than 9,300 people.",
     "more than 9,300", "since"),
    ("The agency counts 3,120 civilian deaths in Osland since the war began.", "3,120", "since"),
    ("The ministry said 640 of the 9,400 people killed in the province since June 2 were children.",
     "9,400", "since"),
    ("The ministry said 640 of the 9,400 people killed in the province since June 2 were children.",
     "640", "since"),
    ("The war, now in its ninth year, has killed more than 90,000 people.", "more than 90,000", "since"),
    # a state before a long incident
    ("The mine had 4,500 workers before the war.", "4,500", "before"),
    ("About 900 people remain in the village, out of a pre-war population of 7,000.", "7,000", "before"),
    ("Since February, aid teams have helped more than 38,000 people leave the front line.",
     "more than 38,000", "since"),
    # another incident named without a year
    ("That flood left 27 people dead.", "27", "prior"),
    ("By comparison, the last big flood killed 40 people.", "40", "prior"),
    ("Last year, 300 people died on the roads.", "300", "2032"),
    # the same harm somewhere else
    ("On Tuesday alone, air strikes elsewhere in the province killed 87 people, the agency said.", "87", "elsewhere"),
    ("Shelling killed 12 people elsewhere in the city on Friday.", "12", "elsewhere"),
    ("The toll of 64 compares with 40 in the previous flood.", "40", "prior"),
])
def test_background_incidents_get_their_own_key(nlp: Language, text: str, figure: str, key: str) -> None:
    assert event_of(nlp, text, figure) == key


def test_a_past_day_long_before_the_report_is_another_incident(nlp: Language) -> None:
    text = ("The war began on June 2, when rebels stormed the border towns, killing 640 people. "
            "More than 9,000 people have since been killed in the province, the agency says.")
    found = figures(nlp, text, PUB)
    first, running = one(found, "640"), one(found, "More than 9,000")
    assert (first["event"], first["event_date"]) == ("on:2033-06-02", "2033-06-02")
    assert running["event"] == "since"  # "have since": counted from the day the sentence before names
    # with no publication day, the latest day the text names stands in for it
    undated = ("Rescuers said on 30 October 2033 the flood had killed 41. The war began on 2 June 2033, "
               "when rebels stormed the border towns, killing 640 people.")
    assert one(figures(nlp, undated, None), "640")["event"] == "on:2033-06-02"


@pytest.mark.parametrize(("text", "figure"), [
    ("In 2033, 64 people have died in the flooding, officials said.", "64"),  # this year
    ("Rescuers said 64 people had died since Tuesday.", "64"),  # a recent start
    ("The flood has killed 2,000 people since it struck on Monday.", "2,000"),
    ("The flood has killed 2,000 people since the river burst its banks.", "2,000"),
    ("The flood, the deadliest since 1999, has killed 64 people.", "64"),  # the comparison is not the toll
    ("The flood is the deadliest since 1999, killing 64 people.", "64"),
    ("The death toll rose to 4,000 on Friday, the ministry said.", "4,000"),
    ("About 900 people remain in the village, out of a pre-war population of 7,000.", "About 900"),
    ("The agency, founded in 1951 and working in more than 80 countries, sent 40 doctors.", "40"),
    ("The agency, founded in 1951 and working in more than 80 countries, sent 40 doctors.", "more than 80"),
    ("Since early November, aid teams have helped more than 3,800 people leave the valley.", "more than 3,800"),
    ("The toll of 64 compares with 40 in the previous flood.", "64"),
])
def test_the_current_crisis_has_no_key(nlp: Language, text: str, figure: str) -> None:
    assert event_of(nlp, text, figure) is None


def test_a_per_event_count_of_a_past_day_is_keyed_by_its_day_alone(nlp: Language) -> None:
    """Hostages seized on an old day are a per-event count: the day already keys them, so the
    same count cited without the "when" clause stays one quantity."""
    found = figures(nlp, "The war began on June 2, when rebels stormed the border towns, killing 640 people "
                         "and seizing 120 hostages.", PUB)
    assert one(found, "120")["event"] is None


def test_a_recent_day_of_last_year_is_the_current_crisis(nlp: Language) -> None:
    """Early January: "December 28" (even with its year) is last week, not a past year's incident."""
    for text in ("The storm on December 28 killed 64 people.", "The storm on December 28, 2032 killed 64 people.",
                 "Rescuers said 64 people had died since December 28."):
        assert event_of(nlp, text, "64", "2033-01-03") is None, text
    assert event_of(nlp, "Since the start of the war in February 2032, 9,000 people have been killed.",
                    "9,000", "2033-01-03") == "since"


def test_the_deadliest_since_a_year_keys_only_the_old_toll(nlp: Language) -> None:
    text = ("The flood has killed 64 people, the deadliest since 1999, when a storm killed 310 people "
            "in the same valley.")
    found = figures(nlp, text, PUB)
    assert one(found, "64")["event"] is None
    assert one(found, "310")["event"] == "1999"


def test_a_year_named_incident_has_no_current_day(nlp: Language) -> None:
    found = figures(nlp, "The 1994 Dorvan earthquake killed about 8,200 people.", PUB)
    assert one(found, "about 8,200")["event_date"] is None
    dated = figures(nlp, "The flood is the worst since the ferry Blue Heron sank on 14 April 2029, "
                         "with the loss of 212 lives.", PUB)
    assert (one(dated, "212")["event"], one(dated, "212")["event_date"]) == ("2029", "2029-04-14")


def test_background_tolls_keep_out_of_the_current_toll_quantity(nlp: Language) -> None:
    """End to end through the quantity key: the old quake's toll is its own quantity, in every
    article that cites it, and the current toll's revisions stay one."""
    texts = {
        "a": "The flood has killed 41 people, the ministry said. A 2030 flood near Kessa killed 27 people.",
        "b": "The flood has killed 58 people, the ministry said. The 2030 flood near Kessa killed 27.",
    }
    recs = []
    for doc, text in texts.items():
        for f in figures(nlp, text, PUB):
            recs.append(Figure(doc=doc, start=f["start"], end=f["end"], text=f["text"], value=f["value"],
                               value_high=f["value_high"], qualifier=f["qualifier"], unit=f["unit"],
                               counted=f["counted"], category=f["category"], source=f["source"],
                               event_date=f["event_date"], projection=f["projection"], subset=f["subset"],
                               event=f["event"]))
    q = {(f.doc, f.text): f.quantity for f in assign_quantities(recs)}
    assert q[("a", "41")] == q[("b", "58")]
    assert q[("a", "27")] == q[("b", "27")] != q[("a", "41")]


def test_a_report_known_only_by_its_month_and_day_still_tells_old_days(nlp: Language) -> None:
    """Wire copy dated "Nov 5" with no year anywhere: June 2 is months before it whatever the year,
    so its toll is another incident, keyed by its day of the year (the store later gives the
    article its story's year); a day or a start close to the dateline stays the current crisis."""
    text = ("KESSA, Nov 5 (OPA) -- Floods killed at least 64 people in Osland on Friday, the ministry said. "
            "The war began on June 2, when rebels stormed the border towns, killing 640 people. "
            "Since June, 9,000 people have been killed in the province, the agency says. "
            "Rescuers said 12 people had died since Nov 1.")
    found = figures(nlp, text, None)
    old = one(found, "640")
    assert (old["event"], old["event_date"]) == ("on:--06-02", None)
    assert one(found, "9,000")["event"] == "since"
    assert one(found, "at least 64")["event"] is None
    assert one(found, "12")["event"] is None
    # a day after the dateline's in the calendar is taken to be of the year before: months back too
    late = "KESSA, Feb 3 (OPA) -- The storm on December 20 killed 64 people, the ministry said."
    assert event_of(nlp, late, "64", None) == "on:--12-20"
    near = "KESSA, Jan 3 (OPA) -- The storm on December 28 killed 64 people, the ministry said."
    assert event_of(nlp, near, "64", None) is None


def test_past_years_are_found_once_per_document(nlp: Language) -> None:
    """``year_of`` reads the years found when the document's incidents are built: a past bare year,
    not a count, a future year or the year of a full date."""
    from newsledger.figures.events import Incidents, _year_token

    doc = run(nlp, "The 1987 quake killed 1,987 people. In 2016, 58 died; on December 28, 2019 another 40 died. "
                   "A pre-war census counted 2030 homes in 2029.", date="2024-06-14")
    r = Incidents(doc)
    assert {t.i: r.year_of(t) for t in doc if r.year_of(t)} == {
        t.i: _year_token(t) for t in doc if t.text in ("1987", "2016")}


def test_dates_by_root_are_the_scan_of_every_date_in_their_order() -> None:
    # the index gives what the scan it replaced gave: the dates hanging on tokens lo..hi-1, in the
    # document's order of its dates (not sorted by token), for any span, empty ones included
    import random

    from newsledger.figures.dating import DatesByRoot

    rng = random.Random(2)
    dates = [{"root": rng.randrange(60), "n": k} for k in range(80)]
    index = DatesByRoot(dates)
    for _ in range(500):
        lo = rng.randrange(-5, 65)
        hi = lo + rng.randrange(0, 30)
        assert index.within(lo, hi) == [d for d in dates if lo <= d["root"] < hi]
    assert DatesByRoot([]).within(0, 10) == []
