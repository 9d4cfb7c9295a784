"""Canonical sources: transliterated names of one person, generic bodies scoped by story (and
country), shorthand for the body named in the same story, acronyms and their expansions, and
the store keeping all that across runs on real SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from newsledger.report import spec_records
from newsledger.sources import SourceRegistry, acronym_fits, parse_body, same_place, translit
from newsledger.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    Store,
    analyze,
    articles_t,
    connect,
    figures_t,
    meta_t,
    schema_version,
    sources_t,
)


def _ids(reg: SourceRegistry, names: list[str], story: str | None = "s-1") -> set[str]:
    return {reg.resolve(n, story=story).id for n in names}


# ------------------------------------------------------------------ people


def test_transliterations_of_one_leader_are_one_person() -> None:
    reg = SourceRegistry()
    variants = ["Volodar Zelenkovsky", "Volodar Zelenkovskyy", "Volodar Zelenkovskiy", "Wolodar Zelenkowski",
                "Volodar Zelenkovskij", "Volodar Selenkovskyj"]
    assert len(_ids(reg, variants)) == 1
    # the same leader quoted in another crisis is still the same person
    assert reg.resolve("Volodar Zelenkovskyi", story="s-2").id == reg.resolve("Volodar Zelenkovsky").id


def test_transliteration_key_folds_common_variants() -> None:
    assert translit("Oleksandr") == translit("Olexandr")
    assert translit("Yevhen") == translit("Evhen")
    assert translit("Sergeyev") == translit("Sergeev")
    assert translit("Kharkovsky") == translit("Harkovskii")
    assert translit("Petrenko") != translit("Pavlenko")


def test_two_spellings_of_a_governor_and_surname_alone() -> None:
    reg = SourceRegistry()
    gov = reg.resolve("Aleksei Dorvanyev", "governor", story="s-1")
    assert reg.resolve("Alexei Dorvanyev", story="s-1").id == gov.id
    assert reg.resolve("Dorvaniev", story="s-1").id == gov.id  # surname alone, same story
    assert gov.affiliation == "governor"


def test_surname_alone_first_then_the_full_name() -> None:
    reg = SourceRegistry()
    alone = reg.resolve("Tamberlin", story="s-1")
    full = reg.resolve("Oskar Tamberlin", story="s-1")
    assert full.id == alone.id and full.person and full.name == "Oskar Tamberlin"


def test_different_first_names_stay_different_people() -> None:
    reg = SourceRegistry()
    assert len(_ids(reg, ["Ivana Morozka", "Petra Morozka"])) == 2


def test_a_one_word_body_is_not_taken_for_a_like_surname() -> None:
    reg = SourceRegistry()
    body = reg.resolve("Velmora", story="s-1")
    assert reg.resolve("Anna Velmor", story="s-1").id != body.id


def test_title_before_a_name_is_the_role() -> None:
    reg = SourceRegistry()
    a = reg.resolve("Kasia Dremmel", story="s-1")
    b = reg.resolve("Deputy Health Minister of Ostrava Province Kasia Dremmel", story="s-1")
    assert a.id == b.id and b.affiliation and "Minister" in b.affiliation


def test_spokesperson_is_linked_to_the_body_not_merged() -> None:
    reg = SourceRegistry()
    body = reg.resolve("Ministry of Interior of Velmaria", story="s-1")
    person = reg.resolve("Anton Brisk", "interior ministry spokesman", story="s-1")
    assert person.id != body.id and person.person
    assert person.affiliation == "interior ministry spokesman"


# ------------------------------------------------------------------ generic bodies


def test_authorities_in_two_stories_are_two_sources() -> None:
    reg = SourceRegistry()
    a = reg.resolve("authorities", story="s-1")
    b = reg.resolve("authorities", story="s-2")
    assert a.id != b.id and (a.story, b.story) == ("s-1", "s-2")
    assert reg.resolve("the authorities", story="s-1").id == a.id


def test_authorities_of_two_countries_in_one_story_differ() -> None:
    reg = SourceRegistry()
    k = reg.resolve("Karvelian authorities", story="s-1")
    m = reg.resolve("Mirzavan's authorities", story="s-1")
    assert k.id != m.id
    assert reg.resolve("authorities in Karvelia", story="s-1").id == k.id
    assert reg.resolve("Mirzavani authorities", story="s-1").id == m.id
    # bare "authorities" could be either: its own source, not one of the two
    assert reg.resolve("authorities", story="s-1").id not in {k.id, m.id}


def test_eight_names_of_one_health_ministry_in_a_story() -> None:
    reg = SourceRegistry()
    names = ["the health ministry", "Ministry of Health of Velmaria", "Velmaria's Health Ministry",
             "the Velmarian health ministry", "Health Ministry", "the Ministry of Health", "the ministry",
             "the Tolvar-run health ministry", "Ministry of Health in Velmaria"]
    assert len(_ids(reg, names)) == 1


def test_shorthand_resolves_to_the_body_named_in_its_own_story_only() -> None:
    reg = SourceRegistry()
    named = reg.resolve("Ministry of Health of Velmaria", story="s-1")
    assert reg.resolve("the ministry", story="s-1").id == named.id
    other = reg.resolve("the ministry", story="s-2")  # another crisis: not Velmaria's ministry
    assert other.id != named.id and other.story == "s-2"
    # the named body itself is global: another story naming it gets the same source
    assert reg.resolve("Velmaria's Health Ministry", story="s-3").id == named.id


def test_ambiguous_shorthand_is_not_attached() -> None:
    reg = SourceRegistry()
    a = reg.resolve("Ministry of Health of Velmaria", story="s-1")
    b = reg.resolve("Ministry of Health of Ostravia", story="s-1")
    assert a.id != b.id
    assert reg.resolve("the health ministry", story="s-1").id not in {a.id, b.id}


def test_body_name_parts() -> None:
    p = parse_body("Ministry of Health of Velmaria")
    assert p.head == "ministry" and p.words == {"ministry", "health"} and p.place and not p.distinctive
    assert same_place(parse_body("the Velmarian health ministry").place, parse_body("Velmaria's Health Ministry").place)
    assert not same_place(parse_body("Velmarian officials").place, parse_body("Ostravian officials").place)
    assert parse_body("Karst Lantern Volunteers").distinctive
    assert parse_body("local officials").collective


# ------------------------------------------------------------------ acronyms


def test_acronym_initials() -> None:
    assert acronym_fits("VDRA", "Velmarian Disaster Response Agency")
    assert acronym_fits("CVL", "Confederation of Velmarian Labour")
    assert not acronym_fits("VDRA", "Velmarian Red Cross")


def test_acronym_and_expansion_from_the_text_are_one_source() -> None:
    reg = SourceRegistry()
    reg.read_text("The Velmarian Disaster Response Agency (VDRA) said 40 people died. VDRA later said 44.",
                  story="s-1")
    long = reg.resolve("Velmarian Disaster Response Agency", story="s-1")
    assert reg.resolve("VDRA", story="s-1").id == long.id
    # acronym met first, then its expansion, no text needed: initials match
    reg2 = SourceRegistry()
    acr = reg2.resolve("OKAL", story="s-1")
    assert reg2.resolve("Ostravian Kettle Aid League", story="s-1").id == acr.id
    un = reg2.resolve("UN", story="s-1")
    assert reg2.resolve("United Nations", story="s-1").id == un.id


def test_acronym_spelled_out_in_the_role() -> None:
    reg = SourceRegistry()
    acr = reg.resolve("TESK", "Velmaria's quake agency", story="s-1")
    assert reg.resolve("Velmarian quake agency", story="s-1").id == acr.id
    assert reg.resolve("Velmaria's quake agency", story="s-1").id == acr.id


def test_acronym_inside_a_plain_description_is_the_body() -> None:
    reg = SourceRegistry()
    body = reg.resolve("Confederation of Velmarian Labour", story="s-1")
    assert reg.resolve("CVL", story="s-1").id == body.id
    assert reg.resolve("trade union CVL", story="s-1").id == body.id
    assert reg.resolve("CVL spokesman", story="s-1").id != body.id  # a person speaking for it


def test_remembered_names_of_a_moved_article_do_not_pull_in_its_old_story() -> None:
    reg = SourceRegistry()
    old = reg.resolve("authorities", story="s-1")
    reg.remember("s-4", "authorities", old.id)  # the article now sits in story s-4
    assert reg.resolve("authorities", story="s-4").id != old.id


def test_body_words_do_not_make_a_person() -> None:
    reg = SourceRegistry()
    hall = reg.resolve("Torvel City Hall", story="s-1")
    assert not hall.person
    assert reg.resolve("City Hall", story="s-1").id == hall.id
    assert reg.resolve("City Hall", story="s-2").id != hall.id


def test_acronym_first_bare_then_spelled_out_in_a_later_role() -> None:
    reg = SourceRegistry()
    acr = reg.resolve("TESK", story="s-1")
    assert reg.resolve("TESK", "Velmaria's quake agency", story="s-1").id == acr.id
    assert reg.resolve("Velmarian quake agency", story="s-1").id == acr.id
    assert acr.affiliation is None  # its own expansion is not an affiliation


def test_acronym_with_an_unclosed_bracket() -> None:
    reg = SourceRegistry()
    a = reg.resolve("International Kettle Relief Alliance (IKRA", story="s-1")
    assert a.name == "International Kettle Relief Alliance"
    assert reg.resolve("IKRA", story="s-1").id == a.id


# ------------------------------------------------------------------ store

ARTICLES = [
    {"id": "tor-1", "date": "2031-03-02", "outlet": "Torvel Post", "title": "Floods in Torvel",
     "text": "TORVEL, Dravenia — Floods in the Torvel valley have killed 31 people, authorities said on Sunday. "
             "The Dravenian Flood Relief Service (DFRS) said 2,000 people had been evacuated from Torvel."},
    {"id": "kes-1", "date": "2031-05-11", "outlet": "Kessaly Herald", "title": "Mine fire in Kessaly",
     "text": "KESSALY, Ostravia — A fire at the Kessaly copper mine killed 12 miners on Tuesday, authorities "
             "said. Rescuers at the Kessaly mine were still searching for 5 workers."},
]
LATER = {"id": "tor-2", "date": "2031-03-03", "outlet": "Torvel Post", "title": "Torvel floods toll rises",
         "text": "TORVEL, Dravenia — The toll from floods in the Torvel valley rose to 35, authorities said on "
                 "Monday. The Dravenian Flood Relief Service said 2,400 people had been evacuated from Torvel."}


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _figure_sources(store: Store) -> dict[tuple[str, str], tuple[str, str | None]]:
    """(article, source as written) -> (source id, the source's story)."""
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(figures_t.c.article_id, figures_t.c.source, figures_t.c.source_id,
                                      sources_t.c.story_id)
                            .join(sources_t, sources_t.c.id == figures_t.c.source_id)).all()
    return {(a, s): (sid, st) for a, s, sid, st in rows}


@pytest.mark.slow
def test_store_scopes_generic_sources_by_story_across_runs(db_target: str, tmp_path: Path) -> None:
    analyze([_write(tmp_path / "a.jsonl", ARTICLES)], db_target)
    store = Store(db_target)
    try:
        with store.engine.connect() as conn:
            story = dict(conn.execute(sa.select(articles_t.c.id, articles_t.c.story_id)).all())
        assert story["tor-1"] != story["kes-1"]
        first = _figure_sources(store)
        tor, kes = first[("tor-1", "authorities")], first[("kes-1", "authorities")]
        assert tor[0] != kes[0] and (tor[1], kes[1]) == (story["tor-1"], story["kes-1"])
        # the exported figure keeps the source as written, whatever its canonical source
        exported = {(r["doc"], r.get("source")) for r in spec_records(store) if r["kind"] == "figure"}
        assert ("tor-1", "authorities") in exported
    finally:
        store.close()
    # a later run reopens the store: same story, same generic source; the expansion is the acronym
    analyze([_write(tmp_path / "b.jsonl", [LATER])], db_target)
    store = Store(db_target)
    try:
        after = _figure_sources(store)
        with store.engine.connect() as conn:
            story2 = conn.execute(sa.select(articles_t.c.story_id).where(articles_t.c.id == "tor-2")).scalar()
        assert story2 == story["tor-1"]
        assert after[("tor-2", "authorities")][0] == tor[0]
        # "DFRS" in the first run, its expansion in the second: one source
        assert after[("tor-2", "Dravenian Flood Relief Service")][0] == after[("tor-1", "DFRS")][0]
    finally:
        store.close()


@pytest.mark.slow
def test_migration_7_adds_story_to_an_old_sources_table(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        MIGRATIONS[1](conn)
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_sources_story_id")
        conn.exec_driver_sql("ALTER TABLE sources DROP COLUMN story_id")
        conn.exec_driver_sql("INSERT INTO sources (id, name, kind, person, aliases) "
                             "VALUES ('src-1', 'authorities', 'government', 0, '[\"authorities\"]')")
        meta_t.create(conn, checkfirst=True)
        conn.execute(meta_t.insert().values(key="schema_version", value="3"))
    engine.dispose()
    engine = connect(db)
    with engine.connect() as conn:
        assert schema_version(conn) == SCHEMA_VERSION
        row = conn.execute(sa.select(sources_t)).mappings().one()
        assert row["name"] == "authorities" and row["story_id"] is None
    engine.dispose()


def test_a_short_name_stands_for_the_one_body_it_starts_in_its_story() -> None:
    reg = SourceRegistry()
    long = reg.resolve("Beacon Rescue Volunteers", story="s-1")
    assert reg.resolve("Beacons", story="s-1").id == long.id
    assert reg.resolve("the Beacons", story="s-1").id == long.id
    amnesty = reg.resolve("Amnesty International", story="s-1")
    assert reg.resolve("Amnesty", story="s-1").id == amnesty.id
    # a story that names no such body: the short name is a source of its own
    assert reg.resolve("Lanterns", story="s-2").name == "Lanterns"


def test_a_short_name_met_first_is_the_body_its_full_name_names_later() -> None:
    """Input order must not decide whether "the Beacons" and the full name are one source."""
    reg = SourceRegistry()
    short = reg.resolve("the Beacons", story="s-1")
    full = reg.resolve("Beacon Rescue Volunteers", story="s-1")
    assert full.id == short.id and full.name == "Beacon Rescue Volunteers"
