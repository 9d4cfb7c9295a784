"""The corpus store: SQLite by default, PostgreSQL for a ``postgresql://`` URL, one code path.

Tables a user can query: ``articles`` (with ``story_id``, ``dup_of``), ``stories``, ``sources``,
``statements``, ``figures`` (with ``quantity_id`` and ``source_id``), ``quantities``,
``conflicts``; plus the indexes behind incremental work (``article_bands`` for
near-duplicates, ``articles.story_features`` for stories) and full-text search (SQLite FTS5
table ``articles_fts``; a ``tsvector`` column with a GIN index on PostgreSQL).

Writes are per article and transactional: an article is stored with all its
records or not at all, so a killed run resumes cleanly, and an article whose
content hash is already stored is skipped, so reruns change nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import sys
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from . import dedup
from .config import Config, lock_timeout
from .figures.scope import place_key, resolve_place, story_aliases
from .ingest import Article, ItemError, read_articles
from .labels import quantity_label, story_event
from .pubdate import STORY_BASIS, STORY_ROUNDS, PubDate, dateline_month_day, publication, story_dates
from .quantities import (
    RUNNING,
    conflict_summary,
    counted_class,
    estimate,
    home_places,
    interval,
    quantity_id,
    quantity_key,
    source_places,
    story_place,
)
from .records import Figure, Statement
from .sources import Source, SourceRegistry
from .stories import WINDOW_DAYS, StoryFeatures, StorySummary, cluster, story_id, summarize
from .util import batched
from .workers import Workers

if TYPE_CHECKING:
    from .extract import ArticleResult

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no writer lock file (one writer per store there)
    fcntl = None  # type: ignore[assignment]

IN_FLIGHT = 4096  # articles that may be read but not yet stored (parser batches), remembered by id
metadata = sa.MetaData()

meta_t = sa.Table("meta", metadata, sa.Column("key", sa.String(64), primary_key=True),
                  sa.Column("value", sa.Text, nullable=False))
articles_t = sa.Table(
    "articles", metadata,
    sa.Column("id", sa.String(255), primary_key=True),
    sa.Column("title", sa.Text), sa.Column("outlet", sa.Text), sa.Column("url", sa.Text),
    sa.Column("date", sa.String(10), index=True), sa.Column("text", sa.Text, nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("story_id", sa.String(32), index=True),
    sa.Column("dup_of", sa.String(255), index=True),
    sa.Column("similarity", sa.Float),
    sa.Column("minhash", sa.LargeBinary),
    sa.Column("names", sa.Text),
    sa.Column("ingested_at", sa.String(32)),
    sa.Column("seq", sa.BigInteger, index=True),
    # the effective publication day (``date`` as given, else inferred) and how it was obtained
    sa.Column("pub_date", sa.String(10), index=True), sa.Column("pub_date_basis", sa.String(16)),
    sa.Column("story_features", sa.Text),
    # migration 12: the month and day ("11-09") of a dateline that gives no year, so the year can
    # come from the article's story (``pubdate.story_dates``)
    sa.Column("pub_month_day", sa.String(5)),
    # JSON: what the article says its generic places are (figures/scope.place_aliases)
    sa.Column("place_aliases", sa.Text),
)
bands_t = sa.Table(
    "article_bands", metadata,
    sa.Column("band", sa.Integer, nullable=False), sa.Column("bucket", sa.BigInteger, nullable=False),
    sa.Column("article_id", sa.String(255), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Index("ix_article_bands_bucket", "bucket"),
)
# one row per story, rewritten each time stories are re-clustered
stories_t = sa.Table(
    "stories", metadata,
    sa.Column("id", sa.String(32), primary_key=True), sa.Column("label", sa.Text, nullable=False),
    sa.Column("first_date", sa.String(10)), sa.Column("last_date", sa.String(10)),
    sa.Column("n_articles", sa.Integer, nullable=False), sa.Column("n_outlets", sa.Integer, nullable=False),
)
# superseded by ``articles.story_features`` (migration 5); kept so older stores still match the schema
story_names_t = sa.Table(
    "story_names", metadata,
    sa.Column("name", sa.String(255), nullable=False), sa.Column("story_id", sa.String(32), nullable=False),
    sa.PrimaryKeyConstraint("name", "story_id"),
)
sources_t = sa.Table(
    "sources", metadata,
    sa.Column("id", sa.String(32), primary_key=True), sa.Column("name", sa.Text, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False), sa.Column("affiliation", sa.Text),
    sa.Column("person", sa.Boolean, nullable=False), sa.Column("aliases", sa.Text, nullable=False),
    sa.Column("story_id", sa.String(32), index=True),
)
statements_t = sa.Table(
    "statements", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("article_id", sa.String(255), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("start", sa.Integer, nullable=False), sa.Column("end", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False), sa.Column("speaker", sa.Text),
    sa.Column("speaker_role", sa.Text),
    sa.Column("source_id", sa.String(32), sa.ForeignKey("sources.id"), index=True),
    sa.Column("direct", sa.Boolean, nullable=False), sa.Column("cue", sa.Text),
)
figures_t = sa.Table(
    "figures", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("article_id", sa.String(255), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("start", sa.Integer, nullable=False), sa.Column("end", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False), sa.Column("value", sa.Float, nullable=False),
    sa.Column("value_high", sa.Float), sa.Column("qualifier", sa.String(16), nullable=False),
    sa.Column("unit", sa.String(16)), sa.Column("counted", sa.Text),
    sa.Column("category", sa.String(16), nullable=False, index=True),
    sa.Column("source", sa.Text), sa.Column("source_role", sa.Text),
    sa.Column("source_id", sa.String(32), sa.ForeignKey("sources.id"), index=True),
    sa.Column("event_date", sa.String(10), index=True), sa.Column("date_basis", sa.String(16)),
    sa.Column("place", sa.Text), sa.Column("projection", sa.Boolean, nullable=False),
    sa.Column("subset", sa.String(32)), sa.Column("predicate", sa.String(64)),
    sa.Column("quantity_id", sa.String(32), index=True), sa.Column("event", sa.String(32)),
    # migration 13: JSON of the automatic values a correction overrides (corrections.py); NULL if none
    sa.Column("auto", sa.Text),
)
quantities_t = sa.Table(
    "quantities", metadata,
    sa.Column("id", sa.String(32), primary_key=True), sa.Column("story_id", sa.String(32), index=True),
    sa.Column("label", sa.Text, nullable=False), sa.Column("category", sa.String(16), nullable=False),
    sa.Column("counted_class", sa.Text), sa.Column("unit", sa.String(16)),
    sa.Column("running_total", sa.Boolean, nullable=False),
    sa.Column("n_figures", sa.Integer, nullable=False), sa.Column("n_sources", sa.Integer, nullable=False),
    sa.Column("n_articles", sa.Integer, nullable=False), sa.Column("n_outlets", sa.Integer, nullable=False),
    sa.Column("min_value", sa.Float), sa.Column("max_value", sa.Float),
    sa.Column("first_date", sa.String(10)), sa.Column("last_date", sa.String(10)),
    sa.Column("n_conflicts", sa.Integer, nullable=False, index=True),
    sa.Column("n_disputes", sa.Integer, nullable=False), sa.Column("n_revisions", sa.Integer, nullable=False),
    # migration 8: disagreements that are neither revision nor same-day dispute, and the reconciled
    # estimate (JSON: figure ids of each source's latest figure, the latest day's range, the bounds)
    sa.Column("n_across_days", sa.Integer, nullable=False, server_default="0"),
    sa.Column("n_undated", sa.Integer, nullable=False, server_default="0"),
    sa.Column("estimate", sa.Text),
)
conflicts_t = sa.Table(
    "conflicts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("quantity_id", sa.String(32), sa.ForeignKey("quantities.id", ondelete="CASCADE"), index=True,
              nullable=False),
    sa.Column("figure_a", sa.Integer, sa.ForeignKey("figures.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("figure_b", sa.Integer, sa.ForeignKey("figures.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("kind", sa.String(16), nullable=False),
)

# migration 13: an analyst's corrections, applied after every automatic linking (corrections.py);
# an undone correction stays, marked undone. ``target`` is a key that survives re-analysis.
corrections_t = sa.Table(
    "corrections", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(32), nullable=False), sa.Column("target", sa.Text, nullable=False),
    sa.Column("args", sa.Text, nullable=False), sa.Column("who", sa.Text, nullable=False),
    sa.Column("made_at", sa.String(32), nullable=False), sa.Column("why", sa.Text, nullable=False),
    sa.Column("undone_at", sa.String(32)), sa.Column("undone_by", sa.Text),
    sa.Column("status", sa.Text), sa.Column("state", sa.Text),
)

# quantities whose figures changed and whose summary and conflicts must be recomputed; written in
# the same transaction as the article, so a killed run leaves nothing stale behind
dirty_t = sa.Table("dirty_quantities", metadata, sa.Column("id", sa.String(32), primary_key=True))


def _migration_1(conn: Connection) -> None:
    metadata.create_all(conn)
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5("
                             "article_id UNINDEXED, title, text, tokenize='porter unicode61')")
    else:
        conn.exec_driver_sql(
            "ALTER TABLE articles ADD COLUMN IF NOT EXISTS tsv tsvector GENERATED ALWAYS AS "
            "(to_tsvector('english', coalesce(title, '') || ' ' || text)) STORED")
        conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_articles_tsv ON articles USING gin(tsv)")


LEDGER_VIEW = """
CREATE VIEW ledger AS
SELECT f.id AS figure_id, q.label AS quantity, f.quantity_id, f.event_date, f.text AS figure, f.value,
       f.value_high, f.qualifier, f.unit, f.counted, f.category, s.name AS source, s.kind AS source_kind,
       a.outlet, a.date AS published, a.title, f.article_id, a.dup_of AS wire_copy_of
FROM figures f
JOIN articles a ON a.id = f.article_id
LEFT JOIN sources s ON s.id = f.source_id
LEFT JOIN quantities q ON q.id = f.quantity_id
"""
CONFLICT_VIEW = """
CREATE VIEW conflict_pairs AS
SELECT c.id, q.label AS quantity, c.kind, fa.text AS figure_a, sa.name AS source_a, fa.event_date AS date_a,
       fb.text AS figure_b, sb.name AS source_b, fb.event_date AS date_b, c.quantity_id, c.figure_a AS figure_a_id,
       c.figure_b AS figure_b_id
FROM conflicts c
JOIN quantities q ON q.id = c.quantity_id
JOIN figures fa ON fa.id = c.figure_a
JOIN figures fb ON fb.id = c.figure_b
LEFT JOIN sources sa ON sa.id = fa.source_id
LEFT JOIN sources sb ON sb.id = fb.source_id
"""


def _migration_2(conn: Connection) -> None:
    """Readable views for people browsing the file (Datasette, psql): the ledger and conflicts."""
    conn.exec_driver_sql(LEDGER_VIEW)
    conn.exec_driver_sql(CONFLICT_VIEW)


def _migration_3(conn: Connection) -> None:
    """Articles get an ingest order (``seq``): linking in that order makes distributed runs
    reproduce single-process results exactly."""
    cols = {c["name"] for c in sa.inspect(conn).get_columns("articles")}
    if "seq" not in cols:
        conn.exec_driver_sql("ALTER TABLE articles ADD COLUMN seq BIGINT")
        conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_articles_seq ON articles (seq)")
    ids = conn.execute(sa.select(articles_t.c.id).where(articles_t.c.seq.is_(None))
                       .order_by(articles_t.c.ingested_at, articles_t.c.id)).scalars().all()
    base = int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(articles_t.c.seq), -1))).scalar() or 0) + 1
    for i, aid in enumerate(ids):
        conn.execute(articles_t.update().where(articles_t.c.id == aid).values(seq=base + i))


def _migration_4(conn: Connection) -> None:
    """Figures get the incident they count (``event``) when it is not the story's current one, so a
    background toll ("the 1987 quake killed 11,400") keeps out of the current toll's quantity.
    Figures stored before have none: re-analyze to fill it."""
    cols = {c["name"] for c in sa.inspect(conn).get_columns("figures")}
    if "event" not in cols:
        conn.exec_driver_sql("ALTER TABLE figures ADD COLUMN event VARCHAR(32)")



def _migration_7(conn: Connection) -> None:
    """Sources get a ``story_id``: generic bodies ("authorities", "the health ministry") are
    one source per story, not one across crises. Existing sources stay global."""
    cols = {c["name"] for c in sa.inspect(conn).get_columns("sources")}
    if "story_id" not in cols:
        conn.exec_driver_sql("ALTER TABLE sources ADD COLUMN story_id VARCHAR(32)")
        conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_sources_story_id ON sources (story_id)")



def _migration_8(conn: Connection) -> None:
    """Conflicts with time (same-day disputes, across-days, undated) and the reconciled estimate:
    new columns, and every quantity marked dirty so the next analyze recomputes it."""
    cols = {c["name"] for c in sa.inspect(conn).get_columns("quantities")}
    for name in ("n_across_days", "n_undated"):
        if name not in cols:
            conn.exec_driver_sql(f"ALTER TABLE quantities ADD COLUMN {name} INTEGER NOT NULL DEFAULT 0")
    if "estimate" not in cols:
        conn.exec_driver_sql("ALTER TABLE quantities ADD COLUMN estimate TEXT")
    stale = sa.select(quantities_t.c.id).where(quantities_t.c.id.not_in(sa.select(dirty_t.c.id)))
    conn.execute(dirty_t.insert().from_select(["id"], stale))



def _migration_10(conn: Connection) -> None:
    """Articles record what they say their generic places are (``articles.place_aliases``: the
    city they call the capital, the side holding "the north-west"), so a story reads "in the
    capital" as that city. Reading them needs the parse, so stored articles are not filled in
    here: their content hash is cleared, and the next analyze of them extracts them again."""
    if "place_aliases" not in {c["name"] for c in sa.inspect(conn).get_columns("articles")}:
        conn.exec_driver_sql("ALTER TABLE articles ADD COLUMN place_aliases TEXT")
    conn.execute(articles_t.update().where(articles_t.c.place_aliases.is_(None)).values(content_hash=""))


LEDGER_VIEW_6 = LEDGER_VIEW.replace(
    "a.date AS published,", "COALESCE(a.pub_date, a.date) AS published, a.pub_date_basis AS published_basis,")


def _migration_6(conn: Connection) -> None:
    """Articles record their effective publication day and its basis (``pub_date``,
    ``pub_date_basis``): undated pages get the day their URL, dateline or stamp gives, so the
    ledger, web and exports show a date and say how it was obtained. Stored articles are
    filled in here; the ledger view's ``published`` becomes the effective day."""
    cols = {c["name"] for c in sa.inspect(conn).get_columns("articles")}
    if "pub_date" not in cols:
        conn.exec_driver_sql("ALTER TABLE articles ADD COLUMN pub_date VARCHAR(10)")
        conn.exec_driver_sql("ALTER TABLE articles ADD COLUMN pub_date_basis VARCHAR(16)")
        conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_articles_pub_date ON articles (pub_date)")
    conn.execute(articles_t.update().where(articles_t.c.pub_date.is_(None), articles_t.c.date.is_not(None))
                 .values(pub_date=articles_t.c.date, pub_date_basis="published"))
    undated = sa.select(articles_t.c.id, articles_t.c.url, articles_t.c.text).where(
        articles_t.c.date.is_(None), articles_t.c.pub_date_basis.is_(None)).order_by(articles_t.c.id)
    for aid, url, text in _by_id(conn, undated):
        pub = publication(text, url)
        conn.execute(articles_t.update().where(articles_t.c.id == aid)
                     .values(pub_date=pub.date, pub_date_basis=pub.basis or "none"))
    conn.exec_driver_sql("DROP VIEW IF EXISTS ledger")
    conn.exec_driver_sql(LEDGER_VIEW_6)


def _by_id(conn: Connection, query: Any, page: int = 500) -> Iterator[Any]:
    """Rows of an articles query ordered by id, read in pages by keyset (a migration over a large
    store never holds every article's text at once)."""
    last = ""
    while rows := conn.execute(query.where(articles_t.c.id > last).limit(page)).all():
        yield from rows
        last = rows[-1][0]


def _lacks_column(table: str, column: str) -> Callable[[Connection], bool]:
    def check(conn: Connection) -> bool:
        return column not in {c["name"] for c in sa.inspect(conn).get_columns(table)}
    return check



def _migration_5(conn: Connection) -> None:
    """Stories clustered over the whole corpus: each article keeps its story features, and a
    ``stories`` table holds each story's label, date range and size. Stories of older stores
    are recomputed (from their stored names and dates) by the next run."""
    cols = {c["name"] for c in sa.inspect(conn).get_columns("articles")}
    if "story_features" not in cols:
        conn.exec_driver_sql("ALTER TABLE articles ADD COLUMN story_features TEXT")
    stories_t.create(conn, checkfirst=True)



def _migration_12(conn: Connection) -> None:
    """Articles keep the month and day of a dateline without a year (``pub_month_day``), so the
    next analyze dates them with the year of their story. Stored undated articles are read again
    here (the dateline only, no parsing)."""
    if "pub_month_day" not in {c["name"] for c in sa.inspect(conn).get_columns("articles")}:
        conn.exec_driver_sql("ALTER TABLE articles ADD COLUMN pub_month_day VARCHAR(5)")
    undated = sa.select(articles_t.c.id, articles_t.c.text).where(
        articles_t.c.date.is_(None), articles_t.c.pub_date.is_(None)).order_by(articles_t.c.id)
    for aid, text in _by_id(conn, undated):
        md = dateline_month_day(text)
        if md is not None:
            conn.execute(articles_t.update().where(articles_t.c.id == aid)
                         .values(pub_month_day=f"{md[0]:02d}-{md[1]:02d}"))


def _migration_13(conn: Connection) -> None:
    """Corrections (corrections.py): their own table, and ``figures.auto`` to keep the automatic
    values a correction overrides, so undoing it restores them."""
    corrections_t.create(conn, checkfirst=True)
    if "auto" not in {c["name"] for c in sa.inspect(conn).get_columns("figures")}:
        conn.exec_driver_sql("ALTER TABLE figures ADD COLUMN auto TEXT")


MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    1: _migration_1, 2: _migration_2, 3: _migration_3, 4: _migration_4, 5: _migration_5, 6: _migration_6,
    7: _migration_7, 8: _migration_8, 10: _migration_10, 12: _migration_12, 13: _migration_13}
# migrations are numbered apart on parallel branches, so one may be merged after a store already
# passed its number; such a migration still runs when its check finds the store without it
MISSING: dict[int, Callable[[Connection], bool]] = {
    4: _lacks_column("figures", "event"), 5: _lacks_column("articles", "story_features"),
    6: _lacks_column("articles", "pub_date"), 7: _lacks_column("sources", "story_id"),
    8: _lacks_column("quantities", "estimate"), 10: _lacks_column("articles", "place_aliases"),
    12: _lacks_column("articles", "pub_month_day"), 13: _lacks_column("figures", "auto")}
SCHEMA_VERSION = max(MIGRATIONS)
# the story of an article linked but not yet clustered (never a real story id, so the next
# :meth:`Store.update_stories` always moves it and links its records)
PROVISIONAL = "new-"


def sqlite_url(path: str | Path) -> str:
    return f"sqlite:///{Path(path)}"


def to_url(target: str | Path | None) -> str:
    """A SQLAlchemy URL for a file path or a database URL (default ``newsledger.db``)."""
    if target is None:
        return sqlite_url("newsledger.db")
    t = str(target)
    if t.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
        if t.startswith("postgres://"):
            t = "postgresql://" + t[len("postgres://"):]
        if t.startswith("postgresql://"):
            t = "postgresql+psycopg://" + t[len("postgresql://"):]
        return t
    if t.startswith("sqlite:"):
        return t
    return sqlite_url(t)


class StoreError(RuntimeError):
    """The store cannot be opened as asked: no store at that path, another application's
    database, or a schema newer than this code. Nothing has been written when it is raised."""


# pg_advisory_lock keys (any fixed 64-bit numbers): one writer run at a time, one migration at a time
WRITER_LOCK_KEY = 0x6E65_7773_6C65_6401
MIGRATION_LOCK_KEY = 0x6E65_7773_6C65_6402


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for an in-memory database or another dialect)."""
    u = sa.engine.make_url(url)
    if not u.drivername.startswith("sqlite") or not u.database or u.database == ":memory:":
        return None
    db = u.database
    return Path(db[len("file:"):].split("?")[0] if db.startswith("file:") else db)


def _sqlite_engine(url: str, readonly: bool = False) -> Engine:
    # several processes may write one SQLite file (Dask workers on one machine): wait for the lock
    args: dict[str, Any] = {"timeout": lock_timeout()}
    path = sqlite_path(url)
    if readonly and path is not None:
        # the file itself, opened read-only (a ledger file without write permission, or a read
        # command that must not write); immutable when no -shm can be made beside it
        opts = "mode=ro"
        if not Path(str(path) + "-shm").exists() and not os.access(path.parent or Path("."), os.W_OK):
            opts += "&immutable=1"
        url = f"sqlite:///file:{path}?{opts}&uri=true"
    engine = sa.create_engine(url, future=True, connect_args=args)

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _rec: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        if not readonly:
            cur.execute("PRAGMA journal_mode=WAL")
            # WAL with synchronous=NORMAL: a crash of the program never loses a committed article;
            # only a power cut can drop the last commits, which the next run then redoes
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()
    return engine


def connect(target: str | Path | None, create: bool = True) -> Engine:
    """Open (and migrate) a store. With ``create=False`` (the read commands) the store must
    exist: a missing SQLite file or an empty database is a :class:`StoreError`, not a new empty
    store, and a SQLite file is opened read-only (migrated first if it needs it and can be)."""
    url = to_url(target)
    path = sqlite_path(url)
    if create or path is None:
        engine = _sqlite_engine(url) if url.startswith("sqlite") else sa.create_engine(
            url, future=True, connect_args={"connect_timeout": max(1, round(lock_timeout()))})
        try:
            migrate(engine, create=create)
        except BaseException:
            engine.dispose()
            raise
        return engine
    if not path.is_file():
        raise StoreError(f"no newsledger store at {path}: check the path (a store is made by "
                         f"`newsledger analyze ... --db {path}`)")
    engine = _sqlite_engine(url, readonly=True)
    try:
        with engine.connect() as conn:
            version, pending = _plan(conn, create=False)
    except sa.exc.DatabaseError:
        engine.dispose()
        raise  # locked, damaged or not SQLite: failures.explain says which, and what to do
    except StoreError:
        engine.dispose()
        raise
    if pending:
        if not os.access(path, os.W_OK):
            engine.dispose()
            raise StoreError(f"{path} has schema version {version} and this newsledger needs "
                             f"{SCHEMA_VERSION}, but the file is read-only: upgrade it once with write access "
                             "(any `newsledger analyze` on it)")
        writer = _sqlite_engine(url)
        try:
            migrate(writer, create=False)
        finally:
            writer.dispose()
    return engine


def schema_version(conn: Connection) -> int:
    if not sa.inspect(conn).has_table("meta"):
        return 0
    row = conn.execute(sa.select(meta_t.c.value).where(meta_t.c.key == "schema_version")).first()
    return int(row[0]) if row else 0


def _plan(conn: Connection, create: bool = True) -> tuple[int, list[int]]:
    """The store's schema version and the migrations it still needs; refuses (StoreError) a
    newer schema, another application's database, and (``create=False``) an empty one."""
    # one catalog query, so one snapshot: asking "is there a meta table?" and then "which tables
    # are there?" could see another process's migration commit in between (tables, no meta)
    names = sa.inspect(conn).get_table_names()
    if "meta" not in names:
        tables = sorted(t for t in names if not t.startswith("sqlite_"))
        if tables:
            shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
            raise StoreError(f"not a newsledger store: the database has tables ({shown}) but no newsledger "
                             "`meta` table; refusing to write to another application's database (use a new file "
                             "or an empty database)")
        if not create:
            raise StoreError("no newsledger store in this database (it is empty): check the --db target, "
                             "or create the store with `newsledger analyze`")
        return 0, sorted(MIGRATIONS)
    version = schema_version(conn)
    if version > SCHEMA_VERSION:
        raise StoreError(f"the store has schema version {version}, newer than this newsledger knows "
                         f"({SCHEMA_VERSION}): upgrade newsledger to read it")
    return version, [v for v in sorted(MIGRATIONS) if v > version or (v in MISSING and MISSING[v](conn))]


def migrate(engine: Engine, create: bool = True) -> int:
    """Apply pending migrations in order, all in one transaction (so a failure leaves the store
    as it was); returns the resulting schema version. Checked first without writing, then again
    under a lock (SQLite ``BEGIN IMMEDIATE``, a PostgreSQL advisory lock), so processes opening
    a fresh store together migrate it once."""
    with engine.connect() as conn:
        version, pending = _plan(conn, create)
    if not pending:
        return version
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            # pysqlite runs DDL outside any transaction unless one is opened explicitly
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
        version, pending = _plan(conn, create)
        for v in pending:
            MIGRATIONS[v](conn)
            version = max(version, v)
        if pending:
            conn.execute(meta_t.delete().where(meta_t.c.key == "schema_version"))
            conn.execute(meta_t.insert().values(key="schema_version", value=str(version)))
    return version


def content_hash(a: Article) -> str:
    h = hashlib.sha256()
    for part in (a.id, a.date or "", a.title or "", a.outlet or "", a.url or "", a.text):
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()


_R = TypeVar("_R")  # an extraction result being written
_W = TypeVar("_W")  # what writing it returned


@dataclass(frozen=True)
class Staged:
    """One extracted article as the store takes it (see :meth:`Store.stage_articles`)."""

    article: Article
    figures: list[Figure]
    statements: list[Statement]
    names: list[str]
    seq: int
    pub: PubDate | None = None
    features: StoryFeatures | None = None
    place_aliases: dict[str, str] | None = None
    minhash: bytes | None = None  # its dedup.signature (dedup.to_bytes), if already made (by a worker)


@dataclass(frozen=True)
class StoryPlan:
    """The stories wanted now (:meth:`Store.plan_stories`), before they are applied: each
    linked article's story, the articles that move (in ingest order), the stories' summaries."""

    wanted: dict[str, str]
    moved: list[str]
    summaries: list[StorySummary]


@dataclass
class AnalyzeReport:
    """What an ``analyze`` run did."""

    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    duplicates: int = 0
    errors: list[ItemError] = field(default_factory=list)
    warnings: list[ItemError] = field(default_factory=list)  # articles stored despite a flaw (a bad date)
    quantities_updated: int = 0
    story_dated: int = 0  # articles processed again with the year their story gives (year-less datelines)


class Store:
    """A connection to the ledger with the operations the views need."""

    def __init__(self, target: str | Path | None = None, create: bool = True) -> None:
        self.engine = connect(target, create=create)
        self._lock_depth = 0

    @property
    def dialect(self) -> str:
        return str(self.engine.dialect.name)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def search_articles(self, query: str, limit: int = 50, offset: int = 0) -> list[str]:
        """Article ids matching a full-text query, best first (FTS5 on SQLite, tsvector on PostgreSQL)."""
        terms = re.findall(r"\w+", query)
        if not terms:
            return []
        with self.engine.connect() as conn:
            if self.dialect == "sqlite":
                match = " ".join('"' + t.replace('"', "") + '"' for t in terms)
                rows = conn.exec_driver_sql(
                    "SELECT article_id FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?",
                    (match, limit, offset))
            else:
                rows = conn.execute(sa.text(
                    "SELECT id FROM articles WHERE tsv @@ plainto_tsquery('english', :q) "
                    "ORDER BY ts_rank(tsv, plainto_tsquery('english', :q)) DESC, id LIMIT :n OFFSET :o"),
                    {"q": " ".join(terms), "n": limit, "o": offset})
            return [r[0] for r in rows]

    @contextmanager
    def writer_lock(self, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
        """Hold the store's writer lock: one ``analyze`` (or distributed run) at a time writes,
        links and refreshes, so what it reads first (ingest order, stored hashes, the source
        registry) is still true when it writes. SQLite: an exclusive ``flock`` on ``<db>.lock``
        beside the file; PostgreSQL: a session advisory lock. A process that must wait says so
        through ``on_wait`` (default: a line on stderr) and then waits. Re-entrant per Store."""
        if self._lock_depth:
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
            return
        say = on_wait or (lambda msg: print(msg, file=sys.stderr, flush=True))
        where = self.engine.url.render_as_string(hide_password=True)
        if self.dialect == "sqlite":
            path = sqlite_path(str(self.engine.url))
            if path is None or fcntl is None:
                handle = None
            else:
                handle = open(str(path) + ".lock", "a+b")  # noqa: SIM115 - closed in the finally below
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    say(f"waiting for another writer on {where}…")
                    fcntl.flock(handle, fcntl.LOCK_EX)
            self._lock_depth = 1
            try:
                yield
            finally:
                self._lock_depth = 0
                if handle is not None:
                    fcntl.flock(handle, fcntl.LOCK_UN)
                    handle.close()
            return
        conn = self.engine.connect()
        try:
            key = {"k": WRITER_LOCK_KEY}
            if not conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), key).scalar():
                conn.commit()
                say(f"waiting for another writer on {where}…")
                conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), key)
            conn.commit()  # the lock is the session's; no transaction stays open
            self._lock_depth = 1
            try:
                yield
            finally:
                self._lock_depth = 0
                conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), key)
                conn.commit()
        finally:
            conn.close()

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    # ------------------------------------------------------------ registries

    def _load_sources(self, conn: Connection) -> SourceRegistry:
        reg = SourceRegistry()
        for row in conn.execute(sa.select(sources_t)).mappings():
            reg.add(Source(row["id"], row["name"], row["kind"], row["affiliation"], bool(row["person"]),
                           set(json.loads(row["aliases"])), row["story_id"]))
        # how each name was resolved in each story, so a reopened store resolves it the same way
        for tab, col in ((figures_t, figures_t.c.source), (statements_t, statements_t.c.speaker)):
            for story, name, sid in conn.execute(
                    sa.select(articles_t.c.story_id, col, tab.c.source_id).distinct()
                    .join(articles_t, articles_t.c.id == tab.c.article_id)
                    .where(tab.c.source_id.is_not(None), articles_t.c.story_id.is_not(None))):
                reg.remember(story, name, sid)
        return reg

    def _save_sources(self, conn: Connection, srcs: Sequence[Source]) -> None:
        """Upsert source records: one read of which exist, then one executemany each for the
        updates and the inserts (instead of an UPDATE, and an INSERT if it touched nothing, each)."""
        if not srcs:
            return
        rows = [{"b_id": src.id, "name": src.name, "kind": src.kind, "affiliation": src.affiliation,
                 "person": src.person, "aliases": json.dumps(sorted(src.aliases), ensure_ascii=False),
                 "story_id": src.story} for src in srcs]
        known: set[str] = set()
        for chunk in batched([r["b_id"] for r in rows], 500):
            known |= set(conn.execute(sa.select(sources_t.c.id).where(sources_t.c.id.in_(list(chunk)))).scalars())
        old = [{"b_" + k if k != "b_id" else k: v for k, v in r.items()} for r in rows if r["b_id"] in known]
        new = [{("id" if k == "b_id" else k): v for k, v in r.items()} for r in rows if r["b_id"] not in known]
        if old:
            conn.execute(sources_t.update().where(sources_t.c.id == sa.bindparam("b_id"))
                         .values(**{k: sa.bindparam("b_" + k) for k in rows[0] if k != "b_id"}), old)
        if new:
            conn.execute(sources_t.insert(), new)

    # ------------------------------------------------------------ ingest

    def stored_hashes(self, ids: Sequence[str]) -> dict[str, str]:
        return {k: v[0] for k, v in self.stored_state(ids).items()}

    def stored_state(self, ids: Sequence[str]) -> dict[str, tuple[str, int]]:
        """Content hash and ingest order of the stored articles among ``ids``."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(articles_t.c.id, articles_t.c.content_hash, articles_t.c.seq)
                                .where(articles_t.c.id.in_(list(ids))))
            return {r[0]: (r[1], int(r[2] if r[2] is not None else -1)) for r in rows}

    def stage_article(self, conn: Connection, article: Article, figures: list[Figure],
                      statements: list[Statement], names: list[str], seq: int, pub: PubDate | None = None,
                      features: StoryFeatures | None = None, place_aliases: dict[str, str] | None = None
                      ) -> np.ndarray:
        """Store one extracted article with its records, not yet linked to stories, sources or
        quantities (that is :meth:`link_article`, which must run in ``seq`` order). Replaces
        an earlier version of the same article. ``pub`` is the publication day extraction
        dated the figures against (worked out again from the article when not given). Returns the
        article's MinHash signature, so linking it in the same transaction need not read it back."""
        return self.stage_articles(conn, [Staged(article, figures, statements, names, seq, pub, features,
                                                 place_aliases)])[0]

    def stage_articles(self, conn: Connection, items: Sequence[Staged]) -> list[np.ndarray]:
        """:meth:`stage_article` for a batch, with one statement per table for the whole batch
        (``executemany``), not six per article. Returns the signatures in ``items`` order."""
        if not items:
            return []
        ids = [it.article.id for it in items]
        existing = set(conn.execute(sa.select(articles_t.c.id).where(articles_t.c.id.in_(ids))).scalars())
        if existing:
            old = conn.execute(sa.select(figures_t.c.quantity_id).where(figures_t.c.article_id.in_(existing))
                               .distinct()).scalars().all()
            self._mark_dirty(conn, {q for q in old if q})
            conn.execute(articles_t.delete().where(articles_t.c.id.in_(existing)))
            if self.dialect == "sqlite":
                conn.exec_driver_sql("DELETE FROM articles_fts WHERE article_id = ?", [(i,) for i in sorted(existing)])
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        sigs, rows, band_rows = [], [], []
        for it in items:
            article, names = it.article, it.names
            pub = it.pub or publication(article.text, article.url, article.date, article.date_basis)
            sig = dedup.from_bytes(it.minhash) if it.minhash is not None else dedup.signature(article.text)
            sigs.append(sig)
            rows.append(dict(
                id=article.id, title=article.title, outlet=article.outlet, url=article.url, date=article.date,
                text=article.text, content_hash=content_hash(article), story_id=None, dup_of=None,
                similarity=None, minhash=dedup.to_bytes(sig), names=json.dumps(names, ensure_ascii=False),
                seq=it.seq, pub_date=pub.date, pub_date_basis=pub.basis or "none", pub_month_day=pub.month_day,
                story_features=(it.features or StoryFeatures(date=article.date, names={n: 1 for n in names})
                                ).to_json(),
                place_aliases=json.dumps(it.place_aliases or {}, ensure_ascii=False, sort_keys=True),
                ingested_at=now))
            band_rows += [{"band": b, "bucket": bucket, "article_id": article.id}
                          for b, bucket in enumerate(dedup.bands(sig))]
        conn.execute(articles_t.insert(), rows)
        conn.execute(bands_t.insert(), band_rows)
        if self.dialect == "sqlite":
            conn.exec_driver_sql("INSERT INTO articles_fts(article_id, title, text) VALUES (?, ?, ?)",
                                 [(it.article.id, it.article.title or "", it.article.text) for it in items])
        self._insert_many(conn, [(it.article.id, it.figures, it.statements) for it in items])
        return sigs

    def _insert_records(self, conn: Connection, article_id: str, figures: list[Figure],
                        statements: list[Statement]) -> None:
        self._insert_many(conn, [(article_id, figures, statements)])

    def _insert_many(self, conn: Connection, items: Sequence[tuple[str, list[Figure], list[Statement]]]) -> None:
        """The records of several articles, one ``executemany`` per table."""
        st_rows = [{"article_id": aid, "start": st.start, "end": st.end, "text": st.text, "speaker": st.speaker,
                    "speaker_role": st.speaker_role, "source_id": None, "direct": st.direct, "cue": st.cue}
                   for aid, _, statements in items for st in statements]
        if st_rows:
            conn.execute(statements_t.insert(), st_rows)
        fig_rows = [{"article_id": aid, "start": f.start, "end": f.end, "text": f.text, "value": float(f.value),
                     "value_high": None if f.value_high is None else float(f.value_high), "qualifier": f.qualifier,
                     "unit": f.unit, "counted": f.counted, "category": f.category, "source": f.source,
                     "source_role": f.source_role, "source_id": None, "event_date": f.event_date,
                     "date_basis": f.date_basis, "place": f.place, "projection": f.projection, "subset": f.subset,
                     "predicate": f.predicate, "quantity_id": None, "event": f.event}
                    for aid, figures, _ in items for f in figures]
        if fig_rows:
            conn.execute(figures_t.insert(), fig_rows)

    def redate_article(self, conn: Connection, article: Article, figures: list[Figure],
                       statements: list[Statement], names: list[str], pub: PubDate, features: StoryFeatures,
                       sources: SourceRegistry) -> None:
        """Replace the records of a stored, linked article that was processed again with another
        publication day (a year-less dateline dated by its story), keeping its place in the
        ledger (ingest order, near-duplicate link, story), and relink them in its story."""
        story = conn.execute(sa.select(articles_t.c.story_id).where(articles_t.c.id == article.id)).scalar()
        if story is None:
            return
        old = conn.execute(sa.select(figures_t.c.quantity_id).where(figures_t.c.article_id == article.id)
                           .distinct()).scalars().all()
        self._mark_dirty(conn, {q for q in old if q})
        conn.execute(figures_t.delete().where(figures_t.c.article_id == article.id))
        conn.execute(statements_t.delete().where(statements_t.c.article_id == article.id))
        conn.execute(articles_t.update().where(articles_t.c.id == article.id).values(
            pub_date=pub.date, pub_date_basis=pub.basis or "none", pub_month_day=pub.month_day,
            names=json.dumps(names, ensure_ascii=False), story_features=features.to_json()))
        self._insert_records(conn, article.id, figures, statements)
        self.link_records(conn, article.id, story, sources)

    def story_dates(self, plan: StoryPlan | None = None) -> dict[str, PubDate]:
        """The stored articles whose publication day their story now gives or changes (see
        ``pubdate.story_dates``): year-less datelines, read against their stories' articles.
        With a ``plan`` (:meth:`plan_stories`), against the stories it will give, before it is
        applied."""
        md = articles_t.c.pub_month_day
        yearless = sa.and_(md.is_not(None), articles_t.c.story_id.is_not(None),
                           sa.or_(articles_t.c.pub_date.is_(None), articles_t.c.pub_date_basis == STORY_BASIS))
        cols = (articles_t.c.id, articles_t.c.story_id, articles_t.c.pub_date, articles_t.c.pub_date_basis, md)
        with self.engine.connect() as conn:
            if plan is None:
                rows = conn.execute(sa.select(*cols).where(articles_t.c.story_id.in_(
                    sa.select(articles_t.c.story_id).where(yearless).distinct()))).all()
                story = {r[0]: r[1] for r in rows}
            else:
                wanted = plan.wanted
                keep = {wanted.get(aid, sid) for aid, sid in conn.execute(
                    sa.select(articles_t.c.id, articles_t.c.story_id).where(yearless))}
                ids = [aid for aid, sid in wanted.items() if sid in keep]
                rows = [r for chunk in batched(ids, 500)
                        for r in conn.execute(sa.select(*cols).where(articles_t.c.id.in_(list(chunk))))]
                story = {r[0]: wanted.get(r[0], r[1]) for r in rows}
        pubs = {r[0]: PubDate(r[2], None if r[3] in (None, "none") else r[3], r[4]) for r in rows}
        return story_dates(pubs, story, WINDOW_DAYS)

    def stored_articles(self, ids: Sequence[str]) -> list[Article]:
        """Stored articles as they were read (same content hash), in ``ids`` order."""
        with self.engine.connect() as conn:
            rows = {r[0]: r for r in conn.execute(
                sa.select(articles_t.c.id, articles_t.c.text, articles_t.c.date, articles_t.c.title,
                          articles_t.c.outlet, articles_t.c.url).where(articles_t.c.id.in_(list(ids))))}
        return [Article(id=r[0], text=r[1], date=r[2], title=r[3], outlet=r[4], url=r[5])
                for aid in ids if (r := rows.get(aid)) is not None]

    def link_article(self, conn: Connection, article_id: str, sig: np.ndarray | None = None) -> bool:
        """Place a staged article in the ledger: near-duplicate of an earlier article, and a
        provisional story (its original's, else one of its own). Its records are linked (sources,
        quantity ids) by :meth:`update_stories`, once its real story is known, so each new article
        is linked once. Articles must be linked in ``seq`` order, which makes a distributed run
        give exactly the single-process result. Returns whether it is a duplicate. ``sig``: its
        signature as just staged (else read from the store)."""
        return self.link_articles(conn, [(article_id, sig)])[0]

    def link_articles(self, conn: Connection, items: Sequence[tuple[str, np.ndarray | None]]) -> list[bool]:
        """:meth:`link_article` for staged articles in ``seq`` order, with a fixed number of
        statements for the batch: the candidates sharing a MinHash band are read once, and each
        article is compared, in order, with the linked articles of the store and the earlier
        articles of the batch (exactly what linking them one by one compares). Returns whether
        each is a duplicate (False for an id that is not stored). The articles are staged ones not
        linked yet (a fresh stage, or :meth:`unlinked`)."""
        ids = [aid for aid, _ in items]
        own: dict[str, tuple[int, Any]] = {}
        for chunk in batched(ids, 500):
            for aid, mh, seq in conn.execute(sa.select(articles_t.c.id, articles_t.c.minhash, articles_t.c.seq)
                                             .where(articles_t.c.id.in_(list(chunk)))):
                own[aid] = (-1 if seq is None else int(seq), mh)
        sigs = {aid: sig if sig is not None else dedup.from_bytes(own[aid][1]) for aid, sig in items if aid in own}
        buckets = {aid: dedup.bands(sig) for aid, sig in sigs.items()}
        sharing: dict[int, set[str]] = {}  # bucket -> the articles in it
        for part in batched(sorted({b for bs in buckets.values() for b in bs}), 500):
            for b, aid in conn.execute(sa.select(bands_t.c.bucket, bands_t.c.article_id)
                                       .where(bands_t.c.bucket.in_(list(part)))):
                sharing.setdefault(b, set()).add(aid)
        # linked articles of the store that share a band: (seq, signature, original, story)
        linked: dict[str, tuple[int, Any, str | None, str | None]] = {}
        outside = sorted({a for group in sharing.values() for a in group} - set(own))
        for chunk in batched(outside, 500):
            for aid, mh, dup, story, seq in conn.execute(
                    sa.select(articles_t.c.id, articles_t.c.minhash, articles_t.c.dup_of, articles_t.c.story_id,
                              articles_t.c.seq)
                    .where(articles_t.c.id.in_(list(chunk)), articles_t.c.story_id.is_not(None))):
                linked[aid] = (-1 if seq is None else int(seq), dedup.from_bytes(mh), dup, story)
        placed: list[tuple[str, str | None, float | None]] = []
        for aid in ids:
            if aid not in sigs:
                continue
            sig = sigs[aid]
            cands = sorted((linked[c][0], c) for b in buckets[aid] for c in sharing.get(b, ()) if c in linked
                           and c != aid)
            best, best_sim = None, 0.0
            order = [c for _, c in dict.fromkeys(cands)]
            for c, sim in zip(order, dedup.similarities(sig, [linked[c][1] for c in order]), strict=True):
                if sim >= dedup.THRESHOLD and sim > best_sim:
                    best, best_sim = linked[c][2] or c, sim
            placed.append((aid, best, best_sim if best else None))
            # linked now: a candidate for the batch's later articles (its story is set below)
            linked[aid] = (own[aid][0], sig, best, None)
        # a duplicate joins its original's story; an original outside the batch has it stored
        story_of = {aid: v[3] for aid, v in linked.items()}
        missing = sorted({dup for _, dup, _ in placed if dup and dup not in story_of})
        for chunk in batched(missing, 500):
            story_of.update((r[0], r[1]) for r in conn.execute(sa.select(articles_t.c.id, articles_t.c.story_id)
                                                               .where(articles_t.c.id.in_(list(chunk)))))
        updates = []
        for aid, dup, score in placed:
            story = (story_of.get(dup) if dup else None) or PROVISIONAL + story_id(aid)[2:]
            story_of[aid] = story
            updates.append({"b_id": aid, "b_dup": dup, "b_sim": score, "b_story": story})
        if updates:
            conn.execute(articles_t.update().where(articles_t.c.id == sa.bindparam("b_id"))
                         .values(dup_of=sa.bindparam("b_dup"), similarity=sa.bindparam("b_sim"),
                                 story_id=sa.bindparam("b_story")), updates)
        done = {aid: dup is not None for aid, dup, _ in placed}
        return [done.get(aid, False) for aid in ids]

    def link_records(self, conn: Connection, article_id: str, story: str, sources: SourceRegistry) -> None:
        """Put an article in ``story`` and (re)link its records: canonical sources and quantity
        ids, which depend on the story. The quantities its figures leave and join are marked dirty."""
        self.link_many(conn, [(article_id, story)], sources)

    def link_many(self, conn: Connection, placed: Sequence[tuple[str, str]], sources: SourceRegistry) -> None:
        """:meth:`link_records` for several (article, story) pairs, in that order, with a fixed
        number of statements for the whole list (reads and writes are set-wise), so relinking a
        batch of articles costs a few round trips instead of ten per article."""
        if not placed:
            return
        ids = list(dict.fromkeys(aid for aid, _ in placed))
        texts: dict[str, str] = {}
        stmts: dict[str, list[Any]] = {}
        figrows: dict[str, list[Any]] = {}
        for chunk in batched(ids, 500):  # bounded IN lists
            part = list(chunk)
            texts.update((r[0], r[1]) for r in conn.execute(sa.select(articles_t.c.id, articles_t.c.text)
                                                            .where(articles_t.c.id.in_(part))))
            for st in conn.execute(sa.select(statements_t.c.id, statements_t.c.article_id, statements_t.c.speaker,
                                             statements_t.c.speaker_role)
                                   .where(statements_t.c.article_id.in_(part)).order_by(statements_t.c.id)):
                stmts.setdefault(st[1], []).append(st)
            for r in conn.execute(sa.select(figures_t).where(figures_t.c.article_id.in_(part))
                                  .order_by(figures_t.c.id)).mappings():
                figrows.setdefault(r["article_id"], []).append(r)
        sources.changed.clear()
        touched: set[str] = set()
        st_updates: list[dict[str, Any]] = []
        fig_updates: list[dict[str, Any]] = []
        for article_id, story in placed:
            sources.read_text(texts.get(article_id) or "", story)

            def source_id(name: str | None, role: str | None, story: str = story) -> str | None:
                return sources.resolve(name, role, story=story).id if name else None

            st_updates += [{"b_id": st[0], "b_sid": source_id(st[2], st[3])} for st in stmts.get(article_id, [])]
            rows = figrows.get(article_id, [])
            figs = [_row_figure(r) for r in rows]
            touched |= {r["quantity_id"] for r in rows if r["quantity_id"]}
            for r, f in zip(rows, figs, strict=True):
                sid = source_id(f.source, f.source_role)
                near = [g for g in figs if abs(g.start - f.start) <= 120]
                qid = quantity_id(quantity_key(f, story, near, sid))
                touched.add(qid)
                fig_updates.append({"b_id": r["id"], "b_sid": sid, "b_qid": qid})
        # sources first: records point at them
        self._save_sources(conn, [sources.sources[sid] for sid in sorted(sources.changed)])
        sources.changed.clear()
        if st_updates:
            conn.execute(statements_t.update().where(statements_t.c.id == sa.bindparam("b_id"))
                         .values(source_id=sa.bindparam("b_sid")), st_updates)
        if fig_updates:
            conn.execute(figures_t.update().where(figures_t.c.id == sa.bindparam("b_id"))
                         .values(source_id=sa.bindparam("b_sid"), quantity_id=sa.bindparam("b_qid")), fig_updates)
        self._mark_dirty(conn, touched)
        story_of = dict(placed)  # the last story given for an article wins, as one call each would
        conn.execute(articles_t.update().where(articles_t.c.id == sa.bindparam("b_id"))
                     .values(story_id=sa.bindparam("b_story")),
                     [{"b_id": aid, "b_story": story_of[aid]} for aid in ids])

    def add_article(self, conn: Connection, article: Article, figures: list[Figure],
                    statements: list[Statement], names: list[str], seq: int | None = None,
                    pub: PubDate | None = None, features: StoryFeatures | None = None,
                    place_aliases: dict[str, str] | None = None) -> bool:
        """Stage and link one article in one transaction (the single-process path)."""
        if seq is None:
            seq = self.next_seq(conn)
        return self.add_articles(conn, [Staged(article, figures, statements, names, seq, pub, features,
                                               place_aliases)])[0]

    def add_articles(self, conn: Connection, items: Sequence[Staged]) -> list[bool]:
        """Stage and link a batch of articles (in ``seq`` order) with a fixed number of statements:
        what adding them one by one gives. Returns whether each is a near-duplicate."""
        sigs = self.stage_articles(conn, items)
        return self.link_articles(conn, [(it.article.id, sig) for it, sig in zip(items, sigs, strict=True)])

    def write_batches(self, results: Iterable[_R], write: Callable[[Connection, Sequence[_R]], Sequence[_W]],
                      size: int, errors: list[ItemError]) -> Iterator[tuple[_R, _W]]:
        """Write extraction results ``size`` at a time, one transaction per batch (not per
        article): a crash loses at most the batch being written, which a rerun redoes. If a batch
        fails, it is rolled back and written again one result per transaction, so the failure
        stays that article's error (in ``errors``) and the others are kept. A failure of the store
        itself (locked, down, full) is raised. Yields each written result with what ``write``
        returned for it, in order (``write`` may read state the caller updates as it consumes)."""
        for group in batched(results, max(1, size)):
            out: Sequence[_W] | None
            try:
                with self.begin() as conn:
                    out = write(conn, group)
            except (sa.exc.OperationalError, sa.exc.InterfaceError):
                raise
            except Exception:
                out = None
            if out is not None:
                yield from zip(group, out, strict=True)
                continue
            for res in group:
                try:
                    with self.begin() as conn:
                        one = write(conn, [res])[0]
                except (sa.exc.OperationalError, sa.exc.InterfaceError):
                    raise
                except Exception as exc:  # per-item isolation: this article's error, what is stored stays
                    article = getattr(res, "article", None)
                    aid = str(getattr(article, "id", "?"))
                    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
                    errors.append(ItemError(str(getattr(article, "origin", None) or aid),
                                            f"could not store article {aid[:80]!r}: "
                                            f"{type(exc).__name__}: {reason[0] if reason else ''}"))
                    continue
                yield res, one

    def next_seq(self, conn: Connection) -> int:
        return int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(articles_t.c.seq), -1))).scalar() or 0) + 1

    def unlinked(self, conn: Connection, limit: int) -> list[str]:
        return list(conn.execute(sa.select(articles_t.c.id).where(articles_t.c.story_id.is_(None))
                                 .order_by(articles_t.c.seq, articles_t.c.id).limit(limit)).scalars())

    def link_pending(self, batch: int = 200) -> int:
        """Link every staged article, in ``seq`` order, in small transactions (resumable)."""
        n = 0
        while True:
            with self.begin() as conn:
                ids = self.unlinked(conn, batch)
                if not ids:
                    break
                self.link_articles(conn, [(aid, None) for aid in ids])
                n += len(ids)
        if n:
            self.update_stories(batch)
        return n

    def update_stories(self, batch: int = 200) -> int:
        """Re-cluster all linked articles into stories (from their stored features, no parsing),
        move every article whose story changed, relinking its records, and rewrite the
        ``stories`` table. Near-duplicates stay in their original's story. Safe to kill and
        rerun: each moved article is relinked in the transaction that moves it. Returns the
        number of articles moved."""
        return self.apply_stories(self.plan_stories(), batch)

    def plan_stories(self) -> StoryPlan:
        """The first half of :meth:`update_stories`: the stories wanted now (clustering and an
        analyst's merges and renames), nothing written."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(articles_t.c.id, articles_t.c.story_id, articles_t.c.dup_of,
                                          articles_t.c.date, articles_t.c.outlet, articles_t.c.names,
                                          articles_t.c.story_features, articles_t.c.seq)
                                .where(articles_t.c.story_id.is_not(None))).all()
        features = {r[0]: StoryFeatures.from_json(r[6], r[3], json.loads(r[5] or "[]")) for r in rows}
        current = {r[0]: r[1] for r in rows}
        dup_of = {r[0]: r[2] for r in rows if r[2] and r[2] in current}
        wanted = cluster((aid, f) for aid, f in features.items() if aid not in dup_of)
        for aid, orig in dup_of.items():
            wanted[aid] = wanted.get(orig) or story_id(orig)
        from .corrections import story_overrides

        wanted, labels = story_overrides(self, wanted)  # an analyst's story merges and renames
        seq = {r[0]: (r[7] if r[7] is not None else -1) for r in rows}
        moved = sorted((aid for aid in wanted if wanted[aid] != current[aid]), key=lambda a: (seq[a], a))
        summaries = [replace(s, label=labels.get(s.id, s.label))
                     for s in summarize(wanted, features, {r[0]: r[4] for r in rows})]
        return StoryPlan(wanted, moved, summaries)

    def apply_stories(self, plan: StoryPlan, batch: int = 200) -> int:
        """The second half of :meth:`update_stories`: move and relink the articles whose story
        changed, in ingest order, and rewrite the stories table."""
        if plan.moved:
            with self.engine.connect() as conn:
                sources = self._load_sources(conn)
            for chunk in batched(plan.moved, batch):
                with self.begin() as conn:
                    self.link_many(conn, [(aid, plan.wanted[aid]) for aid in chunk], sources)
        with self.begin() as conn:
            self._save_stories(conn, plan.summaries)
        return len(plan.moved)

    def _save_stories(self, conn: Connection, summaries: Iterable[StorySummary]) -> None:
        """Rewrite the stories table; the quantities of a story whose event or place words changed
        are marked dirty, since their labels name them."""
        summaries = list(summaries)
        old = {sid: story_event(label) for sid, label in conn.execute(sa.select(stories_t.c.id, stories_t.c.label))}
        changed = [s.id for s in summaries if old.get(s.id, ("", "")) != story_event(s.label)]
        for stories in batched(changed, 500):
            self._mark_dirty(conn, set(conn.execute(sa.select(quantities_t.c.id).where(
                quantities_t.c.story_id.in_(list(stories)))).scalars()))
        conn.execute(stories_t.delete())
        values = [{"id": s.id, "label": s.label, "first_date": s.first_date, "last_date": s.last_date,
                   "n_articles": s.n_articles, "n_outlets": s.n_outlets} for s in summaries]
        for chunk in batched(values, 1000):
            conn.execute(stories_t.insert(), list(chunk))

    def _mark_dirty(self, conn: Connection, qids: set[str]) -> None:
        if not qids:
            return
        known = set(conn.execute(sa.select(dirty_t.c.id).where(dirty_t.c.id.in_(list(qids)))).scalars())
        if qids - known:
            conn.execute(dirty_t.insert(), [{"id": q} for q in sorted(qids - known)])

    def resolve_stories(self, workers: Workers | None = None) -> int:
        """Story-level quantity identity for every story with a dirty quantity: an unplaced running
        total takes the place its source gives such totals in the story (quantities.source_places),
        and "in the capital" the city the story's articles call the capital (scope.story_aliases).
        Read from all of the story's figures, so the result does not depend on the order articles
        arrived; figures whose quantity changes mark the old and new quantity dirty. Idempotent.
        Each story is worked out apart (:func:`story_moves`), in ``workers`` when their pool is
        running (see :func:`_mapped`); this process writes."""
        with self.engine.connect() as conn:
            stories = sorted({s for s in conn.execute(
                sa.select(articles_t.c.story_id).distinct()
                .join(figures_t, figures_t.c.article_id == articles_t.c.id)
                .where(figures_t.c.quantity_id.in_(sa.select(dirty_t.c.id)))).scalars() if s})
        groups = self._story_groups(stories)  # a commit per few stories, not per story
        url = _shared_url(self.engine, workers)
        done: Iterable[list[tuple[list[dict[str, Any]], set[str]]]]
        if workers is not None and url is not None:  # the workers read the stories too
            done = (out for _, out in _mapped(workers, _stories_at, ((url, group) for group in groups)))
        else:
            done = (story_moves(self._read(_read_stories, group)) for group in groups)
        moved = 0
        for results in done:
            with self.begin() as conn:
                for updates, touched in results:
                    if updates:
                        conn.execute(figures_t.update().where(figures_t.c.id == sa.bindparam("b_id"))
                                     .values(quantity_id=sa.bindparam("b_qid")), updates)
                        self._mark_dirty(conn, touched)
                    moved += len(updates)
        return moved

    def _story_groups(self, stories: list[str]) -> Iterator[list[str]]:
        """``stories`` in groups read and written at once: up to 50 stories, or a few thousand
        figures (a big story is a group of its own)."""
        group: list[str] = []
        size = 0
        for chunk in batched(stories, 500):
            with self.engine.connect() as conn:
                counts = {sid: int(n) for sid, n in conn.execute(
                    sa.select(articles_t.c.story_id, sa.func.count(figures_t.c.id))
                    .join(figures_t, figures_t.c.article_id == articles_t.c.id)
                    .where(articles_t.c.story_id.in_(list(chunk))).group_by(articles_t.c.story_id))}
            for story in chunk:
                group.append(story)
                size += counts.get(story, 0)
                if len(group) >= 50 or size >= TASK_FIGURES:
                    yield group
                    group, size = [], 0
        if group:
            yield group

    def _read(self, read: Callable[[Connection, list[str]], _O], ids: list[str]) -> _O:
        """``read(conn, ids)`` on a connection that is not held while the result is worked out."""
        with self.engine.connect() as conn:
            return read(conn, ids)

    def refresh_dirty(self, batch: int = 200, workers: Workers | None = None) -> int:
        """Recompute every quantity marked dirty, in small transactions (after the story-level
        identity pass over the stories they belong to). An analyst's corrections are applied
        around that pass: figure and source fixes before it, figure moves after it. Each page of
        quantities is summed up apart (:func:`quantity_summaries`), in ``workers`` when their
        pool is running (see :func:`_mapped`); this process writes."""
        from .corrections import apply_moves, apply_records

        apply_records(self)
        self.resolve_stories(workers)
        apply_moves(self)

        def pages() -> Iterator[list[str]]:
            # by id after the last page read: the pages before it may not be written yet
            last = ""
            while True:
                with self.engine.connect() as conn:
                    ids = list(conn.execute(sa.select(dirty_t.c.id).where(dirty_t.c.id > last)
                                            .order_by(dirty_t.c.id).limit(batch)).scalars())
                if not ids:
                    return
                yield sorted(ids)
                last = ids[-1]

        url = _shared_url(self.engine, workers)
        done: Iterable[tuple[list[str], tuple[list[dict[str, Any]], list[dict[str, Any]]]]]
        if workers is not None and url is not None:  # the workers read the quantities' figures too
            done = ((task[1], out) for task, out in _mapped(workers, _quantities_at, ((url, ids) for ids in pages())))
        else:
            done = ((ids, quantity_summaries(self._read(_read_quantities, ids))) for ids in pages())
        n = 0
        for ids, (quantity_rows, conflict_rows) in done:
            with self.begin() as conn:
                self._write_quantities(conn, ids, quantity_rows, conflict_rows)
                conn.execute(dirty_t.delete().where(dirty_t.c.id.in_(ids)))
            n += len(quantity_rows)
        return n

    def refresh_quantities(self, conn: Connection, qids: Iterable[str]) -> int:
        """Recompute the summary row and conflicts of each quantity from its figures. A handful
        of statements for the whole set (not five per quantity): rows are deleted, read and
        written for all of ``qids`` at once, in the order one quantity at a time would use."""
        inputs = _read_quantities(conn, sorted(set(qids)))
        quantity_rows, conflict_rows = quantity_summaries(inputs)
        self._write_quantities(conn, inputs[0], quantity_rows, conflict_rows)
        return len(quantity_rows)

    def _write_quantities(self, conn: Connection, ids: Sequence[str], quantity_rows: list[dict[str, Any]],
                          conflict_rows: list[dict[str, Any]]) -> None:
        """Replace the summary rows and conflicts of the quantities ``ids``."""
        for chunk in batched(ids, 500):  # bounded IN lists
            part = list(chunk)
            conn.execute(conflicts_t.delete().where(conflicts_t.c.quantity_id.in_(part)))
            conn.execute(quantities_t.delete().where(quantities_t.c.id.in_(part)))
        if quantity_rows:
            conn.execute(quantities_t.insert(), quantity_rows)
        if conflict_rows:
            conn.execute(conflicts_t.insert(), conflict_rows)


# the story pass's inputs: (story, its figure rows, headline by article, place aliases by article)
StoryInputs = tuple[str, list[dict[str, Any]], dict[str, str | None], list[dict[str, str]]]
# the quantity refresh's inputs: (quantity ids in order, figure rows by quantity, story labels)
QuantityInputs = tuple[list[str], dict[str, list[dict[str, Any]]], dict[str | None, str | None]]
TASK_FIGURES = 5_000  # figures read per task of the story pass: a few stories, or one big one
STORY_BATCH = 200  # articles per transaction when stories move, or are re-dated
_T = TypeVar("_T")
_O = TypeVar("_O")


def _mapped(workers: Workers, fn: Callable[[_T], _O], tasks: Iterable[_T]) -> Iterator[tuple[_T, _O]]:
    """``(task, fn(task))`` in order, ``fn`` run in the worker pool (at the end of an analyze run
    with several processes, where the workers would otherwise idle while this process works
    alone) while this process makes the next tasks and writes the results; a task whose worker
    failed runs here. ``fn`` must be a module-level function."""
    sent: deque[_T] = deque()

    def feed() -> Iterator[_T]:
        for task in tasks:
            sent.append(task)
            yield task

    for out in workers.map(fn, feed(), fn):
        yield sent.popleft(), out


def _shared_url(engine: Engine, workers: Workers | None) -> str | None:
    """The store's URL when the running worker pool can read the store itself (a file or a
    server, not an in-memory database), so the parent need not read and send what they work on."""
    if workers is None or not workers.running:
        return None
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name == "sqlite" and sqlite_path(url) is None:
        return None
    return url


_READER: dict[str, Engine] = {}  # a worker's read-only engine on the store it works for


def _reader(url: str) -> Engine:
    if url not in _READER:
        for old in _READER.values():
            old.dispose()
        _READER.clear()
        _READER[url] = (_sqlite_engine(url, readonly=True) if sqlite_path(url) is not None
                        else sa.create_engine(url, future=True))
    return _READER[url]


def _read_stories(conn: Connection, stories: list[str]) -> list[StoryInputs]:
    """What :func:`story_moves` reads of each story: its figures, headlines and place aliases."""
    out = []
    for story in stories:
        rows = [dict(r) for r in conn.execute(
            sa.select(figures_t).join(articles_t, articles_t.c.id == figures_t.c.article_id)
            .where(articles_t.c.story_id == story).order_by(figures_t.c.article_id, figures_t.c.id)).mappings()]
        titles = {r.id: r.title for r in conn.execute(sa.select(articles_t.c.id, articles_t.c.title)
                                                      .where(articles_t.c.story_id == story))}
        aliases = [json.loads(a) for a in conn.execute(sa.select(articles_t.c.place_aliases).where(
            articles_t.c.story_id == story)).scalars() if a]
        out.append((story, rows, titles, aliases))
    return out


def _read_quantities(conn: Connection, order: list[str]) -> QuantityInputs:
    """What :func:`quantity_summaries` reads for the quantities ``order`` (sorted): their
    figures with their articles' story, outlet, duplicate and date, and the stories' labels."""
    by_qid: dict[str, list[dict[str, Any]]] = {}
    for chunk in batched(order, 500):  # bounded IN lists
        for r in conn.execute(
                sa.select(figures_t, articles_t.c.story_id, articles_t.c.outlet, articles_t.c.dup_of,
                          articles_t.c.date.label("article_date"))
                .join(articles_t, articles_t.c.id == figures_t.c.article_id)
                .where(figures_t.c.quantity_id.in_(list(chunk))).order_by(figures_t.c.id)).mappings():
            by_qid.setdefault(r["quantity_id"], []).append(dict(r))
    # a label names its story's event
    stories = sorted({rows[0]["story_id"] for rows in by_qid.values() if rows[0]["story_id"]})
    story_labels: dict[str | None, str | None] = {None: None}
    for chunk in batched(stories, 500):
        story_labels.update((r[0], r[1]) for r in conn.execute(
            sa.select(stories_t.c.id, stories_t.c.label).where(stories_t.c.id.in_(list(chunk)))))
    return order, by_qid, story_labels


def _stories_at(task: tuple[str, list[str]]) -> list[tuple[list[dict[str, Any]], set[str]]]:
    """:func:`story_moves` of stories read from the store at a URL (in a worker)."""
    url, stories = task
    with _reader(url).connect() as conn:
        inputs = _read_stories(conn, stories)
    return story_moves(inputs)


def _quantities_at(task: tuple[str, list[str]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """:func:`quantity_summaries` of quantities read from the store at a URL (in a worker)."""
    url, ids = task
    with _reader(url).connect() as conn:
        inputs = _read_quantities(conn, ids)
    return quantity_summaries(inputs)


def story_moves(tasks: Sequence[StoryInputs]) -> list[tuple[list[dict[str, Any]], set[str]]]:
    """For each story: the figures whose quantity id changes under the story-level identity
    (``b_id``, ``b_qid``), and the quantity ids they leave and join (see
    :meth:`Store.resolve_stories`). A pure function of what was read."""
    return [_story_moves(*task) for task in tasks]


def _story_moves(story: str, rows: list[dict[str, Any]], titles: dict[str, str | None],
                 aliases_by_article: list[dict[str, str]]) -> tuple[list[dict[str, Any]], set[str]]:
    figs = [_row_figure(r) for r in rows]
    sids = [r["source_id"] for r in rows]
    places = source_places(figs, sids)
    home = home_places(figs, titles)
    aliases = story_aliases(aliases_by_article)
    by_doc: dict[str, list[Figure]] = {}
    for f in figs:
        by_doc.setdefault(f.doc, []).append(f)
    updates: list[dict[str, Any]] = []
    touched: set[str] = set()
    for r, f, sid in zip(rows, figs, sids, strict=True):
        eff = resolve_place(story_place(f, sid, places), aliases)
        if place_key(eff) in home and not f.subset:
            eff = None  # the story's own place (quantities.home_places)
        near = [g for g in by_doc[f.doc] if abs(g.start - f.start) <= 120]
        qid = quantity_id(quantity_key(replace(f, place=eff), story, near, sid))
        if qid != r["quantity_id"]:
            updates.append({"b_id": r["id"], "b_qid": qid})
            touched |= {qid, r["quantity_id"]} - {None}
    return updates, touched


def quantity_summaries(inputs: QuantityInputs) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The summary row and the conflict rows of each quantity, in the order of its ids (see
    :meth:`Store.refresh_quantities`). A pure function of what was read."""
    order, by_qid, story_labels = inputs
    quantity_rows: list[dict[str, Any]] = []
    conflict_rows: list[dict[str, Any]] = []
    for qid in order:
        rows = by_qid.get(qid)
        if not rows:
            continue
        figs = [_row_figure(r) for r in rows]
        sids = [r["source_id"] for r in rows]
        published = [r["article_date"] for r in rows]
        summary = conflict_summary(figs, sids, published)
        conflict_rows += [{"quantity_id": qid, "figure_a": rows[i]["id"], "figure_b": rows[j]["id"],
                           "kind": kind} for i, j, kind in summary.pairs]
        est = estimate(figs, sids, published)
        values = [v for f in figs for v in (f.value, f.value_high) if v is not None]
        dates = sorted(r["event_date"] for r in rows if r["event_date"])
        # what it counts comes from a figure linking put here, not one an analyst moved in
        first = next((f for f, r in zip(figs, rows, strict=True)
                      if '"quantity_id"' not in (r["auto"] or "")), figs[0])
        cls = counted_class(first)
        # the place most of its figures name (figures inheriting their source's area name none)
        named = Counter(r["place"] for r in rows if r["place"])
        story = rows[0]["story_id"]
        label = _label(first, cls, named.most_common(1)[0][0] if named else None, story_labels.get(story))
        quantity_rows.append(dict(
            id=qid, story_id=rows[0]["story_id"], label=label, category=first.category, counted_class=cls,
            unit=first.unit, running_total=first.category in RUNNING, n_figures=len(rows),
            n_sources=len({r["source_id"] for r in rows}),
            n_articles=len({r["article_id"] for r in rows}),
            n_outlets=len({r["outlet"] or r["article_id"] for r in rows}),
            min_value=min(values) if values else None, max_value=max(values) if values else None,
            first_date=dates[0] if dates else None, last_date=dates[-1] if dates else None,
            n_conflicts=summary.total, n_disputes=summary.disputes, n_revisions=summary.revisions,
            n_across_days=summary.across_days, n_undated=summary.undated,
            estimate=_estimate_json(est, [r["id"] for r in rows])))
    return quantity_rows, conflict_rows


def _estimate_json(est: Any, ids: Sequence[int]) -> str | None:
    """The estimate with figure ids in place of list positions (the views read the figures)."""
    if est is None:
        return None

    def fid(i: int | None) -> int | None:
        return None if i is None else int(ids[i])

    return json.dumps({"latest": [fid(i) for i in est.latest], "day": est.day, "low": fid(est.low),
                       "high": fid(est.high), "conservative": fid(est.conservative),
                       "highest": fid(est.highest), "rule": est.rule})


def _label(f: Figure, cls: str, place: str | None, story_label: str | None = None) -> str:
    """The quantity's label in words (labels.quantity_label)."""
    return quantity_label(f, cls, place, story_label)


def _row_figure(r: Any) -> Figure:
    return Figure(doc=r["article_id"], start=r["start"], end=r["end"], text=r["text"], value=r["value"],
                  value_high=r["value_high"], qualifier=r["qualifier"], unit=r["unit"], counted=r["counted"],
                  category=r["category"], source=r["source"], event_date=r["event_date"],
                  quantity=r["quantity_id"], source_role=r["source_role"], date_basis=r["date_basis"],
                  place=r["place"], projection=bool(r["projection"]), subset=r["subset"],
                  predicate=r["predicate"], event=r.get("event"))


def analyze(inputs: Iterable[str | Path], target: str | Path | None = None, config: Config | None = None,
            on_item: Callable[[Article | ItemError], None] | None = None,
            on_wait: Callable[[str], None] | None = None) -> AnalyzeReport:
    """Ingest articles into the store incrementally: new articles are added, changed ones
    replaced, unchanged ones skipped before any parsing; quantities and conflicts are
    refreshed for every quantity the run touched. The whole run holds the store's writer lock
    (:meth:`Store.writer_lock`), so concurrent runs give a sequential run's result."""
    store = Store(target)
    try:
        # one pool of worker processes for the parse and the re-dating (started only if wanted)
        with store.writer_lock(on_wait), Workers(config or Config()) as workers:
            return _analyze_locked(store, inputs, config, on_item, workers)
    finally:
        store.close()


def _analyze_locked(store: Store, inputs: Iterable[str | Path], config: Config | None,
                    on_item: Callable[[Article | ItemError], None] | None, workers: Workers) -> AnalyzeReport:
    """The body of :func:`analyze`, run under the store's writer lock: the ingest order, the
    stored hashes and the source registry are read after the lock is taken."""
    from .extract import iter_processed, process_now

    report = AnalyzeReport()
    store.link_pending()  # finish what a killed distributed run staged
    with store.engine.connect() as conn:
        seq = store.next_seq(conn)
    existed: set[str] = set()
    run_start = seq

    def fresh(items: Iterable[Article | ItemError]) -> Iterator[Article | ItemError]:
        # ids repeated within this run are caught through the store (no in-memory set of every id);
        # ids still in flight in the parser's batches are remembered in a bounded window
        window: deque[str] = deque()
        pending: set[str] = set()
        for batch in batched(items, 64):
            state = store.stored_state([a.id for a in batch if isinstance(a, Article)])
            for a in batch:
                if isinstance(a, Article):
                    if a.id in pending or (a.id in state and state[a.id][1] >= run_start):
                        yield ItemError(a.origin or a.id, f"duplicate article id {a.id!r}; skipped")
                        continue
                    if a.id in state:
                        if state[a.id][0] == content_hash(a):
                            report.unchanged += 1
                            if on_item is not None:
                                on_item(a)
                            continue
                        existed.add(a.id)
                    pending.add(a.id)
                    window.append(a.id)
                    if len(window) > IN_FLIGHT:
                        pending.discard(window.popleft())
                yield a

    articles = read_articles(inputs, config, dedupe_ids=False)

    def staged(res: ArticleResult, at: int) -> Staged:
        return Staged(res.article, res.figures, res.statements, res.names, at, res.pub, res.features,
                      res.place_aliases, res.minhash)

    def stored(res: ArticleResult, dup: bool) -> None:
        nonlocal seq
        seq += 1
        was = res.article.id in existed
        existed.discard(res.article.id)
        report.replaced += was
        report.added += not was
        report.duplicates += dup

    results = iter_processed(fresh(articles), config, errors=report.errors, on_item=on_item,
                             warnings=report.warnings, workers=workers)

    def write(conn: Connection, group: Sequence[ArticleResult]) -> list[bool]:
        return store.add_articles(conn, [staged(res, seq + i) for i, res in enumerate(group)])

    for res, dup in store.write_batches(results, write, (config or Config()).store_batch, report.errors):
        stored(res, dup)
    # the stories, then the re-dating their years call for: its first articles are parsed in the
    # workers while this process links the stories (what date_from_stories would ask for next)
    plan = store.plan_stories()
    pubs = store.story_dates(plan)
    ahead = process_now(store.stored_articles(sorted(pubs)[:STORY_BATCH]), config or Config(), pubs, workers)
    store.apply_stories(plan, STORY_BATCH)
    report.story_dated = date_from_stories(store, config, STORY_BATCH, workers, ahead=(pubs, ahead))
    report.quantities_updated = store.refresh_dirty(workers=workers)
    return report


def date_from_stories(store: Store, config: Config | None = None, batch: int = STORY_BATCH,
                      workers: Workers | None = None,
                      ahead: tuple[Mapping[str, PubDate], Iterator[ArticleResult]] | None = None) -> int:
    """Date the articles whose dateline gives no year with the year of their story, once the
    run's stories are known: each such article is processed again with that day (its relative
    dates, incidents and figure days depend on it) and its records replaced, then stories are
    re-clustered with its date. An article stored by an earlier run is dated as soon as its story
    gains a dated article; one whose story no longer gives a year is undated again. Idempotent:
    a rerun finds nothing to change. Returns the number of articles processed again. ``ahead``:
    (the days asked for, the results of the first ``batch`` of them) when the caller started
    that parse early; used only if those are still the days the stories give."""
    from .extract import iter_processed

    n = 0
    for _ in range(STORY_ROUNDS):
        pubs = store.story_dates()
        if not pubs:
            break
        with store.engine.connect() as conn:  # once a round: the writer lock keeps it true
            sources = store._load_sources(conn)
        for i, chunk in enumerate(batched(sorted(pubs), batch)):
            if i == 0 and ahead is not None and ahead[0] == pubs:
                done = ahead[1]
            else:
                done = iter_processed(store.stored_articles(chunk), config, pubs=pubs, workers=workers)
            for res in done:
                with store.begin() as conn:
                    store.redate_article(conn, res.article, res.figures, res.statements, res.names,
                                         pubs[res.article.id], res.features, sources)
        ahead = None
        n += len(pubs)
        store.update_stories()
    if ahead is not None:
        close = getattr(ahead[1], "close", None)  # asked for days the stories no longer give: drop it
        if close is not None:
            close()
    return n


__all__ = ["AnalyzeReport", "Staged", "Store", "StoreError", "analyze", "connect", "date_from_stories", "interval",
           "migrate", "to_url"]
