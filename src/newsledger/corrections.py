"""An analyst's corrections, kept apart from what the pipeline computes and applied after every
automatic linking step, so re-running ``analyze`` keeps them and undoing one brings back the
automatic result.

A correction is a row of the ``corrections`` table: kind, target, arguments (JSON), who, when
(UTC) and why; undoing it marks it undone (the history stays). Targets are keys that survive
re-analysis, because autoincrement ids do not (a replaced or re-dated article gets new figure
rows): a figure is ``figure:ARTICLE@START-END`` (its character offsets, with its words kept to
check the article still says them there); a story is ``story:ARTICLE``, the article its id was
derived from at the time (``stories.story_id``), so it is found again when an earlier article
joins the story and its id changes; a source is its id with its names, found again by name when
the id no longer names it (source ids are numbered in order of first sight, not derived from
content). A correction whose target is gone is kept and reported "not applied", never an error.

Kinds: ``merge-sources`` (one source becomes an alias of another), ``split-source`` (an alias,
or one figure's source, becomes a separate source), ``move-figure`` (to another quantity),
``not-a-figure``, ``category``, ``date`` (a figure's event date), ``rename-story``,
``merge-stories``. Figure fields are changed in place and the automatic value is kept in
``figures.auto``; the figure's article is then relinked, so its quantity follows the fixed
category or day. Story merges and renames are applied inside ``Store.update_stories``; figure
and source fixes before the story-level quantity pass of ``Store.refresh_dirty``, figure moves
after it; the quantities they touch are recomputed there, so pages and exports agree.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .records import CATEGORIES
from .sources import _key, looks_like_person, source_kind
from .store import (
    Store,
    articles_t,
    corrections_t,
    figures_t,
    quantities_t,
    sources_t,
    statements_t,
    stories_t,
)
from .stories import story_id as founding_story_id

KINDS = ("merge-sources", "split-source", "move-figure", "not-a-figure", "category", "date", "rename-story",
         "merge-stories")
FIELDS = {"category": "category", "date": "event_date"}  # figure fields a correction sets
MOVES = ("move-figure", "not-a-figure")  # a figure's quantity (one of these per figure counts)
STORY_KINDS = ("rename-story", "merge-stories")
MAX_LABEL = 200
MAX_WHY = 2000


class CorrectionError(ValueError):
    """A correction that cannot be made as asked (unknown figure, bad category, …): nothing stored."""


@dataclass(frozen=True)
class Correction:
    id: int
    kind: str
    target: str
    args: dict[str, Any]
    who: str
    made_at: str
    why: str
    undone_at: str | None = None
    undone_by: str | None = None
    status: str | None = None  # "applied", "not applied: <reason>", "superseded by #N"
    state: dict[str, Any] = field(default_factory=dict)  # what the last application resolved (ids)

    @property
    def active(self) -> bool:
        return self.undone_at is None

    @property
    def applied(self) -> bool:
        return self.active and self.status == "applied"

    @property
    def what(self) -> str:
        """The correction in words: "category set to injured", "moved to people injured"."""
        a = self.args
        return {
            "category": lambda: f"category set to {a.get('value')} (was {a.get('was')})",
            "date": lambda: f"event date set to {a.get('value')} (was {a.get('was') or 'unknown'})",
            "not-a-figure": lambda: f"“{a.get('text')}” marked not a figure",
            "move-figure": lambda: f"“{a.get('text')}” moved to {a.get('label') or a.get('quantity')}",
            "merge-sources": lambda: f"{a['source']['name']} merged into {a['into']['name']}",
            "split-source": lambda: f"{a.get('name')} split off as a separate source",
            "rename-story": lambda: f"story renamed “{a.get('label')}” (was “{a.get('was')}”)",
            "merge-stories": lambda: f"story “{a.get('was')}” merged into “{a.get('into_label')}”",
        }[self.kind]()

    @property
    def note(self) -> str:
        """"corrected by WHO on DAY: WHY", as pages show it next to what was corrected."""
        return f"corrected by {self.who} on {self.made_at[:10]}" + (f": {self.why}" if self.why else "")

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "target": self.target, "args": self.args, "who": self.who,
                "made_at": self.made_at, "why": self.why, "undone_at": self.undone_at, "undone_by": self.undone_by,
                "status": self.status, "state": self.state, "what": self.what, "note": self.note, "href": self.href}

    @property
    def href(self) -> str | None:
        """The page of what it corrected, as last applied (the article at the figure, the source)."""
        parts = parse_figure_key(self.target) if self.target.startswith("figure:") else None
        if parts is not None:
            return f"/articles/{quote(parts[0], safe='')}" + (f"#fig-{self.state['figure']}"
                                                              if self.state.get("figure") else "")
        sid = self.state.get("into") if self.kind == "merge-sources" else self.state.get("new")
        if self.kind in ("merge-sources", "split-source") and sid:
            return f"/sources/{quote(sid, safe='')}"
        if self.kind in STORY_KINDS:
            return f"/articles/{quote(self.target.removeprefix('story:'), safe='')}"
        return None


def default_user() -> str:
    """Who makes a correction when not told: the OS user."""
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment (a container without one)
        return "unknown"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _row(r: Any) -> Correction:
    return Correction(r["id"], r["kind"], r["target"], json.loads(r["args"]), r["who"], r["made_at"], r["why"],
                      r["undone_at"], r["undone_by"], r["status"], json.loads(r["state"] or "{}"))


def _active(conn: Connection, kinds: Iterable[str] | None = None) -> list[Correction]:
    q = sa.select(corrections_t).where(corrections_t.c.undone_at.is_(None)).order_by(corrections_t.c.id)
    if kinds is not None:
        q = q.where(corrections_t.c.kind.in_(list(kinds)))
    return [_row(r) for r in conn.execute(q).mappings()]


def list_corrections(store: Store, *, active_only: bool = False) -> list[Correction]:
    """Every correction, newest first (undone ones too, unless ``active_only``)."""
    q = sa.select(corrections_t).order_by(corrections_t.c.id.desc())
    if active_only:
        q = q.where(corrections_t.c.undone_at.is_(None))
    with store.engine.connect() as conn:
        return [_row(r) for r in conn.execute(q).mappings()]


def get(store: Store, cid: int) -> Correction | None:
    with store.engine.connect() as conn:
        r = conn.execute(sa.select(corrections_t).where(corrections_t.c.id == cid)).mappings().first()
    return None if r is None else _row(r)


# ---------------------------------------------------------------- keys


def figure_key(article_id: str, start: int, end: int) -> str:
    return f"figure:{article_id}@{start}-{end}"


_KEY = re.compile(r"^(?:figure:)?(.+)@(\d+)-(\d+)$", re.S)


def parse_figure_key(key: str) -> tuple[str, int, int] | None:
    m = _KEY.match(key)
    return (m.group(1), int(m.group(2)), int(m.group(3))) if m else None


def _figure_at(conn: Connection, key: str, text: str | None) -> Any:
    """The figure a key names now, or the reason it is not there (a string)."""
    parts = parse_figure_key(key)
    if parts is None:
        return f"bad figure key {key!r}"
    aid, start, end = parts
    row = conn.execute(sa.select(figures_t, articles_t.c.story_id).join(
        articles_t, articles_t.c.id == figures_t.c.article_id).where(
        figures_t.c.article_id == aid, figures_t.c.start == start, figures_t.c.end == end)
        .order_by(figures_t.c.id).limit(1)).mappings().first()
    if row is None:
        known = conn.execute(sa.select(articles_t.c.id).where(articles_t.c.id == aid)).first()
        return (f"article {aid!r} has no figure at {start}-{end} any more" if known
                else f"article {aid!r} is no longer stored")
    if text is not None and row["text"] != text:
        return f"article {aid!r} now says “{row['text']}” at {start}-{end}, not “{text}”"
    return row


def resolve_figure(conn: Connection, ref: str | int) -> Any:
    """A figure by the id shown in the UI (a number) or by its key ``ARTICLE@START-END``."""
    text = str(ref).strip()
    if text.isdigit():
        row = conn.execute(sa.select(figures_t, articles_t.c.story_id).join(
            articles_t, articles_t.c.id == figures_t.c.article_id).where(figures_t.c.id == int(text))
        ).mappings().first()
        if row is None:
            raise CorrectionError(f"no figure #{text}")
        return row
    row = _figure_at(conn, text, None)
    if isinstance(row, str):
        raise CorrectionError(row)
    return row


def _source_ident(row: Any) -> dict[str, Any]:
    names = sorted({row["name"], *json.loads(row["aliases"] or "[]")})
    return {"id": row["id"], "name": row["name"], "names": names, "story": row["story_id"]}


def _names(row: Any) -> set[str]:
    return {_key(n) for n in [row["name"], *json.loads(row["aliases"] or "[]")]}


def _find_source(conn: Connection, ident: dict[str, Any], exclude: str | None = None) -> Any:
    """The source an identity names now: its id while that still carries one of its names, else
    a source of the same scope with its name (source ids are not content-derived)."""
    wanted = {_key(n) for n in ident["names"]}
    row = conn.execute(sa.select(sources_t).where(sources_t.c.id == ident["id"])).mappings().first()
    if row is not None and _names(row) & wanted and row["id"] != exclude:
        return row
    scope = sources_t.c.story_id.is_(None) if ident.get("story") is None else sources_t.c.story_id == ident["story"]
    for r in conn.execute(sa.select(sources_t).where(scope).order_by(sources_t.c.id)).mappings():
        if r["id"] != exclude and _key(ident["name"]) in _names(r):
            return r
    return None


def _story_anchor(conn: Connection, sid: str) -> tuple[str, str]:
    """The article a story's id was derived from (else its first), and the story's label."""
    label = conn.execute(sa.select(stories_t.c.label).where(stories_t.c.id == sid)).scalar()
    ids = list(conn.execute(sa.select(articles_t.c.id).where(articles_t.c.story_id == sid)
                            .order_by(articles_t.c.seq, articles_t.c.id)).scalars())
    if label is None or not ids:
        raise CorrectionError(f"no story {sid!r}")
    return next((a for a in ids if founding_story_id(a) == sid), ids[0]), label


def _split_id(target: str, name: str) -> str:
    """A split-off source's id, derived from what it was split from (stable across reruns)."""
    return "src-x" + hashlib.sha1(f"{target}\x1f{_key(name)}".encode()).hexdigest()[:10]


# ---------------------------------------------------------------- making and undoing


def _prepare(conn: Connection, kind: str, target: str, value: str | None) -> tuple[str, dict[str, Any]]:
    """The stable key and arguments of a correction, checked against the store as it is now."""
    if kind in FIELDS or kind in MOVES:
        f = resolve_figure(conn, target)
        key = figure_key(f["article_id"], f["start"], f["end"])
        args: dict[str, Any] = {"text": f["text"]}
        if kind == "category":
            if value not in CATEGORIES:
                raise CorrectionError(f"unknown category {value!r}: one of {', '.join(CATEGORIES)}")
            args.update(value=value, was=f["category"])
        elif kind == "date":
            try:
                day = dt.date.fromisoformat(str(value or "")).isoformat()
            except ValueError:
                raise CorrectionError(f"the date must be YYYY-MM-DD, not {value!r}") from None
            args.update(value=day, was=f["event_date"])
        elif kind == "move-figure":
            q = conn.execute(sa.select(quantities_t.c.id, quantities_t.c.label, quantities_t.c.story_id)
                             .where(quantities_t.c.id == str(value or "").strip())).first()
            if q is None:
                raise CorrectionError(f"no quantity {value!r}")
            if q.story_id != f["story_id"]:
                raise CorrectionError(f"quantity {q.id} belongs to another story than figure #{f['id']}")
            if q.id == f["quantity_id"]:
                raise CorrectionError(f"figure #{f['id']} is already in quantity {q.id}")
            other = conn.execute(sa.select(figures_t.c.article_id, figures_t.c.start, figures_t.c.end)
                                 .where(figures_t.c.quantity_id == q.id).order_by(figures_t.c.id).limit(1)).first()
            args.update(quantity=q.id, label=q.label, was=f["quantity_id"],
                        anchor=figure_key(*other) if other else None)
        return key, args
    if kind == "split-source" and (parse_figure_key(target) or target.isdigit()):
        f = resolve_figure(conn, target)
        name = (value or f["source"] or "").strip()
        if not name:
            raise CorrectionError(f"figure #{f['id']} names no source: give the name of the separate source")
        return figure_key(f["article_id"], f["start"], f["end"]), {"text": f["text"], "name": name,
                                                                    "was": f["source_id"]}
    if kind in ("merge-sources", "split-source"):
        row = conn.execute(sa.select(sources_t).where(sources_t.c.id == target)).mappings().first()
        if row is None:
            raise CorrectionError(f"no source {target!r}")
        if kind == "split-source":
            name = (value or "").strip()
            used = {_key(n): n for n in json.loads(row["aliases"] or "[]")}
            for tab, col in ((figures_t, figures_t.c.source), (statements_t, statements_t.c.speaker)):
                for n in conn.execute(sa.select(col).distinct().where(tab.c.source_id == row["id"])).scalars():
                    if n:
                        used.setdefault(_key(n), n)
            if _key(name) not in used:
                raise CorrectionError(f"{row['name']} ({row['id']}) is never named {name!r}; its names: "
                                      + "; ".join(sorted(used.values())))
            return f"source:{row['id']}", {"source": _source_ident(row), "name": used[_key(name)]}
        into = conn.execute(sa.select(sources_t).where(sources_t.c.id == str(value or ""))).mappings().first()
        if into is None:
            raise CorrectionError(f"no source {value!r}")
        if into["id"] == row["id"]:
            raise CorrectionError("a source cannot be merged into itself")
        return f"source:{row['id']}", {"source": _source_ident(row), "into": _source_ident(into)}
    if kind in STORY_KINDS:
        anchor, label = _story_anchor(conn, target)
        if kind == "rename-story":
            new = " ".join(str(value or "").split())
            if not new or len(new) > MAX_LABEL:
                raise CorrectionError(f"a story label has 1 to {MAX_LABEL} characters")
            return f"story:{anchor}", {"story": target, "label": new, "was": label}
        other_anchor, other_label = _story_anchor(conn, str(value or ""))
        if other_anchor == anchor:
            raise CorrectionError("a story cannot be merged into itself")
        return f"story:{anchor}", {"story": target, "was": label, "into": other_anchor, "into_story": value,
                                   "into_label": other_label}
    raise CorrectionError(f"unknown kind {kind!r}: one of {', '.join(KINDS)}")


def correct(store: Store, kind: str, target: str, value: str | None = None, *, who: str | None = None,
            why: str = "") -> Correction:
    """Record a correction and apply it now (under the store's writer lock, like ``analyze``).

    ``target`` is a figure (the id the UI shows, or ``ARTICLE@START-END``), a source id or a story
    id; ``value`` what it becomes: a category, a day, a quantity id, the source or story it merges
    into, the new label, the alias or name that splits off."""
    why = (why or "").strip()
    if len(why) > MAX_WHY:
        raise CorrectionError(f"the reason has {len(why):,} characters, over the limit of {MAX_WHY:,}")
    who = (who or "").strip()[:200] or default_user()
    with store.writer_lock():
        with store.begin() as conn:
            key, args = _prepare(conn, kind, str(target), value)
            inserted = conn.execute(corrections_t.insert().values(
                kind=kind, target=key, args=json.dumps(args, ensure_ascii=False, sort_keys=True), who=who,
                made_at=_now(), why=why)).inserted_primary_key
            assert inserted is not None
            cid = inserted[0]
        _reconcile(store, kind)
    found = get(store, int(cid))
    assert found is not None
    return found


def undo(store: Store, cid: int, *, who: str | None = None) -> Correction:
    """Undo a correction: it stays in the table, marked undone, and what it changed goes back to
    the automatic result (with the other corrections still applied)."""
    who = (who or "").strip()[:200] or default_user()
    with store.writer_lock():
        with store.begin() as conn:
            r = conn.execute(sa.select(corrections_t).where(corrections_t.c.id == cid)).mappings().first()
            if r is None:
                raise CorrectionError(f"no correction #{cid}")
            c = _row(r)
            if not c.active:
                raise CorrectionError(f"correction #{cid} was undone on {c.undone_at} by {c.undone_by}")
            conn.execute(corrections_t.update().where(corrections_t.c.id == cid).values(
                undone_at=_now(), undone_by=who))
            relink: set[str] = set()
            _revert(store, conn, c, relink)
            _relink(store, conn, relink)
        _reconcile(store, c.kind)
    found = get(store, cid)
    assert found is not None
    return found


def _reconcile(store: Store, kind: str) -> None:
    """Bring the ledger up to date after a correction changed: what analyze does after linking."""
    if kind in STORY_KINDS:
        store.update_stories()
    store.refresh_dirty()


def _others(conn: Connection, c: Correction, kinds: Iterable[str]) -> bool:
    """Whether another active correction of these kinds still holds the same target."""
    return conn.execute(sa.select(corrections_t.c.id).where(
        corrections_t.c.undone_at.is_(None), corrections_t.c.target == c.target, corrections_t.c.id != c.id,
        corrections_t.c.kind.in_(list(kinds))).limit(1)).first() is not None


def _revert(store: Store, conn: Connection, c: Correction, relink: set[str]) -> None:
    if c.kind in FIELDS or c.kind in MOVES:
        fields = [FIELDS[c.kind]] if c.kind in FIELDS else ["quantity_id"]
        if _others(conn, c, [c.kind] if c.kind in FIELDS else MOVES):
            return  # the field stays corrected by the other one
        row = _figure_at(conn, c.target, c.args.get("text"))
        if isinstance(row, str):
            return
        auto = json.loads(row["auto"] or "{}")
        values: dict[str, Any] = {}
        for name in fields:
            if name in auto:
                old = auto.pop(name)
                if name != "quantity_id":  # the quantity is worked out again by relinking
                    values[name] = old
            if name == "event_date" and "date_basis" in auto:
                values["date_basis"] = auto.pop("date_basis")
        values["auto"] = json.dumps(auto, sort_keys=True) if auto else None
        conn.execute(figures_t.update().where(figures_t.c.id == row["id"]).values(**values))
        relink.add(row["article_id"])
    elif c.kind == "merge-sources" and c.state.get("into") and c.state.get("source"):
        a, b = c.state["into"], c.state["source"]
        brow = conn.execute(sa.select(sources_t).where(sources_t.c.id == b)).mappings().first()
        arow = conn.execute(sa.select(sources_t).where(sources_t.c.id == a)).mappings().first()
        if brow is None or arow is None:
            return
        # the records of the merged source's own names go back to it (the automatic resolution)
        names = {_key(n) for n in c.args["source"]["names"]} - {_key(n) for n in c.args["into"]["names"]}
        story = brow["story_id"]
        _reassign(store, conn, a, b, lambda name: _key(name or "") in names, story)
    elif c.kind == "split-source" and c.state.get("new"):
        new, orig = c.state["new"], c.state.get("source")
        if orig:
            _reassign(store, conn, new, orig, lambda name: True, None)
        else:  # one figure's source: relink its article for the automatic one
            ids = list(conn.execute(sa.select(figures_t.c.article_id).where(figures_t.c.source_id == new)).scalars())
            conn.execute(figures_t.update().where(figures_t.c.source_id == new).values(source_id=None))
            relink.update(ids)
        used = [conn.execute(sa.select(t.c.id).where(t.c.source_id == new).limit(1)).first()
                for t in (figures_t, statements_t)]
        if not any(used) and not _others_use(conn, c, new):
            conn.execute(sources_t.delete().where(sources_t.c.id == new))


def _others_use(conn: Connection, c: Correction, sid: str) -> bool:
    return any(o.state.get("new") == sid for o in _active(conn, ["split-source"]) if o.id != c.id)


def _reassign(store: Store, conn: Connection, frm: str, to: str, which: Any, story: str | None) -> int:
    """Point the records of source ``frm`` whose name ``which`` accepts at source ``to`` (only in
    articles of ``story`` when given); the quantities of moved figures are marked dirty."""
    n = 0
    for tab, col in ((figures_t, figures_t.c.source), (statements_t, statements_t.c.speaker)):
        q = sa.select(tab.c.id, col).where(tab.c.source_id == frm)
        if story is not None:
            q = q.where(tab.c.article_id.in_(sa.select(articles_t.c.id).where(articles_t.c.story_id == story)))
        ids = [r[0] for r in conn.execute(q) if which(r[1])]
        for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
            if tab is figures_t:
                qids = set(conn.execute(sa.select(figures_t.c.quantity_id).distinct()
                                        .where(figures_t.c.id.in_(chunk))).scalars())
                store._mark_dirty(conn, {q for q in qids if q})
            conn.execute(tab.update().where(tab.c.id.in_(chunk)).values(source_id=to))
        n += len(ids)
    return n


def _relink(store: Store, conn: Connection, article_ids: Iterable[str]) -> None:
    """Link these articles' records again (sources, quantities), as analyze does."""
    ids = sorted(set(article_ids))
    if not ids:
        return
    sources = store._load_sources(conn)
    for aid in ids:
        story = conn.execute(sa.select(articles_t.c.story_id).where(articles_t.c.id == aid)).scalar()
        if story:
            store.link_records(conn, aid, story, sources)


# ---------------------------------------------------------------- applying (after linking)

Result = tuple[str, dict[str, Any]]


def _latest(active: list[Correction], kinds: Iterable[str]) -> tuple[list[Correction], dict[int, Result]]:
    """The corrections that count (the newest per target among ``kinds``); older ones superseded."""
    kinds = set(kinds)
    last: dict[tuple[str, str], int] = {}
    for c in active:
        if c.kind in kinds:
            group = "move" if c.kind in MOVES else c.kind
            last[(group, c.target)] = c.id
    keep: list[Correction] = []
    superseded: dict[int, Result] = {}
    for c in active:
        if c.kind not in kinds:
            continue
        newest = last[("move" if c.kind in MOVES else c.kind, c.target)]
        if newest == c.id:
            keep.append(c)
        else:
            superseded[c.id] = (f"superseded by #{newest}", {})
    return keep, superseded


def _save(conn: Connection, active: list[Correction], results: dict[int, Result]) -> None:
    for c in active:
        if c.id in results:
            status, state = results[c.id]
            if status != c.status or state != c.state:
                conn.execute(corrections_t.update().where(corrections_t.c.id == c.id).values(
                    status=status, state=json.dumps(state, sort_keys=True)))


def apply_records(store: Store) -> None:
    """Figure fields (category, event date), then sources (merges, splits): run before the
    story-level quantity pass, so quantities are worked out from the corrected figures."""
    kinds = (*FIELDS, "merge-sources", "split-source")
    with store.engine.connect() as conn:
        active = _active(conn, kinds)
    if not active:
        return
    with store.begin() as conn:
        fields, results = _latest(active, FIELDS)
        relink: set[str] = set()
        for c in fields:
            results[c.id] = _apply_field(conn, c, relink)
        _relink(store, conn, relink)
        for c in active:
            if c.kind == "merge-sources":
                results[c.id] = _apply_merge(store, conn, c)
            elif c.kind == "split-source":
                results[c.id] = _apply_split(store, conn, c)
        _save(conn, active, results)


def _apply_field(conn: Connection, c: Correction, relink: set[str]) -> Result:
    row = _figure_at(conn, c.target, c.args.get("text"))
    if isinstance(row, str):
        return f"not applied: {row}", {}
    name, want = FIELDS[c.kind], c.args["value"]
    if row[name] != want:
        auto = json.loads(row["auto"] or "{}")
        auto.setdefault(name, row[name])
        values: dict[str, Any] = {name: want}
        if name == "event_date":
            auto.setdefault("date_basis", row["date_basis"])
            values["date_basis"] = "corrected"
        conn.execute(figures_t.update().where(figures_t.c.id == row["id"]).values(
            auto=json.dumps(auto, sort_keys=True), **values))
        relink.add(row["article_id"])
    return "applied", {"figure": row["id"]}


def _apply_merge(store: Store, conn: Connection, c: Correction) -> Result:
    into = _find_source(conn, c.args["into"])
    if into is None:
        return f"not applied: source {c.args['into']['name']} is no longer in the ledger", {}
    other = _find_source(conn, c.args["source"], exclude=into["id"])
    if other is None:
        return "applied", {"into": into["id"]}
    _reassign(store, conn, other["id"], into["id"], lambda name: True, None)
    return "applied", {"source": other["id"], "into": into["id"]}


def _ensure_source(conn: Connection, sid: str, name: str, story: str | None) -> None:
    if conn.execute(sa.select(sources_t.c.id).where(sources_t.c.id == sid)).first() is None:
        conn.execute(sources_t.insert().values(
            id=sid, name=name, kind=source_kind(name), affiliation=None, person=looks_like_person(name),
            aliases=json.dumps([name], ensure_ascii=False), story_id=story))


def _apply_split(store: Store, conn: Connection, c: Correction) -> Result:
    name = c.args["name"]
    new = _split_id(c.target, name)
    if c.target.startswith("source:"):
        src = _find_source(conn, c.args["source"])
        if src is None:
            return f"not applied: source {c.args['source']['name']} is no longer in the ledger", {}
        _ensure_source(conn, new, name, src["story_id"])
        _reassign(store, conn, src["id"], new, lambda n: _key(n or "") == _key(name), None)
        return "applied", {"new": new, "source": src["id"]}
    row = _figure_at(conn, c.target, c.args.get("text"))
    if isinstance(row, str):
        return f"not applied: {row}", {}
    if row["source_id"] != new:
        scope = conn.execute(sa.select(sources_t.c.story_id).where(sources_t.c.id == row["source_id"])).scalar()
        _ensure_source(conn, new, name, scope)
        store._mark_dirty(conn, {row["quantity_id"]} - {None})
        conn.execute(figures_t.update().where(figures_t.c.id == row["id"]).values(source_id=new))
    return "applied", {"new": new, "figure": row["id"]}


def apply_moves(store: Store) -> None:
    """Figures moved to another quantity or marked not a figure: run after the story-level
    quantity pass (which recomputes every figure's automatic quantity)."""
    with store.engine.connect() as conn:
        active = _active(conn, MOVES)
    if not active:
        return
    with store.begin() as conn:
        moves, results = _latest(active, MOVES)
        for c in moves:
            results[c.id] = _apply_move(store, conn, c)
        _save(conn, active, results)


def _apply_move(store: Store, conn: Connection, c: Correction) -> Result:
    row = _figure_at(conn, c.target, c.args.get("text"))
    if isinstance(row, str):
        return f"not applied: {row}", {}
    target = None
    if c.kind == "move-figure":
        qid = c.args["quantity"]
        if conn.execute(sa.select(figures_t.c.id).where(figures_t.c.quantity_id == qid,
                                                        figures_t.c.id != row["id"]).limit(1)).first():
            target = qid
        elif c.args.get("anchor"):
            anchor = _figure_at(conn, c.args["anchor"], None)
            if not isinstance(anchor, str) and anchor["id"] != row["id"]:
                target = anchor["quantity_id"]
        if target is None:
            return f"not applied: quantity {c.args.get('label') or qid} has no figures any more", {}
    current = row["quantity_id"]
    if current != target:
        auto = json.loads(row["auto"] or "{}")
        auto["quantity_id"] = current  # the automatic quantity linking just gave it
        conn.execute(figures_t.update().where(figures_t.c.id == row["id"]).values(
            quantity_id=target, auto=json.dumps(auto, sort_keys=True)))
        store._mark_dirty(conn, {current, target} - {None})
    return "applied", {"figure": row["id"], "quantity": target}


def story_overrides(store: Store, wanted: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Story merges applied to a clustering (article -> story), and the labels of renamed stories:
    called by ``Store.update_stories`` before it moves articles and writes the stories table."""
    with store.engine.connect() as conn:
        active = _active(conn, STORY_KINDS)
    if not active:
        return wanted, {}
    results: dict[int, Result] = {}
    for c in (c for c in active if c.kind == "merge-stories"):
        anchor = c.target.removeprefix("story:")
        s, t = wanted.get(anchor), wanted.get(c.args["into"])
        if s is None or t is None:
            gone = anchor if s is None else c.args["into"]
            results[c.id] = (f"not applied: article {gone!r} is no longer in the ledger", {})
            continue
        if s != t:
            wanted = {aid: (t if v == s else v) for aid, v in wanted.items()}
        results[c.id] = ("applied", {"story": s, "into": t})
    labels: dict[str, str] = {}
    renames, superseded = _latest([c for c in active if c.kind == "rename-story"], ["rename-story"])
    results.update(superseded)
    for c in renames:
        s = wanted.get(c.target.removeprefix("story:"))
        if s is None:
            results[c.id] = (f"not applied: article {c.target[6:]!r} is no longer in the ledger", {})
            continue
        labels[s] = c.args["label"]
        results[c.id] = ("applied", {"story": s})
    with store.begin() as conn:
        _save(conn, active, results)
    return wanted, labels


# ---------------------------------------------------------------- reading


def counted_figures() -> Any:
    """The figures that count: all but those an analyst marked not a figure (those have no
    quantity and keep their automatic one in ``auto``)."""
    return sa.or_(figures_t.c.auto.is_(None), figures_t.c.quantity_id.is_not(None))


def notes(store: Store) -> list[Correction]:
    """The corrections in force (applied, not undone), oldest first: what pages annotate."""
    with store.engine.connect() as conn:
        return [c for c in _active(conn) if c.status == "applied"]


def figure_notes(store: Store, figures: list[dict[str, Any]]) -> None:
    """Add to each figure dict (``_fig`` in web/views.py) the corrections in force on it:
    ``corrections``, a list of {id, kind, what, note}."""
    by_key: dict[str, list[dict[str, Any]]] = {}
    for c in notes(store):
        if c.target.startswith("figure:"):
            by_key.setdefault(c.target, []).append(brief(c))
    for f in figures:
        aid = (f.get("citation") or {}).get("article_id") or f.get("article_id")
        f["corrections"] = by_key.get(figure_key(aid, f["start"], f["end"]), []) if aid else []


def brief(c: Correction) -> dict[str, Any]:
    return {"id": c.id, "kind": c.kind, "what": c.what, "note": c.note}


def source_notes(store: Store, sid: str) -> list[dict[str, Any]]:
    """Corrections in force that merged into, out of or split off this source."""
    return [brief(c) for c in notes(store) if c.kind in ("merge-sources", "split-source")
            and sid in (c.state.get("source"), c.state.get("into"), c.state.get("new"))]


def story_notes(store: Store, sid: str | None) -> list[dict[str, Any]]:
    """Corrections in force that renamed this story or merged another into it."""
    if not sid:
        return []
    return [brief(c) for c in notes(store) if c.kind in STORY_KINDS and sid in (c.state.get("story"),
                                                                                 c.state.get("into"))]


def export_jsonl(store: Store, out: TextIO) -> int:
    """Every correction as one JSON line, oldest first (undone ones too, with who undid them)."""
    rows = list_corrections(store)
    for c in reversed(rows):
        out.write(json.dumps(c.as_dict(), ensure_ascii=False, sort_keys=True) + "\n")
    return len(rows)


__all__ = ["KINDS", "Correction", "CorrectionError", "correct", "counted_figures", "export_jsonl", "figure_key",
           "list_corrections", "undo"]
