"""What a figure counts: each test is a sentence written for it that needs the mechanism it names."""

import pytest
from spacy.language import Language

from newsledger.figures.counted import borrow
from tests.conftest import figures, one

pytestmark = pytest.mark.slow


def counted(nlp: Language, text: str, fig: str) -> str | None:
    return one(figures(nlp, text), fig)["counted"]  # type: ignore[no-any-return]


def test_copula_attribute_is_what_is_counted(nlp: Language) -> None:
    text = "Of the 230 evacuees, 120 were women. Seventy were children."
    assert counted(nlp, text, "120") == "women"
    assert counted(nlp, text, "Seventy") == "children"


def test_copula_subgroup_continues_the_group_of_the_sentence_before(nlp: Language) -> None:
    f = one(figures(nlp, "The coroner listed 40 men and 35 women among the dead. Nine were tourists."), "Nine")
    assert (f["counted"], f["category"]) == ("tourists", "killed")


def test_fronted_partitive(nlp: Language) -> None:
    assert counted(nlp, "Of the injured, 85 were in the eastern districts.", "85") == "injured"


def test_elided_noun_after_a_place_name(nlp: Language) -> None:
    text = "Among the dead are six citizens of Morland and three of Dovia."
    assert counted(nlp, text, "three") == "citizens"


def test_key_figures_line_label(nlp: Language) -> None:
    fs = figures(nlp, "Key figures\nCasualties: 212 (Interior Ministry)\nHomes damaged: 4,100")
    assert one(fs, "212")["counted"] == "Casualties"
    assert one(fs, "4,100")["counted"] == "Homes"


def test_toll_subject_beside_a_speaker_label(nlp: Language) -> None:
    assert counted(nlp, "Rescue coordinator: final toll may top 2,000", "2,000") == "people"


# --------------------------------------------------------------------- borrowing by bare figures

def test_bare_figure_continues_the_group_not_its_included_subgroup(nlp: Language) -> None:
    text = "Officials said 240 residents, including 31 children, were moved. Of these, 90 went to the school."
    assert counted(nlp, text, "90") == "residents"


def test_people_figure_does_not_continue_a_count_of_things(nlp: Language) -> None:
    text = "Forty houses collapsed in the village overnight. Another 12 died in hospital."
    assert counted(nlp, text, "12") == "people"


def test_money_does_not_take_the_category_of_a_people_figure() -> None:
    # "Floods displaced 9,000 people. Losses reached 80 million dollars, of which 12 million ..."
    people = {"_sent_i": 0, "unit": None, "_borrow": "people", "_text": "people", "_sub": False,
              "category": "displaced"}
    assert borrow([people], 1, "USD", "other", "USD", True) == ("USD", "other", None)
    money = {**people, "unit": "USD", "_borrow": "USD", "_text": "USD", "category": "aid"}
    assert borrow([people, money], 1, "USD", "other", "USD", True) == ("USD", "aid", "USD")


def test_subgroup_of_an_unnamed_group_is_not_continued(nlp: Language) -> None:
    text = "The coroner's list named 70 men and 50 women. Twelve were students. All 120 were buried on Sunday."
    assert counted(nlp, text, "All 120") != "students"


def test_partitive_reaches_back_to_the_group_of_a_subgroup_list(nlp: Language) -> None:
    text = ("Of the 300 passengers, 150 were women and 90 were men. Crew checked every ticket as they "
            "boarded four buses.\n\nOf them, 200 were evacuated to the coast on Monday.")
    assert counted(nlp, text, "200") == "passengers"


def test_partitive_with_its_own_noun(nlp: Language) -> None:
    text = "Teams have pulled 950 people alive from the ruins, 410 of them children, and recovered 300 bodies."
    assert counted(nlp, text, "410") == "children"


def test_second_copula_figure_parsed_as_a_conjunct(nlp: Language) -> None:
    text = "Of the 60 victims, 35 are women and 25 are men."
    assert counted(nlp, text, "25") == "men"


def test_nearest_group_of_people_before_one_of_the_same_category_further_back(nlp: Language) -> None:
    text = ("The council said 12 people died and 60 were injured in the blast. "
            "\u201cFive pupils walked to school that morning and never came back,\u201d the headmaster said. "
            "\u201cAnother 20 are in hospital.\u201d")
    assert counted(nlp, text, "20") == "pupils"


def test_subgroup_of_an_unnamed_group_still_gives_its_category(nlp: Language) -> None:
    text = "The coroner listed 30 men and 25 women among the dead. Nine were tourists. All 55 were identified."
    f = one(figures(nlp, text), "All 55")
    assert (f["counted"], f["category"]) == ("people", "killed")


# --------------------------------------------------------------------- count nouns the parse loses

def test_count_noun_before_a_nearer_unrelated_subject(nlp: Language) -> None:
    text = "Trains left on Monday, bringing the number of people evacuated since the flooding began to 4,310."
    assert counted(nlp, text, "4,310") == "people"


def test_count_noun_when_the_parse_loses_the_link(nlp: Language) -> None:
    text = "The army said the number of soldiers killed was 'in the hundreds', not more."
    f = one(figures(nlp, text), "hundreds")
    assert f["counted"] == "soldiers"


def test_count_noun_gives_what_is_counted_but_the_verb_what_happened(nlp: Language) -> None:
    text = "Volunteers put the number of people still missing at more than 60."
    f = one(figures(nlp, text), "more than 60")
    assert (f["counted"], f["category"]) == ("people", "missing")


def test_what_a_count_noun_counts_is_kept_when_the_parse_found_it(nlp: Language) -> None:
    text = "Police arrested 14 people. The ministry revised its count of Saturday's marchers upwards, to 95,000."
    assert counted(nlp, text, "95,000") == "marchers"


# --------------------------------------------------------------------- labels and group words

def test_participle_and_adjective_labels_of_a_key_figures_block(nlp: Language) -> None:
    fs = figures(nlp, "Latest figures\nDead: 64 (Civil Protection)\nWounded: 210 (Civil Protection)\n"
                      "Rescued from the rubble: 95\nStaying in tents: about 2,000 (Red Cross)")
    assert one(fs, "210")["counted"] == "Wounded"
    assert one(fs, "95")["counted"] == "Rescued"
    assert one(fs, "about 2,000")["counted"] == "people"


def test_headline_speaker_before_a_colon_is_no_label(nlp: Language) -> None:
    fs = figures(nlp, "Fire brigade chief: about 40 dead\nMorland: 23 arrested as dockers strike, police say")
    assert one(fs, "about 40")["counted"] == "dead"
    assert one(fs, "23")["counted"] == "arrested"


def test_group_word_right_after_the_number(nlp: Language) -> None:
    text = "By midnight the agency had confirmed 77 deaths and counted 150 injured."
    assert counted(nlp, text, "150") == "injured"


def test_verb_of_an_elided_clause_is_not_what_is_counted(nlp: Language) -> None:
    text = "Officials said dozens of people had been killed and more than 300 injured."
    assert counted(nlp, text, "more than 300") == "people"


def test_first_person_partitive_counts_people(nlp: Language) -> None:
    assert counted(nlp, "Forty of us voted to stay in the village.", "Forty") == "people"


def test_object_after_the_number_is_not_its_frame(nlp: Language) -> None:
    text = "Officials feared the toll would reach 90. It now stands at 84, the worst loss of life in decades."
    assert counted(nlp, text, "84") == "people"


def test_finite_verb_between_number_and_noun_is_a_misparse(nlp: Language) -> None:
    text = "In the 2009 bombing, 33 persons perished and more than 150 received wounds."
    assert counted(nlp, text, "more than 150") == "persons"


def test_group_word_tagged_as_a_past_verb(nlp: Language) -> None:
    text = "Emergency office: 146 dead, 118 injured\nThe number of injured has gone down overnight, the office said."
    assert counted(nlp, text, "118") == "injured"


def test_plural_noun_right_after_a_number_the_parse_hung_on_a_date(nlp: Language) -> None:
    text = ("Boats had taken 23 persons off the island by Thursday. A navy ship carried home on Saturday "
            "95 students from the port, and other 20 are due on Monday.")
    fs = figures(nlp, text)
    assert (one(fs, "95")["counted"], one(fs, "20")["counted"]) == ("students", "students")


def test_share_compared_with_an_earlier_share_counts_the_same_group(nlp: Language) -> None:
    text = "A new poll found that 54 percent of nurses backed the walkout, down from 71 percent in March."
    assert counted(nlp, text, "71 percent") == "nurses"


def test_a_list_of_subgroups_keeps_its_group_into_the_next_sentence(nlp: Language) -> None:
    text = ("Of the 240 evacuees, 130 were women and 60 were children. Nine were foreign nationals.\n\n"
            "Of them, 200 were evacuated to the coast on Monday.")
    assert counted(nlp, text, "200") == "evacuees"


def test_subgroup_of_them_keeps_what_them_stands_for(nlp: Language) -> None:
    text = ("The ministry said 300 residents were evacuated on Monday. It says 45 of them are children "
            "and that the other 255 were taken to the stadium.")
    assert counted(nlp, text, "255") == "residents"
