"""util: shared helpers."""

import spacy

from newsledger.util import doc_text


def test_doc_text_equals_doc_text_and_is_joined_once():
    nlp = spacy.blank("en")
    doc = nlp("Police said 80,000 marched.\n\n“We counted 400,000,” the union said.")
    assert doc_text(doc) == doc.text
    doc.user_data["newsledger_text"] = "cached"  # a second call reads the cache, not the tokens
    assert doc_text(doc) == "cached"


def test_doc_text_of_an_empty_doc():
    doc = spacy.blank("en")("")
    assert doc_text(doc) == ""
    assert doc_text(doc) == ""
