"""Grouping rules: running totals stay one quantity, events and sub-groups do not; conflicts."""

from pathlib import Path

import pytest

from newsledger.quantities import assign_quantities, conflict_kind, conflicts, counted_class, disagree, interval
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


def test_conflicts_are_revisions_or_disputes() -> None:
    a, b, c = fig(14, source="agency"), fig(31, source="agency", date="2030-01-03"), fig(52, source="governor")
    found = conflicts(assign_quantities([a, b, c]))
    kinds = sorted(x.kind for x in found)
    assert kinds == ["dispute", "dispute", "revision"]
    assert conflict_kind(a, b, True) == "revision"


@pytest.mark.slow
def test_protest_days_and_cities_on_written_articles(db_target: str) -> None:
    from newsledger.report import ledger
    from newsledger.store import Store, analyze

    analyze([Path(__file__).parent / "data" / "ledger" / "protest.jsonl"], db_target)
    with Store(db_target) as store:
        groups = {q.label: sorted(f.value for f in q.figures) for q in ledger(store)}
    turnout = {k: v for k, v in groups.items() if "turnout" in k}
    # national day 1, national day 2 and Port Amel day 1 are three quantities
    assert sorted(turnout.values()) == sorted([[10000, 90000, 250000], [60000, 180000], [12000, 40000]])
    arrests = {k: v for k, v in groups.items() if "detained" in k}
    assert sorted(arrests.values()) == [[12], [31]]


def test_conflict_counts_are_exact_for_large_quantities() -> None:
    import random

    from newsledger.quantities import ALL_PAIRS_LIMIT, conflict_summary

    rng = random.Random(3)
    figs = [fig(rng.randint(1, 60), qualifier=rng.choice(["exact", "approx", "at_least", "at_most"]),
                date=f"2030-01-{1 + i % 28:02d}", source=f"s{i % 5}", start=i) for i in range(150)]
    sources = [f.source for f in figs]
    d, r, pairs = conflict_summary(figs, sources)
    brute_d = brute_r = 0
    for i in range(len(figs)):
        for j in range(i + 1, len(figs)):
            if disagree(figs[i], figs[j]):
                if sources[i] == sources[j]:
                    brute_r += 1
                else:
                    brute_d += 1
    assert (d, r) == (brute_d, brute_r)
    assert len(figs) > ALL_PAIRS_LIMIT and 0 < len(pairs) < brute_d + brute_r
    small = figs[:20]
    d2, r2, pairs2 = conflict_summary(small, sources[:20])
    assert len(pairs2) == d2 + r2


def test_another_incident_is_its_own_quantity() -> None:
    out = assign_quantities([fig(41), fig(58, doc="b"), fig(11400, event="1987"), fig(11400, doc="b", event="1987"),
                             fig(9000, event="since")])
    assert out[0].quantity == out[1].quantity
    assert out[2].quantity == out[3].quantity != out[0].quantity
    assert out[4].quantity not in (out[0].quantity, out[2].quantity)
