"""Whose voice a sentence without a reporting cue of its own speaks in.

Statements cover the sentences with a cue. Figures elsewhere are the article's own voice,
except in two cases the spec names (``shared/spec/records.md``, hard cases):

- a press release republished as an article, whose dateline names the issuing body
  ("GENEVA (Red Cross) –"), speaks in the issuer's voice;
- a sentence that continues an attributed report in paraphrase ("Of the dead, 40 were in
  the capital.") keeps that report's source.

This module finds both and writes them as *voices*: token ranges with a speaker that are
not statements. The figures stage reads them after the statements.
"""

from __future__ import annotations

import bisect
import itertools
import re
from typing import Any

from spacy.attrs import LEMMA, LIKE_NUM, LOWER
from spacy.tokens import Doc, Span, Token

from .. import wordlists
from ..util import TokenTest, doc_text, newline_tokens
from .cues import is_speakerish
from .speakers import document_owner, is_ownerless_document

# "CITY (Body) –", "CITY, Country, 12 May 2032 (Body) –": the parenthesis names who issued the text
_DATELINE_SOURCE = re.compile(
    r"^\s*(?P<place>[A-Z][A-Z'’.\- ]{2,})(?:,[^(\n]{0,60})?\s*\((?P<body>[^)\n]{1,80})\)\s*[—–-]+\s")
_BOILERPLATE = re.compile(r"\b(?:Media contact|Press contact|Notes to editors|For more information|About "
                          r"(?:the )?[A-Z][\w’'\- ]{1,60}:)", re.I)
_WE = re.compile(r"\b(?:we|our|us)\b", re.I)
_QUOTED = re.compile(r"\"[^\"\n]*\"|“[^”\n]*”|«[^»\n]*»")
_SMALL = {"of", "and", "the", "for", "de", "la", "du", "des", "&"}


def _acronym(name: str) -> str:
    words = [w for w in re.findall(r"[\w’']+", name) if w.lower() not in _SMALL]
    return "".join(w[0] for w in words).upper()


def abbreviates(short: str, name: str) -> bool:
    """"ENW" abbreviates "Europa Newswire": the capitals of ``short`` appear in order in the
    name's letters, the first being the name's initial."""
    letters = re.sub(r"[^a-z]", "", re.sub(r"^the\s+", "", name.casefold()))
    s = short.strip().casefold()
    if not (short.strip().isupper() and 2 <= len(s) <= 6 and letters.startswith(s[0])):
        return False
    k = 0
    for ch in letters:
        if k < len(s) and ch == s[k]:
            k += 1
    return k == len(s)


def _same_body(a: str, b: str) -> bool:
    """Whether two names denote the same body: equal, one the other's acronym, or one
    contained in the other word for word."""
    a = re.sub(r"\s*\([^)]*\)", "", a)
    b = re.sub(r"\s*\([^)]*\)", "", b)
    if abbreviates(a, b) or abbreviates(b, a):
        return True
    a_l, b_l = a.casefold().strip(), b.casefold().strip()
    if not a_l or not b_l:
        return False
    if a_l == b_l or a.strip().upper() == _acronym(b) or b.strip().upper() == _acronym(a):
        return True
    aw, bw = set(re.findall(r"\w+", a_l)) - _SMALL, set(re.findall(r"\w+", b_l)) - _SMALL
    return bool(aw) and bool(bw) and (aw <= bw or bw <= aw)


def is_news_organisation(name: str) -> bool:
    """A wire service or broadcaster (the dateline's "(Reuters)" credits the copy, not a voice)."""
    words = set(re.findall(r"[\w’']+", name.casefold()))
    return bool(words & wordlists.words("news_organisation_words")) or \
        name.strip().casefold() in wordlists.words("news_agencies")


def expand_acronym(text: str, short: str) -> str:
    """The full name an article gives for an acronym ("Red Cross Society (RCS)"), else the acronym."""
    if not short.isupper() or " " in short:
        return short
    m = re.search(r"((?:[A-Z][\w’'\-]*\s+(?:(?:of|and|for|the|de)\s+)*){2,8})\(" + re.escape(short) + r"\)", text)
    if m:
        full = m.group(1).strip()
        full = re.sub(r"^(?:The|A)\s+", "", full)
        if _acronym(full).endswith(short) or _acronym(full) == short:
            return full
    return short


def press_release_issuer(text: str, outlet: str | None) -> str | None:
    """The body whose press release this article is, from a dateline naming it, or None.

    The parenthesis of a wire dateline credits the news agency that wrote the copy ("(OPA)"
    for the Orbis Press Agency), so it is no issuer when it names the outlet or any news
    organisation. When the outlet is unknown, a release also needs a sign of its genre:
    press-office boilerplate ("Media contact", "Notes to editors", "About X:") or the
    issuer speaking of itself as "we"/"our" outside quotations.
    """
    m = _DATELINE_SOURCE.match(text)
    if not m:
        return None
    body = m.group("body").strip()
    if re.search(r"\d", body) or is_news_organisation(body):
        return None
    if outlet and (_same_body(body, outlet) or _same_body(expand_acronym(text, body), outlet)):
        return None
    if outlet is None:
        own = _QUOTED.sub(" ", text)
        if not (_BOILERPLATE.search(text) or len(_WE.findall(own)) >= 2):
            return None
    return expand_acronym(text, body)


def issuer_voices(doc: Doc, issuer: str, stmts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every sentence of a press release that no statement covers speaks in the issuer's voice."""
    covered = [(s["tok_start"], s["tok_end"]) for s in stmts]
    out: list[dict[str, Any]] = []
    for sent in doc.sents:
        if any(a <= sent.start < b or a < sent.end <= b for a, b in covered):
            continue
        out.append(_voice(sent, issuer, None, "issuer"))
    return out


def _voice(span: Span, speaker: str, role: str | None, kind: str) -> dict[str, Any]:
    return {"tok_start": span.start, "tok_end": span.end, "speaker": speaker, "role": role, "kind": kind}


_NUMBER_WORD = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen"
                r"|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
                r"|hundred)")
# a sentence that opens by referring back to what was just reported ("Of the dead, ...",
# "Another 431 died", "Seventeen of the injured ...", "His crews had recovered ...")
_ANAPHORIC_OPENING = re.compile(
    # a short fronted setting, perhaps with an apposition: "In the capital, ", "In Tarvik, the main port, "
    r"^\W*(?:(?:in|on|at|by|for) [^,;\s]+(?: [^,;\s]+){0,3}, (?:the [^,;\s]+(?: [^,;\s]+){0,3}, )?)?"
    r"(?:(?:of|among) (?:the|them|those|these|whom)\b|another\b|the (?:rest|remaining|other)\b|most of\b"
    r"|all (?:of )?(?:the|them|those)\b|(?:his|her|its|their) \w+|(?:they|it|he|she) (?!said|says)\w+"
    r"|\w+(?:-\w+)? (?:more )?of (?:the|them|those|these)\b"
    # the group or record just reported: "The dead are ...", "the count was ..."
    r"|the (?:dead|deceased|injured|wounded|victims|missing|evacuees|count|toll|tally|total|figure|number)\b"
    # an elliptic count, the noun left to the report before: "Twelve were still there", "Two more
    # nationals are injured" (not "About 100 civilians have been evacuated": a new subject)
    r"|(?:about |some |around |another |only |at least |more than |nearly |almost )?"
    r"(?:\d[\d,.]*|" + _NUMBER_WORD + r"(?:-" + _NUMBER_WORD + r")?) (?:more \w+ |more |of them )?"
    r"(?:were|are|was|is|remain|remained|have|had|may|died|survived)\b)", re.I)
_BACKGROUND_YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b")


def _paragraph_starts(doc: Doc) -> list[int]:
    return [0] + [k + 1 for k in newline_tokens(doc) if doc[k].is_space and "\n\n" in doc[k].text.replace("\r", "")]


_VAGUE_AMOUNT = TokenTest(LOWER, frozenset(("dozens", "hundreds", "thousands")).__contains__)


def continuation_voices(doc: Doc, stmts: list[dict[str, Any]], taken: list[dict[str, Any]]
                        ) -> list[dict[str, Any]]:
    """Sentences with no cue that continue the report just before them keep its speaker.

    A continuation must refer back in its opening words ("Of the dead, 1,104 were in the
    province"; "Another 431 died"; "Two of them ..."; "Its teams ...") and sit in the same
    paragraph as the report, or open the paragraph right after it. Sentences that name a
    year before the publication year are background, not the report."""
    spans = sorted([(s["tok_start"], s["tok_end"], s["speaker"], s.get("role")) for s in stmts if s.get("speaker")])
    blocked = [(v["tok_start"], v["tok_end"]) for v in taken]
    paras = _paragraph_starts(doc)
    pub_year = None
    if doc._.pub_date:
        pub_year = int(str(doc._.pub_date)[:4])
    out: list[dict[str, Any]] = []
    last: tuple[int, str, str | None] | None = None  # (end token, speaker, role) of the latest report
    # sentences come in order, so the reports and blocked spans around each are found with a moving
    # pointer and bisect instead of a scan of all of them per sentence (linear in a long paragraph)
    span_starts = [sp[0] for sp in spans]
    blocked.sort()
    blocked_starts = [a for a, _ in blocked]
    reach = list(itertools.accumulate((b for _, b in blocked), max))
    active: list[int] = []  # indices into spans that started before the current sentence
    nxt = 0
    full = doc_text(doc)
    # per token: a number or a vague amount, read once for the document, not per sentence
    numbers = doc.to_array(LIKE_NUM).tolist()
    for i in _VAGUE_AMOUNT.positions(doc):
        numbers[i] = 1
    for sent in doc.sents:
        while nxt < len(spans) and spans[nxt][0] < sent.start:
            active.append(nxt)
            nxt += 1
        active = [k for k in active if spans[k][1] > sent.start]
        hi = bisect.bisect_left(span_starts, sent.end, lo=nxt)
        inside = [spans[k] for k in active] + spans[nxt:hi]
        if inside:
            best = max(inside, key=lambda sp: sp[1])
            last = (best[1], best[2], best[3])
            continue
        b = bisect.bisect_right(blocked_starts, sent.start)
        if (b and reach[b - 1] > sent.start) or last is None:
            continue
        text = full[sent.start_char:sent.end_char].strip()
        if not text or not any(numbers[i] for i in range(sent.start, sent.end)):
            continue
        p_sent = bisect.bisect_right(paras, sent.start) - 1
        p_last = bisect.bisect_right(paras, max(last[0] - 1, 0)) - 1
        opens_para = paras[p_sent] == sent.start or not doc[paras[p_sent]: sent.start].text.strip()
        if not (p_sent == p_last or (p_sent == p_last + 1 and opens_para)):
            last = None
            continue
        if not _ANAPHORIC_OPENING.match(text):
            continue
        years = [int(y) for y in _BACKGROUND_YEAR.findall(text)]
        if pub_year is not None and any(y < pub_year for y in years):
            continue
        out.append(_voice(sent, last[1], last[2], "continuation"))
        last = (sent.end, last[1], last[2])
    return out


def _is_eyewitness_verb(lemma: str) -> bool:
    return lemma.lower() in wordlists.words("eyewitness_verbs")


_EYEWITNESS_VERB = TokenTest(LEMMA, _is_eyewitness_verb)


def eyewitness_voices(doc: Doc) -> list[dict[str, Any]]:
    """Counts by the outlet's own reporters ("reporters saw at least 20 bodies", "our
    correspondent estimates 4,000"): the figures in that clause are theirs; it is a sighting,
    not a statement (spec, hard cases)."""
    out: list[dict[str, Any]] = []
    nouns = wordlists.words("eyewitness_nouns")
    for i in _EYEWITNESS_VERB.positions(doc):
        tok = doc[i]
        if tok.pos_ != "VERB":
            continue
        subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
        if subj is None or subj.lemma_.lower() not in nouns:
            continue
        mods = [c for c in subj.children if c.dep_ in ("compound", "poss", "amod") and c.i < subj.i
                and c.lower_ not in ("our", "the", "a")]
        start = min([subj.i] + [m.left_edge.i for m in mods])
        name = doc[start: subj.i + 1].text
        out.append({"tok_start": tok.left_edge.i, "tok_end": tok.right_edge.i + 1, "speaker": name,
                    "role": None, "kind": "eyewitness", "verb": tok.i})
    return out


_ACCORDING = re.compile("according", re.I)


def data_keeper(seg: Span, prev: Span) -> Token | None:
    """Who keeps "the latest data" a sentence cites without naming anyone: the body the
    sentence before it, in the same paragraph, is about ("The ministry keeps a running tally
    of arrests. According to the latest data, 412 ..."). None when that sentence names no
    body that can report (spec, hard cases)."""
    if _ACCORDING.search(doc_text(seg.doc), seg.start_char, seg.end_char) is None:
        return None  # no "according" in the sentence's text: no need to read its tokens
    if not any(t.lower_ == "according" and t.i + 1 < seg.end and t.nbor().lower_ == "to" and any(
            is_ownerless_document(g) for g in t.nbor().children if g.dep_ == "pobj") for t in seg):
        return None
    if "\n\n" in seg.doc[prev.start: seg.start].text or "\n\n" in prev.text.strip():
        return None
    subj = next((c for c in prev.root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None:
        return None
    owner = document_owner(subj) if subj.lemma_.lower() in wordlists.words("document_nouns") else None
    cand = owner if owner is not None else subj
    if cand.pos_ == "PRON" or not is_speakerish(cand) or is_ownerless_document(cand):
        return None
    return cand
