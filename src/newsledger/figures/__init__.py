"""Find reported figures and describe each: value, hedge, unit, what is counted, category,
who reports it and for which day.

The ``newsledger_figures`` component writes ``doc._.figures`` (plain dicts). It reads
``doc._.dates`` and ``doc._.statements``, so it runs after those components.
Stages per figure: number expression -> exclusions (dates, ages, durations,
measurements, names, phone numbers) -> qualifier -> counted noun through the
dependency parse -> category from the words that govern it -> source from the
statement whose cue dominates it -> event date (a date in its own clause, else
present tense means publication day, else the day in context) -> the incident it counts
when not the current one (figures/events.py).
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Token

from .. import numbers as num
from .attribution import figure_owner, source_for
from .category import category_for
from .counted import (
    borrow,
    clause_subject,
    counted_for,
    implicit_counted,
    lookback_frame,
    noun_phrase,
    of_object,
    predicate_noun,
    subgroup,
    within_phrase,
)
from .dating import event_date_for
from .events import Incidents, event_key, incident_date
from .exclusions import anchor_token, is_excluded
from .expressions import Expr, final_qualifier, find_expressions
from .facets import figure_place, is_projection, predicate_lemma, subset_marker
from .lexicon import (
    COUNT_NOUNS,
    MEASURE_UNITS,
    NON_COUNT_FRAMES,
    PEOPLE_CATEGORIES,
    PERCENT_WORDS,
    TIME_UNITS,
    lemma_of,
)
from .scope import (
    CUMULATIVE,
    RUNNING_TOTALS,
    clause_place,
    cumulative,
    destination,
    framing_place,
    inherit_places,
    nationality,
    part_marker,
    part_of,
    partitioned_whole,
    phrase_place,
    place_aliases,
    resolve_place,
)


def register_extensions() -> None:
    if not Doc.has_extension("figures"):
        Doc.set_extension("figures", default=None)


def extract_figures(doc: Doc) -> list[dict[str, Any]]:
    dates = doc._.dates or []
    stmts = doc._.statements or []
    date_tokens = {i for d in dates for i in range(d["start"], d["end"])}
    exprs = find_expressions(doc)
    kept: list[tuple[Expr, Token]] = []
    for e in exprs:
        anchor = anchor_token(doc, e)
        if not is_excluded(doc, e, date_tokens, anchor):
            kept.append((e, anchor))
    sent_starts = [s.start for s in doc.sents]
    para_starts = [0] + [t.i + 1 for t in doc if t.is_space and "\n" in t.text]
    out: list[dict[str, Any]] = []
    # reporting verbs bound the climb from a figure to the words that say what happened
    stop = {cue[0] for s in stmts for cue in s.get("cues_all", [])}
    incidents = Incidents(doc)
    for e, anchor in kept:
        counted = counted_for(doc, e, anchor)
        noun = counted.noun
        text = counted.text
        frame: Token | None = None
        parsed: Token | None = None
        looked_back = False
        partitive = of_object(anchor)
        inherit = partitive is not None and partitive.pos_ == "PRON"
        if counted.implicit and predicate_noun(anchor) is not None:
            noun = predicate_noun(anchor)  # "1,230 of them children"
            assert noun is not None
            text = noun_phrase(noun)
        elif counted.implicit:
            frame = implicit_counted(anchor)
            back = lookback_frame(anchor, e.span_start)
            if back is not None and (frame is None or (
                    frame.i > back[1].i and lemma_of(frame) not in COUNT_NOUNS and not within_phrase(frame, back[0]))):
                looked_back, parsed = True, frame
                frame = back[1]  # the parse lost the count noun or found a nearer, unrelated subject
            if frame is not None and lemma_of(frame) in NON_COUNT_FRAMES:
                continue
            if frame is not None and (frame.pos_ in ("PROPN", "PRON") or frame.ent_type_ in ("PERSON", "ORG")):
                frame = None  # "how the CTS had reached 1.2 million": a speaker, not a counted thing
            if frame is not None and lemma_of(frame) not in COUNT_NOUNS:
                noun, text = frame, noun_phrase(frame)
            elif frame is not None and lemma_of(frame) in ("toll", "death"):
                noun, text = frame, "people"
            elif frame is not None:
                noun = frame
        else:
            # "at least five of the dead were children", "27, nine of them children"
            pred = predicate_noun(anchor)
            if pred is not None:
                noun, text = pred, noun_phrase(pred)
        # durations/measures reached through "of": "two months of shelling"
        if noun is not None and (lemma_of(noun) in TIME_UNITS or lemma_of(noun) in MEASURE_UNITS):
            continue
        category = category_for(doc, e, anchor, noun, stop, frame)
        if category == "other" and looked_back:
            # the count noun found by looking back says what is counted; what happened to it may
            # still be in the words the parse put around the number ("... at more than 90" under "missing")
            category = category_for(doc, e, anchor, None, stop, parsed)
        if e.unit == "percent" and text is None:
            subj = clause_subject(anchor)
            # the subject of a reporting verb is the source, not what the share is of
            # nor another share ("61 percent of X supported it, down from 68 percent": 68 borrows X)
            if subj is not None and lemma_of(subj) not in COUNT_NOUNS and subj.pos_ not in ("PRON", "NUM", "PROPN") \
                    and subj.head.i not in stop and subj.lower_ not in PERCENT_WORDS:
                text = noun_phrase(subj)
        sent_i = bisect.bisect_right(sent_starts, anchor.i) - 1
        borrowed: str | None = None
        if text is None or inherit:
            elided = counted.implicit and partitive is not None and partitive.pos_ != "PRON"
            text, category, borrowed = borrow(out, sent_i, text, category, e.unit,
                                              inherit or category in PEOPLE_CATEGORIES, elided)
            # "the toll", "the real number" with nothing to borrow: in crisis reports, people
            if text is None and (category in PEOPLE_CATEGORIES or (
                    frame is not None and lemma_of(frame) in COUNT_NOUNS)):
                text = "people"
        sub, group = subgroup(anchor, e.span_start, noun, borrowed, out, sent_i)
        src = source_for(anchor, stmts, doc._.voices)
        owner = figure_owner(anchor)
        event_date, basis = event_date_for(doc, anchor, noun, src, para_starts, category)
        event = event_key(anchor, noun, stop, category, incidents)
        projection = is_projection(anchor, noun)
        event_date, basis = incident_date(anchor, event, projection, category, event_date, basis)
        span = doc[e.span_start: e.end]
        value = num.normalize(e.value)
        high = num.normalize(e.value_high)
        # "of the 118 injured, 84 are treated in X": the clause's words are about the part, not the whole
        whole = partitioned_whole(anchor, noun)
        out.append({
            "start": span.start_char, "end": span.end_char, "text": span.text,
            "value": value, "value_high": high, "qualifier": final_qualifier(e, anchor),
            "unit": e.unit, "counted": text, "category": category,
            "source": owner or (src["speaker"] if src else None),
            "source_role": None if owner else (src["role"] if src else None),
            "event_date": event_date, "date_basis": basis, "_sent": anchor.sent.start,
            "_sent_i": sent_i, "_tok": anchor.i, "_sub": sub, "_borrow": group if sub else text, "_text": text,
            "place": phrase_place(noun) if whole else clause_place(anchor, noun) or figure_place(
                anchor, noun, para_starts[bisect.bisect_right(para_starts, anchor.i) - 1]),
            "_whole": whole, "_part": part_of(anchor) is not None,
            "_verb": next((t.i for t in anchor.ancestors if t.pos_ in ("VERB", "AUX")), -1),
            "_frame": resolve_place(framing_place(anchor, noun), place_aliases(doc)),
            "projection": projection, "event": event,
            "subset": None,
            "predicate": predicate_lemma(anchor, noun, stop),
        })
        f = out[-1]
        f["place"] = resolve_place(f["place"], place_aliases(doc))
        if f["place"] is None and category == "evacuated":
            f["place"] = destination(anchor)
        # what sets a sub-count apart from the total: a state word ("in critical condition"), a
        # sighting by the outlet's reporters (not a toll), a nationality, a part of a named whole
        f["subset"] = ("sighting" if src is not None and src.get("voice") == "eyewitness" else None) or (
            None if whole else subset_marker(anchor, noun)) or (
            nationality(noun, anchor) if e.unit != "percent" else None) or (
            None if f["place"] or whole else part_marker(anchor, noun, f["predicate"])) or (
            CUMULATIVE if category in ("detained", "evacuated") and cumulative(anchor) else None)
    # a figure compared in the same sentence with a placed one shares its place ("put the Alcoria
    # crowd at 118,000, above the police figure of 82,000"); a part in between ("1.12 million by the
    # ministry's count, 80,000 of them in Tarsenne, and 2.5 million by the union's") is passed over
    for j, f in enumerate(out):
        if f["place"] is not None or f["_whole"]:
            continue
        b = j - 1
        while b >= 0 and out[b]["_sent"] == f["_sent"] and out[b]["_part"] and not f["_part"]:
            b -= 1
        if b >= 0 and out[b]["_sent"] == f["_sent"] and out[b]["category"] == f["category"]:
            f["place"] = out[b]["place"]
        elif b >= 0 and out[b]["_sent"] == f["_sent"] and f["_verb"] >= 0 and not f["_part"] and out[b]["_frame"] and \
                doc[f["_verb"]].dep_ == "conj" and doc[f["_verb"]].head.i == out[b]["_verb"]:
            # "the toll in X has risen to 1,622, and 3,905 people have been injured": a clause
            # coordinated with one whose count noun is placed shares that place, whatever it counts
            # (not a place on the other verb: "detained 38 in X, and 14 officers had been injured")
            f["place"] = out[b]["_frame"]
    # "The committee said 118, while the ministry put the number of fatalities at 121": a bare figure
    # with nothing to borrow before it takes what the next figure of its sentence counts
    for j, f in enumerate(out[:-1]):
        nxt = out[j + 1]
        if f["category"] == "other" and f["counted"] is None and nxt["_sent"] == f["_sent"] and \
                nxt["category"] in PEOPLE_CATEGORIES and nxt["unit"] == f["unit"] and f["unit"] is None:
            f["category"], f["counted"] = nxt["category"], nxt["counted"]
    # "21 foreign nationals were among the dead, up from 19": the figure compared with keeps the
    # sub-group of the one it is compared to
    for j, f in enumerate(out):
        prev = out[j - 1] if j > 0 else None
        if prev is not None and f["subset"] is None and prev["subset"] and prev["_sent"] == f["_sent"] and \
                prev["category"] == f["category"] and _COMPARED.search(doc.text[prev["end"]:f["start"]]):
            f["subset"] = prev["subset"]
    inherit_places(out, RUNNING_TOTALS)
    for f in out:
        for k in ("_sent", "_sent_i", "_tok", "_sub", "_borrow", "_text", "_whole", "_part", "_verb", "_frame"):
            f.pop(k, None)
    return out


_COMPARED = re.compile(r"\b(?:up|down) from\s*(?:the\s*)?$", re.I)


@Language.component("newsledger_figures", assigns=["doc._.figures"],
                    requires=["doc._.dates", "doc._.statements", "token.dep"])
def figures_component(doc: Doc) -> Doc:
    """Writes ``doc._.figures``: one dict per reported figure (spec fields plus ``source_role``)."""
    register_extensions()
    doc._.figures = extract_figures(doc)
    return doc


register_extensions()
