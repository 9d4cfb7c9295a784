import datetime as dt

import pytest
from spacy.language import Language

from newsledger.pubdate import (
    STORY_BASIS,
    PubDate,
    dateline,
    dateline_date,
    dateline_month_day,
    describe,
    infer_pub_date,
    infer_year,
    lead_full_date,
    past_dates,
    publication,
    stamp_date,
    story_dates,
    story_year,
    url_date,
    url_month,
)
from tests.conftest import figures, one


@pytest.mark.parametrize("url, day", [
    ("https://example.org/news/2027/03/09/flood-toll-rises/", "2027-03-09"),
    ("https://example.org/world/2027/mar/09/flood-toll-rises", "2027-03-09"),
    ("https://example.org/story/2027-03-09/flood-toll-rises", "2027-03-09"),
    ("https://example.org/a/20270309/flood-toll-rises.html", "2027-03-09"),
    ("https://example.org/world/flood-toll-rises-2027-03-09", "2027-03-09"),
    ("https://example.org/view?id=17&date=2027-03-09", "2027-03-09"),
    ("https://example.org/world/09-march-2027/flood-toll", "2027-03-09"),
])
def test_url_dates_of_common_content_systems(url: str, day: str) -> None:
    assert str(url_date(url)) == day


def test_urls_without_a_day_give_none_but_may_give_the_month() -> None:
    assert url_date("https://example.org/news/flood-toll-rises-to-40") is None
    assert url_date("https://example.org/id/123456789") is None  # not a date: no valid month/day
    assert url_month("https://example.org/2027/03/flood-toll") == (2027, 3)
    assert url_month("https://example.org/2027/flood-toll") == (2027, None)


def test_dateline_with_year() -> None:
    assert str(dateline_date("OSLENA, 4 March 2027 (Relief Net) – Rains kept falling.")) == "2027-03-04"
    assert str(dateline_date("BRAMWICK, Tesland, Sept. 3, 2026 (TWA) -- Rains kept falling.")) == "2026-09-03"


def test_dateline_takes_the_year_of_the_url() -> None:
    text = "PORT ELLIS, March 4 (TWA) -- Floods cut the coast road on Thursday."
    assert str(dateline_date(text, "https://example.org/2027/03/flood")) == "2027-03-04"
    # a late-December dateline under a January URL belongs to the year before
    text = "PORT ELLIS, Dec 31 (TWA) -- Floods cut the coast road."
    assert str(dateline_date(text, "https://example.org/2027/01/flood")) == "2026-12-31"


def test_dateline_after_a_byline_line() -> None:
    text = "Floods cut coast road\n\nBy A. Writer\n\nPORT ELLIS, 4 March (TWA) – Floods cut the road " \
           "on Thursday, a year after the storm of 12 June 2026."
    assert str(dateline_date(text)) == "2027-03-04"


def test_year_from_a_full_date_in_the_text() -> None:
    # the storm of June 2026 is past: a March dateline is the next March
    assert infer_year("The storm of 12 June 2026 was worse.", 3, 4) == 2027
    # the same year when the dated event is earlier in the year
    assert infer_year("The storm of 12 January 2027 was worse.", 3, 4) == 2027


def test_year_from_weekdays_in_the_lead_when_a_full_date_is_ahead() -> None:
    # "due to start on 1 October 2027" lies ahead; 2027-03-07 is the Sunday the lead names
    text = ("Floods cut the coast road on Sunday, the ministry said. Repairs are due to start on "
            "1 October 2027.")
    assert infer_year(text, 3, 7) == 2027


def test_year_from_a_past_year_and_the_weekday_of_the_lead() -> None:
    # nothing but "since 2023" and the lead's Thursday: the first March 4 on a Thursday since then
    text = "Floods cut the coast road on Thursday, the worst since 2023, officials said."
    assert infer_year(text, 3, 4) == 2027
    # a bare year without any weekday is too weak
    assert infer_year("Floods cut the coast road, the worst since 2023.", 3, 4) is None
    # a year after "by" is a target, not a past event
    assert infer_year("The road will be rebuilt by 2031, officials said on Thursday.", 3, 4) is None


def test_weekday_dateline_resolved_from_a_day_named_in_the_text() -> None:
    text = ("VELMORE, Friday (TWA) -- Rescuers found 12 more bodies, taking the toll from the flood "
            "of 2 March 2027 to 40.")
    # 2027-03-02 is a Tuesday; the next Friday is March 5
    assert str(dateline_date(text)) == "2027-03-05"
    text = "VELMORE, Friday (TWA) -- Rescuers found 12 more bodies."
    assert dateline_date(text, "https://example.org/2027/03/flood") is None  # four Fridays in March
    assert dateline_date(text) is None


def test_stamps() -> None:
    assert str(stamp_date("Flood toll\n\nUpdated: March 4, 2027 10:15 GMT\n\nFloods cut ...")) == "2027-03-04"
    assert str(stamp_date("Flood toll\n\nPublished 2027-03-04 08:00\n\nFloods cut ...")) == "2027-03-04"
    assert stamp_date("Flood toll | Updated 11:52 PM\n\nFloods cut ...") is None


def test_infer_prefers_url_then_dateline_then_stamp_then_lead() -> None:
    body = "PORT ELLIS, 5 March 2027 (TWA) – Floods cut the road."
    assert infer_pub_date(body, "https://example.org/2027/03/06/flood") == "2027-03-06"
    assert infer_pub_date(body, "https://example.org/flood") == "2027-03-05"
    lead = ("The ministry informed on Saturday, 6 March 2027, that floods had cut the coast road, "
            "leaving several villages without power or drinking water for a third day.")
    assert infer_pub_date(lead) == "2027-03-06"
    assert infer_pub_date("Floods cut the coast road.") is None


@pytest.mark.slow
def test_undated_article_dates_its_figures_from_the_url_or_dateline(nlp: Language) -> None:
    text = "PORT ELLIS, 5 March 2027 (TWA) – At least 40 people have died in the floods, officials said."
    assert one(figures(nlp, text, None), "At least 40")["event_date"] == "2027-03-05"


def test_a_number_opening_the_slug_is_no_day_of_the_month() -> None:
    assert url_date("https://example.org/2027/03/12-killed-in-floods") is None
    assert url_month("https://example.org/2027/03/12-killed-in-floods") == (2027, 3)
    assert str(url_date("https://example.org/2027/03/12/killed-in-floods")) == "2027-03-12"
    # mixed separators are no date either
    assert url_date("https://example.org/2027/03-12/floods") is None


@pytest.mark.parametrize("text", [
    "PORT ELLIS, April 7 (TWA) - Floods cut the coast road.",
    "April 7 (TWA) -- Floods cut the coast road.",
    "PORT ELLIS, 7 April – Floods cut the coast road.",
    "Apr 7 (TWA) -- Floods cut the coast road.",
])
def test_dateline_forms_with_the_year_of_the_url(text: str) -> None:
    assert dateline(text, "https://example.org/world/2027/04/floods") == (dt.date(2027, 4, 7), True)


def test_dateline_without_place_takes_its_year_from_the_text() -> None:
    text = "Feb 10 (TWA) -- Floods cut the coast road on Tuesday, the worst since the storm of 3 May 2031."
    # 2032-02-10 is a Tuesday, after the storm the text names
    assert dateline(text) == (dt.date(2032, 2, 10), False)
    # a weekday alone without a place is too loose to be a dateline
    assert dateline("Tuesday -- Floods cut the coast road.") is None


def test_past_dates_leave_out_plans_and_deadlines() -> None:
    text = ("Rebels were driven out by the army on 3 May 2031. Talks are due to resume on 4 June 2031, "
            "and the road will be rebuilt by 1 July 2031. The vote on 9 May 2031 will decide.")
    assert past_dates(text) == [dt.date(2031, 5, 3)]
    lead = ("Repairs to the coast road, cut by the floods of 2 March 2027, are scheduled to start on "
            "1 October 2027, the ministry said in a statement on its website on Friday.")
    assert lead_full_date(lead) == dt.date(2027, 3, 2)


def test_publication_records_its_basis() -> None:
    body = "PORT ELLIS, 5 March 2027 (TWA) – Floods cut the road."
    assert publication(body, None, "2027-03-04") == PubDate("2027-03-04", "published")
    assert publication(body, None, "2027-03-04", "metadata") == PubDate("2027-03-04", "metadata")
    assert publication(body, "https://example.org/2027/03/06/flood") == PubDate("2027-03-06", "url")
    assert publication(body) == PubDate("2027-03-05", "dateline")
    stamp = "Floods cut the road\n\nUpdated: March 6, 2027 10:15 GMT\n\nFloods cut the coast road."
    assert publication(stamp) == PubDate("2027-03-06", "metadata")
    lead = ("The ministry informed on Saturday, 6 March 2027, that floods had cut the coast road, "
            "leaving several villages without power or drinking water for a third day.")
    assert publication(lead) == PubDate("2027-03-06", "inferred")
    assert publication("Floods cut the coast road.") == PubDate(None, None)
    # a dateline that gives no year, in a text that gives none either: the month and day are kept
    wire = "PORT ELLIS, Nov 9 (TWA) -- Floods cut the coast road on Tuesday."
    assert publication(wire) == PubDate(None, None, "11-09")
    # a dated article has no use for them
    assert publication(wire, None, "2027-11-09").month_day is None


def test_a_stamp_beats_a_dateline_whose_year_is_only_inferred() -> None:
    # the dateline's year would come from the lead's weekday and the bare year; the stamp says it
    text = ("Floods\n\nPublished: March 4, 2029\n\nPORT ELLIS, March 4 (TWA) -- Floods cut the coast road on "
            "Thursday, the worst since 2023.")
    assert publication(text) == PubDate("2029-03-04", "metadata")
    # a dateline whose year is inferred says so
    assert publication(text.split("\n\n", 2)[2]) == PubDate("2027-03-04", "inferred")


def test_describe_says_how_a_date_was_obtained() -> None:
    assert describe("2032-02-10", "published") == "2032-02-10"
    assert describe("2032-02-10", "url") == "2032-02-10 (from URL)"
    assert describe("2032-02-10", "dateline") == "2032-02-10 (from dateline)"
    assert describe("2032-02-10", "inferred") == "2032-02-10 (inferred from the text)"
    assert describe(None, "none") is None
    assert describe("2032-11-09", STORY_BASIS) == "2032-11-09 (from dateline, year from its story)"


@pytest.mark.parametrize("text", [
    "KYIV/LVIV, April 7 (TWA) - Shelling went on.",
    "SÃO TOMÉ, April 7 (TWA) - Shelling went on.",
    "PORT-AU-ELLIS, Tesland, 7 April (TWA) – Shelling went on.",
])
def test_dateline_places_with_slashes_hyphens_and_accents(text: str) -> None:
    assert dateline_date(text, "https://example.org/2027/04/x") == dt.date(2027, 4, 7)


def test_a_planned_date_does_not_give_a_dateline_its_year() -> None:
    # without a weekday, only a date named as past dates the dateline; a plan is no evidence
    assert infer_year("The reform is due to take effect on 1 September 2031.", 2, 16) is None
    assert infer_year("The reform took effect on 1 September 2030.", 2, 16) == 2031


def test_the_month_and_day_of_a_dateline_without_a_year() -> None:
    assert dateline_month_day("PORT ELLIS, Nov 9 (TWA) -- Floods cut the coast road.") == (11, 9)
    assert dateline_month_day("PORT ELLIS, 9 November (TWA) – Floods cut the coast road.") == (11, 9)
    assert dateline_month_day("PORT ELLIS, Feb 29 (TWA) -- Floods cut the coast road.") == (2, 29)  # a leap day
    # one with a year gives its month and day too; a weekday or a day that never exists gives none
    assert dateline_month_day("PORT ELLIS, 9 November 2027 (TWA) – Floods cut the road.") == (11, 9)
    assert dateline_month_day("PORT ELLIS, Tuesday (TWA) -- Floods cut the coast road.") is None
    assert dateline_month_day("PORT ELLIS, Feb 30 (TWA) -- Floods cut the coast road.") is None
    assert dateline_month_day("Floods cut the coast road on Nov 9.") is None


def test_story_year_puts_the_day_nearest_the_story() -> None:
    assert story_year(11, 9, ["2032-11-10", "2032-11-13"], 14) == 2032
    assert story_year(11, 9, [dt.date(2032, 11, 10)], 14) == 2032
    # around new year: the day falls in the year that keeps it next to the story
    assert story_year(12, 31, ["2033-01-02", "2033-01-05"], 14) == 2032
    assert story_year(1, 2, ["2032-12-30"], 14) == 2033
    # a leap day only in a leap year
    assert story_year(2, 29, ["2032-03-02"], 14) == 2032
    assert story_year(2, 29, ["2031-03-02"], 14) is None
    # no dated article within the window, or none at all: no year
    assert story_year(11, 9, ["2032-06-28"], 14) is None
    assert story_year(11, 9, [], 14) is None
    # a story that runs over two years (an anniversary): the nearest article decides, whatever the order
    days = ["2031-11-20", "2032-11-08", "2032-11-12"]
    assert story_year(11, 9, days, 14) == story_year(11, 9, list(reversed(days)), 14) == 2032


def test_story_dates_use_only_articles_dated_by_their_own_signals() -> None:
    stories = {"wire": "s1", "wire-b": "s1", "dated": "s1", "lone": "s2", "lone-b": "s2"}
    pubs = {"wire": PubDate(None, None, "11-09"), "wire-b": PubDate(None, None, "11-08"),
            "dated": PubDate("2032-11-10", "url"),
            # a story whose only dated article got its year from the story: nothing to go on
            "lone": PubDate(None, None, "11-09"), "lone-b": PubDate("2032-11-08", STORY_BASIS, "11-08")}
    found = story_dates(pubs, stories, 14)
    assert found == {"wire": PubDate("2032-11-09", STORY_BASIS, "11-09"),
                     "wire-b": PubDate("2032-11-08", STORY_BASIS, "11-08"),
                     "lone-b": PubDate(None, None, "11-08")}  # its story no longer gives a year
    # once recorded, nothing changes: reruns are idempotent
    again = {**pubs, **found}
    assert story_dates(again, stories, 14) == {}
    # an article with a date of its own is never re-dated
    assert story_dates({"dated": PubDate("2032-11-10", "dateline", "11-10")}, {"dated": "s1"}, 14) == {}
