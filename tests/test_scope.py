"""Where and of whom a figure counts (figures/scope.py), read from sentences written for these tests,
and the quantity key built from it: places, side-held areas, combined totals, parts, nationalities."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from spacy.language import Language

from newsledger.figures.scope import place_key
from newsledger.quantities import assign_quantities
from newsledger.records import Figure
from tests.conftest import figures, one

TEXT = (
    "The earthquake struck the border of Doravia and Tesmar on Tuesday.\n\n"
    "Doravia's death toll rose to 3,120 on Thursday, the disaster agency said.\n\n"
    "The toll in government-held areas of Tesmar rose to 840, the health ministry said. "
    "In the rebel-held north, rescuers said 610 people had been killed.\n\n"
    "The combined toll in both countries now stands at 4,570.\n\n"
    "Of the injured, 35 were in critical condition, doctors said.\n\n"
    "Reporters saw at least 40 bodies at the stadium.\n\n"
    "Six Brandish citizens were among the dead, the foreign ministry said.")


def test_places_side_held_areas_and_combined_totals(nlp: Language) -> None:
    figs = figures(nlp, TEXT)
    assert place_key(one(figs, "3,120")["place"]) == place_key("Doravia")
    assert one(figs, "840")["place"] == "held:government"
    assert one(figs, "610")["place"] == "held:rebel"
    assert one(figs, "4,570")["place"] == "combined"


def test_sub_counts_sightings_and_nationalities(nlp: Language) -> None:
    figs = figures(nlp, TEXT)
    assert one(figs, "35")["subset"] == "critical"
    assert one(figs, "at least 40")["subset"] == "sighting"
    assert one(figs, "Six")["subset"] == "nat:brand"
    assert one(figs, "3,120")["subset"] is None


def test_a_source_keeps_its_place_for_its_unplaced_running_totals(nlp: Language) -> None:
    figs = figures(nlp, "The death toll in Doravia rose to 3,120 on Sunday, the agency said. "
                        "Its count had been 2,010 on Saturday, the agency said.")
    assert place_key(one(figs, "2,010")["place"]) == place_key("Doravia")


def test_place_key_joins_spellings_of_one_place() -> None:
    assert place_key("Veshra province") == place_key("Veshra") == "veshr"
    assert place_key("Doravia") == place_key("Doravian")
    assert place_key(None) == "any"
    assert place_key("held:opposition") == "held:opposition"


def _fig(value: int, place: str | None, subset: str | None = None, date: str | None = "2030-01-02") -> Figure:
    return Figure(doc="a", start=value, end=value + 1, text=str(value), value=value, value_high=None,
                  qualifier="exact", unit=None, counted="people", category="killed", source="agency",
                  event_date=date, place=place, subset=subset)


def test_quantity_key_splits_places_and_parts_but_not_dated_from_undated() -> None:
    figs = assign_quantities([_fig(100, "Doravia"), _fig(120, "Doravian", date=None), _fig(90, "held:rebel"),
                              _fig(300, "combined"), _fig(12, "Doravia", "critical")])
    q = [f.quantity for f in figs]
    assert q[0] == q[1]  # one running total whether or not the page is dated
    assert len({q[0], q[2], q[3], q[4]}) == 4
    # a total over every place of the story is what a figure with no place (and no source area) counts
    both = assign_quantities([_fig(300, "combined"), _fig(280, None), _fig(100, "Doravia")])
    assert both[0].quantity == both[1].quantity != both[2].quantity


def test_capital_destination_remainder_and_narrowest_state(nlp: Language) -> None:
    figs = figures(nlp, "The ministry said 57,000 people had marched in the capital and 420,000 outside the "
                        "capital.\n\nOf the 130 evacuees, 72 were heading to Karsia. The other 58 stayed behind.\n\n"
                        "Doctors said 107 people had been hospitalised, 17 of them in critical condition. "
                        "Ninety remain in hospital, officials said.")
    assert one(figs, "57,000")["place"] == "capital"
    assert one(figs, "420,000")["place"] == "outside:capital"
    assert one(figs, "72")["place"] == "Karsia"
    assert (one(figs, "58")["subset"] or "").startswith("part:")
    assert one(figs, "107")["subset"] == "hospitalise"
    assert one(figs, "17")["subset"] == "critical"
    assert one(figs, "Ninety")["subset"] == "in hospital"


QUAKE = [
    {"id": "q1", "date": "2031-02-10", "outlet": "Wire", "text":
        "An earthquake struck Doravia and Karsia on Monday. The death toll in Doravia rose to 900, the Doravian "
        "disaster agency said. In Karsia, the health ministry said 300 people had been killed."},
    {"id": "q2", "date": "2031-02-11", "outlet": "Post", "text":
        "The earthquake in Doravia and Karsia killed thousands. The Doravian disaster agency said 1,400 people had "
        "been killed. The death toll in Doravia had reached 1,200 by Tuesday morning, the Doravian disaster agency "
        "said. Earlier the agency said 1,100 people had died in the country."},
    {"id": "q3", "date": "2031-02-12", "outlet": "Herald", "text":
        "Rescuers in Doravia and Karsia searched the rubble after the earthquake. The health ministry in Karsia "
        "said 520 people had been killed in Karsia. The toll in Karsia stood at 610 on Wednesday, the health "
        "ministry said."},
]


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _groups(db: str) -> set[frozenset[tuple[str, str]]]:
    from newsledger.store import Store, figures_t

    with Store(db) as store, store.engine.connect() as conn:
        rows = conn.execute(sa.select(figures_t.c.article_id, figures_t.c.text, figures_t.c.quantity_id)).all()
    by_q: dict[str, set[tuple[str, str]]] = {}
    for aid, text, qid in rows:
        by_q.setdefault(qid, set()).add((aid, text))
    return {frozenset(v) for v in by_q.values()}


def test_a_source_s_unplaced_toll_joins_its_area_in_the_story_whatever_the_order(
        db_target: str, tmp_path: Path) -> None:
    from newsledger.store import analyze

    analyze([_write(tmp_path / "a.jsonl", QUAKE)], db_target)
    groups = _groups(db_target)
    doravia = next(g for g in groups if ("q1", "900") in g)
    # the agency's unplaced 1,400 is its Doravia toll, not Karsia's
    assert {("q1", "900"), ("q2", "1,400"), ("q2", "1,200"), ("q2", "1,100")} <= doravia
    assert not any(aid == "q3" for aid, _ in doravia)
    assert ("q3", "610") in next(g for g in groups if ("q3", "520") in g)


def test_story_places_do_not_depend_on_input_order(tmp_path: Path) -> None:
    from newsledger.store import analyze

    one, two = str(tmp_path / "one.db"), str(tmp_path / "two.db")
    analyze([_write(tmp_path / "a.jsonl", QUAKE)], one)
    analyze([_write(tmp_path / "b.jsonl", QUAKE[2:])], two)
    analyze([_write(tmp_path / "c.jsonl", QUAKE[:2][::-1])], two)
    assert _groups(one) == _groups(two)


def test_several_places_joined_by_and_are_one_combined_place(nlp: Language) -> None:
    figs = figures(nlp, "The governor said 14 people had died in Doravia and in two villages. "
                        "The fire chief said 112 people had died at the scene or in hospital.")
    assert one(figs, "14")["place"] == "combined"
    assert one(figs, "112")["place"] is None


def test_bodies_recovered_and_discharged_are_sub_counts(nlp: Language) -> None:
    figs = figures(nlp, "Crews had pulled 29 bodies from beneath the collapsed roof, the ministry said. "
                        "Doctors said 24 people with light injuries had been discharged. "
                        "Reporters saw at least 20 bodies being carried to ambulances.")
    assert one(figs, "29")["subset"] == "recover"
    assert one(figs, "24")["subset"] == "discharge"
    assert one(figs, "at least 20")["subset"] == "sighting"


def test_citizens_listed_by_country_are_nationality_groups(nlp: Language) -> None:
    figs = figures(nlp, "Among the foreign victims are five citizens of Doravia, four of Karsia and two "
                        "from Brandia, the ministry said. A poll found 61 percent of Doravians opposed the plan.")
    assert one(figs, "five")["subset"] == "nat:dorav"
    assert one(figs, "four")["subset"] == "nat:karsi"
    assert one(figs, "two")["subset"] == "nat:brand"
    assert one(figs, "61 percent")["subset"] is None


def test_areas_under_a_side_s_control_are_side_held(nlp: Language) -> None:
    figs = figures(nlp, "The ministry said 1,520 people died in the areas under the control of the government. "
                        "Rescuers counted 1,988 dead in the north-west, which is under the control of the opposition.")
    assert one(figs, "1,520")["place"] == "held:government"
    assert one(figs, "1,988")["place"] == "held:opposition"


def test_a_figure_compared_with_keeps_its_sub_group(nlp: Language) -> None:
    figs = figures(nlp, "Twenty-one foreign nationals were among the dead, up from 19 on Sunday evening, "
                        "the ministry said.")
    assert one(figs, "19")["subset"] == one(figs, "Twenty-one")["subset"] == "nat:forei"


def test_a_bare_figure_takes_what_the_next_figure_of_its_sentence_counts(nlp: Language) -> None:
    figs = figures(nlp, "The committee said 118, while the regional health ministry put the number of "
                        "fatalities at 121.")
    assert one(figs, "118")["category"] == one(figs, "121")["category"] == "killed"


def test_a_place_tagged_as_a_person_in_one_sentence_is_still_a_place(nlp: Language) -> None:
    # NER tags the second "Gravenne" a person; the document tags it a place before
    figs = figures(nlp, "Thousands marched in Gravenne and other cities of Ardelia on Saturday.\n\n"
                        "Gravenne turned out again on Saturday. The prefecture counted 11,200 marchers.",
                   date="2031-02-15")
    assert one(figs, "11,200")["place"] == "Gravenne"


def test_evacuation_parts_by_origin_and_running_totals_of_an_operation(nlp: Language) -> None:
    figs = figures(nlp, "A total of 344 civilians joined the convoy today, 127 of them from the steelworks and "
                        "217 from an assembly point in the city. In all, 818 civilians have been evacuated "
                        "since the operation began on 8 May.", date="2032-05-16")
    assert one(figs, "217")["place"] == "from:point"
    assert one(figs, "818")["subset"] == "cumulative"
    assert one(figs, "344")["subset"] != "cumulative"


def test_the_capital_is_the_city_the_text_calls_the_capital(nlp: Language) -> None:
    figs = figures(nlp, "Police detained 41 people in the capital Orlava on Saturday.\n\n"
                        "Officials said 62,000 people had marched in the capital and 310,000 outside the capital.",
                   date="2031-03-08")
    assert one(figs, "62,000")["place"] == "Orlava"
    assert one(figs, "310,000")["place"] == "outside:capital"


def test_capital_names_in_the_ways_news_gives_them(nlp: Language) -> None:
    from newsledger.figures.scope import capital_names

    said = {
        "The minister spoke at a news conference in the capital, Selvik, on Monday.": ["Selvik"],
        "Crowds gathered in Selvik, the capital, on Sunday.": ["Selvik"],
        "Riots hit the port of Amsa and the capital city Selvik.": ["Selvik"],
        "In the Ostarian capital Selvik, the council met.": ["Selvik"],
        # the capital of a province, of a country named after it, or no name at all
        "Most died in Brisa province, whose capital Lenmar was hit hardest.": [],
        "Riots hit the provincial capital Lenmar on Friday.": [],
        "He flew to the capital of Ostaria on Friday.": [],
        "However, the capital was calm. The capital's mayor spoke.": [],
        "In the capital, Police Chief Anna Roos said 40 people died.": [],
    }
    for text, names in said.items():
        assert capital_names(nlp(text)) == names, text


def test_a_partitive_part_keeps_its_place_and_the_whole_stays_unplaced(nlp: Language) -> None:
    figs = figures(nlp, "The first day of action drew 1.12 million people by the ministry's count, 80,000 of them "
                        "in Velmora, and 2.5 million by the union's.\n\n"
                        "The union counted 2.6 million marchers, of whom 550,000 in the capital Velmora.",
                   date="2031-03-08")
    assert one(figs, "80,000")["place"] == "Velmora"
    assert one(figs, "2.5 million")["place"] is None
    assert one(figs, "2.6 million")["place"] is None
    assert one(figs, "550,000")["place"] == "Velmora"


def test_a_gapped_clause_takes_its_own_place(nlp: Language) -> None:
    figs = figures(nlp, "In Velmora, 90,000 people marched on Saturday. Port Amsel brought 45,000 people into "
                        "the streets and Dunmarrow 20,000.\n\n"
                        "In Port Amsel the count was 9,400, and in the southern mining city of Dunmarrow 6,100.",
                   date="2031-03-08")
    assert one(figs, "45,000")["place"] == "Port Amsel"
    assert one(figs, "20,000")["place"] == "Dunmarrow"
    assert one(figs, "9,400")["place"] == "Port Amsel"
    assert one(figs, "6,100")["place"] == "Dunmarrow"


def test_bullet_lines_and_a_crowd_put_at_a_figure_are_placed(nlp: Language) -> None:
    figs = figures(nlp, "Here is more from the ministry's bulletin:\n• 70,000 marchers in Velmora\n"
                        "• 650,000 outside the capital\n\n"
                        "Crowds marched in Dunmarrow on Saturday. The union put the Dunmarrow march at 12,000.",
                   date="2031-03-08")
    assert one(figs, "70,000")["place"] == "Velmora"
    assert one(figs, "650,000")["place"] == "outside:capital"
    assert one(figs, "12,000")["place"] == "Dunmarrow"


def test_a_compass_region_is_a_place_and_a_side_s_region_is_its_area(nlp: Language) -> None:
    figs = figures(nlp, "The death toll from Monday's earthquake in south-eastern Doravia has risen to 812, the "
                        "council said.", date="2031-02-12")
    assert place_key(one(figs, "812")["place"]) not in ("any", place_key("Doravia"))
    figs = figures(nlp, "In the south-east, which is held by the rebels, volunteers said 240 people had been "
                        "killed.\n\nThe toll from Monday's earthquake in south-eastern Doravia has risen to 812.",
                   date="2031-02-12")
    assert one(figs, "240")["place"] == one(figs, "812")["place"] == "held:rebels"


def test_place_key_keeps_hyphenated_names_and_compass_points() -> None:
    assert place_key("Orlava-Nord station") != place_key("Orlava")
    assert place_key("north-western Doravia") == place_key("northwestern Doravia") != place_key("Doravia")
    assert place_key("the north-west") == "dir:nw"


def test_place_aliases_read_through_a_story() -> None:
    from newsledger.figures.scope import resolve_place, story_aliases

    agreed = story_aliases([{"capital": "Orlava"}, {}, {"capital": "Orlava", "dir:nw": "held:rebels"}])
    assert agreed == {"capital": "Orlava", "dir:nw": "held:rebels"}
    assert story_aliases([{"capital": "Orlava"}, {"capital": "Selvik"}]) == {}  # two capitals: no answer
    assert resolve_place("capital", agreed) == "Orlava"
    assert resolve_place("outside:capital", agreed) == "outside:capital"
    assert resolve_place("the north-west", agreed) == "held:rebels"
    assert resolve_place("Kestrel", agreed) == "Kestrel"


STRIKE = [
    {"id": "s1", "date": "2031-03-08", "outlet": "Wire", "text":
        "Ostaria's unions held a national strike against the pension reform on Saturday. The Interior Ministry "
        "said 55,000 people had marched in the capital Velmora and 400,000 across Ostaria."},
    {"id": "s2", "date": "2031-03-09", "outlet": "Post", "text":
        "The pension strike in Ostaria drew large crowds on Saturday. The Interior Ministry said 55,000 people had "
        "marched in the capital, while the unions said 210,000 had marched in the capital."},
    {"id": "s3", "date": "2031-03-09", "outlet": "Herald", "text":
        "The unions said 210,000 people had marched in Velmora on Saturday. They promised more strikes in Ostaria "
        "against the pension reform."},
]


def test_in_the_capital_joins_the_named_city_across_a_story_whatever_the_order(
        db_target: str, tmp_path: Path) -> None:
    from newsledger.store import analyze

    analyze([_write(tmp_path / "a.jsonl", STRIKE)], db_target)
    groups = _groups(db_target)
    ministry = next(g for g in groups if ("s1", "55,000") in g)
    unions = next(g for g in groups if ("s3", "210,000") in g)
    assert ("s2", "55,000") in ministry  # "in the capital" in an article that never names it
    assert ("s2", "210,000") in unions
    assert ministry == unions  # one quantity: the Velmora crowd, two sources
    other = tmp_path / "other.db"
    analyze([_write(tmp_path / "b.jsonl", STRIKE[1:2])], str(other))
    analyze([_write(tmp_path / "c.jsonl", [STRIKE[2], STRIKE[0]])], str(other))
    assert _groups(str(other)) == groups


def test_a_whole_keeps_its_own_place_and_a_coordinated_clause_shares_one(nlp: Language) -> None:
    figs = figures(nlp, "Of the 48,200 people injured in Doravia, 5,100 are still in hospital, doctors said.\n\n"
                        "The death toll from Monday's earthquake in Karsia has risen to 1,622, and 3,905 people "
                        "have been injured, according to the council.\n\n"
                        "Police had detained 38 people in Velmora by 8 pm, after shop windows were smashed, and "
                        "14 officers had been injured, the spokesman said.", date="2031-02-12")
    assert place_key(one(figs, "48,200")["place"]) == place_key("Doravia")
    assert place_key(one(figs, "3,905")["place"]) == place_key("Karsia")
    # a place said on the other clause's verb is that clause's alone
    assert one(figs, "38")["place"] == "Velmora"
    assert one(figs, "14")["place"] is None


def test_a_toll_takes_the_place_of_its_incident(nlp: Language) -> None:
    figs = figures(nlp, "The death toll from the floods in Velmora rose to 52, the agency said. At least 40 people "
                        "were killed in the floods in Velmora on Monday, the agency said.", date="2027-03-05")
    assert one(figs, "52")["place"] == one(figs, "At least 40")["place"] == "Velmora"


def test_the_rest_of_a_region_and_a_total_in_all_are_their_own_places(nlp: Language) -> None:
    figs = figures(nlp, "More than 2,000 people gave blood in Velmora on Saturday and nearly 4,100 in the rest of "
                        "the region, about 6,100 in all, the blood service said.", date="2031-10-19")
    assert one(figs, "More than 2,000")["place"] == "Velmora"
    assert one(figs, "nearly 4,100")["place"] == "rest:region"
    assert one(figs, "about 6,100")["place"] == "combined"
