"""Where and of whom a figure counts (figures/scope.py), read from sentences written for these tests,
and the quantity key built from it: places, side-held areas, combined totals, parts, nationalities."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
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
    # parts of an evacuation by where they went: those who went on and the rest who stayed
    assert (one(figs, "72")["subset"], one(figs, "72")["place"]) == ("onward", None)
    assert one(figs, "58")["subset"] == "stay"
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


def test_nationality_of_a_bodys_own_citizens(nlp: Language) -> None:
    figs = figures(nlp, "The Marovian government confirmed the death of its five citizens, the agency reported.")
    assert one(figs, "five")["subset"] == "nat:marov"


def test_an_earlier_value_stated_of_it_keeps_the_sub_count(nlp: Language) -> None:
    figs = figures(nlp, "Injured are 109 persons. In critical condition remain 12 persons, a day earlier it was 16.")
    assert one(figs, "12")["subset"] == "critical"
    assert one(figs, "16")["subset"] == "critical"
    assert one(figs, "109")["subset"] is None


def test_people_someone_acted_on_are_a_part_of_the_toll(nlp: Language) -> None:
    figs = figures(nlp, "Volunteers helped carry more than 80 injured people to waiting ambulances. "
                        "The ministry said 40 people were killed and 120 were injured. "
                        "Rescuers pulled out 12 dead. Fatalities could exceed 10,000, the institute said.")
    assert one(figs, "more than 80")["subset"] == "act:carry"
    assert one(figs, "120")["subset"] is None
    assert one(figs, "12")["subset"] == "recover"  # the dead pulled out are bodies recovered
    assert one(figs, "10,000")["subset"] is None  # the number is the object, the harm is the subject's


def test_people_held_as_a_standing_count_are_a_running_total(nlp: Language) -> None:
    figs = figures(nlp, "The security service says nine people are in custody in all. Police detained 41 people "
                        "in the capital on Saturday. Two more suspects were apprehended, bringing the number "
                        "detained to 11.")
    assert one(figs, "nine")["subset"] == "cumulative"
    assert one(figs, "11")["subset"] == "cumulative"
    assert one(figs, "41")["subset"] is None  # one day's arrests


def test_a_sentence_giving_an_earlier_value_keeps_what_is_counted(nlp: Language) -> None:
    figs = figures(nlp, "The institute now projects that the final toll in the two countries may top 30,000. "
                        "On Tuesday, it had estimated more than 10,000 deaths.\n\n"
                        "The number of Brandish citizens who lost their lives has increased to 27, while 6 citizens "
                        "are still missing. A day earlier, the ministry communicated 23 victims.\n\n"
                        "The agency said 40 people had died. Earlier, it had reported 31 deaths.")
    assert one(figs, "more than 10,000")["projection"] is True
    assert one(figs, "more than 10,000")["place"] == "combined"
    assert one(figs, "23")["subset"] == "nat:brand"
    assert one(figs, "31")["subset"] is None and one(figs, "31")["projection"] is False



def test_a_crowd_takes_the_place_whose_gathering_it_was_and_the_figure_after_it_too(nlp: Language) -> None:
    text = ("The dockers' union, which led the local march, says 95,000 people marched to city hall on Thursday, "
            "the largest demonstration Naples has seen since 1998. The police prefecture puts the figure at "
            "21,500.\n\nNationwide, the unions counted 1.2 million marchers. The ministry put the number at 300,000.")
    figs = figures(nlp, text)
    assert one(figs, "95,000")["place"] == "Naples"
    assert one(figs, "21,500")["place"] == "Naples"  # "the figure" is the count just given
    assert one(figs, "300,000")["place"] == one(figs, "1.2 million")["place"]


def test_a_present_tense_estimate_of_a_past_crowd_is_dated_by_the_gathering(nlp: Language) -> None:
    figs = figures(nlp, "Thousands marched in Tarsenne on Saturday against the reform. In the crowd, which the "
                        "local police estimate at around 100 thousand people, there were many students. The toll "
                        "stands at 40, the ministry says.")
    assert one(figs, "around 100 thousand")["event_date"] == "2024-06-08"
    assert one(figs, "40")["event_date"] == "2024-06-14"  # a running total is as of the report


def test_an_area_named_by_a_definite_noun_and_the_place_of_a_partitive_whole(nlp: Language) -> None:
    figs = figures(nlp, "More than 14,000 people have been killed in the enclave since the war began. The war has "
                        "cost the lives of more than 15,400 people.\n\n"
                        "Of the 53,870 people injured in Karvelia, 6,120 are still in hospital.")
    assert one(figs, "More than 14,000")["place"] == "enclave"
    assert one(figs, "more than 15,400")["place"] is None  # the war's total, both sides
    assert one(figs, "53,870")["place"] == "Karvelia"  # the whole's own words place it


def test_a_part_nested_in_the_counted_phrase_owns_the_state_after_it(nlp: Language) -> None:
    figs = figures(nlp, "In the hospitals of the capital and the region at present remain 96 persons, of them 11 in "
                        "extremely grave condition, said the minister.")
    assert one(figs, "96")["subset"] == "in hospital"
    assert one(figs, "11")["subset"] == "critical"


FERRY = [
    {"id": "f1", "date": "2033-07-02", "outlet": "Wire", "text":
        "A ferry evacuated 210 residents from Quelm Island on Saturday, the Harbour Trust said. Of these, 90 "
        "had chosen to stay in the town of Ostrel and 120 were heading to Marrow Bay. The coast guard put "
        "the number at 240: it said 100 expressed a wish to remain in territory under rebel control and "
        "the other 140 were handed over to aid workers."},
    {"id": "f2", "date": "2033-07-03", "outlet": "Post", "text":
        "The ferry evacuating islanders from Quelm Island reached Marrow Bay overnight. The coast guard said 130 "
        "people had arrived with Saturday's ferry, while the Harbour Trust put the number at 118."},
]


def test_evacuation_parts_by_what_people_did_after_it(nlp: Language) -> None:
    figs = figures(nlp, FERRY[0]["text"], date="2033-07-02")
    # the two sides name the part that stayed by a town or by a side's area: one part either way
    assert [one(figs, v)["subset"] for v in ("90", "100")] == ["stay", "stay"]
    assert [one(figs, v)["subset"] for v in ("120", "140")] == ["onward", "onward"]
    assert one(figs, "210")["subset"] is None and one(figs, "240")["subset"] is None
    assert one(figs, "140")["category"] == "evacuated"


def test_stayed_and_went_on_are_quantities_apart_from_the_total(db_target: str, tmp_path: Path) -> None:
    from newsledger.store import analyze

    analyze([_write(tmp_path / "f.jsonl", FERRY)], db_target)
    groups = _groups(db_target)
    group = {text: g for g in groups for _, text in g}
    assert {("f1", "210"), ("f1", "240")} <= group["210"]
    assert group["90"] == {("f1", "90"), ("f1", "100")}
    # "put the number at 118" is the arrivals just given, not the ferry's total
    assert {("f1", "120"), ("f1", "140"), ("f2", "130"), ("f2", "118")} <= group["120"]
    from newsledger.store import Store, quantities_t

    with Store(db_target) as store, store.engine.connect() as conn:
        labels = set(conn.execute(sa.select(quantities_t.c.label)).scalars())
    for part in ("(who stayed behind)", "(who went on)"):  # the story's event word may stand between
        assert any(label.startswith(f"people evacuated {part}") and label.endswith(" on 2 Jul 2033")
                   for label in labels), labels


def test_people_staying_is_a_part_only_as_a_choice_or_a_rest(nlp: Language) -> None:
    figs = figures(nlp, "A convoy evacuated 300 people from Varn on Monday. About 9,000 people remain in "
                        "the town, the mayor said. Another convoy evacuated 80 villagers on Tuesday; the "
                        "other 25 stayed behind.", date="2033-07-06")
    assert one(figs, "About 9,000")["category"] == "other"
    assert one(figs, "25")["subset"] == "stay"
    # where the convoy they joined went is not what its people did after it
    figs = figures(nlp, "On Saturday, about 600 families joined a bus convoy heading for the coast.")
    assert one(figs, "about 600")["subset"] is None


def test_a_total_brought_to_a_figure_or_counted_until_now_is_a_running_total(nlp: Language) -> None:
    figs = figures(nlp, "The third boat evacuated 74 people from the island on Friday, bringing the number of "
                        "people evacuated since the operation began to 402. The governor said more than 400 "
                        "people were evacuated until now.", date="2033-07-08")
    assert one(figs, "402")["subset"] == one(figs, "more than 400")["subset"] == "cumulative"
    assert one(figs, "74")["subset"] is None


def test_a_place_s_population_is_one_measure_whatever_the_verb(nlp: Language) -> None:
    figs = figures(nlp, "The town had 52,000 residents before the war. The mayor said about 11,000 people "
                        "remain in the town. The council estimates that between 10,000 and 14,000 people are "
                        "still living in the town. In the town still live about 20,000 persons, the governor "
                        "said. A rival estimated the number at around 12,000.", date="2033-07-08")
    for v in ("52,000", "about 11,000", "between 10,000 and 14,000", "about 20,000", "around 12,000"):
        assert one(figs, v)["predicate"] == "population", v


def test_a_per_event_count_takes_the_day_its_event_is_named_by(nlp: Language) -> None:
    figs = figures(nlp, "A second ferry is due to leave today. Saturday's first ferry brought out 88 "
                        "evacuees, the trust said. The coast guard said 61 people had arrived with Saturday's "
                        "ferry, while the trust put the number at 57. Saturday's storm killed 3 people.",
                   date="2033-07-04")
    assert one(figs, "88")["event_date"] == one(figs, "61")["event_date"] == "2033-07-02"
    assert one(figs, "57")["event_date"] == "2033-07-02"  # the number just given, for its day
    assert one(figs, "3")["event_date"] != "2033-07-02"  # a toll's day is its report's, not the storm's


def test_people_left_in_a_place_are_one_count_whatever_the_wording(nlp: Language) -> None:
    figs = figures(nlp, "A ferry took the last group off Quelm Island on Monday.\n\nThe numbers of those who "
                        "stay in the caves differ. Aid agencies put the number at between 80 and 120. Major "
                        "Ilsa Brand said on Monday that about 100 civilians remain, among them at least 30 "
                        "children. The navy claims that no more than 20 civilians are in the caves.",
                   date="2033-07-06")
    for v in ("between 80 and 120", "about 100", "no more than 20"):
        assert one(figs, v)["category"] == "trapped", v


def test_people_named_without_a_verb_beside_a_count_continue_it(nlp: Language) -> None:
    figs = figures(nlp, "The trust counted 74 evacuated persons on Friday, while the warden, Major Ilsa Brand, "
                        "spoke about 'roughly 60 people'.", date="2033-07-09")
    assert one(figs, "roughly 60")["category"] == one(figs, "74")["category"] == "evacuated"
    # people who had been somewhere when something happened are not people left there
    figs = figures(nlp, "Rescuers said 14 miners remain trapped. The company said 52 workers had been in "
                        "the hall at the time.", date="2033-07-09")
    assert one(figs, "52")["category"] != "trapped"


def test_a_count_followed_by_the_rest_of_its_whole_is_a_part_by_origin(nlp: Language) -> None:
    figs = figures(nlp, "Since the first ferry on Saturday, crews have evacuated a total of 150 people out of "
                        "the caves themselves; the other 90 were collected from a jetty in the town on Monday. "
                        "In all, 240 people have been evacuated from the island.", date="2033-07-06")
    assert one(figs, "150")["place"] == "from:cave"
    assert one(figs, "90")["place"] == "from:jetty"
    # the whole's own origin is where the story happens: its total ("in all" = the story's total)
    assert place_key(one(figs, "240")["place"]) == place_key(None)


def test_a_headline_line_s_event_count_is_of_the_day_the_body_gives_it(nlp: Language) -> None:
    figs = figures(nlp, "Quelm Island: 64 evacuees reach Marrow Bay after first ferry\n\nSixty-four residents "
                        "evacuated from Quelm Island had reached Marrow Bay by 11 pm on Saturday, the trust said "
                        "on Sunday.", date="2033-07-04")
    assert one(figs, "64")["event_date"] == one(figs, "Sixty-four")["event_date"] == "2033-07-02"


_QUELM = ("The evacuation of Quelm by ferry from the Quelm jetty went on this week, brokered by the Harbour "
          "Trust, while Varn forces shelled the town. ")
HOME = [
    {"id": "h1", "date": "2033-07-04", "outlet": "Wire", "title": "Quelm shelling kills three as ferry leaves",
     "text": _QUELM + "Shelling near the Quelm jetty killed three civilians on Monday, the Quelm town council "
             "said. Before the war, Quelm had 12,000 inhabitants."},
    {"id": "h2", "date": "2033-07-05", "outlet": "Post", "title": "Quelm toll rises to five",
     "text": _QUELM + "In Quelm itself, the town council said on Tuesday that the toll from Monday's shelling "
             "near the jetty had risen to five. The town had 12,000 residents before the war."},
    {"id": "h3", "date": "2033-07-06", "outlet": "Herald", "title": "Live: Quelm evacuation, day three",
     "text": _QUELM + "Harbour Trust officials said at least seven people had been killed by Monday's "
             "shelling near the Quelm jetty."},
]


def test_the_story_s_home_place_is_its_unplaced_total_in_any_order(tmp_path: Path) -> None:
    from newsledger.store import analyze

    one_db, two_db = str(tmp_path / "one.db"), str(tmp_path / "two.db")
    analyze([_write(tmp_path / "a.jsonl", HOME)], one_db)
    analyze([_write(tmp_path / "b.jsonl", HOME[::-1])], two_db)
    groups = _groups(one_db)
    assert groups == _groups(two_db)
    toll = next(g for g in groups if ("h1", "three") in g)
    assert {("h2", "five"), ("h3", "at least seven")} <= toll
    assert next(g for g in groups if ("h1", "12,000") in g) == {("h1", "12,000"), ("h2", "12,000")}


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


@pytest.mark.parametrize("text,noun,side", [
    ("Shelling hit areas controlled by rebels on Monday.", "areas", "held:rebels"),
    ("Fighting continued in areas under the control of the government.", "areas", "held:government"),
    ("Shelling hit government-held areas on Monday.", "areas", "held:government"),
    ("Shelling hit residential areas on Monday, and the army ran a convoy.", "areas", None),
])
def test_the_side_holding_an_area_is_read_from_its_words(nlp: Language, text: str, noun: str,
                                                         side: str | None) -> None:
    from newsledger.figures.scope import _side_held

    doc = nlp(text)
    assert _side_held(next(t for t in doc if t.text == noun)) == side
