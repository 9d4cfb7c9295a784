import json
from pathlib import Path

import pytest

import newsledger
from newsledger.records import Figure, Statement


def test_public_names() -> None:
    assert sorted(newsledger.__all__) == ["Article", "Config", "ExtractResult", "Figure", "ItemError",
                                          "Statement", "extract", "process_articles", "read_articles"]


def test_records_serialise_in_spec_format() -> None:
    f = Figure(doc="d", start=1, end=3, text="46", value=46, value_high=None, qualifier="exact", unit=None,
               counted="civilians", category="evacuated", source="X", event_date="2022-04-30", quantity="q-1")
    d = f.to_dict()
    assert d["kind"] == "figure" and d["field"] == "text" and json.loads(json.dumps(d)) == d
    s = Statement(doc="d", start=0, end=10, text="X said so.", speaker="X", direct=False, cue="said")
    assert s.to_dict()["kind"] == "statement"


@pytest.mark.slow
def test_extract_from_python(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    p.write_text(json.dumps({"id": "a", "date": "2030-03-04",
                             "text": "About 200 people were evacuated on Friday, officials said."}) + "\n",
                 encoding="utf-8")
    result = newsledger.extract(p)
    [fig] = result.figures
    assert (fig.value, fig.qualifier, fig.category, fig.source, fig.event_date) == (
        200, "approx", "evacuated", "officials", "2030-03-01")
    assert fig.quantity is not None and fig.quantity.startswith("q-")
    assert result.errors == []
