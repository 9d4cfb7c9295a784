"""Word lists of the statement stages: speech verbs, speaker nouns, titles, pronouns.
"""

from __future__ import annotations

import re

# Lemmas of verbs that report speech when their subject can speak.
SPEECH_VERBS = {
    "say", "tell", "report", "announce", "state", "claim", "deny", "confirm", "accuse", "assure",
    "declare", "estimate", "condemn", "warn", "insist", "explain", "add", "reject", "acknowledge",
    "admit", "dismiss", "allege", "argue", "blame", "promise", "vow", "urge", "note", "stress",
    "emphasise", "emphasize", "tweet", "write", "comment", "reply", "respond", "predict", "suggest",
    "describe", "express", "ask", "demand", "recall", "maintain", "contend", "concede", "complain",
    "disclose", "reveal", "testify", "inform", "conclude", "counter", "retort", "affirm", "caution",
    "decry", "criticise", "criticize", "apologise", "apologize", "pledge", "threaten",
    "post", "quote", "cite", "assert", "observe", "remark", "signal", "update",
}
# Verbs that report only with evidence of content: a quote, a number or a that-clause.
EVIDENCE_VERBS = {"put", "count", "find", "give", "issue", "revise", "call", "speak", "defend", "record",
                  "register", "list", "show", "raise", "lower", "spoke", "tally", "place"}
# Nouns that can speak (heads of subjects such as "the spokesman", "police", "organisers").
SPEAKER_NOUNS = {
    "spokesman", "spokeswoman", "spokesperson", "official", "officials", "police", "minister", "ministry",
    "government", "authority", "authorities", "organiser", "organizer", "union", "agency", "media",
    "force", "forces", "army", "military", "correspondent", "reporter", "witness", "resident", "doctor",
    "hospital", "rescuer", "president", "governor", "mayor", "leader", "commander", "chief", "director",
    "head", "report", "statement", "survey", "study", "source", "analyst", "expert", "officer",
    "spokespeople", "department", "office", "council", "committee", "company", "group", "federation",
    "alliance", "coalition", "party", "prosecutor", "court", "judge", "lawyer", "activist", "medic",
    "worker", "volunteer", "team", "service", "administration", "inspector", "inspectorate", "regulator",
    "ambassador", "envoy", "secretary", "adviser", "advisor", "representative", "coordinator",
    "broadcaster", "newspaper", "paper", "outlet", "channel", "observer", "monitor", "mission", "ngo",
    "charity", "operator", "firm", "board", "bank", "institute", "university", "researcher",
    "scientist", "engineer", "manager", "executive", "ceo", "owner", "premier", "chancellor", "king",
    "queen", "pope", "general", "colonel", "captain", "admiral", "sergeant", "lieutenant", "senator",
    "lawmaker", "legislator", "mp", "deputy", "cabinet", "presidency", "kremlin", "pentagon", "embassy",
    "regime", "junta", "rebel", "militant", "insurgent", "fighter", "troop", "soldier", "guard",
    "relative", "family", "survivor", "victim", "eyewitness", "citizen", "villager", "local", "people",
    "organisation", "organization", "association", "network", "spokesmen", "staff",
    "prefecture", "centre", "center", "municipality", "steward", "medics",
}
PERSON_TITLES = {"president", "minister", "spokesman", "spokeswoman", "spokesperson", "governor", "mayor",
                 "captain", "admiral", "general", "colonel", "chief", "commander", "leader", "secretary",
                 "adviser", "advisor", "director", "head", "prime", "senator", "ambassador", "envoy",
                 "coordinator", "correspondent", "reporter", "doctor", "dr", "mr", "mrs", "ms", "judge",
                 "prosecutor", "officer", "sergeant", "lieutenant", "deputy", "chairman", "chairwoman",
                 "ceo", "executive", "manager", "king", "queen", "pope", "premier", "chancellor"}
# strong speech verbs: any noun subject speaks ("the transfusion centre said")
OPEN_SUBJECT_VERBS = {"say", "tell", "report", "announce", "state", "estimate", "add", "warn", "claim", "deny"}
# ambiguous verbs report speech only with a clause, a quote or a number ("admitted 46 patients" is not)
NEEDS_CLAUSE = {"admit", "note", "reveal", "suggest", "signal", "recall", "maintain", "update", "post", "write",
                "observe", "claim", "add", "describe", "call", "count"}
# subjects that never speak even though a parser may make them the subject of "confirmed"
MUTE_SUBJECTS = {"number", "toll", "figure", "total", "tally", "count", "death", "amount", "share"}
ORG_NOUNS = {"ministry", "government", "union", "agency", "company", "firm", "police", "army", "military",
             "office", "department", "service", "council", "committee", "federation", "alliance", "coalition",
             "party", "court", "administration", "inspectorate", "regulator", "hospital", "group", "operator",
             "organisation", "organization", "association", "network", "charity", "mission", "prefecture",
             "authority", "authorities", "embassy", "kremlin", "presidency", "cabinet", "centre", "center"}
GENERIC_ORG = {"company", "firm", "operator", "group", "organisation", "organization", "agency", "charity",
               "carrier", "owner", "employer"}
COUNT_OBJECTS = {"toll", "figure", "number", "estimate", "count", "tally", "total", "breakdown", "account",
                 "detail", "update", "statement", "warning"}
CONDITIONAL_MARKS = {"when", "whenever", "if", "unless", "once"}
# reports and records speak for whoever owns them ("the ministry's final tally")
DOCUMENT_NOUNS = {"bulletin", "report", "record", "tally", "figure", "data", "statement", "count", "document",
                  "statistic", "estimate", "audit", "survey", "update", "release", "register", "list",
                  "source", "account", "website", "channel"}
FEMALE_WORDS = {"she", "her", "spokeswoman", "chairwoman", "mrs", "ms", "woman", "queen", "mother",
                "congresswoman", "businesswoman"}
MALE_WORDS = {"he", "him", "his", "spokesman", "chairman", "mr", "man", "king", "father", "congressman",
              "businessman"}
AMBIGUOUS_TITLES = {"general", "chief", "head", "director", "leader", "executive", "manager", "officer"}
PERSON_PRONOUNS = {"he", "she", "him", "her", "i"}
GROUP_PRONOUNS = {"they", "it", "we"}
RELATIVE_PRONOUNS = {"who", "which", "that"}
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
OPEN_QUOTES = "“«\u201e"
CLOSE_QUOTES = "”»"
SENT_END = re.compile(r"[.!?…]\W*$")
