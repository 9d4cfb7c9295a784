"""util: shared helpers."""

import spacy
from spacy.attrs import LOWER

from newsledger.util import TokenTest, batched_by, doc_text, newline_tokens


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


def test_token_test_runs_once_per_distinct_string_and_finds_every_token():
    doc = _blank_doc("The toll rose. The toll rose again, the ministry said.")
    seen: list[str] = []

    def test(low: str) -> bool:
        seen.append(low)
        return low in ("the", "said")

    words = TokenTest(LOWER, test)
    assert words.positions(doc) == [t.i for t in doc if t.lower_ in ("the", "said")]
    assert sorted(seen) == sorted({t.lower_ for t in doc})
    seen.clear()
    assert words.positions(_blank_doc("the ministry said")) == [0, 2]
    assert seen == []  # known words are not tested again
    assert words.positions(_blank_doc("")) == []


def test_token_test_memory_is_bounded():
    words = TokenTest(LOWER, lambda low: low.startswith("t"), limit=5)
    assert words.positions(_blank_doc("the toll rose")) == [0, 1]
    assert len(words.passed) + len(words.failed) == 3
    assert words.positions(_blank_doc("tents and so on")) == [0]  # 3 + 4 > 5: the first three are forgotten
    assert len(words.passed) + len(words.failed) == 4
    assert words.positions(_blank_doc("the toll")) == [0, 1]


def test_token_test_answers_a_docs_known_strings_after_it_forgets() -> None:
    # the Doc that fills the memo also has strings known before: they are tested again, not lost
    words = TokenTest(LOWER, lambda low: low.startswith("t"), limit=5)
    assert words.positions(_blank_doc("the toll rose")) == [0, 1]
    assert words.positions(_blank_doc("the tents and so")) == [0, 1]  # 3 + 3 new > 5: forgotten, then "the" again
    assert words.positions(_blank_doc("toll the")) == [0, 1]


def test_batched_by_bounds_count_and_weight_and_keeps_order() -> None:
    sizes = [5, 5, 1, 9, 20, 2, 2, 2]
    out = list(batched_by(sizes, 3, lambda x: x, 10))
    assert out == [[5, 5], [1, 9], [20], [2, 2, 2]]  # an item over the limit goes alone
    assert [x for b in out for x in b] == sizes
    assert list(batched_by([], 3, lambda x: x, 10)) == []
