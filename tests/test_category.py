"""Figure categories: each test is a sentence written for it (other crises, other styles) that
needs the mechanism it names."""

import pytest
from spacy.language import Language

from tests.conftest import figures, one

pytestmark = pytest.mark.slow


def cats(nlp: Language, text: str) -> dict[str, str]:
    return {f["text"]: f["category"] for f in figures(nlp, text)}


# ---------------------------------------------------------------- sub-groups of a group

def test_coordinated_subgroups_share_among_the_dead(nlp: Language) -> None:
    c = cats(nlp, "The coroner's register lists 31 nurses, 12 drivers and 4 teachers among the dead.")
    assert c["31"] == c["12"] == c["4"] == "killed"


def test_fronted_among_with_copula(nlp: Language) -> None:
    c = cats(nlp, "Among the wounded are 15 firefighters and two journalists, the governor said.")
    assert c["15"] == c["two"] == "injured"


def test_among_those_with_a_clause(nlp: Language) -> None:
    c = cats(nlp, "Nine pupils were among those who fled the burning dormitory.")
    assert c["Nine"] == "displaced"


def test_copula_subject_names_the_group(nlp: Language) -> None:
    c = cats(nlp, "The deceased are six fishermen and a coast guard officer, the port authority said.")
    assert c["six"] == "killed"


def test_membership_verb(nlp: Language) -> None:
    c = cats(nlp, "The victims included eight schoolchildren, the regional governor said.")
    assert c["eight"] == "killed"


def test_victims_counted_alone_are_the_dead_but_a_victim_list_is_not(nlp: Language) -> None:
    assert cats(nlp, "The ministry reported 48 victims on Monday.")["48"] == "killed"
    assert cats(nlp, "The ministry published a list of 310 victims of the derailment.")["310"] == "other"


def test_partitive_participle_gives_way_to_the_verb(nlp: Language) -> None:
    c = cats(nlp, "The clinic said 9 of the rescued climbers were being treated for frostbite.")
    assert c["9"] == "injured"


# ---------------------------------------------------------------- tolls without a kill verb

def test_lives_claimed_cost_and_lost(nlp: Language) -> None:
    assert cats(nlp, "The landslide has claimed 38 lives in the valley.")["38"] == "killed"
    assert cats(nlp, "The fighting has cost the lives of more than 900 people.")["more than 900"] == "killed"
    assert cats(nlp, "It was the worst fire since 1999, with the loss of 75 lives.")["75"] == "killed"


def test_left_people_dead_or_homeless(nlp: Language) -> None:
    c = cats(nlp, "The cyclone left 214 people dead and 90,000 homeless.")
    assert c["214"] == "killed"
    assert c["90,000"] == "displaced"


def test_toll_frames(nlp: Language) -> None:
    fs = figures(nlp, "Flood death toll climbs past 1,200")
    f = one(fs, "1,200")
    assert f["category"] == "killed"
    c = cats(nlp, "Rescue coordinator: final toll may top 2,000")
    assert c["2,000"] == "killed"
    c = cats(nlp, "The provincial government gave a toll of 57 on Monday night.")
    assert c["57"] == "killed"


def test_toll_of_an_event_counts_people(nlp: Language) -> None:
    f = one(figures(nlp, "The report puts the death toll of the stadium collapse at 64."), "64")
    assert (f["counted"], f["category"]) == ("people", "killed")


def test_number_of_a_group_in_a_relative_clause(nlp: Language) -> None:
    c = cats(nlp, "The agency revised its count. The number of the injured it raised to 230.")
    assert c["230"] == "injured"


def test_toll_subject_of_a_counted_noun(nlp: Language) -> None:
    c = cats(nlp, "The death toll in the province rose to 3,100 people on Sunday.")
    assert c["3,100"] == "killed"
