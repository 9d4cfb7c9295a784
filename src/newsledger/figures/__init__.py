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
from ..util import doc_text, newline_tokens
from .attribution import figure_owner, source_for
from .category import category_for, is_people_noun
from .counted import (
    borrow,
    clause_subject,
    counted_for,
    implicit_counted,
    inclusion_marker,
    lookback_frame,
    noun_phrase,
    of_object,
    predicate_noun,
    subgroup,
    within_phrase,
)
from .dating import LEAD_MIN_WORDS, PER_EVENT_CATEGORIES, event_date_for
from .events import Incidents, event_key, incident_date
from .exclusions import anchor_token, is_excluded
from .expressions import Expr, final_qualifier, find_expressions
from .facets import BODY_FOUND_VERBS, figure_place, is_projection, predicate_lemma, subset_marker
from .lexicon import (
    CATEGORY_LEMMAS,
    COUNT_NOUNS,
    MEASURE_UNITS,
    NON_COUNT_FRAMES,
    PEOPLE_CATEGORIES,
    PEOPLE_NOUNS,
    PERCENT_WORDS,
    TIME_UNITS,
    lemma_of,
)
from .scope import (
    CUMULATIVE,
    MOVEMENT_PARTS,
    RUNNING_TOTALS,
    acted_on,
    clause_place,
    cumulative,
    destination,
    framing_place,
    held_total,
    inherit_places,
    is_rest,
    movement_part,
    nationality,
    number_at,
    origin,
    part_marker,
    part_of,
    partitioned_whole,
    phrase_place,
    place_aliases,
    population,
    present_in,
    resolve_place,
    whole_place,
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
    para_starts = [0] + [k + 1 for k in newline_tokens(doc) if doc[k].is_space]
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
            elif frame is not None and (lemma_of(frame) in ("toll", "death") or (
                    lemma_of(frame) in ("number", "count", "total") and any(
                        c.dep_ in ("amod", "acl") and c.i > frame.i and lemma_of(c) in CATEGORY_LEMMAS
                        for c in frame.children))):
                # "the real number still underground": people, whoever they are, not the group before
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
        event_date, basis = event_date_for(doc, anchor, noun, src, para_starts, category, incidents.by_root)
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
            "place": (phrase_place(noun) or whole_place(noun)) if whole else clause_place(anchor, noun) or figure_place(
                anchor, noun, para_starts[bisect.bisect_right(para_starts, anchor.i) - 1]),
            "_whole": whole, "_part": part_of(anchor) is not None,
            "_verb": next((t.i for t in anchor.ancestors if t.pos_ in ("VERB", "AUX")), -1),
            "_frame": resolve_place(framing_place(anchor, noun), place_aliases(doc)),
            "_ref": _refers_back(noun), "_span": e.span_start,
            "_number_at": number_at(anchor), "_present": present_in(anchor), "_rest": is_rest(anchor),
            "_para": bisect.bisect_right(para_starts, anchor.i),
            "_verbless": noun is not None and lemma_of(noun) in PEOPLE_NOUNS and next(
                (t.i for t in anchor.ancestors if t.pos_ in ("VERB", "AUX")), -1) in (stop | {-1}),
            "projection": projection, "event": event,
            "subset": None,
            "predicate": predicate_lemma(anchor, noun, stop),
        })
        f = out[-1]
        f["place"] = resolve_place(f["place"], place_aliases(doc))
        if category == "other" and population(anchor, noun):
            f["predicate"] = "population"  # "90,000 people remain in the city" = "still live about 90,000"
        moved = movement_part(anchor) if category in ("evacuated", "other") and e.unit is None and (
            noun is None or is_people_noun(noun)) else None
        if moved is not None and category == "other" and _continues_evacuation(out, anchor, moved):
            f["category"] = category = "evacuated"  # "312 people chose to stay" after "480 evacuated"
        if moved is not None and category == "evacuated":
            f["place"] = None  # the part, not the place it names, says where they went (scope.movement_part)
        elif f["place"] is None and category == "evacuated" and not whole:
            f["place"] = destination(anchor)
        # what sets a sub-count apart from the total: a state word ("in critical condition"), a
        # sighting by the outlet's reporters (not a toll), a nationality, a part of a named whole
        f["subset"] = ("sighting" if src is not None and src.get("voice") == "eyewitness" else None) or (
            moved[0] if moved is not None and category == "evacuated" else None) or (
            None if whole else subset_marker(anchor, noun)) or (
            nationality(noun, anchor) if e.unit != "percent" else None) or (
            None if f["place"] or whole else part_marker(anchor, noun, f["predicate"])) or (
            _acted_on(anchor, noun, category)) or (
            CUMULATIVE if category in ("detained", "evacuated") and cumulative(anchor) else None) or (
            CUMULATIVE if category == "detained" and held_total(anchor) else None)
    # a figure compared in the same sentence with a placed one shares its place ("put the Alcoria
    # crowd at 118,000, above the police figure of 82,000"); a part in between ("1.12 million by the
    # ministry's count, 80,000 of them in Tarsenne, and 2.5 million by the union's") is passed over
    for j, f in enumerate(out):
        if f["place"] is not None or f["_whole"] or f["subset"] in MOVEMENT_PARTS.values():
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
    # "puts the death toll at 31, including 11 children": a sub-group included in a count of its
    # sentence is of what happened to that count
    for j, f in enumerate(out):
        if f["category"] == "other" and f["_sub"] and f["unit"] is None and j > 0:
            outer = out[j - 1]
            if outer["_sent"] == f["_sent"] and outer["category"] in PEOPLE_CATEGORIES and \
                    inclusion_marker(doc[f["_tok"]], f["_span"]) is not None:
                f["category"] = outer["category"]
    # "21 foreign nationals were among the dead, up from 19": the figure compared with keeps the
    # sub-group of the one it is compared to
    for j, f in enumerate(out):
        prev = out[j - 1] if j > 0 else None
        if prev is None or f["subset"] is not None or not prev["subset"] or prev["_sent"] != f["_sent"]:
            continue
        if prev["category"] == f["category"] and _COMPARED.search(doc_text(doc)[prev["end"]:f["start"]]):
            f["subset"] = prev["subset"]
        elif _names_previous(doc[f["_tok"]]):
            # "In critical condition remain 12 persons, a day earlier it was 16": "it" is the count before
            f["subset"], f["category"], f["place"] = prev["subset"], prev["category"], prev["place"] or f["place"]
    # "It now projects 30,000. On Tuesday, it had estimated more than 10,000": a figure the next
    # sentence gives as an earlier value keeps what the figure it looks back to counts
    for j, f in enumerate(out):
        if f["subset"] or not f["_sent_i"]:
            continue
        prev = next((g for g in reversed(out[:j]) if g["_sent_i"] == f["_sent_i"] - 1 and
                     g["category"] == f["category"]), None)
        if prev is not None and not prev["_whole"] and _looks_back(doc[f["_tok"]]):
            f["subset"] = prev["subset"]
            f["projection"] = f["projection"] or prev["projection"]
            f["place"] = f["place"] or prev["place"]
        elif prev is not None and not prev["_whole"] and f["_ref"] and f["place"] is None:
            # "95,000 people marched in Puerto Veles. The police puts the figure at 21,500."
            f["place"] = prev["place"]
    # "327 people had arrived, while the IHC put the number at 256", "in the city still live about
    # 170,000 persons. The mayor estimated the number at around 90,000": the number is the one just
    # given, so the figure measures the same part (sub-count, predicate) as the figure before it
    for j, f in enumerate(out):
        before = out[j - 1] if j > 0 else None
        after = out[j + 1] if j + 1 < len(out) else None
        if f["_number_at"] and before is not None and before["_sent_i"] >= f["_sent_i"] - 1 and \
                before["category"] == f["category"] and before["unit"] == f["unit"]:
            f["predicate"] = before["predicate"]
            if before["_sent"] == f["_sent"]:  # a part only when set beside it ("put the number at 240: ...")
                f["subset"] = f["subset"] or before["subset"]
                if f["date_basis"] in ("context", "publication") and before["event_date"]:
                    f["event_date"], f["date_basis"] = before["event_date"], before["date_basis"]
        elif f["_number_at"] and f["category"] == "other" and after is not None and after["unit"] == f["unit"] and \
                after["_sent_i"] == f["_sent_i"] + 1 and after["_para"] == f["_para"] and \
                after["category"] in PEOPLE_CATEGORIES:
            # "Aid agencies put the number at between 200 and 300. Vask said about 300 civilians remain":
            # nothing counted before it, so the number is the one the paragraph goes on to give
            f["category"], f["counted"], f["predicate"] = after["category"], after["counted"], after["predicate"]
        if f["category"] == "other" and before is not None and before["unit"] == f["unit"] and (
                (f["_present"] and before["category"] == "trapped" and before["_sent_i"] >= f["_sent_i"] - 1
                 and before["_para"] == f["_para"]) or (
                f["_verbless"] and before["_sent"] == f["_sent"] and before["category"] in PEOPLE_CATEGORIES)):
            # "about 300 civilians remain. The ministry claims that no more than 60 civilians are in the
            # plant"; "The IHC counted 174 evacuated, while Vask spoke about 'approximately 150 people'":
            # people said only to be somewhere, or named with no verb of their own, continue that count
            f["category"] = before["category"]
    # "brought a total of 405 people out of the plant itself; the other 217 were collected from an
    # assembly point": a count followed by the rest of its whole is a part too, by where it came from
    for j, f in enumerate(out):
        if f["category"] == "evacuated" and f["place"] is None and f["subset"] not in MOVEMENT_PARTS.values() and \
                any(g["_rest"] and g["_sent"] == f["_sent"] and g["category"] == f["category"] for g in out[j + 1:]):
            f["place"] = origin(doc[f["_tok"]])
    _headline_days(doc, out, para_starts)
    inherit_places(out, RUNNING_TOTALS)
    for f in out:
        for k in ("_sent", "_sent_i", "_tok", "_sub", "_borrow", "_text", "_whole", "_number_at", "_present",
                  "_para", "_verbless", "_rest", "_ref", "_span", "_part", "_verb", "_frame"):
            f.pop(k, None)
    return out


def _acted_on(anchor: Token, noun: Token | None, category: str) -> str | None:
    """Someone's action on the toll's people (scope.acted_on); the dead pulled from the rubble are
    the bodies recovered, a sub-count every recovery report shares."""
    act = acted_on(anchor, noun, category)
    if act is not None and category == "killed" and act[4:] in BODY_FOUND_VERBS:
        return "recover"
    return act


_EARLIER = re.compile(r"^\W*(?:a day earlier|the day before|earlier|previously|the previous day)\b", re.I)


def _looks_back(anchor: Token) -> bool:
    """A sentence that gives an earlier value of the count just reported: it opens with "A day
    earlier," / "Earlier," or its speaker is a pronoun in the pluperfect ("it had estimated")."""
    sent = anchor.sent
    if _EARLIER.match(sent.text):
        return True
    verb = next((t for t in anchor.ancestors if t.pos_ in ("VERB", "AUX")), None)
    return verb is not None and any(c.dep_ == "aux" and c.lower_ == "had" for c in verb.children) and any(
        c.dep_ == "nsubj" and c.lower_ in ("it", "they") for c in verb.children)


def _refers_back(noun: Token | None) -> bool:
    """ "the figure", "the number", "that number": a count named only as the count just given."""
    return noun is not None and lemma_of(noun) in ("figure", "number", "count", "estimate") and all(
        c.dep_ == "det" and c.lower_ in ("the", "that", "this") for c in noun.children if c.dep_ != "prep") and any(
        c.dep_ == "det" for c in noun.children) and not any(c.dep_ == "prep" for c in noun.children)


def _names_previous(anchor: Token) -> bool:
    """A figure stated of "it" with a copula ("it was 16", "it had stood at 16"): the pronoun is the
    count just given, so this figure is an earlier value of the same count."""
    verb = anchor.head if anchor.dep_ in ("attr", "acomp") else (
        anchor.head.head if anchor.head.dep_ == "prep" and anchor.dep_ == "pobj" else None)
    if verb is None or lemma_of(verb) not in ("be", "stand"):
        return False
    return any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in ("it", "that", "this") for c in verb.children)


def _headline_days(doc: Doc, out: list[dict[str, Any]], para_starts: list[int]) -> None:
    """A headline line at the top of the text ("Brelsk steelworks: 72 evacuees reach Zavorne after
    first convoy") restates the story below it: its count of one event is of the day the body gives
    the same count ("Seventy-two civilians ... had reached Zavorne by 11 pm on Saturday"), not the
    day of the page."""
    end = para_starts[1] if len(para_starts) > 1 else len(doc)
    if sum(1 for t in doc[:end] if t.is_alpha) >= LEAD_MIN_WORDS:
        return  # prose, not a headline line
    body = [g for g in out if g["_tok"] >= end]
    for f in out:
        if f["_tok"] >= end or f["category"] not in PER_EVENT_CATEGORIES:
            continue
        same = next((g for g in body if g["value"] == f["value"] and g["category"] == f["category"]), None)
        if same is not None and same["event_date"]:
            f["event_date"], f["date_basis"] = same["event_date"], "context"


def _continues_evacuation(earlier: list[dict[str, Any]], anchor: Token, moved: tuple[str, bool]) -> bool:
    """Whether a figure of people who stayed or went on is a part of the evacuation counted just
    before it (in its own or the previous sentence): "480 civilians evacuated ... 312 people chose to
    stay in Tarvenian-held territory ... the other 168 were handed over". Staying counts only as a
    choice or as the rest of a whole: "90,000 people remain in the city" is who never left."""
    kind, choice = moved
    if kind == "stay" and not (choice or is_rest(anchor) or part_of(anchor) is not None):
        return False
    this = anchor.sent
    prev = next((f for f in reversed(earlier[:-1])), None)
    if prev is None or prev["category"] != "evacuated":
        return False
    first = anchor.doc[this.start - 1].sent.start if this.start > 0 else this.start
    return bool(prev["_sent"] >= first)


_COMPARED = re.compile(r"\b(?:up|down) from\s*(?:the\s*)?$", re.I)


@Language.component("newsledger_figures", assigns=["doc._.figures"],
                    requires=["doc._.dates", "doc._.statements", "token.dep"])
def figures_component(doc: Doc) -> Doc:
    """Writes ``doc._.figures``: one dict per reported figure (spec fields plus ``source_role``)."""
    register_extensions()
    doc._.figures = extract_figures(doc)
    return doc


register_extensions()
