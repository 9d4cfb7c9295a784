"""One canonical source per speaker, with a kind and an affiliation, scoped by story where
the name alone does not say which body it is.

People are global: "Volodymyr Zelensky", "Wolodymyr Selenskyj" and "Zelenskyy" are one person
(surnames compared after a transliteration normalisation, then fuzzily; a surname alone
attaches to the full name used in the same story). Named bodies ("Ministry of Health of
Dravenia", "KAVED", "Brenholm Institute") are global too. Generic bodies ("authorities",
"the health ministry", "Ministry of Interior", "local officials") only mean something
inside one story, and inside one country where the name says so ("Dravenian authorities"
and "Mirzavan's authorities" differ), so they resolve within their story: to the one
specific body of that story they are shorthand for, or to a source scoped to the story.
An acronym and its expansion in one story ("... Agency (KAVED)", later "KAVED") are one
source. Kinds come from the words of the name and the role.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from . import wordlists

MAX_POSTING = 200
KINDS = ("government", "military", "un_ngo", "media", "official", "person", "other")
STOPWORDS = {"the", "of", "a", "an", "and", "for", "in", "on", "at", "s", "its", "their", "his", "her", "own"}
GENERIC_SINGLE = {"ministry", "police", "union", "government", "authorities", "officials", "official",
                  "spokesman", "spokeswoman", "spokesperson", "company", "agency", "army", "military",
                  "organisers", "organizers", "witnesses", "residents", "doctors", "media", "sources", "unions"}
BODY_WORDS = wordlists.words("body_words")
COLLECTIVE = wordlists.words("collective_nouns")
DESCRIPTORS = wordlists.words("name_descriptors")
PERSON_TITLES = wordlists.words("person_titles")
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


@lru_cache(maxsize=65536)
def _words(text: str) -> tuple[str, ...]:
    t = _ascii(text).lower().replace("’", "'")
    t = re.sub(r"'s\b|'", " ", t)
    return tuple(w for w in re.findall(r"[a-z0-9.]+", t) if w not in STOPWORDS)


ORG_HINTS = {"union", "group", "company", "council", "committee", "federation", "alliance", "party", "bank",
             "fund", "organisation", "organization", "corporation", "inc", "ltd", "association", "network",
             "institute", "university", "service", "agency", "office", "ministry", "police", "metrics", "mining",
             "rail", "railways", "airlines", "society", "societies", "centre", "center", "hospital", "school",
             "club", "league", "movement", "front", "coalition", "international", "watch", "foundation"}


ORG_WORDS = frozenset(set().union(*(words for _, words in KIND_WORDS), ORG_HINTS)
                      - {"general", "captain", "admiral", "colonel"})


def looks_like_person(name: str) -> bool:
    """Two to four capitalised words, none of them an organisation word."""
    toks = name.split()
    if not 2 <= len(toks) <= 4 or not all(t[:1].isupper() for t in toks):
        return False
    low = {w.lower().strip(".,") for w in toks}
    # "City Hall", "Health Directorate": two words of body names (one may be a surname: "Hall")
    return not (low & ORG_WORDS) and len(low & BODY_WORDS) < 2


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

# words that never make a body name specific: "the Health Ministry" names no particular ministry
COMMON = BODY_WORDS | {w for p in COLLECTIVE for w in p.split()} | STOPWORDS
FUNCTION_WORDS = {"of", "and", "for", "the", "on", "de", "du", "des", "la", "le", "&"}
DEMONYM_ENDINGS = ("ian", "ean", "an", "ese", "ish", "i")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&]{1,7}")
_NAME_WORD = r"(?:[A-Z][\w'’-]*|of|and|for|the|on|de|du|des|la|le|&)"
_ACR_IN_TEXT = re.compile(rf"({_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,9}})[ \t]+\(([A-Z][A-Z0-9&]{{1,7}})\)")
_TRAILING_ACR = re.compile(r"^(.*\S)\s*\(([A-Z][A-Z0-9&]{1,7})\)?$")


def _key(name: str) -> str:
    """What two spellings of one name share: content words, lower case, no articles."""
    return " ".join(_words(name)) or name.lower().strip()


@lru_cache(maxsize=65536)
def translit(word: str) -> str:
    """A spelling key that transliteration variants of one name share: Zelensky, Zelenskyy,
    Zelenskiy and Zelenskij; Volodymyr and Wolodymyr; Oleksandr and Olexandr; Yevhen and Evhen."""
    w = re.sub(r"[^a-z]", "", _ascii(word).lower())
    for a, b in (("cks", "x"), ("ks", "x"), ("kh", "h"), ("ph", "f"), ("ck", "k"), ("tch", "ch"),
                 ("dzh", "j"), ("dj", "j"), ("w", "v")):
        w = w.replace(a, b)
    w = re.sub(r"(^|[aeiou])[yj]e", r"\1e", w)  # Yevhen/Evhen, Sergeyev/Sergeev
    w = w.replace("y", "i").replace("j", "i")
    return re.sub(r"(.)\1+", r"\1", w)  # -yy/-iy/-ij endings, doubled letters


def _surname_keys(surname: str) -> tuple[str, ...]:
    """Index keys for a surname: its start, and its start past the first letter (Z/S, C/K)."""
    t = translit(surname)
    return (t[:3], "~" + t[1:4])


def place_stem(word: str) -> str:
    """A country or town and its demonym share a stem prefix: Karvelia/Karvelian/Karvelia's."""
    w = re.sub(r"[^a-z]", "", _ascii(word).lower().replace("'s", "").replace("’s", ""))
    for suf in ("ians", "ian", "ean", "ans", "an", "ese", "ish", "is", "i", "a", "e", "s"):
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            return w[: -len(suf)]
    return w


def same_place(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    return a == b or (min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a)))


@lru_cache(maxsize=65536)
def acronym_fits(acr: str, long: str) -> bool:
    """Whether ``acr`` is made of the leading letters of the words of ``long`` (function words
    may be skipped): CAL = Confederation of Ardelian Labour, IHRA = International Hospital ..."""
    letters = re.sub(r"[^a-z0-9]", "", acr.lower())
    toks = [t.lower() for t in re.findall(r"[A-Za-z][\w'’]*|&", _ascii(long))]
    if not letters or len(toks) < 2 or len(toks) > 12:
        return False
    seen: dict[tuple[int, int], bool] = {}

    def fit(i: int, j: int) -> bool:
        if (i, j) in seen:
            return seen[(i, j)]
        if j == len(toks):
            ok = i == len(letters)
        else:
            t = toks[j]
            ok = t in FUNCTION_WORDS and fit(i, j + 1)
            for k in range(1, min(3, len(t)) + 1):
                if ok:
                    break
                ok = letters[i:i + k] == t[:k] and fit(i + k, j + 1)
        seen[(i, j)] = ok
        return ok

    return fit(0, 0)


@dataclass(frozen=True)
class BodyName:
    """A body's name taken apart: its content words, head noun, the place it belongs to, whether
    some word names a particular body ("Brenholm", "KAVED") and whether it is a collective."""

    words: frozenset[str]
    head: str
    place: str | None
    distinctive: bool
    collective: bool


@lru_cache(maxsize=65536)
def parse_body(name: str) -> BodyName:
    text = _ascii(name.replace("’", "'")).strip()
    text = re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.I)
    toks = [t for t in text.split() if not ("-" in t and t.lower().rsplit("-", 1)[-1] in DESCRIPTORS)]
    place = None
    if len(toks) > 1 and toks[0][:1].isupper() and toks[0].lower().endswith("'s"):
        place, toks = place_stem(toks[0][:-2]), toks[1:]  # "Karvelia's health ministry"
    elif (len(toks) >= 3 and toks[-2].lower() in ("of", "in") and toks[-1][:1].isupper()
          and toks[-1].lower() not in COMMON):
        place, toks = place_stem(toks[-1]), toks[:-2]  # "Ministry of Health of Karvelia"
    elif (len(toks) >= 2 and toks[0][:1].isupper() and toks[0].lower() not in COMMON
          and toks[0].lower().endswith(DEMONYM_ENDINGS)):
        place, toks = place_stem(toks[0]), toks[1:]  # "Karvelian authorities"
    rest = " ".join(toks)
    words = _words(rest)
    low = [t.lower() for t in toks]
    before_of = _words(" ".join(toks[:low.index("of")])) if "of" in low[1:] else ()
    head = (before_of or words or ("",))[-1]
    distinctive = any(t[:1].isupper() and re.sub(r"[^\w]", "", t.lower()) not in COMMON for t in toks)
    collective = head in COMMON - BODY_WORDS or any(rest.lower().endswith(p) for p in COLLECTIVE)
    return BodyName(frozenset(words), head, place, distinctive, collective)


@lru_cache(maxsize=65536)
def _identifies(name: str) -> bool:
    """Whether a body's name says which body it is, outside any story ("KAVED", "Velmaria's
    health ministry"; not "the ministry", "Karvelian authorities")."""
    b = parse_body(name)
    return b.distinctive or (b.place is not None and not b.collective) or not b.words


def _same_body(a: BodyName, b: BodyName) -> bool:
    return bool(a.words) and a.words == b.words and a.head == b.head and same_place(a.place, b.place)


_TITLED = re.compile(r"^(.+?) ([A-Z][\w'’-]+(?: [A-Z][\w'’-]+){1,2})$")


def split_title(name: str) -> tuple[str, str] | None:
    """("Health Minister of Valmensk Region Irena Pashkova") -> the person and the title."""
    m = _TITLED.match(name)
    if m is None or not set(_words(m.group(1))) & PERSON_TITLES:
        return None
    for cut in range(len(name.split()) - 2, 0, -1):  # the longest person-looking tail
        toks = name.split()
        head, tail = " ".join(toks[:cut]), " ".join(toks[cut:])
        if len(toks) - cut <= 3 and looks_like_person(tail) and set(_words(head)) & PERSON_TITLES:
            return tail, head
    return None


def _short_name(name: str) -> str | None:
    """One capitalised word (after "the"), not an acronym and not a generic body word."""
    toks = [t for t in name.split() if t.lower() != "the"]
    if len(toks) != 1 or not toks[0][:1].isupper() or _ACRONYM.fullmatch(toks[0]):
        return None
    w = toks[0].lower()
    return None if w in GENERIC_SINGLE or w in BODY_WORDS else w


def _first_word(name: str) -> str:
    toks = [t for t in name.split() if t.lower() != "the"]
    return toks[0].lower() if toks else ""


@lru_cache(maxsize=65536)
def _lead_letters(name: str) -> frozenset[str]:
    """The letters an acronym of ``name`` can begin with: :func:`acronym_fits` matches its first
    letter with a word's, and may skip the function words before that word."""
    out = set()
    for t in re.findall(r"[A-Za-z][\w'’]*|&", _ascii(name)):
        t = t.lower()
        if t != "&":
            out.add(t[0])
        if t not in FUNCTION_WORDS:
            break
    return frozenset(out)


@lru_cache(maxsize=65536)
def _deletions(word: str) -> frozenset[str]:
    """``word`` with up to 18% of its letters deleted. Two words with ``fuzz.ratio >= 92`` share
    one: each is at most 0.174 of its length away from their longest common subsequence, so a
    key look-up finds every such pair (as SymSpell does)."""
    out = frontier = {word}
    for _ in range(int(len(word) * 0.18)):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        out = out | frontier
    return frozenset(out)


@dataclass
class Source:
    id: str
    name: str
    kind: str
    affiliation: str | None
    person: bool
    aliases: set[str] = field(default_factory=set)
    story: str | None = None  # set for a source that only means something within one story


LAST_CUTOFF, FIRST_CUTOFF = 84, 89  # the people look-ups' fuzz.ratio cutoffs (see _People.hits)
# the person test (_People.same_person): last words, a surname alone against first words, given names
SAME_LAST, SAME_FIRST_ALONE, SAME_GIVEN = 85, 90, 70
KEY_LEN = 6  # letters in a deletion key (see _prefix_keys)
INDEX_AT = 128  # people in a list from which its look-ups use deletion keys instead of a scan


def _lost(length: int, cutoff: int) -> int:
    """The most letters a word of ``length`` has outside its longest common subsequence L with a
    word within ``fuzz.ratio >= cutoff`` of it: ratio = 200 L / (l1 + l2) and l2 >= L give
    l1 - L <= l1 (200 - 2 cutoff) / (200 - cutoff)."""
    return length * (200 - 2 * cutoff) // (200 - cutoff)


@lru_cache(maxsize=4096)
def _prefix_keys(word: str, cutoff: int) -> frozenset[str]:
    """Keys that two words within ``fuzz.ratio >= cutoff`` of each other always share, so a key
    look-up finds every such pair. Their common subsequence S starts within the first
    KEY_LEN + k letters of each word (k = :func:`_lost` of its length), so S[:KEY_LEN] (all of S
    when shorter, and then the word is all in that head) is a subsequence of that head of KEY_LEN
    letters, or of head length - k to KEY_LEN letters: every such subsequence is a key."""
    head = word[:KEY_LEN + _lost(len(word), cutoff)]
    sizes = range(max(len(head) - _lost(len(word), cutoff), 0), min(KEY_LEN, len(head)) + 1)
    return frozenset("".join(t) for n in sizes for t in itertools.combinations(head, n))


@dataclass
class _Keys:
    """Positions in a list of words filed under the :func:`_prefix_keys` of each word: a word
    within the cutoff of a look-up's word shares a key with it. Most keys belong to one word,
    so a key holds a position alone until it has two (a list for each costs memory)."""

    cutoff: int
    keys: dict[str, int | list[int]] = field(default_factory=dict)

    def file(self, i: int, word: str) -> None:
        for k in _prefix_keys(word, self.cutoff):
            had = self.keys.setdefault(k, i)
            if isinstance(had, list):
                had.append(i)
            elif had != i:
                self.keys[k] = [had, i]

    def candidates(self, word: str) -> set[int]:
        """Every position whose word may be within the cutoff of ``word`` (a superset)."""
        out: set[int] = set()
        for k in _prefix_keys(word, self.cutoff):
            had = self.keys.get(k)
            if isinstance(had, int):
                out.add(had)
            elif had is not None:
                out.update(had)
        return out


def _near(word: str, words: list[str], keys: _Keys | None, cutoff: int) -> set[int]:
    """The positions of ``words`` within ``fuzz.ratio >= cutoff`` of ``word``."""
    choices: Any = words
    if keys is not None:  # only the words sharing keys can pass: the same test on those
        choices = {i: words[i] for i in keys.candidates(word)}
    return {i for _, _, i in process.extract(word, choices, scorer=fuzz.ratio, processor=None,
                                             score_cutoff=cutoff, limit=None)}


@dataclass
class _People:
    """People's ids with the transliterated last and first words of their names, so a fuzzy
    test of one name against them runs in C (rapidfuzz) and Python tests only the hits. From
    INDEX_AT people on, the test runs only on the people sharing deletion keys with the name
    (:class:`_Keys`, complete for the cutoffs), so a look-up does not grow with the list."""

    ids: list[str] = field(default_factory=list)
    last: list[str] = field(default_factory=list)
    first: list[str] = field(default_factory=list)
    given: list[tuple[str, ...]] = field(default_factory=list)  # all words but the last
    named: list[bool] = field(default_factory=list)  # False: renamed to a name of no words
    # the last (first) words' keys, built at INDEX_AT people; a renamed person is filed again
    # under its new words' keys (its old keys stay: a superset)
    by_last: _Keys | None = None
    by_first: _Keys | None = None

    def add(self, sid: str, words: tuple[str, ...]) -> int:
        self.ids.append(sid)
        self.last.append("")
        self.first.append("")
        self.given.append(())
        self.named.append(False)
        self.set(len(self.ids) - 1, words, new=True)
        return len(self.ids) - 1

    def set(self, i: int, words: tuple[str, ...], new: bool = False) -> None:
        was = (self.last[i], self.first[i])
        self.last[i], self.first[i] = (translit(words[-1]), translit(words[0])) if words else ("", "")
        self.given[i] = tuple(translit(w) for w in words[:-1])
        self.named[i] = bool(words)
        if self.by_last is not None and (new or was != (self.last[i], self.first[i])):
            self._file(i)
        elif self.by_last is None and len(self.ids) >= INDEX_AT:
            self.by_last, self.by_first = _Keys(LAST_CUTOFF), _Keys(FIRST_CUTOFF)
            for j in range(len(self.ids)):
                self._file(j)

    def _file(self, i: int) -> None:
        assert self.by_last is not None and self.by_first is not None
        self.by_last.file(i, self.last[i])
        self.by_first.file(i, self.first[i])

    def hits(self, surname: str, first_too: bool) -> list[int]:
        """Positions whose last word (or, if ``first_too``, first word) is within a fuzz.ratio
        of 84 (89) of ``surname``: a little wider than :meth:`SourceRegistry._match_person` tests."""
        out = _near(surname, self.last, self.by_last, LAST_CUTOFF)
        if first_too:
            out |= _near(surname, self.first, self.by_first, FIRST_CUTOFF)
        return sorted(out)

    def same_person(self, surname: str, firsts: Sequence[str]) -> list[int]:
        """The positions of :meth:`hits` whose names pass the person test of
        :meth:`SourceRegistry._match_person` for a name of ``firsts`` + ``surname``: the last
        words within a fuzz.ratio of 85 (or, for a surname alone, its first word within 90), and
        unless either has no given names, one pair of given names within 70. Scored in arrays
        (``process.cdist``, the same scores as ``fuzz.ratio``), since a common surname gathers
        people from every story and testing each in Python grew with the corpus."""
        hits = [i for i in self.hits(surname, not firsts) if self.named[i]]
        if not hits:
            return []
        near = _scores([surname], [self.last[i] for i in hits])[0] >= SAME_LAST
        if not firsts:
            near |= _scores([surname], [self.first[i] for i in hits])[0] >= SAME_FIRST_ALONE
            return [hits[k] for k in np.flatnonzero(near)]
        owner = [k for k, i in enumerate(hits) for _ in self.given[i]]
        if owner:
            best = _scores(list(firsts), [w for i in hits for w in self.given[i]]).max(axis=0)
            given = np.zeros(len(hits), dtype=bool)
            given[owner] = True
            close = np.zeros(len(hits), dtype=bool)
            close[np.asarray(owner)[best >= SAME_GIVEN]] = True
            near &= close | ~given
        return [hits[k] for k in np.flatnonzero(near)]


def _scores(a: list[str], b: list[str]) -> Any:
    """fuzz.ratio of every pair of ``a`` x ``b``, as float64 (cdist defaults to float32, which
    would round a 69.99 to 70)."""
    return process.cdist(a, b, scorer=fuzz.ratio, dtype=np.float64)


@dataclass
class _StoryIndex:
    """The sources used in one story by the keys that the story's scans test, so that a scan
    looks only at the sources that can pass it. A source is filed under its keys when it joins
    the story and again whenever its name, aliases or person flag change; old keys stay (a
    superset), since every look-up applies the scan's full test, in first-use order (``pos``)."""

    pos: dict[str, int] = field(default_factory=dict)
    keys: dict[tuple[Any, ...], set[str]] = field(default_factory=dict)
    people: _People = field(default_factory=_People)
    at: dict[str, int] = field(default_factory=dict)  # id -> its place in ``people``

    def put(self, src: Source, keys: frozenset[tuple[Any, ...]]) -> None:
        self.pos.setdefault(src.id, len(self.pos))
        for k in keys:
            self.keys.setdefault(k, set()).add(src.id)
        words = _words(src.name)
        if src.id in self.at:
            self.people.set(self.at[src.id], words)
        elif src.person and words:
            self.at[src.id] = self.people.add(src.id, words)

    def ids(self, *keys: tuple[Any, ...]) -> list[str]:
        """The ids filed under any of ``keys``, in first-use order."""
        out: set[str] = set()
        for k in keys:
            out |= self.keys.get(k, set())
        return sorted(out, key=self.pos.__getitem__)

    def same_people(self, surname: str, firsts: Sequence[str]) -> list[str]:
        """The story's people that :meth:`_People.same_person` finds, in first-use order."""
        return sorted({self.people.ids[i] for i in self.people.same_person(surname, firsts)}, key=self.pos.__getitem__)


def _story_keys(src: Source) -> frozenset[tuple[Any, ...]]:
    """The keys of a source in a story's index (see the look-ups in :class:`SourceRegistry`)."""
    keys: set[tuple[Any, ...]] = {("first", _first_word(src.name)), ("head", parse_body(src.name).head)}
    short = _short_name(src.name)
    if short:
        keys.add(("short", short))
    if len(src.name.split()) == 1:
        t = translit(src.name)
        keys.add(("one", t))
        if len(t) >= 7:
            keys.add(("one7",))
    for a in src.aliases | {src.name}:
        keys.update(("lead", c) for c in _lead_letters(a))
        if _ACRONYM.fullmatch(a):
            keys.add(("acr", a[0].lower()))
        b = parse_body(a)
        if b.words:
            keys.add(("body", b.words, b.head))
    return frozenset(keys)


@dataclass
class SourceRegistry:
    """Canonical sources seen so far; :meth:`resolve` maps a name (and role, and the story the
    name was used in) to one of them. Within a story the same name always resolves the same
    way (:meth:`remember` replays earlier resolutions when a store is reopened)."""

    sources: dict[str, Source] = field(default_factory=dict)
    _by_alias: dict[str, str] = field(default_factory=dict)
    # surname key -> the people filed under it (again at each rename), with their names' words
    # for the fuzzy test in C; id -> (key, place) of its entries, updated when its name changes
    _surnames: dict[str, _People] = field(default_factory=dict)
    _surname_at: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    _by_word: dict[str, set[str]] = field(default_factory=dict)
    # ids whose record changed since the caller last cleared this (so only those are written)
    changed: set[str] = field(default_factory=set)
    # story -> name key -> source id: how names were resolved in that story
    _in_story: dict[str, dict[str, str]] = field(default_factory=dict)
    # story -> ids of the sources used there, in first-use order
    _story_ids: dict[str, dict[str, None]] = field(default_factory=dict)
    # story -> name key -> name key of the same body's acronym or expansion
    _pairs: dict[str, dict[str, str]] = field(default_factory=dict)
    # story -> (acronym, expansion as written) pairs, to match other spellings of the expansion
    _expansions: dict[str, dict[tuple[str, str], None]] = field(default_factory=dict)
    # story -> (words, head) of the expansion -> those pairs, in the order learnt
    _exp_by_body: dict[str, dict[tuple[frozenset[str], str], list[tuple[str, str]]]] = field(default_factory=dict)
    # indexes so that resolving a name costs the same in a story of 10 or 10,000 articles:
    # story -> its index (built when the story is first searched); id -> stories indexing it
    _sidx: dict[str, _StoryIndex] = field(default_factory=dict)
    _scopes: dict[str, list[str]] = field(default_factory=dict)
    # id -> (name, person, number of aliases) as last indexed, and its keys for that state
    _state: dict[str, tuple[str, bool, int]] = field(default_factory=dict)
    _keyed: dict[str, tuple[tuple[str, bool, int], frozenset[tuple[Any, ...]]]] = field(default_factory=dict)
    # every source's place in ``sources``; deletion variants of people's first words -> ids (built
    # on first use)
    _gpos: dict[str, int] = field(default_factory=dict)
    _firsts: dict[str, set[str]] | None = None

    def add(self, src: Source) -> None:
        self.sources[src.id] = src
        self._gpos.setdefault(src.id, len(self._gpos))
        if self._firsts is not None:
            self._add_first(src)
        if src.story is not None:  # scoped: found through its story only
            self._join(src.story, src.id)
            return
        for alias in src.aliases | {src.name}:
            if src.person or _identifies(alias):
                self._by_alias[alias.lower()] = src.id
        self._index(src)

    def _index(self, src: Source) -> None:
        if src.story is not None:
            return
        words = _words(src.name)
        if src.person and words:
            for k in _surname_keys(words[-1]):
                at = self._surnames.setdefault(k, _People()).add(src.id, words)
                self._surname_at.setdefault(src.id, []).append((k, at))
        else:
            for w in words:
                self._by_word.setdefault(w, set()).add(src.id)

    def _join(self, scope: str, sid: str) -> None:
        """``sid`` is used in story ``scope`` (kept in first-use order, and in its index)."""
        ids = self._story_ids.setdefault(scope, {})
        if sid in ids:
            return
        ids[sid] = None
        idx = self._sidx.get(scope)
        if idx is not None:
            self._put(idx, scope, sid)

    def _index_of(self, scope: str) -> _StoryIndex:
        idx = self._sidx.get(scope)
        if idx is None:
            idx = self._sidx[scope] = _StoryIndex()
            for sid in self._story_ids.get(scope, {}):
                self._put(idx, scope, sid)
        return idx

    def _put(self, idx: _StoryIndex, scope: str, sid: str) -> None:
        if sid not in idx.pos:
            self._scopes.setdefault(sid, []).append(scope)
        idx.put(self.sources[sid], self._keys(self.sources[sid]))

    def _keys(self, src: Source) -> frozenset[tuple[Any, ...]]:
        state = (src.name, src.person, len(src.aliases))
        cached = self._keyed.get(src.id)
        if cached is None or cached[0] != state:
            cached = self._keyed[src.id] = (state, _story_keys(src))
        return cached[1]

    def _touched(self, src: Source) -> None:
        """File a source again wherever it is indexed if its name, aliases (which only grow) or
        person flag changed, so the indexes stay exact."""
        state = (src.name, src.person, len(src.aliases))
        if self._state.get(src.id) == state:
            return
        self._state[src.id] = state
        words = _words(src.name)
        for k, at in self._surname_at.get(src.id, ()):
            self._surnames[k].set(at, words)
        for scope in self._scopes.get(src.id, ()):
            self._sidx[scope].put(src, self._keys(src))
        if self._firsts is not None:
            self._add_first(src)

    def _add_first(self, src: Source) -> None:
        assert self._firsts is not None
        words = _words(src.name)
        if src.person and len(words) > 1:
            for v in _deletions(translit(words[0])):
                self._firsts.setdefault(v, set()).add(src.id)

    def _first_named(self, first: str) -> set[str]:
        """The people whose first word may be within a fuzz.ratio of 92 of ``first`` (a superset)."""
        if self._firsts is None:
            self._firsts = {}
            self._gpos = {sid: i for i, sid in enumerate(self.sources)}
            for src in self.sources.values():
                self._add_first(src)
        out: set[str] = set()
        for v in _deletions(first):
            out |= self._firsts.get(v, set())
        return out

    def _new_id(self) -> str:
        n = len(self.sources) + 1
        while f"src-{n}" in self.sources:
            n += 1
        return f"src-{n}"

    def remember(self, story: str | None, name: str, sid: str) -> None:
        """Record that ``name`` means source ``sid`` in ``story`` (also used to reload a store)."""
        scope = story or ""
        src = self.sources.get(sid)
        if src is None or (src.story is not None and src.story != scope):
            return  # a source scoped to the story the article was in before it moved
        self._in_story.setdefault(scope, {})[_key(name)] = sid
        self._join(scope, sid)

    def read_text(self, text: str, story: str | None = None) -> None:
        """Learn "Long Name (ACR)" pairs an article spells out, for its story."""
        for m in _ACR_IN_TEXT.finditer(text):
            toks, acr = m.group(1).split(), m.group(2)
            for i, t in enumerate(toks):
                if t[:1].isupper() and acronym_fits(acr, " ".join(toks[i:])):
                    self._learn_pair(story or "", acr, " ".join(toks[i:]))
                    break

    def _learn_pair(self, scope: str, acr: str, long: str) -> None:
        pairs = self._pairs.setdefault(scope, {})
        pairs.setdefault(_key(acr), _key(long))
        pairs.setdefault(_key(long), _key(acr))
        seen = self._expansions.setdefault(scope, {})
        if (acr, long) not in seen:  # a pair met again would match where it first did
            seen[(acr, long)] = None
            body = parse_body(long)
            if body.words:  # only a body with words can be the same body as another name
                self._exp_by_body.setdefault(scope, {}).setdefault((body.words, body.head), []).append((acr, long))

    def resolve(self, name: str, role: str | None = None, person: bool | None = None, *,
                story: str | None = None) -> Source:
        """The canonical source for a speaker name as the extractor gave it, in ``story``."""
        scope = story or ""
        sid = self._in_story.get(scope, {}).get(_key(name))
        if sid is not None:
            src = self.sources[sid]
            if _ACRONYM.fullmatch(name) and role and self._names_body(role):
                self._learn_pair(scope, name, role)  # its expansion, met later, is this source
                self._in_story[scope].setdefault(_key(role), sid)
                return src
            self._note_role(src, role)
            return src
        src = self._resolve(name, role, person, scope)
        self.remember(scope, name, src.id)
        partner = self._pairs.get(scope, {}).get(_key(name))
        if partner:
            self._in_story[scope].setdefault(partner, src.id)
        return src

    def _note_role(self, src: Source, role: str | None) -> None:
        if role and not src.affiliation and _key(role) != _key(src.name):
            src.affiliation = role
            self.changed.add(src.id)

    def _found(self, src: Source, name: str, role: str | None, rename: bool) -> Source:
        """Add ``name`` as an alias of ``src`` (as its display name when fuller)."""
        src.aliases.add(name)
        if src.story is None and (src.person or _identifies(name)):
            self._by_alias[name.lower()] = src.id
        if rename and len(name) > len(src.name) and not name.lower().startswith("the "):
            src.name = name
            self._index(src)
        self._note_role(src, role)
        self.changed.add(src.id)
        self._touched(src)
        return src

    def _new(self, name: str, role: str | None, person: bool, story: str | None) -> Source:
        src = Source(self._new_id(), name, source_kind(name, role, person), role, person, {name}, story)
        self.add(src)
        self.changed.add(src.id)
        return src

    def _resolve(self, name: str, role: str | None, person: bool | None, scope: str) -> Source:
        m = _PERSON_OF.match(name)
        if m and looks_like_person(m.group(1)):
            # "Ivo Rusnak of the State Mine Rescue Service": the person, affiliated with the body
            name, role = m.group(1), role or m.group(2)
        titled = split_title(name) if person is None and not looks_like_person(name) else None
        if titled is not None:
            name, role = titled[0], role or titled[1]
        m = _TRAILING_ACR.match(name)
        if m and acronym_fits(m.group(2), m.group(1)):
            # "International Hospital Relief Alliance (IHRA": the body, and its acronym learnt
            self._learn_pair(scope, m.group(2), m.group(1))
            name = m.group(1)
        if _ACRONYM.fullmatch(name) and role and self._names_body(role):
            # "Karvelia's disaster agency, KAVED": the role spells out the acronym
            self._learn_pair(scope, name, role)
            role = None
        same = self._same_in_story(scope, name)
        if same is not None:
            return self._found(same, name, role, rename=not _ACRONYM.fullmatch(name))
        is_person = looks_like_person(name) if person is None else person
        if is_person:
            return self._resolve_person(name, role, scope)
        key = name.lower().strip()
        if key in self._by_alias:
            found = self.sources[self._by_alias[key]]
            return self._found(found, name, role, rename=False)
        body = parse_body(name)
        if not body.words:
            return self._new(name, role, False, scope)
        if body.distinctive or (body.place is not None and not body.collective):
            return self._resolve_named(name, role, body, scope)
        return self._resolve_generic(name, role, body, scope)

    @staticmethod
    def _names_body(role: str) -> bool:
        words = set(_words(role))
        return bool(words) and not (words & PERSON_TITLES) and parse_body(role).head in BODY_WORDS | ORG_HINTS

    def _sources(self, ids: list[str]) -> list[Source]:
        return [self.sources[sid] for sid in ids]

    def _same_in_story(self, scope: str, name: str) -> Source | None:
        """The source an acronym or its expansion already resolved to in this story, or the body
        a short name stands for ("the Lanterns" after "the Lantern Rescue Volunteers", "Amnesty"
        after "Amnesty International")."""
        known = self._in_story.get(scope, {})
        idx = self._index_of(scope)
        short = _short_name(name)
        if short:
            cands = {src.id: src for src in self._sources(idx.ids(("first", short), ("first", short.rstrip("s"))))
                     if not src.person and len(src.name.split()) > 1
                     and _first_word(src.name) in (short, short.rstrip("s"))}
            if len(cands) == 1:
                return next(iter(cands.values()))
        elif len(name.split()) > 1 and not looks_like_person(name):
            # the same the other way round: "the Lanterns" after "the Lantern Rescue Volunteers"
            first = _first_word(name)
            ids = idx.ids(("short", first), ("short", first + "s")) if first else list(idx.pos)
            cands = {src.id: src for src in self._sources(ids) if not src.person
                     and (_short_name(src.name) or "") in (first, first + "s")}
            if len(cands) == 1:
                return next(iter(cands.values()))
        partner = self._pairs.get(scope, {}).get(_key(name))
        if partner and partner in known:
            return self.sources[known[partner]]
        if self._expansions.get(scope):
            # "Karvelian disaster agency" after "Karvelia's disaster agency, KAVED"
            body = parse_body(name)
            for acr, long in self._exp_by_body.get(scope, {}).get((body.words, body.head), []):
                if _key(acr) in known and _same_body(body, parse_body(long)):
                    return self.sources[known[_key(acr)]]
        toks = name.split()
        acrs = [t for t in toks if _ACRONYM.fullmatch(t)]
        rest = set(_words(" ".join(t for t in toks if t not in acrs)))
        if (len(acrs) == 1 < len(toks) and _key(acrs[0]) in known and not rest & PERSON_TITLES
                and all(t.islower() for t in toks if t not in acrs)):
            return self.sources[known[_key(acrs[0])]]  # "trade union CAL", "IHC staff"
        is_acr = bool(_ACRONYM.fullmatch(name))
        ids = (idx.ids(("lead", name[0].lower())) if is_acr
               else idx.ids(*(("acr", c) for c in _lead_letters(name))))
        for src in self._sources(ids):
            if src.person:
                continue
            if is_acr and any(acronym_fits(name, a) for a in src.aliases | {src.name}):
                return src
            if not is_acr and any(_ACRONYM.fullmatch(a) and acronym_fits(a, name) for a in src.aliases):
                return src
        return None

    # ------------------------------------------------------------ people

    def _resolve_person(self, name: str, role: str | None, scope: str) -> Source:
        found = self._match_person(name, scope)
        if found is not None:
            return self._found(self.sources[found], name, role, rename=self.sources[found].person)
        # a surname alone met first in this story ("Zelenskyy said") becomes the full name's
        sur = translit((_words(name) or [""])[-1])
        idx = self._index_of(scope)
        for src in self._sources(idx.ids(("one", sur), *([("one7",)] if len(sur) >= 7 else []))):
            other = translit(src.name)
            close = other == sur or (min(len(other), len(sur)) >= 7 and fuzz.ratio(sur, other) >= 88)
            if not src.person and len(src.name.split()) == 1 and not src.name.isupper() and close:
                src.person, src.name = True, name
                src.kind = source_kind(name, role or src.affiliation, True)
                if src.story is None:
                    self._index(src)
                return self._found(src, name, role, rename=False)
        return self._new(name, role, True, None)

    def _match_person(self, name: str, scope: str = "") -> str | None:
        words = _words(name)
        if not words:
            return None
        surname = translit(words[-1])
        firsts = [translit(w) for w in words[:-1]]
        idx = self._index_of(scope)
        # the story's people who pass, in first-use order; else, the people filed under the
        # surname's keys who pass, in the lists' order (as the lists once were scanned)
        for sid in idx.same_people(surname, firsts):
            if self.sources[sid].person:
                return sid
        for k in _surname_keys(words[-1]):
            people = self._surnames.get(k)
            if people is not None:
                for i in people.same_person(surname, firsts):
                    return people.ids[i]
        if len(words) == 1:
            # a first name alone ("Andriy said") matches a person with that first name: one of
            # the story first, else the first added
            named = self._first_named(surname)
            for group in (sorted((sid for sid in named if sid in idx.pos), key=idx.pos.__getitem__),
                          sorted(named, key=self._gpos.__getitem__)):
                for sid in group:
                    src = self.sources[sid]
                    other = _words(src.name)
                    if src.person and len(other) > 1 and fuzz.ratio(surname, translit(other[0])) >= 92:
                        return src.id
        return None

    # ------------------------------------------------------------ bodies

    def _resolve_named(self, name: str, role: str | None, body: BodyName, scope: str) -> Source:
        """A body the name itself identifies: global, though within a story a generic name met
        earlier ("the ministry") keeps standing for it."""
        idx = self._index_of(scope)
        for src in self._sources(idx.ids(("body", body.words, body.head))):
            if not src.person and any(_same_body(body, parse_body(a)) for a in src.aliases | {src.name}):
                return self._found(src, name, role, rename=True)
        found = self._match_org(name) if body.distinctive else self._match_qualified(body)
        if found is None and body.distinctive and len(name.split()) == 1:
            found = self._match_person(name, scope)  # "Zelenskyy" alone
        if found is not None and found in self._story_ids.get(scope, {}):
            return self._found(self.sources[found], name, role, rename=True)
        bound = self._bindable(scope, body)
        if bound is not None:
            return self._bind(bound, name, role)
        if found is not None:
            return self._found(self.sources[found], name, role, rename=True)
        return self._new(name, role, False, None)

    def _resolve_generic(self, name: str, role: str | None, body: BodyName, scope: str) -> Source:
        """A generic body ("authorities", "the health ministry"): the one body of this story it
        is shorthand for, else a source of this story (and country) only."""
        cands = []
        for src in self._sources(self._index_of(scope).ids(("head", body.head))):
            if src.person:
                continue
            other = parse_body(src.name)
            if (other.head == body.head and body.words <= other.words
                    and (body.place is None or same_place(body.place, other.place))):
                cands.append((src, other))
        if len(cands) == 1:
            return self._found(cands[0][0], name, role, rename=False)
        for src, other in cands:
            if src.story is not None and other.words == body.words and same_place(other.place, body.place):
                return self._found(src, name, role, rename=False)
        bound = self._bindable(scope, body)
        if bound is not None:
            return self._bind(bound, name, role)
        return self._new(name, role, False, scope)

    def _bindable(self, scope: str, body: BodyName) -> Source | None:
        """The one story-scoped generic source that a fuller name met later in the same story
        names ("the ministry", then "Karvelia's Health Ministry")."""
        out = []
        for src in self._sources(self._index_of(scope).ids(("head", body.head))):
            if src.story is None or src.person:
                continue
            other = parse_body(src.name)
            if other.distinctive or other.head != body.head or not other.words <= body.words:
                continue
            if other.place is not None and not same_place(other.place, body.place):
                continue
            if other.words == body.words and (other.place is not None or body.place is None):
                continue
            out.append(src)
        return out[0] if len(out) == 1 else None

    def _bind(self, src: Source, name: str, role: str | None) -> Source:
        src.name = name
        src.kind = source_kind(name, role or src.affiliation, False)
        return self._found(src, name, role, rename=False)

    def _match_qualified(self, body: BodyName) -> str | None:
        """A global body of the same place with the same (or a containing) set of words."""
        cands: set[str] = set()
        for w in body.words:
            posting = self._by_word.get(w, set())
            if len(posting) <= MAX_POSTING:
                cands |= posting
        for sid in sorted(cands):
            src = self.sources[sid]
            if src.person:
                continue
            other = parse_body(src.name)
            if other.place is None or not same_place(other.place, body.place) or other.head != body.head:
                continue
            small, large = sorted((body.words, other.words), key=len)
            if small == large or (small <= large and len(small) >= 2):
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
