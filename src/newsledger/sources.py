"""One canonical source per speaker across articles, with a kind and an affiliation.

"Volodymyr Zelensky", "Zelenskyy" and "Ukraine's leader Volodymyr Zelensky" are one
person; "Dravenia's emergency ministry", "the emergency ministry" and "Ministry of
Emergency Situations" are one body. People match on a fuzzy surname (and a
compatible first name); organisations match when the content words of one name
are contained in the other's. Kinds come from the words of the name and the role.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz

MAX_POSTING = 200
KINDS = ("government", "military", "un_ngo", "media", "official", "person", "other")
STOPWORDS = {"the", "of", "a", "an", "and", "for", "in", "on", "at", "s", "its", "their", "his", "her", "own"}
GENERIC_SINGLE = {"ministry", "police", "union", "government", "authorities", "officials", "official",
                  "spokesman", "spokeswoman", "spokesperson", "company", "agency", "army", "military",
                  "organisers", "organizers", "witnesses", "residents", "doctors", "media", "sources", "unions"}
KIND_WORDS: list[tuple[str, set[str]]] = [
    ("un_ngo", {"un", "u.n.", "united", "nations", "ocha", "unicef", "unhcr", "who", "wfp", "iom", "red", "cross",
                "crescent", "msf", "amnesty", "ngo", "charity", "ifrc", "oxfam", "save", "care", "relief",
                "foundation", "humanitarian", "medics", "volunteer", "volunteers", "caritas", "program",
                "programme", "fund", "federation"}),
    ("military", {"army", "military", "forces", "troops", "regiment", "brigade", "battalion", "commander",
                  "navy", "air", "general", "colonel", "admiral", "captain", "defence", "defense", "pentagon",
                  "armed", "militia", "rebels", "alliance", "fighters", "soldiers", "staff"}),
    ("media", {"media", "tass", "ria", "novosti", "reuters", "ap", "afp", "bbc", "cnn", "correspondent",
               "reporter", "newspaper", "broadcaster", "tv", "radio", "daily", "times", "herald",
               "press", "news", "journalist", "channel", "outlet"}),
    ("government", {"ministry", "minister", "government", "president", "presidential", "prime", "governor",
                    "mayor", "kremlin", "state", "department", "police", "authorities", "council", "prefecture",
                    "administration", "office", "inspectorate", "parliament", "cabinet", "chancellor", "agency",
                    "secretary", "embassy", "municipality", "court", "prosecutor", "hospital", "service"}),
    ("official", {"official", "officials", "spokesman", "spokeswoman", "spokesperson", "adviser", "advisor",
                  "aide", "source", "sources"}),
]


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _words(text: str) -> list[str]:
    t = _ascii(text).lower().replace("’", "'")
    t = re.sub(r"'s\b|'", " ", t)
    return [w for w in re.findall(r"[a-z0-9.]+", t) if w not in STOPWORDS]


ORG_HINTS = {"union", "group", "company", "council", "committee", "federation", "alliance", "party", "bank",
             "fund", "organisation", "organization", "corporation", "inc", "ltd", "association", "network",
             "institute", "university", "service", "agency", "office", "ministry", "police", "metrics", "mining",
             "rail", "railways", "airlines", "society", "societies", "centre", "center", "hospital", "school",
             "club", "league", "movement", "front", "coalition", "international", "watch", "foundation"}


def looks_like_person(name: str) -> bool:
    """Two to four capitalised words, none of them an organisation word."""
    toks = name.split()
    if not 2 <= len(toks) <= 4 or not all(t[:1].isupper() for t in toks):
        return False
    low = {w.lower().strip(".,") for w in toks}
    org_words = set().union(*(words for _, words in KIND_WORDS), ORG_HINTS) - {
        "general", "captain", "admiral", "colonel"}
    return not (low & org_words)


def source_kind(name: str, role: str | None = None, person: bool | None = None) -> str:
    words = set(_words(name))
    role_words = set(_words(role or ""))
    is_person = looks_like_person(name) if person is None else person
    if is_person:
        for kind, vocab in KIND_WORDS:
            if role_words & vocab and kind in ("military", "un_ngo", "media", "government"):
                return kind if kind != "government" else "official"
        return "person"
    for kind, vocab in KIND_WORDS:
        if words & vocab:
            return kind
    return "other"


_PERSON_OF = re.compile(r"^([A-Z][\w'’-]+(?: [A-Z][\w'’-]+){1,3}) (?:of|from|at) (?:the )?(.+)$")


@dataclass
class Source:
    id: str
    name: str
    kind: str
    affiliation: str | None
    person: bool
    aliases: set[str] = field(default_factory=set)


@dataclass
class SourceRegistry:
    """Canonical sources seen so far; :meth:`resolve` maps a name (and role) to one of them."""

    sources: dict[str, Source] = field(default_factory=dict)
    _by_alias: dict[str, str] = field(default_factory=dict)
    _by_surname: dict[str, list[str]] = field(default_factory=dict)
    _by_word: dict[str, set[str]] = field(default_factory=dict)
    # ids whose record changed since the caller last cleared this (so only those are written)
    changed: set[str] = field(default_factory=set)

    def add(self, src: Source) -> None:
        self.sources[src.id] = src
        for alias in src.aliases | {src.name}:
            self._by_alias[alias.lower()] = src.id
        self._index(src)

    def _index(self, src: Source) -> None:
        words = _words(src.name)
        if src.person and words:
            self._by_surname.setdefault(words[-1][:4], []).append(src.id)
        else:
            for w in words:
                self._by_word.setdefault(w, set()).add(src.id)

    def _new_id(self) -> str:
        n = len(self.sources) + 1
        while f"src-{n}" in self.sources:
            n += 1
        return f"src-{n}"

    def resolve(self, name: str, role: str | None = None, person: bool | None = None) -> Source:
        """The canonical source for a speaker name as the extractor gave it."""
        m = _PERSON_OF.match(name)
        if m and looks_like_person(m.group(1)):
            # "Ivo Rusnak of the State Mine Rescue Service": the person, affiliated with the body
            name, role = m.group(1), role or m.group(2)
        key = name.lower().strip()
        if key in self._by_alias:
            src = self.sources[self._by_alias[key]]
            if role and not src.affiliation:
                src.affiliation = role
                self.changed.add(src.id)
            return src
        is_person = looks_like_person(name) if person is None else person
        words = _words(name)
        generic = len(words) <= 1 and (not words or words[0] in GENERIC_SINGLE or name[:1].islower())
        found = None
        if not generic:
            found = self._match_person(name) if is_person else self._match_org(name)
            if found is None and not is_person and len(name.split()) == 1:
                found = self._match_person(name)  # "Zelenskyy" alone
        if found is not None:
            src = self.sources[found]
            src.aliases.add(name)
            self._by_alias[key] = src.id
            # keep the fullest form as the display name
            if len(name) > len(src.name) and (src.person == is_person) and not name.lower().startswith("the "):
                src.name = name
                self._index(src)
            if role and not src.affiliation:
                src.affiliation = role
            self.changed.add(src.id)
            return src
        src = Source(self._new_id(), name, source_kind(name, role, is_person), role, is_person, {name})
        self.add(src)
        self.changed.add(src.id)
        return src

    def _match_person(self, name: str) -> str | None:
        words = _words(name)
        if not words:
            return None
        surname = words[-1]
        for sid in self._by_surname.get(surname[:4], []):
            other = _words(self.sources[sid].name)
            if not other:
                continue
            if fuzz.ratio(surname, other[-1]) < 85:
                if not (len(words) == 1 and fuzz.ratio(surname, other[0]) >= 90):
                    continue
            if len(words) > 1 and len(other) > 1 and fuzz.ratio(words[0], other[0]) < 70:
                continue
            return sid
        if len(words) == 1:
            # a first name alone ("Andriy said") matches a person with that first name
            for sid, src in self.sources.items():
                other = _words(src.name)
                if src.person and len(other) > 1 and fuzz.ratio(words[0], other[0]) >= 92:
                    return sid
        return None

    def _match_org(self, name: str) -> str | None:
        words = set(_words(name))
        if not words or (len(words) == 1 and next(iter(words)) in GENERIC_SINGLE):
            return None
        cands: set[str] = set()
        for w in words:
            posting = self._by_word.get(w, set())
            if len(posting) <= MAX_POSTING:  # very common words ("ministry") do not narrow anything
                cands |= posting
        best, best_score = None, 0.0
        for sid in sorted(cands):
            other = set(_words(self.sources[sid].name))
            if not other:
                continue
            small, large = (words, other) if len(words) <= len(other) else (other, words)
            contained = small <= large
            score = fuzz.ratio(" ".join(sorted(words)), " ".join(sorted(other)))
            if (contained and len(small) >= 2) or (score >= 90 and len(small) >= 2):
                if score > best_score:
                    best, best_score = sid, score
        return best
