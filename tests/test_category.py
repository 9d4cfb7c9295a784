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


# ---------------------------------------------------------------- crowds without a protest verb

def test_presence_at_a_place_is_a_crowd(nlp: Language) -> None:
    assert cats(nlp, "Organisers said about 7,000 people were at the harbour front on Sunday.")["about 7,000"] \
        == "attended"


def test_presence_is_not_a_crowd_in_the_past_perfect_or_with_there(nlp: Language) -> None:
    c = cats(nlp, "The firm said 45 divers had been in the water when the storm hit.")
    assert c["45"] != "attended"


def test_going_to_a_gathering(nlp: Language) -> None:
    assert cats(nlp, "Hundreds of people went to vigils across the region.")["Hundreds"] == "attended"
    assert cats(nlp, "Thousands of people went to Liberty Square on Friday.")["Thousands"] == "attended"
    assert cats(nlp, "Some 900 residents came to leave candles outside the school.")["Some 900"] == "attended"
    assert cats(nlp, "Twelve pupils went to the bakery after class.")["Twelve"] == "other"


def test_crowd_verbs(nlp: Language) -> None:
    assert cats(nlp, "The general strike drew 300,000 people, the union said.")["300,000"] == "attended"
    assert cats(nlp, "The walkout brought 80,000 people onto the streets.")["80,000"] == "attended"
    assert cats(nlp, "Some 20,000 nurses walked the route to parliament.")["Some 20,000"] == "attended"
    assert cats(nlp, "Witnesses said three men walked through the lobby.")["three"] != "attended"
    assert cats(nlp, "The union counted 410,000 manifestants.")["410,000"] == "attended"


def test_waiting_somewhere_but_not_waiting_for_news(nlp: Language) -> None:
    assert cats(nlp, "About 1,500 people were waiting there when the ship docked.")["About 1,500"] == "attended"
    assert cats(nlp, "Dozens of relatives were still waiting for news.")["Dozens"] != "attended"


# ---------------------------------------------------------------- trapped, injured states

def test_still_somewhere_or_remaining_is_trapped_but_not_in_a_town(nlp: Language) -> None:
    assert cats(nlp, "About 250 miners are still in the lower galleries.")["About 250"] == "trapped"
    assert cats(nlp, "The commander said about 400 civilians remain, among them 60 children.")["about 400"] \
        == "trapped"
    assert cats(nlp, "The mayor said about 20,000 people remain in the town.")["about 20,000"] != "trapped"


def test_sheltering_or_hiding_where_one_is_caught(nlp: Language) -> None:
    assert cats(nlp, "Hundreds of families are hiding in the cellars of the old brewery.")["Hundreds"] == "trapped"
    assert cats(nlp, "Dozens of residents had sheltered in the basement car park.")["Dozens"] == "trapped"
    assert cats(nlp, "Some 4,000 people are sheltering in school gyms.")["Some 4,000"] == "displaced"


def test_critical_condition_and_taken_to_hospital(nlp: Language) -> None:
    assert cats(nlp, "Officials said 14 climbers were in critical condition.")["14"] == "injured"
    assert cats(nlp, "Paramedics said 23 passengers were taken to hospital.")["23"] == "injured"


def test_blocked_people_are_trapped(nlp: Language) -> None:
    assert cats(nlp, "Several hundred truck drivers remain blocked at the border post.")["Several hundred"] \
        == "trapped"


# ---------------------------------------------------------------- evacuation, detention

def test_joining_a_convoy_is_evacuation_but_joining_a_rally_is_a_crowd(nlp: Language) -> None:
    assert cats(nlp, "On Monday 210 patients joined a convoy of ambulances.")["210"] == "evacuated"
    assert cats(nlp, "On Monday 2,100 students joined the rally.")["2,100"] == "attended"


def test_walking_out_through_an_exit(nlp: Language) -> None:
    assert cats(nlp, "By noon, 90 passengers had walked out through an emergency exit.")["90"] == "evacuated"


def test_detention_words(nlp: Language) -> None:
    assert cats(nlp, "Police said 17 men were apprehended near the stadium.")["17"] == "detained"
    assert cats(nlp, "The gunmen seized 40 hostages at the mine.")["40"] == "detained"


def test_leaving_for_somewhere_or_by_some_means_is_evacuation(nlp: Language) -> None:
    assert cats(nlp, "Officials said 85 patients had left for the border crossing.")["85"] == "evacuated"
    assert cats(nlp, "After the alarm, thousands of fans left on foot and by bus.")["thousands"] == "evacuated"


def test_on_the_way_and_arriving(nlp: Language) -> None:
    assert cats(nlp, "Of those, 64 are on their way to the capital.")["64"] == "evacuated"
    assert cats(nlp, "The governor said 230 people had arrived with the last boat.")["230"] == "evacuated"


def test_vehicles_of_an_evacuation(nlp: Language) -> None:
    c = cats(nlp, "The evacuation went ahead at dawn. Residents boarded 11 buses and two ambulances.")
    assert c["11"] == c["two"] == "evacuated"
    assert cats(nlp, "A second convoy carrying 57 wounded soldiers reached the river.")["57"] == "evacuated"
    assert cats(nlp, "The fire service said it had sent 90 vehicles to the blaze.")["90"] == "other"


def test_military_things(nlp: Language) -> None:
    assert cats(nlp, "The army said it destroyed four armoured vehicles.")["four"] == "military"
    assert cats(nlp, "The monitor has recorded 340 attacks on schools.")["340"] == "military"
    assert cats(nlp, "Surveyors said 600 buildings were destroyed.")["600"] == "other"


def test_money_costs_and_appeals(nlp: Language) -> None:
    assert cats(nlp, "Retailers put the week's lost sales at 45 million euros.")["45 million euros"] == "other"
    assert cats(nlp, "The plan would leave a deficit of 2 billion euros.")["2 billion euros"] == "other"
    assert cats(nlp, "The charity is appealing for $3 million.")["$3 million"] == "aid"


def test_receiving_calls_is_not_aid(nlp: Language) -> None:
    assert cats(nlp, "The hotline received 700 calls overnight.")["700"] == "other"


def test_a_clause_with_its_own_subject_is_not_governed_by_the_next_clause(nlp: Language) -> None:
    c = cats(nlp, "About 9,000 fans were in the arena when the roof gave way; it collapsed onto the stage.")
    assert c["About 9,000"] == "attended"


def test_own_verb_beats_the_borrowed_category(nlp: Language) -> None:
    c = cats(nlp, "Some 600 people lived on the island, 250 of them displaced by earlier floods.")
    assert c["250"] == "displaced"


def test_presence_in_a_public_place_is_a_crowd_but_a_vehicle_is_not(nlp: Language) -> None:
    assert cats(nlp, "About 2,500 people were at the harbour square by noon.")["About 2,500"] == "attended"
    assert cats(nlp, "Twelve passengers were in the minibus when it overturned.")["Twelve"] != "attended"
