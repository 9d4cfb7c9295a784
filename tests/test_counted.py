"""What a figure counts: each test is a sentence written for it that needs the mechanism it names."""

import pytest
from spacy.language import Language

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
