"""entities: the array decoder gives spaCy's entity recognizer's entities, Doc for Doc."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy
import pytest
from blis.py import gemm
from spacy.attrs import ENT_ID, ENT_IOB, ENT_KB_ID, ENT_TYPE
from spacy.language import Language
from spacy.tokens import Doc, Span

from newsledger.config import Config
from newsledger.entities import GreedyEntities, supported
from newsledger.extract import make_doc
from newsledger.ingest import Article
from newsledger.pipeline import build

COLS = [ENT_IOB, ENT_TYPE, ENT_KB_ID, ENT_ID]

# multi-word names of every kind, entities at the very start and end of a Doc and of a sentence,
# names across a line break, spaces and tabs between names, one-token and empty Docs
TEXTS = (
    "The United Nations High Commissioner for Refugees said 1,200 people left Mariupol on "
    "Saturday, April 30, while the Russian Defence Ministry put the figure at 46.\n\n"
    "President Volodymyr Zelensky said about 100 were evacuated.\nKyiv\n\nNew York  Times",
    "Dr. Amara Okafor of Médecins Sans Frontières told Reuters on Monday that 3.5 million people "
    "(about 40%) had fled to Chad, Sudan and the Central African Republic since March 2023.",
    "Washington",
    "",
    "   \n\n\t ",
    "On Tuesday the World Health Organization (WHO) in Geneva said the toll rose to 2,310.\t"
    "Red Cross\nofficials in Port-au-Prince, Haiti disagreed. The Foreign Ministry of the "
    "Republic of Korea and the European Union issued a joint statement on 12 May 2024.",
    "he said. she said. Apple Inc. and Microsoft Corp. reported $4.2 billion on Friday night",
)


@pytest.fixture(scope="module")
def spacy_ner() -> Language:
    return build(Config(fast_entities=False))


def before_ner(nlp: Language, texts: Any) -> list[Doc]:
    """Docs annotated by every component before the recognizer, as the pipeline makes them."""
    docs = [make_doc(nlp, Article(id=str(i), text=t, date="2024-06-14")) for i, t in enumerate(texts)]
    for _name, proc in nlp.pipeline[:nlp.pipe_names.index("ner")]:
        docs = list(proc.pipe(docs, batch_size=32)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
    return docs


def both(nlp: Language, docs: list[Doc], batch_size: int = 32) -> Iterator[tuple[Any, Any]]:
    ner = nlp.get_pipe("ner")
    want = [d.copy() for d in docs]
    got = [d.copy() for d in docs]
    list(ner.pipe(want, batch_size=batch_size))  # type: ignore[attr-defined]
    list(GreedyEntities(ner).pipe(got, batch_size=batch_size))
    for w, g in zip(want, got, strict=True):
        yield w.to_array(COLS).tolist(), g.to_array(COLS).tolist()


def test_pipeline_swaps_the_recognizer_for_the_decoder(nlp: Language, spacy_ner: Language):
    assert "newsledger_entities" in nlp.pipe_names and "ner" not in nlp.pipe_names
    assert nlp.pipe_names.index("newsledger_entities") == spacy_ner.pipe_names.index("ner")
    assert isinstance(nlp.get_pipe("newsledger_entities"), GreedyEntities)
    assert "ner" in spacy_ner.pipe_names and supported(spacy_ner.get_pipe("ner"))


def test_same_entities_as_spacys_recognizer(spacy_ner: Language):
    docs = before_ner(spacy_ner, TEXTS)
    pairs = list(both(spacy_ner, docs))
    assert sum(1 for want, _ in pairs for row in want if row[0] == 3) > 20  # entities to compare
    for (want, got), text in zip(pairs, TEXTS, strict=True):
        assert got == want, text[:60]


@pytest.mark.parametrize("batch_size", [1, 3, 5])
def test_same_entities_in_any_batching(spacy_ner: Language, batch_size: int):
    docs = before_ner(spacy_ner, TEXTS)
    for want, got in both(spacy_ner, docs, batch_size):
        assert got == want


def test_whole_pipelines_agree(nlp: Language, spacy_ner: Language):
    for text in TEXTS:
        a = nlp(make_doc(nlp, Article(id="a", text=text, date="2024-06-14")))
        b = spacy_ner(make_doc(spacy_ner, Article(id="a", text=text, date="2024-06-14")))
        assert [(e.start, e.end, e.label_) for e in a.ents] == [(e.start, e.end, e.label_) for e in b.ents]


def test_same_entities_on_dev_hard(spacy_ner: Language, shared: Path):
    path = shared / "corpus" / "dev_hard.jsonl"
    texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert texts
    for (want, got), text in zip(both(spacy_ner, before_ner(spacy_ner, texts)), texts, strict=True):
        assert got == want, text[:60]


def test_preset_entities_are_left_to_spacy(spacy_ner: Language):
    docs = before_ner(spacy_ner, TEXTS[:2])
    for doc in docs:  # a user's entity, as an entity ruler would set it before the recognizer
        doc.set_ents([Span(doc, 2, 4, label="ORG")], default="unmodified")
    for want, got in both(spacy_ner, docs, batch_size=4):
        assert got == want
        assert got[2][:2] == [3, spacy_ner.vocab.strings["ORG"]]


def test_unsupported_recognizers_keep_spacys(spacy_ner: Language):
    ner: Any = spacy_ner.get_pipe("ner")
    assert supported(ner)
    ner.cfg["beam_width"] = 4
    try:
        assert not supported(ner)
    finally:
        ner.cfg["beam_width"] = 1
    ner.model.attrs["unseen_classes"].add(3)  # masking unseen classes couples a batch's Docs
    try:
        assert not supported(ner)
    finally:
        ner.model.attrs["unseen_classes"].discard(3)
    assert supported(ner)


def test_blis_rows_do_not_depend_on_the_batch():
    """The decoder scores all tokens at once where spaCy scores a few states at a time: this is
    exact only because BLIS computes each row of a product with the same bits either way."""
    rng = numpy.random.default_rng(7)
    weights = rng.standard_normal((74, 64)).astype("f")
    rows = rng.standard_normal((997, 64)).astype("f")
    whole = gemm(rows, weights, trans2=True, beta=0.0)
    for size in (1, 3, 8, 32):
        parts = [gemm(numpy.ascontiguousarray(rows[i:i + size]), weights, trans2=True, beta=0.0)
                 for i in range(0, len(rows), size)]
        assert numpy.array_equal(numpy.concatenate(parts), whole)


def test_first_valid_class_when_every_valid_score_is_minus_infinity():
    scores = numpy.array([[0.5, -numpy.inf, -numpy.inf, 2.0], [1.0, 3.0, 3.0, 0.0]], dtype="f")
    valid = numpy.array([[False, True, True, False], [True, True, True, False]])
    assert GreedyEntities._best(scores, valid).tolist() == [1, 1]  # ties: the first, as spaCy
