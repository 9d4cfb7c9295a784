"""Statements that live in the layout of a page rather than in a reporting verb.

Live pages, fact boxes and wire summaries attribute with punctuation:

- a headline-style line "Health Ministry: three children among the dead" is a statement of
  the body before the colon (cue ":");
- a key-figures line "Dead: 118 (Investigative Committee)" or "1.08 million marchers
  (Interior)" credits each figure to the body in parentheses after it (cue "(...)");
- a colon line that introduces a block ("Here is more from the agency:") makes the intro and
  the block one statement of the body it names.

Each finder returns :class:`LineCue` records (token ranges and the token naming the speaker);
the component resolves the speakers in text order with the same memory as verb cues.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from ..util import doc_text
from .cues import is_speakerish
from .lexicon import SPEAKER_NOUNS
from .speakers import DATELINE, document_owner, is_ownerless_document
from .voice import abbreviates

# a timestamp or live-page marker opening a line: "23:10 —", "16:40", "LIVE |"
_STAMP = re.compile(r"^\s*(?:(?:\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?|LIVE|Updated)\b[^\n:]{0,12}?\s*[—–|-]+\s*)?"
                    r"(?:[•·▪*]\s+)?", re.I)  # and a list bullet
_COUNT_WORDS = re.compile(r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty"
                          r"|forty|fifty|hundred|dozens|hundreds|thousands|millions)\b", re.I)
_HEADLINE = re.compile(r"(?P<label>[A-Z][^:\n]{1,60}?):[ \t]+(?P<content>\S[^\n]*)$")
# what a body issues; "the ministry's evening bulletin" speaks for the ministry
RECORD_HEADS = {"statement", "report", "bulletin", "update", "briefing", "figure", "count", "release"}
_PAREN = re.compile(r"\((?P<body>[^()\n\d]{2,60})\)")


# page furniture: teasers for other stories, credits of the copy, adverts
CLUTTER = re.compile(r"^[ \t]*(?:READ MORE|Read more|RELATED|Related:|See also|Watch:|Listen:|Advertisement|Sponsored"
                     r"|This (?:story|article|report) (?:was )?(?:first |originally )?(?:published|appeared))", re.M)


def clutter_lines(text: str) -> list[tuple[int, int]]:
    """Character spans of lines that are page furniture, not the article's words."""
    out = []
    for m in CLUTTER.finditer(text):
        end = text.find("\n", m.start())
        out.append((m.start(), len(text) if end < 0 else end))
    return out


@dataclass
class LineCue:
    kind: str  # "headline", "block" or "paren"
    tok_start: int
    tok_end: int
    cue_i: int  # the token that carries the cue (colon or opening parenthesis)
    speaker: Token  # the head of the phrase naming the speaker
    cue: str
    name: Span | None = None  # the label or parenthesis naming the speaker, when it is one


def _lines(text: str) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _root(span: Span) -> Token:
    for t in span:
        if t.head.i < span.start or t.head.i >= span.end or t.head == t:
            if not t.is_punct:
                return t
    return span[-1]


def _names_speaker(span: Span) -> Token | None:
    """The head of a short label that names someone who can report ("Interior Ministry",
    "Civil defence chief"), not a place header ("Mirzavan"), a category ("Dead") or a record
    with no owner ("Latest figures")."""
    words = [t for t in span if not t.is_punct]
    if not words or len(words) > 8 or any(t.like_num for t in words):
        return None
    root = _root(span)
    if root.pos_ == "VERB" and words[-1].pos_ in ("NOUN", "PROPN") and words[-1].i > root.i and (
            span.start > 0 and span.doc[span.start - 1].text == "("):
        root = words[-1]  # a fragment in parentheses is a noun phrase, whatever the parse ("(harbour police)")
    if root.pos_ in ("VERB", "AUX", "ADJ", "ADV", "ADP") or root.ent_type_ in ("GPE", "LOC", "DATE", "TIME"):
        return None
    named = root.ent_type_ in ("ORG", "PERSON", "NORP") or root.lemma_.lower() in SPEAKER_NOUNS or \
        root.lower_ in SPEAKER_NOUNS or (root.pos_ == "PROPN" and len(words) >= 2)
    if not named:
        return None
    if root.lemma_.lower() in ("victim", "people", "resident", "citizen", "family", "survivor", "relative"):
        return None  # the people a figure counts head many labels ("Foreign victims: ...")
    if is_ownerless_document(root):
        return None
    head = (document_owner(root) or root) if root.lemma_.lower() in RECORD_HEADS else root
    return head if is_speakerish(head) else None


def headline_cues(doc: Doc) -> list[LineCue]:
    """Lines "Body: content" whose content carries a figure or a quotation."""
    out: list[LineCue] = []
    text = doc_text(doc)
    for a, b in _lines(text):
        line = text[a:b]
        stamp = _STAMP.match(line)
        start = a + (stamp.end() if stamp else 0)
        m = _HEADLINE.match(text, start, b)
        if not m or m.end() != b:
            continue
        content = m.group("content")
        if not (re.search(r"\d", content) or _COUNT_WORDS.search(content) or '"' in content or "“" in content):
            continue
        label = doc.char_span(m.start("label"), m.end("label"), alignment_mode="expand")
        colon = doc.char_span(m.end("label"), m.end("label") + 1, alignment_mode="expand")
        whole = doc.char_span(m.start("label"), b, alignment_mode="expand")
        if label is None or colon is None or whole is None:
            continue
        head = _names_speaker(label)
        if head is None:
            continue
        out.append(LineCue("headline", whole.start, whole.end, colon.start, head, ":", label))
    return out


def block_cues(doc: Doc) -> list[LineCue]:
    """A line ending in a colon that names a body ("Here is more from the ministry's
    bulletin:") opens a block: the lines right below it, or, after a blank line, the next
    paragraph. Intro and block are one statement."""
    out: list[LineCue] = []
    text = doc_text(doc)
    lines = _lines(text)
    for k, (a, b) in enumerate(lines):
        line = text[a:b].rstrip()
        if not line.endswith(":") or len(line) < 8:
            continue
        intro = doc.char_span(a, a + len(line), alignment_mode="expand")
        if intro is None:
            continue
        head = None
        cue = ":"
        for t in intro:
            if t.lower_ == "from" and t.dep_ == "prep":
                pobj = next((g for g in t.children if g.dep_ == "pobj"), None)
                if pobj is not None:
                    owner = document_owner(pobj) if pobj.lemma_.lower() in RECORD_HEADS else None
                    cand = owner if owner is not None else pobj
                    if is_speakerish(cand) and not is_ownerless_document(cand):
                        head = cand
                        cue = doc[intro.start: t.i + 1].text  # the intro up to "from", as the text words it
                        break
        if head is None:
            continue
        # the block: following non-blank lines, or the paragraph after one blank line
        j = k + 1
        if j < len(lines) and not text[lines[j][0]:lines[j][1]].strip():
            j += 1
            end = j
            while end < len(lines) and text[lines[end][0]:lines[end][1]].strip():
                end += 1
        else:
            end = j
            while end < len(lines) and text[lines[end][0]:lines[end][1]].strip():
                end += 1
        if end <= j:
            continue
        block_end = lines[end - 1][1]
        stamp = _STAMP.match(text[a:b])
        whole = doc.char_span(a + (stamp.end() if stamp else 0), block_end, alignment_mode="expand")
        colon = doc.char_span(a + len(line) - 1, a + len(line), alignment_mode="expand")
        if whole is None or colon is None:
            continue
        out.append(LineCue("block", whole.start, whole.end, colon.start, head, cue))
    return out


def paren_cues(doc: Doc) -> list[LineCue]:
    """"412 (Health Directorate)", "963,000 marchers across the country (Interior).": a body in
    parentheses right after a figure's phrase credits it. The statement runs from the previous
    ';' (or the line's or sentence's start) to the closing parenthesis."""
    out: list[LineCue] = []
    text = doc_text(doc)
    datelines = [(d.start(), d.end()) for d in DATELINE.finditer(text)]
    for m in _PAREN.finditer(text):
        if any(a <= m.start() < b for a, b in datelines):
            continue  # "CITY, May 8 (Agency) –": the dateline credits the copy, not a figure
        inner = doc.char_span(m.start("body"), m.end("body"), alignment_mode="contract")
        if inner is None or len(inner) == 0:
            continue
        opening = doc.char_span(m.start(), m.start() + 1, alignment_mode="expand")
        if opening is None:
            continue
        sent = opening.sent
        # the item the parenthesis closes: back to ";", the previous parenthesis or the line start
        k = opening.start - 1
        while k >= sent.start and doc[k].text not in (";", ")") and "\n" not in doc[k].text:
            k -= 1
        item = doc[k + 1: opening.start]
        nums = [t for t in item if t.like_num or t.lower_ in ("dozens", "hundreds", "thousands")]
        if not nums:
            continue
        # the parenthesis follows the figure's phrase, not a name it abbreviates ("the IHC (ICRC)")
        prior = doc[max(sent.start, opening.start - 8): opening.start].text
        if any(abbreviates(inner.text, prior[m2.start():]) for m2 in re.finditer(r"\b[A-Z]", prior)):
            continue
        if any(t.pos_ == "VERB" and t.dep_ == "ROOT" and t.lemma_ in ("say", "tell") for t in item):
            continue
        head = _names_speaker(inner)
        if head is None and inner[0].text[:1].isupper() and len(inner) <= 4:
            head = _root(inner)  # a bare name: "(Interior)", "(Lanterns)"
        if head is None:
            continue
        close = doc.char_span(m.end() - 1, m.end(), alignment_mode="expand")
        end = close.end if close is not None else opening.end
        # a closing "." after the parenthesis belongs to the item
        if end < sent.end and doc[end].text in (".", ";"):
            end += 1
        out.append(LineCue("paren", k + 1, end, opening.start, head, "(...)", inner))
    return out


def line_cues(doc: Doc) -> list[LineCue]:
    """All layout cues of a document, in text order."""
    found = headline_cues(doc) + block_cues(doc) + paren_cues(doc)
    return sorted(found, key=lambda c: (c.tok_start, c.tok_end))
