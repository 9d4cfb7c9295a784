"""Grouping rules: running totals stay one quantity, events and sub-groups do not; conflicts."""

from dataclasses import replace
from pathlib import Path

import pytest

from newsledger.quantities import (
    assign_quantities,
    breakdown_parts,
    conflict_kind,
    conflict_summary,
    conflicts,
    counted_class,
    disagree,
    estimate,
    home_places,
    interval,
)
from newsledger.records import Figure


def fig(value: float, category: str = "killed", counted: str = "people", date: str | None = "2030-01-02",
        qualifier: str = "exact", source: str | None = "ministry", doc: str = "a", start: int = 0,
        **kw: object) -> Figure:
    return Figure(doc=doc, start=start, end=start + 2, text=str(value), value=value, value_high=None,
                  qualifier=qualifier, unit=kw.pop("unit", None), counted=counted, category=category,  # type: ignore[arg-type]
                  source=source, event_date=date, **kw)  # type: ignore[arg-type]


def test_interval_rule_matches_the_spec() -> None:
    assert interval(100, "approx") == (85.0, pytest.approx(115.0))
    assert interval(10, "vague") == (10.0, 100.0)
    assert interval(5, "at_most") == (0.0, 5.0)
    assert disagree(fig(46), fig(20))
    assert not disagree(fig(100, qualifier="approx"), fig(110))
    assert not disagree(fig(9, qualifier="at_least"), fig(14))


def test_running_total_revisions_are_one_quantity_events_are_split_by_day() -> None:
    figs = assign_quantities([fig(9, date="2030-01-01"), fig(23, date="2030-01-02", doc="b"),
                              fig(5000, "attended", date="2030-01-01"), fig(7000, "attended", date="2030-01-02")])
    assert figs[0].quantity == figs[1].quantity
    assert figs[2].quantity != figs[3].quantity


def test_subgroups_places_forecasts_and_subcounts_are_apart() -> None:
    base = fig(30)
    others = [fig(9, counted="children"), fig(40, projection=True), fig(12, subset="hospitalise"),
              fig(30, category="injured")]
    out = assign_quantities([base, *others])
    assert len({f.quantity for f in out}) == 5
    crowd = assign_quantities([fig(1000, "attended", place="Alcoria"), fig(5000, "attended", place=None)])
    assert crowd[0].quantity != crowd[1].quantity


def test_men_are_a_subgroup_only_beside_women_or_children() -> None:
    men, women = fig(18, counted="men", start=0), fig(14, counted="women", start=10)
    assert counted_class(men, [men, women]) == "men"
    assert counted_class(fig(40, counted="men"), []) == "people"
    assert counted_class(fig(3, counted="police officers"), []) == "police"
    assert counted_class(fig(3, unit="USD", counted="USD"), []) == "USD"


def test_stories_keep_crises_apart() -> None:
    out = assign_quantities([fig(10, doc="quake"), fig(20, doc="flood")], stories={"quake": "s-1", "flood": "s-2"})
    assert out[0].quantity != out[1].quantity


def test_conflicts_are_revisions_same_day_disputes_or_across_days() -> None:
    a, b, c = fig(14, source="agency"), fig(31, source="agency", date="2030-01-03"), fig(52, source="governor")
    found = {(x.a.value, x.b.value): x.kind for x in conflicts(assign_quantities([a, b, c]))}
    # the agency's own series is a revision; agency and governor on 2 January a dispute; the
    # governor's 2 January figure against the agency's later one is neither
    assert found == {(14, 31): "revision", (14, 52): "dispute", (52, 31): "across_days"}
    assert conflict_kind(a, b, True) == "revision"
    assert conflict_kind(a, fig(52, date=None), False) == "undated"


@pytest.mark.slow
def test_protest_days_and_cities_on_written_articles(db_target: str) -> None:
    from newsledger.report import ledger
    from newsledger.store import Store, analyze

    analyze([Path(__file__).parent / "data" / "ledger" / "protest.jsonl"], db_target)
    with Store(db_target) as store:
        groups = {q.label: sorted(f.value for f in q.figures) for q in ledger(store)}
    turnout = {k: v for k, v in groups.items() if "turned out" in k}
    # national day 1, national day 2 and Port Amel day 1 are three quantities
    assert sorted(turnout.values()) == sorted([[10000, 90000, 250000], [60000, 180000], [12000, 40000]])
    arrests = {k: v for k, v in groups.items() if "detained" in k}
    assert sorted(arrests.values()) == [[12], [31]]


def test_conflict_counts_are_exact_for_large_quantities() -> None:
    import random

    from newsledger.quantities import ALL_PAIRS_LIMIT

    rng = random.Random(3)
    figs = [fig(rng.randint(1, 60), qualifier=rng.choice(["exact", "approx", "at_least", "at_most"]),
                date=f"2030-01-{1 + i % 28:02d}", source=f"s{i % 5}", start=i) for i in range(150)]
    figs += [fig(7, date=None, source=f"s{i}", start=200 + i) for i in range(3)]
    sources: list[str | None] = [f.source for f in figs]
    summary = conflict_summary(figs, sources)
    claims = list({(f.source, f.value, f.qualifier, f.event_date): f for f in figs}.values())
    brute: dict[str, int] = {"dispute": 0, "revision": 0, "across_days": 0, "undated": 0}
    for i in range(len(claims)):
        for j in range(i + 1, len(claims)):
            if disagree(claims[i], claims[j]):
                brute[conflict_kind(claims[i], claims[j], claims[i].source == claims[j].source)] += 1
    assert (summary.disputes, summary.revisions, summary.across_days, summary.undated) == (
        brute["dispute"], brute["revision"], brute["across_days"], brute["undated"])
    assert all(brute.values())
    assert len(claims) > ALL_PAIRS_LIMIT and 0 < len(summary.pairs) < summary.total
    # the bounded pairs still include each day's disputes between the main sources
    assert {k for _, _, k in summary.pairs} >= {"dispute", "revision"}
    small = conflict_summary(figs[:20], sources[:20])
    assert len(small.pairs) == small.total


def test_counts_match_the_pairs_kept_with_copies_and_parts() -> None:
    import random
    from collections import Counter

    rng = random.Random(5)
    figs = [fig(rng.randint(1, 40), date=rng.choice(["2030-01-01", "2030-01-02", None]), source=f"s{rng.randint(0, 3)}",
                doc=f"d{rng.randint(0, 8)}", start=i) for i in range(40)]
    # wire copies: another article repeating one article's figures, so its pairs of parts repeat
    figs += [replace(f, doc="copy") for f in figs if f.doc == "d0"]
    s = conflict_summary(figs, [f.source for f in figs])
    kinds = Counter(k for _, _, k in s.pairs)
    assert (kinds["dispute"], kinds["revision"], kinds["across_days"], kinds["undated"]) == (
        s.disputes, s.revisions, s.across_days, s.undated)


def test_revisions_run_earlier_to_later_whatever_the_input_order() -> None:
    later_lower = fig(40, source="agency", date="2030-01-05", doc="b")
    earlier = fig(52, source="agency", date="2030-01-03", doc="a")
    s = conflict_summary([later_lower, earlier], ["agency", "agency"])
    assert s.pairs == [(1, 0, "revision")] and s.revisions == 1
    # undated figures of one source are ordered by their articles' publication dates
    u1, u2 = fig(10, date=None, doc="x"), fig(20, date=None, doc="y")
    s = conflict_summary([u2, u1], ["m", "m"], published=["2030-02-02", "2030-02-01"])
    assert s.pairs == [(1, 0, "revision")]


def test_one_sources_figures_in_one_article_are_parts_not_revisions() -> None:
    # "Three died at the scene and 12 more in hospital": one source, one article, one day
    scene, hospital = fig(3, source="agency", start=0), fig(12, source="agency", start=40)
    later = fig(20, source="agency", date="2030-01-04", doc="b")
    s = conflict_summary([scene, hospital, later], ["agency"] * 3)
    assert {(i, j) for i, j, _ in s.pairs} == {(0, 2), (1, 2)} and s.revisions == 2
    # the article's own unattributed figures likewise
    s = conflict_summary([fig(3, source=None), fig(12, source=None, start=40)], [None, None])
    assert s.total == 0 and s.pairs == []
    # figures of one article dated to different days are a stated revision
    rose = [fig(61, date="2030-01-04", start=0), fig(52, date="2030-01-03", start=10)]
    s = conflict_summary(rose, ["agency"] * 2)
    assert s.pairs == [(1, 0, "revision")]
    # two sources set side by side in one sentence do disagree
    side = [fig(34, source="government", start=0), fig(45, source="governor", start=40)]
    s = conflict_summary(side, ["government", "governor"])
    assert s.pairs == [(0, 1, "dispute")] and s.disputes == 1


def test_parts_that_add_up_to_a_total_are_left_out() -> None:
    text = [fig(8, start=0), fig(12, start=30), fig(20, start=60)]  # 8 + 12 = 20, one article
    other = fig(35, source="governor", doc="b")
    figs = [*text, other]
    sids = [f.source for f in figs]
    assert breakdown_parts(figs, sids) == {0, 1}
    s = conflict_summary(figs, sids)
    assert s.pairs == [(2, 3, "dispute")] and s.total == 1
    e = estimate(figs, sids)
    assert e is not None and e.conservative == 2 and 0 not in e.latest
    # without a total they are no parts
    assert breakdown_parts([*text[:2], fig(21, start=60)], ["ministry"] * 3) == set()


def test_wire_copies_and_repeats_do_not_double_a_pair() -> None:
    original = [fig(52, source="agency", doc="orig", start=0), fig(61, source="governor", doc="orig", start=50)]
    copy = [fig(52, source="agency", doc="copy", start=0), fig(61, source="governor", doc="copy", start=50)]
    figs = original + copy
    s = conflict_summary(figs, [f.source for f in figs])
    assert s.disputes == 1 and s.total == 1
    assert s.pairs == [(0, 1, "dispute")]  # the original's figures stand for the claim


def test_unattributed_figures_are_never_one_sources_revision() -> None:
    s = conflict_summary([fig(10, source=None, doc="a"), fig(30, source=None, doc="b")], [None, None])
    assert (s.revisions, s.disputes) == (0, 1)


def test_estimate_latest_per_source_latest_day_range_and_bounds() -> None:
    figs = [fig(14, source="agency", date="2030-01-02", qualifier="at_least"),
            fig(34, source="government", date="2030-01-04"),
            fig(52, source="agency", date="2030-01-06"),
            fig(61, source="governor", date="2030-01-06"),
            fig(45, source="governor", date="2030-01-04"),
            fig(38, source="red cross", date="2030-01-05", qualifier="approx")]
    e = estimate(figs, [f.source for f in figs])
    assert e is not None
    assert sorted(e.latest) == [1, 2, 3, 5] and e.latest[-1] == 1  # newest first
    assert e.day == "2030-01-06" and (e.low, e.high) == (2, 3)
    # about 38 allows 32.3, below the government's 34: the most conservative reading among the latest figures
    assert e.conservative == 5 and e.highest == 3
    assert "latest" in e.rule
    # a wire copy repeating the latest figure does not replace the original's
    copy = fig(61, source="governor", date="2030-01-06", doc="copy")
    e2 = estimate([*figs, copy], [f.source for f in [*figs, copy]])
    assert e2 is not None and 3 in e2.latest and 6 not in e2.latest
    assert estimate([], []) is None


def test_another_incident_is_its_own_quantity() -> None:
    out = assign_quantities([fig(41), fig(58, doc="b"), fig(11400, event="1987"), fig(11400, doc="b", event="1987"),
                             fig(9000, event="since")])
    assert out[0].quantity == out[1].quantity
    assert out[2].quantity == out[3].quantity != out[0].quantity
    assert out[4].quantity not in (out[0].quantity, out[2].quantity)


def test_generic_words_for_those_counted_share_a_quantity() -> None:
    """Who they are, not what is counted: nationals and citizens of one sub-group, suspects and
    detainees of one running total."""
    out = assign_quantities([fig(22, counted="foreign citizens", subset="nat:forei"),
                             fig(21, counted="foreign nationals", subset="nat:forei", doc="b"),
                             fig(13, "detained", counted="suspects", subset="cumulative"),
                             fig(9, "detained", counted="people", subset="cumulative", doc="b")])
    assert out[0].quantity == out[1].quantity
    assert out[2].quantity == out[3].quantity


def test_a_number_of_rallies_is_not_a_crowd() -> None:
    out = assign_quantities([fig(310000, "attended", counted="marchers", place="national"),
                             fig(214, "attended", counted="rallies", place="national", start=40),
                             fig(300000, "attended", counted="Tarsenne march", place="national", doc="b")])
    assert out[0].quantity != out[1].quantity
    assert out[0].quantity == out[2].quantity  # "put the march at 300,000" counts people


def test_the_place_nearly_every_headline_names_is_the_story_s_home() -> None:
    figs = [fig(5, place="Quelm", doc="a"), fig(3, doc="b"), fig(40, place="Marrow Bay", doc="c"),
            fig(7, place="held:rebel", doc="c")]
    titles = {"a": "Quelm evacuation: second ferry leaves", "b": "Ferry from Quelm reaches Marrow Bay",
              "c": "Quelm islanders tell of the crossing", "d": "Live: Quelm ferry"}
    assert home_places(figs, titles) == {"quelm"}
    # a place a few headlines name is a place in the story, not where it happens
    assert home_places(figs, {**titles, "e": "Marrow Bay waits", "f": "Aid for the islands"}) == set()
    assert home_places(figs, {"a": titles["a"], "b": titles["b"]}) == set()  # too few articles to tell


def test_home_places_stops_counting_where_the_share_is_out_of_reach_with_the_same_result() -> None:
    """The early stop and the substring check before the word search give what counting every
    headline gives, on random stories whose places sit around the share."""
    import random
    import re

    from newsledger.figures.scope import place_key
    from newsledger.quantities import HOME_TITLE_SHARE

    def counted(figs: list[Figure], titles: dict[str, str | None]) -> set[str]:
        heads = [t.lower() for t in titles.values() if t]
        if len(titles) < 3 or len(heads) < HOME_TITLE_SHARE * len(titles):
            return set()
        names: dict[str, set[str]] = {}
        for f in figs:
            key = place_key(f.place)
            if f.place and key not in ("any", "national", "capital") and ":" not in key:
                names.setdefault(key, set()).add(f.place.lower())
        return {key for key, sps in names.items()
                if sum(1 for t in heads if any(re.search(rf"\b{re.escape(sp)}\b", t) for sp in sps))
                >= HOME_TITLE_SHARE * len(titles)}

    rng = random.Random(3)
    places = ["Quelm", "Marrow Bay", "Brelsk", "Tavrel", "Quelmish"]
    found = 0
    for _ in range(300):
        n = rng.randrange(2, 12)
        titles: dict[str, str | None] = {
            f"d{i}": None if rng.random() < 0.1 else " ".join(
                rng.choice(places) if rng.random() < 0.75 else rng.choice(["ferry", "toll", "aid", "live:"])
                for _ in range(3)) for i in range(n)}
        figs = [fig(5, place=rng.choice(places), doc=f"d{rng.randrange(n)}", start=10 * k) for k in range(4)]
        assert home_places(figs, titles) == counted(figs, titles)
        found += bool(counted(figs, titles))
    assert found > 10
