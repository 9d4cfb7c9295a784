"""View data for the web pages. Each function returns the same data for the HTML page and its
JSON twin; templates only lay it out. All SQL is built with SQLAlchemy (parameterized)."""

from __future__ import annotations

import json
from dataclasses import asdict
from itertools import pairwise
from typing import Any

import sqlalchemy as sa

from .. import charts
from .. import search as ledger_search
from ..config import WebConfig
from ..corrections import figure_notes, source_notes, story_notes
from ..headlines import count_stories, plain, story_headlines, story_list
from ..quantities import ESTIMATE_RULE
from ..report import (
    ConflictView,
    DisagreementGroup,
    FigureView,
    _figure_views,
    disagreements,
    ledger,
    quantity_select,
)
from ..search import distinct_terms
from ..store import Store, articles_t, conflicts_t, figures_t, quantities_t, sources_t, statements_t, stories_t

PAGE = 50
GROUP_PAGE = 20  # source pairs per page of a quantity's disagreements
# the effective publication day (as given, else inferred) and how it was obtained; templates show
# them with the ``published`` filter ("2032-02-10 (from URL)")
PUB_COLS = (articles_t.c.pub_date, articles_t.c.pub_date_basis)
MAX_FIGURE_ROWS = 500
OVERVIEW_STORIES = 12  # the newest stories on the overview; /stories has them all
__all__ = ["distinct_terms"]  # kept here for callers of the web views


def _fig(f: FigureView, labels: dict[str, str] | None = None) -> dict[str, Any]:
    d = asdict(f)
    d["display"] = f.display
    d["value_note"] = f.value_note
    if labels is not None:
        d["quantity_label"] = labels.get(f.quantity_id or "")
    return d


def _conflict(c: ConflictView) -> dict[str, Any]:
    return {"quantity_id": c.quantity_id, "quantity_label": c.quantity_label, "story_label": c.story_label,
            "kind": c.kind,
            "a": _fig(c.a), "b": _fig(c.b)}


def overview(store: Store) -> dict[str, Any]:
    with store.engine.connect() as conn:
        def count(table: sa.Table) -> int:
            return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() or 0)

        stats = {"articles": count(articles_t), "figures": count(figures_t), "quantities": count(quantities_t),
                 "conflicts": count(conflicts_t),
                 "outlets": int(conn.execute(sa.select(sa.func.count(sa.distinct(articles_t.c.outlet)))).scalar()
                                or 0)}
        contested = [dict(r) for r in conn.execute(
            quantity_select().where(quantities_t.c.n_conflicts > 0)
            .order_by(quantities_t.c.n_disputes.desc(), quantities_t.c.n_figures.desc(), quantities_t.c.id)
            .limit(15)).mappings()]
        newest = [dict(r) for r in conn.execute(
            sa.select(articles_t.c.id, articles_t.c.title, articles_t.c.url, articles_t.c.outlet, articles_t.c.date,
                      *PUB_COLS, articles_t.c.dup_of)
            .order_by(articles_t.c.pub_date.desc(), articles_t.c.id).limit(15)).mappings()]
        rev_ids = list(conn.execute(
            sa.select(conflicts_t.c.id).where(conflicts_t.c.kind == "revision")
            .order_by(conflicts_t.c.id.desc()).limit(10)).scalars())
    revisions = _conflicts_by_id(store, rev_ids) if rev_ids else []
    return {"stories": plain(story_list(store, limit=OVERVIEW_STORIES)), "n_stories": count_stories(store),
            "stats": stats, "contested": contested,
            "revisions": [_conflict(c) for c in revisions], "articles": newest}


def stories(store: Store, page: int = 1) -> dict[str, Any]:
    """The stories (crises), newest first, with their headline numbers, paged."""
    items = story_list(store, limit=PAGE + 1, offset=(page - 1) * PAGE)
    return {"items": plain(items[:PAGE]), "page": page, "has_more": len(items) > PAGE}


def story(store: Store, sid: str) -> dict[str, Any] | None:
    """One story: its headline tables (latest figure per source, estimate, same-day disputes)
    and all its quantities."""
    s = story_headlines(store, sid)
    return None if s is None else {"s": plain(s), "rule": ESTIMATE_RULE, "story_notes": story_notes(store, sid)}


def _conflicts_by_id(store: Store, ids: list[int]) -> list[ConflictView]:
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(conflicts_t, quantities_t.c.label, stories_t.c.label.label("story_label"))
                            .join(quantities_t, quantities_t.c.id == conflicts_t.c.quantity_id)
                            .outerjoin(stories_t, stories_t.c.id == quantities_t.c.story_id)
                            .where(conflicts_t.c.id.in_(ids)).order_by(conflicts_t.c.id.desc())).mappings().all()
    fids = sorted({r["figure_a"] for r in rows} | {r["figure_b"] for r in rows})
    figs = {f.id: f for f in _figure_views(store, figures_t.c.id.in_(fids))} if fids else {}
    return [ConflictView(r["quantity_id"], r["label"], r["kind"], figs[r["figure_a"]], figs[r["figure_b"]],
                         r["story_label"]) for r in rows if r["figure_a"] in figs and r["figure_b"] in figs]


def quantities(store: Store, page: int, contested: bool) -> dict[str, Any]:
    q = quantity_select()
    if contested:
        q = q.where(quantities_t.c.n_conflicts > 0)
    q = q.order_by(quantities_t.c.n_disputes.desc(), quantities_t.c.n_figures.desc(), quantities_t.c.id)
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(q.offset((page - 1) * PAGE).limit(PAGE + 1)).mappings()]
    return {"items": rows[:PAGE], "page": page, "has_more": len(rows) > PAGE}


def _group(g: DisagreementGroup) -> dict[str, Any]:
    return {"quantity_id": g.quantity_id, "quantity_label": g.quantity_label, "kind": g.kind,
            "sources": list(g.sources), "newest_day": g.newest_day, "n_pairs": g.n_pairs, "story_label": g.story_label,
            "story_id": g.story_id,
            "pairs": [_conflict(c) for c in g.pairs]}


def quantity(store: Store, qid: str, page: int = 1, scale: str = "linear") -> dict[str, Any] | None:
    """One quantity: the reconciled estimate, each source's latest figure, the chart (``scale``
    linear or log) with its data table, the disagreements per source pair (newest first, a page of
    them), then every figure."""
    views = ledger(store, quantity_id=qid)
    if not views:
        return None
    q = views[0]
    groups, more = disagreements(store, quantity_id=qid, limit=GROUP_PAGE, offset=(page - 1) * GROUP_PAGE)
    data = asdict(q)
    # the chart shows every figure; the table the latest ones (a months-long toll has thousands)
    data["figures"] = [_fig(f) for f in q.figures[-MAX_FIGURE_ROWS:]]
    data["figures_total"] = len(q.figures)
    e = q.estimate
    data["estimate"] = None if e is None else {
        "rule": e.rule, "day": e.day, "latest": [_fig(f) for f in e.latest],
        **{k: (_fig(f) if f is not None else None) for k, f in (("low", e.low), ("high", e.high),
                                                                 ("conservative", e.conservative),
                                                                 ("highest", e.highest))}}
    figure_notes(store, data["figures"] + (data["estimate"]["latest"] if data["estimate"] else []))
    data["story_notes"] = story_notes(store, q.story_id)
    chart = charts.chart_view(q, scale)
    return {"q": data, "chart": chart.pop("svg"), "chart_info": chart, "groups": [_group(g) for g in groups],
            "page": page, "has_more": more}


def quantity_chart(store: Store, qid: str, fmt: str, scale: str = "linear") -> tuple[bytes | str, str] | None:
    """A quantity's chart as a download: (content, media type) for svg, png or csv; None when the
    quantity does not exist, or has no dated figure to draw (the CSV lists undated ones too)."""
    views = ledger(store, quantity_id=qid)
    if not views:
        return None
    if fmt == "csv":
        return charts.csv_text(views[0]), "text/csv; charset=utf-8"
    data = charts.chart_data(views[0], scale)
    if not data.marks:
        return None
    if fmt == "svg":
        return charts.svg_file(data), "image/svg+xml"
    return charts.png(data), "image/png"


def conflicts(store: Store, page: int, kind: str | None) -> dict[str, Any]:
    """Disagreements across the ledger, one item per quantity and source pair, paged."""
    groups, more = disagreements(store, kind=kind, limit=PAGE, offset=(page - 1) * PAGE, pairs_per_group=1)
    return {"items": [_group(g) for g in groups], "page": page, "has_more": more, "kind": kind}


def articles(store: Store, page: int) -> dict[str, Any]:
    n_fig = sa.select(sa.func.count()).select_from(figures_t).where(
        figures_t.c.article_id == articles_t.c.id).scalar_subquery()
    q = (sa.select(articles_t.c.id, articles_t.c.title, articles_t.c.url, articles_t.c.outlet, articles_t.c.date,
                   *PUB_COLS, articles_t.c.dup_of, n_fig.label("n_figures"))
         .order_by(articles_t.c.pub_date.desc(), articles_t.c.id).offset((page - 1) * PAGE).limit(PAGE + 1))
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(q).mappings()]
    return {"items": rows[:PAGE], "page": page, "has_more": len(rows) > PAGE}


def article(store: Store, article_id: str) -> dict[str, Any] | None:
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(articles_t.c.id, articles_t.c.title, articles_t.c.outlet, articles_t.c.url,
                                     articles_t.c.date, *PUB_COLS, articles_t.c.text, articles_t.c.dup_of,
                                     articles_t.c.story_id, stories_t.c.label.label("story_label"))
                           .outerjoin(stories_t, stories_t.c.id == articles_t.c.story_id)
                           .where(articles_t.c.id == article_id)).mappings().first()
        if row is None:
            return None
        stmts = [dict(r) for r in conn.execute(
            sa.select(statements_t).where(statements_t.c.article_id == article_id)
            .order_by(statements_t.c.start)).mappings()]
        labels = dict(conn.execute(
            sa.select(quantities_t.c.id, quantities_t.c.label).where(quantities_t.c.id.in_(
                sa.select(figures_t.c.quantity_id).where(figures_t.c.article_id == article_id)))).all())
    figs = [_fig(f, labels) for f in _figure_views(store, figures_t.c.article_id == article_id, statements=False)]
    figs.sort(key=lambda f: f["start"])
    figure_notes(store, figs)
    a = dict(row)
    a["story_notes"] = story_notes(store, a["story_id"])
    return {"a": a, "segments": highlight(a["text"], figs, stmts), "figures": figs, "statements": stmts}


def highlight(text: str, figures: list[dict[str, Any]], statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cut the text at every figure and statement boundary; each piece knows the statement and the
    figure covering it, so the template can mark them up without nesting problems."""
    cuts = {0, len(text)}
    for x in [*figures, *statements]:
        cuts.update((max(0, min(len(text), x["start"])), max(0, min(len(text), x["end"]))))
    points = sorted(cuts)
    out: list[dict[str, Any]] = []
    for a, b in pairwise(points):
        if a == b:
            continue
        fig = next((f for f in figures if f["start"] <= a and b <= f["end"]), None)
        st = next((s for s in statements if s["start"] <= a and b <= s["end"]), None)
        piece = {"text": text[a:b], "fig": fig, "stmt": None, "direct": False}
        if st is not None:
            piece["stmt"] = f"{st['speaker'] or '?'} ({st['cue'] or 'continues'})"
            piece["direct"] = bool(st["direct"])
        # one <mark> per figure: later pieces of the same figure are plain text inside the same span
        if fig is not None and out and out[-1]["fig"] is fig:
            out[-1]["text"] += piece["text"]
            continue
        out.append(piece)
    return out


def sources(store: Store, page: int) -> dict[str, Any]:
    n_st = sa.select(sa.func.count()).select_from(statements_t).where(
        statements_t.c.source_id == sources_t.c.id).scalar_subquery()
    n_fig = sa.select(sa.func.count()).select_from(figures_t).where(
        figures_t.c.source_id == sources_t.c.id).scalar_subquery()
    q = (sa.select(sources_t.c.id, sources_t.c.name, sources_t.c.kind, sources_t.c.affiliation,
                   n_st.label("n_statements"), n_fig.label("n_figures"), stories_t.c.label.label("story_label"))
         .outerjoin(stories_t, stories_t.c.id == sources_t.c.story_id)
         .order_by(n_fig.desc(), n_st.desc(), sources_t.c.id).offset((page - 1) * PAGE).limit(PAGE + 1))
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(q).mappings()]
    return {"items": rows[:PAGE], "page": page, "has_more": len(rows) > PAGE}


def source(store: Store, sid: str) -> dict[str, Any] | None:
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(sources_t).where(sources_t.c.id == sid)).mappings().first()
        if row is None:
            return None
        stmts = [dict(r) for r in conn.execute(
            sa.select(statements_t, articles_t.c.outlet, *PUB_COLS)
            .join(articles_t, articles_t.c.id == statements_t.c.article_id)
            .where(statements_t.c.source_id == sid).order_by(articles_t.c.pub_date, statements_t.c.start)
            .limit(500)).mappings()]
    s = dict(row)
    s["aliases"] = json.loads(s["aliases"])
    figs = [_fig(f) for f in _figure_views(store, figures_t.c.source_id == sid)]
    figure_notes(store, figs)
    s["corrections"] = source_notes(store, sid)
    return {"s": s, "figures": figs, "statements": stmts}


def search(store: Store, q: str, page: int, date_from: str | None = None, date_to: str | None = None,
           outlet: str | None = None, source: str | None = None, category: str | None = None,
           story: str | None = None, *, max_terms: int = WebConfig.max_query_terms,
           max_match_terms: int = WebConfig.max_match_terms) -> dict[str, Any]:
    """Quantities first, then stories, figures, statements and articles (``newsledger.search``);
    raises ``search.FilterError`` with the reasons for filter values it cannot search with."""
    flt = ledger_search.check_filters(date_from, date_to, outlet, source, category, story)
    return ledger_search.search(store, q, page, flt, max_terms=max_terms, max_match_terms=max_match_terms)
