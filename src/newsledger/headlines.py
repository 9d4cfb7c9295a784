"""A story's headline numbers: for each people count a reader asks about first (deaths, injured,
missing, displaced, crowd, evacuated, detained), the latest figure of every source, the
reconciled estimate and who disputes whom on the same day.

One function per view, each returning plain data, so the web pages (``/stories``,
``/stories/{id}``), their JSON twins and the brief show the same tables. Every row of a table is
a figure of that table's quantity (the stored estimate's "latest per source", computed from the
quantity's own figures), so a source's latest figure can never be a figure about another event,
another place or another group of people.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from .config import HeadlineConfig
from .figures.scope import COMBINED, CUMULATIVE
from .quantities import MERGED_CATEGORY
from .report import (
    DisagreementGroup,
    EstimateView,
    FigureView,
    _estimate_view,
    _figure_views,
    disagreements,
)
from .store import Store, figures_t, quantities_t, stories_t
from .stories import date_range


@dataclass(frozen=True)
class HeadlineTable:
    """One headline quantity: "latest figure per source, as of <day>", then its reconciled
    estimate and its same-day disputes."""

    quantity_id: str
    label: str
    link_text: str  # the label, made distinct on its page when two quantities share one
    category: str  # the headline category ("killed", "unaccounted", ...)
    place: str | None  # the place most of its figures name; None for the story's whole area
    all_areas: bool  # the total over every place the story covers
    as_of: str | None  # the newest day among the rows
    rows: list[FigureView]  # each source's latest figure of this quantity, newest first
    n_sources: int  # sources with a latest figure (rows may show fewer)
    estimate: EstimateView | None
    disputes: list[DisagreementGroup]  # same-day disputes only, newest first
    n_figures: int
    n_disputes: int


@dataclass(frozen=True)
class HeadlineGroup:
    """The headline tables of one category, the whole area first, then places by figures."""

    category: str
    title: str  # "Deaths"
    tables: list[HeadlineTable]
    n_more: int = 0  # quantities of this category not shown (see HeadlineConfig.tables_per_category)


@dataclass(frozen=True)
class HeadlineNumber:
    """The one-line reading of a category for the story list: the reconciled range on the
    latest day of its first (whole-area) quantity."""

    category: str
    title: str
    quantity_id: str
    label: str
    text: str  # "1,200 to 1,450" or "≥4,000"
    day: str | None
    all_areas: bool  # False: the story has no whole-area count of this kind; this is one place's


@dataclass(frozen=True)
class StoryQuantity:
    """A quantity of the story, for the list of all of them under the headline tables."""

    id: str
    label: str
    link_text: str
    category: str
    n_figures: int
    n_sources: int
    n_disputes: int
    n_revisions: int
    first_date: str | None
    last_date: str | None


@dataclass(frozen=True)
class StoryHeadlines:
    id: str
    label: str
    first_date: str | None
    last_date: str | None
    dates: str  # "10–15 Feb 2032"
    n_articles: int
    n_outlets: int
    n_quantities: int
    numbers: list[HeadlineNumber] = field(default_factory=list)
    groups: list[HeadlineGroup] = field(default_factory=list)  # filled for one story's page
    quantities: list[StoryQuantity] = field(default_factory=list)  # likewise: all, most disputed first


@dataclass(frozen=True)
class _Candidate:
    id: str
    story_id: str
    label: str
    category: str
    place: str | None
    all_areas: bool
    n_figures: int
    n_sources: int
    n_disputes: int
    last_date: str | None
    estimate: str | None


def headline_category(category: str) -> str:
    return MERGED_CATEGORY.get(category, category)


def _candidates(store: Store, story_ids: list[str], cfg: HeadlineConfig) -> dict[str, dict[str, list[_Candidate]]]:
    """Per story, per headline category, the quantities that count people as a whole: generic
    people (no sub-group, no part such as "in critical condition"), no forecast, this story's own
    incident; ordered whole area first, then by figures and sources."""
    wanted = {c for c, _ in cfg.categories}
    stored = [c for c in {*wanted, *MERGED_CATEGORY} if headline_category(c) in wanted]
    q = (sa.select(quantities_t.c.id, quantities_t.c.story_id, quantities_t.c.label, quantities_t.c.category,
                   quantities_t.c.n_figures, quantities_t.c.n_sources, quantities_t.c.n_disputes,
                   quantities_t.c.last_date, quantities_t.c.estimate)
         .where(quantities_t.c.story_id.in_(story_ids), quantities_t.c.category.in_(stored),
                quantities_t.c.counted_class == "people", quantities_t.c.unit.is_(None)))
    with store.engine.connect() as conn:
        rows = conn.execute(q).mappings().all()
        ids = [r["id"] for r in rows]
        traits: dict[str, list[Any]] = {}
        for chunk in range(0, len(ids), 500):
            for r in conn.execute(sa.select(figures_t.c.quantity_id, figures_t.c.subset, figures_t.c.projection,
                                            figures_t.c.event, figures_t.c.place)
                                  .where(figures_t.c.quantity_id.in_(ids[chunk:chunk + 500]))).mappings():
                traits.setdefault(r["quantity_id"], []).append(r)
    out: dict[str, dict[str, list[_Candidate]]] = {}
    for r in rows:
        figs = traits.get(r["id"], [])
        if not figs:
            continue
        # the quantity key holds subset, forecast and incident, so one figure tells them
        first = figs[0]
        if (first["subset"] not in (None, "", CUMULATIVE)) or first["projection"] or first["event"]:
            continue
        named = Counter(f["place"] for f in figs if f["place"])
        place = named.most_common(1)[0][0] if named else None
        whole = place in (None, COMBINED, "national")
        cat = headline_category(r["category"])
        out.setdefault(r["story_id"], {}).setdefault(cat, []).append(_Candidate(
            r["id"], r["story_id"], r["label"], cat, None if place == COMBINED else place, whole,
            int(r["n_figures"]), int(r["n_sources"]), int(r["n_disputes"]), r["last_date"], r["estimate"]))
    for cats in out.values():
        for members in cats.values():
            # per-day counts (crowds, arrests) of equal coverage: the newest day first
            members.sort(key=lambda c: c.id)
            members.sort(key=lambda c: c.last_date or "", reverse=True)
            members.sort(key=lambda c: (not c.all_areas, -c.n_figures, -c.n_sources))
    return out


def _estimate_ids(raw: str | None) -> set[int]:
    if not raw:
        return set()
    e = json.loads(raw)
    return {int(i) for i in [*e["latest"], e["low"], e["high"], e["conservative"], e["highest"]] if i is not None}


def _figures(store: Store, cands: list[_Candidate]) -> dict[int, FigureView]:
    ids = sorted({i for c in cands for i in _estimate_ids(c.estimate)})
    out: dict[int, FigureView] = {}
    for chunk in range(0, len(ids), 500):
        out.update({f.id: f for f in _figure_views(store, figures_t.c.id.in_(ids[chunk:chunk + 500]))})
    return out


def _range_text(e: EstimateView) -> str:
    if e.low is None or e.high is None:
        return ""
    return e.low.display if e.low.id == e.high.id else f"{e.low.display} to {e.high.display}"


def count_stories(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(stories_t)).scalar() or 0)


def _story_rows(store: Store, story_id: str | None = None, limit: int | None = None, offset: int = 0) -> list[Any]:
    n_q = (sa.select(sa.func.count()).select_from(quantities_t)
           .where(quantities_t.c.story_id == stories_t.c.id).scalar_subquery())
    q = sa.select(stories_t, n_q.label("n_quantities"))
    if story_id is not None:
        q = q.where(stories_t.c.id == story_id)
    # the newest crisis first; among stories of one day, the most covered
    q = q.order_by(stories_t.c.last_date.desc(), stories_t.c.n_articles.desc(), stories_t.c.id).offset(offset)
    if limit is not None:
        q = q.limit(limit)
    with store.engine.connect() as conn:
        return list(conn.execute(q).mappings().all())


def _numbers(cands: dict[str, list[_Candidate]], figs: dict[int, FigureView],
             cfg: HeadlineConfig) -> list[HeadlineNumber]:
    out = []
    for cat, title in cfg.categories:
        for c in cands.get(cat, [])[:1]:
            e = _estimate_view(c.estimate, figs)
            if e is not None and (text := _range_text(e)):
                out.append(HeadlineNumber(cat, title, c.id, c.label, text, e.day, c.all_areas))
    return out


def story_list(store: Store, cfg: HeadlineConfig | None = None, *, limit: int | None = None,
               offset: int = 0) -> list[StoryHeadlines]:
    """The stories, newest first (a page of them with ``limit``), with their dates, coverage and
    one headline number per category."""
    cfg = cfg or HeadlineConfig()
    rows = _story_rows(store, limit=limit, offset=offset)
    cands = _candidates(store, [r["id"] for r in rows], cfg) if rows else {}
    firsts = [ms[0] for cats in cands.values() for ms in cats.values()]
    figs = _figures(store, firsts)
    return [_story(r, _numbers(cands.get(r["id"], {}), figs, cfg)) for r in rows]


def _story(r: Any, numbers: list[HeadlineNumber], groups: list[HeadlineGroup] | None = None,
           quantities: list[StoryQuantity] | None = None) -> StoryHeadlines:
    return StoryHeadlines(r["id"], r["label"], r["first_date"], r["last_date"],
                          date_range(r["first_date"], r["last_date"]) or "undated", int(r["n_articles"]),
                          int(r["n_outlets"]), int(r["n_quantities"]), numbers, groups or [], quantities or [])


def link_texts(items: list[tuple[str, str]]) -> dict[str, str]:
    """(id, label) -> the text of a link to it: the label, with the id added where two items of
    one page share a label, so no two links of a page read alike and lead apart."""
    seen = Counter(label for _i, label in items)
    return {i: label if seen[label] == 1 else f"{label} ({i})" for i, label in items}


def story_quantities(store: Store, story_id: str) -> list[StoryQuantity]:
    """Every quantity of a story, most disputed first, each with a distinct link text."""
    q = (sa.select(quantities_t.c.id, quantities_t.c.label, quantities_t.c.category, quantities_t.c.n_figures,
                   quantities_t.c.n_sources, quantities_t.c.n_disputes, quantities_t.c.n_revisions,
                   quantities_t.c.first_date, quantities_t.c.last_date)
         .where(quantities_t.c.story_id == story_id)
         .order_by(quantities_t.c.n_disputes.desc(), quantities_t.c.n_conflicts.desc(),
                   quantities_t.c.n_figures.desc(), quantities_t.c.id))
    with store.engine.connect() as conn:
        rows = conn.execute(q).mappings().all()
    texts = link_texts([(r["id"], r["label"]) for r in rows])
    return [StoryQuantity(r["id"], r["label"], texts[r["id"]], r["category"], int(r["n_figures"]),
                          int(r["n_sources"]), int(r["n_disputes"]), int(r["n_revisions"]), r["first_date"],
                          r["last_date"]) for r in rows]


def story_headlines(store: Store, story_id: str, cfg: HeadlineConfig | None = None) -> StoryHeadlines | None:
    """One story with its headline tables (None for an unknown id): per category, the whole
    area's quantity first, then each place (or day, for per-day counts) the ledger keeps apart."""
    cfg = cfg or HeadlineConfig()
    rows = _story_rows(store, story_id)
    if not rows:
        return None
    cands = _candidates(store, [story_id], cfg).get(story_id, {})
    quantities = story_quantities(store, story_id)
    texts = {q.id: q.link_text for q in quantities}
    shown = {cat: ms[:cfg.tables_per_category] for cat, ms in cands.items()}
    figs = _figures(store, [c for ms in shown.values() for c in ms])
    groups = []
    for cat, title in cfg.categories:
        tables = [t for c in shown.get(cat, []) if (t := _table(store, c, texts.get(c.id, c.label), figs, cfg))
                  is not None]
        if tables:
            groups.append(HeadlineGroup(cat, title, tables, len(cands[cat]) - len(shown[cat])))
    return _story(rows[0], _numbers(cands, figs, cfg), groups, quantities)


def _table(store: Store, c: _Candidate, link_text: str, figs: dict[int, FigureView],
           cfg: HeadlineConfig) -> HeadlineTable | None:
    e = _estimate_view(c.estimate, figs)
    if e is None or not e.latest:
        return None
    rows = e.latest[:cfg.rows_per_table]
    days = [d for f in rows if (d := f.event_date or f.citation.published)]
    disputes: list[DisagreementGroup] = []
    if c.n_disputes:
        disputes, _more = disagreements(store, quantity_id=c.id, kind="dispute", limit=cfg.disputes_per_table,
                                        pairs_per_group=1)
    return HeadlineTable(c.id, c.label, link_text, c.category, c.place, c.all_areas, max(days) if days else None, rows,
                         len(e.latest), e, disputes, c.n_figures, c.n_disputes)


def plain(obj: Any) -> Any:
    """JSON-ready form of these views; a figure carries its ``display`` wording too."""
    if isinstance(obj, FigureView):
        d = {f.name: plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        d["display"] = obj.display
        d["value_note"] = obj.value_note
        return d
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [plain(o) for o in obj]
    return obj
