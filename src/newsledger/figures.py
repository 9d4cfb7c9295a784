"""Find reported figures and describe each: value, hedge, unit, what is counted, category,
who reports it and for which day.

The ``newsledger_figures`` component writes ``doc._.figures`` (plain dicts). It reads
``doc._.dates`` and ``doc._.statements``, so it runs after those components.
Stages per figure: number expression -> exclusions (dates, ages, durations,
measurements, names, phone numbers) -> qualifier -> counted noun through the
dependency parse -> category from the words that govern it -> source from the
statement whose cue dominates it -> event date (a date in its own clause, else
present tense means publication day, else the day in context).
"""

from __future__ import annotations

import bisect
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Token

from . import numbers as num
from .statements import strip_possessive

# --------------------------------------------------------------------- lexicons
CURRENCY_SYMBOLS = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₴": "UAH",
                    "₽": "RUB", "a$": "AUD", "c$": "CAD", "chf": "CHF"}
CURRENCY_WORDS = {"dollar": "USD", "dollars": "USD", "usd": "USD", "euro": "EUR", "euros": "EUR",
                  "eur": "EUR", "pound": "GBP", "pounds": "GBP", "sterling": "GBP", "gbp": "GBP",
                  "yen": "JPY", "rupees": "INR", "hryvnias": "UAH", "roubles": "RUB", "rubles": "RUB",
                  "francs": "CHF", "yuan": "CNY", "renminbi": "CNY"}
PERCENT_WORDS = {"%", "percent", "pct"}
TIME_UNITS = {"second", "minute", "hour", "day", "night", "week", "weekend", "month", "year", "decade",
              "century", "fortnight", "morning", "evening", "afternoon", "hr", "min", "yr", "season",
              "term", "round"}
MEASURE_UNITS = {"km", "kilometre", "kilometer", "mile", "metre", "meter", "m", "cm", "mm", "foot", "feet",
                 "inch", "yard", "hectare", "acre", "kg", "kilogram", "gram", "g", "tonne", "ton", "litre",
                 "liter", "gallon", "barrel", "degree", "magnitude", "mph", "knot", "celsius",
                 "fahrenheit", "mw", "kw", "gw", "megawatt", "sq", "square", "storey", "story", "floor",
                 "point", "kph", "km/h", "bpd", "watt", "volt", "calorie", "percentile", "page", "lap",
                 "kilometres", "metres", "miles"}
EVIDENCE_LEMMAS = {"put", "count", "find", "give", "issue", "revise", "record", "register", "list", "tally",
                   "place", "estimate"}
# subordinate clauses of a reporting verb that are the narrator's background, not the speaker's words
NARRATOR_MARKS = {"as", "when", "after", "before", "since", "because", "while", "although", "though"}
STREET_WORDS = {"street", "st", "road", "rd", "avenue", "ave", "lane", "boulevard", "blvd", "square", "way",
                "drive", "place", "highway", "route", "court"}
# frame nouns whose numbers are not counts: "raise the retirement age from 63 to 65"
NON_COUNT_FRAMES = {"age", "temperature", "speed", "height", "depth", "distance", "rate", "score", "price",
                    "level", "magnitude", "altitude", "length", "width", "weight", "interest", "grade"}
NAME_ENTS = {"PERSON", "ORG", "FAC", "PRODUCT", "WORK_OF_ART", "LAW", "EVENT", "GPE", "LOC"}

# qualifier phrases in front of a number, longest first
PREFIX_QUALIFIERS: list[tuple[tuple[str, ...], str]] = sorted([
    (("more", "than"), "more_than"), (("over",), "more_than"), (("well", "over"), "more_than"),
    (("upwards", "of"), "more_than"), (("in", "excess", "of"), "more_than"), (("above",), "more_than"),
    (("at", "least"), "at_least"), (("no", "fewer", "than"), "at_least"), (("no", "less", "than"), "at_least"),
    (("a", "minimum", "of"), "at_least"), (("not", "less", "than"), "at_least"),
    (("about",), "approx"), (("around",), "approx"), (("some",), "approx"), (("roughly",), "approx"),
    (("approximately",), "approx"), (("an", "estimated"), "approx"), (("estimated",), "approx"),
    (("circa",), "approx"), (("approx",), "approx"), (("an", "approximate"), "approx"),
    (("up", "to"), "at_most"), (("almost",), "at_most"), (("nearly",), "at_most"),
    (("as", "many", "as"), "at_most"), (("as", "much", "as"), "at_most"), (("no", "more", "than"), "at_most"),
    (("at", "most"), "at_most"), (("a", "maximum", "of"), "at_most"), (("close", "to"), "at_most"),
    (("just", "under"), "less_than"), (("fewer", "than"), "less_than"), (("less", "than"), "less_than"),
    (("under",), "less_than"), (("below",), "less_than"),
    (("only",), "exact"), (("just",), "exact"), (("exactly",), "exact"), (("precisely",), "exact"),
    (("a", "total", "of"), "exact"), (("all",), "exact"),
], key=lambda x: -len(x[0]))
MAX_QUALIFIER_WORDS = max(len(p) for p, _ in PREFIX_QUALIFIERS)
# the figure's own span includes these; "a total of" stays outside (spec: "46")
SPAN_QUALIFIERS = {q for q, _ in PREFIX_QUALIFIERS if q != ("a", "total", "of")}
MORE_THAN_VERBS = {"top", "pass", "exceed", "surpass", "cross", "overtake", "eclipse"}
AT_MOST_VERBS = {"reach", "hit"}
MODALS = {"could", "may", "might"}
VAGUE_PREFIX = {"a", "few", "several", "many", "some"}

CATEGORY_LEMMAS: dict[str, str] = {}
for _cat, _lexicon in {
    "killed": "kill die dead death fatality perish body murder slay drown casualty execute life toll "
              "fatal deadly massacre",
    "injured": "injure injured wound wounded hurt injury hospitalise hospitalize hospitalised hospitalized "
               "treat hospital",
    "evacuated": "evacuate evacuation evacuee rescue leave pull extract free airlift save escape "
                 "relocate take bring",
    "displaced": "displace displaced uproot flee homeless home refugee idp shelter",
    "trapped": "trap trapped pin underground strand stranded besiege stuck",
    "missing": "missing miss unaccounted disappear",
    "detained": "arrest detain hold custody jail imprison capture prisoner detention detainee",
    "attended": "march marcher protest protester protestor demonstrate demonstrator crowd turnout "
                "participate attend striker gather join picket rally pack walk",
    "aid": "aid fund funding donate donation pledge grant assistance allocate relief supply receive",
    "military": "troop soldier weapon tank missile drone artillery vehicle aircraft jet destroy "
                "warship rocket shell fighter battalion brigade sortie airstrike",
}.items():
    for _w in _lexicon.split():
        CATEGORY_LEMMAS.setdefault(_w, _cat)
# nouns that name an event rather than a kind of person outrank the verbs around them
EVENT_NOUNS = {"death": "killed", "fatality": "killed", "casualty": "killed", "injury": "injured",
               "arrest": "detained", "detention": "detained", "evacuation": "evacuated",
               "evacuee": "evacuated", "refugee": "displaced", "displacement": "displaced",
               "body": "killed"}
# person nouns are what is counted, not what happened to them: only used when nothing else says
PEOPLE_NOUNS = {"people", "person", "civilian", "resident", "man", "woman", "child", "miner", "worker",
                "family", "household", "student", "teacher", "patient", "passenger", "villager",
                "inhabitant", "citizen", "migrant", "victim", "survivor", "officer", "employee",
                "individual", "adult", "baby", "infant", "girl", "boy", "member", "pilgrim", "tourist",
                "group", "crowd", "troop", "soldier", "fighter", "police", "militant", "rebel", "personnel",
                "sailor", "marine", "guard", "staff", "crew", "hostage", "prisoner", "detainee", "evacuee",
                "refugee", "casualty", "fatality", "dead", "other", "youth", "pupil", "elderly", "local"}
# counted nouns that are not people: what happens to people (killed, evacuated...) cannot happen to them
THING_NOUNS = frozenset("""
town city village hamlet rally shelter home house household_item building school hospital clinic vehicle car
truck lorry bus boat ship vessel tent camp district region province country state county site street road bridge
flight train shop store business farm hectare acre ton tonne meal ration kit bag parcel dose vaccine bed room
apartment flat block structure facility station airport port aircraft plane jet helicopter tank missile rocket
drone shell bomb weapon gun round strike attack raid incident event meeting protest march demonstration location
area zone neighbourhood neighborhood municipality market mosque church temple well pump generator animal
livestock cattle sheep goat share stock vote seat point article post page document record file letter time
sample test kilometre mile percent dollar euro pound unit item package container crate convoy sortie operation
mission project program programme grant loan contract job position bill law case trip visit call message tweet
video photo image line queue border crossing checkpoint gallery shaft mine tunnel plant factory office branch
outlet channel network hotline number figure total tally estimate count rate level price cost fine penalty
sanction measure
""".split())
PREDICATE_DEPS = {"acomp", "oprd", "xcomp", "prt", "dobj", "attr", "advmod"}
POBJ_CATEGORIES = {"shelter": "displaced", "hospital": "injured", "custody": "detained", "rubble": "trapped",
                   "home": "displaced", "debris": "trapped", "detention": "detained", "prison": "detained",
                   "jail": "detained", "injury": "injured", "wound": "injured"}
COST_WORDS = {"cost", "damage", "loss", "lose", "price", "revenue", "value", "budget", "worth", "spend",
              "invest", "investment", "profit", "earn", "sale", "bill"}
PEOPLE_CATEGORIES = {"killed", "injured", "evacuated", "displaced", "trapped", "missing", "detained",
                     "attended"}
COUNT_NOUNS = {"number", "toll", "figure", "total", "tally", "count", "estimate", "death"}
# verbs/adjectives that carry "take part", "stop work", "lose homes": head + particle/object
PHRASES = {("take", "part"): "attended", ("stop", "work"): "attended", ("lose", "home"): "displaced",
           ("lose", "life"): "killed", ("walk", "out"): "attended", ("take", "shelter"): "trapped",
           ("go", "missing"): "missing", ("shoot", "down"): "military", ("bring", "out"): "evacuated"}


def register_extensions() -> None:
    if not Doc.has_extension("figures"):
        Doc.set_extension("figures", default=None)


# --------------------------------------------------------------------- number expressions

def _is_number_word(tok: Token) -> bool:
    low = tok.lower_
    if low in num.ONES or low in num.TENS or (low in num.SCALES and low not in ("m", "k")):
        return True
    if "-" in low and num.word_value(low) is not None:
        return True
    return num.parse_digits(tok.text) is not None


def _is_scale(tok: Token) -> bool:
    return (tok.lower_ in num.SCALES and tok.lower_ not in ("m", "k")) or tok.lower_ in ("bn", "mln")


class Expr:
    """A number expression found in the text, before we decide whether it is a figure."""

    def __init__(self, start: int, end: int, value: float, qualifier: str = "exact",
                 value_high: float | None = None, unit: str | None = None, vague: bool = False,
                 fraction: bool = False) -> None:
        self.start, self.end = start, end  # token range of the number (and unit)
        self.span_start = start  # includes qualifier words
        self.value, self.value_high = value, value_high
        self.qualifier, self.unit, self.vague, self.fraction = qualifier, unit, vague, fraction


def _run_end(doc: Doc, i: int) -> int:
    """End of a run of number words starting at i ("five million", "thirty - one")."""
    j = i + 1
    n = len(doc)
    while j < n:
        t = doc[j]
        prev = doc[j - 1].lower_
        after = doc[j + 1] if j + 1 < n else None
        if _is_scale(t) or t.lower_ == "dozen":
            j += 1
        elif t.text in ("-", "–") and after is not None and prev in num.TENS and after.lower_ in num.ONES:
            j += 2  # "thirty - one"
        elif t.lower_ == "and" and after is not None and prev == "hundred" and _is_number_word(after) \
                and after.lower_ not in num.SCALES:
            j += 2  # "two hundred and fifty"
        elif _is_number_word(t) and num.parse_digits(t.text) is None and (
                (prev in num.TENS and t.lower_ in num.ONES) or prev == "hundred"):
            j += 1  # "thirty one", "two hundred fifty"
        else:
            break
    return j


def _words(doc: Doc, a: int, b: int) -> list[str]:
    return [t.lower_ for t in doc[a:b]]


def find_expressions(doc: Doc) -> list[Expr]:
    out: list[Expr] = []
    i = 0
    n = len(doc)
    while i < n:
        tok = doc[i]
        low = tok.lower_
        expr: Expr | None = None
        # vague amounts: "hundreds", "tens of thousands", "hundreds of thousands", "dozens"
        if (low in num.VAGUE and low != "tens") or (low == "tens" and i + 2 < n and doc[i + 1].lower_ == "of"
                                                 and doc[i + 2].lower_ in ("thousands", "millions")):
            value = float(num.VAGUE[low])
            end = i + 1
            if end + 1 < n and doc[end].lower_ == "of" and doc[end + 1].lower_ in ("thousands", "millions"):
                value *= num.VAGUE[doc[end + 1].lower_]
                end += 2
            expr = Expr(i, end, value, "vague", vague=True)
        # "a few dozen", "several hundred", "a dozen"
        elif low in VAGUE_PREFIX and i + 1 < n:
            k = i + 1
            if doc[k].lower_ == "few" and k + 1 < n:
                k += 1
            if doc[k].lower_ in ("dozen", "hundred", "thousand", "million") and (low != "a" or k > i + 1 or
                                                                                doc[k].lower_ == "dozen"):
                base = num.DOZEN.get(doc[k].lower_) or num.SCALES[doc[k].lower_]
                if low == "a" and k == i + 1:
                    expr = Expr(i, k + 1, float(base))  # "a dozen" is exact
                else:
                    expr = Expr(i, k + 1, float(base * (2 if doc[k].lower_ == "dozen" else 1)), "vague",
                                vague=True)
        # fractions of a group: "almost half of the people", "a third of homes"
        elif low in num.FRACTIONS and i + 1 < n and doc[i + 1].lower_ == "of" and tok.pos_ != "VERB":
            start = i - 1 if i > 0 and doc[i - 1].lower_ in ("a", "one") else i
            value = num.FRACTIONS[low]
            before = num.word_value(doc[i - 1].lower_) if i > 0 else None
            if before and doc[i - 1].lower_ not in ("a", "one"):
                start = i - 1
                value *= before
            expr = Expr(start, i + 1, value, unit="percent", fraction=True)
        elif low == "half" and i + 2 < n and doc[i + 1].lower_ == "a" and _is_scale(doc[i + 2]):
            expr = Expr(i, i + 3, 0.5 * num.SCALES[doc[i + 2].lower_])
        elif (low == "a" and i + 1 < n and _is_scale(doc[i + 1]) and doc[i + 1].lower_ != "hundred") or \
                (_is_number_word(tok) and low not in num.SCALES):
            end = _run_end(doc, i)
            parsed = num.parse_words(_words(doc, i, end))
            if parsed is not None and not (low == "a" and end == i + 1):
                expr = Expr(i, end, parsed)
        if expr is None:
            i += 1
            continue
        _extend(doc, expr)
        out.append(expr)
        i = max(expr.end, i + 1)
    return out


def _extend(doc: Doc, e: Expr) -> None:
    """Ranges, currency, percent, "30+" and qualifiers around a number expression."""
    n = len(doc)
    # range "20 to 30", "20-30", "between 20 and 30"
    j = e.end
    if not e.vague and j + 1 < n and doc[j].lower_ in ("to", "-", "–") and _is_number_word(doc[j + 1]):
        k = _run_end(doc, j + 1)
        high = num.parse_words(_words(doc, j + 1, k))
        if high is not None and high > e.value:
            if high >= 1000 > e.value and e.value < 1000 and _is_scale(doc[k - 1]):
                e.value *= num.SCALES[doc[k - 1].lower_]
            e.value_high, e.qualifier, e.end = high, "range", k
    if e.start >= 1 and doc[e.start - 1].lower_ == "between" and e.end + 1 < n and doc[e.end].lower_ == "and" \
            and _is_number_word(doc[e.end + 1]):
        k = _run_end(doc, e.end + 1)
        high = num.parse_words(_words(doc, e.end + 1, k))
        if high is not None:
            e.value_high, e.qualifier, e.end = high, "range", k
            e.span_start = e.start = e.start - 1
    # single-token ranges such as "18,000-20,000"
    tok = doc[e.start]
    if "-" in tok.text and e.end == e.start + 1 and num.word_value(tok.lower_) is None:
        parts = tok.text.split("-")
        vals = [num.parse_digits(p) for p in parts]
        if len(vals) == 2 and vals[0] is not None and vals[1] is not None:
            e.value, e.value_high, e.qualifier = vals[0], vals[1], "range"
    # currency before / after, percent after
    if e.start >= 1 and doc[e.start - 1].lower_ in CURRENCY_SYMBOLS:
        e.unit = CURRENCY_SYMBOLS[doc[e.start - 1].lower_]
        e.start -= 1
        if e.start >= 1 and doc[e.start - 1].text == "US":
            e.start -= 1
    if e.end < n:
        nxt = doc[e.end].lower_
        if nxt in PERCENT_WORDS:
            e.unit, e.end = "percent", e.end + 1
        elif nxt == "per" and e.end + 1 < n and doc[e.end + 1].lower_ == "cent":
            e.unit, e.end = "percent", e.end + 2
        elif nxt in CURRENCY_WORDS and e.unit is None:
            e.unit, e.end = CURRENCY_WORDS[nxt], e.end + 1
        elif e.end + 1 < n and doc[e.end].pos_ in ("ADJ", "PROPN") and doc[e.end + 1].lower_ in CURRENCY_WORDS \
                and e.unit is None:
            e.unit, e.end = CURRENCY_WORDS[doc[e.end + 1].lower_], e.end + 2
        elif nxt == "+":
            e.qualifier, e.end = "more_than", e.end + 1
    if doc[e.end - 1].text.endswith("+") and e.qualifier == "exact":
        e.qualifier = "more_than"
    e.span_start = e.start
    # qualifier words in front (the longest phrase that ends right before the number)
    before = tuple(t.lower_ for t in doc[max(0, e.start - MAX_QUALIFIER_WORDS): e.start])
    if e.qualifier == "exact":
        for phrase, qual in PREFIX_QUALIFIERS:
            if len(phrase) > len(before) or before[len(before) - len(phrase):] != phrase:
                continue
            a = e.start - len(phrase)
            if phrase == ("some",) and doc[e.start].lower_ in ("of",):
                continue
            word = doc[a]
            if len(phrase) == 1 and word.dep_ == "prep" and word.head.pos_ in ("VERB", "AUX") and \
                    word.head.i < word.i:
                break  # a preposition, not a hedge: "talking about 23", "fell under 10"
            e.qualifier = qual
            if phrase in SPAN_QUALIFIERS:
                e.span_start = a
            break
    elif e.vague and e.start >= 1:
        for phrase, _qual in PREFIX_QUALIFIERS:
            if len(phrase) <= len(before) and before[len(before) - len(phrase):] == phrase and \
                    phrase in SPAN_QUALIFIERS:
                e.span_start = e.start - len(phrase)
                break


# --------------------------------------------------------------------- exclusions

def _anchor(doc: Doc, e: Expr) -> Token:
    """The token of the expression that the rest of the sentence attaches to."""
    ids = set(range(e.start, e.end))
    best = doc[e.end - 1]
    for t in doc[e.start: e.end]:
        if t.head.i not in ids or t.head == t:
            if t.pos_ in ("NUM", "NOUN", "PROPN", "SYM", "ADJ", "X") or t.like_num:
                best = t
                if t.lower_ not in PERCENT_WORDS and t.lower_ not in CURRENCY_SYMBOLS:
                    break
    if best.lower_ in PERCENT_WORDS or best.lower_ in CURRENCY_WORDS:
        return best
    return best


def _excluded(doc: Doc, e: Expr, date_tokens: set[int], anchor: Token) -> bool:
    toks = doc[e.start: e.end]
    first = doc[e.start]
    if any(t.i in date_tokens for t in toks if not t.is_punct):
        return True
    text = toks.text
    digits = [t for t in toks if num.parse_digits(t.text) is not None]
    if e.unit is None and not e.vague and not e.fraction and len(digits) == 1 and e.value_high is None:
        d = digits[0].text
        if len(d) == 4 and d.isdigit() and 1800 <= int(d) <= 2100:
            return True  # a year
        if len(d) > 1 and d.startswith("0") and "." not in d:
            return True  # codes and phone numbers
    n = len(doc)
    nxt = doc[e.end] if e.end < n else None
    prev = doc[e.start - 1] if e.start > 0 else None
    # phone numbers and codes: several bare digit groups in a row
    if nxt is not None and num.parse_digits(nxt.text) is not None and e.unit is None:
        return True
    if prev is not None and num.parse_digits(prev.text) is not None and e.unit is None and not prev.is_punct:
        return True
    # times: "6 p.m.", "10:30"
    if ":" in text or (nxt is not None and nxt.lower_.replace(".", "") in ("am", "pm", "gmt", "utc", "bst",
                                                                          "cet", "oclock")):
        return True
    # ages: "67-year-old", "aged 58", "Goran Ilic, 58,"
    if nxt is not None and nxt.text in ("-", "–") and e.end + 1 < n and doc[e.end + 1].lower_ in (
            "year", "years", "month", "week", "day", "hour", "minute", "storey", "mile", "km", "metre"):
        return True
    if nxt is not None and "-year" in nxt.lower_:
        return True
    if any("-year-old" in t.lower_ or t.lower_.endswith("-day") or t.lower_.endswith("-week") for t in toks):
        return True
    if prev is not None and prev.lower_ in ("aged", "age", "ages"):
        return True
    if prev is not None and prev.text == "," and e.start >= 2 and doc[e.start - 2].pos_ == "PROPN" \
            and (nxt is None or nxt.is_punct) and e.unit is None and e.value < 130:
        return True  # "Nadia Ferenc, 34, who ..."
    if e.start >= 3 and prev is not None and prev.lower_ == "and" and doc[e.start - 3].lower_ in ("aged", "ages"):
        return True  # "aged 7 and 10"
    # a person's age as predicate: "He was 23."
    if anchor.dep_ in ("attr", "acomp") and anchor.head.lemma_ == "be" and e.unit is None and e.value < 130 \
            and not any(c.dep_ == "prep" for c in anchor.children):
        subj = next((c for c in anchor.head.children if c.dep_ == "nsubj"), None)
        if subj is not None and (subj.lower_ in ("he", "she", "i") or subj.ent_type_ == "PERSON"):
            return True
    if anchor.dep_ == "pobj" and anchor.head.lower_ in ("under", "over") and anchor.head.head.lemma_ == "be" \
            and e.unit is None and e.value < 100:
        subj = next((c for c in anchor.head.head.children if c.dep_ == "nsubj"), None)
        if subj is None or _lemma(subj) not in COUNT_NOUNS | {"turnout", "crowd"}:
            return True  # "most of those detained were under 25"
    # labels: "Shaft No. 3", "#4", "number 10"
    k = e.start - 1
    while k >= 0 and doc[k].text == ".":
        k -= 1
    if k >= 0 and doc[k].lower_ in ("no", "nos", "#", "number", "num", "nr") and e.unit is None:
        return True
    # addresses: "14 Lipova Street"
    if nxt is not None and nxt.pos_ == "PROPN" and e.unit is None:
        j = e.end
        while j < n and doc[j].pos_ == "PROPN":
            if doc[j].lower_ in STREET_WORDS:
                return True
            j += 1
    # numbers that are part of a name ("Talk TV 2", "G7", "Route 66")
    if first.ent_type_ in NAME_ENTS and any(t.pos_ == "PROPN" for t in doc[first.i: e.end] if not t.like_num):
        return True
    if prev is not None and prev.pos_ == "PROPN" and prev.ent_type_ in NAME_ENTS and e.unit is None \
            and prev.ent_iob_ != "O" and first.ent_iob_ == "I":
        return True
    # "compare one march with another"
    if first.lower_ == "one" and any(t.lower_ in ("another", "other") for t in doc[e.end: e.end + 5]):
        return True
    # "one" as a pronoun ("one of the reasons", "no one")
    if first.lower_ == "one" and e.end == e.start + 1 and anchor.dep_ != "nummod":
        return True
    # durations and measurements
    head = anchor.head if anchor.dep_ in ("nummod", "quantmod", "compound", "amod") else None
    if head is not None and head.i >= e.end:
        lemma = head.lemma_.lower()
        if lemma in TIME_UNITS or lemma in MEASURE_UNITS or head.lower_ in MEASURE_UNITS:
            return True
    if nxt is not None and (nxt.lemma_.lower() in TIME_UNITS or nxt.lower_ in MEASURE_UNITS) and \
            e.unit is None and not e.fraction:
        return True
    if e.fraction and e.end + 2 < n:
        after = [t.lemma_.lower() for t in doc[e.end + 1: e.end + 4]]
        if any(a in TIME_UNITS for a in after):
            return True
    return False


# --------------------------------------------------------------------- counted thing

def _noun_phrase(noun: Token) -> str:
    mods = [c for c in noun.children if c.dep_ == "compound" and c.i < noun.i and not c.like_num]
    start = min([noun.i] + [m.i for m in mods])
    return noun.doc[start: noun.i + 1].text


def _of_object(tok: Token) -> Token | None:
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            for g in c.children:
                if g.dep_ in ("pobj", "pcomp"):  # "the number of missing" parses "missing" as pcomp
                    return g
    return None


class Counted:
    def __init__(self, noun: Token | None, text: str | None, implicit: bool) -> None:
        self.noun, self.text, self.implicit = noun, text, implicit


def counted_for(doc: Doc, e: Expr, anchor: Token) -> Counted:
    ids = set(range(e.start, e.end))
    if e.unit and e.unit != "percent":
        return Counted(None, e.unit, False)
    # "46 civilians", "five million people", "dozens of people", "70 percent of trains"
    cands = [anchor] + [t for t in doc[e.start: e.end] if t != anchor]
    for t in cands:
        if t.dep_ in ("nummod", "quantmod", "amod", "compound", "nmod") and t.head.i not in ids and \
                t.head.pos_ in ("NOUN", "PROPN", "ADJ") and t.head.i > t.i:
            noun = t.head
            if noun.lower_ in PERCENT_WORDS:
                continue
            if noun.lemma_.lower() in COUNT_NOUNS | {"group"} and _of_object(noun) is not None:
                inner = _of_object(noun)
                assert inner is not None
                return Counted(inner, _noun_phrase(inner), False)
            return Counted(noun, _noun_phrase(noun), False)
    for t in cands:
        obj = _of_object(t)
        if obj is not None:
            if obj.pos_ == "PRON":
                return Counted(None, None, True)  # "two of them": borrowed later
            return Counted(obj, _noun_phrase(obj), False)
    return Counted(None, None, True)


def implicit_counted(anchor: Token) -> Token | None:
    """Counted thing of a bare number from its frame: "put the crowd at 82,000", "the toll rose to 23",
    "the number of people ... rose to 23", "the real number ... was more than 40"."""
    head = anchor.head
    if anchor.dep_ == "pobj" and head.pos_ == "ADP":
        verb = head.head
        if head.lower_ == "at":
            obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
            if obj is not None:
                inner = _of_object(obj)
                return inner if inner is not None else obj
        if head.lower_ in ("to", "from", "at") and verb.pos_ in ("VERB", "AUX"):
            obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
            if obj is not None and obj.pos_ in ("NOUN", "PROPN"):
                inner = _of_object(obj)
                return inner if inner is not None else obj
            subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is not None:
                inner = _of_object(subj)
                return inner if inner is not None else subj
    if (anchor.dep_ in ("attr", "acomp") and head.pos_ in ("AUX", "VERB")) or (
            anchor.dep_ == "dobj" and _lemma(head) in MORE_THAN_VERBS | AT_MOST_VERBS | {"exceed", "approach"}):
        subj = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None:
            inner = _of_object(subj)
            return inner if inner is not None else subj
    return None


# --------------------------------------------------------------------- category

def _lemma(t: Token) -> str:
    return t.lemma_.lower()


def _phrase_category(t: Token) -> str | None:
    for c in t.children:
        key = (_lemma(t), _lemma(c))
        if key in PHRASES:
            return PHRASES[key]
    return None


def is_people_noun(noun: Token) -> bool:
    """Whether a counted noun can name people (so people categories such as killed apply).
    Unknown nouns count as people: in crisis news most counted nouns are."""
    lemma = _lemma(noun)
    if lemma in PEOPLE_NOUNS or lemma in EVENT_NOUNS or noun.ent_type_ in ("NORP", "PERSON"):
        return True
    return lemma not in THING_NOUNS and noun.lower_ not in THING_NOUNS


def _word_category(t: Token) -> str | None:
    """Category a single governing word carries, with the checks its ambiguity needs."""
    phr = _phrase_category(t)
    if phr:
        return phr
    lemma = _lemma(t)
    cat = CATEGORY_LEMMAS.get(lemma)
    if cat is None and t.lower_ in CATEGORY_LEMMAS:
        lemma = t.lower_  # the lemmatizer mangles rare forms ("unaccounted" -> "unaccounte")
        cat = CATEGORY_LEMMAS[lemma]
    if cat is None:
        return None
    kids = list(t.children)
    if lemma in ("underground",) and t.head.pos_ in ("AUX", "VERB") and any(
            c.lower_ in ("had", "'d") or (c.tag_ == "MD" and c.lower_ != "will") for c in t.head.children):
        return None  # "had been underground when the roof fell": where they were, not who is trapped
    if lemma == "take" and not any(c.dep_ == "prep" and c.lower_ in ("from", "to") for c in kids):
        return None
    if lemma == "bring" and not any(c.lower_ in ("out", "alive") for c in kids):
        return None
    if lemma == "hold" and not any(c.dep_ == "auxpass" for c in kids):
        return None
    if lemma in ("home", "shelter", "body", "life", "toll") and t.pos_ in ("NOUN", "PROPN"):
        return None
    if lemma == "leave":
        if t.pos_ != "VERB":
            return None
        obj = next((c for c in kids if c.dep_ == "dobj"), None)
        if obj is None:
            obj = next((g for c in kids if c.dep_ == "prep" and c.lower_ == "from" for g in c.children
                        if g.dep_ == "pobj"), None)
        # leaving a town is displacement; leaving a building or area under escort is evacuation
        if obj is None or obj.ent_type_ in ("GPE", "LOC"):
            return "displaced"
        return "evacuated"
    if cat in ("aid", "military") and t.pos_ not in ("VERB", "NOUN"):
        return None
    return cat


def _pobj_category(t: Token) -> str | None:
    for c in t.children:
        if c.dep_ != "prep":
            continue
        for g in c.children:
            if g.dep_ == "pobj":
                key = _lemma(g)
                if key == "ground" and c.lower_ in ("below", "under", "beneath"):
                    return "trapped"
                if key in POBJ_CATEGORIES:
                    return POBJ_CATEGORIES[key]
            if g.dep_ in ("amod", "acomp", "pobj") and _lemma(g) in ("missing", "dead", "injured", "wounded"):
                return CATEGORY_LEMMAS.get(_lemma(g))
    return None


def _governing_path(start: Token, stop: set[int]) -> list[Token]:
    """Words that say what happened to the counted thing, nearest first: the heads up to the
    reporting verb and their predicate children ("were listed as missing", "remain trapped").
    A verb reached through coordination ("killed X and driven Y") is another event: skipped."""
    path: list[Token] = []
    node = start
    came_by_conj = False
    while True:
        if node is not start and not (came_by_conj and node.pos_ in ("VERB", "AUX")):
            path.append(node)
            path.extend(c for c in node.children if c.dep_ in PREDICATE_DEPS and c.i != start.i
                        and c not in path)
        if node.i in stop or node.head == node or (node.dep_ == "ccomp" and node.head.i in stop):
            break
        came_by_conj = node.dep_ == "conj" and node.pos_ in ("VERB", "AUX")
        node = node.head
    return path


def category_for(doc: Doc, e: Expr, anchor: Token, noun: Token | None, stop: set[int],
                 frame: Token | None = None) -> str:
    """What happened to what is counted. Order: an event noun counted ("deaths", "arrests"),
    what the frame counts ("the number of missing", "the death toll"), clauses attached to the
    counted noun ("civilians trapped in..."), the governing words up to the reporting verb,
    their prepositional objects ("sleeping in shelters"), then the counted noun itself."""
    people = noun is None or is_people_noun(noun)
    if noun is not None:
        lemma = _lemma(noun)
        if lemma in EVENT_NOUNS:
            return EVENT_NOUNS[lemma]
        comp = [_lemma(c) for c in noun.children if c.dep_ in ("compound", "amod")]
        if lemma == "toll" and "death" in comp:
            return "killed"
        if noun.lower_ == "dead":
            return "killed"
        # the base of a share: "half of the town's 14,000 residents" is the population
        base_of = noun.head.head if noun.dep_ == "pobj" and noun.head.lower_ == "of" else None
        if base_of is not None and base_of.i != anchor.i and (
                base_of.like_num or base_of.lower_ in num.FRACTIONS or base_of.lower_ in PERCENT_WORDS):
            return "other"
        of = _of_object(anchor)
        if of is not None and of.lower_ in ("dead", "injured", "wounded", "missing", "displaced"):
            return CATEGORY_LEMMAS.get(of.lower_, "other")
    if frame is not None:
        inner = _of_object(frame)
        for t in (inner, frame):
            if t is not None:
                if t.lower_ in ("dead", "missing", "injured", "wounded", "displaced", "homeless"):
                    return CATEGORY_LEMMAS.get(t.lower_, "displaced")
                if _lemma(t) in ("toll",):
                    return "killed"
                if _lemma(t) in ("turnout", "crowd", "attendance"):
                    return "attended"
    start = noun if noun is not None else anchor
    clauses: list[Token] = []
    adjs: list[Token] = []
    for owner in {start, anchor}:
        for c in owner.children:
            if c.i == anchor.i:
                continue
            if c.dep_ in ("acl", "relcl"):
                clauses.append(c)
                clauses.extend(g for g in c.children if g.dep_ in PREDICATE_DEPS)
            elif c.dep_ == "amod":
                adjs.append(c)
    path = _governing_path(start, stop)
    money = e.unit is not None and e.unit != "percent"
    # nouns higher up ("41 arrests among hundreds of thousands of demonstrators") name another count,
    # so only verbs and adjectives on the path speak first; those nouns come after the counted noun
    path_nouns = [t for t in path if t.pos_ in ("NOUN", "PROPN")]
    for t in clauses + [t for t in path if t.pos_ not in ("NOUN", "PROPN")]:
        cat = _word_category(t)
        if cat and (people or cat not in PEOPLE_CATEGORIES) and not (money and cat != "aid"):
            return cat
        if money and _lemma(t) in COST_WORDS:
            return "other"
    for t in [start, *path]:
        if t.pos_ in ("VERB", "AUX"):
            cat = _pobj_category(t)
            if cat and people:
                return cat
    for t in adjs:
        cat = _word_category(t)
        if cat and people:
            return cat
    if money:
        return "aid"
    if noun is not None:
        lemma = _lemma(noun)
        cat = CATEGORY_LEMMAS.get(lemma)
        if cat in ("military", "attended", "aid", "detained") and lemma not in ("home", "shelter", "body"):
            return cat
    for t in path_nouns:
        cat = _word_category(t) or EVENT_NOUNS.get(_lemma(t))
        if cat and (people or cat not in PEOPLE_CATEGORIES) and not (money and cat != "aid"):
            return cat
    return "other"


# --------------------------------------------------------------------- dates

def _subtree_ids(tok: Token) -> tuple[int, int]:
    return tok.left_edge.i, tok.right_edge.i


def _in_subtree(i: int, tok: Token) -> bool:
    return tok.left_edge.i <= i <= tok.right_edge.i and any(a == tok for a in [tok.doc[i], *tok.doc[i].ancestors])


def _attachment(root: Token) -> Token:
    """The word a date expression modifies: "said on Monday" -> said, "said Monday" -> said."""
    head = root.head
    while head.pos_ == "ADP" and head.head != head:
        head = head.head
    return head


def local_date(anchor: Token, noun: Token | None, dates: list[dict[str, Any]],
               cue_date: str | None) -> dict[str, Any] | None:
    """The date of the figure's own clause.

    Only dates that modify a word on the figure's path to the sentence root count, or a clause
    on the counted noun ("46 civilians left ... on Saturday"); dates in other clauses ("when the
    dam failed on Sunday night", "down from 40 a day earlier" for the 31 beside it) do not, and
    a possessive date names an event ("Saturday's attack") rather than dating the figure. When
    the nearest date modifies some other event on the way up and the reporting verb carries
    its own day, the figure is as of the report ("killing at least nine, the ministry said on
    Monday")."""
    sent = anchor.sent
    cands = [d for d in dates if sent.start <= d["root"] < sent.end and not d.get("possessive")]
    if not cands:
        return None
    path = [anchor, *anchor.ancestors]
    rank = {t.i: k for k, t in enumerate(path)}
    own: set[int] = set()
    if noun is not None:
        own.update(c.i for c in noun.children if c.dep_ in ("acl", "relcl"))
    first_verb = next((t for t in path[1:] if t.pos_ in ("VERB", "AUX")), None)
    if first_verb is not None:
        own.add(first_verb.i)
        # a modal or auxiliary chain ("would release", "have been evacuated") is the same clause
        own.update(c.i for c in first_verb.children if c.dep_ in ("xcomp",))
    best: tuple[int, int, dict[str, Any]] | None = None
    for d in cands:
        attach = _attachment(anchor.doc[d["root"]])
        if attach.i in own:
            key = (0, abs(d["root"] - anchor.i))
        elif attach.i in rank:
            key = (rank[attach.i], abs(d["root"] - anchor.i))
        else:
            continue
        if best is None or key < best[:2]:
            best = (*key, d)
    if best is None:
        return None
    d = best[2]
    attach = _attachment(anchor.doc[d["root"]])
    if attach.i not in own and cue_date and d["date"] != cue_date and d["precision"] == "day":
        return {**d, "date": cue_date, "basis": "relative"}
    return d


def is_present(anchor: Token) -> bool:
    """Present-tense states and running totals ("are displaced", "have been evacuated", "remain")."""
    node = anchor
    while node.head != node:
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            tags = [node.tag_] + [c.tag_ for c in node.children if c.dep_ in ("aux", "auxpass")]
            if any(t in ("VBZ", "VBP") for t in tags):
                return True
            if node.tag_ in ("VBD",) or any(t == "VBD" for t in tags) or any(c.lower_ in ("will", "would", "had")
                                                                          for c in node.children):
                return False
            if node.tag_ in ("VBN", "VBG") and node.dep_ in ("acl", "amod"):
                continue
            if node.tag_ == "MD":
                return False
    return False


# --------------------------------------------------------------------- component

def _source_for(anchor: Token, stmts: list[dict[str, Any]]) -> dict[str, Any] | None:
    covering = [s for s in stmts if s["tok_start"] <= anchor.i < s["tok_end"]]
    if not covering:
        # a statement split by clauses may leave the figure in the segment but outside both spans
        covering = [s for s in stmts if s["seg_start"] <= anchor.i < s["seg_end"]]
    if not covering:
        return None
    best = None
    best_cue: Token | None = None
    best_depth = -1
    for s in covering:
        for ci in s.get("cues_all", []):
            cue = anchor.doc[ci[0]]
            if cue == anchor or cue in anchor.ancestors:
                # reporting verbs outrank counting verbs below them ("Brel said his teams counted 45")
                depth = len(list(cue.ancestors)) + (1000 if _lemma(cue) not in EVIDENCE_LEMMAS else 0)
                if depth > best_depth:
                    best, best_cue, best_depth = {**s, "speaker": ci[1], "role": ci[2]}, cue, depth
    if best_cue is not None and best_cue != anchor:
        # a clause hanging from the cue as an adverbial ("..., he said, as the toll rose to 14")
        # is the narrator's, not the speaker's
        step = anchor
        while step.head != best_cue:
            step = step.head
        if step.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in NARRATOR_MARKS for c in step.children):
            return None
    return best or covering[0]


def extract_figures(doc: Doc) -> list[dict[str, Any]]:
    dates = doc._.dates or []
    stmts = doc._.statements or []
    pub = doc._.pub_date
    date_tokens = {i for d in dates for i in range(d["start"], d["end"])}
    exprs = find_expressions(doc)
    kept: list[tuple[Expr, Token]] = []
    for e in exprs:
        anchor = _anchor(doc, e)
        if not _excluded(doc, e, date_tokens, anchor):
            kept.append((e, anchor))
    para_starts = [0] + [t.i + 1 for t in doc if t.is_space and "\n" in t.text]
    day_dates = [d for d in dates if d["precision"] == "day" and d["date"] and not d.get("possessive")]
    lead_date = None
    if day_dates and para_starts:
        first_para_end = para_starts[1] if len(para_starts) > 1 else len(doc)
        lead = [d for d in day_dates if d["start"] < first_para_end]
        lead_date = lead[0]["date"] if lead else None
        # the day the lead reports ("..., the ministry said on Monday") outranks the event's day
        reported = [st["date"] for st in stmts if st.get("date") and st["tok_start"] < first_para_end]
        if reported:
            lead_date = reported[0]
    out: list[dict[str, Any]] = []
    # reporting verbs bound the climb from a figure to the words that say what happened
    stop = {cue[0] for s in stmts for cue in s.get("cues_all", [])}
    for e, anchor in kept:
        counted = counted_for(doc, e, anchor)
        noun = counted.noun
        text = counted.text
        frame: Token | None = None
        partitive = _of_object(anchor)
        inherit = partitive is not None and partitive.pos_ == "PRON"
        if counted.implicit:
            frame = implicit_counted(anchor)
            if frame is not None and _lemma(frame) in NON_COUNT_FRAMES:
                continue
            if frame is not None and (frame.pos_ in ("PROPN", "PRON") or frame.ent_type_ in ("PERSON", "ORG")):
                frame = None  # "how the CTS had reached 1.2 million": a speaker, not a counted thing
            if frame is not None and _lemma(frame) not in COUNT_NOUNS:
                noun, text = frame, _noun_phrase(frame)
            elif frame is not None and _lemma(frame) in ("toll", "death"):
                noun, text = frame, "people"
            elif frame is not None:
                noun = frame
        else:
            # "at least five of the dead were children", "27, nine of them children"
            pred = _predicate_noun(anchor)
            if pred is not None:
                noun, text = pred, _noun_phrase(pred)
        # durations/measures reached through "of": "two months of shelling"
        if noun is not None and (_lemma(noun) in TIME_UNITS or _lemma(noun) in MEASURE_UNITS):
            continue
        category = category_for(doc, e, anchor, noun, stop, frame)
        if e.unit == "percent" and text is None:
            subj = _clause_subject(anchor)
            # the subject of a reporting verb is the source, not what the share is of
            if subj is not None and _lemma(subj) not in COUNT_NOUNS and subj.pos_ not in ("PRON", "NUM", "PROPN") \
                    and subj.head.i not in stop:
                text = _noun_phrase(subj)
        if text is None or inherit:
            # a bare or partitive figure continues the previous one ("six were confirmed dead",
            # "two of them seriously", "the ministry said 245,000"): borrow what it counts
            sent = anchor.sent
            for j in range(len(out) - 1, -1, -1):
                prev = out[j]
                if prev["_sent"] in (sent.start, _prev_sent_start(doc, sent)) and prev["counted"] and \
                        prev["unit"] in (None, "percent"):
                    if text is None:
                        text = prev["counted"]
                    if category == "other" or inherit:
                        category = prev["category"]
                    break
            # "the toll", "the real number" with nothing to borrow: in crisis reports, people
            if text is None and (category in PEOPLE_CATEGORIES or (frame is not None and _lemma(frame) in COUNT_NOUNS)):
                text = "people"
        src = _source_for(anchor, stmts)
        owner = _figure_owner(anchor)
        # event date
        d = local_date(anchor, noun, dates, src.get("date") if src else None)
        if d is not None:
            event_date, basis = d["date"], d["basis"] if d["date"] else None
            if d["precision"] != "day":
                event_date, basis = None, None
        elif is_present(anchor):
            event_date, basis = pub, "publication"
        else:
            event_date, basis = _context_date(doc, anchor, dates, para_starts, src, stmts), "context"
            if event_date is None:
                event_date = lead_date or pub
        span = doc[e.span_start: e.end]
        value = num.normalize(e.value)
        high = num.normalize(e.value_high)
        out.append({
            "start": span.start_char, "end": span.end_char, "text": span.text,
            "value": value, "value_high": high, "qualifier": _final_qualifier(e, anchor),
            "unit": e.unit, "counted": text, "category": category,
            "source": owner or (src["speaker"] if src else None),
            "source_role": None if owner else (src["role"] if src else None),
            "event_date": event_date, "date_basis": basis, "_sent": anchor.sent.start,
            "place": figure_place(anchor, noun, para_starts[bisect.bisect_right(para_starts, anchor.i) - 1]),
            "projection": is_projection(anchor),
            "subset": subset_marker(anchor, noun),
            "predicate": predicate_lemma(anchor, noun, stop),
        })
    # a figure compared in the same sentence with a placed one shares its place ("put the Alcoria
    # crowd at 118,000, above the police figure of 82,000")
    for j, f in enumerate(out):
        if f["place"] is None and j > 0 and out[j - 1]["_sent"] == f["_sent"] and \
                out[j - 1]["category"] == f["category"]:
            f["place"] = out[j - 1]["place"]
    for f in out:
        f.pop("_sent", None)
    return out


def _predicate_noun(anchor: Token) -> Token | None:
    """The noun a partitive figure is said to be: "five of the dead were children"."""
    if _of_object(anchor) is None:
        return None
    head = anchor.head
    if anchor.dep_ == "nsubj" and head.lemma_ == "be":
        attr = next((c for c in head.children if c.dep_ == "attr" and c.pos_ == "NOUN"), None)
        if attr is not None:
            return attr
    of = _of_object(anchor)
    if of is not None and of.pos_ == "PRON":
        nxt = of.nbor() if of.i + 1 < len(of.doc) else None
        if nxt is not None and nxt.pos_ == "NOUN" and nxt.tag_ in ("NNS", "NN"):
            return nxt
    return None


def _figure_owner(anchor: Token) -> str | None:
    """A figure credited inside its noun phrase: "the police figure of 82,000", "the unions' 400,000"."""
    def owner_text(tok: Token) -> str | None:
        for c in tok.children:
            if c.dep_ == "poss" and c.pos_ != "PRON":
                return strip_possessive(tok.doc[c.left_edge.i: c.i + 1].text)
        for c in tok.children:
            if c.dep_ in ("compound", "nmod") and c.pos_ in ("NOUN", "PROPN") and c.i < tok.i:
                return strip_possessive(tok.doc[c.left_edge.i: c.i + 1].text)
        return None

    if anchor.dep_ == "pobj" and anchor.head.lower_ == "of" and _lemma(anchor.head.head) in (
            "figure", "count", "estimate", "tally", "toll", "number"):
        return owner_text(anchor.head.head)
    for c in anchor.children:
        if c.dep_ == "poss" and c.pos_ != "PRON":
            return strip_possessive(anchor.doc[c.left_edge.i: c.i + 1].text)
    return None


# words that make a figure a sub-count of a larger total (spec: hospitalised, identified, ...)
SUBSET_WORDS = {"hospitalise", "hospitalize", "hospitalised", "hospitalized", "admit", "treat", "critical",
                "intensive", "serious", "seriously", "identify", "recover", "bury", "confirm"}


def subset_marker(anchor: Token, noun: Token | None) -> str | None:
    """The word that marks a sub-count ("admitted 46", "16 of them in a critical condition"),
    looked for in the figure's own phrase and its own verb, not in other clauses."""
    clausal = {"advcl", "ccomp", "conj", "relcl", "parataxis", "xcomp", "csubj"}
    near: list[Token] = [t for t in anchor.subtree if t.i != anchor.i]
    if noun is not None:
        near += [c for c in noun.children if c.dep_ in ("amod", "acl", "compound")]
    verb = next((t for t in anchor.ancestors if t.pos_ in ("VERB", "AUX")), None)
    if verb is not None:
        near.append(verb)
        near += [c for c in verb.children if c.dep_ not in clausal and c.dep_ not in ("nsubj", "nsubjpass")]
    for t in near:
        lemma = _lemma(t)
        if lemma in SUBSET_WORDS:
            return {"hospitalize": "hospitalise", "hospitalised": "hospitalise", "hospitalized": "hospitalise",
                    "admit": "hospitalise", "treat": "hospitalise", "intensive": "critical",
                    "serious": "critical", "seriously": "critical"}.get(lemma, lemma)
    return None


GROWTH_VERBS = {"rise", "climb", "reach", "top", "pass", "exceed", "increase", "grow", "hit", "double", "surpass",
                "swell", "jump", "soar"}
FORECAST_VERBS = {"expect", "project", "forecast", "predict", "fear", "warn"}
NATIONAL_WORDS = {"nationwide", "countrywide", "national"}
PLACE_PREPS = {"in", "across", "at", "through", "outside", "near", "throughout", "inside", "within"}


def predicate_lemma(anchor: Token, noun: Token | None, stop: set[int]) -> str | None:
    """What the figure is about when no category says it: the lemma of its own verb, or of the
    complement of "be" ("employs 1,400" -> employ, "had been underground" -> underground)."""
    for t in [anchor, *anchor.ancestors]:
        if t.pos_ not in ("VERB", "AUX") or t.i in stop:
            continue
        if t.lemma_ == "be":
            comp = next((c for c in t.children if c.dep_ in ("acomp", "attr", "advmod", "oprd")), None)
            return comp.lemma_.lower() if comp is not None else "be"
        return t.lemma_.lower()
    return noun.lemma_.lower() if noun is not None else None


def is_projection(anchor: Token) -> bool:
    """A forecast rather than a count: "could rise to 45,000", "is expected to reach 100"."""
    for t in anchor.ancestors:
        if t.pos_ not in ("VERB", "AUX"):
            continue
        lemma = _lemma(t)
        modal = any(c.tag_ == "MD" and c.lower_ not in ("can",) for c in t.children)
        forecast = t.dep_ == "xcomp" and _lemma(t.head) in FORECAST_VERBS
        return lemma in GROWTH_VERBS and (modal or forecast)
    return False


def figure_place(anchor: Token, noun: Token | None, para_start: int) -> str | None:
    """Where the figure applies, when the text says: "nationwide", "in Alcoria", or a fronted
    "In Alcoria, ..." earlier in the paragraph. None when the text gives no place."""
    doc = anchor.doc
    sent = anchor.sent
    holders = [anchor] + ([noun] if noun is not None else [])
    if noun is not None:
        # "the Alcoria crowd": a place name compounded onto what is counted
        for c in noun.children:
            if c.dep_ == "compound" and c.pos_ == "PROPN" and c.ent_type_ not in ("ORG", "NORP"):
                return strip_possessive(doc[c.left_edge.i: c.i + 1].text)
    verb = next((t for t in anchor.ancestors if t.pos_ in ("VERB", "AUX")), None)
    if verb is not None:
        holders.append(verb)
    for h in holders:
        for c in h.children:
            if c.lower_ in NATIONAL_WORDS:
                return "national"
            if c.dep_ == "prep" and c.lower_ in PLACE_PREPS:
                for g in c.children:
                    if g.dep_ == "pobj":
                        if g.lower_ in ("country", "nation") and any(x.lower_ in ("the", "whole") for x in g.children):
                            return "national"
                        if g.ent_type_ in ("GPE", "LOC", "FAC") or (
                                g.pos_ == "PROPN" and g.ent_type_ not in ("PERSON", "ORG", "NORP", "DATE")):
                            if c.lower_ in ("across", "throughout"):
                                return "national"  # "across Serrania": the whole area, not one town
                            ent = next((e for e in doc.ents if e.start <= g.i < e.end), None)
                            return strip_possessive(ent.text) if ent is not None else g.text
    # a fronted "In Alcoria," earlier in the paragraph (or opening this sentence) frames what follows
    k = sent.end
    while k > para_start:
        prev = doc[k - 1].sent
        place = _fronted_place(doc, prev.start, prev.end)
        if place:
            return place
        k = prev.start
    return None


def _fronted_place(doc: Doc, start: int, end: int) -> str | None:
    """"In Alcoria, ..." at a sentence start: the capitalised name before the comma."""
    if end - start < 3 or doc[start].lower_ != "in":
        return None
    j = start + 1
    while j < end and doc[j].pos_ == "PROPN" and doc[j].text[:1].isupper():
        j += 1
    if j == start + 1 or j >= end or doc[j].text != ",":
        return None
    return strip_possessive(doc[start + 1: j].text)


def _final_qualifier(e: Expr, anchor: Token) -> str:
    if e.qualifier != "exact":
        return e.qualifier
    head = anchor.head
    if anchor.dep_ in ("dobj", "pobj") and head.pos_ == "ADP":
        head = head.head
    if anchor.dep_ in ("dobj", "pobj", "attr") or anchor.head.pos_ == "ADP":
        lemma = _lemma(head)
        if lemma in MORE_THAN_VERBS:
            return "more_than"
        if lemma in AT_MOST_VERBS and any(c.lower_ in MODALS for c in head.children):
            return "at_most"
    return e.qualifier


def _prev_sent_start(doc: Doc, sent: Any) -> int:
    if sent.start == 0:
        return -1
    return int(doc[sent.start - 1].sent.start)


def _clause_subject(anchor: Token) -> Token | None:
    node = anchor
    while node.head != node:
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            return next((c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return None


def _context_date(doc: Doc, anchor: Token, dates: list[dict[str, Any]], para_starts: list[int],
                  src: dict[str, Any] | None, stmts: list[dict[str, Any]]) -> str | None:
    """The day in context: the same speaker's dated statement next to this one, else the last
    day mentioned earlier in the paragraph."""
    if src is not None:
        k = next((i for i, s in enumerate(stmts) if s["start"] == src["start"]), None)
        if k is not None:
            for j in (k + 1, k - 1):
                if 0 <= j < len(stmts) and stmts[j]["speaker"] == src["speaker"] and stmts[j].get("date"):
                    return str(stmts[j]["date"])
    p = bisect.bisect_right(para_starts, anchor.i) - 1
    para_start = para_starts[p] if p >= 0 else 0
    before = [d for d in dates if para_start <= d["start"] < anchor.i and d["precision"] == "day" and d["date"]
              and not d.get("possessive")]
    if before:
        return str(before[-1]["date"])
    return None


@Language.component("newsledger_figures", assigns=["doc._.figures"],
                    requires=["doc._.dates", "doc._.statements", "token.dep"])
def figures_component(doc: Doc) -> Doc:
    """Writes ``doc._.figures``: one dict per reported figure (spec fields plus ``source_role``)."""
    register_extensions()
    doc._.figures = extract_figures(doc)
    return doc


register_extensions()
