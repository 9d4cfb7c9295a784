"""Word lists the figure stages share: units, qualifiers, category words, people and thing nouns."""

from __future__ import annotations

from spacy.tokens import Token

from ..wordlists import mapping, words

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
EVIDENCE_LEMMAS = {"believe", "assess", "expect", "put", "count", "find", "give", "issue",
                   "revise", "record", "register", "list", "tally",
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

# what happened to what is counted: word lists in newsledger/wordlists (see each file's header)
CATEGORY_LEMMAS: dict[str, str] = mapping("category_words")
# nouns that name an event rather than a kind of person outrank the verbs around them
EVENT_NOUNS: dict[str, str] = mapping("event_nouns")
# person nouns are what is counted, not what happened to them: only used when nothing else says
PEOPLE_NOUNS: frozenset[str] = words("people_nouns")
# counted nouns that are not people: what happens to people (killed, evacuated...) cannot happen to them
THING_NOUNS: frozenset[str] = words("thing_nouns")
PREDICATE_DEPS = {"acomp", "oprd", "xcomp", "prt", "dobj", "attr", "advmod"}
POBJ_CATEGORIES: dict[str, str] = mapping("place_categories")
COST_WORDS: frozenset[str] = words("cost_words")
PEOPLE_CATEGORIES = {"killed", "injured", "evacuated", "displaced", "trapped", "missing", "detained",
                     "attended"}
COUNT_NOUNS = {"number", "toll", "figure", "total", "tally", "count", "estimate", "death"}
# verbs/adjectives that carry "take part", "stop work", "lose homes": head + particle/object
PHRASES: dict[tuple[str, str], str] = {
    (k.split()[0], k.split()[1]): v for k, v in mapping("category_phrases").items()}

# words that make a figure a sub-count of a larger total (spec: hospitalised, identified, ...)
SUBSET_WORDS = {"hospitalise", "hospitalize", "hospitalised", "hospitalized", "admit", "treat", "critical",
                "intensive", "serious", "seriously", "critically", "identify", "recover", "bury", "hospital",
                "discharge"}



GROWTH_VERBS = {"rise", "climb", "reach", "top", "pass", "exceed", "increase", "grow", "hit", "double", "surpass",
                "swell", "jump", "soar"}
FORECAST_VERBS = {"expect", "project", "forecast", "predict", "fear", "warn"}
# forecasts: "is on course to top", "is likely to rise to", "is set to reach"; "will end up at"
FORECAST_FRAMES = {"course", "likely", "set", "poised", "due", "bound"}
END_VERBS = {"end", "wind", "finish", "settle", "stand"}
FORECAST_NOUNS = {"projection", "forecast", "prediction"}
FINAL_WORDS = {"final", "eventual", "ultimate"}
# "up to 100 people could be trapped", "may number 40,000": a hedged present count, not a forecast
STATE_VERBS = {"be", "number", "include", "have", "remain", "total", "stand", "lie", "live"}
# "up to a million people could be displaced": what may yet happen to them
OUTCOME_VERBS = {"displace", "affect", "kill", "infect", "evacuate", "uproot"}
TOTAL_NOUNS = {"toll", "number", "figure", "total", "count"}
NATIONAL_WORDS = {"nationwide", "countrywide", "national"}
PLACE_PREPS = {"in", "across", "at", "through", "outside", "near", "throughout", "inside", "within"}


def lemma_of(t: Token) -> str:
    return t.lemma_.lower()
