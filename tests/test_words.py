"""Display wording: figures in the words of their report with the normalised value apart, codes in
words, plurals, days, and article titles from URL slugs."""

import pytest

from newsledger.words import article_title, day_words, human, normalised, plural, reported, slug_title

HEDGES = [
    # (span as stored, value, value_high, qualifier, unit) -> (shown, normalised)
    (("hundreds", 100, None, "vague", None), ("hundreds", "vague: 100–1,000")),
    (("Dozens", 12, None, "vague", None), ("dozens", "vague: 12–120")),
    (("more than 16,500", 16500, None, "more_than", None), ("more than 16,500", "≥ 16,501")),
    (("At least 40", 40, None, "at_least", None), ("at least 40", "≥ 40")),
    (("about 100", 100, None, "approx", None), ("about 100", "≈ 100")),
    (("nearly 20,000", 20000, None, "at_most", None), ("nearly 20,000", "≤ 20,000")),
    (("between 18,000 and 20,000", 18000, 20000, "range", None), ("between 18,000 and 20,000", "range 18,000–20,000")),
    (("Up to 5,000", 5000, None, "at_most", None), ("up to 5,000", "≤ 5,000")),
    (("fewer than 10", 10, None, "less_than", None), ("fewer than 10", "< 10")),
    (("almost half", 50, None, "at_most", "percent"), ("almost half", "≤ 50%")),
    (("Fourteen", 14, None, "exact", None), ("14", "14")),
    (("$26.4 million", 26_400_000, None, "exact", "USD"), ("$26.4 million", "26,400,000 USD")),
]


@pytest.mark.parametrize(("record", "expected"), HEDGES)
def test_a_figure_is_shown_in_the_words_of_its_report(record: tuple, expected: tuple[str, str]) -> None:
    text, value, high, qualifier, unit = record
    assert reported(text, value, high, qualifier, unit) == expected[0]
    assert normalised(value, high, qualifier, unit) == expected[1]


def test_a_bare_span_takes_its_hedge_from_the_record() -> None:
    # the hedge was read around the number ("… toll, at least, 40"): the record's qualifier says it
    assert reported("40", 40, None, "at_least", None) == "at least 40"
    assert reported("18,000", 18000, 20000, "range", None) == "between 18,000 and 20,000"
    assert reported("100", 100, None, "vague", None) == "hundreds"
    assert reported("2.5 million", 2_500_000, None, "more_than", None) == "more than 2,500,000"
    assert reported("x" * 200, 7, None, "approx", None) == "about 7"  # no block of text as a value


def test_codes_are_words() -> None:
    assert human("un_ngo") == "UN or NGO"
    assert human("at_least") == "at least" and human("more_than") == "more than"
    assert human("across_days") == "across days" and human("some_new_code") == "some new code"
    assert human(None) == ""


def test_plurals() -> None:
    assert plural(1, "source") == "1 source" and plural(2, "source") == "2 sources"
    assert plural(1, "outlet") == "1 outlet" and plural(0, "outlet") == "0 outlets"
    assert plural(3, "quantity") == "3 quantities" and plural(1200, "figure") == "1,200 figures"
    assert plural(2, "same-day dispute") == "2 same-day disputes" and plural(2, "match") == "2 matches"


def test_days_in_words() -> None:
    assert day_words("2031-02-15") == "15 Feb 2031"
    assert day_words("--06-28") == "28 Jun, year unknown"
    assert day_words("1987") == "1987" and day_words(None) == ""


def test_titles_from_url_slugs() -> None:
    assert slug_title("https://x.example/2032/02/quake-toll-rises-to-111") == "Quake toll rises to 111"
    assert slug_title("https://x.example/news/quake_hits_osk.html") == "Quake hits osk"
    assert slug_title("https://x.example/world/flood-kills-12-a1b2c3d4e5/") == "Flood kills 12"
    assert slug_title("https://x.example/article/123456") is None
    assert slug_title("https://x.example/") is None and slug_title(None) is None
    assert article_title(None, "https://x.example/2032/02/quake-toll-rises-to-111", "a-1") == "Quake toll rises to 111"
    assert article_title("Own title", "https://x.example/a-b-c", "a-1") == "Own title"
    assert article_title("", "https://x.example/12345", "a-1") == "a-1"
