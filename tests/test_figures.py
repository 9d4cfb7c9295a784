"""Figures on sentences written for these tests (other crises, other outlets' styles)."""

import pytest
from spacy.language import Language

from tests.conftest import figures, one

pytestmark = pytest.mark.slow


def test_value_qualifier_counted_category_source_and_date(nlp: Language) -> None:
    fs = figures(nlp, "At least 12 people were killed when a bus fell into a ravine on Tuesday, "
                      "police in Tarvo said.")
    f = one(fs, "At least 12")
    assert (f["value"], f["qualifier"], f["counted"], f["category"]) == (12, "at_least", "people", "killed")
    assert f["source"] == "police in Tarvo"
    assert f["event_date"] == "2024-06-11"


def test_hedges(nlp: Language) -> None:
    text = ("Officials said about 300 homes were damaged, more than 1,500 people fled and nearly 40 were hurt. "
            "Fewer than 10 shops reopened. Between 20 and 30 boats are missing. Up to 2,000 could be displaced.")
    fs = figures(nlp, text)
    assert one(fs, "about 300")["qualifier"] == "approx"
    assert one(fs, "more than 1,500")["qualifier"] == "more_than"
    assert one(fs, "nearly 40")["qualifier"] == "at_most"
    assert one(fs, "Fewer than 10")["qualifier"] == "less_than"
    r = one(fs, "Between 20 and 30")
    assert (r["value"], r["value_high"], r["qualifier"]) == (20, 30, "range")
    assert one(fs, "Up to 2,000")["qualifier"] == "at_most"


def test_number_words_vague_amounts_and_coordination(nlp: Language) -> None:
    fs = figures(nlp, "Twenty-two miners, 14 engineers and three cooks were rescued. "
                      "Hundreds of villagers fled and tens of thousands lost power.")
    assert [(f["value"], f["counted"]) for f in fs[:3]] == [(22, "miners"), (14, "engineers"), (3, "cooks")]
    assert all(f["category"] == "evacuated" for f in fs[:3])
    h = one(fs, "Hundreds")
    assert (h["value"], h["qualifier"], h["counted"], h["category"]) == (100, "vague", "villagers", "displaced")
    assert one(fs, "tens of thousands")["value"] == 10_000


def test_money_percent_and_fractions(nlp: Language) -> None:
    fs = figures(nlp, "The World Bank pledged $1.2 billion in aid. The IMF said 12% of households "
                      "lacked water and almost half of the children were out of school. "
                      "The union demanded €30 million.")
    m = one(fs, "$1.2 billion")
    assert (m["value"], m["unit"], m["category"]) == (1_200_000_000, "USD", "aid")
    p = one(fs, "12%")
    assert (p["value"], p["unit"], p["counted"]) == (12, "percent", "households")
    h = one(fs, "almost half")
    assert (h["value"], h["unit"], h["qualifier"], h["counted"]) == (50, "percent", "at_most", "children")
    assert one(fs, "€30 million")["unit"] == "EUR"


def test_plus_suffix_and_verbs_of_exceeding(nlp: Language) -> None:
    fs = figures(nlp, "30+ ambulances were sent. The death toll topped 200 by Sunday.")
    assert one(fs, "30+")["qualifier"] == "more_than"
    top = one(fs, "200")
    assert top["qualifier"] == "more_than" and top["category"] == "killed"


def test_implicit_counted_from_the_frame(nlp: Language) -> None:
    fs = figures(nlp, "Police put the crowd at 15,000. Organisers said the turnout was 60,000.")
    assert one(fs, "15,000")["counted"] == "crowd"
    assert one(fs, "15,000")["category"] == "attended"
    assert one(fs, "60,000")["category"] == "attended"


def test_not_figures(nlp: Language) -> None:
    text = ("The dam, built in 1971, failed after 10 days of rain. Anna Roe, 54, a teacher, said a "
            "67-year-old man died on May 3 at 6 p.m. The 30-day emergency covers Route 9 and "
            "the hotline is 0800 47 112. It was the second evacuation in two years.")
    fs = figures(nlp, text)
    assert [f["text"] for f in fs] == []


def test_article_voice_and_present_tense_running_totals(nlp: Language) -> None:
    fs = figures(nlp, "More than 2,000 people have been displaced since the fighting began.",
                 date="2024-06-14")
    f = one(fs, "More than 2,000")
    assert f["source"] is None
    assert f["event_date"] == "2024-06-14" and f["date_basis"] == "publication"
    assert f["category"] == "displaced"


def test_according_to_and_pronoun_sources(nlp: Language) -> None:
    text = ("Health Minister Lena Ferro visited the hospital on Monday. She said 48 people were being treated. "
            "According to the Red Cross, 900 families need shelter.")
    fs = figures(nlp, text)
    assert one(fs, "48")["source"] == "Lena Ferro"
    assert one(fs, "48")["event_date"] == "2024-06-10"
    assert one(fs, "900")["source"] == "Red Cross"


def test_two_sources_in_contrasted_clauses(nlp: Language) -> None:
    fs = figures(nlp, "Police said 80,000 people marched, while the union said 400,000 took part.")
    assert one(fs, "80,000")["source"] == "Police"
    assert one(fs, "400,000")["source"] == "union"


def test_offsets_index_the_text(nlp: Language) -> None:
    text = "Rescuers saved 17 people.\n\nAnother 5 remain missing, officials said."
    for f in figures(nlp, text):
        assert text[f["start"]:f["end"]] == f["text"]


def test_event_date_comes_from_the_figures_own_clause(nlp: Language) -> None:
    # publication Friday 2024-06-14
    text = ("A levee broke late on Tuesday, flooding the delta and killing at least 11 people, the disaster "
            "agency said on Wednesday. The Red Cross said it had sent 40 volunteers to Arden, where the river "
            "burst its banks on Monday. Officials said 300 homes were damaged in Thursday's storm.")
    fs = figures(nlp, text)
    assert one(fs, "at least 11")["event_date"] == "2024-06-12"  # as of the report, not the levee
    assert one(fs, "40")["event_date"] != "2024-06-10"  # "on Monday" dates another clause
    assert one(fs, "300")["event_date"] != "2024-06-13"  # a possessive date names the storm


def test_a_date_next_to_one_figure_does_not_date_its_neighbour(nlp: Language) -> None:
    fs = figures(nlp, "Twelve people remain missing, down from 30 a day earlier, police said.", date="2024-06-14")
    assert one(fs, "30")["event_date"] == "2024-06-13"
    assert one(fs, "Twelve")["event_date"] == "2024-06-14"


@pytest.mark.parametrize(("text", "figure"), [
    ("Experts warned the toll could reach 40,000.", "40,000"),
    ("The institute now projects that the final toll may top 30,000.", "30,000"),
    ("The institute estimated that deaths in both provinces could exceed 10,000.", "10,000"),
    ("It believes the final toll will end up between 28,000 and 52,000.", "between 28,000 and 52,000"),
    ('He said the final toll would be "somewhere above 200".', "200"),
    ("The official said the flood could yet claim as many as 160 lives.", "as many as 160"),
    ("Officials warned of more than 10,000 deaths.", "more than 10,000"),
    ("The toll is on course to pass 1,000.", "1,000"),
    ("The toll could wind up near 900, the agency said.", "900"),
    ("More than 2 million people are expected to take part.", "More than 2 million"),
    ("She said she expected about 350 people to arrive overnight.", "about 350"),
    ("If the truce holds, the convoy could bring out up to 300 more people.", "up to 300"),
    ("The minister said the fund would run a deficit of 13.5 billion euros a year by 2035.", "13.5 billion euros"),
    ("Doctors said the toll could be as high as 500.", "500"),
    ("The agency warned that up to 1 million people could be displaced by the spring.", "up to 1 million"),
])
def test_forecasts(nlp: Language, text: str, figure: str) -> None:
    assert one(figures(nlp, text, "2033-11-05"), figure)["projection"]


@pytest.mark.parametrize(("text", "figure"), [
    ("Up to 100 people could be trapped under the rubble.", "Up to 100"),  # a hedged present count
    ("As many as 60 people could still be in the building.", "As many as 60"),
    ("Police said 40 people may have died.", "40"),
    ("The ministry said 40 people had died and warned of more deaths.", "40"),
    ("The death toll rose to 4,000 on Friday.", "4,000"),
    ("The final toll was 152, the report said.", "152"),
    ("Police could not reach 40 villages.", "40"),
    ("The ministry expects to publish a new count; 61 people have died so far.", "61"),
])
def test_reported_counts_are_not_forecasts(nlp: Language, text: str, figure: str) -> None:
    assert not one(figures(nlp, text, "2033-11-05"), figure)["projection"]


def test_a_toll_forecast_has_no_day_a_crowd_forecast_keeps_its_day(nlp: Language) -> None:
    toll = one(figures(nlp, "On Tuesday, doctors feared the toll could reach 500.", "2033-11-05"), "500")
    assert (toll["projection"], toll["event_date"]) == (True, None)
    crowd = one(figures(nlp, "The union expects 35,000 marchers in the city on Tuesday.", "2033-11-05"),
                "35,000")
    assert crowd["projection"] and crowd["event_date"] is not None


def test_a_day_in_a_clause_on_the_number_dates_it(nlp: Language) -> None:
    figs = figures(nlp, "The union said 1.95 million people had marched, down from the 2.8 million it "
                        "reported nine days earlier.", date="2031-02-06")
    assert one(figs, "2.8 million")["event_date"] == "2031-01-28"
    assert one(figs, "1.95 million")["event_date"] == "2031-02-06"


def test_the_day_of_a_compared_figure_does_not_date_the_report(nlp: Language) -> None:
    figs = figures(nlp, "Fewer people marched on Thursday, the ministry said, counting 757,000 protesters "
                        "nationwide against 1.27 million on January 28.", date="2031-02-06")
    assert one(figs, "1.27 million")["event_date"] == "2031-01-28"
    assert one(figs, "757,000")["event_date"] == "2031-02-06"


def test_a_day_after_since_does_not_date_the_next_sentence(nlp: Language) -> None:
    text = ("The crush in Tavrel is the worst in Veskaria since the sinking of the ferry Silver Gull on 14 March "
            "2029, in which perished 311 persons. In the crowd, which the local police estimate at around 100 "
            "thousand people, there were many foreign students and tourists.")
    figs = figures(nlp, text, "2033-11-01")
    assert one(figs, "around 100 thousand")["event_date"] == "2033-11-01"


def test_a_clause_on_the_number_says_what_happened_to_those_counted(nlp: Language) -> None:
    figs = figures(nlp, "The number of Valtanian citizens who lost their lives in the earthquake has increased to 29.")
    assert one(figs, "29")["category"] == "killed"


def test_people_at_a_named_place_ner_took_for_a_date_are_a_crowd(nlp: Language) -> None:
    figs = figures(nlp, "The report accepts the police estimate that about 100,000 people were in the Old Quarter "
                        "on Oct. 29.")
    assert one(figs, "about 100,000")["category"] == "attended"


def test_a_state_word_on_the_number_says_what_is_counted(nlp: Language) -> None:
    figs = figures(nlp, "The union said the real number still underground was \"more than 40\", because contract "
                        "workers were not on the register.")
    assert one(figs, "more than 40")["category"] == "trapped"


def test_a_sub_group_included_in_a_toll_is_of_that_toll(nlp: Language) -> None:
    figs = figures(nlp, "The health ministry now puts the death toll at 31, including 11 children, and says 80 "
                        "people were wounded.")
    assert one(figs, "11")["category"] == "killed"


EXPRESSION_TEXT = (
    "Dozens died and tens of thousands fled; a few dozen stayed, several hundred were hurt and a dozen are "
    "missing. Almost half of the people and a third of homes lost power, half a million have no water. "
    "Thirty-one bodies, two hundred and fifty injured, 18,000-20,000 displaced, between 20 and 30 rescued, "
    "US$ 5 million pledged, 12 per cent down, 40+ trucks, a thousand tents, 1.2 million meals, 12 000 beds, "
    "twenty one boats and 3 to 5 helicopters.")


def test_expressions_start_only_at_the_tokens_visited(nlp: Language, monkeypatch: pytest.MonkeyPatch) -> None:
    """Visiting only the tokens that can begin an expression finds what a visit of every token finds."""
    from newsledger.figures import expressions

    doc = nlp(EXPRESSION_TEXT)
    found = [(e.start, e.end, e.span_start, e.value, e.value_high, e.qualifier, e.unit, e.vague, e.fraction)
             for e in expressions.find_expressions(doc)]
    assert len(expressions._starts(doc)) < len(doc) / 2  # most tokens are not visited
    monkeypatch.setattr(expressions, "_starts", lambda d: list(range(len(d))))
    every = [(e.start, e.end, e.span_start, e.value, e.value_high, e.qualifier, e.unit, e.vague, e.fraction)
             for e in expressions.find_expressions(doc)]
    assert found == every
    assert len(found) >= 20
