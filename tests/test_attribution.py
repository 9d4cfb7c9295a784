"""Who reports each figure: statements, layout cues, press releases, continuations, eyewitnesses.

Every sentence here is written for these tests (an invented coastal storm), one per rule; each
test fails without the rule it names.
"""

from __future__ import annotations

from typing import Any

import pytest
from spacy.language import Language

from newsledger.extract import make_doc
from newsledger.ingest import Article
from newsledger.statements.voice import abbreviates, press_release_issuer
from tests.conftest import one

pytestmark = pytest.mark.slow


def run(nlp: Language, text: str, outlet: str | None = None) -> Any:
    return nlp(make_doc(nlp, Article(id="t", text=text, date="2031-03-07", outlet=outlet)))


def speakers(doc: Any) -> list[str]:
    return [s["speaker"] for s in doc._.statements]


# ---------------------------------------------------------------- press releases (pure functions)

def test_press_release_issuer_is_the_dateline_body_that_is_not_the_outlet() -> None:
    release = "RIVERTON (Harbour Aid League) – The League has delivered 3,000 food parcels."
    assert press_release_issuer(release, "Coastal Relief News") == "Harbour Aid League"
    wire = "RIVERTON, March 3 (CPA) -- A storm hit the coast, officials said."
    assert press_release_issuer(wire, "Coastline Press Agency") is None  # the wire credits its copy
    assert press_release_issuer("RIVERTON (Reuters) - A storm hit.", "Daily Mirror") is None
    # with no outlet, a release needs a sign of its genre
    assert press_release_issuer(release, None) is None
    assert press_release_issuer(release + "\n\nMedia contact: Ana Reyes, press office", None) == "Harbour Aid League"


def test_acronyms_abbreviate_names() -> None:
    assert abbreviates("CPA", "Coastline Press Agency")
    assert abbreviates("ENW", "Europa Newswire")
    assert not abbreviates("HAL", "Coastal Relief News")


def test_press_release_voice_gives_the_issuer_and_no_statement(nlp: Language) -> None:
    doc = run(nlp, "RIVERTON (Harbour Aid League) – Our volunteers have delivered 3,000 food parcels to "
                   "families cut off by the storm.", outlet="Coastal Relief News")
    assert one(doc._.figures, "3,000")["source"] == "Harbour Aid League"
    assert doc._.statements == []


# ---------------------------------------------------------------- cues

def test_latest_data_is_no_speaker(nlp: Language) -> None:
    doc = run(nlp, "According to the latest data, 300 people are still without power on the island.")
    assert doc._.statements == []
    assert one(doc._.figures, "300")["source"] is None


def test_a_record_speaks_for_its_owner(nlp: Language) -> None:
    doc = run(nlp, "Per the coast guard's morning report, 90 people were rescued from the water.")
    assert "coast guard" in one(doc._.figures, "90")["source"]
    doc = run(nlp, "Estimates from aid groups put the number of homeless at 4,000.")
    assert "aid groups" in one(doc._.figures, "4,000")["source"]


def test_passive_agent_is_the_speaker(nlp: Language) -> None:
    doc = run(nlp, "Nine fishermen were missing on Friday, as confirmed by the harbour master's office.")
    assert speakers(doc) and "harbour master" in speakers(doc)[0]
    assert "harbour master" in one(doc._.figures, "Nine")["source"]


def test_speaker_after_a_clause_final_verb(nlp: Language) -> None:
    doc = run(nlp, "Twelve workers are missing at the port, announced on Monday the operator Delvar Shipping.")
    assert "Delvar Shipping" in one(doc._.figures, "Twelve")["source"]


def test_telling_someone_is_not_an_inverted_speaker(nlp: Language) -> None:
    doc = run(nlp, "The mayor, Ines Calder, gave a higher toll, telling the local radio that 14 people had died.")
    assert one(doc._.figures, "14")["source"] == "Ines Calder"


def test_by_whose_count(nlp: Language) -> None:
    doc = run(nlp, "The rally drew 12,000 people by the police's count, and 30,000 by the organisers'.")
    assert "police" in one(doc._.figures, "12,000")["source"]
    assert "organisers" in one(doc._.figures, "30,000")["source"]


def test_two_coordinated_reports_are_two_statements(nlp: Language) -> None:
    doc = run(nlp, "Police said 5,000 people marched in the harbour district, while organisers said "
                   "20,000 took part.")
    st = doc._.statements
    assert len(st) == 2
    assert st[0]["end"] <= st[1]["start"]  # the first clause stops where the second begins
    assert one(doc._.figures, "20,000")["source"] == "organisers"


def test_lives_claimed_is_not_speech(nlp: Language) -> None:
    doc = run(nlp, "The storm has claimed at least 40 lives along the coast.")
    assert doc._.statements == []


# ---------------------------------------------------------------- layout

def test_headline_style_line(nlp: Language) -> None:
    doc = run(nlp, "09:15 — Coast Guard: 42 people rescued off the cape\n\nBoats are still searching.")
    assert speakers(doc) == ["Coast Guard"]
    assert one(doc._.figures, "42")["source"] == "Coast Guard"


def test_a_category_label_is_no_speaker(nlp: Language) -> None:
    doc = run(nlp, "Missing: 17\n\nBoats are still searching.")
    assert doc._.statements == []


def test_parenthetical_credits(nlp: Language) -> None:
    doc = run(nlp, "Missing: 17 (Coast Guard); about 30 (harbour police)\n\nThe search goes on.")
    assert one(doc._.figures, "17")["source"] == "Coast Guard"
    assert one(doc._.figures, "about 30")["source"] == "harbour police"
    assert len(doc._.statements) == 2


def test_colon_block_is_one_statement(nlp: Language) -> None:
    text = ("The coast guard gave an update at noon.\n\nHere is more from the coast guard's statement:\n\n"
            "Nineteen people were pulled from the water overnight. Four remain in hospital.")
    doc = run(nlp, text)
    blocks = [s for s in doc._.statements if s["cue"] == "Here is more from"]  # the intro's words
    assert len(blocks) == 1 and "coast guard" in blocks[0]["speaker"]
    assert "coast guard" in one(doc._.figures, "Four")["source"]


# ---------------------------------------------------------------- voices

def test_continuation_keeps_the_source(nlp: Language) -> None:
    doc = run(nlp, "The coast guard said 40 people had been rescued on Thursday. Of them, 12 were children.")
    assert one(doc._.figures, "12")["source"] == "coast guard"


def test_background_is_no_continuation(nlp: Language) -> None:
    doc = run(nlp, "The coast guard said 40 people had been rescued. Another storm in 1998 killed 200 people.")
    assert one(doc._.figures, "200")["source"] is None


def test_unlinked_sentence_is_the_outlets_voice(nlp: Language) -> None:
    doc = run(nlp, "The coast guard said 40 people had been rescued. The island has 8,000 inhabitants.")
    assert one(doc._.figures, "8,000")["source"] is None


def test_eyewitness_count(nlp: Language) -> None:
    doc = run(nlp, "Our reporters saw at least 15 boats overturned in the harbour.")
    assert doc._.statements == []
    assert one(doc._.figures, "at least 15")["source"] == "reporters"


def test_latest_data_belongs_to_the_body_that_keeps_it(nlp: Language) -> None:
    doc = run(nlp, "The port authority keeps a daily register of arrivals. According to the latest data, "
                   "2,300 boats have docked since Monday.")
    assert "port authority" in one(doc._.figures, "2,300")["source"]
    doc = run(nlp, "The rain stopped at noon. According to the latest data, 2,300 boats have docked.")
    assert one(doc._.figures, "2,300")["source"] is None


def test_a_contrasted_count_keeps_its_own_speaker(nlp: Language) -> None:
    doc = run(nlp, "The coroner said 18, while the regional health office put the number of deaths at 21.")
    assert one(doc._.figures, "21")["source"] == "regional health office"


def test_a_counting_verb_reported_by_a_speaker_is_the_speakers(nlp: Language) -> None:
    doc = run(nlp, "The mayor said his teams had counted 45 bodies on the beach.")
    assert one(doc._.figures, "45")["source"] == "mayor"


def test_reported_content_under_a_time_clause(nlp: Language) -> None:
    doc = run(nlp, "Harbour master Ilse Varga told reporters shortly after 2 am that 31 sailors had been rescued.")
    assert one(doc._.figures, "31")["source"] == "Ilse Varga"


def test_an_elliptic_count_continues_but_a_new_subject_does_not(nlp: Language) -> None:
    doc = run(nlp, "The hospital director said 40 patients had arrived overnight. Nine were in intensive care.")
    assert one(doc._.figures, "Nine")["source"] == "hospital director"
    doc = run(nlp, "The hospital director said 40 patients had arrived overnight. About 300 residents have "
                   "left the island.")
    assert one(doc._.figures, "About 300")["source"] is None


def test_semicolon_separates_two_reports(nlp: Language) -> None:
    doc = run(nlp, "The rebels blame a government air strike; the government says a rebel mortar misfired.")
    assert sorted(speakers(doc)) == ["government", "rebels"]


def test_a_relative_clause_describing_a_body_is_no_second_report(nlp: Language) -> None:
    doc = run(nlp, "The union put the march at 90,000, while Crowdline, a firm that counts crowds for "
                   "newspapers, assessed it at 41,000.")
    assert sorted(speakers(doc)) == ["Crowdline", "union"]


def test_page_furniture_makes_no_statement(nlp: Language) -> None:
    doc = run(nlp, "The storm passed at dawn.\n\nREAD MORE: 'We counted 40 boats': a night on the pier\n\n"
                   "This story was first published by Coastline Press Agency.")
    assert doc._.statements == []


def test_we_in_a_press_release_is_the_issuers_own_voice(nlp: Language) -> None:
    doc = run(nlp, "RIVERTON (Harbour Aid League) – Our volunteers delivered 3,000 parcels.\n\n"
                   "We demand safe access to the islands.", outlet="Coastal Relief News")
    assert doc._.statements == []


def test_a_wire_dateline_with_a_date_is_no_credit(nlp: Language) -> None:
    doc = run(nlp, "RIVERTON, Coastland, Mar 3 (CPA) -- At least 12 people died when the storm hit, police said.")
    assert speakers(doc) == ["police"]


def test_a_figure_describing_the_speaker_is_the_narrators(nlp: Language) -> None:
    doc = run(nlp, "The lifeboat service, which has answered more than 9,000 calls this year, said it "
                   "had rescued 14 people overnight.")
    assert one(doc._.figures, "more than 9,000")["source"] is None
    assert one(doc._.figures, "14")["source"] == "lifeboat service"


def test_whose_estimate_belongs_to_the_antecedent(nlp: Language) -> None:
    doc = run(nlp, "Fire chief Tomas Brel, whose estimate of about 80 dead was called too low by officials, "
                   "spoke on Friday.")
    assert one(doc._.figures, "about 80")["source"] == "Tomas Brel"


def test_a_part_takes_the_source_of_its_whole(nlp: Language) -> None:
    doc = run(nlp, "The rally drew 90,000 people by the police's count, 20,000 of them in the old town, "
                   "and 150,000 by the organisers'.")
    assert "police" in one(doc._.figures, "20,000")["source"]


def test_a_report_in_a_time_clause_does_not_speak_for_the_main_clause(nlp: Language) -> None:
    doc = run(nlp, "The toll climbed past 900 late on Monday, after the agency said 640 had died in the port.")
    assert one(doc._.figures, "900")["source"] is None


def test_a_bare_plural_is_not_a_body_met_before(nlp: Language) -> None:
    doc = run(nlp, "The coast agency said 40 people were rescued. Estimates from aid agencies put the "
                   "number of homeless at 2,000.")
    assert one(doc._.figures, "2,000")["source"] == "aid agencies"


def test_a_report_in_a_relative_clause_on_the_figure(nlp: Language) -> None:
    doc = run(nlp, "Police said 25 people had been arrested, up from the 11 the mayor reported earlier.")
    assert one(doc._.figures, "11")["source"] == "mayor"


def test_a_participle_after_a_report_continues_it(nlp: Language) -> None:
    doc = run(nlp, "RIVERTON, Mar 3 (CPA) -- Fewer people marched on Friday, the interior office said, "
                   "counting 40,000 marchers nationwide.")
    assert one(doc._.figures, "40,000")["source"] == "interior office"


def test_the_publisher_of_a_report_only_relays_it(nlp: Language) -> None:
    doc = run(nlp, "Per the health office's report published by the agency Coastline, 300 people died.")
    assert "health office" in one(doc._.figures, "300")["source"]


def test_a_fronted_setting_before_a_continuation(nlp: Language) -> None:
    doc = run(nlp, "About 300 passengers were stuck in the tunnel, the rail operator said. By 4.15 pm, 120 of "
                   "them had walked out.")
    assert one(doc._.figures, "120")["source"] == "rail operator"


def test_a_poll_belongs_to_whoever_published_it(nlp: Language) -> None:
    doc = run(nlp, "A poll of 900 adults published by the Marlow institute on Monday found that 55 percent "
                   "of voters back the strike.")
    assert "Marlow institute" in one(doc._.figures, "55 percent")["source"]


def test_witnesses_describing_a_vague_count(nlp: Language) -> None:
    doc = run(nlp, "Witnesses described dozens of people trapped under the stands.")
    assert one(doc._.figures, "dozens")["source"] == "Witnesses"


def test_headline_line_behind_a_bullet_with_a_number_word(nlp: Language) -> None:
    doc = run(nlp, "Key points\n• Port Authority: nine ferries still missing\n\nThe search goes on.")
    assert one(doc._.figures, "nine")["source"] == "Port Authority"
