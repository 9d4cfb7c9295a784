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

import re
from typing import Any

from spacy.tokens import Doc, Span

from .. import wordlists

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
