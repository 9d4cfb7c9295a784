"""Word lists the figure stages share: units, qualifiers, category words, people and thing nouns."""

from __future__ import annotations

from spacy.tokens import Token

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

# words that make a figure a sub-count of a larger total (spec: hospitalised, identified, ...)
SUBSET_WORDS = {"hospitalise", "hospitalize", "hospitalised", "hospitalized", "admit", "treat", "critical",
                "intensive", "serious", "seriously", "identify", "recover", "bury", "confirm"}



GROWTH_VERBS = {"rise", "climb", "reach", "top", "pass", "exceed", "increase", "grow", "hit", "double", "surpass",
                "swell", "jump", "soar"}
FORECAST_VERBS = {"expect", "project", "forecast", "predict", "fear", "warn"}
NATIONAL_WORDS = {"nationwide", "countrywide", "national"}
PLACE_PREPS = {"in", "across", "at", "through", "outside", "near", "throughout", "inside", "within"}


def lemma_of(t: Token) -> str:
    return t.lemma_.lower()
