"""Group articles into stories (one evolving event) by the names they share.

A corpus can hold several crises at once; figures are only compared within a story.
Each article is summarised by the names it mentions most (places, organisations,
people). An article joins the story whose names overlap its own the most, if the
overlap is large enough; otherwise it starts a new story. The assignment is
incremental and uses an inverted index from names to stories, so the cost per
article does not grow with the corpus.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.tokens import Doc

NAME_LABELS = {"GPE", "LOC", "FAC", "ORG", "PERSON", "EVENT"}
TOP_NAMES = 12
MIN_SHARED = 2
MIN_SCORE = 0.25
# a name shared by this many stories identifies none of them (like a stop word); skipping it keeps
# the look-up cost per article flat as the corpus grows
MAX_STORIES_PER_NAME = 50
# a story is defined by the names it started with; capping them stops a long story from
# swallowing unrelated articles through the ever-growing list of people it has mentioned
MAX_NAMES_PER_STORY = 40
# names that say nothing about which event a story is (news agencies, world bodies)
GENERIC_NAMES = {"reuters", "ap", "afp", "associated press", "agence france-presse", "un", "united nations",
                 "the united nations", "u.n.", "eu", "european union", "nato", "who", "red cross", "bbc", "cnn",
                 "twitter", "facebook", "telegram", "x"}


def article_names(doc: Doc, top: int = TOP_NAMES) -> list[str]:
    """The names an article mentions most, normalised (lower case, no possessive, no "the")."""
    counts: Counter[str] = Counter()
    for ent in doc.ents:
        if ent.label_ not in NAME_LABELS:
            continue
        name = normalize_name(ent.text)
        if name and name not in GENERIC_NAMES and len(name) > 1:
            counts[name] += 1
    return [n for n, _ in counts.most_common(top)]


def normalize_name(text: str) -> str:
    t = text.strip().lower()
    for suffix in ("'s", "’s", "'", "’"):
        if t.endswith(suffix):
            t = t[: -len(suffix)]
    if t.startswith("the "):
        t = t[4:]
    return " ".join(t.split())


@dataclass
class StoryIndex:
    """Stories seen so far: their names, and names -> stories for candidate look-up."""

    names: dict[str, set[str]] = field(default_factory=dict)
    index: dict[str, set[str]] = field(default_factory=dict)
    counter: int = 0

    def assign(self, names: Iterable[str], story_id: str | None = None) -> str:
        """The story for an article with these names (joining or creating one)."""
        mine = set(names)
        if story_id is None:
            story_id = self.best(mine)
        if story_id is None:
            self.counter += 1
            story_id = f"s-{self.counter}"
            while story_id in self.names:
                self.counter += 1
                story_id = f"s-{self.counter}"
        self.add(story_id, mine)
        return story_id

    def best(self, mine: set[str]) -> str | None:
        shared: Counter[str] = Counter()
        for name in mine:
            posting = self.index.get(name, ())
            if len(posting) > MAX_STORIES_PER_NAME:
                continue
            for sid in posting:
                shared[sid] += 1
        best_id, best_score = None, 0.0
        for sid, n in shared.items():
            if n < MIN_SHARED:
                continue
            score = n / max(1, min(len(mine), len(self.names[sid])))
            if score >= MIN_SCORE and (score > best_score or (score == best_score and best_id and sid < best_id)):
                best_id, best_score = sid, score
        return best_id

    def add(self, story_id: str, names: set[str]) -> None:
        have = self.names.setdefault(story_id, set())
        for name in sorted(names):
            if name in have or len(have) >= MAX_NAMES_PER_STORY:
                continue
            have.add(name)
            self.index.setdefault(name, set()).add(story_id)

    def recorded(self, story_id: str, names: list[str]) -> list[str]:
        """Which of ``names`` the story keeps (what the store should persist)."""
        have = self.names.get(story_id, set())
        return [n for n in names if n in have]
