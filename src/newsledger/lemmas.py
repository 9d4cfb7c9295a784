"""The lemmatizer's step done by array: spaCy's rule lemmatizer run once per distinct (word,
part of speech, morphology) on set indexes, the lemma column written with one ``from_array``
(``newsledger_lemmas``; :mod:`pipeline` swaps it in for the model's rule lemmatizer)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import numpy
from spacy.attrs import LEMMA, MORPH, ORTH, POS
from spacy.errors import Errors
from spacy.language import Language
from spacy.lookups import Lookups
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc

from .util import MEMO_LIMIT


class _NoCache(dict[Any, Any]):
    """A cache that keeps nothing (ArrayLemmas memoises instead)."""

    def __setitem__(self, key: Any, value: Any) -> None:
        pass


class SetIndexRules:
    """spaCy's ``Lemmatizer.rule_lemmatize`` itself, run on the same tables except that each part
    of speech's word index is a set: the rules only test ``form in index``, which on spaCy's
    lists scans up to 57k words per rule and made a new word cost ~80 us. Used only where the
    lemmatizer's class keeps spaCy's ``rule_lemmatize``."""

    def __init__(self, lemmatizer: Any) -> None:
        self.lookups = Lookups()
        for name in ("lemma_index", "lemma_exc", "lemma_rules"):
            if lemmatizer.lookups.has_table(name):
                table = lemmatizer.lookups.get_table(name)
                copy = self.lookups.add_table(name)
                for key, value in table.items():
                    copy[key] = frozenset(value) if name == "lemma_index" else value
        self.cache = _NoCache()
        self.is_base_form = lemmatizer.is_base_form

    @staticmethod
    def applies(lemmatizer: Any) -> bool:
        return (type(lemmatizer).rule_lemmatize is Lemmatizer.rule_lemmatize
                and lemmatizer.lemmatize == lemmatizer.rule_lemmatize)

    def __call__(self, token: Any) -> list[str]:
        forms: list[str] = Lemmatizer.rule_lemmatize(self, token)  # type: ignore[arg-type]
        return forms


class ArrayLemmas:
    """spaCy's rule lemmatizer, run once per distinct (text, POS, morphology) and written by
    array. spaCy's loop makes a Token, checks its tables (names, punctuation and base forms,
    most of a news text, are never cached) and sets ``token.lemma_`` for every token in Python;
    the lemma is a function of that key alone (spaCy's own cache key), so memoising it and
    writing the column with one ``from_array`` gives the same lemmas. The memo holds strings,
    added to the StringStore once per Doc: a string added inside ``nlp.memory_zone()`` is gone
    after it, so a hash kept across Docs could name nothing. Bounded: cleared, between Docs, when
    it reaches ``limit`` entries, so a long run's memory stays flat."""

    def __init__(self, lemmatizer: Any, limit: int = MEMO_LIMIT) -> None:
        self.lemmatizer = lemmatizer
        self.limit = limit
        self.memo: dict[tuple[int, int, int], str] = {}
        self.lemmatize = SetIndexRules(lemmatizer) if SetIndexRules.applies(lemmatizer) else lemmatizer.lemmatize

    def __call__(self, doc: Doc) -> Doc:
        lemmatizer = self.lemmatizer
        if not lemmatizer._validated:
            lemmatizer._validate_tables(Errors.E1004)
        if not len(doc):
            return doc
        if len(self.memo) >= self.limit:
            self.memo.clear()
        memo, add, lemmatize = self.memo, doc.vocab.strings.add, self.lemmatize
        overwrite = lemmatizer.overwrite
        rows: Any = doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()
        hashes: dict[tuple[int, int, int], int] = {}  # this Doc's: key -> the lemma's hash
        lemmas = []
        for i, (orth, pos, morph, lemma) in enumerate(rows):
            if overwrite or lemma == 0:
                key = (orth, pos, morph)
                lemma = hashes.get(key)
                if lemma is None:
                    form = memo.get(key)
                    if form is None:
                        form = memo[key] = lemmatize(doc[i])[0]
                    lemma = hashes[key] = add(form)
            lemmas.append(lemma)
        column: Any = numpy.array(lemmas, dtype=numpy.uint64)
        doc.from_array([LEMMA], column)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)


@Language.factory("newsledger_lemmas", default_config={"source": "lemmatizer"}, assigns=["token.lemma"])
def make_lemmas(nlp: Language, name: str, source: str) -> ArrayLemmas:
    """ArrayLemmas around the pipeline's rule lemmatizer ``source``."""
    return ArrayLemmas(nlp.get_pipe(source))
