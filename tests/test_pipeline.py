"""pipeline: the model plus our components; the memoised rule lemmatizer."""

from __future__ import annotations

from types import SimpleNamespace

from spacy.language import Language

from newsledger.config import Config
from newsledger.pipeline import RuleLemmas, _memo_lemmas, load_base

TEXT = ("Police said 80,000 people marched in Lorsk on Friday; the union's organisers counted 400,000. "
        "\"We were there,\" said Maria Ortega, who has reported on protests since 2019. "
        "Officials are reporting that hospitals treated dozens, and the ministry confirmed the deaths.")


def test_memoised_lemmas_equal_spacys(nlp: Language):
    bare = load_base(Config())
    want = [(t.text, t.lemma_) for t in bare(TEXT)]
    lemmatizer = nlp.get_pipe("lemmatizer")
    assert isinstance(lemmatizer.lemmatize, RuleLemmas)  # type: ignore[attr-defined]
    assert [(t.text, t.lemma_) for t in nlp(TEXT)] == want
    assert [(t.text, t.lemma_) for t in nlp(TEXT)] == want  # the second pass reads the memo


def test_memo_is_bounded():
    calls: list[str] = []

    def lemmatize(token: SimpleNamespace) -> list[str]:
        calls.append(token.text)
        return [token.text.lower()]

    memo = RuleLemmas(lemmatize, limit=2)
    toks = [SimpleNamespace(text=w, orth=hash(w), pos=1, morph=SimpleNamespace(key=0)) for w in ("A", "B", "A", "C")]
    assert [memo(t)[0] for t in toks] == ["a", "b", "a", "c"]
    assert calls == ["A", "B", "C"]  # "A" again came from the memo
    assert len(memo.memo) == 1  # full at "C": cleared, then "C" kept


def test_memo_is_installed_once(nlp: Language):
    lemmatizer = nlp.get_pipe("lemmatizer")
    before = lemmatizer.lemmatize  # type: ignore[attr-defined]
    _memo_lemmas(nlp)
    assert lemmatizer.lemmatize is before  # type: ignore[attr-defined]


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
