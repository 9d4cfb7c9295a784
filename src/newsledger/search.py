"""Search over the ledger: quantities, figures, statements, stories and articles found by the
words a reader types, with filters that mean one thing for every list they apply to.

A query is read into terms. A word or phrase of the category vocabulary
(``wordlists/search_terms``: "death toll", "wounded", "crowd") stands for its category as well as
for itself, so "deaths" finds "people killed"; stop words are dropped; every other word is matched,
case-insensitively and as a part of a word, against what each record says about itself: a
quantity's label, counted class, story label, places and its sources' names; a figure's words,
counted thing, place, source, quantity and story; a statement's text and speaker; a story's label.
Every term must match (AND), as in the full-text index of articles.

Every query is bounded: articles come from the full-text index (at most ``SCOPE`` ids), figures
and statements are looked for only in those articles, in the best quantities and among the
matched sources (indexed IN-lists), and every list is read a page at a time. Quantities are few
beside figures, so they are matched with LIKE over their table (measured: a few ms on 10k
articles), which needs no index of its own to keep up to date when quantities change.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, fields
from functools import cache
from typing import Any

import sqlalchemy as sa

from . import wordlists
from .records import CATEGORIES
from .report import FigureView, _figure_views
from .store import Store, articles_t, figures_t, quantities_t, sources_t, statements_t, stories_t

PAGE = 50
SCOPE = 2000  # articles from the full-text index in which figures and statements are looked for
TOP_QUANTITIES = 200  # quantities whose figures are found whatever their article's words
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_WORD = re.compile(r"\w+(?:['’-]\w+)*")
# what each filter means for each list (shown on the page beside the active filters)
APPLIES: dict[str, dict[str, str]] = {
    "date": {"quantities": "reported on days in the range", "figures": "for a day in the range (else published in it)",
             "statements": "published in the range", "articles": "published in the range",
             "stories": "running on days in the range"},
    "outlet": {"quantities": "with a figure from that outlet", "figures": "published by that outlet",
               "statements": "published by that outlet", "articles": "from that outlet",
               "stories": "with an article from that outlet"},
    "source": {"quantities": "with a figure from that source", "figures": "given by that source",
               "statements": "said by that source", "articles": "citing that source",
               "stories": "citing that source"},
    "category": {"quantities": "of that category", "figures": "of that category",
                 "statements": "holding a figure of that category", "articles": "reporting a figure of that category",
                 "stories": "with a quantity of that category"},
    "story": {"quantities": "of that story", "figures": "of that story", "statements": "of that story",
              "articles": "of that story", "stories": "that story"},
}


@cache
def vocabulary() -> dict[str, str]:
    """Search word or phrase -> the category it means (``wordlists/search_terms``)."""
    return wordlists.mapping("search_terms")


@cache
def stop_words() -> frozenset[str]:
    return wordlists.words("search_stopwords")


@dataclass(frozen=True)
class Term:
    """One thing every result must match: a word, and the categories it means (if any)."""

    word: str
    categories: frozenset[str] = frozenset()


def distinct_terms(words: list[str], limit: int) -> list[str]:
    """The first ``limit`` distinct words (case-insensitive), in order: a query repeating one word
    thousands of times costs what the word costs once."""
    seen: dict[str, str] = {}
    for w in words:
        seen.setdefault(w.casefold(), w)
        if len(seen) >= limit:
            break
    return list(seen.values())


def parse_query(q: str, max_words: int) -> list[Term]:
    """The terms of a query, in order, at most ``max_words`` distinct words read: the vocabulary's
    phrases first (longest first), stop words dropped, each term once."""
    words = distinct_terms(_WORD.findall(q.casefold()), max_words)
    vocab = vocabulary()
    longest = max((len(k.split()) for k in vocab), default=1)
    terms: dict[str, Term] = {}
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            phrase = " ".join(words[i:i + n])
            if phrase in vocab:
                terms.setdefault(phrase, Term(phrase, frozenset({vocab[phrase]})))
                i += n
                break
        else:
            if words[i] not in stop_words():
                terms.setdefault(words[i], Term(words[i]))
            i += 1
    return list(terms.values())


@dataclass(frozen=True)
class Filters:
    """Checked filter values (see :func:`check_filters`)."""

    date_from: str | None = None
    date_to: str | None = None
    outlet: str | None = None
    source: str | None = None
    category: str | None = None
    story: str | None = None

    def active(self) -> list[str]:
        """The names of the filters set, as :data:`APPLIES` names them (both dates are "date")."""
        names = [f.name for f in fields(self) if getattr(self, f.name)]
        return list(dict.fromkeys("date" if n.startswith("date_") else n for n in names))


class FilterError(ValueError):
    """Filter values that cannot be searched with: ``problems`` holds (parameter, reason) pairs,
    every one found, so a reader fixes them all at once."""

    def __init__(self, problems: tuple[tuple[str, str], ...]) -> None:
        super().__init__("; ".join(reason for _, reason in problems))
        self.problems = problems


def _day(name: str, value: str | None, problems: list[tuple[str, str]]) -> str | None:
    if not value:
        return None
    if not _DAY.fullmatch(value):
        problems.append((name, f"{name} {value[:40]!r} is not a date in the form YYYY-MM-DD"))
        return None
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        problems.append((name, f"{name} {value} is not a real date"))
        return None
    return value


def check_filters(date_from: str | None = None, date_to: str | None = None, outlet: str | None = None,
                  source: str | None = None, category: str | None = None, story: str | None = None) -> Filters:
    """The filters as given (empty values are unset), or :class:`FilterError` with every reason:
    a date that is not YYYY-MM-DD or not a real day, a range that ends before it starts, an
    unknown category. (An unknown story is checked against the store by :func:`search`.)"""
    problems: list[tuple[str, str]] = []
    d_from, d_to = _day("date_from", date_from, problems), _day("date_to", date_to, problems)
    if d_from and d_to and d_from > d_to:
        problems.append(("date_to", f"date_from {d_from} is after date_to {d_to}"))
    category = (category or "").strip().casefold() or None
    if category and category not in CATEGORIES:
        meant = vocabulary().get(category.casefold())
        hint = f" (for {category[:40]!r} use {meant})" if meant else ""
        problems.append(("category", f"category {category[:40]!r} is unknown{hint}: use one of "
                                     f"{', '.join(CATEGORIES)}"))
    if problems:
        raise FilterError(tuple(problems))
    return Filters(d_from, d_to, (outlet or "").strip() or None, (source or "").strip() or None, category,
                   (story or "").strip() or None)


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _has(col: Any, word: str) -> Any:
    """``col`` contains ``word``, case-insensitively (LIKE with its wildcards escaped)."""
    return col.ilike(_like(word), escape="\\")


def _sources_named(word: str) -> Any:
    """Ids of the sources whose id is ``word`` or whose name or aliases contain it (a small table)."""
    return sa.select(sources_t.c.id).where(sa.or_(sources_t.c.id == word, _has(sources_t.c.name, word),
                                                  _has(sources_t.c.aliases, word)))


def _in_span(categories: Any) -> Any:
    """A statement holds a figure of one of ``categories``: an IN-list built from those figures
    (category index) and their articles' statements, never a scan of every statement."""
    st = statements_t.alias("st")
    held = (sa.select(st.c.id).join(figures_t, sa.and_(figures_t.c.article_id == st.c.article_id,
                                                       figures_t.c.start >= st.c.start, figures_t.c.start < st.c.end))
            .where(figures_t.c.category.in_(categories)))
    return statements_t.c.id.in_(held)


# ---------------------------------------------------------------- filters per list

def _article_filters(flt: Filters) -> list[Any]:
    out: list[Any] = []
    if flt.date_from:
        out.append(articles_t.c.pub_date >= flt.date_from)
    if flt.date_to:
        out.append(articles_t.c.pub_date <= flt.date_to)
    if flt.outlet:
        out.append(_has(articles_t.c.outlet, flt.outlet))
    if flt.story:
        out.append(articles_t.c.story_id == flt.story)
    return out


def _citing(source: str) -> Any:
    """Ids of the articles that cite a source (a figure or a statement of it)."""
    ids = _sources_named(source)
    return sa.union(sa.select(figures_t.c.article_id).where(figures_t.c.source_id.in_(ids)),
                    sa.select(statements_t.c.article_id).where(statements_t.c.source_id.in_(ids)))


def _span_filters(flt: Filters, day: Any) -> list[Any]:
    """Filters on anything with a day range (quantities, stories): the range overlaps the filter's."""
    first, last = day
    out: list[Any] = []
    if flt.date_from:
        out.append(last >= flt.date_from)
    if flt.date_to:
        out.append(first <= flt.date_to)
    return out


def _quantity_filters(flt: Filters) -> list[Any]:
    out = _span_filters(flt, (quantities_t.c.first_date, quantities_t.c.last_date))
    if flt.outlet:
        out.append(quantities_t.c.id.in_(sa.select(figures_t.c.quantity_id).where(figures_t.c.article_id.in_(
            sa.select(articles_t.c.id).where(_has(articles_t.c.outlet, flt.outlet))))))
    if flt.source:
        out.append(quantities_t.c.id.in_(sa.select(figures_t.c.quantity_id).where(
            figures_t.c.source_id.in_(_sources_named(flt.source)))))
    if flt.category:
        out.append(quantities_t.c.category == flt.category)
    if flt.story:
        out.append(quantities_t.c.story_id == flt.story)
    return out


def _figure_filters(flt: Filters) -> list[Any]:
    out: list[Any] = []
    day = sa.func.coalesce(figures_t.c.event_date, articles_t.c.pub_date)
    if flt.date_from:
        out.append(day >= flt.date_from)
    if flt.date_to:
        out.append(day <= flt.date_to)
    if flt.outlet:
        out.append(_has(articles_t.c.outlet, flt.outlet))
    if flt.source:
        out.append(figures_t.c.source_id.in_(_sources_named(flt.source)))
    if flt.category:
        out.append(figures_t.c.category == flt.category)
    if flt.story:
        out.append(articles_t.c.story_id == flt.story)
    return out


def _statement_filters(flt: Filters) -> list[Any]:
    out = _article_filters(flt)
    if flt.source:
        out.append(statements_t.c.source_id.in_(_sources_named(flt.source)))
    if flt.category:
        out.append(_in_span([flt.category]))
    return out


def _story_filters(flt: Filters) -> list[Any]:
    out = _span_filters(flt, (stories_t.c.first_date, stories_t.c.last_date))
    if flt.outlet:
        out.append(stories_t.c.id.in_(sa.select(articles_t.c.story_id).where(_has(articles_t.c.outlet, flt.outlet))))
    if flt.source:
        out.append(stories_t.c.id.in_(sa.select(articles_t.c.story_id).where(articles_t.c.id.in_(_citing(flt.source)))))
    if flt.category:
        out.append(stories_t.c.id.in_(sa.select(quantities_t.c.story_id)
                                      .where(quantities_t.c.category == flt.category)))
    if flt.story:
        out.append(stories_t.c.id == flt.story)
    return out


# ---------------------------------------------------------------- what each term matches

def _stories_named(word: str) -> Any:
    """Ids of the stories whose label contains ``word`` (a small table)."""
    return sa.select(stories_t.c.id).where(_has(stories_t.c.label, word))


def _quantity_term(t: Term) -> Any:
    """A quantity matches a word in its label (which spells out its place), counted class, story
    label or category, or in the name of a source of one of its figures. Every part is an
    indexed IN-list or a LIKE on the quantity's own row: no join per row."""
    by_source = sa.select(figures_t.c.quantity_id).where(figures_t.c.source_id.in_(_sources_named(t.word)))
    ors = [_has(quantities_t.c.label, t.word), _has(quantities_t.c.counted_class, t.word),
           quantities_t.c.story_id.in_(_stories_named(t.word)), quantities_t.c.category == t.word,
           quantities_t.c.id.in_(by_source)]
    if t.categories:
        ors.append(quantities_t.c.category.in_(t.categories))
    return sa.or_(*ors)


def _quantity_itself(t: Term) -> Any:
    """The term names the quantity itself (its label or category), not only its story or sources:
    such quantities rank first."""
    own = sa.or_(_has(quantities_t.c.label, t.word), quantities_t.c.category.in_(t.categories or {t.word}))
    return sa.case((own, 1), else_=0)


def _figure_term(t: Term) -> Any:
    ors = [_has(figures_t.c.counted, t.word), _has(figures_t.c.text, t.word), _has(figures_t.c.place, t.word),
           figures_t.c.category == t.word, figures_t.c.source_id.in_(_sources_named(t.word)),
           figures_t.c.quantity_id.in_(sa.select(quantities_t.c.id).where(_has(quantities_t.c.label, t.word))),
           articles_t.c.story_id.in_(_stories_named(t.word))]
    if t.categories:
        ors.append(figures_t.c.category.in_(t.categories))
    return sa.or_(*ors)


def _statement_term(t: Term) -> Any:
    ors = [_has(statements_t.c.text, t.word), _has(statements_t.c.speaker, t.word),
           statements_t.c.source_id.in_(_sources_named(t.word))]
    if t.categories:
        ors.append(_in_span(t.categories))
    return sa.or_(*ors)


def _story_term(t: Term) -> Any:
    ors = [_has(stories_t.c.label, t.word)]
    if t.categories:  # a story with a quantity of that category
        ors.append(stories_t.c.id.in_(sa.select(quantities_t.c.story_id)
                                      .where(quantities_t.c.category.in_(t.categories))))
    return sa.or_(*ors)


# ---------------------------------------------------------------- the search

def search(store: Store, q: str, page: int, flt: Filters, *, max_terms: int = 12, max_match_terms: int = 6
           ) -> dict[str, Any]:
    """Quantities (best first), stories, figures, statements and articles matching ``q`` and the
    filters, one page of each. ``max_terms`` distinct words go to the full-text index, the first
    ``max_match_terms`` terms to the word match. Raises :class:`FilterError` for a story the
    store does not have."""
    offset = (page - 1) * PAGE
    terms = parse_query(q, max_terms)[:max_match_terms]
    free = [t.word for t in terms if not t.categories]
    cats = sorted({c for t in terms for c in t.categories})
    with store.engine.connect() as conn:
        if flt.story and conn.execute(sa.select(stories_t.c.id).where(stories_t.c.id == flt.story)).first() is None:
            raise FilterError((("story", f"no story {flt.story[:40]!r} in this ledger"),))
    if not terms and not flt.active():
        return _result(q, page, flt, terms, [], [], [], [], [], False)
    fts_q = " ".join(dict.fromkeys(w for t in terms for w in _WORD.findall(t.word) if not t.categories))
    scope = store.search_articles(fts_q, limit=SCOPE) if fts_q else []
    quantities, qmore, top = _quantities(store, terms, flt, offset)
    figures, fmore = _figures(store, terms, cats, flt, offset, scope, top)
    statements, smore = _statements(store, terms, cats, flt, offset, scope)
    stories, tmore = _stories(store, terms, flt, offset)
    articles, amore = _articles(store, free, cats, flt, offset, scope, bool(terms))
    return _result(q, page, flt, terms, quantities, stories, figures, statements, articles,
                   qmore or fmore or smore or tmore or amore)


def _result(q: str, page: int, flt: Filters, terms: list[Term], quantities: list[dict[str, Any]],
            stories: list[dict[str, Any]], figures: list[dict[str, Any]], statements: list[dict[str, Any]],
            articles: list[dict[str, Any]], more: bool) -> dict[str, Any]:
    active = flt.active()
    return {"q": q, "page": page, "has_more": more,
            "terms": [{"word": t.word, "categories": sorted(t.categories)} for t in terms],
            "filters": {f.name: getattr(flt, f.name) for f in fields(flt)},
            "applies": {name: APPLIES[name] for name in active},
            "results": {"quantities": quantities, "stories": stories, "figures": figures,
                        "statements": statements, "articles": articles},
            "categories": list(CATEGORIES)}


def _quantity_query(terms: list[Term], flt: Filters) -> Any:
    rank = sum((_quantity_itself(t) for t in terms), sa.literal(0))
    return (sa.select(quantities_t.c.id, quantities_t.c.label, quantities_t.c.story_id, quantities_t.c.category,
                      quantities_t.c.n_figures, quantities_t.c.n_sources, quantities_t.c.n_outlets,
                      quantities_t.c.first_date, quantities_t.c.last_date, quantities_t.c.estimate,
                      stories_t.c.label.label("story_label"))
            .outerjoin(stories_t, stories_t.c.id == quantities_t.c.story_id)
            .where(*[_quantity_term(t) for t in terms], *_quantity_filters(flt))
            .order_by(rank.desc(), quantities_t.c.n_figures.desc(), quantities_t.c.n_sources.desc(),
                      quantities_t.c.id))


def _quantities(store: Store, terms: list[Term], flt: Filters, offset: int
                ) -> tuple[list[dict[str, Any]], bool, list[str]]:
    """A page of quantities, whether more follow, and the best ones' ids (at most
    ``TOP_QUANTITIES``, whose figures are results wherever their articles' words), in one query."""
    query = _quantity_query(terms, flt)
    with store.engine.connect() as conn:
        ranked = list(conn.execute(query.with_only_columns(quantities_t.c.id).limit(TOP_QUANTITIES)).scalars())
        if offset + PAGE + 1 <= TOP_QUANTITIES or len(ranked) < TOP_QUANTITIES:
            page = ranked[offset: offset + PAGE + 1]  # the best ones hold this page (or every match)
        else:
            page = list(conn.execute(query.with_only_columns(quantities_t.c.id).offset(offset)
                                     .limit(PAGE + 1)).scalars())
        found = {r["id"]: dict(r) for r in conn.execute(query.where(quantities_t.c.id.in_(page[:PAGE])))
                 .mappings()} if page else {}
    rows, more = [found[i] for i in page[:PAGE] if i in found], len(page) > PAGE
    # the reconciled latest value: the range across sources on the latest day (quantities.estimate)
    estimates = {r["id"]: json.loads(r.pop("estimate") or "null") for r in rows}
    fids = sorted({i for e in estimates.values() if e for i in (e.get("low"), e.get("high")) if i is not None})
    figs = {f.id: f for f in _figure_views(store, figures_t.c.id.in_(fids), statements=False)} if fids else {}
    for r in rows:
        r["latest"] = _latest(estimates[r["id"]], figs)
    return rows, more, ranked[:TOP_QUANTITIES] if terms else []


def _latest(e: dict[str, Any] | None, figs: dict[int, FigureView]) -> dict[str, Any] | None:
    if not e:
        return None
    low, high = figs.get(e.get("low") or -1), figs.get(e.get("high") or -1)
    if low is None and high is None:
        return None
    shown = [f.display for f in (low, high) if f is not None]
    text = shown[0] if len(set(shown)) == 1 else f"{shown[0]} to {shown[1]}"
    return {"day": e.get("day"), "text": text, "low_id": low.id if low else None,
            "high_id": high.id if high else None}


def _figures(store: Store, terms: list[Term], cats: list[str], flt: Filters, offset: int, scope: list[str],
             top: list[str]) -> tuple[list[dict[str, Any]], bool]:
    """Figures matching every term. Looked for only where they can be: in the articles the full-
    text index found, in the best quantities, from the sources a word names, or (a query of
    category words only) of those categories; with no words, where the filters point."""
    where: list[Any] = [*[_figure_term(t) for t in terms], *_figure_filters(flt)]
    if terms:
        places: list[Any] = []
        if scope:
            places.append(figures_t.c.article_id.in_(scope))
        if top:
            places.append(figures_t.c.quantity_id.in_(top))
        for t in terms:
            if not t.categories:
                places.append(figures_t.c.source_id.in_(_sources_named(t.word)))
        if all(t.categories for t in terms):
            places.append(figures_t.c.category.in_(cats))
        if not places:
            return [], False
        where.append(sa.or_(*places))
    # figures of the best quantities first, in the quantities' order, each newest first
    first = (sa.case({qid: i for i, qid in enumerate(top[:PAGE])}, value=figures_t.c.quantity_id, else_=PAGE)
             if top else sa.literal(PAGE))
    query = (sa.select(figures_t.c.id).join(articles_t, articles_t.c.id == figures_t.c.article_id).where(*where)
             .order_by(first, figures_t.c.event_date.desc(), figures_t.c.id.desc())
             .offset(offset).limit(PAGE + 1))
    with store.engine.connect() as conn:
        ids = list(conn.execute(query).scalars())
    more, ids = len(ids) > PAGE, ids[:PAGE]
    if not ids:
        return [], more
    views = {f.id: f for f in _figure_views(store, figures_t.c.id.in_(ids))}
    with store.engine.connect() as conn:
        labels = dict(conn.execute(sa.select(quantities_t.c.id, quantities_t.c.label).where(
            quantities_t.c.id.in_({v.quantity_id for v in views.values() if v.quantity_id}))).all())
    out = []
    for i in ids:
        if i in views:
            d = _figure_dict(views[i])
            d["quantity_label"] = labels.get(views[i].quantity_id or "")
            out.append(d)
    return out, more


def _figure_dict(f: FigureView) -> dict[str, Any]:
    d = asdict(f)
    d["display"] = f.display
    return d


def _statements(store: Store, terms: list[Term], cats: list[str], flt: Filters, offset: int, scope: list[str]
                ) -> tuple[list[dict[str, Any]], bool]:
    where: list[Any] = [*[_statement_term(t) for t in terms], *_statement_filters(flt)]
    if terms:
        places: list[Any] = []
        if scope:
            places.append(statements_t.c.article_id.in_(scope))
        for t in terms:
            if not t.categories:
                places.append(statements_t.c.source_id.in_(_sources_named(t.word)))
        if all(t.categories for t in terms):
            places.append(_in_span(cats))
        if not places:
            return [], False
        where.append(sa.or_(*places))
    query = (sa.select(statements_t, articles_t.c.outlet, articles_t.c.pub_date, articles_t.c.pub_date_basis,
                       articles_t.c.title)
             .join(articles_t, articles_t.c.id == statements_t.c.article_id).where(*where)
             .order_by(articles_t.c.pub_date.desc(), statements_t.c.id).offset(offset).limit(PAGE + 1))
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    return rows[:PAGE], len(rows) > PAGE


def _stories(store: Store, terms: list[Term], flt: Filters, offset: int) -> tuple[list[dict[str, Any]], bool]:
    query = (sa.select(stories_t).where(*[_story_term(t) for t in terms], *_story_filters(flt))
             .order_by(stories_t.c.last_date.desc(), stories_t.c.id).offset(offset).limit(PAGE + 1))
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    return rows[:PAGE], len(rows) > PAGE


def _articles(store: Store, free: list[str], cats: list[str], flt: Filters, offset: int, scope: list[str],
              searched: bool) -> tuple[list[dict[str, Any]], bool]:
    """Articles: the full-text index's best for the words, those reporting a figure of each
    category word, then the filters; newest first when no words rank them."""
    where = _article_filters(flt)
    if flt.source:
        where.append(articles_t.c.id.in_(_citing(flt.source)))
    for c in ([flt.category] if flt.category else []) + cats:
        where.append(articles_t.c.id.in_(sa.select(figures_t.c.article_id).where(figures_t.c.category == c)))
    cols = (articles_t.c.id, articles_t.c.title, articles_t.c.url, articles_t.c.outlet, articles_t.c.date,
            articles_t.c.pub_date, articles_t.c.pub_date_basis, articles_t.c.story_id)
    with store.engine.connect() as conn:
        if free:
            if not scope:
                return [], False
            found = {r["id"]: dict(r) for r in conn.execute(
                sa.select(*cols).where(articles_t.c.id.in_(scope), *where)).mappings()}
            ranked = [found[i] for i in scope if i in found]
            return ranked[offset: offset + PAGE], len(ranked) > offset + PAGE
        if not where or (searched and not cats):
            return [], False
        rows = [dict(r) for r in conn.execute(
            sa.select(*cols).where(*where).order_by(articles_t.c.pub_date.desc(), articles_t.c.id)
            .offset(offset).limit(PAGE + 1)).mappings()]
    return rows[:PAGE], len(rows) > PAGE
