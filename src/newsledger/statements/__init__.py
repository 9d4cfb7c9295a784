"""Find who is reported as saying what: direct quotes, indirect speech, "according to".

The ``newsledger_statements`` component writes ``doc._.statements`` (a list of plain
dicts, so Docs stay serialisable across processes). A statement is one *segment*:
a sentence, or several sentences joined because a quotation runs across them.
A segment with reporting cues gives one statement, or one per clause when
coordinated clauses carry different speakers. A segment that is only a quotation
and follows a statement continues that speaker. Speakers are resolved through
pronouns ("he said"), role phrases ("the spokesman", "the ministry") and short
names ("Zelenskyy") to the fullest name the article gave.
"""

from __future__ import annotations

from typing import Any

from spacy.attrs import DEP
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..util import TokenTest, doc_text
from .cues import cue_candidates, dominates, find_cues, is_quoted
from .lexicon import ORG_NOUNS
from .lines import LineCue, clutter_lines, line_cues
from .quotes import quote_is_clause, quote_spans, segments
from .speakers import Memory, Speaker, dateline_end, resolve_speaker, speaker_from_span, strip_possessive
from .voice import continuation_voices, data_keeper, eyewitness_voices, issuer_voices, press_release_issuer

# ---------------------------------------------------------------- component

def _clause_span(cue: Token, seg: Span) -> tuple[int, int]:
    """Token range of the clause a cue heads, kept inside the segment."""
    head = cue
    if cue.lower_ == "according":
        head = cue.head
    left = max(seg.start, head.left_edge.i)
    right = min(seg.end, head.right_edge.i + 1)
    return left, right


def _trim_clauses(found: list[dict[str, Any]]) -> None:
    """Coordinated reports ("police said 80,000, while the union said 400,000"): the first
    clause's subtree holds the second, so cut each statement where the other one begins."""
    found.sort(key=lambda st: st["cue_i"][0])
    for a in found:
        for b in found:
            if a is b or not (a["tok_start"] <= b["tok_start"] and b["tok_end"] <= a["tok_end"]):
                continue
            if (a["tok_start"], a["tok_end"]) == (b["tok_start"], b["tok_end"]):
                continue
            if b["tok_start"] > a["cue_i"][0]:
                a["tok_end"] = b["tok_start"]
            elif b["tok_end"] <= a["cue_i"][0]:
                a["tok_start"] = b["tok_end"]


_SUBJECT_OR_OWNER = TokenTest(DEP, frozenset(("nsubj", "nsubjpass", "poss")).__contains__)


def _collect_orgs(doc: Doc, quotes: list[tuple[int, int]], memory: Memory) -> None:
    """Organisations named as subjects or owners, so "it"/"its" can find them."""
    for i in _SUBJECT_OR_OWNER.positions(doc):
        tok = doc[i]
        if is_quoted(tok, quotes):
            continue
        if tok.pos_ == "PRON":
            continue
        is_org = tok.ent_type_ in ("ORG", "GPE", "NORP") or tok.lemma_.lower() in ORG_NOUNS
        if not is_org or tok.ent_type_ == "PERSON":
            continue
        sp = resolve_speaker(tok, memory)
        if not sp.person:
            memory.orgs.append((tok.i, sp))


def _cue_date(doc: Doc, cue_ids: list[int]) -> str | None:
    """The day a statement was made: a date hanging from its cue ("said on Friday"). The first
    such date per token is indexed once per document, not searched for every statement."""
    dates = doc._.dates or []
    cached = doc.user_data.get("newsledger_cue_dates")
    if cached is None or cached[0] is not dates:
        first: dict[int, int] = {}
        for n, d in enumerate(dates):
            # "counting 757,000 against 1.27 million on January 28": the day of what is compared with
            if d["precision"] != "day" or not d["date"] or d.get("role") == "comparison":
                continue
            root = doc[d["root"]]
            head = root.head
            if head.pos_ == "ADP":
                head = head.head
            first.setdefault(head.i, n)
            first.setdefault(root.i, n)
        cached = (dates, first)
        doc.user_data["newsledger_cue_dates"] = cached
    hits = [cached[1][i] for i in cue_ids if i in cached[1]]
    return str(dates[min(hits)]["date"]) if hits else None


def extract_statements(doc: Doc, voices_out: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The statements of ``doc`` in text order; voices found on the way (the keeper of "the
    latest data") go to ``voices_out``."""
    text = doc_text(doc)
    quotes = quote_spans(text)
    memory = Memory()
    ents = doc.ents
    for ent in ents:
        if ent.label_ == "PERSON" and len(ent) > 1:
            memory.full_names.append(strip_possessive(ent.text))
    for ent in ents:
        # people named as the subject of a sentence are who a later "he"/"she" most likely means
        if ent.label_ == "PERSON" and not any(qs <= ent.start_char < qe for qs, qe in quotes) and (
                ent.root.dep_ in ("nsubj", "nsubjpass") or (ent.root.dep_ == "appos" and ent.root.head.dep_ in (
                    "nsubj", "nsubjpass"))):
            memory.mentions.append((ent.start, memory.full_name(strip_possessive(ent.text))))
    memory.dateline_end = dateline_end(text)
    _collect_orgs(doc, quotes, memory)
    out: list[dict[str, Any]] = []
    prev_stmt_seg: int | None = None
    segs = segments(doc, quotes)
    candidates = cue_candidates(doc)
    layout = line_cues(doc)
    regions = [c for c in layout if c.kind != "paren"]
    clutter = clutter_lines(text)
    # in a press release "we" is the issuer speaking in its own voice: no statement (spec)
    issuer = press_release_issuer(text, doc._.outlet)
    for k, (s, e) in enumerate(segs):
        seg = doc[s:e]
        if any(a <= seg.start_char < b for a, b in clutter):
            continue
        seg_quotes = [(qs, qe) for qs, qe in quotes if qs < seg.end_char and qe > seg.start_char]
        region = next((c for c in regions if c.tok_start <= s < c.tok_end or s <= c.tok_start < e), None)
        if region is not None:
            # a headline-style line or a colon block: one statement, whatever its sentences say
            if region.tok_start >= s or not any(o.get("region") == region.tok_start for o in out):
                out.append(_layout_statement(doc, region, memory, quotes, k, s, e))
            prev_stmt_seg = k
            continue
        cues = find_cues(seg, bool(seg_quotes), seg_quotes, candidates)
        if issuer is not None:
            cues = [c for c in cues if c[1] is None or c[1].lower_ not in ("we", "us", "our")]
        if not cues and voices_out is not None and k > 0:
            keeper = data_keeper(seg, doc[segs[k - 1][0]: segs[k - 1][1]])
            if keeper is not None:
                kept = resolve_speaker(keeper, memory)
                voices_out.append({"tok_start": s, "tok_end": e, "speaker": kept.name, "role": kept.role,
                                   "kind": "keeper"})
        direct = any(quote_is_clause(doc, qs, qe) for qs, qe in seg_quotes)
        found: list[dict[str, Any]] = []
        for lc in layout:
            if lc.kind == "paren" and s <= lc.cue_i < e:
                found.append(_layout_statement(doc, lc, memory, quotes, k, s, e))
        if cues:
            # a verb cue outranks "according to" (relays: "X said ..., according to Reuters")
            verb_cues = [c for c in cues if c[2] != "according to"]
            use = verb_cues or cues
            resolved = []
            for cue, subj, cue_text in use:
                sp = resolve_speaker(subj, memory) if subj is not None else None
                resolved.append((cue, sp, cue_text))
            # late "he said" after a named speaker in the same segment: same person
            names = {sp.name for _, sp, _ in resolved if sp}
            groups: dict[str, list[tuple[Token, Speaker, str]]] = {}
            for cue, sp, cue_text in resolved:
                if sp is None:
                    continue
                if cue.dep_ == "relcl" and len(resolved) > 1:
                    continue  # "Densia, a firm that counts crowds, ...": a description, not a second report
                groups.setdefault(sp.name, []).append((cue, sp, cue_text))
            top = [g for g in groups.values()]
            independent = len(top) > 1 and not any(
                dominates(a[0][0], b[0][0]) for a in top for b in top if a is not b)
            for items in top:
                items.sort(key=lambda x: (len(list(x[0].ancestors)), x[0].i))
                cue, sp, cue_text = items[0]
                if independent:
                    cs, ce = _clause_span(cue, seg)
                else:
                    cs, ce = s, e
                found.append({"tok_start": cs, "tok_end": ce, "speaker": sp.name, "role": sp.role,
                              "person": sp.person, "cue": cue_text, "cue_i": [c[0].i for c in items],
                              "direct": direct, "continued": False})
                memory.add(cue.i, sp)
                if not independent:
                    break
            del names
            if independent:
                _trim_clauses(found)
            cues_all = [(c.i, sp.name, sp.role) for c, sp, _ in resolved if sp is not None]
            cues_all += [ci for st in found if st["cue"] == "(...)" for ci in st["cues_all"]]
            for st in found:
                st["cues_all"] = cues_all
                st["date"] = _cue_date(doc, st["cue_i"])
        elif seg_quotes and prev_stmt_seg is not None and prev_stmt_seg == k - 1:
            covered = sum(min(qe, seg.end_char) - max(qs, seg.start_char) for qs, qe in seg_quotes)
            body = len(seg.text.strip())
            if body and covered / body >= 0.8:
                last = out[-1]
                found.append({"tok_start": s, "tok_end": e, "speaker": last["speaker"], "role": last["role"],
                              "person": last["person"], "cue": None, "cue_i": [], "direct": True,
                              "continued": True, "cues_all": [], "date": None})
        for st in found:
            span = doc[st["tok_start"]: st["tok_end"]]
            st["start"], st["end"] = span.start_char, span.end_char
            st["seg"] = k
            st["seg_start"], st["seg_end"] = s, e
            out.append(st)
        if found:
            prev_stmt_seg = k
    return out


def _layout_statement(doc: Doc, lc: LineCue, memory: Memory, quotes: list[tuple[int, int]], k: int,
                      s: int, e: int) -> dict[str, Any]:
    """The statement of a headline-style line, a colon block or a parenthetical credit."""
    sp = speaker_from_span(lc.name, memory) if lc.name is not None else resolve_speaker(lc.speaker, memory)
    memory.add(lc.cue_i, sp)
    span = doc[lc.tok_start: lc.tok_end]
    direct = any(quote_is_clause(doc, qs, qe) for qs, qe in quotes
                 if qs >= span.start_char and qe <= span.end_char + 1)
    return {"tok_start": lc.tok_start, "tok_end": lc.tok_end, "speaker": sp.name, "role": sp.role,
            "person": sp.person, "cue": lc.cue, "cue_i": [lc.cue_i], "direct": direct, "continued": False,
            "cues_all": [(lc.cue_i, sp.name, sp.role)], "date": None, "scope": lc.kind,
            "region": lc.tok_start if lc.kind != "paren" else None,
            "start": span.start_char, "end": span.end_char, "seg": k,
            "seg_start": min(s, lc.tok_start), "seg_end": max(e, lc.tok_end)}


def find_voices(doc: Doc, stmts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sentences without a cue of their own that still speak in someone's voice (see ``voice``)."""
    issuer = press_release_issuer(doc_text(doc), doc._.outlet)
    found = eyewitness_voices(doc)
    found += continuation_voices(doc, stmts, found)
    if issuer is not None:
        found += issuer_voices(doc, issuer, stmts + found)
    return found


def register_extensions() -> None:
    for name in ("statements", "voices", "outlet"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


@Language.component("newsledger_statements", assigns=["doc._.statements", "doc._.voices"],
                    requires=["token.dep", "token.lemma", "doc.ents"])
def statements_component(doc: Doc) -> Doc:
    """Writes ``doc._.statements``: span, speaker, role, cue, direct for each statement."""
    register_extensions()
    keepers: list[dict[str, Any]] = []
    doc._.statements = extract_statements(doc, keepers)
    doc._.voices = keepers + find_voices(doc, doc._.statements)
    return doc


register_extensions()
