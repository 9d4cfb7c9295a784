"""Find who is reported as saying what: direct quotes, indirect speech, "according to".

The ``newsledger_statements`` component writes ``doc._.statements`` (a list of plain
dicts, so Docs stay serialisable across processes). A statement is one *segment*:
a sentence, or several sentences joined because a quotation runs across them.
A segment with reporting cues gives one statement, or one per clause when
coordinated clauses carry different speakers. A segment that is only a quotation
and follows a statement continues that speaker. Speakers are resolved through
pronouns ("he said"), role phrases ("the spokesman", "the ministry") and short
names ("Zelenskyy") to the fullest name the article gave.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

# Lemmas of verbs that report speech when their subject can speak.
SPEECH_VERBS = {
    "say", "tell", "report", "announce", "state", "claim", "deny", "confirm", "accuse", "assure",
    "declare", "estimate", "condemn", "warn", "insist", "explain", "add", "reject", "acknowledge",
    "admit", "dismiss", "allege", "argue", "blame", "promise", "vow", "urge", "note", "stress",
    "emphasise", "emphasize", "tweet", "write", "comment", "reply", "respond", "predict", "suggest",
    "describe", "express", "ask", "demand", "recall", "maintain", "contend", "concede", "complain",
    "disclose", "reveal", "testify", "inform", "conclude", "counter", "retort", "affirm", "caution",
    "decry", "criticise", "criticize", "apologise", "apologize", "pledge", "threaten",
    "post", "quote", "cite", "assert", "observe", "remark", "signal", "update",
}
# Verbs that report only with evidence of content: a quote, a number or a that-clause.
EVIDENCE_VERBS = {"put", "count", "find", "give", "issue", "revise", "call", "speak", "defend", "record",
                  "register", "list", "show", "raise", "lower", "spoke", "tally", "place"}
# Nouns that can speak (heads of subjects such as "the spokesman", "police", "organisers").
SPEAKER_NOUNS = {
    "spokesman", "spokeswoman", "spokesperson", "official", "officials", "police", "minister", "ministry",
    "government", "authority", "authorities", "organiser", "organizer", "union", "agency", "media",
    "force", "forces", "army", "military", "correspondent", "reporter", "witness", "resident", "doctor",
    "hospital", "rescuer", "president", "governor", "mayor", "leader", "commander", "chief", "director",
    "head", "report", "statement", "survey", "study", "source", "analyst", "expert", "officer",
    "spokespeople", "department", "office", "council", "committee", "company", "group", "federation",
    "alliance", "coalition", "party", "prosecutor", "court", "judge", "lawyer", "activist", "medic",
    "worker", "volunteer", "team", "service", "administration", "inspector", "inspectorate", "regulator",
    "ambassador", "envoy", "secretary", "adviser", "advisor", "representative", "coordinator",
    "broadcaster", "newspaper", "paper", "outlet", "channel", "observer", "monitor", "mission", "ngo",
    "charity", "operator", "firm", "board", "bank", "institute", "university", "researcher",
    "scientist", "engineer", "manager", "executive", "ceo", "owner", "premier", "chancellor", "king",
    "queen", "pope", "general", "colonel", "captain", "admiral", "sergeant", "lieutenant", "senator",
    "lawmaker", "legislator", "mp", "deputy", "cabinet", "presidency", "kremlin", "pentagon", "embassy",
    "regime", "junta", "rebel", "militant", "insurgent", "fighter", "troop", "soldier", "guard",
    "relative", "family", "survivor", "victim", "eyewitness", "citizen", "villager", "local", "people",
    "organisation", "organization", "association", "network", "spokesmen", "staff",
    "prefecture", "centre", "center", "municipality", "steward", "medics",
}
PERSON_TITLES = {"president", "minister", "spokesman", "spokeswoman", "spokesperson", "governor", "mayor",
                 "captain", "admiral", "general", "colonel", "chief", "commander", "leader", "secretary",
                 "adviser", "advisor", "director", "head", "prime", "senator", "ambassador", "envoy",
                 "coordinator", "correspondent", "reporter", "doctor", "dr", "mr", "mrs", "ms", "judge",
                 "prosecutor", "officer", "sergeant", "lieutenant", "deputy", "chairman", "chairwoman",
                 "ceo", "executive", "manager", "king", "queen", "pope", "premier", "chancellor"}
# strong speech verbs: any noun subject speaks ("the transfusion centre said")
OPEN_SUBJECT_VERBS = {"say", "tell", "report", "announce", "state", "estimate", "add", "warn", "claim", "deny"}
# ambiguous verbs report speech only with a clause, a quote or a number ("admitted 46 patients" is not)
NEEDS_CLAUSE = {"admit", "note", "reveal", "suggest", "signal", "recall", "maintain", "update", "post", "write",
                "observe", "claim", "add", "describe", "call", "count"}
# subjects that never speak even though a parser may make them the subject of "confirmed"
MUTE_SUBJECTS = {"number", "toll", "figure", "total", "tally", "count", "death", "amount", "share"}
ORG_NOUNS = {"ministry", "government", "union", "agency", "company", "firm", "police", "army", "military",
             "office", "department", "service", "council", "committee", "federation", "alliance", "coalition",
             "party", "court", "administration", "inspectorate", "regulator", "hospital", "group", "operator",
             "organisation", "organization", "association", "network", "charity", "mission", "prefecture",
             "authority", "authorities", "embassy", "kremlin", "presidency", "cabinet", "centre", "center"}
GENERIC_ORG = {"company", "firm", "operator", "group", "organisation", "organization", "agency", "charity",
               "carrier", "owner", "employer"}
COUNT_OBJECTS = {"toll", "figure", "number", "estimate", "count", "tally", "total", "breakdown", "account",
                 "detail", "update", "statement", "warning"}
CONDITIONAL_MARKS = {"when", "whenever", "if", "unless", "once"}
# reports and records speak for whoever owns them ("the ministry's final tally")
DOCUMENT_NOUNS = {"bulletin", "report", "record", "tally", "figure", "data", "statement", "count", "document",
                  "statistic", "estimate", "audit", "survey", "update", "release", "register", "list",
                  "source", "account", "website", "channel"}
FEMALE_WORDS = {"she", "her", "spokeswoman", "chairwoman", "mrs", "ms", "woman", "queen", "mother",
                "congresswoman", "businesswoman"}
MALE_WORDS = {"he", "him", "his", "spokesman", "chairman", "mr", "man", "king", "father", "congressman",
              "businessman"}
AMBIGUOUS_TITLES = {"general", "chief", "head", "director", "leader", "executive", "manager", "officer"}
PERSON_PRONOUNS = {"he", "she", "him", "her", "i"}
GROUP_PRONOUNS = {"they", "it", "we"}
RELATIVE_PRONOUNS = {"who", "which", "that"}
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
OPEN_QUOTES = "“«\u201e"
CLOSE_QUOTES = "”»"
_SENT_END = re.compile(r"[.!?…]\W*$")


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
    sents = [(s.start, s.end, s.start_char, s.end_char) for s in doc.sents if s.text.strip()]
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
    inner = doc.text[qs:qe].rstrip("\"”»’ \n")
    if len(toks) >= 4 and _SENT_END.search(inner) and any(t.pos_ in ("VERB", "AUX") for t in toks):
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


# ---------------------------------------------------------------- cues

def _is_speakerish(tok: Token) -> bool:
    low = tok.lower_
    if tok.pos_ == "PRON":
        return low in PERSON_PRONOUNS | GROUP_PRONOUNS | RELATIVE_PRONOUNS
    if tok.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
        return True
    if tok.pos_ == "PROPN":
        return True
    sub = list(tok.subtree)
    if any(t.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") for t in sub if t.dep_ != "relcl"):
        return True
    return tok.lemma_.lower() in SPEAKER_NOUNS or low in SPEAKER_NOUNS


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


def _has_evidence(verb: Token, seg_quotes: bool) -> bool:
    if seg_quotes:
        return True
    for t in verb.subtree:
        if t.like_num or t.pos_ == "NUM":
            return True
    return any(c.dep_ in ("ccomp", "oprd") for c in verb.children)


def _quoted(tok: Token, quotes: list[tuple[int, int]]) -> bool:
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


def find_cues(seg: Span, has_quote: bool, quotes: list[tuple[int, int]] | None = None
              ) -> list[tuple[Token, Token | None, str]]:
    """(cue token, subject token or None, cue text) for each reporting cue in the segment.
    Cues inside a quotation belong to the quoted speaker's words, not to the report."""
    quotes = quotes or []
    cues: list[tuple[Token, Token | None, str]] = []
    for tok in seg:
        lemma = tok.lemma_.lower()
        if _quoted(tok, quotes):
            continue
        if tok.lower_ == "according" and tok.i + 1 < seg.end and tok.nbor().lower_ == "to":
            pobj = next((c for c in tok.nbor().children if c.dep_ == "pobj"), None)
            if pobj is not None:
                cues.append((tok, pobj, "according to"))
            continue
        if tok.pos_ not in ("VERB",) or (tok.dep_ in ("amod", "acl") and tok.tag_ == "VBN"):
            continue
        if lemma not in SPEECH_VERBS and lemma not in EVIDENCE_VERBS:
            continue
        if _hypothetical(tok):
            continue
        if tok.tag_ == "VBN" and not any(c.dep_ in ("aux", "auxpass") for c in tok.children):
            continue  # "people confirmed dead": a participle, not a report
        if tok.tag_ == "VBG" and any(c.dep_ == "nsubj" for c in tok.children) and not any(
                c.dep_ == "aux" for c in tok.children):
            continue  # "with Russia and Ukraine blaming each other": an absolute clause
        if lemma in NEEDS_CLAUSE and not has_quote and not any(
                c.dep_ in ("ccomp", "xcomp", "oprd") for c in tok.children) and tok.dep_ not in ("parataxis",):
            if not any(t.like_num for t in tok.subtree if t.i > tok.i):
                continue
        subj = _subject(tok)
        if subj is None and lemma in OPEN_SUBJECT_VERBS:
            subj = _subject_before(tok)
        if subj is None or _quoted(subj, quotes) or subj.lemma_.lower() in MUTE_SUBJECTS:
            continue
        if not (_is_speakerish(subj) or (lemma in OPEN_SUBJECT_VERBS and subj.pos_ in ("NOUN", "PROPN"))):
            continue
        if lemma in EVIDENCE_VERBS and not _has_evidence(tok, has_quote):
            continue
        if lemma == "give" and not any(c.dep_ == "dobj" and c.lemma_.lower() in COUNT_OBJECTS
                                       for c in tok.children):
            continue
        cues.append((tok, subj, tok.text))
    return cues


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
    doc = toks[0].doc
    return doc[toks[0].i: toks[-1].i + 1].text.strip()


def _person_in(tok: Token) -> Span | None:
    """A person's name inside the subject (NER PERSON, or a proper-noun appositive of a title)."""
    sub: set[int] = set()
    stack = [tok]
    while stack:  # the subtree, without relative clauses ("the union, which had said ...")
        t = stack.pop()
        sub.add(t.i)
        stack.extend(c for c in t.children if c.dep_ != "relcl")
    for ent in tok.doc.ents:
        if ent.label_ == "PERSON" and all(t.i in sub for t in ent):
            return ent
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


_DATELINE = re.compile(r"^\s*[A-Z][A-Z'’.\- ]{2,}(?:,\s*[A-Z][\w'’.\- ]+)?(?:\s*\([^)\n]{1,40}\))?\s*[—–-]+\s")


def _dateline_end(text: str) -> int:
    m = _DATELINE.match(text)
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
        owner = next((c for c in subj.children if c.dep_ == "poss"), None) or _of_pobj(subj)
        if owner is not None:
            return resolve_speaker(owner, memory)
    toks = [t for t in _phrase(subj) if t.idx >= memory.dateline_end] or _phrase(subj)
    while toks and (toks[0].is_punct or toks[0].dep_ == "det"):
        toks = toks[1:]
    text = strip_possessive(_text(toks)) or subj.text
    det = next((c for c in subj.children if c.dep_ in ("det", "poss")), None)
    definite = det is None or det.lower_ in ("the", "its", "their", "his", "her", "this", "that")
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


def _of_pobj(tok: Token) -> Token | None:
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            return next((g for g in c.children if g.dep_ == "pobj"), None)
    return None


# ---------------------------------------------------------------- component

def _dominates(a: Token, b: Token) -> bool:
    """Whether cue ``a`` reports cue ``b``'s clause. Contrasted or coordinated reports
    ("police said 80,000, while the union said 400,000") stay separate."""
    if a != b and a not in b.ancestors:
        return False
    node = b
    while node != a:
        if node.dep_ == "conj" or (node.dep_ == "advcl" and any(
                c.dep_ == "mark" and c.lower_ in ("while", "whereas", "although", "though", "but")
                for c in node.children)):
            return False
        node = node.head
    return True


def _clause_span(cue: Token, seg: Span) -> tuple[int, int]:
    """Token range of the clause a cue heads, kept inside the segment."""
    head = cue
    if cue.lower_ == "according":
        head = cue.head
    left = max(seg.start, head.left_edge.i)
    right = min(seg.end, head.right_edge.i + 1)
    return left, right


def _collect_orgs(doc: Doc, quotes: list[tuple[int, int]], memory: Memory) -> None:
    """Organisations named as subjects or owners, so "it"/"its" can find them."""
    for tok in doc:
        if tok.dep_ not in ("nsubj", "nsubjpass", "poss") or _quoted(tok, quotes):
            continue
        if tok.pos_ == "PRON":
            continue
        is_org = tok.ent_type_ in ("ORG", "GPE", "NORP") or tok.lemma_.lower() in ORG_NOUNS
        if not is_org or tok.ent_type_ == "PERSON":
            continue
        sp = resolve_speaker(tok, memory)
        if not sp.person:
            memory.orgs.append((tok.i, sp))


def _cue_date(doc: Doc, cue_ids: list[int]) -> str | None:
    """The day a statement was made: a date hanging from its cue ("said on Friday")."""
    for d in doc._.dates or []:
        if d["precision"] != "day" or not d["date"]:
            continue
        root = doc[d["root"]]
        head = root.head
        if head.pos_ == "ADP":
            head = head.head
        if head.i in cue_ids or root.i in cue_ids:
            return str(d["date"])
    return None


def extract_statements(doc: Doc) -> list[dict[str, Any]]:
    text = doc.text
    quotes = quote_spans(text)
    memory = Memory()
    for ent in doc.ents:
        if ent.label_ == "PERSON" and len(ent) > 1:
            memory.full_names.append(strip_possessive(ent.text))
    for ent in doc.ents:
        # people named as the subject of a sentence are who a later "he"/"she" most likely means
        if ent.label_ == "PERSON" and not any(qs <= ent.start_char < qe for qs, qe in quotes) and (
                ent.root.dep_ in ("nsubj", "nsubjpass") or (ent.root.dep_ == "appos" and ent.root.head.dep_ in (
                    "nsubj", "nsubjpass"))):
            memory.mentions.append((ent.start, memory.full_name(strip_possessive(ent.text))))
    memory.dateline_end = _dateline_end(text)
    _collect_orgs(doc, quotes, memory)
    out: list[dict[str, Any]] = []
    prev_stmt_seg: int | None = None
    segs = segments(doc, quotes)
    for k, (s, e) in enumerate(segs):
        seg = doc[s:e]
        seg_quotes = [(qs, qe) for qs, qe in quotes if qs < seg.end_char and qe > seg.start_char]
        cues = find_cues(seg, bool(seg_quotes), seg_quotes)
        direct = any(quote_is_clause(doc, qs, qe) for qs, qe in seg_quotes)
        found: list[dict[str, Any]] = []
        if cues:
            # a verb cue outranks "according to" (relays: "X said ..., according to Reuters")
            verb_cues = [c for c in cues if c[2] != "according to"]
            use = verb_cues or cues
            resolved = []
            for cue, subj, cue_text in use:
                sp = resolve_speaker(subj, memory) if subj is not None else None
                resolved.append((cue, sp, cue_text))
            # late "he said" after a named speaker in the same segment: same person
            names = {sp.name for _, sp, _ in resolved if sp}
            groups: dict[str, list[tuple[Token, Speaker, str]]] = {}
            for cue, sp, cue_text in resolved:
                if sp is None:
                    continue
                groups.setdefault(sp.name, []).append((cue, sp, cue_text))
            top = [g for g in groups.values()]
            independent = len(top) > 1 and not any(
                _dominates(a[0][0], b[0][0]) for a in top for b in top if a is not b)
            for items in top:
                items.sort(key=lambda x: (len(list(x[0].ancestors)), x[0].i))
                cue, sp, cue_text = items[0]
                if independent:
                    cs, ce = _clause_span(cue, seg)
                else:
                    cs, ce = s, e
                found.append({"tok_start": cs, "tok_end": ce, "speaker": sp.name, "role": sp.role,
                              "person": sp.person, "cue": cue_text, "cue_i": [c[0].i for c in items],
                              "direct": direct, "continued": False})
                memory.add(cue.i, sp)
                if not independent:
                    break
            del names
            cues_all = [(c.i, sp.name, sp.role) for c, sp, _ in resolved if sp is not None]
            for st in found:
                st["cues_all"] = cues_all
                st["date"] = _cue_date(doc, st["cue_i"])
        elif seg_quotes and prev_stmt_seg is not None and prev_stmt_seg == k - 1:
            covered = sum(min(qe, seg.end_char) - max(qs, seg.start_char) for qs, qe in seg_quotes)
            body = len(seg.text.strip())
            if body and covered / body >= 0.8:
                last = out[-1]
                found.append({"tok_start": s, "tok_end": e, "speaker": last["speaker"], "role": last["role"],
                              "person": last["person"], "cue": None, "cue_i": [], "direct": True,
                              "continued": True, "cues_all": [], "date": None})
        for st in found:
            span = doc[st["tok_start"]: st["tok_end"]]
            st["start"], st["end"] = span.start_char, span.end_char
            st["seg"] = k
            st["seg_start"], st["seg_end"] = s, e
            out.append(st)
        if found:
            prev_stmt_seg = k
    return out


def register_extensions() -> None:
    if not Doc.has_extension("statements"):
        Doc.set_extension("statements", default=None)


@Language.component("newsledger_statements", assigns=["doc._.statements"],
                    requires=["token.dep", "token.lemma", "doc.ents"])
def statements_component(doc: Doc) -> Doc:
    """Writes ``doc._.statements``: span, speaker, role, cue, direct for each statement."""
    register_extensions()
    doc._.statements = extract_statements(doc)
    return doc


register_extensions()
