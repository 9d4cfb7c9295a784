"""Who speaks: resolve a subject to a speaker through pronouns, roles, short names and
documents, with a memory of who the article has named so far.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from ..util import doc_text
from .lexicon import (
    AMBIGUOUS_TITLES,
    DOCUMENT_NOUNS,
    FEMALE_WORDS,
    GENERIC_ORG,
    GROUP_PRONOUNS,
    MALE_WORDS,
    PERSON_PRONOUNS,
    PERSON_TITLES,
    RELATIVE_PRONOUNS,
    SPEAKER_NOUNS,
)


@dataclass
class Speaker:
    name: str
    role: str | None
    person: bool
    head: str  # lower-cased head word, for role/short-name look-ups
    plural: bool = False


@dataclass
class Memory:
    """What the article has said so far about who speaks: most recent last."""

    speakers: list[tuple[int, Speaker]] = field(default_factory=list)
    full_names: list[str] = field(default_factory=list)
    # (token index, name) of people named outside quotations, in text order
    mentions: list[tuple[int, str]] = field(default_factory=list)
    gender: dict[str, str] = field(default_factory=dict)
    # (token index, speaker) of organisations named outside quotations
    orgs: list[tuple[int, Speaker]] = field(default_factory=list)
    dateline_end: int = 0  # characters of a "CITY, Country (AGENCY) —" dateline, never a speaker

    def add(self, at: int, sp: Speaker) -> None:
        self.speakers.append((at, sp))

    def last(self, person: bool | None, before: int | None = None) -> Speaker | None:
        for at, sp in reversed(self.speakers):
            if before is not None and at > before:
                continue
            if person is None or sp.person == person:
                return sp
        return None

    def last_person(self, before: int, gender: str | None) -> Speaker | None:
        """The latest person named or speaking before ``before`` whose known gender fits."""
        cands: list[tuple[int, Speaker]] = [(at, sp) for at, sp in self.speakers
                                            if sp.person and not sp.plural and at < before]
        for at, name in self.mentions:
            if at < before:
                cands.append((at, Speaker(name, None, True, name.split()[-1].lower())))
        cands.sort(key=lambda x: x[0])
        for _at, sp in reversed(cands):
            known = self.gender.get(sp.name)
            if gender is None or known is None or known == gender:
                if gender is not None and known is None:
                    self.gender[sp.name] = gender
                # prefer the richer record of the same person (with a role)
                for _a, full in reversed(self.speakers):
                    if full.name == sp.name:
                        return full
                return sp
        return None

    def last_group(self, before: int, plural: bool) -> Speaker | None:
        """"it"/"they": the latest organisation (or, for "they", group of people) before ``before``."""
        cands = [(at, sp) for at, sp in self.speakers if at < before] + [
            (at, sp) for at, sp in self.orgs if at < before]
        cands.sort(key=lambda x: x[0])
        for _at, sp in reversed(cands):
            if not sp.person or (plural and sp.plural):
                if plural or not sp.plural or not sp.person:
                    return sp
        return None

    def by_word(self, word: str) -> Speaker | None:
        w = word.lower()
        for _at, sp in reversed(self.speakers):
            if w == sp.head or w in sp.name.lower().split() or (sp.role and w in sp.role.lower().split()):
                return sp
        return None

    def full_name(self, name: str) -> str:
        parts = name.split()
        if len(parts) != 1:
            return name
        for full in reversed(self.full_names):
            toks = full.split()
            if len(toks) > 1 and name in (toks[0], toks[-1]):
                return full
        return name



# ---------------------------------------------------------------- speakers

_SKIP_DEPS = {"relcl", "acl", "appos", "punct", "advcl", "cc"}


def _phrase(tok: Token, drop_appos: bool = True) -> list[Token]:
    """The subject's noun phrase without relative clauses, appositions and edge punctuation."""
    keep: list[Token] = []

    def walk(t: Token) -> None:
        keep.append(t)
        for c in t.children:
            if c.dep_ in _SKIP_DEPS and (c.dep_ != "appos" or drop_appos):
                continue
            walk(c)

    walk(tok)
    keep.sort(key=lambda t: t.i)
    keep = [t for t in keep if not (t.i < tok.i and t.is_punct and t.text in "—–-")]
    while keep and (keep[0].dep_ in ("det", "punct", "case") or keep[0].lower_ in ("its", "their", "his", "her")):
        keep = keep[1:]
    while keep and (keep[-1].is_punct or keep[-1].dep_ == "case"):
        keep = keep[:-1]
    return keep


def _text(toks: list[Token]) -> str:
    if not toks:
        return ""
    last = toks[-1]  # the words' span cut from the joined text: a Span rebuilds it from its tokens
    return doc_text(toks[0].doc)[toks[0].idx: last.idx + len(last.text)].strip()


def _person_in(tok: Token) -> Span | None:
    """A person's name inside the subject (NER PERSON, or a proper-noun appositive of a title)."""
    sub: set[int] = set()
    stack = [tok]
    while stack:  # the subtree, without relative clauses ("the union, which had said ...")
        t = stack.pop()
        sub.add(t.i)
        stack.extend(c for c in t.children if c.dep_ != "relcl")
    # only entities inside the subtree's span can qualify: read them off the tokens there instead
    # of scanning every entity of the document for each statement
    doc = tok.doc
    for i in range(min(sub), max(sub) + 1):
        if doc[i].ent_iob_ == "B" and doc[i].ent_type_ == "PERSON":
            end = i + 1
            while end < len(doc) and doc[end].ent_iob_ == "I":
                end += 1
            if all(j in sub for j in range(i, end)):
                return Span(doc, i, end, label="PERSON")
    # "Its commander, Ivo Rusnak": NER may call the name ORG; a PROPN apposition of a title is a person
    for t in tok.subtree:
        if t.i in sub and t.dep_ == "appos" and t.pos_ == "PROPN" and t.head.lemma_.lower() in (
                PERSON_TITLES | SPEAKER_NOUNS):
            left = t.left_edge.i
            while left < t.i and tok.doc[left].pos_ != "PROPN":
                left += 1
            return tok.doc[left: t.i + 1]
    titles = [c.lemma_.lower() for c in tok.children if c.dep_ == "compound" and c.lemma_.lower() in PERSON_TITLES]
    # "General" or "Chief" may name an institution ("Zelvar General Hospital"); "spokesman" may not
    if tok.pos_ == "PROPN" and titles and (set(titles) - AMBIGUOUS_TITLES or tok.ent_type_ not in (
            "ORG", "GPE", "FAC", "LOC", "NORP")):
        start = tok.i
        while start > 0 and tok.doc[start - 1].pos_ == "PROPN" and tok.doc[start - 1].lower_ not in PERSON_TITLES:
            start -= 1
        return tok.doc[start: tok.i + 1]
    return None


def strip_possessive(s: str) -> str:
    return re.sub(r"(?:'s|’s|'|’)$", "", s).strip()


def _gender_of(words: list[str]) -> str | None:
    low = {w.lower() for w in words}
    if low & FEMALE_WORDS:
        return "f"
    if low & MALE_WORDS:
        return "m"
    return None


# "CITY —", "CITY, Country (Agency) –", "CITY, Country, Feb 10 (Agency) --" at the start of a line
DATELINE = re.compile(r"^[ \t]*[A-Z][A-Z'’.\- ]{2,}(?:,[^(\n—–]{1,60}?)?(?:\s*\([^)\n]{1,60}\))?\s*[—–-]+\s",
                      re.M)


def dateline_end(text: str) -> int:
    m = DATELINE.match(text)
    return m.end() if m else 0


def resolve_speaker(subj: Token, memory: Memory) -> Speaker:
    """Resolve a subject token to a speaker (pronouns, role phrases, short names, documents)."""
    if subj.idx < memory.dateline_end:
        # the parser took the dateline ("ALCORIA — Police said") for the subject
        later = [t for t in subj.subtree if t.idx >= memory.dateline_end and t.pos_ in ("NOUN", "PROPN")
                 and t.dep_ in ("appos", "conj", "compound", "nsubj")]
        if later:
            subj = later[0].head if later[0].dep_ == "compound" and later[0].head.idx >= memory.dateline_end \
                else later[0]
    low = subj.lower_
    if low in RELATIVE_PRONOUNS and subj.head.dep_ == "relcl":
        subj = subj.head.head
        low = subj.lower_
    if subj.pos_ == "PRON" or low in PERSON_PRONOUNS | GROUP_PRONOUNS:
        found: Speaker | None
        if low in PERSON_PRONOUNS:
            found = memory.last_person(subj.i, _gender_of([low]) if low != "i" else None) or memory.last(
                None, subj.i)
        else:
            found = memory.last_group(subj.i, low in ("they", "we")) or memory.last(None, subj.i)
        if found is not None:
            return found
        return Speaker(subj.text, None, low in PERSON_PRONOUNS, low)
    person = _person_in(subj)
    if person is not None:
        name = memory.full_name(strip_possessive(person.text))
        role_toks = [t for t in _phrase(subj, drop_appos=False) if t.i not in range(person.start, person.end)]
        role = _text(role_toks).strip(" ,") or None
        head = name.split()[-1].lower()
        gender = _gender_of([t.text for t in role_toks])
        if gender and name not in memory.gender:
            memory.gender[name] = gender
        return Speaker(name, role if role and role != name else None, True, head)
    lemma = subj.lemma_.lower()
    if lemma in DOCUMENT_NOUNS:
        owner = document_owner(subj)
        if owner is not None:
            return resolve_speaker(owner, memory)
    toks = [t for t in _phrase(subj) if t.idx >= memory.dateline_end] or _phrase(subj)
    while toks and (toks[0].is_punct or toks[0].dep_ == "det"):
        toks = toks[1:]
    text = strip_possessive(_text(toks)) or subj.text
    det = next((c for c in subj.children if c.dep_ in ("det", "poss")), None)
    # "aid agencies" (a bare plural with a modifier) names some agencies, not one met before
    bare_plural = det is None and subj.tag_ == "NNS" and any(c.dep_ in ("compound", "amod") for c in subj.children)
    definite = not bare_plural and (det is None or det.lower_ in ("the", "its", "their", "his", "her", "this", "that"))
    if subj.pos_ != "PROPN" and definite and len(toks) <= 2:
        found = memory.by_word(lemma) or memory.by_word(subj.lower_)
        if found is None and lemma in GENERIC_ORG:
            found = memory.last_group(subj.i, False)
        if found is not None:
            return found
    if subj.pos_ == "PROPN" and len(toks) == 1:
        found = memory.by_word(subj.lower_)
        if found is not None and found.name.lower().endswith(subj.lower_) and len(found.name) > len(text):
            return found
        text = memory.full_name(text)
    is_person = subj.ent_type_ == "PERSON" or lemma in PERSON_TITLES
    plural = subj.tag_ in ("NNS", "NNPS") or any(c.dep_ == "conj" for c in subj.children)
    return Speaker(text, None, is_person, lemma, plural)


def speaker_from_span(span: Span, memory: Memory) -> Speaker:
    """A speaker named by a short label or parenthesis ("Health Directorate", "(Interior)",
    "Civil defence chief"): a person named in it, else a speaker already known whose name or
    role holds its words ("Interior" -> "Interior Ministry"), else the label itself."""
    words = [t for t in span if not t.is_punct and t.dep_ != "det" and t.lower_ not in ("the", "its", "their")]
    if not words:
        return Speaker(span.text, None, False, span.text.lower())
    for ent in span.ents:
        if ent.label_ == "PERSON":
            name = memory.full_name(strip_possessive(ent.text))
            return Speaker(name, None, True, name.split()[-1].lower())
    text = strip_possessive(span.doc[words[0].i: words[-1].i + 1].text)
    low = {t.lower_ for t in words} | {t.lemma_.lower() for t in words}
    for _at, sp in reversed(memory.speakers):
        name_words = set(sp.name.lower().split()) | set((sp.role or "").lower().split())
        if {t.lower_ for t in words} <= name_words or (sp.name.lower() == text.lower()):
            return sp
    head = words[-1]
    if head.pos_ != "PROPN":
        found = memory.by_word(head.lemma_.lower()) or memory.by_word(head.lower_)
        if found is not None and (low & (set(found.name.lower().split()) | set((found.role or "").lower().split()))):
            return found
    person = head.lemma_.lower() in PERSON_TITLES
    return Speaker(text, None, person, head.lower_, head.tag_ in ("NNS", "NNPS"))


def document_owner(tok: Token) -> Token | None:
    """The body a record belongs to: "its balance", "the figures of the ministry", "estimates
    from aid agencies", "the police logs". None for "the latest data": no body is named."""
    for c in tok.children:
        if c.dep_ == "poss":
            return c
    preps = sorted((c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("of", "from", "by")),
                   key=lambda c: ("by", "from", "of").index(c.lower_))
    for c in preps:
        g = next((g for g in c.children if g.dep_ == "pobj"), None)
        if g is None or g.lemma_.lower() in DOCUMENT_NOUNS or g.pos_ not in ("NOUN", "PROPN", "PRON"):
            continue
        if any(x.dep_ == "nummod" or x.like_num for x in g.children):
            continue  # "a poll of 1,204 adults": who was asked, not who asked
        return g
    # "a poll (of 900 adults) published by the X institute": with no possessor, whoever issued it
    # owns it, wherever the parser hung the participle inside the phrase
    near = list(tok.children) + [g for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
                                 for p in c.children for g in p.children]
    for c in near:
        by = c if c.dep_ in ("prep", "agent") and c.lower_ == "by" else None
        if c.dep_ == "acl" and c.tag_ == "VBN":
            by = next((a for a in c.children if a.dep_ == "agent"), None)
        pobj = next((g for g in by.children if g.dep_ == "pobj"), None) if by is not None else None
        if pobj is not None and pobj.ent_type_ not in ("DATE", "TIME"):
            return pobj
    for c in tok.children:
        if c.dep_ == "amod" and c.ent_type_ == "NORP" and c.i < tok.i:
            return c  # "Estavian figures": the nation's (government's) figures
        if c.dep_ in ("compound", "nmod") and c.i < tok.i and (
                c.pos_ == "PROPN" or c.ent_type_ in ("ORG", "NORP", "GPE", "PERSON")
                or c.lemma_.lower() in SPEAKER_NOUNS):
            return c
    return None


def is_ownerless_document(tok: Token) -> bool:
    """"the latest data", "official figures": a record with no body named is no speaker."""
    return tok.lemma_.lower() in DOCUMENT_NOUNS and tok.lemma_.lower() != "source" and document_owner(tok) is None


def _of_pobj(tok: Token) -> Token | None:
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            return next((g for g in c.children if g.dep_ == "pobj"), None)
    return None
