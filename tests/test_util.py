"""util: shared helpers."""

import spacy
from spacy.attrs import LOWER, POS
from spacy.symbols import NOUN

from newsledger.util import TokenTest, attr_is, doc_text, newline_tokens


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


def _blank_doc(text: str):
    return spacy.blank("en")(text)


def test_newline_tokens_are_the_tokens_holding_a_line_break():
    for text in ["", "no break at all", "\nLead line\r\n\r\nBody  text\n\n\nEnd.\n", "a\u2028b\nc \n d",
                 "Two  spaces\n then\t\ttabs\n"]:
        doc = _blank_doc(text)
        assert newline_tokens(doc) == [t.i for t in doc if "\n" in t.text], text


def test_newline_tokens_are_found_once_per_doc():
    doc = _blank_doc("one\ntwo")
    assert newline_tokens(doc) == [1]
    doc.user_data["newsledger_newline_tokens"] = [0]
    assert newline_tokens(doc) == [0]


def test_token_test_runs_once_per_distinct_string_and_marks_every_token():
    doc = _blank_doc("The toll rose. The toll rose again, the ministry said.")
    seen: list[str] = []

    def test(low: str) -> bool:
        seen.append(low)
        return low in ("the", "said")

    words = TokenTest(LOWER, test, limit=3)
    assert words.marks(doc).tolist() == [t.lower_ in ("the", "said") for t in doc]
    assert words.positions(doc) == [t.i for t in doc if t.lower_ in ("the", "said")]
    assert sorted(seen[:len({t.lower_ for t in doc})]) == sorted({t.lower_ for t in doc})
    assert len(words.memo) <= 3  # bounded
    seen.clear()
    words = TokenTest(LOWER, test)
    words.marks(doc)
    words.marks(_blank_doc("the ministry said"))  # known words are not tested again
    assert sorted(seen) == sorted({t.lower_ for t in doc})
    assert words.marks(_blank_doc("")).tolist() == []


def test_attr_is_compares_a_symbol(nlp):
    doc = nlp("Rescuers found 12 bodies in the rubble.")
    assert attr_is(doc, POS, NOUN).tolist() == [t.pos_ == "NOUN" for t in doc]
