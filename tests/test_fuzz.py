"""Property-based tests: arbitrary bytes at every reader and arbitrary text at the extractors.
No crash, no hang, offsets always inside the text."""

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language

from newsledger.config import Config
from newsledger.ingest import Article, ItemError, read_articles
from tests.conftest import run

SUFFIXES = [".txt", ".jsonl", ".json", ".csv", ".tsv", ".html", ".warc", ".warc.gz", ".xml", ".jsonl.gz", ".bin"]
PREFIXES = [b"", b"WARC/1.0\r\n", b"\x1f\x8b\x08\x00", b"<html><body>", b'{"text": "', b"<?xml version='1.0'?><rss>",
            b"id,text\n", b"\xef\xbb\xbf", b"\xff\xfe"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=3000), suffix=st.sampled_from(SUFFIXES))
def test_readers_never_crash(prefix: bytes, body: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(prefix + body)
        for item in read_articles([path], Config(fetch_timeout=1)):
            assert isinstance(item, Article | ItemError)
            if isinstance(item, Article):
                assert isinstance(item.text, str) and item.text.strip()
            else:
                assert item.message


ALPHABET = list("abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ0123456789,.;:-—–'\"“”‘’«»()$€%+\n")
NEWSY = st.text(alphabet=st.sampled_from(ALPHABET), max_size=400)
WORDS = st.lists(st.sampled_from([
    "said", "told", "according to", "at least", "more than", "about", "some", "nearly", "dozens", "hundreds",
    "thousands", "of", "people", "civilians", "killed", "were", "evacuated", "on Monday", "Tuesday's", "a day earlier",
    "he", "she", "they", "the ministry", "Police", "\"", "“", "”", ",", ".", "\n\n", "5", "1,200", "3.5 million",
    "$2 million", "40%", "half", "Eighteen", "twenty-one", "between 20 and 30", "18,000-20,000", "30+", "No.", "aged",
    "1999", "May 3", "—", "X", "Jane Doe", "Reuters", "(", ")", "'s", "not", "could", "rose to"]), max_size=60)


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(text=st.one_of(NEWSY, WORDS.map(" ".join)), pub=st.sampled_from(["2024-06-14", "", "2024-02-29"]))
def test_extractors_keep_offsets_inside_the_text(nlp: Language, text: str, pub: str) -> None:
    if not text.strip():
        return
    doc = run(nlp, text, pub or None)
    for f in doc._.figures:
        assert 0 <= f["start"] < f["end"] <= len(text)
        assert text[f["start"]:f["end"]] == f["text"]
        assert isinstance(f["value"], int | float)
        assert f["qualifier"] in ("exact", "approx", "at_least", "more_than", "at_most", "less_than", "range", "vague")
    for s in doc._.statements:
        assert 0 <= s["start"] < s["end"] <= len(text)
    for d in doc._.dates:
        assert 0 <= d["start"] < d["end"] <= len(doc)


JSON_TEXT = st.text(alphabet=st.one_of(st.sampled_from(["\x00", "\ud800", "\udbff", "\udc00", "\udfff", "\u200b",
                                                        "\ufeff", "\r", "\\", '"']),
                                       st.characters(codec="utf-8")), max_size=40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(aid=JSON_TEXT, title=JSON_TEXT, text=JSON_TEXT, date=st.one_of(JSON_TEXT, st.dates().map(str)))
def test_json_strings_with_surrogates_and_nuls_come_out_storable(aid: str, title: str, text: str, date: str) -> None:
    import json

    line = json.dumps({"id": aid, "title": title, "date": date, "text": "Police said 4 people died. " + text})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.jsonl"
        path.write_text(line + "\n", encoding="ascii")  # json.dumps escapes: \ud800 and \u0000 stay escapes
        [item] = list(read_articles([path], Config(skip_non_english=False)))
    assert isinstance(item, Article | ItemError)
    if isinstance(item, Article):
        for value in (item.id, item.title or "", item.text, item.origin):
            assert "\x00" not in value
            value.encode("utf-8")
        assert item.date is None or len(item.date) == 10
    else:
        assert item.message


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(pub=st.one_of(st.dates(max_value=__import__("datetime").date(1, 1, 20)),
                     st.dates(min_value=__import__("datetime").date(9999, 12, 10)), st.dates()))
def test_extreme_publication_days_never_raise(nlp: Language, pub: object) -> None:
    doc = run(nlp, "On Monday 12 people died; a week earlier 3, yesterday 5. Next Friday they meet. "
                   "Rescuers return tomorrow, officials said on Sunday, three days later.", str(pub))
    assert doc._.figures
