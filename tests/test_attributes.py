"""attributes: the model's attribute rules by lookup give spaCy's AttributeRuler's annotations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, POS, TAG
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

from newsledger.attributes import FastAttributeRuler, translatable
from newsledger.config import Config
from newsledger.extract import make_doc
from newsledger.ingest import Article
from newsledger.pipeline import build

COLS = [TAG, POS, MORPH, LEMMA, DEP, HEAD, ENT_IOB, ENT_TYPE]

# contractions, colloquial forms (the model's multi-token rules), expletive "there", object
# pronouns, negations, auxiliaries, determiners as pronouns, odd spacing and paragraph breaks
VARIED = (
    "Officials said 1,200 people  were evacuated on Monday, and there are at least 40 dead.\n\n"
    "\"We're gonna rebuild, y'all,\" the mayor said. \"Let's go. C'mon, it ain't over, nothin' is.\"\n"
    "They told me it wasn't safe; I gotta say they didn't give it to us, and that's why we'd left. "
    "Whether or not the ministry confirms it, those who have seen it know. Have they done so? "
    "He has had enough, she does too, and they do not agree that this is the toll.\n"
    "The U.N. agency (UNHCR) estimated 3.5 million displaced, up from 2 million in March 2023 -- "
    "\t  a rise of 75%, which some called \"a catastrophe\" while others said it isn't."
)


@pytest.fixture(scope="module")
def without() -> Language:
    return build(Config(fast_attributes=False))


def annotations(nlp: Language, text: str) -> Any:
    return nlp(make_doc(nlp, Article(id="t", text=text, date="2024-06-14"))).to_array(COLS).tolist()


def test_pipeline_swaps_the_ruler_for_the_lookup(nlp: Language, without: Language):
    assert "newsledger_attributes" in nlp.pipe_names and "attribute_ruler" not in nlp.pipe_names
    assert nlp.pipe_names.index("newsledger_attributes") == without.pipe_names.index("attribute_ruler")
    assert "attribute_ruler" in without.pipe_names
    lookup = nlp.get_pipe("newsledger_attributes")
    assert isinstance(lookup, FastAttributeRuler)
    assert len(lookup.matcher) == 0  # every rule of the shipped model is looked up, none matched


def test_same_annotations_as_spacys_ruler(nlp: Language, without: Language):
    want = annotations(without, VARIED)
    assert annotations(nlp, VARIED) == want
    for _ in range(2):  # again, from the memo, with the strings of each zone forgotten after it
        with nlp.memory_zone():
            assert annotations(nlp, VARIED) == want


def test_same_annotations_on_dev_hard(nlp: Language, without: Language, shared: Path):
    path = shared / "corpus" / "dev_hard.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert rows
    texts = [r["text"] for r in rows]
    for text in texts:
        assert annotations(nlp, text) == annotations(without, text), text[:80]


def _rules(vocab: Any, patterns: list[dict[str, Any]]) -> AttributeRuler:
    ruler = AttributeRuler(vocab)
    ruler.add_patterns(patterns)
    return ruler


def _doc(nlp: Language) -> Doc:
    words = ["There", "are", "n't", "gon", "na", "be", " ", "any", "cats", "there", "Gon", "na", "stop", "."]
    tags = ["EX", "VBP", "RB", "VBG", "TO", "VB", "_SP", "DT", "NNS", "RB", "VBG", "TO", "VB", "."]
    deps = ["expl", "ROOT", "neg", "xcomp", "aux", "xcomp", "dep", "det", "attr", "advmod", "conj", "aux",
            "xcomp", "punct"]
    return Doc(nlp.vocab, words=words, tags=tags, deps=deps, heads=[1, 1, 1, 1, 5, 3, 5, 8, 1, 1, 1, 12, 10, 1])


PATTERNS: list[dict[str, Any]] = [
    {"patterns": [[{"TAG": "NNS"}], [{"tag": "VBP"}]], "attrs": {"POS": "NOUN", "MORPH": "Number=Plur"}},
    {"patterns": [[{"TAG": "VBP", "LOWER": {"IN": ["are", "is"]}}]], "attrs": {"POS": "AUX", "LEMMA": "be"}},
    {"patterns": [[{"DEP": {"NOT_IN": ["det", ""]}, "TAG": {"IN": ["DT", "EX"]}}]], "attrs": {"POS": "PRON"}},
    {"patterns": [[{"LOWER": {"REGEX": "^n'?t$"}}]], "attrs": {"LEMMA": "not", "POS": "PART"}},
    {"patterns": [[{"LOWER": "gon"}, {"LOWER": "na"}]], "attrs": {"LEMMA": "to"}, "index": -1},
    {"patterns": [[{"LOWER": "gon"}, {"LOWER": "na"}]], "attrs": {"LEMMA": "go"}},
    {"patterns": [[{"DEP": "expl"}, {"LOWER": {"IN": ["are", "is"]}}]], "attrs": {"POS": "VERB"}, "index": 1},
    {"patterns": [[{"IS_SPACE": True}]], "attrs": {"TAG": "_SP", "POS": "SPACE", "DEP": "dep"}},
    {"patterns": [[{"TAG": "_SP", "IS_SPACE": False}]], "attrs": {"POS": "X"}},
    {"patterns": [[{"TEXT": "there", "TAG": "RB"}]], "attrs": {"MORPH": "PronType=Dem"}},
    # operators: only the Matcher can find these
    {"patterns": [[{"LOWER": "any"}, {"TAG": "JJ", "OP": "?"}, {"TAG": "NNS"}]], "attrs": {"LEMMA": "cat"},
     "index": -1},
    {"patterns": [[{"TAG": "VB"}]], "attrs": {"POS": "VERB", "MORPH": "VerbForm=Inf"}},
    {"patterns": [[{"LOWER": "be", "TAG": "VB"}]], "attrs": {"POS": "AUX"}},  # overrides the rule above
]


def _compare(nlp: Language, patterns: list[dict[str, Any]], limit: int = 200_000) -> FastAttributeRuler:
    ruler = _rules(nlp.vocab, patterns)
    fast = FastAttributeRuler(ruler, limit=limit)
    for _ in range(2):
        want, got = ruler(_doc(nlp)), fast(_doc(nlp))
        assert got.to_array(COLS).tolist() == want.to_array(COLS).tolist()
    return fast


def test_rules_order_index_predicates_and_matcher_as_spacy():
    nlp = spacy.blank("en")
    fast = _compare(nlp, PATTERNS)
    assert len(fast.matcher) == 1  # the pattern with an operator
    assert len(fast.multi) == 3 and len(fast.single) == 10
    doc = fast(_doc(nlp))
    assert [t.lemma_ for t in doc][:6] == ["", "be", "not", "go", "to", ""]
    assert doc[1].pos_ == "VERB"  # the expletive rule (later) overwrote AUX
    assert doc[5].pos_ == "AUX" and doc[8].lemma_ == "cat" and doc[6].tag_ == "_SP" and doc[6].dep_ == "dep"


def test_each_rule_alone_as_spacy():
    nlp = spacy.blank("en")
    for pattern in PATTERNS:
        _compare(nlp, [pattern])


def test_memo_is_bounded_and_output_stays_the_same():
    nlp = spacy.blank("en")
    fast = _compare(nlp, PATTERNS, limit=3)
    assert len(fast.memo) <= len(_doc(nlp))  # cleared before the Doc that found it full


def test_index_outside_the_match_raises_as_spacy():
    nlp = spacy.blank("en")
    patterns = [{"patterns": [[{"LOWER": "gon"}, {"LOWER": "na"}]], "attrs": {"LEMMA": "x"}, "index": 2}]
    ruler = _rules(nlp.vocab, patterns)
    with pytest.raises(ValueError):
        ruler(_doc(nlp))
    with pytest.raises(ValueError):
        FastAttributeRuler(ruler)(_doc(nlp))


def test_a_ruler_setting_other_attributes_is_kept():
    nlp = spacy.blank("en")
    ruler = _rules(nlp.vocab, [{"patterns": [[{"LOWER": "gon"}]], "attrs": {"NORM": "going"}}])
    assert not translatable(ruler)
    with pytest.raises(ValueError):
        FastAttributeRuler(ruler)
    nlp.add_pipe("attribute_ruler").add_patterns([{"patterns": [[{"LOWER": "gon"}]], "attrs": {"NORM": "going"}}])
    from newsledger.pipeline import _fast_attributes

    _fast_attributes(nlp)
    assert nlp.pipe_names == ["attribute_ruler"]
