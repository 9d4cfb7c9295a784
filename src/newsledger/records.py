"""The evidence records newsledger emits, exactly in the spec's JSONL format.

See ``shared/spec/records.md``: ``to_dict()`` of each record is one line of the
export, exactly the spec's fields, so the scorer can judge any output of the tool.
Extra evidence (``source_role``, ``speaker_role``, ``date_basis``) stays on the
dataclasses for the table view and the store.
"""

from __future__ import annotations

from dataclasses import dataclass

QUALIFIERS = ("exact", "approx", "at_least", "more_than", "at_most", "less_than", "range", "vague")
CATEGORIES = ("killed", "injured", "evacuated", "displaced", "trapped", "missing", "detained",
              "attended", "aid", "military", "other")


@dataclass(frozen=True)
class Figure:
    """A number someone reports: value, hedge, what is counted, who says so, for which day."""

    doc: str
    start: int
    end: int
    text: str
    value: float | int
    value_high: float | int | None
    qualifier: str
    unit: str | None
    counted: str | None
    category: str
    source: str | None
    event_date: str | None
    quantity: str | None = None
    field: str = "text"
    source_role: str | None = None
    date_basis: str | None = None
    place: str | None = None
    projection: bool = False
    subset: str | None = None
    predicate: str | None = None
    # the incident counted when it is not the story's current one ("1987", "since", "prior"; see
    # figures/events.py): a ledger key, not a spec field
    event: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {"kind": "figure", "doc": self.doc, "field": self.field, "start": self.start,
                "end": self.end, "text": self.text, "value": self.value, "value_high": self.value_high,
                "qualifier": self.qualifier, "unit": self.unit, "counted": self.counted,
                "category": self.category, "source": self.source, "event_date": self.event_date,
                "quantity": self.quantity}


@dataclass(frozen=True)
class Statement:
    """Someone reported as saying something: the span, the resolved speaker and the cue."""

    doc: str
    start: int
    end: int
    text: str
    speaker: str | None
    direct: bool
    cue: str | None
    speaker_role: str | None = None
    field: str = "text"

    def to_dict(self) -> dict[str, object]:
        return {"kind": "statement", "doc": self.doc, "field": self.field, "start": self.start,
                "end": self.end, "text": self.text, "speaker": self.speaker, "direct": self.direct,
                "cue": self.cue}


Record = Figure | Statement
