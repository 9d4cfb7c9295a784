"""The extraction run: cost stays linear within a long paragraph, a per-article budget turns
pathological text into an item error (issue 11, item 5), and one article that makes the pipeline
raise is that article's error (item 2)."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from newsledger.config import Config
from newsledger.extract import iter_processed, make_doc, parse_batches, process_articles
from newsledger.ingest import Article, ItemError
from newsledger.workers import Workers

pytestmark = pytest.mark.slow

SENTENCE = "In Alcoria, police said 12 died on Monday. "


def _lines_run(nlp: Language, n: int) -> int:
    """Lines of newsledger's own code executed to extract a paragraph of ``n`` dated sentences
    (``sys.settrace``): a count, so the test does not depend on the machine's load as a CPU time
    ratio did; a loop over the whole paragraph or document per figure shows as growth."""
    import sys

    import newsledger

    root = os.path.dirname(newsledger.__file__)
    lines = 0

    def local(frame: object, event: str, arg: object) -> object:
        nonlocal lines
        lines += event == "line"
        return local

    def calls(frame: object, event: str, arg: object) -> object:
        return local if frame.f_code.co_filename.startswith(root) else None  # type: ignore[attr-defined]

    article = Article(id=f"p{n}", text=SENTENCE * n, date="2024-06-14")
    sys.settrace(calls)  # type: ignore[arg-type]
    try:
        result = process_articles([article], nlp=nlp)
    finally:
        sys.settrace(None)
    assert not result.errors and len(result.figures) == n  # every sentence's figure, each with its place
    assert all(f.place == "Alcoria" and f.event_date == "2024-06-10" for f in result.figures)
    return lines


def test_cost_is_linear_within_one_paragraph(nlp: Language) -> None:
    # a place and a date looked back for in every sentence of one paragraph: before, each figure
    # rescanned the paragraph, the document's entities and its text (1,000 sentences: 60 s), and
    # later every date of the document (a list comprehension per figure: 2.36x for 2x sentences)
    _lines_run(nlp, 20)  # first-use set-up
    small, large = _lines_run(nlp, 200), _lines_run(nlp, 400)
    assert large / small < 2.05, f"doubling the paragraph multiplied the lines run by {large / small:.2f}"


def test_an_article_over_the_number_budget_is_an_item_error(nlp: Language) -> None:
    bomb = Article(id="bomb", text="Officials said 12 died. " * 5000, date="2024-06-14")  # 120k chars
    fine = Article(id="fine", text="Officials said 12 people died on Monday.", date="2024-06-14")
    started = time.perf_counter()
    result = process_articles([bomb, fine], Config(), nlp=nlp)
    assert time.perf_counter() - started < 20
    assert [e.where for e in result.errors] == ["bomb"]
    assert "5,000 numbers, over the limit of 3,000 (Config.max_numbers)" in result.errors[0].message
    assert [f.doc for f in result.figures] == ["fine"]




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


def test_two_processes_give_the_records_of_one(nlp: Language, caplog: pytest.LogCaptureFixture) -> None:
    """``n_process=2`` parses in two worker processes (workers.py), not in this one, and changes
    nothing that is extracted: no chunk fell back to this process (that would log a warning)."""
    arts = [Article(id=f"a{i}", text=f"Officials said {10 + i} people died on Monday in Osk. "
                    f"The Red Cross said {20 + i} were injured.", date="2024-06-14") for i in range(6)]
    one = process_articles(arts, Config(n_process=1), nlp=nlp)
    with caplog.at_level(logging.WARNING):
        two = process_articles(arts, Config(n_process=2, batch_size=2), nlp=nlp)
        config = Config(n_process=2, batch_size=2)
        with Workers(config) as workers:
            streamed = list(iter_processed(arts, config, workers=workers))
    assert not caplog.records, [r.getMessage() for r in caplog.records]
    assert workers.pids and os.getpid() not in workers.pids  # the parse ran in other processes
    assert not one.errors and not two.errors
    assert [f.to_dict() for f in two.figures] == [f.to_dict() for f in one.figures]
    assert [s.to_dict() for s in two.statements] == [s.to_dict() for s in one.statements]
    assert [s.to_dict() for r in streamed for s in r.statements] == [s.to_dict() for s in one.statements]


def test_parse_batches_bounded_by_characters_extract_the_same(nlp: Language) -> None:
    # batches are cut by characters too (a batch's working memory grows with its tokens); how the
    # articles are batched changes nothing that is extracted
    arts = [Article(id=f"b{i}", text=SENTENCE * (1 + i % 4) + f"The Red Cross said {20 + i} were injured.",
                    date="2024-06-14") for i in range(7)]
    assert [len(b) for b in parse_batches(arts, Config(batch_chars=2 * len(SENTENCE) + 50))] == [1, 1, 1, 1, 1, 1, 1]
    assert [len(b) for b in parse_batches(arts, Config(batch_size=3))] == [3, 3, 1]
    one = [(r.article.id, [f.to_dict() for f in r.figures]) for r in iter_processed(arts, Config(), nlp=nlp)]
    split = [(r.article.id, [f.to_dict() for f in r.figures])
             for r in iter_processed(arts, Config(batch_chars=1), nlp=nlp)]
    assert split == one and sum(len(f) for _, f in one) >= 7


def test_the_article_text_is_kept_as_the_docs_text(nlp: Language):
    from newsledger.util import doc_text

    text = "  Officials said\u00a040 died.\n\n\t\"We're\u2009here,\" she said.  \r\nLorsk  "
    doc = make_doc(nlp, Article(id="k", text=text, date="2024-06-14"))
    assert doc_text(doc) is text  # the article's own string, not rebuilt from the tokens
    assert doc.text == text  # which is what spaCy would have rebuilt
