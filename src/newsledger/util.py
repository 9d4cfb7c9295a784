"""Small helpers shared by several stages."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from spacy.tokens import Doc, Span, Token

T = TypeVar("T")

# entries a per-process memo keeps before it is emptied (TokenTest, the attribute and lemma steps).
# A worker meets ~25 new keys per article (renamed people and places), so with 100k-200k the
# memos kept growing through a 10k-article run (a worker went ~400 -> 450 MB); 20k is reached
# within the first ~700 articles, after which memory stays flat, and the frequent words that
# give the hits come back within a few Docs of each clearing
MEMO_LIMIT = 20_000


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of up to ``size`` items, in order (itertools.batched arrives in Python 3.12)."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def batched_by(items: Iterable[T], size: int, weight: Callable[[T], int], limit: int) -> Iterator[list[T]]:
    """Lists of up to ``size`` items whose ``weight`` adds up to at most ``limit`` (an item heavier
    than ``limit`` alone), in order."""
    batch: list[T] = []
    total = 0
    for item in items:
        w = weight(item)
        if batch and (len(batch) >= size or total + w > limit):
            yield batch
            batch, total = [], 0
        batch.append(item)
        total += w
    if batch:
        yield batch


_TEXT_KEY = "newsledger_text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, joined once per Doc: spaCy rebuilds it from every token on each access,
    which made each quotation checked or lead date looked up cost a pass over the article.
    Safe to cache: our components never change the tokens' text."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return str(text)


def keep_text(doc: Doc, text: str) -> None:
    """Remember the text a Doc was tokenised from as its ``doc_text``: spaCy's tokenisation is
    non-destructive (``doc.text`` equals the input), so rebuilding it from the tokens is wasted."""
    doc.user_data[_TEXT_KEY] = text


class TokenTest:
    """A test of one string attribute of tokens (``spacy.attrs.LOWER``, ``LEMMA``, ``DEP``, ...),
    answered for a whole Doc from one ``to_array``: the test (a pure function of the string) runs
    once per distinct string and its answer is kept by the string's hash, bounded (forgotten at
    ``limit`` strings, so a long run's memory stays flat). A Python pass over every token builds a
    Token and a string each time; this visits plain integers, and most of a text is the same few
    thousand words."""

    def __init__(self, attr: int, test: Callable[[str], bool], limit: int = MEMO_LIMIT) -> None:
        self.attr, self.test, self.limit = attr, test, limit
        self.passed: set[int] = set()
        self.failed: set[int] = set()

    def positions(self, doc: Doc) -> list[int]:
        """The indices of the tokens of ``doc`` that pass, in order."""
        hashes = doc.to_array(self.attr).tolist()
        distinct = set(hashes)
        new = distinct - self.passed - self.failed
        if new:
            if len(self.passed) + len(self.failed) + len(new) > self.limit:
                self.passed.clear()
                self.failed.clear()
                new = distinct  # this Doc's known strings were forgotten too
            strings = doc.vocab.strings
            for h in new:
                (self.passed if self.test(strings[h]) else self.failed).add(h)
        hits = distinct & self.passed
        if not hits:
            return []
        return [i for i, h in enumerate(hashes) if h in hits]


_NEWLINES_KEY = "newsledger_newline_tokens"


def newline_tokens(doc: Doc) -> list[int]:
    """Indices of the tokens whose text holds a line break, in order, found once per Doc from the
    text's line breaks: a break is never in a token's trailing whitespace (only a space is), so
    the token starting at or before it holds it. Line and paragraph starts come from these."""
    found: list[int] | None = doc.user_data.get(_NEWLINES_KEY)
    if found is None:
        text = doc_text(doc)
        found = []
        pos = text.find("\n")
        if pos >= 0:
            starts = doc.to_array("IDX").tolist()
            while pos >= 0:
                k = bisect.bisect_right(starts, pos) - 1
                if not found or found[-1] != k:
                    found.append(k)
                pos = text.find("\n", pos + 1)
        doc.user_data[_NEWLINES_KEY] = found
    return found


def ent_at(tok: Token) -> Span | None:
    """The named entity covering ``tok`` (as in ``doc.ents``), read off the IOB tags around it:
    a scan of every entity of the document for each figure made long articles quadratic."""
    doc = tok.doc
    if tok.ent_iob_ not in ("B", "I"):
        return None
    start = tok.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    if doc[start].ent_iob_ != "B" or not doc[start].ent_type_:
        return None
    end = tok.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return Span(doc, start, end, label=doc[start].ent_type_)
