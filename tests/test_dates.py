import pytest
from spacy.language import Language

from tests.conftest import figures, one, run

pytestmark = pytest.mark.slow


def _dates(nlp: Language, text: str, pub: str = "2024-06-14") -> dict[str, str | None]:
    return {d["text"]: d["date"] for d in run(nlp, text, pub)._.dates}


def test_weekdays_resolve_back_from_publication(nlp: Language) -> None:
    # 2024-06-14 is a Friday: "Friday" is the publication day, not a week earlier
    d = _dates(nlp, "Talks failed on Tuesday. Officials met again Friday. They will meet next Monday.")
    assert d["Tuesday"] == "2024-06-11"
    assert d["Friday"] == "2024-06-14"
    assert d["next Monday"] == "2024-06-17"


def test_month_day_without_year_takes_the_nearest_occurrence(nlp: Language) -> None:
    d = _dates(nlp, "The invasion began on February 24. Parades are planned for June 20. It ended on 3 May 2021.")
    assert d["February 24"] == "2024-02-24"
    assert d["June 20"] == "2024-06-20"
    assert d["3 May 2021"] == "2021-05-03"


def test_offsets_count_from_the_last_day_mentioned(nlp: Language) -> None:
    d = _dates(nlp, "The toll rose on Wednesday. A day earlier, 12 had died. Yesterday it was calm.")
    assert d["Wednesday"] == "2024-06-12"
    assert d["A day earlier"] == "2024-06-11"
    assert d["Yesterday"] == "2024-06-13"


def test_month_only_has_no_day(nlp: Language) -> None:
    [d] = run(nlp, "The siege began in April.")._.dates
    assert d["precision"] == "month" and d["date"] is None


def test_no_publication_date_leaves_relative_days_unresolved(nlp: Language) -> None:
    assert _dates(nlp, "Talks failed on Tuesday.", pub="")["Tuesday"] is None


def test_since_and_comparison_dates_are_marked(nlp: Language) -> None:
    doc = run(nlp, "Police have held 300 people since March 2. Turnout was 90,000, against 120,000 on Tuesday.")
    roles = {d["text"]: d["role"] for d in doc._.dates}
    assert roles["March 2"] == "since"
    assert roles["Tuesday"] == "comparison"
    # a date that closes a rise is the day of the new figure, not a comparison
    doc = run(nlp, "The toll rose from 12 to 40 on Saturday.")
    assert [d["role"] for d in doc._.dates] == [None]


def test_a_month_followed_by_its_day_is_a_day(nlp: Language) -> None:
    [d] = run(nlp, "Attacks have been recorded since June 28.")._.dates
    assert d["precision"] == "day" and d["date"] == "2024-06-28"


# ------------------------------------------------------------------ event dates in context
# publication Friday 2024-06-14 throughout


def test_a_comparison_date_dates_only_the_figure_compared_with(nlp: Language) -> None:
    text = ("Organisers said 1.1 million people joined the march, against 700,000 on June 1. "
            "Police counted 45,000 in the capital.")
    fs = figures(nlp, text)
    assert one(fs, "700,000")["event_date"] == "2024-06-01"
    assert one(fs, "1.1 million")["event_date"] != "2024-06-01"
    assert one(fs, "45,000")["event_date"] != "2024-06-01"


def test_since_marks_where_a_running_count_starts_not_its_day(nlp: Language) -> None:
    fs = figures(nlp, "More than 900 people have been detained since June 3, police said.")
    assert one(fs, "More than 900")["event_date"] == "2024-06-14"


def test_story_day_for_counts_without_a_day_and_report_day_for_tolls(nlp: Language) -> None:
    text = ("Gunmen attacked a wedding party in the hills late on Wednesday, killing at least 14 people, "
            "regional officials said on Thursday.\n\n"
            "Witnesses said about 300 guests had gathered in the courtyard. Another 20 people were missing, "
            "the officials said.")
    fs = figures(nlp, text)
    assert one(fs, "about 300")["event_date"] == "2024-06-12"  # the night of the attack
    assert one(fs, "20")["event_date"] == "2024-06-13"  # a toll, as of the report


def test_planned_and_expected_weekdays_lie_ahead(nlp: Language) -> None:
    # publication Friday 2024-06-14
    d = _dates(nlp, "A vigil is planned for Sunday. Ferries are expected to sail on Tuesday. Talks failed on Tuesday.")
    assert d["Sunday"] == "2024-06-16"
    assert [x["date"] for x in run(nlp, "Ferries are expected to sail on Tuesday.")._.dates] == ["2024-06-18"]
    assert [x["date"] for x in run(nlp, "Talks failed on Tuesday.")._.dates] == ["2024-06-11"]


def test_a_comparison_offset_counts_back_from_its_own_sentence(nlp: Language) -> None:
    # "down from 61 a day earlier" with no day in its sentence: a day before publication
    text = "The storm hit on Monday.\n\nForty-two people remain in hospital, down from 61 a day earlier."
    d = _dates(nlp, text)
    assert d["a day earlier"] == "2024-06-13"
    assert _dates(nlp, "The storm hit on Monday. A day earlier, 12 had died.")["A day earlier"] == "2024-06-09"


def test_more_than_is_a_hedge_not_a_comparison(nlp: Language) -> None:
    doc = run(nlp, "More than 3,000 people gave blood on Thursday.")
    assert [d["role"] for d in doc._.dates] == [None]


def test_expected_turnout_takes_the_day_it_is_expected_for(nlp: Language) -> None:
    text = "Unions have called a new strike for June 20. More than 900,000 people are expected to march."
    assert one(figures(nlp, text), "More than 900,000")["event_date"] == "2024-06-20"



def test_a_since_clause_dates_the_start_not_the_count(nlp: Language) -> None:
    f = figures(nlp, "Since the first minutes after the storm struck at 4 a.m. on Monday, rescue teams have "
                     "pulled 240 people alive from the water and recovered the bodies of 90 people.", date="2024-06-14")
    assert one(f, "240")["event_date"] == one(f, "90")["event_date"] == "2024-06-14"


def test_a_day_naming_the_event_does_not_date_a_running_toll(nlp: Language) -> None:
    f = figures(nlp, "Aid groups are helping families after the ferry fire of 9 June, which has claimed 61 lives.",
                date="2024-06-14")
    assert one(f, "61")["event_date"] == "2024-06-14"


@pytest.mark.parametrize("pub", ["0001-01-01", "0001-01-02", "9999-12-31", "9999-12-30"])
def test_days_past_the_calendars_ends_are_unknown_not_an_overflow(nlp: Language, pub: str) -> None:
    text = ("On Monday 12 people died, a day earlier 3, and yesterday 5. Next Friday officials meet; "
            "tomorrow rescuers return. The toll will be updated on Sunday, officials said.")
    doc = run(nlp, text, pub)
    days = [d["date"] for d in doc._.dates]
    assert days and all(d is None or "0001-01-01" <= d <= "9999-12-31" for d in days)
    assert None in days  # some day falls outside the calendar and stays unknown
    assert doc._.figures
