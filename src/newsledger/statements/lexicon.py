"""Word lists of the statement stages: speech verbs, speaker nouns, titles, pronouns.
"""

from __future__ import annotations

import re

from .. import wordlists

# Lemmas of verbs that report speech when their subject can speak.
SPEECH_VERBS = set(wordlists.words("speech_verbs"))
# Verbs that report only with evidence of content: a quote, a number or a that-clause.
EVIDENCE_VERBS = set(wordlists.words("evidence_verbs"))
# Nouns that can speak (heads of subjects such as "the spokesman", "police", "organisers").
SPEAKER_NOUNS = set(wordlists.words("speaker_nouns"))
PERSON_TITLES = set(wordlists.words("person_titles"))
# strong speech verbs: any noun subject speaks ("the transfusion centre said")
OPEN_SUBJECT_VERBS = set(wordlists.words("open_subject_verbs"))
# ambiguous verbs report speech only with a clause, a quote or a number ("admitted 46 patients" is not)
NEEDS_CLAUSE = set(wordlists.words("needs_clause"))
# subjects that never speak even though a parser may make them the subject of "confirmed"
MUTE_SUBJECTS = set(wordlists.words("mute_subjects"))
ORG_NOUNS = set(wordlists.words("org_nouns"))
GENERIC_ORG = set(wordlists.words("generic_org"))
COUNT_OBJECTS = set(wordlists.words("count_objects"))
CONDITIONAL_MARKS = set(wordlists.words("conditional_marks"))
# reports and records speak for whoever owns them ("the ministry's final tally")
DOCUMENT_NOUNS = set(wordlists.words("document_nouns"))
FEMALE_WORDS = set(wordlists.words("female_words"))
MALE_WORDS = set(wordlists.words("male_words"))
AMBIGUOUS_TITLES = set(wordlists.words("ambiguous_titles"))
PERSON_PRONOUNS = set(wordlists.words("person_pronouns"))
GROUP_PRONOUNS = {"they", "it", "we"}
RELATIVE_PRONOUNS = {"who", "which", "that"}
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
OPEN_QUOTES = "“«\u201e"
CLOSE_QUOTES = "”»"
SENT_END = re.compile(r"[.!?…]\W*$")
