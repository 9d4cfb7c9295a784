"""Build the spaCy pipeline: the configured English model plus newsledger's components.

Our steps are ordinary spaCy components (Doc in, Doc out), registered by name, so
anyone can ``nlp.add_pipe("newsledger_figures")`` in a pipeline of their own after
``import newsledger``. Order: ``newsledger_paragraphs`` (before the parser: a blank
line always ends a sentence), then after NER ``newsledger_dates``,
``newsledger_statements``, ``newsledger_figures``. The model's ``attribute_ruler`` and rule
``lemmatizer`` are replaced by ``newsledger_attributes`` and ``newsledger_lemmas``, built from
them, which give the same annotations for a fraction of the CPU (``Config.fast_attributes``,
``Config.fast_lemmas``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from functools import lru_cache
from typing import Any

import numpy
import spacy
from spacy.attrs import LEMMA, MORPH, ORTH, POS
from spacy.errors import Errors
from spacy.language import Language
from spacy.lookups import Lookups
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc

from . import attributes, dates, figures, statements  # noqa: F401  (registers the components)
from .config import Config

COMPONENTS = ("newsledger_dates", "newsledger_statements", "newsledger_figures")


@Language.component("newsledger_paragraphs", assigns=["token.is_sent_start"])
def paragraphs_component(doc: Doc) -> Doc:
    """Mark the token after a paragraph break as a sentence start, so no sentence spans two."""
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


class ModelNotFound(RuntimeError):
    """The configured spaCy model is not installed."""


def _use_numpy_ops() -> None:
    from thinc.api import NumpyOps, set_current_ops

    set_current_ops(NumpyOps(use_blis=False))


def blas_limit(config: Config) -> AbstractContextManager[Any]:
    """A context in which BLAS uses ``config.blas_threads`` threads (the process's setting is
    restored on exit); nothing changes when it is None."""
    if config.blas_threads is None:
        return nullcontext()
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    limit: AbstractContextManager[Any] = threadpool_limits(limits=config.blas_threads, user_api="blas")
    return limit


def load_base(config: Config) -> Language:
    """The bare spaCy model named in the config (what the benchmark compares against)."""
    if not config.use_blis:
        _use_numpy_ops()
    try:
        nlp = spacy.load(config.model)
    except OSError as exc:
        raise ModelNotFound(
            f"spaCy model {config.model!r} is not installed; run `make install` "
            f"(or pip install -r requirements-model.txt)") from exc
    nlp.max_length = max(nlp.max_length, config.max_chars + 1)
    return nlp


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

    def __init__(self, lemmatizer: Any, limit: int = 100_000) -> None:
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


def _array_lemmas(nlp: Language) -> None:
    """Swap spaCy's lemmatizer for ``newsledger_lemmas`` when it is the rule lemmatizer (as in
    en_core_web_*); any other mode keeps spaCy's."""
    if "lemmatizer" in nlp.pipe_names and getattr(nlp.get_pipe("lemmatizer"), "mode", None) == "rule":
        nlp.add_pipe("newsledger_lemmas", after="lemmatizer")
        nlp.remove_pipe("lemmatizer")


def _fast_attributes(nlp: Language) -> None:
    """Swap spaCy's attribute_ruler for ``newsledger_attributes``, built from its rules, when
    the lookup can express what it sets; otherwise keep spaCy's."""
    if "attribute_ruler" in nlp.pipe_names and attributes.translatable(nlp.get_pipe("attribute_ruler")):
        nlp.add_pipe("newsledger_attributes", after="attribute_ruler")
        nlp.remove_pipe("attribute_ruler")


def build(config: Config) -> Language:
    """A fresh pipeline with newsledger's components added."""
    nlp = load_base(config)
    if config.fast_attributes:
        _fast_attributes(nlp)
    if config.fast_lemmas:
        _array_lemmas(nlp)
    first = nlp.pipe_names[0] if nlp.pipe_names else None
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("newsledger_paragraphs", before="parser")
    elif first:
        nlp.add_pipe("newsledger_paragraphs", first=True)
    for name in COMPONENTS:
        nlp.add_pipe(name)
    return nlp


@lru_cache(maxsize=4)
def load(config: Config) -> Language:
    """The pipeline for ``config``, loaded once per process (configs are hashable)."""
    return build(config)
