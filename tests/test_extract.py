"""The extraction run: one article that makes the pipeline raise is that article's error."""

from collections.abc import Iterator

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from newsledger.extract import iter_processed
from newsledger.ingest import Article, ItemError

pytestmark = pytest.mark.slow


@Language.component("raises_on_poison")
def _raises_on_poison(doc: Doc) -> Doc:
    if "POISON" in doc.text:
        raise ValueError("this component cannot read POISON")
    return doc


@pytest.fixture
def poisoned(nlp: Language) -> Iterator[Language]:
    nlp.add_pipe("raises_on_poison", last=True)
    try:
        yield nlp
    finally:
        nlp.remove_pipe("raises_on_poison")


def test_an_article_that_breaks_the_pipeline_is_its_own_error(poisoned: Language) -> None:
    articles: list[Article | ItemError] = [
        Article(id=f"a{i}", text=f"Police said {i + 2} people died on Monday." + (" POISON" if i == 2 else ""),
                date="2024-06-14", origin=f"in.jsonl:{i + 1}") for i in range(6)]
    errors: list[ItemError] = []
    done = [r.article.id for r in iter_processed(articles, nlp=poisoned, errors=errors)]
    assert done == ["a0", "a1", "a3", "a4", "a5"]
    [err] = errors
    assert err.where == "in.jsonl:3" and "ValueError: this component cannot read POISON" in err.message
