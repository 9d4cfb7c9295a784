"""The rules' word lists (``src/newsledger/wordlists/*.txt``): every list is used by the code,
and every entry can match the way its header says, so no list carries dead entries."""

from __future__ import annotations

from functools import cache

import pytest
from spacy.language import Language

from newsledger import wordlists
from tests.conftest import run

MODES = {"lemma", "lower", "lemma|lower", "phrase"}


def test_every_list_is_loaded_by_the_pipeline(nlp: Language) -> None:
    from newsledger import search, sources, stories  # the store's stages, and search's vocabulary

    doc = run(nlp, "PORTVILLE (Harbour Aid) – The ministry said 40 people died on Monday.")
    stories.story_features(doc)
    sources.SourceRegistry().resolve("the health ministry")
    search.parse_query("the death toll", 12)
    unused = set(wordlists.available()) - wordlists.LOADED
    assert not unused, f"word lists no code loads: {sorted(unused)}"


@pytest.mark.parametrize("name", wordlists.available())
def test_entries_are_clean(name: str) -> None:
    mode = wordlists.match_mode(name)
    assert mode in MODES, f"{name}: unknown match mode {mode!r}"
    text = (wordlists.resources.files(wordlists.__package__) / f"{name}.txt").read_text(encoding="utf-8")
    keys = [line.split("#", 1)[0].replace(" -> ", "\t").split("\t", 1)[0].strip() for line in text.splitlines()]
    keys = [k for k in keys if k]
    assert keys, f"{name} is empty"
    dupes = {k for k in keys if keys.count(k) > 1}
    assert not dupes, f"{name}: repeated entries {sorted(dupes)}"
    assert all(k == k.lower() for k in keys), f"{name}: entries must be lower-case"
    if mode == "phrase":
        assert all(len(k.split()) >= 2 for k in keys), f"{name}: a phrase list holds phrases"


@cache
def _lemmas(nlp: Language, word: str) -> frozenset[str]:
    """The lemmas spaCy gives a word alone and in a noun and a verb context."""
    out = {nlp(word)[0].lemma_.lower()}
    out.add(nlp(f"the {word}")[1].lemma_.lower())
    out.add(nlp(f"they {word}")[1].lemma_.lower())
    return frozenset(out)


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in wordlists.available() if wordlists.match_mode(n) == "lemma"])
def test_lemma_entries_are_lemmas(nlp: Language, name: str) -> None:
    """A list matched against token lemmas only can never match an entry that is no lemma
    ("spoke", "data"): such entries are dead."""
    dead = [w for w in sorted(wordlists.words(name)) if " " not in w and w not in _lemmas(nlp, w)]
    assert not dead, f"{name}: entries no token lemma can equal: {dead}"
