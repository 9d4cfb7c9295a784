"""Group articles into stories (one crisis each) by what they are about and when.

A corpus can hold several crises at once, and figures are only compared within a story.
Each article is summarised by a small stored feature set (:class:`StoryFeatures`): the places
it names, the other names it mentions most (organisations, people, nationalities), the nouns
that say what kind of event it is (earthquake, explosion, strike...), and its date.

Clustering is recomputed over all articles whenever the corpus grows, so the result does not
depend on the order articles arrived in: articles become TF-IDF vectors (names shared by
nearly every article weigh little, a name shared by a handful weighs much), two articles are
linked when their cosine similarity is high, they share at least two names and their dates
are close, and stories are the connected components of that sparse graph. The graph is built
in chunks of date-sorted rows, each row against the later articles of its date window only,
and merged into components as it goes, so memory stays bounded, no n x n matrix is ever
formed and the work follows the pairs that share a name. A story's id comes from its earliest
article, so reruns and incremental runs keep ids.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from spacy.attrs import LEMMA
from spacy.tokens import Doc

from . import wordlists
from .util import TokenTest

NAME_LABELS = {"GPE", "LOC", "FAC", "ORG", "PERSON", "EVENT", "NORP"}
PLACE_LABELS = {"GPE", "LOC", "FAC"}
TOP_NAMES = 12  # the names kept in ``articles.names`` (near-duplicates, search)
TOP_FEATURES = 30  # names per kind kept as story features
# names that say nothing about which event a story is (world bodies, platforms); news agencies
# come from the ``news_agencies`` word list
GENERIC_NAMES = {"un", "united nations", "u.n.", "eu", "european union", "nato", "who", "red cross", "twitter",
                 "facebook", "telegram", "x", "instagram", "youtube", "tiktok"}

# how much each kind of feature counts towards similarity (before IDF)
WEIGHTS = {"p": 1.5, "n": 1.0, "e": 1.0}
MIN_SIMILARITY = 0.2  # cosine of the TF-IDF vectors for an edge
MIN_AVERAGE_SIMILARITY = 0.15  # mean cosine between two groups of articles for them to be one story
MAX_EXACT = 3000  # articles per component refined by average linkage
MIN_SHARED = 2  # distinct shared features for an edge (one common name is chance)
WINDOW_DAYS = 14  # dated articles further apart than this are never linked directly
IDF_FLOOR = 0.2  # names in (almost) every article still count a little: a corpus of one crisis stays one
# a name in more articles than this identifies no single story (like a stop word): it is dropped,
# which also bounds the cost of the similarity products on large corpora
MAX_DF = 5000
# feature matches per chunk of the similarity products (an upper bound on the cells they hold);
# the pairs found do not depend on it
PRODUCTS_PER_CHUNK = 250_000
EDGES_PER_MERGE = 2_000_000  # linked pairs held before they are merged into components
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def normalize_name(text: str) -> str:
    t = text.strip().lower()
    for suffix in ("'s", "’s", "'", "’"):
        if t.endswith(suffix):
            t = t[: -len(suffix)]
    if t.startswith("the "):
        t = t[4:]
    return " ".join(t.split())


def _display(text: str) -> str:
    t = " ".join(text.split())
    for suffix in ("'s", "’s", "'", "’"):
        if t.endswith(suffix):
            t = t[: -len(suffix)]
    if t.lower().startswith("the "):
        t = t[4:]
    return t


def _generic(name: str) -> bool:
    return name in GENERIC_NAMES or name in wordlists.words("news_agencies") or len(name) <= 1


def article_names(doc: Doc, top: int = TOP_NAMES) -> list[str]:
    """The names an article mentions most, normalised (lower case, no possessive, no "the")."""
    counts: Counter[str] = Counter()
    for ent in doc.ents:
        if ent.label_ not in NAME_LABELS - {"NORP"}:
            continue
        name = normalize_name(ent.text)
        if name and not _generic(name):
            counts[name] += 1
    return [n for n, _ in counts.most_common(top)]


@dataclass(frozen=True)
class StoryFeatures:
    """What an article is about, as stored per article: display name -> mentions, by kind."""

    date: str | None = None
    places: dict[str, int] = field(default_factory=dict)
    names: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({"date": self.date, "places": self.places, "names": self.names, "events": self.events},
                          ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None, date: str | None = None, names: Sequence[str] = ()) -> StoryFeatures:
        """Stored features; for an article stored before they existed, its names and date."""
        if not text:
            return cls(date=date, names={n: 1 for n in names})
        d: dict[str, Any] = json.loads(text)
        return cls(date=d.get("date") or date, places=dict(d.get("places") or {}), names=dict(d.get("names") or {}),
                   events=dict(d.get("events") or {}))

    def terms(self) -> dict[str, float]:
        """Feature key -> weighted sublinear term frequency (keys normalised, kind-prefixed)."""
        out: dict[str, float] = {}
        for kind, counts in (("p", self.places), ("n", self.names), ("e", self.events)):
            for name, c in counts.items():
                key = normalize_name(name)
                if not key:
                    continue
                k = f"{kind}:{key}"
                out[k] = max(out.get(k, 0.0), WEIGHTS[kind] * (1.0 + math.log(max(1, c))))
        return out


def _is_event_lemma(lemma: str) -> bool:
    return lemma.lower() in wordlists.words("story_events")


_EVENT_LEMMA = TokenTest(LEMMA, _is_event_lemma)


def story_features(doc: Doc) -> StoryFeatures:
    """The features of a processed article: named places, other names, event nouns, its date
    (published, else inferred: ``doc._.pub_date``)."""
    places: Counter[str] = Counter()
    names: Counter[str] = Counter()
    shown: dict[str, Counter[str]] = {}
    for ent in doc.ents:
        if ent.label_ not in NAME_LABELS:
            continue
        key = normalize_name(ent.text)
        if not key or _generic(key) or not any(ch.isalpha() for ch in key):
            continue
        (places if ent.label_ in PLACE_LABELS else names)[key] += 1
        shown.setdefault(key, Counter())[_display(ent.text)] += 1
    events: Counter[str] = Counter(doc[i].lemma_.lower() for i in _EVENT_LEMMA.positions(doc) if doc[i].pos_ == "NOUN")

    def top(c: Counter[str]) -> dict[str, int]:
        # ties broken by name so the features do not depend on the order of mentions
        best = sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_FEATURES]
        return {sorted(shown[k].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]: n for k, n in best}

    date = getattr(doc._, "pub_date", None) if doc.has_extension("pub_date") else None
    return StoryFeatures(date=date or None, places=top(places), names=top(names),
                         events=dict(sorted(events.items())))


def _day(date: str | None) -> float:
    try:
        return float(dt.date.fromisoformat((date or "")[:10]).toordinal())
    except ValueError:
        return math.nan


def term_matrix(terms: Sequence[dict[str, float]]) -> Any:
    """Rows of term weights as a CSR matrix, columns in sorted term order and each row's entries
    sorted by column: the layout scikit-learn's ``DictVectorizer(sort=True)`` gives, built
    without importing scikit-learn (over a second per process, for this one call)."""
    import numpy as np
    from scipy.sparse import csr_matrix

    vocab = {t: j for j, t in enumerate(sorted({t for row in terms for t in row}))}
    indptr = [0]
    indices: list[int] = []
    values: list[float] = []
    for row in terms:
        for j, v in sorted((vocab[t], v) for t, v in row.items()):
            indices.append(j)
            values.append(v)
        indptr.append(len(indices))
    return csr_matrix((np.array(values, dtype=np.float64), np.array(indices, dtype=np.int32),
                      np.array(indptr, dtype=np.int32)), shape=(len(terms), len(vocab)))


def _l2_rows(X: Any) -> Any:
    """``X`` with each row scaled to unit length (rows of zeros stay zero). The squares are
    summed one by one in stored order, as scikit-learn's ``normalize`` does, so the result is
    the same to the last bit (a pairwise numpy sum would round differently)."""
    import math

    X = X.copy()
    data, indptr = X.data, X.indptr
    for i in range(X.shape[0]):
        a, b = int(indptr[i]), int(indptr[i + 1])
        total = 0.0
        for x in data[a:b].tolist():
            total += x * x
        if total != 0.0:
            data[a:b] /= math.sqrt(total)
    return X


def cluster(items: Iterable[tuple[str, StoryFeatures]]) -> dict[str, str]:
    """Article id -> story id for articles with these features. Deterministic and independent
    of the order of ``items``; a story's id is :func:`story_id` of its earliest article."""
    import numpy as np
    from scipy.sparse import diags

    rows = sorted(items, key=lambda it: it[0])
    n = len(rows)
    if n == 0:
        return {}
    ids = [aid for aid, _ in rows]
    days = np.array([_day(f.date) for _, f in rows])
    X = term_matrix([f.terms() for _, f in rows])
    if X.shape[1] == 0:  # no article names anything: each is a story of its own
        return {aid: story_id(aid) for aid in ids}
    present = X.copy()
    present.data[:] = 1.0
    df = np.asarray(present.sum(axis=0)).ravel()
    keep = (df >= 2) & (df <= MAX_DF)  # a name in one article links nothing and only dilutes it
    idf = np.where(keep, np.maximum(np.log(n / np.maximum(df, 1)), IDF_FLOOR), 0.0)
    X = _l2_rows((X @ diags(idf)).tocsr())
    X.eliminate_zeros()  # dropped names: the stored entries are the kept features

    labels = _split_chains(X, _components(n, _pair_chunks(X, days)))
    founder: dict[int, tuple[str, str]] = {}
    for i, lab in enumerate(labels):
        key = (rows[i][1].date or "9999-12-31", ids[i])
        if lab not in founder or key < founder[lab]:
            founder[lab] = key
    return {ids[i]: story_id(founder[lab][1]) for i, lab in enumerate(labels)}


def _pair_chunks(X: Any, days: Any, products: int | None = None) -> Iterator[tuple[Any, Any]]:
    """The linked pairs of unit rows ``X`` (no stored zeros), chunk by chunk, as (lower index,
    higher index) arrays; ``days`` are the rows' days (NaN: unknown).

    Rows are taken in date order and each is compared only with the rows after it in that order
    up to the end of its date window, and with the undated rows, so each pair is computed once
    and the work follows the pairs that share a feature rather than rows x window: a story of
    thousands of articles within a few weeks no longer costs one product against the whole
    window per handful of rows. A chunk holds consecutive rows whose feature matches (each
    feature's document frequency, summed over the row) stay within ``products``
    (``PRODUCTS_PER_CHUNK``), which bounds the products' size. A pair's similarity is the same
    in any chunk and from either side (each cell sums the shared terms in column order), so the
    pairs do not depend on the chunks."""
    import numpy as np

    budget = PRODUCTS_PER_CHUNK if products is None else products
    n = X.shape[0]
    order = np.lexsort((np.arange(n), np.nan_to_num(days, nan=np.inf)))
    sorted_days = days[order]
    dated = int(np.count_nonzero(~np.isnan(days)))  # sorted rows [0, dated) have a day
    Xs = X[order]
    Bs = Xs.copy()  # the features as 0/1: the same structure, so its products line up with Xs's
    Bs.data[:] = 1.0
    df = np.asarray(Bs.sum(axis=0)).ravel()
    spent = np.cumsum(np.asarray(Bs @ df).ravel())  # feature matches of sorted rows [0, i]
    start = 0
    while start < n:
        stop = dated if start < dated else n  # a chunk is all dated or all undated
        before = spent[start - 1] if start else 0.0
        end = min(stop, max(start + 1, int(np.searchsorted(spent, before + budget, "right"))))
        if start < dated:  # later rows to the end of the last row's window, then the undated
            last = int(np.searchsorted(sorted_days[:dated], sorted_days[end - 1] + WINDOW_DAYS, "right"))
            cands = [(start, last), (dated, n)]
        else:  # undated rows meet the dated ones from the dated side
            cands = [(start, n)]
        for a, b in cands:
            if a >= b:
                continue
            sim = (Xs[start:end] @ Xs[a:b].T).tocsr()
            shared = (Bs[start:end] @ Bs[a:b].T).tocsr()
            if not (np.array_equal(sim.indptr, shared.indptr) and np.array_equal(sim.indices, shared.indices)):
                raise AssertionError("the similarity and shared-feature products differ in structure")
            i = np.repeat(np.arange(end - start), np.diff(sim.indptr))
            j = sim.indices
            # each pair once, from its row earlier in date order; similar enough; enough shared
            keep = (a + j > start + i) & (sim.data >= MIN_SIMILARITY) & (shared.data >= MIN_SHARED)
            i, j = start + i[keep], a + j[keep]
            keep = ~(np.abs(sorted_days[i] - sorted_days[j]) > WINDOW_DAYS)  # unknown date: no gap
            r, c = order[i[keep]], order[j[keep]]
            if len(r):
                yield np.minimum(r, c), np.maximum(r, c)
        start = end


def _components(n: int, chunks: Iterable[tuple[Any, Any]]) -> Any:
    """Connected-component labels of ``n`` nodes under the edges of ``chunks``, merged every
    ``EDGES_PER_MERGE`` edges so a story of thousands of articles (millions of linked pairs)
    never holds all its pairs at once."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    labels = np.arange(n)
    pending: list[tuple[Any, Any]] = []
    held = 0

    def merge() -> None:
        nonlocal labels, held
        r = labels[np.concatenate([a for a, _ in pending])]
        c = labels[np.concatenate([b for _, b in pending])]
        graph = csr_matrix((np.ones(len(r)), (r, c)), shape=(n, n))
        labels = connected_components(graph, directed=False)[1][labels]
        pending.clear()
        held = 0

    for r, c in chunks:
        pending.append((r, c))
        held += len(r)
        if held >= EDGES_PER_MERGE:
            merge()
    if pending:
        merge()
    return labels


def _split_chains(X: Any, labels: Any) -> Any:
    """Within each connected component, merge articles by average linkage: two groups join
    only if their articles are similar on average, so one article that
    mentions two events of a war (or two that share only the war's names) cannot chain them
    into one story. Components larger than MAX_EXACT stay whole (dense features would not fit)."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage

    out = labels.copy()
    next_label = int(labels.max()) + 1 if len(labels) else 0
    for lab in np.unique(labels):
        members = np.flatnonzero(labels == lab)
        if len(members) < 3 or len(members) > MAX_EXACT:
            continue
        sub = X[members]
        cols = np.unique(sub.indices)
        dense = sub[:, cols].toarray()
        # every pair counts: a pair that shares nothing pulls the average down (scipy's average
        # linkage; scikit-learn's AgglomerativeClustering is the same and slower to import)
        tree = linkage(dense, method="average", metric="cosine")
        parts = fcluster(tree, t=1.0 - MIN_AVERAGE_SIMILARITY, criterion="distance")
        for p in np.unique(parts)[1:]:
            out[members[parts == p]] = next_label
            next_label += 1
    return out


def story_id(founding_article: str) -> str:
    """A story's id, derived from the id of its earliest article (stable across runs)."""
    return "s-" + hashlib.sha1(founding_article.encode("utf-8")).hexdigest()[:10]


@dataclass(frozen=True)
class StorySummary:
    """One row of the ``stories`` table."""

    id: str
    label: str
    first_date: str | None
    last_date: str | None
    n_articles: int
    n_outlets: int


def summarize(stories: dict[str, str], features: dict[str, StoryFeatures],
              outlets: dict[str, str | None] | None = None) -> list[StorySummary]:
    """A readable summary per story: "earthquake · Karsa / Velmora · 6–12 Feb 2031" (the event
    noun most characteristic of the story, its two most mentioned places, its date range)."""
    outlets = outlets or {}
    n = max(1, len(features))
    doc_freq: Counter[str] = Counter()
    for f in features.values():
        doc_freq.update(set(f.events))
    members: dict[str, list[str]] = {}
    for aid, sid in stories.items():
        members.setdefault(sid, []).append(aid)
    out = []
    for sid in sorted(members):
        arts = sorted(members[sid])
        feats = [features[a] for a in arts if a in features]
        event_score: dict[str, float] = {}
        place_score: dict[str, float] = {}
        place_form: dict[str, Counter[str]] = {}
        for f in feats:
            for e in f.events:
                event_score[e] = event_score.get(e, 0.0) + 1.0 + math.log(n / doc_freq[e])
            for p, c in f.places.items():
                key = normalize_name(p)
                place_score[key] = place_score.get(key, 0.0) + 1.0 + 0.1 * min(c, 10)
                place_form.setdefault(key, Counter())[p] += c
        event = sorted(event_score.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if event_score else ""
        top = sorted(place_score.items(), key=lambda kv: (-kv[1], kv[0]))[:2]
        places = " / ".join(sorted(place_form[k].items(), key=lambda kv: (-kv[1], kv[0]))[0][0] for k, _ in top)
        dates = sorted(f.date[:10] for f in feats if f.date)
        first, last = (dates[0], dates[-1]) if dates else (None, None)
        label = " · ".join(b for b in (event, places, date_range(first, last)) if b) or sid
        out.append(StorySummary(sid, label, first, last, len(arts),
                                len({outlets.get(a) or a for a in arts})))
    return out


def date_range(first: str | None, last: str | None) -> str:
    """"6–12 Feb 2031", "28 Jan – 3 Feb 2031", "30 Dec 2030 – 2 Jan 2031" or one day."""
    if not first or not last:
        return ""
    try:
        a, b = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    except ValueError:
        return ""

    def day(d: dt.date, year: bool = True) -> str:
        return f"{d.day} {MONTHS[d.month - 1]}" + (f" {d.year}" if year else "")

    if a == b:
        return day(a)
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day}–{day(b)}"
    if a.year == b.year:
        return f"{day(a, False)} – {day(b)}"
    return f"{day(a)} – {day(b)}"
