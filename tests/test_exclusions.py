"""Numbers that are not figures: each test is a sentence written for the rule it names."""

import pytest
from spacy.language import Language

from tests.conftest import figures

pytestmark = pytest.mark.slow


def texts(nlp: Language, text: str) -> list[str]:
    return [f["text"] for f in figures(nlp, text)]


def test_one_after_a_definite_determiner_is_a_reference(nlp: Language) -> None:
    assert texts(nlp, "The mayor said the stadium was the one shelter that stayed open.") == []


def test_small_number_word_pointing_back_to_named_countries(nlp: Language) -> None:
    found = texts(nlp, "Flooding in the two countries has displaced 40,000 people, officials said.")
    assert found == ["40,000"]


def test_generations_are_a_duration(nlp: Language) -> None:
    assert texts(nlp, "Elders called it the worst flood in three generations.") == []


def test_comment_counter_and_teaser_lines_are_page_clutter(nlp: Language) -> None:
    text = "Floods killed 12 people.\n\nRELATED: 9 things to know about the dam\n\nComments (52)"
    assert texts(nlp, text) == ["12"]


def test_press_contact_line_is_page_clutter(nlp: Language) -> None:
    text = "Floods killed 12 people.\n\nMedia contact: Ana Lind, press office, 7 Harbour Row, Porto"
    assert texts(nlp, text) == ["12"]


def test_foreign_street_word_after_a_number_is_an_address(nlp: Language) -> None:
    text = "Police said 30 people were arrested near 18 rue Garnier after the march."
    assert texts(nlp, text) == ["30"]


def test_article_of_a_law_is_a_label(nlp: Language) -> None:
    assert texts(nlp, "The judge ordered four men held on charges under article 305 of the code.") == ["four"]


def test_magnitude_is_a_measurement(nlp: Language) -> None:
    assert texts(nlp, "The quake, of magnitude 5.8, damaged 300 homes.") == ["300"]


def test_blocks_from_a_place_is_a_distance(nlp: Language) -> None:
    assert texts(nlp, "The fire started in a shop three blocks from the station.") == []


def test_amount_ruled_out_after_the_one_given(nlp: Language) -> None:
    found = texts(nlp, "The general said the number of dead was in the hundreds, not thousands.")
    assert found == ["hundreds"]


def test_first_of_a_list_of_ages(nlp: Language) -> None:
    assert texts(nlp, "Most of the patients were 12, 13 years old, a doctor said.") == []


def test_one_of_them_after_a_figure_is_a_figure(nlp: Language) -> None:
    found = texts(nlp, "Three tourists were injured, one of them seriously.")
    assert found == ["Three", "one"]


def test_outlet_named_with_a_number(nlp: Language) -> None:
    assert texts(nlp, "In the old town, Kanal 9 reporters counted at least 30 bodies.") == ["at least 30"]


def test_number_with_thousands_separator_after_a_place_is_a_figure(nlp: Language) -> None:
    text = "Organisers counted 80,000 marchers in the capital, and in the northern mining city of Dunmarrow 6,300."
    assert texts(nlp, text) == ["80,000", "6,300"]
