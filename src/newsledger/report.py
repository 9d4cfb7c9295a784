"""Views over the store: the ledger, conflicts, the timeline, a cited briefing, exports.

Every view is a function returning plain data (dataclasses), so the CLI, the web app
and Python users render the same thing. Every claim carries its citation: outlet,
publication date, article id and the exact words (the statement that holds the
figure, else its sentence).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import sqlalchemy as sa

from .config import HeadlineConfig
from .pubdate import describe
from .quantities import ESTIMATE_RULE
from .store import Store, articles_t, conflicts_t, figures_t, quantities_t, sources_t, statements_t, stories_t
from .words import normalised, reported

if TYPE_CHECKING:
    from .headlines import HeadlineTable

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

    quantity_label: str | None = None  # the label of its quantity, for pages that list many quantities

    @property
    def display(self) -> str:
        """The figure in the words of its report ("hundreds", "more than 16,500", "about 100")."""
        return reported(self.text, self.value, self.value_high, self.qualifier, self.unit)

    @property
    def value_note(self) -> str:
        """How the ledger reads it ("≥ 16,501", "range 18,000–20,000"), shown as secondary text;
        empty when that says nothing more than ``display``."""
        note = normalised(self.value, self.value_high, self.qualifier, self.unit)
        return "" if note == self.display else note


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
                      sources_t.c.name.label("source_name"), sources_t.c.kind.label("source_kind"),
                      quantities_t.c.label.label("quantity_label"))
            .join(articles_t, articles_t.c.id == figures_t.c.article_id)
            .outerjoin(sources_t, sources_t.c.id == figures_t.c.source_id)
            .outerjoin(quantities_t, quantities_t.c.id == figures_t.c.quantity_id))


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
                              r["source_kind"], r["event_date"], r["quantity_id"], r["start"], r["end"], cit,
                              r["quantity_label"]))
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
    more_in_quantity: int = 0  # groups of this quantity left out by ``per_quantity`` (on its last group)
    story_id: str | None = None


KIND_ORDER = {"dispute": 0, "revision": 1, "across_days": 2, "undated": 3}


def disagreements(store: Store, *, quantity_id: str | None = None, kind: str | None = None,
                  limit: int | None = None, offset: int = 0, pairs_per_group: int = 20,
                  per_quantity: int | None = None) -> tuple[list[DisagreementGroup], bool]:
    """Stored conflict pairs collapsed per (quantity, kind, source pair), newest first; a page of
    groups and whether more follow. Only the page's figures are loaded. With ``per_quantity``, at
    most that many groups per quantity (its newest); the last one kept says how many were left out."""
    fa, fb = figures_t.alias("fa"), figures_t.alias("fb")
    q = (sa.select(conflicts_t.c.id, conflicts_t.c.quantity_id, conflicts_t.c.kind, conflicts_t.c.figure_a,
                   conflicts_t.c.figure_b, quantities_t.c.label, quantities_t.c.n_disputes,
                   fa.c.source_id.label("sa"), fb.c.source_id.label("sb"), fa.c.source.label("na"),
                   fb.c.source.label("nb"), fa.c.event_date.label("da"), fb.c.event_date.label("db"),
                   stories_t.c.label.label("story_label"), quantities_t.c.story_id)
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
    left_out: dict[tuple[str, str, tuple[str, str]], int] = {}
    if per_quantity:
        kept: list[tuple[str, str, tuple[str, str]]] = []
        n_kept: dict[str, int] = {}
        for k in order:
            n_kept[k[0]] = n_kept.get(k[0], 0) + 1
            if n_kept[k[0]] <= per_quantity:
                kept.append(k)
        last = {k[0]: k for k in kept}
        left_out = {last[q]: n - per_quantity for q, n in n_kept.items() if n > per_quantity}
        order = kept
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
                                         first["db"] or first["da"], len(members), views, first["story_label"],
                                         more_in_quantity=left_out.get(k, 0), story_id=first["story_id"]))
    return out, bool(limit) and len(order) > offset + (limit or 0)


@dataclass
class TimelineDay:
    date: str  # the day, or "undated" for the figures whose day is unknown (listed last)
    articles: int
    figures: list[FigureView]


UNDATED = "undated"


def timeline(store: Store, *, quantity_id: str | None = None, undated: bool = True) -> list[TimelineDay]:
    """Figures day by day (the day each figure refers to), with the day's article count; the
    figures with no known day follow under "undated" (counted with the undated articles), so
    none is dropped silently."""
    where: Any = sa.true() if undated else figures_t.c.event_date.is_not(None)
    if quantity_id:
        where = sa.and_(where, figures_t.c.quantity_id == quantity_id)
    figs = _figure_views(store, where)
    with store.engine.connect() as conn:
        per_day = sa.select(_PUBLISHED, sa.func.count()).group_by(_PUBLISHED)
        counts: dict[str | None, int] = {d: int(n) for d, n in conn.execute(per_day).all()}
    days: dict[str, list[FigureView]] = {}
    for f in figs:
        if f.event_date:
            days.setdefault(f.event_date, []).append(f)
    out = [TimelineDay(d, int(counts.get(d, 0)), fs) for d, fs in sorted(days.items())]
    rest = [f for f in figs if not f.event_date]
    if rest:
        out.append(TimelineDay(UNDATED, int(counts.get(None, 0)), rest))
    return out


# ---------------------------------------------------------------- rendering helpers

def citation_text(c: Citation) -> str:
    outlet = c.outlet or c.article_id
    when = describe(c.published, c.published_basis) or "undated"
    return f"{outlet}, {when}"


# ---------------------------------------------------------------- briefing


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


def md_cell(s: str) -> str:
    """Article words as the text of one Markdown table cell (a ``|`` cannot end the cell)."""
    return md_text(s).replace("|", "\\|")


def _ident(s: str) -> str:
    return s


_URL_UNSAFE = re.compile(r"[\x00-\x20<>\"`\\^{|}\x7f]")


def link_url(url: str | None) -> str | None:
    """The URL of an article as a link target, or None: only http(s) leaves the brief
    ("javascript:" and other schemes are not linked), and characters that would end a Markdown
    autolink or an HTML attribute are percent-encoded."""
    u = (url or "").strip()
    if not u.lower().startswith(("http://", "https://")):
        return None
    return _URL_UNSAFE.sub(lambda m: f"%{ord(m.group(0)):02X}", u)


class _Notes:
    """Markdown footnotes, one per cited article, numbered in the order first cited."""

    def __init__(self) -> None:
        self.number: dict[str, int] = {}
        self.lines: list[str] = []

    def cite(self, f: FigureView) -> str:
        """The figure's citation with its footnote mark: "Outlet, 2032-02-10[^3]"."""
        c = f.citation
        n = self.number.get(c.article_id)
        if n is None:
            n = self.number[c.article_id] = len(self.number) + 1
            url = link_url(c.url)
            where = (f"<{url}>" if url else
                     f"URL not linked (not http or https): {md_text(c.url or '')}" if (c.url or "").strip()
                     else "no URL in the ledger")
            title = f" “{md_text(c.title)}”" if c.title else ""
            wire = f", a wire copy of article {md_text(c.duplicate_of)}" if c.duplicate_of else ""
            self.lines.append(f"[^{n}]: {md_text(citation_text(c))}:{title} {where} "
                              f"(article {md_text(c.article_id)}{wire})")
        return f"{md_text(citation_text(c))}[^{n}]"


def _html_cite(f: FigureView) -> str:
    """The figure's citation, a link to the article where it has an http(s) URL."""
    text = html.escape(citation_text(f.citation))
    url = link_url(f.citation.url)
    return f'<a href="{html.escape(url)}" rel="noreferrer noopener">{text}</a>' if url else text


def _said(f: FigureView, esc: Callable[[str], str] = _ident, cite: Callable[[FigureView], str] | None = None) -> str:
    """A figure as reported, hedge words included, with its day and where to find it; ``esc``
    escapes the article's words for the output format, ``cite`` renders the citation (a footnote
    mark, a link)."""
    where = cite(f) if cite is not None else esc(citation_text(f.citation))
    return (f"{esc(f.source or 'the article')} says “{esc(f.text)}” ({esc(f.event_date or 'undated')}; "
            f"{where}, article {esc(f.citation.article_id)}, figure #{f.id})")


def estimate_lines(e: EstimateView, esc: Callable[[str], str] = _ident,
                   cite: Callable[[FigureView], str] | None = None) -> list[str]:
    """The reconciled estimate in words, each part with its provenance."""
    lines = []
    if e.day and e.low is not None and e.high is not None:
        span = (esc(e.low.display) if e.low.id == e.high.id
                else f"{esc(e.low.display)} to {esc(e.high.display)}")
        lines.append(f"On {esc(e.day)}, the latest day with any figure: {span} "
                     f"({_said(e.low, esc, cite)}"
                     + ("" if e.low.id == e.high.id else f"; {_said(e.high, esc, cite)}") + ")")
    if e.conservative is not None:
        lines.append(f"Most conservative: {esc(e.conservative.display)} ({_said(e.conservative, esc, cite)})")
    if e.highest is not None:
        lines.append(f"Highest: {esc(e.highest.display)} ({_said(e.highest, esc, cite)})")
    return lines


# standalone page: no fixed width anywhere; below 640 px each table row becomes a card whose
# cells carry their column name (data-label), so a 390 px phone never scrolls sideways
BRIEF_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:60em;margin:1em auto;padding:0 .8em;line-height:1.45;"
    "overflow-wrap:break-word}"
    "table{border-collapse:collapse;width:100%;margin:.4em 0 .8em}th,td{border-bottom:1px solid #ddd;"
    "padding:.3em .4em;text-align:left;vertical-align:top}th{background:#f4f4f4}.as-of{font-weight:600;"
    "margin:.2em 0 0}blockquote{margin:0;color:#333;border-left:3px solid #ccc;padding-left:.5em}"
    ".dispute{color:#b00}small,.muted{color:#666}.chart{overflow-x:auto;max-width:100%}"
    "svg{max-width:none}"
    "@media (max-width:640px){table.cards thead{display:none}table.cards,table.cards tbody,table.cards tr,"
    "table.cards td{display:block;width:100%}table.cards tr{border:1px solid #ddd;border-radius:.3em;"
    "margin:0 0 .6em;padding:.3em}table.cards td{border:0;padding:.15em .2em}"
    "table.cards td::before{content:attr(data-label);display:block;font-size:.8em;color:#666}}")
LATEST_COLUMNS = ("Day", "Figure", "Source", "Outlet", "Quoted words")


def _chart(store: Store, quantity_id: str) -> str:
    """The quantity's chart (every figure, by source) for the brief's HTML."""
    views = ledger(store, quantity_id=quantity_id)
    if not views:
        return ""
    from . import charts  # matplotlib is loaded only when a brief is written

    data = charts.chart_data(views[0])
    return charts.svg_file(data, declaration=False, fluid=True) if data.marks else ""


def brief(store: Store, *, top: int = 10, title: str = "newsledger briefing",
          generated: dt.datetime | None = None, cfg: HeadlineConfig | None = None) -> Briefing:
    """One section per story (the ``top`` newest), each with its headline counts as on the story
    page: the latest figure of every source, the reconciled estimate and the same-day disputes.
    Every cited figure names its outlet and day and points at its article's URL (a footnote in
    Markdown, a link in HTML); the brief says as of which publication day it was made, and when."""
    from .headlines import story_headlines, story_list

    cfg = cfg or HeadlineConfig()
    cfg = replace(cfg, tables_per_category=cfg.brief_tables_per_category)
    now = (generated or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    with store.engine.connect() as conn:
        n_articles = conn.execute(sa.select(sa.func.count()).select_from(articles_t)).scalar() or 0
        n_dups = conn.execute(sa.select(sa.func.count()).select_from(articles_t)
                              .where(articles_t.c.dup_of.is_not(None))).scalar() or 0
        newest_day = conn.execute(sa.select(sa.func.max(_PUBLISHED))).scalar()
    everything = story_list(store, cfg)
    stories = [s for s in (story_headlines(store, st.id, cfg) for st in everything[:top]) if s is not None]
    as_of = (f"As of {newest_day}, the newest publication day in the ledger; generated "
             f"{now:%Y-%m-%d %H:%M} UTC.") if newest_day else f"Generated {now:%Y-%m-%d %H:%M} UTC."
    dups = f" ({n_dups} near-duplicate wire {'copy' if n_dups == 1 else 'copies'})" if n_dups else ""
    summary = (f"{n_articles} article{'s' * (n_articles != 1)}{dups} about {len(everything)} "
               f"{'story' if len(everything) == 1 else 'stories'}"
               + (f", the newest {len(stories)} below" if len(stories) < len(everything) else "")
               + ". For each count of people, the latest figure of every source, the reconciled estimate "
                 "and who disputes whom on the same day; every figure cites its article.")
    notes = _Notes()
    rule = f"Reconciled estimate: {ESTIMATE_RULE}"
    md: list[str] = [f"# {md_text(title)}", "", md_text(as_of), "", md_text(summary), "", f"_{md_text(rule)}_", ""]
    hp: list[str] = ["<!doctype html><html lang='en'><head><meta charset='utf-8'>",
                     "<meta name='viewport' content='width=device-width, initial-scale=1'>",
                     f"<title>{html.escape(title)}</title><style>{BRIEF_CSS}</style>",
                     f"</head><body><h1>{html.escape(title)}</h1>",
                     f"<p class='as-of'>{html.escape(as_of)}</p><p>{html.escape(summary)}</p>",
                     f"<p><small>{html.escape(rule)}</small></p>"]
    if not stories:
        md += ["No stories in the ledger yet.", ""]
        hp.append("<p>No stories in the ledger yet.</p>")
    for s in stories:
        facts = (f"{s.dates} · {s.n_articles} article{'s' * (s.n_articles != 1)} · {s.n_outlets} "
                 f"outlet{'s' * (s.n_outlets != 1)}")
        md += [f"## {md_text(s.label)}", "", md_text(facts), ""]
        hp.append(f"<section class='story'><h2>{html.escape(s.label)}</h2><p class='muted'>{html.escape(facts)}</p>")
        if not s.groups:
            md += ["No counts of people in this story yet.", ""]
            hp.append("<p>No counts of people in this story yet.</p>")
        for g in s.groups:
            md += [f"### {md_text(g.title)}", ""]
            hp.append(f"<h3>{html.escape(g.title)}</h3>")
            for t in g.tables:
                _brief_table(store, t, md, hp, notes)
            if g.n_more:
                more = f"{g.n_more} more {g.title.lower()} quantities (other places or days) are in the ledger."
                md += [md_text(more), ""]
                hp.append(f"<p class='muted'>{html.escape(more)}</p>")
        hp.append("</section>")
    if notes.lines:
        md += ["---", "", *[line for n in notes.lines for line in (n, "")]]
    hp.append("</body></html>")
    return Briefing("\n".join(md).rstrip("\n") + "\n", "\n".join(hp))


def _brief_table(store: Store, t: HeadlineTable, md: list[str], hp: list[str], notes: _Notes) -> None:
    """One headline table (headlines.HeadlineTable) in both formats."""
    caption = f"Latest figure per source, as of {t.as_of or 'an unknown day'}:"
    md += [f"#### {md_text(t.label)}", "", md_text(caption), "", "| " + " | ".join(LATEST_COLUMNS) + " |",
           "|" + " --- |" * len(LATEST_COLUMNS)]
    hp.append(f"<h4>{html.escape(t.label)}</h4><p class='as-of'>{html.escape(caption)}</p>"
              "<table class='cards latest'><thead><tr>" + "".join(f"<th>{c}</th>" for c in LATEST_COLUMNS)
              + "</tr></thead><tbody>")
    for f in t.rows:
        cells = (f.event_date or "undated", f.display, f.source or "the article itself")
        note_md = f" ({md_cell(f.value_note)})" if f.value_note else ""  # the reading, secondary
        note_html = f" <small>({html.escape(f.value_note)})</small>" if f.value_note else ""
        md.append(f"| {md_cell(cells[0])} | **{md_cell(cells[1])}**{note_md} | {md_cell(cells[2])} | "
                  f"{notes.cite(f).replace('|', chr(92) + '|')} | “{md_cell(f.citation.quote.strip())}” |")
        values = [html.escape(cells[0]), f"<b>{html.escape(cells[1])}</b>{note_html}", html.escape(cells[2]),
                  _html_cite(f), f"<blockquote>{html.escape(f.citation.quote.strip())}</blockquote>"]
        hp.append("<tr>" + "".join(f"<td data-label='{c}'>{v}</td>" for c, v in zip(LATEST_COLUMNS, values,
                                                                                   strict=True)) + "</tr>")
    hp.append("</tbody></table>")
    md.append("")
    if t.n_sources > len(t.rows):
        more = f"The {len(t.rows)} newest of {t.n_sources} sources; the ledger has them all."
        md += [md_text(more), ""]
        hp.append(f"<p class='muted'>{html.escape(more)}</p>")
    if t.estimate is not None and t.n_sources > 1:  # one source's figure is its own estimate
        md += ["Reconciled estimate:", "",
               *[f"- {line}" for line in estimate_lines(t.estimate, md_text, notes.cite)], ""]
        hp.append("<p>Reconciled estimate:</p><ul class='estimate'>"
                  + "".join(f"<li>{line}</li>" for line in estimate_lines(t.estimate, html.escape, _html_cite))
                  + "</ul>")
    if t.disputes:
        md += ["Who disputes whom (same day):", ""]
        hp.append("<p>Who disputes whom (same day):</p><ul>")
        for g in t.disputes:
            c = g.pairs[0]
            more = (f" (and {g.n_pairs - 1} more such pair{'s' * (g.n_pairs > 2)})" if g.n_pairs > 1 else "")
            md.append(f"- {_said(c.a, md_text, notes.cite)} vs {_said(c.b, md_text, notes.cite)}{more}")
            hp.append(f"<li class='dispute'>{_said(c.a, html.escape, _html_cite)} vs "
                      f"{_said(c.b, html.escape, _html_cite)}{html.escape(more)}</li>")
        hp.append("</ul>")
        md.append("")
        chart = _chart(store, t.quantity_id)
        if chart:
            hp.append(f"<div class='chart'>{chart}</div>")


# ---------------------------------------------------------------- export

EXPORT_COLUMNS = ["id", "article_id", "outlet", "published", "published_basis", "start", "end", "text", "value",
                  "value_high", "qualifier", "unit", "counted", "category", "source", "source_id", "source_kind",
                  "event_date", "quantity_id", "quote"]


def figure_rows(store: Store) -> list[dict[str, Any]]:
    from .corrections import counted_figures

    figs = _figure_views(store, counted_figures())  # an analyst's "not a figure" is left out
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
        from .corrections import counted_figures

        for r in conn.execute(sa.select(figures_t).where(counted_figures())
                              .order_by(figures_t.c.article_id, figures_t.c.start)).mappings():
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
    ``corrections`` writes the analyst's corrections as JSONL (corrections.export_jsonl).
    Returns the number of rows written."""
    if fmt in ("jsonl", "corrections"):
        from .corrections import export_jsonl

        n = 0
        handle = out if isinstance(out, io.TextIOBase) or hasattr(out, "write") else None
        path_out = out if isinstance(out, Path) else None
        fh: Any = path_out.open("w", encoding="utf-8") if path_out else handle
        try:
            if fmt == "corrections":
                return export_jsonl(store, fh)
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
    raise ValueError(f"unknown export format {fmt!r} (csv, jsonl, parquet, corrections)")


def as_dict(obj: Any) -> Any:
    """JSON-ready form of any view (for --format json and the web app)."""
    if isinstance(obj, list):
        return [as_dict(o) for o in obj]
    return asdict(obj)
