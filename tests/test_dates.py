import pytest
from spacy.language import Language

from tests.conftest import run

pytestmark = pytest.mark.slow


def _dates(nlp: Language, text: str, pub: str = "2024-06-14") -> dict[str, str | None]:
    return {d["text"]: d["date"] for d in run(nlp, text, pub)._.dates}


def test_weekdays_resolve_back_from_publication(nlp: Language) -> None:
    # 2024-06-14 is a Friday: "Friday" is the publication day, not a week earlier
    d = _dates(nlp, "Talks failed on Tuesday. Officials met again Friday. They will meet next Monday.")
    assert d["Tuesday"] == "2024-06-11"
    assert d["Friday"] == "2024-06-14"
    assert d["next Monday"] == "2024-06-17"


def test_month_day_without_year_takes_the_nearest_occurrence(nlp: Language) -> None:
    d = _dates(nlp, "The invasion began on February 24. Parades are planned for June 20. It ended on 3 May 2021.")
    assert d["February 24"] == "2024-02-24"
    assert d["June 20"] == "2024-06-20"
    assert d["3 May 2021"] == "2021-05-03"


def test_offsets_count_from_the_last_day_mentioned(nlp: Language) -> None:
    d = _dates(nlp, "The toll rose on Wednesday. A day earlier, 12 had died. Yesterday it was calm.")
    assert d["Wednesday"] == "2024-06-12"
    assert d["A day earlier"] == "2024-06-11"
    assert d["Yesterday"] == "2024-06-13"


def test_month_only_has_no_day(nlp: Language) -> None:
    [d] = run(nlp, "The siege began in April.")._.dates
    assert d["precision"] == "month" and d["date"] is None


def test_no_publication_date_leaves_relative_days_unresolved(nlp: Language) -> None:
    assert _dates(nlp, "Talks failed on Tuesday.", pub="")["Tuesday"] is None
