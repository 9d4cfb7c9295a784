"""Views over the store: the ledger, conflicts, the timeline, a cited briefing, exports.

Every view is a function returning plain data (dataclasses), so the CLI, the web app
and Python users render the same thing. Every claim carries its citation: outlet,
publication date, article id and the exact words (the statement that holds the
figure, else its sentence).
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

import sqlalchemy as sa

from .pubdate import describe
from .store import Store, articles_t, conflicts_t, figures_t, quantities_t, sources_t, statements_t, stories_t

_SENT_END = re.compile(r"[.!?][\"”’')\]]*(?=\s|$)")


def sentence_at(text: str, start: int, end: int) -> tuple[int, int]:
    """Character span of the sentence holding [start, end) (paragraph breaks end sentences)."""
    left = max(text.rfind("\n", 0, start), -1)
    for m in _SENT_END.finditer(text, max(0, left + 1), start):
        left = m.end() - 1
    right = len(text)
    nl = text.find("\n", end)
    if nl != -1:
        right = nl
    found = _SENT_END.search(text, end, right)
    if found:
        right = found.end()
    return left + 1 + (len(text[left + 1:]) - len(text[left + 1:].lstrip())), right


@dataclass
class Citation:
    article_id: str
    outlet: str | None
    published: str | None
    title: str | None
    url: str | None
    quote: str
    quote_start: int
    quote_end: int
    duplicate_of: str | None = None
    published_basis: str | None = None  # how ``published`` was obtained (see pubdate.BASES)


@dataclass
class FigureView:
    id: int
    text: str
    value: float
    value_high: float | None
    qualifier: str
    unit: str | None
    counted: str | None
    category: str
    source: str | None
    source_id: str | None
    source_kind: str | None
    event_date: str | None
    quantity_id: str | None
    start: int
    end: int
    citation: Citation

    @property
    def display(self) -> str:
        v = _fmt(self.value) + (f"–{_fmt(self.value_high)}" if self.value_high is not None else "")
        hedge = {"approx": "~", "at_least": "≥", "more_than": ">", "at_most": "≤", "less_than": "<",
                 "vague": "", "range": "", "exact": ""}[self.qualifier]
        unit = {"percent": "%", "USD": " USD", "EUR": " EUR", "GBP": " GBP"}.get(self.unit or "", "")
        return f"{hedge}{v}{unit}" + (" (vague)" if self.qualifier == "vague" else "")


@dataclass
class QuantityView:
    id: str
    label: str
    story_id: str | None
    category: str
    unit: str | None
    n_figures: int
    n_sources: int
    n_outlets: int
    n_conflicts: int
    n_disputes: int
    n_revisions: int
    first_date: str | None
    last_date: str | None
    figures: list[FigureView] = field(default_factory=list)
    n_across_days: int = 0
    n_undated: int = 0
    estimate: EstimateView | None = None
    story_label: str | None = None  # "earthquake · Karsa / Velmora · 6–12 Feb 2031"


@dataclass
class EstimateView:
    """The reconciled estimate of a quantity (see quantities.ESTIMATE_RULE); each part is a figure
    with its source, article and day."""

    rule: str
    day: str | None
    latest: list[FigureView]
    low: FigureView | None
    high: FigureView | None
    conservative: FigureView | None
    highest: FigureView | None


@dataclass
class ConflictView:
    quantity_id: str
    quantity_label: str
    kind: str
    a: FigureView
    b: FigureView
    story_label: str | None = None


def _fmt(v: float | None) -> str:
    if v is None:
        return ""
    if float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:,.2f}".rstrip("0").rstrip(".")


# ---------------------------------------------------------------- loading

# the effective publication day: as given, else as inferred (stores are filled by migration 6)
_PUBLISHED = sa.func.coalesce(articles_t.c.pub_date, articles_t.c.date)


def _figure_query() -> sa.Select[Any]:
    return (sa.select(figures_t, articles_t.c.outlet, _PUBLISHED.label("published"),
                      articles_t.c.pub_date_basis.label("published_basis"), articles_t.c.title,
                      articles_t.c.url, articles_t.c.text.label("article_text"), articles_t.c.dup_of,
                      sources_t.c.name.label("source_name"), sources_t.c.kind.label("source_kind"))
            .join(articles_t, articles_t.c.id == figures_t.c.article_id)
            .outerjoin(sources_t, sources_t.c.id == figures_t.c.source_id))


def _figure_views(store: Store, where: Any, statements: bool = True) -> list[FigureView]:
    with store.engine.connect() as conn:
        rows = conn.execute(_figure_query().where(where).order_by(figures_t.c.event_date, figures_t.c.id)
                            ).mappings().all()
        spans: dict[str, list[tuple[int, int]]] = {}
        if statements and rows:
            ids = sorted({r["article_id"] for r in rows})
            for aid, s, e in conn.execute(sa.select(statements_t.c.article_id, statements_t.c.start,
                                                    statements_t.c.end).where(statements_t.c.article_id.in_(ids))):
                spans.setdefault(aid, []).append((s, e))
    out = []
    for r in rows:
        text = r["article_text"]
        qs, qe = next(((s, e) for s, e in spans.get(r["article_id"], []) if s <= r["start"] < e), (None, None))
        if qs is None or qe is None:
            qs, qe = sentence_at(text, r["start"], r["end"])
        cit = Citation(r["article_id"], r["outlet"], r["published"], r["title"], r["url"], text[qs:qe], qs, qe,
                       r["dup_of"], r["published_basis"])
        out.append(FigureView(r["id"], r["text"], r["value"], r["value_high"], r["qualifier"], r["unit"],
                              r["counted"], r["category"], r["source_name"] or r["source"], r["source_id"],
                              r["source_kind"], r["event_date"], r["quantity_id"], r["start"], r["end"], cit))
    return out


def _quantity_view(row: Any) -> QuantityView:
    return QuantityView(row["id"], row["label"], row["story_id"], row["category"], row["unit"], row["n_figures"],
                        row["n_sources"], row["n_outlets"], row["n_conflicts"], row["n_disputes"],
                        row["n_revisions"], row["first_date"], row["last_date"],
                        n_across_days=row["n_across_days"], n_undated=row["n_undated"],
                        story_label=row.get("story_label"))


def _estimate_view(raw: str | None, figs: dict[int, FigureView]) -> EstimateView | None:
    """The stored estimate (figure ids) with its figures; None for a store not yet refreshed."""
    if not raw:
        return None
    e = json.loads(raw)

    def get(i: int | None) -> FigureView | None:
        return figs.get(i) if i is not None else None

    return EstimateView(e["rule"], e["day"], [figs[i] for i in e["latest"] if i in figs], get(e["low"]),
                        get(e["high"]), get(e["conservative"]), get(e["highest"]))


def quantity_select() -> sa.Select[Any]:
    """Quantities with the label of their story (for every view that lists quantities)."""
    return (sa.select(quantities_t, stories_t.c.label.label("story_label"))
            .outerjoin(stories_t, stories_t.c.id == quantities_t.c.story_id))


def ledger(store: Store, *, min_figures: int = 1, contested_only: bool = False, limit: int | None = None,
           offset: int = 0, quantity_id: str | None = None) -> list[QuantityView]:
    """Quantities with their figures, most disputed first."""
    q = quantity_select().where(quantities_t.c.n_figures >= min_figures)
    if contested_only:
        q = q.where(quantities_t.c.n_conflicts > 0)
    if quantity_id:
        q = q.where(quantities_t.c.id == quantity_id)
    q = q.order_by(quantities_t.c.n_disputes.desc(), quantities_t.c.n_conflicts.desc(),
                   quantities_t.c.n_figures.desc(), quantities_t.c.id).offset(offset)
    if limit:
        q = q.limit(limit)
    with store.engine.connect() as conn:
        rows = conn.execute(q).mappings().all()
    views = [_quantity_view(r) for r in rows]
    if views:
        figs = _figure_views(store, figures_t.c.quantity_id.in_([v.id for v in views]))
        by_q: dict[str, list[FigureView]] = {}
        for f in figs:
            by_q.setdefault(f.quantity_id or "", []).append(f)
        for v, r in zip(views, rows, strict=True):
            v.figures = by_q.get(v.id, [])
            v.estimate = _estimate_view(r["estimate"], {f.id: f for f in v.figures})
    return views


def conflict_list(store: Store, *, kind: str | None = None, limit: int | None = None) -> list[ConflictView]:
    q = (sa.select(conflicts_t, quantities_t.c.label, stories_t.c.label.label("story_label"))
         .join(quantities_t, quantities_t.c.id == conflicts_t.c.quantity_id)
         .outerjoin(stories_t, stories_t.c.id == quantities_t.c.story_id)
         .order_by(quantities_t.c.n_disputes.desc(), conflicts_t.c.quantity_id, conflicts_t.c.id))
    if kind:
        q = q.where(conflicts_t.c.kind == kind)
    if limit:
        q = q.limit(limit)
    with store.engine.connect() as conn:
        rows = conn.execute(q).mappings().all()
    ids = sorted({r["figure_a"] for r in rows} | {r["figure_b"] for r in rows})
    figs = {f.id: f for f in _figure_views(store, figures_t.c.id.in_(ids))} if ids else {}
    return [ConflictView(r["quantity_id"], r["label"], r["kind"], figs[r["figure_a"]], figs[r["figure_b"]],
                         r["story_label"]) for r in rows]


@dataclass
class DisagreementGroup:
    """The disagreements of one kind between one pair of sources (one source for revisions) in
    one quantity: the newest pair first, with how many there are in all."""

    quantity_id: str
    quantity_label: str
    kind: str
    sources: tuple[str | None, str | None]
    newest_day: str | None
    n_pairs: int
    pairs: list[ConflictView]
    story_label: str | None = None


KIND_ORDER = {"dispute": 0, "revision": 1, "across_days": 2, "undated": 3}


def disagreements(store: Store, *, quantity_id: str | None = None, kind: str | None = None,
                  limit: int | None = None, offset: int = 0, pairs_per_group: int = 20
                  ) -> tuple[list[DisagreementGroup], bool]:
    """Stored conflict pairs collapsed per (quantity, kind, source pair), newest first; a page of
    groups and whether more follow. Only the page's figures are loaded."""
    fa, fb = figures_t.alias("fa"), figures_t.alias("fb")
    q = (sa.select(conflicts_t.c.id, conflicts_t.c.quantity_id, conflicts_t.c.kind, conflicts_t.c.figure_a,
                   conflicts_t.c.figure_b, quantities_t.c.label, quantities_t.c.n_disputes,
                   fa.c.source_id.label("sa"), fb.c.source_id.label("sb"), fa.c.source.label("na"),
                   fb.c.source.label("nb"), fa.c.event_date.label("da"), fb.c.event_date.label("db"),
                   stories_t.c.label.label("story_label"))
         .join(quantities_t, quantities_t.c.id == conflicts_t.c.quantity_id)
         .outerjoin(stories_t, stories_t.c.id == quantities_t.c.story_id)
         .join(fa, fa.c.id == conflicts_t.c.figure_a).join(fb, fb.c.id == conflicts_t.c.figure_b))
    if quantity_id:
        q = q.where(conflicts_t.c.quantity_id == quantity_id)
    if kind:
        q = q.where(conflicts_t.c.kind == kind)
    with store.engine.connect() as conn:
        rows = conn.execute(q).mappings().all()
    grouped: dict[tuple[str, str, tuple[str, str]], list[Any]] = {}
    for r in rows:
        who = tuple(sorted((r["sa"] or f"?{r['na'] or ''}", r["sb"] or f"?{r['nb'] or ''}")))
        grouped.setdefault((r["quantity_id"], r["kind"], (who[0], who[1])), []).append(r)

    def newest(r: Any) -> tuple[str, str, int]:
        return (r["db"] or "", r["da"] or "", r["id"])

    for members in grouped.values():
        members.sort(key=newest, reverse=True)
    # within a quantity newest first (kind, then sources, break ties); quantities most disputed first
    order = sorted(grouped, key=lambda k: (KIND_ORDER.get(k[1], 9), k[2]))
    order.sort(key=lambda k: newest(grouped[k][0])[:2], reverse=True)
    order.sort(key=lambda k: (-grouped[k][0]["n_disputes"], k[0]))
    page = order[offset: offset + limit if limit else None]
    ids = sorted({r[c] for k in page for r in grouped[k][:pairs_per_group] for c in ("figure_a", "figure_b")})
    figs = {f.id: f for f in _figure_views(store, figures_t.c.id.in_(ids))} if ids else {}
    out = []
    for k in page:
        members = grouped[k]
        first = members[0]
        views = [ConflictView(r["quantity_id"], r["label"], r["kind"], figs[r["figure_a"]], figs[r["figure_b"]],
                              r["story_label"])
                 for r in members[:pairs_per_group] if r["figure_a"] in figs and r["figure_b"] in figs]
        if views:
            out.append(DisagreementGroup(k[0], first["label"], k[1], (views[0].a.source, views[0].b.source),
                                         first["db"] or first["da"], len(members), views, first["story_label"]))
    return out, bool(limit) and len(order) > offset + (limit or 0)


@dataclass
class TimelineDay:
    date: str
    articles: int
    figures: list[FigureView]


def timeline(store: Store, *, quantity_id: str | None = None) -> list[TimelineDay]:
    """Dated figures day by day (the day each figure refers to), with the day's article count."""
    where: Any = figures_t.c.event_date.is_not(None)
    if quantity_id:
        where = sa.and_(where, figures_t.c.quantity_id == quantity_id)
    figs = _figure_views(store, where)
    with store.engine.connect() as conn:
        per_day = sa.select(_PUBLISHED, sa.func.count()).group_by(_PUBLISHED)
        counts: dict[str, int] = {d: int(n) for d, n in conn.execute(per_day).all()}
    days: dict[str, list[FigureView]] = {}
    for f in figs:
        days.setdefault(f.event_date or "", []).append(f)
    return [TimelineDay(d, int(counts.get(d, 0)), fs) for d, fs in sorted(days.items())]


# ---------------------------------------------------------------- rendering helpers

def citation_text(c: Citation) -> str:
    outlet = c.outlet or c.article_id
    when = describe(c.published, c.published_basis) or "undated"
    return f"{outlet}, {when}"


# ---------------------------------------------------------------- briefing

MAX_REPORTS = 200  # per quantity in the briefing; the web app and exports have them all
MAX_SOURCES = 15


@dataclass
class Briefing:
    markdown: str
    html: str


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&#~])")


def md_text(s: str) -> str:
    """Article words as literal Markdown text: HTML and Markdown syntax from a title, outlet or
    quote is backslash-escaped (``<script>`` shows as text, never as a tag or a link; ``&`` cannot
    start an entity), and a line break cannot start a heading or a block."""
    s = " ".join(s.split())
    return _MD_SPECIAL.sub(r"\\\1", s)


def _ident(s: str) -> str:
    return s


def _claim_md(f: FigureView) -> str:
    who = md_text(f.source or "the article itself")
    return (f"**{md_text(f.display)}** “{md_text(f.text)}” {md_text(f.counted or '')} "
            f"({md_text(f.event_date or 'undated')}), {who} — "
            f"{md_text(citation_text(f.citation))}: “{md_text(f.citation.quote.strip())}”")


def brief(store: Store, *, top: int = 10, title: str = "newsledger briefing") -> Briefing:
    """Key figures, who disputes them, and every claim cited to outlet, date and exact words;
    a chart per contested quantity."""
    qs = [q for q in ledger(store, limit=top, min_figures=2)]
    md: list[str] = [f"# {md_text(title)}", ""]
    hp: list[str] = ["<!doctype html><html lang='en'><head><meta charset='utf-8'>",
                     f"<title>{html.escape(title)}</title>",
                     "<style>body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;"
                     "line-height:1.45}blockquote{margin:.3em 0 .8em 1em;color:#333;border-left:3px solid #ccc;"
                     "padding-left:.6em}.dispute{color:#b00}.revision{color:#555}small{color:#666}</style>",
                     f"</head><body><h1>{html.escape(title)}</h1>"]
    with store.engine.connect() as conn:
        n_articles = conn.execute(sa.select(sa.func.count()).select_from(articles_t)).scalar() or 0
        n_dups = conn.execute(sa.select(sa.func.count()).select_from(articles_t)
                              .where(articles_t.c.dup_of.is_not(None))).scalar() or 0
    summary = (f"{n_articles} articles ({n_dups} near-duplicate wire copies), {len(qs)} key quantities "
               "with more than one reported figure.")
    md += [summary, ""]
    hp.append(f"<p>{html.escape(summary)}</p>")
    for q in qs:
        latest: dict[str, FigureView] = {}
        counts: dict[str, int] = {}
        for f in q.figures:
            latest[f.source or "(article)"] = f
            counts[f.source or "(article)"] = counts.get(f.source or "(article)", 0) + 1
        if q.estimate is not None:
            latest = {f.source or "(article)": f for f in reversed(q.estimate.latest)}
        if len(latest) > MAX_SOURCES:
            keep = sorted(counts, key=lambda k: -counts.get(k, 0))[:MAX_SOURCES]
            latest = {k: latest[k] for k in keep if k in latest}
        story = f"{q.story_label} · " if q.story_label else ""
        status = (f"{story}{q.n_figures} figures from {q.n_sources} sources in {q.n_outlets} outlets; "
                  f"{q.n_disputes} same-day disputes, {q.n_revisions} revisions, "
                  f"{q.n_across_days + q.n_undated} disagreements across days or undated")
        md += [f"## {md_text(q.label)}", "", md_text(status), ""]
        hp.append(f"<section><h2>{html.escape(q.label)}</h2><p>{html.escape(status)}</p>")
        if q.estimate is not None:
            est = estimate_lines(q.estimate)
            md += ["Reconciled estimate:", "", *[f"- {line}" for line in estimate_lines(q.estimate, md_text)], "",
                   f"_Rule: {md_text(q.estimate.rule)}_", ""]
            hp.append("<p>Reconciled estimate:</p><ul class='estimate'>"
                      + "".join(f"<li>{html.escape(line)}</li>" for line in est)
                      + f"</ul><p><small>Rule: {html.escape(q.estimate.rule)}</small></p>")
        md += ["Latest figure from each source:", ""]
        if q.n_conflicts:
            from . import charts  # matplotlib is loaded only when a brief is written

            data = charts.chart_data(q)
            if data.marks:
                hp.append(charts.svg_file(data, declaration=False, fluid=True))
        hp.append("<p>Latest figure from each source:</p><ul>")
        for src, f in sorted(latest.items(), key=lambda x: (x[1].event_date or "", x[0])):
            md.append(f"- {_claim_md(f)}")
            hp.append(f"<li><b>{html.escape(f.display)}</b> {html.escape(f.counted or '')} "
                      f"({html.escape(f.event_date or 'undated')}), {html.escape(src)} — "
                      f"<small>{html.escape(citation_text(f.citation))}</small>"
                      f"<blockquote>{html.escape(f.citation.quote.strip())}</blockquote></li>")
        hp.append("</ul>")
        md += ["", "All reports:", ""]
        hp.append("<details><summary>All reports</summary><ul>")
        shown = q.figures[-MAX_REPORTS:]
        if len(q.figures) > len(shown):
            md.append(f"(the latest {len(shown)} of {len(q.figures)} reports)")
            hp.append(f"<li class='muted'>the latest {len(shown)} of {len(q.figures)} reports</li>")
        for f in shown:
            md.append(f"- {_claim_md(f)}")
            hp.append(f"<li><b>{html.escape(f.display)}</b> ({html.escape(f.event_date or 'undated')}), "
                      f"{html.escape(f.source or 'the article itself')} — "
                      f"<small>{html.escape(citation_text(f.citation))}"
                      + (" (wire copy)" if f.citation.duplicate_of else "")
                      + f"</small><blockquote>{html.escape(f.citation.quote.strip())}</blockquote></li>")
        hp.append("</ul></details>")
        groups, _more = disagreements(store, quantity_id=q.id, kind="dispute", limit=8, pairs_per_group=1)
        if groups:
            md += ["", "Who disputes whom (same day):", ""]
            hp.append("<p>Who disputes whom (same day):</p><ul>")
            for g in groups:
                c = g.pairs[0]
                line = f"{_said(c.a)} vs {_said(c.b)}"
                more = f" (and {g.n_pairs - 1} more such pairs)" if g.n_pairs > 1 else ""
                line += more
                md.append(f"- {_said(c.a, md_text)} vs {_said(c.b, md_text)}{more}")
                hp.append(f"<li class='dispute'>{html.escape(line)}</li>")
            hp.append("</ul>")
        md.append("")
        hp.append("</section>")
    hp.append("</body></html>")
    return Briefing("\n".join(md), "\n".join(hp))


def _said(f: FigureView, esc: Callable[[str], str] = _ident) -> str:
    """A figure as reported, hedge words included, with its day and where to find it; ``esc``
    escapes the article's words for the output format."""
    return (f"{esc(f.source or 'the article')} says “{esc(f.text)}” ({esc(f.event_date or 'undated')}; "
            f"{esc(citation_text(f.citation))}, article {esc(f.citation.article_id)}, figure #{f.id})")


def estimate_lines(e: EstimateView, esc: Callable[[str], str] = _ident) -> list[str]:
    """The reconciled estimate in words, each part with its provenance."""
    lines = []
    if e.day and e.low is not None and e.high is not None:
        span = (esc(e.low.display) if e.low.id == e.high.id
                else f"{esc(e.low.display)} to {esc(e.high.display)}")
        lines.append(f"On {esc(e.day)}, the latest day with any figure: {span} "
                     f"({_said(e.low, esc)}" + ("" if e.low.id == e.high.id else f"; {_said(e.high, esc)}") + ")")
    if e.conservative is not None:
        lines.append(f"Most conservative: {esc(e.conservative.display)} ({_said(e.conservative, esc)})")
    if e.highest is not None:
        lines.append(f"Highest: {esc(e.highest.display)} ({_said(e.highest, esc)})")
    return lines


# ---------------------------------------------------------------- export

EXPORT_COLUMNS = ["id", "article_id", "outlet", "published", "published_basis", "start", "end", "text", "value",
                  "value_high", "qualifier", "unit", "counted", "category", "source", "source_id", "source_kind",
                  "event_date", "quantity_id", "quote"]


def figure_rows(store: Store) -> list[dict[str, Any]]:
    figs = _figure_views(store, sa.true())
    return [{"id": f.id, "article_id": f.citation.article_id, "outlet": f.citation.outlet,
             "published": f.citation.published, "published_basis": f.citation.published_basis, "start": f.start,
             "end": f.end, "text": f.text, "value": f.value,
             "value_high": f.value_high, "qualifier": f.qualifier, "unit": f.unit, "counted": f.counted,
             "category": f.category, "source": f.source, "source_id": f.source_id, "source_kind": f.source_kind,
             "event_date": f.event_date, "quantity_id": f.quantity_id, "quote": f.citation.quote}
            for f in figs]


def spec_records(store: Store) -> Iterable[dict[str, Any]]:
    """Exactly the spec's records (figures with their cross-article quantity ids, statements),
    with the source as the extractor named it in the article, so the scorer can judge the store."""
    with store.engine.connect() as conn:
        for r in conn.execute(sa.select(statements_t).order_by(statements_t.c.article_id, statements_t.c.start)
                              ).mappings():
            yield {"kind": "statement", "doc": r["article_id"], "field": "text", "start": r["start"], "end": r["end"],
                   "text": r["text"], "speaker": r["speaker"], "direct": bool(r["direct"]), "cue": r["cue"]}
        for r in conn.execute(sa.select(figures_t).order_by(figures_t.c.article_id, figures_t.c.start)).mappings():
            value: float | int = int(r["value"]) if float(r["value"]).is_integer() else r["value"]
            high = r["value_high"]
            if high is not None and float(high).is_integer():
                high = int(high)
            yield {"kind": "figure", "doc": r["article_id"], "field": "text", "start": r["start"], "end": r["end"],
                   "text": r["text"], "value": value, "value_high": high, "qualifier": r["qualifier"],
                   "unit": r["unit"], "counted": r["counted"], "category": r["category"], "source": r["source"],
                   "event_date": r["event_date"], "quantity": r["quantity_id"]}


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(row: dict[str, Any]) -> dict[str, Any]:
    """A row whose text cells cannot run as spreadsheet formulas: a cell starting with = + - @,
    tab or CR gets a leading single quote (OWASP's advice against CSV injection); numbers stay."""
    return {k: ("'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v) for k, v in row.items()}


def export(store: Store, fmt: str, out: TextIO | Path | None = None, *, raw_csv: bool = False) -> int:
    """Write the ledger as csv (figures with quotes), jsonl (spec records) or parquet (figures).
    CSV text cells that a spreadsheet would run as a formula are neutralised unless ``raw_csv``.
    Returns the number of rows written."""
    if fmt == "jsonl":
        n = 0
        handle = out if isinstance(out, io.TextIOBase) or hasattr(out, "write") else None
        path_out = out if isinstance(out, Path) else None
        fh: Any = path_out.open("w", encoding="utf-8") if path_out else handle
        try:
            for rec in spec_records(store):
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                n += 1
        finally:
            if path_out:
                fh.close()
        return n
    rows = figure_rows(store)
    if fmt == "csv":
        path_out = out if isinstance(out, Path) else None
        fh = path_out.open("w", encoding="utf-8", newline="") if path_out else out
        try:
            w = csv.DictWriter(fh, fieldnames=EXPORT_COLUMNS)
            w.writeheader()
            w.writerows(rows if raw_csv else (csv_safe(r) for r in rows))
        finally:
            if path_out:
                fh.close()
        return len(rows)
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not isinstance(out, Path):
            raise ValueError("parquet export needs an output file (-o)")
        table = pa.Table.from_pylist(rows, schema=pa.schema([
            ("id", pa.int64()), ("article_id", pa.string()), ("outlet", pa.string()), ("published", pa.string()),
            ("published_basis", pa.string()),
            ("start", pa.int64()), ("end", pa.int64()), ("text", pa.string()), ("value", pa.float64()),
            ("value_high", pa.float64()), ("qualifier", pa.string()), ("unit", pa.string()),
            ("counted", pa.string()), ("category", pa.string()), ("source", pa.string()),
            ("source_id", pa.string()), ("source_kind", pa.string()), ("event_date", pa.string()),
            ("quantity_id", pa.string()), ("quote", pa.string())]))
        pq.write_table(table, out)
        return len(rows)
    raise ValueError(f"unknown export format {fmt!r} (csv, jsonl, parquet)")


def as_dict(obj: Any) -> Any:
    """JSON-ready form of any view (for --format json and the web app)."""
    if isinstance(obj, list):
        return [as_dict(o) for o in obj]
    return asdict(obj)
