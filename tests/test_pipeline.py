"""pipeline: the model plus our components; the rule lemmatizer memoised and set by array."""

from __future__ import annotations

from typing import Any

import spacy
from spacy.language import Language

from newsledger.config import Config
from newsledger.lemmas import ArrayLemmas
from newsledger.pipeline import _array_lemmas, build, load_base

TEXT = ("Police said 80,000 people marched in Lorsk on Friday; the union's organisers counted 400,000. "
        "\"We were there,\" said Maria Ortega, who has reported on protests since 2019. "
        "Officials are reporting that hospitals treated dozens, and the ministry confirmed the deaths.")


def test_array_lemmas_equal_spacys(nlp: Language):
    bare = load_base(Config())
    want = [(t.text, t.lemma_) for t in bare(TEXT)]
    assert "lemmatizer" not in nlp.pipe_names
    assert isinstance(nlp.get_pipe("newsledger_lemmas"), ArrayLemmas)
    assert [(t.text, t.lemma_) for t in nlp(TEXT)] == want
    assert [(t.text, t.lemma_) for t in nlp(TEXT)] == want  # the second pass reads the memo


def test_array_lemmas_run_the_rules_once_per_key_and_the_memo_is_bounded():
    bare = load_base(Config())
    lemmatizer: Any = bare.get_pipe("lemmatizer")
    calls: list[str] = []

    def lemmatize(token: Any) -> list[str]:
        calls.append(token.text)
        return list(lemmatizer.rule_lemmatize(token))

    lemmatizer.lemmatize = lemmatize
    text = "Police said police said it."
    want = [t.lemma_ for t in bare(text)]
    assert calls == ["Police", "said", "police", "said", "."]  # the attribute rules gave "it" its lemma
    lemmas = ArrayLemmas(lemmatizer, limit=4)

    def parse(text: str) -> Any:
        doc = bare.make_doc(text)
        for name, proc in bare.pipeline:
            doc = lemmas(doc) if name == "lemmatizer" else proc(doc)
        return doc

    calls.clear()
    assert [t.lemma_ for t in parse(text)] == want
    assert calls == ["Police", "said", "police", "."]  # the second "said" came from the memo
    assert len(lemmas.memo) == 4
    calls.clear()
    assert [t.lemma_ for t in parse("Rain.")] == ["rain", "."]
    assert calls == ["Rain", "."] and len(lemmas.memo) == 2  # full: cleared before this Doc


def test_other_lemmatizer_modes_are_kept():
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    _array_lemmas(nlp)
    assert nlp.pipe_names == ["lemmatizer"]
    assert "lemmatizer" in build(Config(fast_lemmas=False)).pipe_names


def _blas_threads() -> set[int]:
    from threadpoolctl import threadpool_info

    return {int(i["num_threads"]) for i in threadpool_info() if i.get("user_api") == "blas"}


def test_blas_threads_are_limited_while_parsing_and_restored_after(nlp: Language):
    from newsledger.extract import iter_processed
    from newsledger.ingest import Article

    before = _blas_threads()
    articles = [Article(id=f"a{i}", text=TEXT) for i in range(2)]
    results = iter_processed(articles, Config(blas_threads=1), nlp)
    next(results)
    assert _blas_threads() == {1}
    list(results)
    assert _blas_threads() == before
    results = iter_processed(articles, Config(blas_threads=None), nlp)
    next(results)
    assert _blas_threads() == before
    list(results)


def test_array_lemmas_survive_memory_zones(nlp: Language):
    """spaCy forgets the strings a memory zone added: a lemma memoised in one zone is added again
    in the next, so every token's lemma can still be read."""
    text = "The flombers were counted."  # "flomber" is no word of the text or the model
    with nlp.memory_zone():
        first = [t.lemma_ for t in nlp(text)]
    assert "flomber" in first
    with nlp.memory_zone():
        assert [t.lemma_ for t in nlp(text)] == first


def test_set_index_rules_give_spacys_forms(nlp: Language):
    from newsledger.lemmas import SetIndexRules

    assert isinstance(nlp.get_pipe("newsledger_lemmas").lemmatize, SetIndexRules)  # type: ignore[attr-defined]
    bare = load_base(Config())
    lemmatizer: Any = bare.get_pipe("lemmatizer")
    rules = SetIndexRules(lemmatizer)
    text = (TEXT + " The flombers were zorvating; geese, mice and wolves fled the cities' ruined churches, "
            "better and worst, having been children, said they'd gone. Running, ran, runs: 3.5 km.")
    tokens = list(bare(text))
    assert len(tokens) > 80
    for token in tokens:
        lemmatizer.cache.clear()
        assert rules(token) == lemmatizer.rule_lemmatize(token), token.text
    assert not rules.cache  # it keeps nothing: ArrayLemmas memoises


WARM = ("The ministry said 1,200 people left Lorsk on Friday, and the ministry said so again. "
        "\"Don't go,\" said Ortega (a U.N. official); e-mail: press@example.org, 40%... 40%... "
        "Lorsk's mayor can't confirm; the U.N. can't either.\n\nFriday, Friday")


def _tokens(doc: Any) -> list[tuple[Any, ...]]:
    return [(t.text, t.whitespace_, t.norm_, t.lower_, t.shape_, t.is_space, t.like_num) for t in doc]


def test_tokenizer_warmup_caches_repeated_chunks_and_tokens_stay_the_same():
    from newsledger.pipeline import TokenizerWarmup

    cold = load_base(Config())
    want = [_tokens(cold.make_doc(text)) for text in (WARM, WARM.upper())]
    nlp = load_base(Config())
    warm = TokenizerWarmup(nlp)
    with nlp.memory_zone():
        assert warm([WARM]) == 0  # inside a zone spaCy caches nothing: nothing is done
    added = warm([WARM, WARM.upper()])
    counts = {c: (WARM + " " + WARM.upper()).split().count(c) for c in (WARM + " " + WARM.upper()).split()}
    assert added == sum(1 for n in counts.values() if n >= 2)
    assert {"Friday,", "can't", "40%...", "1,200", "ministry"} <= warm.done and "Lorsk" not in warm.done
    assert warm([WARM]) == 0  # already there
    for _ in range(2):
        with nlp.memory_zone():
            assert [_tokens(nlp.make_doc(text)) for text in (WARM, WARM.upper())] == want


def test_tokenizer_warmup_is_bounded_by_the_tokenizers_cache_size():
    from newsledger.pipeline import TokenizerWarmup

    nlp = load_base(Config())
    nlp.tokenizer.max_cache_size = 5  # type: ignore[attr-defined]
    warm = TokenizerWarmup(nlp)
    assert warm([WARM]) == 5
    assert warm([WARM + " Lorsk Lorsk zebra zebra"]) == 0 and len(warm.done) == 5


def test_a_line_break_starts_a_sentence(nlp: Language):
    from newsledger.pipeline import paragraphs_component

    text = "Officials said 40 died\nin the town and\n\n  20 more were hurt \n"
    doc = paragraphs_component(nlp.make_doc(text))
    starts = [t.text for t in doc if t.is_sent_start and t.i > 0]
    assert starts == ["in", "20"]  # after each token holding a break; not past the end
    want = [t.i + 1 for t in doc[:-1] if t.is_space and "\n" in t.text]  # the full scan
    assert [t.i for t in doc if t.is_sent_start and t.i > 0] == want
