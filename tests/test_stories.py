"""Stories: articles clustered into crises independently of input order, with stable ids and
readable labels; in memory, in the store (SQLite and PostgreSQL), and on the dev sets."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from spacy.language import Language

from newsledger import stories as stories_mod
from newsledger.extract import iter_processed, process_articles
from newsledger.ingest import Article, read_articles
from newsledger.report import conflict_list, ledger
from newsledger.store import Store, analyze, articles_t, dirty_t, figures_t, quantities_t, stories_t
from newsledger.stories import StoryFeatures, cluster, date_range, story_id, summarize

# A fictional war: two strikes a week apart in different towns, each reported three times, and
# a flood in another country covered over three weeks.
WAR = [
    ("kelmar-1", "2031-03-03", "A missile strike on the railway station in Kelmar killed 31 people on Monday, "
     "the Dravonian interior ministry said. Governor Ilsa Brenner said rescuers were still searching the "
     "Kelmar station ruins. President Miran Tosk of Dravonia blamed Ostrelian forces for the strike."),
    ("kelmar-2", "2031-03-04", "The toll from the strike on Kelmar railway station rose to 39, Governor Ilsa "
     "Brenner said on Tuesday. Doctors at Kelmar City Hospital said 80 people were being treated. Dravonia's "
     "president Miran Tosk called the strike a war crime; Ostrelia denied firing on Kelmar."),
    ("kelmar-3", "2031-03-05", "Mourners gathered in Kelmar on Wednesday as Ilsa Brenner, the regional "
     "governor, declared three days of mourning for the 41 people killed in the station strike. Kelmar City "
     "Hospital said 12 of the wounded remained in critical condition."),
    ("varnik-1", "2031-03-10", "Shelling hit the central market in Varnik on Monday, killing 14 people, said "
     "Mayor Oskar Lindqvist. The Dravonian army said Ostrelian artillery fired on Varnik from the east. "
     "President Miran Tosk said Dravonia would answer the attack."),
    ("varnik-2", "2031-03-11", "Mayor Oskar Lindqvist said on Tuesday that the death toll from the shelling of "
     "the Varnik market had risen to 19. Saint Agnes Hospital in Varnik treated 46 wounded. Ostrelia said "
     "its forces had targeted an ammunition depot near Varnik."),
    ("varnik-3", "2031-03-12", "Traders in Varnik began clearing the burned market on Wednesday. Oskar "
     "Lindqvist, the mayor, said 21 people had died in the shelling and Saint Agnes Hospital was still "
     "treating 30 of the wounded."),
]
FLOOD = [
    ("lussa-1", "2031-04-01", "Floods along the Lussa river in Carvenia forced 3,000 people from their homes, "
     "the Carvenian civil protection agency said. Teodor Malic, the agency's chief, said the town of Brisk "
     "was cut off."),
    ("lussa-2", "2031-04-08", "A week after the floods began, 5,200 people remain displaced along the Lussa "
     "river, Teodor Malic of Carvenia's civil protection agency said. Brisk is still reachable only by boat."),
    ("lussa-3", "2031-04-15", "Water levels on the Lussa fell on Tuesday, but 4,100 people are still in "
     "shelters in Brisk and nearby villages, the civil protection agency in Carvenia said."),
    ("lussa-4", "2031-04-22", "Three weeks after the Lussa river floods, Carvenia's government said 2,000 "
     "people had returned home to Brisk. Teodor Malic said the flood damage would take months to repair."),
]


def _articles(rows: list[tuple[str, str, str]]) -> list[Article]:
    # the outlet follows the article, not its position in the input
    return [Article(id=i, text=t, date=d, outlet=f"Outlet {sum(map(ord, i)) % 3}") for i, d, t in rows]


def _partition(stories: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for aid, sid in stories.items():
        groups.setdefault(sid, set()).add(aid)
    return {frozenset(g) for g in groups.values()}


@pytest.fixture(scope="module")
def features(nlp: Language) -> dict[str, StoryFeatures]:
    return {r.article.id: r.features for r in iter_processed(_articles(WAR + FLOOD), nlp=nlp)}


def test_features_hold_places_names_events_and_date(features: dict[str, StoryFeatures]) -> None:
    f = features["kelmar-1"]
    assert f.date == "2031-03-03"
    assert "Kelmar" in f.places
    assert f.events.get("strike", 0) >= 1
    assert any("Brenner" in n for n in f.names)
    assert StoryFeatures.from_json(f.to_json()) == f


def test_two_strikes_of_one_war_stay_apart_and_a_long_flood_stays_one(features: dict[str, StoryFeatures]) -> None:
    stories = cluster(features.items())
    assert _partition(stories) == {frozenset(a for a, _, _ in WAR[:3]), frozenset(a for a, _, _ in WAR[3:]),
                                   frozenset(a for a, _, _ in FLOOD)}
    # a story's id comes from its earliest article
    assert stories["kelmar-3"] == story_id("kelmar-1")
    assert stories["lussa-4"] == story_id("lussa-1")


def test_shuffled_input_gives_the_same_stories_and_ids(features: dict[str, StoryFeatures]) -> None:
    items = list(features.items())
    expected = cluster(items)
    for seed in range(5):
        random.Random(seed).shuffle(items)
        assert cluster(items) == expected


def test_far_apart_dates_are_not_linked_directly() -> None:
    same = {"places": {"Orlen": 3, "Sadova": 1}, "names": {"Jan Petrow": 2}, "events": {"fire": 2}}
    close = {f"a{i}": StoryFeatures(date=f"2031-05-0{i}", **same) for i in (1, 2)}
    late = {"b1": StoryFeatures(date="2031-07-20", **same)}
    stories = cluster({**close, **late}.items())
    assert stories["a1"] == stories["a2"] != stories["b1"]
    # an undated article can join either
    assert len(set(cluster({**close, "u": StoryFeatures(**same)}.items()).values())) == 1


def _crowded(n: int, seed: int) -> list[tuple[str, StoryFeatures]]:
    """Articles drawn from a few overlapping crises: many in each date window, some undated."""
    rng = random.Random(seed)
    places = [f"Place{i}" for i in range(12)]
    names = [f"Name{i}" for i in range(40)]
    out = []
    for k in range(n):
        day = None if k % 17 == 0 else f"2031-{1 + rng.randrange(3):02d}-{1 + rng.randrange(28):02d}"
        out.append((f"a{k:04d}", StoryFeatures(date=day, places={p: rng.randint(1, 4) for p in rng.sample(places, 2)},
                                               names={x: rng.randint(1, 3) for x in rng.sample(names, 4)},
                                               events={rng.choice(["fire", "flood", "strike"]): 1})))
    return out


@pytest.mark.parametrize("products", [1, 500, 20_000, 200_000])
def test_stories_do_not_depend_on_the_chunk_budget(monkeypatch: pytest.MonkeyPatch, products: int) -> None:
    # the similarity products are cut into chunks only to bound memory: any budget, down to one row
    # per chunk, finds the same pairs and so the same stories
    items = _crowded(400, seed=3)
    expected = cluster(items)
    assert 1 < len(set(expected.values())) < 300  # real groups
    X, days = _pair_inputs(items)
    pairs = _similar_pairs(X, days)
    whole = _similar_pairs(X, days, products=10**9)  # one chunk of dated rows, one of undated
    assert len(whole[0]) > 1000 and all((a == b).all() for a, b in zip(pairs, whole, strict=True))
    chunked = _similar_pairs(X, days, products=products)
    assert all((a == b).all() for a, b in zip(chunked, whole, strict=True))
    monkeypatch.setattr(stories_mod, "PRODUCTS_PER_CHUNK", products)
    monkeypatch.setattr(stories_mod, "EDGES_PER_MERGE", max(1, products // 100))
    assert cluster(items) == expected


def test_pairs_are_every_pair_that_passes_the_tests() -> None:
    # the chunked search against the definition: every pair of rows compared directly (cosine,
    # shared names, date gap), so a pair the date-order windows miss or count twice shows
    import numpy as np

    items = _crowded(300, seed=8)
    X, days = _pair_inputs(items)
    sim = (X @ X.T).toarray()
    B = X.copy()
    B.data[:] = 1.0
    shared = (B @ B.T).toarray()
    gap = np.abs(days[:, None] - days[None, :])
    ok = (sim >= stories_mod.MIN_SIMILARITY) & (shared >= stories_mod.MIN_SHARED) & ~(gap > stories_mod.WINDOW_DAYS)
    rows, cols = np.nonzero(np.triu(ok, 1))
    assert len(rows) > 500 and np.isnan(days).any()
    r, c = _similar_pairs(X, days, products=3000)
    assert (r == rows).all() and (c == cols).all()


def test_components_merge_edges_held_in_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    # components found from edges merged a few at a time equal those of the whole graph at once
    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    rng = np.random.default_rng(4)
    n = 500
    r, c = rng.integers(0, n, 420), rng.integers(0, n, 420)
    whole = connected_components(csr_matrix((np.ones(420), (r, c)), shape=(n, n)), directed=False)[1]
    for per_merge in (1, 7, 10_000):
        monkeypatch.setattr(stories_mod, "EDGES_PER_MERGE", per_merge)
        labels = stories_mod._components(n, ((r[k:k + 30], c[k:k + 30]) for k in range(0, 420, 30)))
        # the same partition: each label of one is one label of the other
        assert len(set(zip(labels.tolist(), whole.tolist(), strict=True))) == len(set(whole.tolist())) \
            == len(set(labels.tolist()))


def _similar_pairs(X: Any, days: Any, products: int | None = None) -> tuple[Any, Any]:
    """All linked pairs (row < column) of ``stories._pair_chunks``, sorted."""
    import numpy as np

    chunks = list(stories_mod._pair_chunks(X, days, products))
    if not chunks:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    r_all = np.concatenate([r for r, _ in chunks])
    c_all = np.concatenate([c for _, c in chunks])
    key = np.lexsort((c_all, r_all))
    return r_all[key], c_all[key]


def _pair_inputs(items: list[tuple[str, StoryFeatures]]) -> tuple[Any, Any]:
    import numpy as np

    X = stories_mod._l2_rows(stories_mod.term_matrix([f.terms() for _, f in items]))
    return X, np.array([stories_mod._day(f.date) for _, f in items])


def test_no_names_at_all_gives_one_story_per_article() -> None:
    stories = cluster([("x", StoryFeatures()), ("y", StoryFeatures(date="2031-01-01"))])
    assert stories == {"x": story_id("x"), "y": story_id("y")}
    assert cluster([]) == {}


def test_labels_name_the_event_places_and_dates(features: dict[str, StoryFeatures]) -> None:
    stories = cluster(features.items())
    rows = {s.id: s for s in summarize(stories, features, {a: "one outlet" for a in features})}
    kelmar = rows[stories["kelmar-1"]]
    assert kelmar.label.startswith("strike · Kelmar")
    assert kelmar.label.endswith(" · 3–5 Mar 2031")
    assert (kelmar.first_date, kelmar.last_date, kelmar.n_articles, kelmar.n_outlets) == (
        "2031-03-03", "2031-03-05", 3, 1)
    flood = rows[stories["lussa-1"]]
    assert flood.label.startswith("flood · ")
    assert any(p in flood.label for f in features.values() for p in f.places if f.date and f.date >= "2031-04")
    assert flood.label.endswith("1–22 Apr 2031")


@pytest.mark.parametrize(("first", "last", "text"), [
    ("2031-02-06", "2031-02-12", "6–12 Feb 2031"), ("2031-01-28", "2031-02-03", "28 Jan – 3 Feb 2031"),
    ("2030-12-30", "2031-01-02", "30 Dec 2030 – 2 Jan 2031"), ("2031-02-06", "2031-02-06", "6 Feb 2031"),
    (None, None, ""), ("someday", "2031-02-06", "")])
def test_date_range(first: str | None, last: str | None, text: str) -> None:
    assert date_range(first, last) == text


def test_in_memory_run_is_independent_of_input_order(nlp: Language) -> None:
    arts = _articles(WAR + FLOOD)
    forward = process_articles(arts, nlp=nlp)
    backward = process_articles(list(reversed(arts)), nlp=nlp)
    assert forward.stories == backward.stories
    assert len(set(forward.stories.values())) == 3
    key = sorted((f.doc, f.start, f.quantity) for f in forward.figures)
    assert key == sorted((f.doc, f.start, f.quantity) for f in backward.figures)


# ---------------------------------------------------------------- the store


@pytest.fixture
def opened() -> Iterator[list[Store]]:
    stores: list[Store] = []
    yield stores
    for s in stores:
        s.close()


def _write(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for a in _articles(rows):
            fh.write(json.dumps({"id": a.id, "date": a.date, "text": a.text, "outlet": a.outlet}) + "\n")
    return path


State = tuple[dict[str, str], list[tuple[str, str]], list[tuple[object, ...]], list[tuple[object, ...]]]


def _state(store: Store) -> State:
    with store.engine.connect() as conn:
        stories = {r[0]: r[1] for r in conn.execute(sa.select(articles_t.c.id, articles_t.c.story_id))}
        figs = sorted((r[0], r[1]) for r in conn.execute(sa.select(figures_t.c.text, figures_t.c.quantity_id)))
        quants = sorted(tuple(r) for r in conn.execute(sa.select(
            quantities_t.c.id, quantities_t.c.story_id, quantities_t.c.n_figures, quantities_t.c.n_conflicts)))
        rows = sorted(tuple(r) for r in conn.execute(sa.select(stories_t)))
        assert conn.execute(sa.select(sa.func.count()).select_from(dirty_t)).scalar() == 0
    return stories, figs, quants, rows


@pytest.mark.slow
def test_store_stories_do_not_depend_on_order_or_on_incremental_runs(
        db_target: str, tmp_path: Path, opened: list[Store]) -> None:
    everything = WAR + FLOOD
    # later articles first, in two runs: every article of the first run changes story later
    analyze([_write(tmp_path / "late.jsonl", list(reversed(everything[5:])))], db_target)
    analyze([_write(tmp_path / "early.jsonl", list(reversed(everything[:5])))], db_target)
    store = Store(db_target)
    opened.append(store)
    incremental = _state(store)

    one_run = str(tmp_path / "one.db")
    analyze([_write(tmp_path / "all.jsonl", everything)], one_run)
    clean = Store(one_run)
    opened.append(clean)
    assert incremental == _state(clean)

    stories, _, quants, rows = incremental
    assert _partition(stories) == {frozenset(a for a, _, _ in WAR[:3]), frozenset(a for a, _, _ in WAR[3:]),
                                   frozenset(a for a, _, _ in FLOOD)}
    assert {r[0] for r in rows} == set(stories.values()) == {q[1] for q in quants}
    labels = {r[1] for r in rows}
    assert any(label.startswith("strike · Kelmar") for label in labels)
    # the label travels with every quantity and conflict the views list
    views = ledger(store)
    assert views and all(v.story_label in labels for v in views)
    assert all(c.story_label in labels for c in conflict_list(store))


@pytest.mark.slow
def test_wire_copy_stays_in_its_original_story(tmp_path: Path, opened: list[Store]) -> None:
    original = WAR[0]
    copy = ("kelmar-1-copy", "2031-03-20", original[2] + " (Republished.)")
    db = str(tmp_path / "dup.db")
    analyze([_write(tmp_path / "a.jsonl", [*WAR, copy])], db)
    store = Store(db)
    opened.append(store)
    with store.engine.connect() as conn:
        rows = {r[0]: (r[1], r[2]) for r in conn.execute(
            sa.select(articles_t.c.id, articles_t.c.story_id, articles_t.c.dup_of))}
    assert rows["kelmar-1-copy"] == (rows["kelmar-1"][0], "kelmar-1")


# ---------------------------------------------------------------- the dev sets


@pytest.fixture(scope="module")
def dev_features(nlp: Language, shared: Path) -> dict[str, dict[str, StoryFeatures]]:
    """Parsed once; the clusterings below re-cluster the stored features in shuffled orders."""
    out: dict[str, dict[str, StoryFeatures]] = {}
    for name in ("dev_hard", "dev_synthetic"):
        arts = read_articles([shared / "corpus" / f"{name}.jsonl"])
        out[name] = {r.article.id: r.features for r in iter_processed(arts, nlp=nlp)}
    return out


@pytest.mark.slow
@pytest.mark.parametrize(("sets", "n"), [(("dev_hard",), 6), (("dev_synthetic",), 4),
                                         (("dev_hard", "dev_synthetic"), 10)])
def test_dev_sets_give_one_story_per_crisis_in_any_order(
        dev_features: dict[str, dict[str, StoryFeatures]], sets: tuple[str, ...], n: int) -> None:
    items = [(aid, f) for s in sets for aid, f in dev_features[s].items()]
    # the dev sets name each article after its crisis ("quake_03")
    crises = _partition({aid: aid.rsplit("_", 1)[0] for aid, _ in items})
    assert len(crises) == n
    expected = cluster(items)
    assert _partition(expected) == crises
    for seed in range(3):
        random.Random(seed).shuffle(items)
        assert cluster(items) == expected


@pytest.mark.slow
def test_a_store_from_before_stories_upgrades_and_reclusters(db_target: str, tmp_path: Path,
                                                            opened: list[Store]) -> None:
    analyze([_write(tmp_path / "a.jsonl", WAR + FLOOD)], db_target)
    store = Store(db_target)
    with store.begin() as conn:  # what a schema-3 store looked like: greedy story numbers, no features
        conn.execute(articles_t.update().values(story_features=None, story_id="s-1"))
        conn.execute(sa.text("DROP TABLE stories"))
        conn.execute(sa.text("UPDATE meta SET value = '3' WHERE key = 'schema_version'"))
    store.close()
    store = Store(db_target)
    opened.append(store)
    assert store.update_stories() == len(WAR + FLOOD)  # every article gets a clustered story
    store.refresh_dirty()
    stories, _, quants, rows = _state(store)
    assert {r[0] for r in rows} == set(stories.values()) == {q[1] for q in quants}
    # from the stored names and dates alone, the flood is still apart from the war
    assert frozenset(a for a, _, _ in FLOOD) in _partition(stories)


def test_term_matrix_sorts_columns_and_rows_entries():
    import numpy as np

    from newsledger.stories import term_matrix

    X = term_matrix([{"n:b": 2.0, "p:a": 1.0}, {}, {"e:c": 3.0, "n:b": 0.5}])
    # columns in sorted term order: e:c, n:b, p:a; each row's entries by column
    assert X.shape == (3, 3)
    assert X.indptr.tolist() == [0, 2, 2, 4]
    assert X.indices.tolist() == [1, 2, 0, 1]
    assert X.data.tolist() == [2.0, 1.0, 3.0, 0.5]
    assert X.toarray().tolist() == [[0.0, 2.0, 1.0], [0.0, 0.0, 0.0], [3.0, 0.5, 0.0]]
    assert np.array_equal(term_matrix([{}]).indptr, [0, 0])


def test_l2_rows_scales_each_row_to_unit_length_and_keeps_zero_rows():
    import numpy as np

    from newsledger.stories import _l2_rows, term_matrix

    X = term_matrix([{"a": 3.0, "b": 4.0}, {}, {"c": 0.1, "a": 0.2, "b": 0.3}])
    Y = _l2_rows(X)
    assert Y.toarray()[0].tolist() == [0.6, 0.8, 0.0]
    assert Y.toarray()[1].tolist() == [0.0, 0.0, 0.0]
    assert np.isclose(np.linalg.norm(Y.toarray()[2]), 1.0)
    assert X.data.tolist()[:2] == [3.0, 4.0]  # the input is left as it was


def test_clustering_does_not_import_scikit_learn():
    """scikit-learn costs over a second to import in every process; stories need none of it."""
    import subprocess
    import sys

    code = ("import sys; from newsledger.stories import StoryFeatures, cluster; "
            "cluster([('a', StoryFeatures(names={'Orlen': 2}, date='2031-02-01')), "
            "('b', StoryFeatures(names={'Orlen': 1}, date='2031-02-02'))]); "
            "print('sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
