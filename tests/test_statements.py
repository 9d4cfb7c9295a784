"""Statements on sentences written for these tests (other crises, other outlets' styles)."""

import pytest
from spacy.language import Language

from tests.conftest import run, statements

pytestmark = pytest.mark.slow


def _pairs(nlp: Language, text: str) -> list[tuple[str | None, bool, str | None]]:
    return [(s["speaker"], s["direct"], s["cue"]) for s in statements(nlp, text)]


def test_said_on_a_day_and_told_an_outlet(nlp: Language) -> None:
    text = ("Defence Minister Karel Vos said on Tuesday that the ceasefire was holding. "
            "Vos told Reuters the army would stay. The ministry said in a statement that talks would resume.")
    assert _pairs(nlp, text) == [("Karel Vos", False, "said"), ("Karel Vos", False, "told"),
                                 ("ministry", False, "said")]


def test_according_to_and_reporting_verbs(nlp: Language) -> None:
    text = ("Food prices doubled in a month, according to the World Food Programme. "
            "The rebels denied shelling the town. The governor accused the army of looting.")
    speakers = [s for s, _, _ in _pairs(nlp, text)]
    assert speakers == ["World Food Programme", "rebels", "governor"]


def test_direct_quotes_cue_after_before_and_colon(nlp: Language) -> None:
    text = ('"We have lost everything," said Amira Haddad, a farmer. '
            "Relief chief Tom Okoro said: “The roads are cut. We cannot reach them.” "
            "“Send boats,” he added.")
    out = statements(nlp, text)
    assert [(s["speaker"], s["direct"]) for s in out] == [("Amira Haddad", True), ("Tom Okoro", True),
                                                          ("Tom Okoro", True)]
    assert out[0]["role"] == "a farmer"


def test_multi_sentence_and_continued_quotes(nlp: Language) -> None:
    text = ("“The water came at night. Nobody was ready,” Mayor Ines Blanco told reporters.\n\n"
            "“We need help now.”")
    out = statements(nlp, text)
    assert len(out) == 2
    assert out[0]["speaker"] == out[1]["speaker"] == "Ines Blanco"
    assert out[1]["cue"] is None and out[1]["direct"]


def test_partial_quote_is_not_direct(nlp: Language) -> None:
    [s] = statements(nlp, 'The spokesman described the situation as "under control" and said more help was coming.')
    assert s["direct"] is False


def test_pronouns_and_role_phrases_resolve_to_names(nlp: Language) -> None:
    text = ("Interior Ministry spokesman Paul Dent said 40 people were arrested. "
            "Most were released later, the spokesman said. "
            "Aid worker Sara Lind arrived on Monday. She said the camps were full. "
            "The Interior Ministry later revised the figure. It said 52 people were held.")
    speakers = [s["speaker"] for s in statements(nlp, text)]
    assert speakers[:3] == ["Paul Dent", "Paul Dent", "Sara Lind"]
    assert speakers[-1] == "Interior Ministry"


def test_short_names_resolve_to_full_names(nlp: Language) -> None:
    text = "President Hana Kovic said the border was closed. Later, Kovic said it would reopen."
    assert [s["speaker"] for s in statements(nlp, text)] == ["Hana Kovic", "Hana Kovic"]


def test_no_statement_for_negated_or_hypothetical_speech(nlp: Language) -> None:
    text = ("The company did not respond to requests for comment. "
            "Residents can call the hotline. When officials announce results, markets react.")
    assert statements(nlp, text) == []


def test_quoted_cue_words_belong_to_the_speaker(nlp: Language) -> None:
    text = '“We count with cameras. They count with their hearts,” police chief Ivo Marn said.'
    assert [s["speaker"] for s in statements(nlp, text)] == ["Ivo Marn"]


def test_quoted_verb_phrase_inside_paraphrase_is_not_direct(nlp: Language) -> None:
    [s] = statements(nlp, "The envoy told the BBC he did not expect the talks would “drag on for months,” "
                          "and said a deal was close.")
    assert s["direct"] is False


def test_cues_are_looked_for_only_at_their_candidates(nlp: Language) -> None:
    """Visiting only cue words and speech or evidence verbs finds the cues a visit of every token finds."""
    from newsledger.statements.cues import cue_candidates, find_cues

    doc = run(nlp, "Police said 80,000 marched, according to the ministry, while the union claimed 400,000. "
                   "The figure was confirmed by the mayor's office. 1.2 million by the union's count. "
                   "Officials warned that more than 50 could die, per the agency. Rescuers found 12 bodies.")
    assert len(cue_candidates(doc)) < len(doc) / 4
    for sent in doc.sents:
        every = find_cues(sent, False, [], candidates=list(range(len(doc))))
        assert find_cues(sent, False, []) == every
    assert sum(len(find_cues(s, False, [])) for s in doc.sents) >= 4
