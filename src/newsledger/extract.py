"""The extraction run: articles -> spaCy docs -> figure and statement records.

Stages: :mod:`ingest` reads articles; :mod:`pipeline` parses them in batches with
``nlp.pipe`` (our components fill ``doc._.dates``, ``doc._.statements``,
``doc._.figures``); this module turns those into :mod:`records`, and
:mod:`quantities` groups the figures.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain, islice
from pathlib import Path
from typing import Any

from spacy.attrs import LIKE_NUM
from spacy.language import Language
from spacy.tokens import Doc

from . import dedup, pipeline
from .config import Config
from .figures.scope import place_aliases
from .ingest import Article, ItemError, read_articles
from .pubdate import STORY_ROUNDS, PubDate, publication, story_dates
from .quantities import assign_quantities
from .records import Figure, Statement
from .stories import WINDOW_DAYS, StoryFeatures, article_names, cluster, story_features
from .util import batched, batched_by, doc_text, keep_text
from .workers import Workers, worker_config


@dataclass
class ArticleResult:
    """One processed article: its records, the names used to place it in a story, and the
    publication day its figures were dated against (with how it was obtained)."""

    article: Article
    figures: list[Figure]
    statements: list[Statement]
    names: list[str]
    pub: PubDate | None = None
    features: StoryFeatures = field(default_factory=StoryFeatures)
    # what the article says its generic places are ("capital" -> a city), read over the story
    place_aliases: dict[str, str] = field(default_factory=dict)
    # its near-duplicate signature (dedup.signature, as bytes), when a worker process made it beside the
    # parse, so the process writing the store need not; None: the store makes it
    minhash: bytes | None = None


@dataclass
class ExtractResult:
    """What a run produced: records in article order, and per-item errors."""

    figures: list[Figure] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    errors: list[ItemError] = field(default_factory=list)
    warnings: list[ItemError] = field(default_factory=list)  # articles kept despite a flaw (a bad date)
    articles: int = 0
    stories: dict[str, str] = field(default_factory=dict)

    @property
    def records(self) -> list[Figure | Statement]:
        by_doc: dict[str, list[Figure | Statement]] = {}
        both: list[Figure | Statement] = [*self.statements, *self.figures]
        for r in both:
            by_doc.setdefault(r.doc, []).append(r)
        out: list[Figure | Statement] = []
        for recs in by_doc.values():
            out.extend(sorted(recs, key=lambda r: (r.start, 0 if isinstance(r, Statement) else 1)))
        return out


def doc_records(doc: Doc, article_id: str, field_name: str = "text") -> tuple[list[Figure], list[Statement]]:
    """Records of one processed Doc."""
    text = doc_text(doc)
    statements = [
        Statement(doc=article_id, field=field_name, start=s["start"], end=s["end"], text=text[s["start"]:s["end"]],
                  speaker=s["speaker"], direct=bool(s["direct"]), cue=s["cue"], speaker_role=s["role"])
        for s in doc._.statements or []
    ]
    figures = [
        Figure(doc=article_id, field=field_name, start=f["start"], end=f["end"], text=f["text"],
               value=f["value"], value_high=f["value_high"], qualifier=f["qualifier"], unit=f["unit"],
               counted=f["counted"], category=f["category"], source=f["source"],
               source_role=f["source_role"], event_date=f["event_date"], date_basis=f["date_basis"],
               place=f["place"], projection=bool(f["projection"]), subset=f["subset"],
               predicate=f["predicate"], event=f.get("event"))
        for f in doc._.figures or []
    ]
    return figures, statements


def article_pub(article: Article) -> PubDate:
    """The article's effective publication day: as given, else from its URL, dateline, stamp or lead."""
    return publication(article.text, article.url, article.date, article.date_basis)


def make_doc(nlp: Language, article: Article, pub: PubDate | None = None) -> Doc:
    doc = nlp.make_doc(article.text)
    keep_text(doc, article.text)
    pub = pub or article_pub(article)
    doc._.pub_date = pub.date
    doc._.pub_month_day = None if pub.date else pub.month_day
    doc._.outlet = article.outlet
    return doc


def _checked(items: Iterable[Article | ItemError], config: Config, errors: list[ItemError],
             on_item: Callable[[Article | ItemError], None] | None,
             warnings: list[ItemError] | None = None) -> Iterator[Article]:
    for item in items:
        if on_item is not None:
            on_item(item)
        if isinstance(item, ItemError):
            errors.append(item)
            continue
        if warnings is not None:
            warnings.extend(ItemError(item.origin or item.id, w) for w in item.warnings)
        if len(item.text) > config.max_chars:
            errors.append(ItemError(item.origin or item.id, f"article {item.id!r} has {len(item.text):,} "
                                    f"characters, over the limit of {config.max_chars:,} (Config.max_chars)"))
            continue
        yield item


def iter_processed(articles: Iterable[Article | ItemError], config: Config | None = None,
                   nlp: Language | None = None, errors: list[ItemError] | None = None,
                   on_item: Callable[[Article | ItemError], None] | None = None,
                   pubs: Mapping[str, PubDate] | None = None,
                   warnings: list[ItemError] | None = None,
                   workers: Workers | None = None) -> Iterator[ArticleResult]:
    """Stream articles through the pipeline in batches; bad items go to ``errors``, the flaws of
    articles kept (see ``Article.warnings``) to ``warnings``. ``pubs`` gives the publication day
    of some articles by id (a year-less dateline dated by its story), overriding what the
    article itself gives. An article whose extraction raises is that article's error: the
    others of its batch are processed again one by one.

    With several processes (``Config.processes()``) the parse runs in worker processes
    (:mod:`workers`; pass ``workers`` to share one pool between the passes of a run), which load
    the pipeline from ``config``: a caller's own ``nlp`` is used in this process only, so it
    keeps the parse here unless ``config.n_process`` asks for workers explicitly."""
    config = config or Config()
    errs = errors if errors is not None else []
    good = _checked(articles, config, errs, on_item, warnings)
    own = None
    if workers is None and wants_workers(config, nlp):
        own = workers = Workers(config)
    try:
        if workers is not None and workers.enabled:
            if workers.started or config.n_process is not None:
                yield from _pooled(good, config, nlp, workers, pubs or {}, errs)
                return
            # automatic: start the workers only for an input that pays their start-up
            head = list(islice(good, config.pool_min_articles + 1))
            if len(head) > config.pool_min_articles:
                yield from _pooled(chain(head, good), config, nlp, workers, pubs or {}, errs)
                return
            good = iter(head)
        nlp = nlp or pipeline.load(config)
        # spaCy's vocabulary keeps every new string it sees; a memory zone per chunk of articles
        # frees them again, so memory stays flat however long the run (records are plain Python)
        with pipeline.blas_limit(config):
            for chunk in batched(good, ZONE_ARTICLES):
                pipeline.warmup(nlp)(a.text for a in chunk)
                with nlp.memory_zone():
                    for part in parse_batches(chunk, config):
                        yield from _isolated(nlp, part, pubs or {}, _pipe_kwargs(config), errs, config)
    finally:
        if own is not None:
            own.close()


def wants_workers(config: Config, nlp: Language | None = None) -> bool:
    """Whether a run parses in worker processes: several processes, and no pipeline of the
    caller's own to use here (unless ``n_process`` is set explicitly)."""
    return config.processes() > 1 and (nlp is None or config.n_process is not None)


def parse_batches(articles: Iterable[Article], config: Config) -> Iterator[list[Article]]:
    """Batches of at most ``config.batch_size`` articles and ``config.batch_chars`` characters
    (what a parse holds in memory at once)."""
    return batched_by(articles, config.batch_size, lambda a: len(a.text), config.batch_chars)


def _pipe_kwargs(config: Config) -> dict[str, Any]:
    return {"batch_size": config.batch_size, "as_tuples": True}


Task = tuple[list[Article], dict[str, PubDate]]
Done = tuple[list[ArticleResult], list[ItemError]]


def _chunk(nlp: Language, task: Task, config: Config) -> Done:
    """One chunk's results and item errors (the same in a worker and in this process)."""
    chunk, pubs = task
    errors: list[ItemError] = []
    pipeline.warmup(nlp)(a.text for a in chunk)
    with pipeline.blas_limit(config), nlp.memory_zone():  # one BLAS thread per process
        results = list(_isolated(nlp, chunk, pubs, _pipe_kwargs(config), errors, config))
    return results, errors


def work_chunk(task: Task) -> Done:
    """Runs in a worker process: the pipeline was loaded when the worker started. The results
    go back without their articles' texts, which the parent still holds (:func:`_pooled`)."""
    config = worker_config()
    results, errors = _chunk(pipeline.load(config), task, config)
    return [replace(r, article=replace(r.article, text=""), minhash=dedup.to_bytes(dedup.signature(r.article.text)))
            for r in results], errors


def _pooled(good: Iterable[Article], config: Config, nlp: Language | None, workers: Workers,
            pubs: Mapping[str, PubDate], errors: list[ItemError]) -> Iterator[ArticleResult]:
    """Batches (:func:`parse_batches`) through the workers, results in input order; a
    chunk whose worker failed runs here (this process loads the pipeline only then)."""
    sent: deque[list[Article]] = deque()  # the chunks in flight, oldest first (results come in order)

    def tasks() -> Iterator[Task]:
        for chunk in parse_batches(good, config):
            sent.append(chunk)
            yield chunk, {a.id: pubs[a.id] for a in chunk if a.id in pubs}

    def here(task: Task) -> Done:
        return _chunk(nlp or pipeline.load(config), task, config)

    for results, chunk_errors in workers.map(work_chunk, tasks(), here):
        errors.extend(chunk_errors)
        yield from _with_articles(results, sent.popleft())


def process_now(articles: Sequence[Article], config: Config, pubs: Mapping[str, PubDate],
                workers: Workers | None) -> Iterator[ArticleResult]:
    """What :func:`iter_processed` gives for a few articles (every chunk is held until asked
    for), with their parse started now in the running worker pool, so this process can do other
    work meanwhile: the re-dating's parse while the stories are linked. Without a running pool,
    they are processed when asked for."""
    if workers is None or not workers.running:
        return iter_processed(articles, config, pubs=pubs, workers=workers)
    errors: list[ItemError] = []
    chunks = list(parse_batches(_checked(articles, config, errors, None, None), config))

    def here(task: Task) -> Done:
        return _chunk(pipeline.load(config), task, config)

    done = workers.submit_all(work_chunk, [(c, {a.id: pubs[a.id] for a in c if a.id in pubs}) for c in chunks],
                              here)
    return (r for chunk, (results, _) in zip(chunks, done, strict=True) for r in _with_articles(results, chunk))


def _with_articles(results: list[ArticleResult], chunk: list[Article]) -> Iterator[ArticleResult]:
    """Each result with its own article from ``chunk`` (a worker sends none back). Results come
    in chunk order, less the articles that failed."""
    own = iter(chunk)
    for r in results:
        article = next(a for a in own if a.id == r.article.id)
        yield r if article is r.article else replace(r, article=article)


ZONE_ARTICLES = 1000


def _over_budget(doc: Doc, article: Article, config: Config, errors: list[ItemError]) -> bool:
    """Whether a tokenised article has more numbers than ``config.max_numbers``: it becomes an item
    error before the parser spends minutes on it."""
    n = int(doc.to_array([LIKE_NUM]).sum()) if len(doc) else 0  # one C pass, not a Python loop
    if n > config.max_numbers:
        errors.append(ItemError(article.origin or article.id, f"article {article.id!r} has {n:,} numbers, "
                                f"over the limit of {config.max_numbers:,} (Config.max_numbers)"))
        return True
    return False


def _result(doc: Doc, article: Article, pub: PubDate) -> ArticleResult:
    figures, statements = doc_records(doc, article.id)
    return ArticleResult(article, figures, statements, article_names(doc), pub, story_features(doc),
                         place_aliases(doc))


def _isolated(nlp: Language, chunk: list[Article], pubs: Mapping[str, PubDate], kwargs: dict[str, Any],
              errors: list[ItemError], config: Config) -> Iterator[ArticleResult]:
    """The chunk through ``nlp.pipe``; if anything raises, the articles not yet yielded go
    through one at a time, so that only the article that raises becomes an error."""
    done: set[int] = set()

    def docs() -> Iterator[tuple[Doc, tuple[int, Article, PubDate]]]:
        for i, a in enumerate(chunk):
            p = pubs.get(a.id) or article_pub(a)
            doc = make_doc(nlp, a, p)
            if _over_budget(doc, a, config, errors):
                done.add(i)
                continue
            yield doc, (i, a, p)

    try:
        for doc, (i, article, pub) in nlp.pipe(docs(), **kwargs):
            res = _result(doc, article, pub)
            done.add(i)
            yield res
        return
    except Exception:  # per-item isolation: find the article below
        pass
    for i, article in enumerate(chunk):
        if i in done:
            continue
        try:
            pub = pubs.get(article.id) or article_pub(article)
            doc = make_doc(nlp, article, pub)
            if _over_budget(doc, article, config, errors):
                continue
            res = _result(nlp(doc), article, pub)
        except Exception as exc:  # per-item isolation: this article's error, the run goes on
            errors.append(ItemError(article.origin or article.id,
                                    f"extraction failed for {article.id[:80]!r}: {type(exc).__name__}: {exc}"))
            continue
        yield res



def process_articles(articles: Iterable[Article | ItemError], config: Config | None = None,
                     nlp: Language | None = None,
                     on_item: Callable[[Article | ItemError], None] | None = None) -> ExtractResult:
    """Run the pipeline over articles (errors pass through into the result). Figures get
    quantity ids grouped across the articles of the run, story by story (stories are clustered
    once all articles are read, so they do not depend on the input order). An article whose
    dateline lacks a year is processed again with the year its story gives (``pubdate.story_dates``)."""
    config = config or Config()
    with Workers(config) as workers:  # one pool for both passes (started only if wanted)
        return _process(articles, config, nlp, on_item, workers if wants_workers(config, nlp) else None)


def _process(articles: Iterable[Article | ItemError], config: Config, nlp: Language | None,
             on_item: Callable[[Article | ItemError], None] | None, workers: Workers | None) -> ExtractResult:
    result = ExtractResult()
    done: list[ArticleResult] = []
    yearless: dict[str, int] = {}  # only these articles are kept whole, to be processed again
    for item in iter_processed(articles, config, nlp, result.errors, on_item, warnings=result.warnings,
                               workers=workers):
        result.articles += 1
        if item.pub is not None and item.pub.month_day:
            yearless[item.article.id] = len(done)
        else:
            item = replace(item, article=replace(item.article, text=""))
        done.append(item)
    result.stories = cluster((r.article.id, r.features) for r in done)
    for _ in range(STORY_ROUNDS):
        pubs = story_dates({r.article.id: r.pub for r in done if r.pub}, result.stories, WINDOW_DAYS)
        pubs = {aid: p for aid, p in pubs.items() if aid in yearless}
        if not pubs:
            break
        redo = [done[yearless[aid]].article for aid in sorted(pubs)]
        for r in iter_processed(redo, config, nlp, result.errors, pubs=pubs, workers=workers):
            done[yearless[r.article.id]] = r
        result.stories = cluster((r.article.id, r.features) for r in done)
    result.figures = assign_quantities([f for r in done for f in r.figures], result.stories)
    result.statements = [s for r in done for s in r.statements]
    return result


def extract(inputs: Iterable[str | Path] | str | Path, config: Config | None = None,
            on_item: Callable[[Article | ItemError], None] | None = None) -> ExtractResult:
    """Extract figures and statements from files or directories (crawl text, JSONL).

    >>> result = newsledger.extract(["articles.jsonl"])     # doctest: +SKIP
    >>> [f.to_dict() for f in result.figures]                 # doctest: +SKIP
    """
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    return process_articles(read_articles(inputs, config), config, on_item=on_item)
