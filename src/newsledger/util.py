"""Small helpers shared by several stages."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from spacy.tokens import Doc, Span, Token

T = TypeVar("T")


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


_TEXT_KEY = "newsledger_text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, joined once per Doc: spaCy rebuilds it from every token on each access,
    which made each quotation checked or lead date looked up cost a pass over the article.
    Safe to cache: our components never change the tokens' text."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return str(text)


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
