"""Group the extractor's errors by mechanism, with counts, so the next round of work starts from counts.

Usage:
    python scripts/diagnose.py --set dev_hard                  # gold/articles from ../shared, pred from out/
    python scripts/diagnose.py --gold G.jsonl --pred P.jsonl --articles A.jsonl
    options: --examples N  --only source|category|date|statement|counted|figure
             --json FILE (counts per mechanism)  --compare OLD.jsonl|OLD.json (before/after table)

Gold and predictions are matched exactly as the scorer does (its ``match``, ``source_ok``,
``counted_ok`` are loaded from ../shared/eval/score.py). Every error of a kind is put in exactly
one bucket; the classifiers are heuristics over the text around the gold span and over the two
records, tried in a fixed order (the first that fires wins), and whatever none of them explains
goes to an explicit ``other`` bucket. Only the standard library is used.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.util
import json
import os
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

Rec = dict[str, Any]
REPO = Path(__file__).resolve().parents[1]
KINDS = ("source", "counted", "category", "date", "statement", "figure")
SETS = {
    "dev": ("corpus/dev_articles.jsonl", "eval/dev_gold.jsonl"),
    "dev_synthetic": ("corpus/dev_synthetic.jsonl", "eval/dev_synthetic_gold.jsonl"),
    "dev_hard": ("corpus/dev_hard.jsonl", "eval/dev_hard_gold.jsonl"),
}

# ---------------------------------------------------------------- word lists (generic English, no corpus names)
# The core reporting verbs every attribution rule knows. A cue outside this list is an "unknown cue verb".
# (Forms that are mostly nouns -- report, claim, state, note -- are left out: they would fire on nouns.)
CORE_SPEECH = {
    "say", "said", "says", "tell", "told", "tells", "reported", "announce", "announced", "announces",
    "stated", "claimed", "deny", "denied", "denies", "confirm", "confirmed", "confirms", "added", "adds",
    "declare", "declared", "declares", "warn", "warned", "warns", "explain", "explained", "explains",
    "accuse", "accused", "insist", "insisted", "insists", "noted", "wrote", "according to", "told reporters",
}
# Reporting verbs of translated copy ("informed", "precised"): speech, but outside the core list.
TRANSLATED_SPEECH = {
    "informed", "informs", "inform", "clarified", "clarifies", "specified", "specifies", "precised",
    "precises", "underlined", "underlines", "communicated", "communicates", "transmits", "transmitted",
    "stressed", "emphasised", "emphasized", "indicated", "indicates", "specify", "clarify", "communicate",
    "described", "describes", "repeated", "qualified", "named", "spoke", "speaks", "precise",
}
# Verbs whose subject reports a figure as their object ("X put the toll at", "X counted 30,000").
# (Action verbs such as "rescued", "treated", "received" are not here: they carry no attribution.)
OBJECT_VERBS = {
    "put", "puts", "putting", "show", "shows", "showed", "counts", "counted", "counting", "assess",
    "assessed", "assesses", "estimated", "estimating", "listed", "publish", "published", "publishes",
    "recorded", "registered", "registers", "gives", "gave", "tallied", "numbered", "lowered", "raised",
    "revised", "believes", "believe", "expects", "projects", "projected", "documented", "stood", "stands",
    "placed", "logged",
}
DATA_NOUNS = {"data", "figures", "figure", "information", "statistics", "balance", "records", "record",
              "numbers", "count", "tally", "estimates", "estimate", "report", "list", "bulletin", "update",
              "statement", "toll", "total", "assessment", "calculation", "calculations", "reports"}
MEDIA_WORDS = {"agency", "news", "press", "radio", "tv", "television", "newspaper", "outlet", "broadcaster",
               "wire", "media", "channel", "daily", "courier", "service", "reuters", "afp", "ap"}
EVENT_NOUNS = {"quake", "earthquake", "strike", "strikes", "attack", "attacks", "blast", "explosion", "fire",
               "crush", "storm", "flood", "floods", "war", "conflict", "disaster", "bombing", "violence",
               "tragedy", "shelling", "offensive", "protest", "protests", "march", "cyclone", "hurricane",
               "epidemic", "outbreak", "stampede", "collapse", "raid", "shooting", "incident"}
NON_SPEECH_PREDICATES = re.compile(
    r"^\s*(?:,\s*(?:which|that)\s+|(?:which|that)\s+)?(?:has\s+|had\s+|have\s+)?"
    r"(?:claimed\b[^.;]{0,30}\blives?|killed|left|took|injured|wounded|destroyed|pledged|promised|approved|"
    r"allocated|donated|marched|gathered|brought|sent|hit|struck|displaced|forced|turned out|filled)\b",
    re.I)
PRONOUNS = {"he", "she", "it", "they", "him", "her", "them", "his", "its", "their", "we", "i", "you", "this",
            "that", "these", "those", "who", "which", "whose", "whom"}
# Generic words of organisation and role names: shared by different bodies, so they prove nothing alone.
GENERIC_NAME_WORDS = {
    "the", "of", "and", "for", "in", "on", "a", "an", "s", "ministry", "ministries", "agency", "office",
    "committee", "council", "directorate", "department", "service", "services", "government", "national",
    "regional", "state", "minister", "chief", "spokesman", "spokeswoman", "spokesperson", "official",
    "officials", "authority", "authorities", "health", "interior", "foreign", "affairs", "defence", "defense",
    "general", "head", "director", "secretary", "president", "group", "union", "police", "forces", "force",
    "estimates", "estimate", "from", "by", "to", "at", "with", "team", "teams", "own",
}
ROLE_NOUNS = {"spokesman", "spokeswoman", "spokesperson", "minister", "official", "officials", "chief", "head",
              "director", "secretary", "ministry", "committee", "directorate", "agency", "office", "council",
              "government", "authorities", "authority", "department", "representative", "president",
              "governor", "mayor", "commander", "union", "police", "army", "military", "organisers",
              "organizers", "embassy", "service", "prefecture", "prosecutor", "team", "volunteers"}
PROTEST_VERBS = re.compile(
    r"\b(march(?:ed|es|ing|ers)?|protest\w*|demonstrat\w*|rall(?:y|ied|ies|ying)|took to the streets|"
    r"turn(?:ed)? out|mobili[sz]\w*|manifest(?:ed|ing|ants?)|gathered)\b", re.I)
EVAC_WORDS = re.compile(r"\bevacu\w*", re.I)
MOVE_VERBS = re.compile(
    r"\b(brought (?:out|home|back|to)|reach\w*|arriv\w*|left|leav\w*|cross\w*|pulled into|taken to|"
    r"bus(?:sed|es)?|convoy\w*|flown|flight|transferred|moved|relocat\w*|return\w*|heading|carr(?:ying|ied))\b",
    re.I)
INJURY_WORDS = re.compile(r"\b(injur\w*|wound\w*|hurt)\b", re.I)
INJURY_STATES = re.compile(
    r"\b(hospitali[sz]\w*|in hospital|hospitals?|critical|intensive care|treated|medical (?:help|care)|burns?|"
    r"serious(?:ly)?|condition|casualt\w*)\b", re.I)
DETAIN_WORDS = re.compile(
    r"\b(held|apprehended|interpellated|in custody|hostages?|arrest\w*|detain\w*|detention|captiv\w*|"
    r"suspects?|seiz\w*|taken prisoner)\b", re.I)
SUBGROUP_DEAD = re.compile(
    r"\b(among (?:the|those) (?:dead|killed|perished|victims|deceased)|(?<!number )(?<!total )(?<!toll )"
    r"of (?:the|those) (?:dead|killed|victims|perished)|among the perished|of (?:them|whom)|identified|"
    r"those identified)\b", re.I)
DEATH_WORDS = re.compile(r"\b(perish\w*|lost their lives|victims?|bodies|body|died|deaths?|dead|fatalit\w*|"
                         r"killed|lives)\b", re.I)
MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], 1)}
MONTH_ABBR = {m[:3]: i for m, i in MONTHS.items()} | {"sept": 9}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTH_RE = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
            r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
DATE_MENTION = re.compile(
    rf"\b(?:(?P<m1>{MONTH_RE})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+"
    rf"(?P<m2>{MONTH_RE})\b|(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
    rf"(?P<rel>yesterday|today|tonight|this morning|last night|overnight))", re.I)
ABBREVIATIONS = {"no", "mr", "mrs", "ms", "dr", "lt", "col", "gen", "st", "sgt", "capt", "jan", "feb", "mar",
                 "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "a.m", "p.m", "u.s", "vs",
                 "approx", "fig", "inc", "co", "corp", "ltd", "prof", "rev", "gov", "sen", "rep", "maj"}


# ---------------------------------------------------------------- loading

def find_shared(explicit: str | None = None) -> Path | None:
    """The shared directory (corpus, gold, scorer): --shared, $SHARED, ../shared, ../../shared."""
    cands = [explicit, os.environ.get("SHARED"), str(REPO.parent / "shared"), str(REPO.parents[1] / "shared")]
    for c in cands:
        if c and (Path(c) / "eval" / "score.py").exists():
            return Path(c)
    return None


def load_scorer(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("nl_score", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def read_jsonl(path: str | Path) -> list[Rec]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


# ---------------------------------------------------------------- text helpers

@dataclass
class Article:
    id: str
    text: str
    date: dt.date | None
    outlet: str = ""
    url: str = ""
    _sents: list[tuple[int, int]] = field(default_factory=list, repr=False)

    def sentences(self) -> list[tuple[int, int]]:
        if not self._sents:
            self._sents = split_sentences(self.text)
        return self._sents

    def sentence_at(self, pos: int) -> tuple[int, int]:
        for s, e in self.sentences():
            if s <= pos < e:
                return s, e
        return pos, pos

    def sent_index(self, pos: int) -> int:
        for i, (s, e) in enumerate(self.sentences()):
            if s <= pos < e:
                return i
        return -1

    def line_at(self, pos: int) -> tuple[int, int]:
        s = self.text.rfind("\n", 0, pos) + 1
        e = self.text.find("\n", pos)
        return s, len(self.text) if e < 0 else e


def parse_date(x: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(x)[:10]) if x else None
    except ValueError:
        return None


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Lines, then sentence ends (., !, ? + space + capital/digit/quote), minding abbreviations."""
    out: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        start = pos
        for m in re.finditer(r"[.!?][\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])", line):
            word = re.findall(r"[\w.'’]+$", line[: m.start()])
            if word and (word[0].lower().rstrip(".") in ABBREVIATIONS or re.fullmatch(r"[A-Z]", word[0])):
                continue
            out.append((start, pos + m.end()))
            start = pos + m.end()
        if start < pos + len(line):
            out.append((start, pos + len(line)))
        pos += len(line) + 1
    return [(s, e) for s, e in out if s < e]


def words(s: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z-]*", s.replace("’s", "").replace("'s", ""))]


def stem(w: str) -> str:
    w = w.lower()
    return w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w


def distinctive(name: str) -> set[str]:
    return {stem(w) for w in words(name) if w not in GENERIC_NAME_WORDS and len(w) > 1}


def head_words(aliases: Iterable[str]) -> set[str]:
    """Last word of every alias ("Health Ministry" -> ministry): how an article refers back to a body."""
    out = set()
    for a in aliases:
        ws = [w for w in words(a) if w not in {"the", "of", "s"}]
        if ws:
            out.add(stem(ws[-1]))
    return out


def mentions(span: str, aliases: Iterable[str], loose: bool = True) -> bool:
    """Does the span name one of the aliases (loosely: by its last word or a distinctive word)?"""
    low = span.casefold()
    al = [a for a in aliases if a]
    if any(a.casefold() in low for a in al):
        return True
    if not loose:
        return False
    toks = {stem(w) for w in words(span)}
    if head_words(al) & toks:
        return True
    return any(distinctive(a) & toks for a in al)


def find_mention(art: Article, name: str, near: int) -> int:
    """Offset of the occurrence of ``name`` nearest before ``near`` (else after), -1 if absent."""
    if not name:
        return -1
    low, key = art.text.casefold(), name.casefold().strip()
    hits = [m.start() for m in re.finditer(re.escape(key), low)]
    if not hits:
        return -1
    before = [h for h in hits if h <= near]
    return max(before) if before else min(hits)


def is_pronoun(s: str) -> bool:
    ws = words(s)
    return bool(ws) and len(ws) <= 2 and ws[-1] in PRONOUNS


def dateline_issuer(art: Article) -> str | None:
    """"CITY (Body) –" or "CITY, date (Body) –" at the start of the text: the parenthesised name."""
    m = re.match(r"\s*[A-Z][A-Z .'’-]{2,40}(?:,[^()\n]{0,40})?\s*\(([^)]{2,80})\)\s*(?:–|—|-{1,2})\s", art.text)
    return m.group(1).strip() if m else None


def same_body(x: str, y: str) -> bool:
    """Two names of one body: equal, or all the words of one are words of the other."""
    wx, wy = set(words(x)) - {"the", "of", "s"}, set(words(y)) - {"the", "of", "s"}
    return bool(wx and wy) and (wx <= wy or wy <= wx)


def is_press_release(art: Article, aliases: Iterable[str]) -> bool:
    iss = dateline_issuer(art)
    return bool(iss) and any(same_body(iss or "", a) for a in aliases)


def first(x: Any) -> Any:
    return x[0] if isinstance(x, list) and x else (None if isinstance(x, list) else x)


# ---------------------------------------------------------------- the classification result

@dataclass
class Err:
    kind: str        # source | counted | category | date | statement | figure
    group: str       # e.g. missing / spurious / wrong, or a gold category / date basis
    mech: str        # the mechanism bucket
    doc: str
    start: int
    end: int
    detail: str      # gold vs predicted value

    @property
    def key(self) -> str:
        return f"{self.kind}/{self.group}/{self.mech}"


# ---------------------------------------------------------------- source (figures)

RELATIVE_AFTER = re.compile(
    r"^\s*(?:[a-z]+\s+)?(?:that|which|whom)?\s*(?:the|its|their|a)\s+(?:[\w'’.-]+\s+){0,5}?"
    r"(?:had\s+|has\s+|have\s+)?(reported|said|gave|given|counted|announced|recorded|registered|cited|"
    r"claimed|confirmed|put forward|published|estimated|listed|informed|communicated)\b")
HEADLINE_LINE = re.compile(r"^\s*(?:[•*·-]\s*)?(?:\d{1,2}[:.]\d{2}\s*[—–-]+\s*)?(?P<label>[A-Z][^:\n]{1,60}?):\s+\S")
PASSIVE_AGENT = re.compile(
    r"\b(?:as\s+(?:was\s+|has\s+been\s+|had\s+been\s+)?(?:confirmed|reported|announced|stated|counted|"
    r"recorded|documented|informed|communicated|given|registered|estimated)\s+by|according\s+to\s+(?:the\s+)?"
    r"(?:latest\s+|official\s+|new\s+|preliminary\s+|final\s+)?(?:figures|data|records|count|tally|estimates?|"
    r"numbers|statistics|information|balance|list|report)\s+(?:of|from|by)|by\s+(?:the\s+)?[\w'’ -]{1,40}?"
    r"(?:'s|’s)\s+(?:count|tally|figures|estimate|reckoning)|(?:figures|data|records)\s+(?:of|from)\s+the)\b",
    re.I)
PER_X = re.compile(r"\bper\s+(?:the\s+|its\s+)?[A-Z\w]", re.I)
TRAIL_VERBS = "|".join(sorted({v for v in CORE_SPEECH | TRANSLATED_SPEECH if " " not in v}, key=len, reverse=True))
TRAILING = re.compile(
    rf",\s+(?:[^,]{{1,90}}?\s+)?(?:has\s+|had\s+|have\s+)?(?:{TRAIL_VERBS})\b[^,\"“”]{{0,80}}[.!?]?[\"”’]?\s*$"
    rf"|,\s+(?:(?:has|had)\s+)?(?:{TRAIL_VERBS})\s+[^,\"“”]{{0,40}}?(?:[A-Z][\w'’.-]*|[a-z]+)[^\"“”]{{0,90}}"
    rf"[.!?]?\s*$", re.I)
EYEWITNESS = re.compile(r"\b(reporters?|correspondents?|journalists?|our (?:team|crew|staff))\b", re.I)


def classify_source(art: Article, g: Rec, p: Rec) -> tuple[str, str]:
    gsrc: list[str] = list(g.get("source") or [])
    psrc = (first(p.get("source")) or "").strip()
    s, e = g["start"], g["end"]
    ss, se = art.sentence_at(s)
    sent = art.text[ss:se]
    ls, le = art.line_at(s)
    line = art.text[ls:le]
    if gsrc and not psrc:
        return "missing", source_missing(art, gsrc, s, e, ss, se, sent, ls, le, line)
    if not gsrc:
        return "spurious", source_spurious(art, psrc, s, ss, se, sent)
    return "wrong", source_wrong(art, gsrc, psrc, s, e, ss, se, sent)


def clause_at(sent: str, off: int) -> tuple[int, int]:
    """The clause of ``sent`` around offset ``off``: cut at ';', 'while', 'whereas', 'but'."""
    lo, hi = 0, len(sent)
    for m in re.finditer(r";|\bwhile\b|\bwhereas\b|,\s+but\b", sent):
        if m.start() < off:
            lo = m.start()
        elif hi == len(sent):
            hi = m.start()
    return lo, hi


def _colon_block(art: Article, ls: int, aliases: list[str]) -> bool:
    """Walk back over the lines above the figure's line to a line ending with ':' that names the source.
    Only short lines (list items, key: value lines) may stand between; a prose paragraph ends the block,
    and so does a live-blog timestamp."""
    pos, seen = ls, 0
    while pos > 0 and seen < 12:
        ps = art.text.rfind("\n", 0, pos - 1) + 1
        prev = art.text[ps:pos - 1].strip()
        pos = ps
        if not prev:
            continue
        seen += 1
        if prev.endswith(":"):
            return mentions(prev, aliases) or bool(re.search(r"\bmore from\b", prev, re.I))
        if re.match(r"^\d{1,2}[:.]\d{2}\b", prev):
            return False
        if len(prev) > 90 and not re.match(r"^[•*·-]", prev):
            return False
    return False


def _label_is_source(label: str, aliases: list[str]) -> bool:
    """A 'Body:' label names the source if at least half its words belong to one alias."""
    if re.match(r"(?i)about\b", label):            # "About the X:" boilerplate of a release
        return False
    lw = [stem(w) for w in words(label) if w not in {"the", "of", "s"}]
    if not lw or len(lw) > 6:
        return False
    for a in aliases:
        aw = {stem(w) for w in words(a)}
        if sum(w in aw for w in lw) * 2 >= len(lw):
            return True
    return mentions(label, aliases, loose=False)


def source_missing(art: Article, gsrc: list[str], s: int, e: int, ss: int, se: int, sent: str,
                   ls: int, le: int, line: str) -> str:
    after = art.text[e:se]
    cs, ce = clause_at(sent, s - ss)
    clause = sent[cs:ce]
    if any(EYEWITNESS.search(a) for a in gsrc):
        return "eyewitness ('reporters saw')"
    if RELATIVE_AFTER.match(after[:80]):
        return "relative clause citing another body ('the 14 the ministry reported')"
    seg = re.split(r"[;•]|\d", art.text[e:le], maxsplit=1)[0]
    if re.search(r"\(([^()]{2,60})\)", seg):
        return "parenthetical source '(Body)' / key-figures line"
    hm = HEADLINE_LINE.match(line)
    if hm and s - ls > hm.end("label") and _label_is_source(hm.group("label"), gsrc):
        return "headline-style line 'Body: ...'"
    if re.search(r"(?i)\bper\s+(?:the\s+|its\s+|their\s+)?[\w'’-]", clause):
        return "per X"
    if PASSIVE_AGENT.search(clause):
        return "passive agent ('as confirmed by X', 'according to figures from X')"
    if TRAILING.search(after):
        return "trailing cue at sentence end (', X said.' / ', informed X.')"
    toks = words(clause)
    subj = mentions(clause, gsrc) or bool(re.match(r"\s*(?:he|she|it|they)\b", clause, re.I))
    if subj and any(t in OBJECT_VERBS or t in TRANSLATED_SPEECH for t in toks) and \
            not any(t in CORE_SPEECH for t in toks):
        return "verb + object / unknown cue verb (put, assessed, counted, clarified...)"
    if _colon_block(art, ls, gsrc):
        return "colon block (a line ending with ':' names the source)"
    if is_press_release(art, gsrc):
        return "press release in the issuer's voice (dateline names the issuer)"
    has_cue = any(t in CORE_SPEECH for t in words(sent)) or "according to" in sent.lower()
    if not has_cue:
        idx = art.sent_index(s)
        sents = art.sentences()
        window = art.text[sents[max(0, idx - 8)][0]:ss] if idx > 0 else ""
        if window and mentions(window, gsrc):
            return "continuation of an attributed report (no cue in the sentence)"
    if not mentions(sent, gsrc):
        return "other (source not named in the sentence or the 8 before)"
    if has_cue:
        return "other (source and a speech verb in the sentence)"
    return "other (source named in the sentence, no cue verb)"


CLAUSE_BREAK = re.compile(r"[;:(]|\b(?:while|whereas|but|after|before|when|since|as|that|which|who)\b|, and\b",
                          re.I)


def _non_speaker(art: Article, psrc: str, pos: int, s: int, e: int) -> bool:
    """The predicted source is the event, an actor of a non-speech verb, or the figure's own noun phrase."""
    pw = words(psrc)
    if (pw and pw[-1] in EVENT_NOUNS) or re.search(r"\d", psrc) or re.match(
            r"(?i)(?:one|two|three|four|five|six|seven|eight|nine|ten|dozens|hundreds|thousands)\b", psrc):
        return True
    if pos < 0:
        return False
    if s - 3 <= pos <= e + 3:
        return True
    return bool(NON_SPEECH_PREDICATES.match(art.text[pos + len(psrc):pos + len(psrc) + 60]))


def _fragment(art: Article, psrc: str, pos: int, s: int) -> bool:
    """The predicted source sits in the headline line, the dateline or the byline."""
    first_nl = art.text.find("\n")
    first_line_end = first_nl if first_nl >= 0 else len(art.text)
    dl = re.match(r"[^\n]{0,80}?(?:--|–|—)", art.text)
    in_head = 0 <= pos < first_line_end and not s < first_line_end
    in_dateline = bool(dl) and 0 <= pos < (dl.end() if dl else 0)
    return (in_head or in_dateline or "|" in psrc or psrc.lower().startswith("by ")
            or (len(psrc) > 3 and psrc.isupper() and " " not in psrc and dateline_issuer(art) != psrc)
            or bool(art.outlet and psrc.casefold() == art.outlet.casefold()))


def source_spurious(art: Article, psrc: str, s: int, ss: int, se: int, sent: str) -> str:
    pw = words(psrc)
    head = pw[-1] if pw else ""
    if head in DATA_NOUNS or re.search(r"according to (?:the )?(?:latest|official|new|preliminary)?\s*"
                                       r"(?:data|figures|information|numbers|statistics)\b(?!\s+(?:of|from))",
                                       sent, re.I):
        return "'according to the latest data' (no body named)"
    pos = find_mention(art, psrc, s)
    if _fragment(art, psrc, pos, s):
        return "dateline, byline or headline fragment as speaker"
    if _non_speaker(art, psrc, pos, s, s + 1):
        return "non-speaker subject (the event as speaker, pledges, actions)"
    if ss <= pos < se:
        lo, hi = sorted((pos, s))
        if CLAUSE_BREAK.search(art.text[lo:hi]):
            return "attribution stretched to a neighbouring clause"
        return "other (speaker in the same clause)"
    if 0 <= pos < ss and art.sent_index(pos) >= art.sent_index(s) - 3:
        return "attribution stretched to a neighbouring sentence"
    return "other"


def source_wrong(art: Article, gsrc: list[str], psrc: str, s: int, e: int, ss: int, se: int, sent: str) -> str:
    pw = words(psrc)
    head = pw[-1] if pw else ""
    if is_pronoun(psrc):
        return "alias/resolution: pronoun of the right speaker" if _resolves_to(art, gsrc, s) else \
            "alias/resolution: pronoun resolved to another body"
    if head in DATA_NOUNS:
        return "data/document noun as speaker ('latest data', 'balance')"
    pd = distinctive(psrc)
    if (pd and any(pd <= distinctive(a) for a in gsrc)) or (len(pw) <= 3 and head in ROLE_NOUNS and head in
                                                             {w for a in gsrc for w in words(a)}):
        return "alias/resolution: role, short or partial name of the right speaker"
    pos = find_mention(art, psrc, s)
    iss = dateline_issuer(art)
    if (set(pw) & MEDIA_WORDS) or (art.outlet and psrc.casefold() in art.outlet.casefold()) or \
            (iss and psrc.casefold() == iss.casefold() and not is_press_release(art, [psrc])):
        return "relay: the outlet/agency instead of the original speaker"
    if _fragment(art, psrc, pos, s):
        return "dateline, byline or headline fragment as speaker"
    if _non_speaker(art, psrc, pos, s, s + 1):
        return "non-speaker subject taken (event, actor, the figure's own noun phrase)"
    gold_here = mentions(sent, gsrc)
    if gold_here and RELATIVE_AFTER.match(art.text[e:se][:80]):
        return "relative clause citing another body; pred took the main clause's speaker"
    if gold_here and ss <= pos < se:
        return "wrong one of two speakers in the sentence"
    if gold_here and 0 <= pos < ss:
        return "carried over from an earlier sentence; the sentence names the gold source"
    if ss <= pos < se:
        return "other body in the sentence; gold source outside it (continuation/colon block/release)"
    return "other"


def _resolves_to(art: Article, gsrc: list[str], pos: int) -> bool:
    lo = art.sentences()[max(0, art.sent_index(pos) - 3)][0]
    return mentions(art.text[lo:pos], gsrc, loose=False)


# ---------------------------------------------------------------- counted

FRAME_NOUNS = {"toll", "number", "total", "count", "figure", "tally", "list", "turnout", "balance", "sum",
               "amount", "share", "rate", "level", "estimate", "estimates", "record", "update"}
CURRENCIES = {"usd", "eur", "gbp", "chf", "jpy", "dollar", "dollars", "euro", "euros", "pound", "pounds", "$", "€",
              "£"}
FRAME_BEFORE = re.compile(r"\b(toll|number|total|count|tally|figure|turnout)\b[^.;]{0,80}$", re.I)


def classify_counted(art: Article, g: Rec, p: Rec) -> str:
    gc: list[str] = list(g.get("counted") or [])
    pc = first(p.get("counted")) or ""
    e = g["end"]
    ss, se = art.sentence_at(g["start"])
    before, after = art.text[ss:g["start"]], art.text[e:se]
    heads = {stem(w) for a in gc for w in words(a)[-1:]}
    pw = words(pc)
    if g.get("unit") or p.get("unit") or any((a or "").strip().lower() in CURRENCIES or
                                             re.fullmatch(r"[A-Z]{3}", (a or "").strip()) for a in gc):
        return "unit/money"
    paren = re.match(r"^[^()\n;]{0,40}\(([^()]+)\)", art.text[e:se + 80])
    if pc and paren and pc.casefold() in paren.group(1).casefold():
        return "parenthetical source taken as the counted noun"
    if re.match(r"^\s+of\s+(?:them|those|whom|the|its|our|these)\b", after) or \
            re.search(r"\b(?:among|including|of whom|of them)\s*(?:them\s*)?[,:]?\s*$", before, re.I) or \
            re.search(r"(?i)\bof (?:the|these|those|them)\b[^.;]{0,40},\s*$", before):
        return "partitive/sub-group ('1,230 of them children', 'Of the 174 evacuees, 96 ...')"
    cop = re.match(r"^\s+(?:were|are|was|is|remain|remained)\s+((?:[\w-]+\s*){1,3})", after)
    if cop and any(stem(w) in heads for w in words(cop.group(1))):
        return "counted noun after a copula ('N were foreign nationals')"
    nxt = words(after[:40])[:3]
    next_to = any(stem(w) in heads for w in nxt)
    if (pw and pw[-1] in FRAME_NOUNS) or (not next_to and FRAME_BEFORE.search(before)):
        return "frame noun ('toll of N', 'number of X is N', 'put the number at N')"
    if not next_to:
        return "bare number: counted missing" if not pc else "bare number: counted borrowed from elsewhere"
    if not pc:
        return "counted noun next to the number, pred null"
    return "other"


# ---------------------------------------------------------------- category

def classify_category(art: Article, g: Rec, p: Rec) -> str:
    gcat, pcat = g.get("category"), p.get("category")
    ss, se = art.sentence_at(g["start"])
    sent = art.text[ss:se]
    ls, le = art.line_at(g["start"])
    ctx = sent + (" " + art.text[ls:le] if le - ls < 200 else "")
    if gcat == "killed":
        if SUBGROUP_DEAD.search(ctx):
            return "sub-group of the dead (children among the dead, identified)"
        if re.search(r"\btoll\b", ctx, re.I):
            return "toll noun (death toll) not read as killed"
        if DEATH_WORDS.search(ctx):
            return "death phrasing (perished, victims, lost their lives, bodies)"
    if gcat == "attended":
        return "crowd with a protest verb" if PROTEST_VERBS.search(ctx) else "crowd without protest verb"
    if gcat == "evacuated":
        if EVAC_WORDS.search(ctx):
            return "evacuation word present, other category"
        if MOVE_VERBS.search(ctx):
            return "evacuation movement verbs (brought out, reached, left, convoy)"
    if gcat == "injured":
        if not INJURY_WORDS.search(ctx) and INJURY_STATES.search(ctx):
            return "injury states (hospitalised, critical, treated)"
        if INJURY_WORDS.search(ctx):
            return "injury word present, other category"
    if gcat == "detained" and DETAIN_WORDS.search(ctx):
        return "detention/hostage wording (held, apprehended, hostages)"
    if gcat == "trapped" and not re.search(r"\btrapped\b", ctx, re.I):
        return "trapped without the word (still in the tunnels, remain, sheltering, blocked)"
    if gcat == "aid" and re.search(r"(?i)\b(aid|appeal\w*|donat\w*|fund\w*|humanitarian|relief|rescue team)\b",
                                   ctx):
        return "aid wording present (aid trucks, appealing for, funds)"
    if gcat == "military" and re.search(r"(?i)\b(targets?|attacks?|strikes?|troops?|missiles?|rockets?|drones?)\b",
                                        ctx):
        return "military wording present (targets, attacks, missiles)"
    if gcat == "other":
        if re.search(r"\b(dead and (?:the )?injured|killed and (?:the )?injured|both the (?:dead|perished)|"
                     r"victims? lists?|list of victims)\b", ctx, re.I):
            return "gold other: dead+injured list given a specific category"
        if g.get("unit"):
            return "gold other: non-aid money given a specific category"
        return "gold other given a specific category"
    if pcat == "other":
        return "fell back to other"
    return "other"


# ---------------------------------------------------------------- event date

def resolve_mentions(text: str, pub: dt.date | None) -> list[dt.date]:
    out: list[dt.date] = []
    for m in DATE_MENTION.finditer(text):
        if m.group("wd") and pub:
            wd = WEEKDAYS.index(m.group("wd").lower())
            out.append(pub - dt.timedelta(days=(pub.weekday() - wd) % 7))
        elif m.group("rel") and pub:
            r = m.group("rel").lower()
            out.append(pub - dt.timedelta(days=1) if r in ("yesterday", "last night", "overnight") else pub)
        elif pub and (m.group("m1") or m.group("m2")):
            mon = (m.group("m1") or m.group("m2")).lower().rstrip(".")
            month = MONTHS.get(mon) or MONTH_ABBR.get(mon[:4]) or MONTH_ABBR.get(mon[:3])
            day = int(m.group("d1") or m.group("d2"))
            if month:
                year = pub.year - (1 if month > pub.month + 1 else 0)
                with contextlib.suppress(ValueError):
                    out.append(dt.date(year, month, day))
    return out


DATELINE_DATE = re.compile(rf"\s*[A-Z][A-Z .'’-]{{2,40}},[^\n]{{0,30}}?\b(?:{MONTH_RE})\b", re.I)


def classify_date(art: Article, g: Rec, p: Rec) -> str:
    gold, pred = parse_date(g.get("event_date")), parse_date(p.get("event_date"))
    if art.date is None:
        rec = bool(re.search(r"/20\d\d/\d\d/\d\d/", art.url)) or bool(DATELINE_DATE.match(art.text))
        if pred is None:
            return "article without a publication date: pred null" + (
                " (the URL or dateline gives the date)" if rec else " (no date in URL or dateline)")
        return "article without a publication date: pred a wrong day"
    if pred is None:
        return "pred null"
    ss, se = art.sentence_at(g["start"])
    if gold and pred == art.date and gold == art.date - dt.timedelta(days=1):
        return "publication day given, gold is the day before"
    in_sent = resolve_mentions(art.text[ss:se], art.date)
    if pred in in_sent and pred != gold:
        return "another date in the sentence taken"
    if pred == art.date:
        return "publication day given, gold is an earlier/other day"
    idx, sents = art.sent_index(g["start"]), art.sentences()
    if idx >= 0:
        near = art.text[sents[max(0, idx - 3)][0]:ss] + " " + art.text[se:sents[min(len(sents) - 1, idx + 1)][1]]
        if pred in resolve_mentions(near, art.date):
            return "date of a neighbouring sentence taken"
    if pred > art.date and (gold is None or gold <= art.date):
        return "pred later than the publication day (weekday resolved forward?)"
    if gold and gold not in in_sent and g.get("date_basis") == "context":
        return "gold date from the context (earlier sentence), pred another day"
    return "other"


# ---------------------------------------------------------------- statements

CLUTTER = re.compile(r"(READ MORE|Comments\s*\(|Leave a Comment|Posts?\b|min read|\bUpdated\b|\|\s|https?://|www\.|@\w|\btel\.|Share|"
                     r"Subscribe|Sign up|Advertisement|Related:|Media contact|©)", re.I)


def cue_words(cue: Any) -> list[str]:
    return words(str(cue or ""))


def classify_statement_missed(art: Article, g: Rec, taken_by_other: bool) -> str:
    cue = str(g.get("cue") or "").strip()
    low = cue.lower()
    text = art.text[g["start"]:g["end"]]
    if taken_by_other:
        return "second clause/statement in a span the pred covered once"
    if not cue:
        return "continuation quote (no cue)"
    if cue == ":":
        return "headline-style line 'Body: ...'"
    if "more from" in low or cue.endswith(":") or re.search(r":\s*\n", text[:300]):
        return "colon block"
    if cue.startswith("("):
        return "parenthetical / key-figures line"
    if low == "per":
        return "per X"
    if low.startswith("according to") or low.startswith("as ") or re.search(
            r"\bas (?:was |has been )?(?:confirmed|reported|announced|stated) by\b", text):
        return "according to / passive agent"
    if is_press_release(art, list(g.get("speaker") or [])):
        return "inside a press release (issuer's own cue)"
    cw = cue_words(cue)
    if any(w in CORE_SPEECH for w in cw) or low in CORE_SPEECH:
        return "known speech verb missed"
    return "unknown cue verb (put, counted, assessed, informed...)"


def classify_statement_spurious(art: Article, p: Rec, overlaps_gold: bool, gold_figs: list[Rec],
                                scorer: ModuleType) -> str:
    spk = (first(p.get("speaker")) or "").strip()
    text = art.text[p["start"]:p["end"]]
    cue = str(p.get("cue") or "").lower()
    sw = words(spk)
    if overlaps_gold:
        return "split: extra statement inside a found gold statement"
    if CLUTTER.search(text) or len(words(text)) < 4:
        return "page clutter"
    if sw and sw[-1] in DATA_NOUNS:
        return "document/data noun as speaker"
    pos = find_mention(art, spk, p["start"])
    if spk and _non_speaker(art, spk, pos, -10, -10):
        return "non-speaker subject (event or place 'claimed N lives', a number phrase)"
    if cue.startswith("according"):
        return "according to a non-speaker"
    for f in gold_figs:
        if f["start"] < p["end"] and p["start"] < f["end"] and f.get("source") and \
                scorer.source_ok(spk, f["source"]):
            return "gold: figure source only, not a statement (relative clause, release voice, eyewitness)"
    if cue and not any(w in CORE_SPEECH or w in TRANSLATED_SPEECH for w in cue_words(cue)) \
            and cue not in CORE_SPEECH:
        return "non-speech verb as cue"
    return "other"


def classify_statement_wrong(art: Article, g: Rec, p: Rec) -> str:
    gs: list[str] = list(g.get("speaker") or [])
    spk = (first(p.get("speaker")) or "").strip()
    pw = words(spk)
    text = art.text[g["start"]:g["end"]]
    if is_pronoun(spk):
        return "pronoun left unresolved"
    if re.match(r"\s*(?:[\"“]?\s*)?(?:he|she|they|it|his|her|their|its)\b", text, re.I):
        return "pronoun resolved wrongly"
    if pw and pw[-1] in DATA_NOUNS:
        return "document/data noun as speaker"
    pd = distinctive(spk)
    if (pd and any(pd <= distinctive(a) for a in gs)) or (len(pw) <= 3 and pw and pw[-1] in ROLE_NOUNS and
                                                           pw[-1] in {w for a in gs for w in words(a)}):
        return "partial name / role of the right speaker"
    if set(pw) & MEDIA_WORDS or (art.outlet and spk.casefold() in art.outlet.casefold()):
        return "relay: the outlet instead of the original speaker"
    pos = find_mention(art, spk, g["start"])
    if _fragment(art, spk, pos, g["start"]):
        return "dateline, byline or headline fragment as speaker"
    if _non_speaker(art, spk, pos, -10, -10):
        return "non-speaker subject (event, actor, a number phrase)"
    in_span = g["start"] <= pos < g["end"]
    if in_span and mentions(text, gs, loose=False):
        return "wrong one of two names in the statement"
    ss, se = art.sentence_at(g["start"])
    if ss <= pos < se or (pos >= 0 and art.sent_index(pos) == art.sent_index(g["end"] - 1)):
        return "speaker of the other clause (two-source sentence)"
    if 0 <= pos < ss:
        return "carried over from an earlier sentence"
    return "other"


# ---------------------------------------------------------------- spurious / missed figures

UNIT_AFTER = re.compile(
    r"^\s*(?:-\s*)?(km|kilomet\w*|miles?|metres?|meters?|m\b|cm|mm|kg|tonnes?|tons?|degrees?|°|square|sq|hectares?|"
    r"acres?|hours?|minutes?|seconds?|days?|weeks?|months?|years?|decades?|magnitude|mph|km/h|storeys?|"
    r"floors?|feet|ft|litres?|liters?|percent|blocks?|generations?)\b", re.I)


def classify_figure_spurious(art: Article, p: Rec, overlaps_found: bool) -> str:
    s, e = p["start"], p["end"]
    t = art.text[s:e]
    before, after = art.text[max(0, s - 30):s], art.text[e:e + 30]
    ls, le = art.line_at(s)
    line = art.text[ls:le]
    if overlaps_found:
        return "split: extra figure overlapping a found gold figure"
    if CLUTTER.search(line) and len(line) < 200:
        return "page clutter (byline, counters, contacts)"
    if re.fullmatch(r"(?:1[89]|20)\d\d", t.strip()):
        return "year"
    if re.search(rf"\b{MONTH_RE}\.?\s*$", before, re.I) or re.match(rf"^\s*(?:st|nd|rd|th)?\s*{MONTH_RE}\b", after,
                                                                       re.I):
        return "date"
    if re.match(r"^\s*(?::\d\d|[ap]\.?m\.?\b|h\d\d)", after, re.I) or re.search(r"\d[:.]$", before):
        return "time of day"
    if re.match(r"^(?:,\s*\d+)?\s*(?:-|\s)?years?[- ]old", after) or re.search(r"\b(aged|age|ages)\s*$", before,
                                                                                    re.I) or \
            (re.search(r"[A-Z][a-z]+,\s*$", before) and re.match(r"^\s*,", after)):
        return "age"
    if re.match(r"^(?:st|nd|rd|th)\b", after) or re.fullmatch(r"(?i)(first|second|third|fourth|fifth|sixth|"
                                                               r"seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th))",
                                                               t.strip()):
        return "ordinal"
    if re.search(r"\b(No\.|Article|Route|Highway|Flight|Line|Gate|Room|Ward|Unit|Building|Block|Bus|Hall|"
                 r"Street|Avenue|Rue)\s*$", before) or re.match(r"^\s+(?:Rue|Street|St\b|Avenue|Road|rue)", after):
        return "number inside a name or address"
    if art.outlet and re.search(rf"\b\w+\s*{re.escape(t)}", art.outlet) and \
            re.search(r"\w\s$", before) and before.split()[-1] in art.outlet:
        return "number inside a name or address"
    if re.search(r"\bnot\s*$", before, re.I):
        return "contrasted/negated amount ('dozens, not hundreds')"
    if t.strip().lower() in {"one", "two", "three"} and re.search(r"\b(the|in|our)\s+$", before, re.I):
        return "number word as determiner ('the one place', 'the two countries')"
    if UNIT_AFTER.match(after) or re.search(r"\b(magnitude|depth of|aged?)\s*(?:about\s+)?$", before, re.I):
        return "measurement/duration"
    if re.search(r"\d{3}[ -]\d{3}", art.text[max(0, s - 8):e + 8]):
        return "phone or code"
    return "other"


def classify_figure_missed(art: Article, g: Rec) -> str:
    t = g.get("text") or art.text[g["start"]:g["end"]]
    first_nl = art.text.find("\n")
    if 0 <= g["start"] < first_nl < 160 and art.text[first_nl:first_nl + 2] == "\n\n":
        return "in the headline line"
    if g.get("unit"):
        return "money/percent"
    if re.match(r"^\s*(?:[.,;:)]|of (?:them|those|whom)\b)", art.text[g["end"]:g["end"] + 12]):
        return "bare number, noun elided ('Gravenne 9,100.', 'one of them')"
    if g.get("qualifier") == "vague" or re.search(r"(?i)\b(dozens|hundreds|thousands|millions|several|scores)\b", t):
        return "vague amount ('dozens', 'several hundreds')"
    if g.get("qualifier") == "range":
        return "range"
    if not re.search(r"\d", t):
        return "number word"
    return "other"


# ---------------------------------------------------------------- the run

@dataclass
class Analysis:
    errors: list[Err]
    totals: dict[str, int]
    confusion: Counter[tuple[str, str]]

    def counts(self) -> dict[str, int]:
        return dict(Counter(e.key for e in self.errors))


def ctx(art: Article, s: int, e: int, w: int = 110) -> str:
    t = art.text
    return (t[max(0, s - w):s] + "[[" + t[s:e] + "]]" + t[e:e + w // 2]).replace("\n", " ⏎ ")


def analyse(scorer: ModuleType, gold: list[Rec], pred: list[Rec], arts: dict[str, Article]) -> Analysis:
    docs = {g["doc"] for g in gold}
    pred = [p for p in pred if p.get("doc") in docs and p.get("field", "text") == "text"]
    errs: list[Err] = []
    conf: Counter[tuple[str, str]] = Counter()
    gf = [g for g in gold if g["kind"] == "figure"]
    pf = [p for p in pred if p.get("kind") == "figure"]
    m = scorer.match(gf, pf)
    for gi, pi in sorted(m.items()):
        g, p = gf[gi], pf[pi]
        art = arts[g["doc"]]
        span = (g["doc"], g["start"], g["end"])
        if not scorer.source_ok(p.get("source"), g["source"]):
            grp, mech = classify_source(art, g, p)
            errs.append(Err("source", grp, mech, *span, f"gold {g['source'][:2]} | pred {p.get('source')!r}"))
        if not scorer.counted_ok(p.get("counted"), g["counted"]):
            errs.append(Err("counted", "mismatch", classify_counted(art, g, p), *span,
                            f"gold {g['counted'][:3]} | pred {p.get('counted')!r}"))
        if p.get("category") != g.get("category"):
            conf[(str(g.get("category")), str(p.get("category")))] += 1
            errs.append(Err("category", str(g.get("category")), classify_category(art, g, p), *span,
                            f"gold {g.get('category')} | pred {p.get('category')}"))
        if g.get("event_date") and p.get("event_date") != g["event_date"]:
            errs.append(Err("date", str(g.get("date_basis") or "unknown"), classify_date(art, g, p), *span,
                            f"gold {g['event_date']} ({g.get('date_basis')}) | pred {p.get('event_date')} "
                            f"| published {art.date}"))
    found_p = set(m.values())
    for gi, g in enumerate(gf):
        if gi not in m:
            art = arts[g["doc"]]
            errs.append(Err("figure", "missed", classify_figure_missed(art, g), g["doc"], g["start"], g["end"],
                            f"gold {g.get('text')!r} {g.get('category')}"))
    for pi, p in enumerate(pf):
        if pi in found_p:
            continue
        art = arts[p["doc"]]
        over = any(g["doc"] == p["doc"] and g["start"] < p["end"] and p["start"] < g["end"] for g in gf)
        errs.append(Err("figure", "spurious", classify_figure_spurious(art, p, over), p["doc"], p["start"],
                        p["end"], f"pred {p.get('text')!r} {p.get('category')}"))
    gs = [g for g in gold if g["kind"] == "statement"]
    ps = [p for p in pred if p.get("kind") == "statement"]
    ms = scorer.match(gs, ps)
    used = set(ms.values())
    figs_by_doc: dict[str, list[Rec]] = defaultdict(list)
    for g in gf:
        figs_by_doc[g["doc"]].append(g)
    for gi, g in enumerate(gs):
        art = arts[g["doc"]]
        if gi not in ms:
            other = any(p.get("doc") == g["doc"] and p["start"] < g["end"] and g["start"] < p["end"] for p in ps)
            errs.append(Err("statement", "missed", classify_statement_missed(art, g, other), g["doc"], g["start"],
                            g["end"], f"gold {g['speaker'][:2]} cue {g.get('cue')!r}"))
            continue
        p = ps[ms[gi]]
        if not scorer.source_ok(p.get("speaker"), g["speaker"]):
            errs.append(Err("statement", "wrong speaker", classify_statement_wrong(art, g, p), g["doc"],
                            g["start"], g["end"], f"gold {g['speaker'][:2]} | pred {p.get('speaker')!r}"))
    for pi, p in enumerate(ps):
        if pi in used:
            continue
        art = arts[p["doc"]]
        over = any(g["doc"] == p["doc"] and g["start"] < p["end"] and p["start"] < g["end"] for g in gs)
        errs.append(Err("statement", "spurious",
                        classify_statement_spurious(art, p, over, figs_by_doc[p["doc"]], scorer),
                        p["doc"], p["start"], p["end"], f"pred {p.get('speaker')!r} cue {p.get('cue')!r}"))
    totals = {"gold figures": len(gf), "pred figures": len(pf), "found figures": len(m),
              "gold statements": len(gs), "pred statements": len(ps), "found statements": len(ms),
              "gold dated figures found": sum(1 for gi in m if gf[gi].get("event_date"))}
    return Analysis(errs, totals, conf)


# ---------------------------------------------------------------- output

KIND_TITLES = {
    "source": "FIGURE SOURCE (who reports it)",
    "counted": "COUNTED (what is counted)",
    "category": "CATEGORY (by gold category)",
    "date": "EVENT DATE (by gold date_basis)",
    "statement": "STATEMENTS",
    "figure": "FIGURES MISSED / SPURIOUS (by type)",
}
GROUP_TITLES = {"missing": "missing: gold has a source, pred null", "spurious": "spurious: gold null, pred has one",
                "wrong": "wrong speaker: both set, they differ", "mismatch": "counted head differs from gold"}


def load_articles(path: str | Path) -> dict[str, Article]:
    out = {}
    for r in read_jsonl(path):
        out[r["id"]] = Article(r["id"], r["text"], parse_date(r.get("date")), r.get("outlet") or "", r.get("url") or "")
    return out


def report(an: Analysis, arts: dict[str, Article], name: str, only: str, n_examples: int) -> str:
    lines = [f"== {name}: " + ", ".join(f"{k} {v}" for k, v in an.totals.items())]
    by: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    ex: dict[str, list[Err]] = defaultdict(list)
    for e in an.errors:
        by[e.kind][e.group][e.mech] += 1
        ex[e.key].append(e)
    for kind in KINDS:
        if (only and kind != only) or kind not in by:
            continue
        total = sum(sum(c.values()) for c in by[kind].values())
        lines.append("")
        lines.append(f"{KIND_TITLES[kind]}: {total} errors")
        for grp, c in sorted(by[kind].items(), key=lambda kv: -sum(kv[1].values())):
            title = GROUP_TITLES.get(grp, grp) if kind in ("source", "counted", "statement", "figure") else grp
            lines.append(f"  {title}: {sum(c.values())}")
            for mech, n in sorted(c.items(), key=lambda kv: (kv[0].startswith("other"), -kv[1], kv[0])):
                lines.append(f"    {n:5d}  {mech}")
        if kind == "category" and an.confusion:
            lines.append("  confusion (gold -> pred: n): " + ", ".join(
                f"{g}->{p}: {n}" for (g, p), n in an.confusion.most_common()))
    if n_examples > 0:
        lines.append("")
        lines.append(f"EXAMPLES (up to {n_examples} per mechanism; [[gold span]] or [[pred span]] for spurious)")
        for kind in KINDS:
            if only and kind != only:
                continue
            for key in sorted(k for k in ex if k.startswith(kind + "/")):
                lines.append(f"-- {key} ({len(ex[key])})")
                for e in ex[key][:n_examples]:
                    lines.append(f"   {e.doc}: {e.detail}")
                    lines.append(f"      {ctx(arts[e.doc], e.start, e.end)}")
    return "\n".join(lines)


def compare_table(old: dict[str, int], new: dict[str, int], only: str = "") -> str:
    keys = sorted(set(old) | set(new), key=lambda k: (KINDS.index(k.split("/")[0]), k))
    keys = [k for k in keys if not only or k.startswith(only + "/")]
    w = max([len(k) for k in keys] + [20])
    out = [f"{'mechanism'.ljust(w)}  {'before':>6}  {'after':>6}  {'delta':>6}"]
    kind = ""
    for k in keys:
        if k.split("/")[0] != kind:
            kind = k.split("/")[0]
            o = sum(v for kk, v in old.items() if kk.startswith(kind + "/"))
            n = sum(v for kk, v in new.items() if kk.startswith(kind + "/"))
            out.append(f"{(kind + ' (total)').ljust(w)}  {o:6d}  {n:6d}  {n - o:+6d}")
        o, n = old.get(k, 0), new.get(k, 0)
        out.append(f"{('  ' + k).ljust(w)}  {o:6d}  {n:6d}  {n - o:+6d}")
    return "\n".join(out)


def load_counts(path: str) -> dict[str, int]:
    """Counts saved by an earlier --json run."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return {str(k): int(v) for k, v in data.get("counts", {}).items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", choices=sorted(SETS), help="a dev set: gold and articles from SHARED, pred from out/")
    ap.add_argument("--gold")
    ap.add_argument("--pred")
    ap.add_argument("--articles")
    ap.add_argument("--shared", help="the shared directory (default: $SHARED, ../shared or ../../shared)")
    ap.add_argument("--scorer", help="path of score.py (default: SHARED/eval/score.py)")
    ap.add_argument("--only", choices=KINDS, default="")
    ap.add_argument("--examples", type=int, default=3, help="examples per mechanism (0: counts only)")
    ap.add_argument("--json", help="write the counts per mechanism here")
    ap.add_argument("--compare", metavar="OLD", help="earlier predictions (.jsonl) or counts from --json (.json): "
                    "print a before/after table per mechanism")
    a = ap.parse_args(argv)
    shared = find_shared(a.shared)
    gold_p, arts_p, pred_p = a.gold, a.articles, a.pred
    if a.set:
        if shared is None:
            ap.error("--set needs the shared directory (--shared or $SHARED)")
        art_rel, gold_rel = SETS[a.set]
        gold_p = gold_p or str(shared / gold_rel)
        arts_p = arts_p or str(shared / art_rel)
        pred_p = pred_p or str(REPO / "out" / f"{a.set}.jsonl")
    if not (gold_p and pred_p and arts_p):
        ap.error("give --set or all of --gold, --pred and --articles")
    scorer_p = Path(a.scorer) if a.scorer else (shared / "eval" / "score.py" if shared else None)
    if scorer_p is None or not scorer_p.exists():
        ap.error("cannot find the scorer (--scorer or --shared)")
    for p in (gold_p, pred_p, arts_p):
        if not Path(p).exists():
            print(f"diagnose: {p} does not exist (run `make eval` first?)", file=sys.stderr)
            return 2
    scorer = load_scorer(scorer_p)
    gold, arts = scorer.load(gold_p), load_articles(arts_p)
    an = analyse(scorer, gold, scorer.load(pred_p), arts)
    name = a.set or Path(pred_p).name
    print(report(an, arts, name, a.only, a.examples))
    counts = an.counts()
    if a.compare:
        old = load_counts(a.compare) if a.compare.endswith(".json") else \
            analyse(scorer, gold, scorer.load(a.compare), arts).counts()
        print("")
        print(f"COMPARE {a.compare} (before) -> {pred_p} (after)")
        print(compare_table(old, counts, a.only))
    if a.json:
        with open(a.json, "w", encoding="utf-8") as fh:
            json.dump({"set": name, "totals": an.totals, "counts": dict(sorted(counts.items()))}, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
