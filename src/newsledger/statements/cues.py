"""Reporting cues: speech verbs with a subject that can speak, and "according to".
"""

from __future__ import annotations

import bisect

from spacy.attrs import LEMMA, LOWER
from spacy.tokens import Doc, Span, Token

from .. import wordlists
from ..util import TokenTest
from .lexicon import (
    CONDITIONAL_MARKS,
    COUNT_OBJECTS,
    DOCUMENT_NOUNS,
    EVIDENCE_VERBS,
    GROUP_PRONOUNS,
    MUTE_SUBJECTS,
    NEEDS_CLAUSE,
    OPEN_SUBJECT_VERBS,
    PERSON_PRONOUNS,
    RELATIVE_PRONOUNS,
    SPEAKER_NOUNS,
    SPEECH_VERBS,
)
from .speakers import document_owner, is_ownerless_document

# ---------------------------------------------------------------- cues

def is_speakerish(tok: Token) -> bool:
    low = tok.lower_
    if tok.pos_ == "PRON":
        return low in PERSON_PRONOUNS | GROUP_PRONOUNS | RELATIVE_PRONOUNS
    if tok.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
        return True
    if tok.pos_ == "PROPN":
        return True
    if tok.lemma_.lower() in SPEAKER_NOUNS or low in SPEAKER_NOUNS:
        return True
    if tok.lemma_.lower() in DOCUMENT_NOUNS:
        # "estimates from aid agencies", "the council's records": the record's owner speaks
        owner = document_owner(tok)
        return owner is not None and owner is not tok and is_speakerish(owner)
    # a name inside the phrase ("the Red Cross's team"), not in a clause or a place phrase on it
    # ("the reform, which the minister's government passed", "a station at Lorsk")
    stack = list(tok.children)
    while stack:
        t = stack.pop()
        if t.dep_ in ("relcl", "acl", "advcl", "ccomp"):
            continue
        located = t.head.dep_ == "prep" and t.head.lower_ != "of"
        if t.ent_type_ in (("PERSON", "ORG") if located else ("PERSON", "ORG", "NORP", "GPE")):
            return True
        stack.extend(t.children)
    return False


def _subject(verb: Token) -> Token | None:
    for c in verb.children:
        if c.dep_ in ("nsubj", "csubj"):
            return c
    # participles and coordinated verbs share the subject of the verb they hang from
    if verb.dep_ in ("advcl", "conj", "xcomp") and verb.head != verb and verb.head.pos_ in ("VERB", "AUX"):
        if verb.dep_ == "advcl" and verb.tag_ not in ("VBG",):
            return None
        return _subject(verb.head)
    return None


def _subject_before(verb: Token) -> Token | None:
    """Parser fallback for "..., a TASS correspondent on the scene said." when the noun phrase
    before a clause-final speech verb was attached elsewhere (often as an apposition)."""
    if verb.i == 0 or any(c.dep_ in ("dobj", "ccomp") and c.i > verb.i for c in verb.children):
        return None
    k = verb.i - 1
    doc = verb.doc
    while k >= 0 and doc[k].is_punct:
        k -= 1
    if k < 0 or doc[k].pos_ not in ("NOUN", "PROPN"):
        return None
    node = doc[k]
    while node.dep_ in ("pobj", "prep", "compound", "amod", "poss", "case", "nmod") and node.head.i < verb.i \
            and node.head != node:
        node = node.head
    if node.pos_ in ("NOUN", "PROPN") and node.dep_ in ("appos", "conj", "npadvmod", "dobj", "pobj", "dep"):
        return node
    return None


def _reporting_subject_before(verb: Token) -> Token | None:
    """", the ministry said, counting 757,000 protesters": a participle right after a report
    continues it, whatever verb the parser hung it on."""
    k = verb.i - 1
    if k < 1 or verb.doc[k].text != ",":
        return None
    prev = verb.doc[k - 1]
    if prev.pos_ != "VERB" or prev.lemma_.lower() not in SPEECH_VERBS:
        return None
    return next((c for c in prev.children if c.dep_ in ("nsubj", "nsubjpass")), None)


def _has_evidence(verb: Token, seg_quotes: bool) -> bool:
    if seg_quotes:
        return True
    for t in verb.subtree:
        if t.like_num or t.pos_ == "NUM":
            return True
    return any(c.dep_ in ("ccomp", "oprd") for c in verb.children)


def is_quoted(tok: Token, quotes: list[tuple[int, int]]) -> bool:
    return any(qs < tok.idx < qe for qs, qe in quotes)


def _hypothetical(verb: Token) -> bool:
    """Negated, modal or conditional cues report nothing ("did not respond", "can call",
    "when the unions announce")."""
    for c in verb.children:
        if c.dep_ == "neg":
            return True
        if c.dep_ == "aux" and c.tag_ == "MD":
            return True
        if c.dep_ in ("mark", "advmod") and c.lower_ in CONDITIONAL_MARKS:
            return True
    return False


_LATE_DEPS = {"dobj", "npadvmod", "nsubj", "attr", "dep", "appos", "pobj", "oprd"}


def inverted_speaker(verb: Token) -> Token | None:
    """The speaker named after a clause-final speech verb: "..., informed on Tuesday the
    ministry", "..., clarified the committee's representative". Only when nothing before the
    verb in its clause is its subject and the verb follows the reported words and a comma."""
    if any(c.dep_ in ("nsubj", "nsubjpass", "csubj") and c.i < verb.i for c in verb.children):
        return None
    if verb.tag_ == "VBG" or any(c.dep_ in ("ccomp", "xcomp") for c in verb.children):
        return None  # "telling the broadcaster that ...": the object is who was told
    k = verb.i - 1
    doc = verb.doc
    while k > verb.sent.start and doc[k].dep_ in ("advmod", "neg") and doc[k].head == verb:
        k -= 1
    if k <= verb.sent.start or doc[k].text not in (",", "—", "–"):
        return None
    for c in verb.children:
        if c.i > verb.i and c.dep_ in _LATE_DEPS and c.pos_ in ("NOUN", "PROPN") and c.ent_type_ != "DATE":
            if is_speakerish(c) and not c.like_num:
                return c
        if c.dep_ == "prep" and c.i > verb.i and c.lower_ not in ("by",):
            for g in c.children:
                if g.dep_ == "pobj" and g.ent_type_ in ("PERSON",) and g.i > verb.i:
                    return g
    return None


def passive_agent(verb: Token) -> Token | None:
    """The body of a passive report: "as confirmed by the prosecutor", "was announced by X"."""
    if verb.tag_ != "VBN":
        return None
    if verb.lemma_.lower() in EVIDENCE_VERBS and not _has_evidence(verb, False):
        return None
    if verb.dep_ in ("acl", "amod") and verb.head.lemma_.lower() in DOCUMENT_NOUNS:
        return None  # "the ministry's report published by the agency X": X relays the report
    for c in verb.children:
        if c.dep_ == "agent":
            g = next((g for g in c.children if g.dep_ == "pobj"), None)
            if g is not None and is_speakerish(g):
                return g
    return None


def _not_speech(verb: Token, subj: Token) -> bool:
    """Uses of reporting verbs that report nothing: "the quake claimed 40 lives", "she has
    reported on disasters", "it now stands at 152", "6,300 residents registered to leave"."""
    lemma = verb.lemma_.lower()
    objs = [c for c in verb.children if c.dep_ in ("dobj", "attr")]
    if lemma == "claim" and any(o.lemma_.lower() in ("life", "live", "victim", "casualty") for o in objs):
        return True
    if lemma in ("report", "write", "comment") and not objs and not any(
            c.dep_ in ("ccomp", "xcomp", "parataxis") for c in verb.children) and any(
            c.dep_ == "prep" and c.lower_ in ("on", "about", "from", "for") for c in verb.children):
        return True
    if lemma == "stand" and not any(c.lower_ == "by" for c in verb.children):
        return True
    # a counted subject is what is counted, not who counts
    return lemma in EVIDENCE_VERBS and any(c.dep_ == "nummod" or c.like_num for c in subj.children)


def is_eyewitness(verb: Token, subj: Token) -> bool:
    """Whether a verb and its subject make an eyewitness count rather than a report."""
    return bool(verb.lemma_.lower() in wordlists.words("eyewitness_verbs")
                and subj.lemma_.lower() in wordlists.words("eyewitness_nouns"))


VAGUE_AMOUNTS = {"dozens", "hundreds", "thousands", "millions", "scores"}
CONTRAST_MARKS = {"while", "whereas", "although", "though", "but"}


def dominates(a: Token, b: Token) -> bool:
    """Whether cue ``a`` reports cue ``b``'s clause. Contrasted or coordinated reports
    ("police said 80,000, while the union said 400,000") stay separate."""
    if a != b and a not in b.ancestors:
        return False
    node = b
    while node != a:
        if node.dep_ == "conj" or (node.dep_ == "advcl" and any(
                c.dep_ == "mark" and c.lower_ in CONTRAST_MARKS for c in node.children)):
            return False
        lo, hi = sorted((node.i, node.head.i))
        if any(t.text == ";" for t in node.doc[lo:hi]):
            return False  # "X blames a strike; Y says a rocket misfired": two reports, whatever the parse
        node = node.head
    return True


_CUE_WORDS = frozenset(("according", "per", "by"))


def _is_cue_lemma(lemma: str) -> bool:
    low = lemma.lower()
    return low in SPEECH_VERBS or low in EVIDENCE_VERBS


_CUE_WORD = TokenTest(LOWER, _CUE_WORDS.__contains__)
_CUE_LEMMA = TokenTest(LEMMA, _is_cue_lemma)


def cue_candidates(doc: Doc) -> list[int]:
    """The tokens of ``doc`` that can be cues (a cue word, or a verb with a speech or evidence
    lemma), in order: found once per document, so each segment visits only these."""
    verbs = [i for i in _CUE_LEMMA.positions(doc) if doc[i].pos_ == "VERB"]
    return sorted(set(_CUE_WORD.positions(doc)).union(verbs))


def find_cues(seg: Span, has_quote: bool, quotes: list[tuple[int, int]] | None = None,
              candidates: list[int] | None = None) -> list[tuple[Token, Token | None, str]]:
    """(cue token, subject token or None, cue text) for each reporting cue in the segment.
    Cues inside a quotation belong to the quoted speaker's words, not to the report.
    ``candidates`` is ``cue_candidates(seg.doc)`` when the caller has it."""
    quotes = quotes or []
    cues: list[tuple[Token, Token | None, str]] = []
    doc = seg.doc
    if candidates is None:
        candidates = cue_candidates(doc)
    lo = bisect.bisect_left(candidates, seg.start)
    hi = bisect.bisect_left(candidates, seg.end, lo)
    for i in candidates[lo:hi]:
        tok = doc[i]
        lemma = tok.lemma_.lower()
        # only these words can be cues: the rest need no quotation check (most tokens of a segment)
        if tok.lower_ not in _CUE_WORDS and (tok.pos_ != "VERB" or (
                lemma not in SPEECH_VERBS and lemma not in EVIDENCE_VERBS)):
            continue
        if is_quoted(tok, quotes):
            continue
        if tok.lower_ == "according" and tok.i + 1 < seg.end and tok.nbor().lower_ == "to":
            pobj = next((c for c in tok.nbor().children if c.dep_ == "pobj"), None)
            if pobj is not None and not is_ownerless_document(pobj):
                cues.append((tok, pobj, "according to"))
            continue
        if tok.lower_ == "per" and tok.dep_ == "prep":
            pobj = next((c for c in tok.children if c.dep_ == "pobj"), None)
            if pobj is not None and not is_ownerless_document(pobj) and is_speakerish(pobj):
                cues.append((tok, pobj, "per"))
            continue
        if tok.lower_ == "by" and tok.dep_ in ("prep", "agent") and tok.head.tag_ != "VBN":
            # "1.12 million by the ministry's count", "and 2.5 million by the union's"
            pobj = next((c for c in tok.children if c.dep_ == "pobj"), None)
            if pobj is not None and (
                    (pobj.lemma_.lower() in DOCUMENT_NOUNS and document_owner(pobj) is not None)
                    or any(c.dep_ == "case" for c in pobj.children)
                    or (pobj.i + 1 < len(pobj.doc) and pobj.nbor().text in ("'", "’") and pobj.tag_ == "NNS")
            ) and is_speakerish(
                        document_owner(pobj) or pobj):
                cues.append((tok, pobj, "by"))
            continue
        if tok.pos_ not in ("VERB",) or (lemma not in SPEECH_VERBS and lemma not in EVIDENCE_VERBS):
            continue
        if _hypothetical(tok):
            continue
        late = inverted_speaker(tok) if lemma in SPEECH_VERBS else None
        if late is None:
            late = passive_agent(tok)
        if late is not None and not is_quoted(late, quotes):
            cues.append((tok, late, tok.text))
            continue
        if tok.dep_ in ("amod", "acl") and tok.tag_ == "VBN":
            continue
        if tok.tag_ == "VBN" and not any(c.dep_ in ("aux", "auxpass", "nsubj") for c in tok.children):
            continue  # "people confirmed dead": a participle, not a report
        if tok.tag_ == "VBG" and any(c.dep_ == "nsubj" for c in tok.children) and not any(
                c.dep_ == "aux" for c in tok.children):
            continue  # "with Russia and Ukraine blaming each other": an absolute clause
        if lemma in NEEDS_CLAUSE and not has_quote and not any(
                c.dep_ in ("ccomp", "xcomp", "oprd") for c in tok.children) and tok.dep_ not in ("parataxis",):
            if not any(t.like_num or t.lower_ in VAGUE_AMOUNTS for t in tok.subtree if t.i > tok.i):
                continue
        subj = _subject(tok)
        if tok.tag_ == "VBG" and not any(c.dep_ == "nsubj" for c in tok.children):
            subj = _reporting_subject_before(tok) or subj
        if subj is None and lemma in OPEN_SUBJECT_VERBS:
            subj = _subject_before(tok)
        if subj is None or is_quoted(subj, quotes) or subj.lemma_.lower() in MUTE_SUBJECTS:
            continue
        if _not_speech(tok, subj) or is_eyewitness(tok, subj):
            continue
        if not (is_speakerish(subj) or (lemma in OPEN_SUBJECT_VERBS and subj.pos_ in ("NOUN", "PROPN"))):
            continue
        if lemma in EVIDENCE_VERBS and not _has_evidence(tok, has_quote):
            continue
        if lemma == "give" and not any(c.dep_ == "dobj" and c.lemma_.lower() in COUNT_OBJECTS
                                       for c in tok.children):
            continue
        cues.append((tok, subj, tok.text))
    return cues
