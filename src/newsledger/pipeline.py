"""Build the spaCy pipeline: the configured English model plus newsledger's components.

Our steps are ordinary spaCy components (Doc in, Doc out), registered by name, so
anyone can ``nlp.add_pipe("newsledger_figures")`` in a pipeline of their own after
``import newsledger``. Order: ``newsledger_paragraphs`` (before the parser: a blank
line always ends a sentence), then after NER ``newsledger_dates``,
``newsledger_statements``, ``newsledger_figures``. The model's ``attribute_ruler`` and rule
``lemmatizer`` are replaced by ``newsledger_attributes`` and ``newsledger_lemmas``, built from
them, and its ``ner`` by ``newsledger_entities``, which runs the same network but decodes its
transitions by arrays: the same annotations for a fraction of the CPU
(``Config.fast_attributes``, ``Config.fast_lemmas``, ``Config.fast_entities``).
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from functools import lru_cache
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import attributes, dates, entities, figures, lemmas, statements  # noqa: F401  (registers the components)
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


def _fast_entities(nlp: Language) -> None:
    """Swap spaCy's entity recognizer for ``newsledger_entities`` (same network, decoded by
    arrays) when it is a greedy BILUO recognizer of the architecture that decoder knows."""
    if "ner" in nlp.pipe_names and entities.supported(nlp.get_pipe("ner")):
        nlp.add_pipe("newsledger_entities", after="ner")
        nlp.remove_pipe("ner")


def build(config: Config) -> Language:
    """A fresh pipeline with newsledger's components added."""
    nlp = load_base(config)
    if config.fast_attributes:
        _fast_attributes(nlp)
    if config.fast_lemmas:
        _array_lemmas(nlp)
    if config.fast_entities:
        _fast_entities(nlp)
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
