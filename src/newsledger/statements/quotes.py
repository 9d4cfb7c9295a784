"""Quotations: their character spans, sentence segments joined across them, and whether a
quote is a whole clause (direct speech) or a phrase inside paraphrase.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from ..util import doc_text
from .lexicon import CLOSE_QUOTES, OPEN_QUOTES, SENT_END, SUBJECT_DEPS

# ---------------------------------------------------------------- quotations

def quote_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of quotations, marks included. Straight quotes pair up within a
    paragraph; a quote left open at a paragraph end closes there (news style for
    quotes that run over several paragraphs)."""
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    n = len(text)
    for i, ch in enumerate(text):
        if ch == "\n":
            if open_at is not None:
                spans.append((open_at, i))
                open_at = None
            continue
        if ch in OPEN_QUOTES:
            if open_at is None:
                open_at = i
        elif ch in CLOSE_QUOTES:
            if open_at is not None:
                spans.append((open_at, i + 1))
                open_at = None
        elif ch == '"':
            if open_at is None:
                open_at = i
            else:
                spans.append((open_at, i + 1))
                open_at = None
        elif ch == "‘" and open_at is None and (i == 0 or not text[i - 1].isalnum()):
            open_at = i
        elif ch == "’" and open_at is not None and text[open_at] == "‘" and (i + 1 >= n or not text[i + 1].isalpha()):
            spans.append((open_at, i + 1))
            open_at = None
    if open_at is not None:
        spans.append((open_at, n))
    return [(s, e) for s, e in spans if e - s > 2]


def segments(doc: Doc, quotes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Token ranges of sentences, joined where a quotation crosses a sentence boundary."""
    text = doc_text(doc)
    sents = [(s.start, s.end, s.start_char, s.end_char) for s in doc.sents if text[s.start_char:s.end_char].strip()]
    if not sents:
        return []
    parent = list(range(len(sents)))
    starts = [s[2] for s in sents]
    import bisect

    for qs, qe in quotes:
        a = max(0, bisect.bisect_right(starts, qs) - 1)
        b = max(0, bisect.bisect_right(starts, qe - 1) - 1)
        for k in range(a + 1, b + 1):
            parent[k] = parent[a] if parent[a] == a else parent[parent[a]]
    out: list[tuple[int, int]] = []
    for k, (s, e, _, _) in enumerate(sents):
        if k > 0 and parent[k] != k:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _inside(doc: Doc, qs: int, qe: int) -> list[Token]:
    span = doc.char_span(qs, qe, alignment_mode="contract")
    return [t for t in span if not t.is_punct] if span is not None else []


def quote_is_clause(doc: Doc, qs: int, qe: int) -> bool:
    """A quotation is direct speech when it holds a clause of its own (a verb whose subject is
    inside the quote, an imperative) or a whole sentence; a quoted phrase inside paraphrase
    ("killed "about 40" soldiers") is not."""
    toks = _inside(doc, qs, qe)
    if not toks:
        return False
    ids = {t.i for t in toks}
    inner = doc_text(doc)[qs:qe].rstrip("\"”»’ \n")
    if len(toks) >= 4 and SENT_END.search(inner) and any(t.pos_ in ("VERB", "AUX") for t in toks):
        return True
    for t in toks:
        if t.head.i in ids and t.head != t:
            continue
        if t.pos_ in ("VERB", "AUX"):
            if any(c.dep_ in SUBJECT_DEPS | {"expl"} and c.i in ids for c in t.children):
                return True
            opens_sentence = all(x.is_punct or x.is_space for x in t.doc[t.sent.start: t.i])
            if t.tag_ == "VB" and t.i == toks[0].i and opens_sentence and not any(
                    c.dep_ in ("aux", "auxpass", "nsubj") for c in t.children):
                return True  # an imperative: "Send boats," he said
    return False
