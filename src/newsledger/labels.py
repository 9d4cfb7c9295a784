"""Quantity labels in words: what is counted, whom, where, in which event and, for a per-day
quantity, which day ("people killed in Hazrun in the earthquake", "people who turned out in
Tarsenne in the strike on 15 Feb 2031").

The label is built from a quantity's own key fields (category, counted class, subset, place,
incident, projection, day) and the label of its story, so a reader tells apart quantities that the
ledger keeps apart. Used by the store when it refreshes a quantity.
"""

from __future__ import annotations

import re

from .quantities import GENERIC_PEOPLE, SUBGROUPS, head_noun
from .records import Figure
from .words import day_words

# what happened to the counted, after the noun ("people killed")
_WHAT = {"killed": "killed", "injured": "injured", "evacuated": "evacuated", "displaced": "displaced",
         "trapped": "missing or trapped", "missing": "missing or trapped", "detained": "detained"}
# sub-counts of a toll (figures/scope.py), as a clause on the counted
_SUBSET = {"critical": "in critical condition", "hospitalise": "taken to hospital", "in hospital": "still in hospital",
           "sighting": "as seen by reporters", "identify": "identified", "recover": "bodies recovered",
           "bury": "buried", "discharge": "discharged from hospital", "cumulative": "in total so far",
           "stay": "who stayed behind", "onward": "who went on"}
# incidents other than the story's current one (figures/events.py)
_EVENT = {"since": "counted since an earlier start", "before": "before the incident",
          "prior": "in an earlier incident", "elsewhere": "elsewhere"}
_OWN_EVENT = {"since", "before"}  # still the story's incident
_LIGHT_VERBS = {"", "be", "have", "do", "get", "make", "say", "include"}  # say nothing about which part
PER_DAY = ("attended", "detained", "evacuated", "military")
# words for a share that say nothing about what it is a share of
_SHARE_NOUNS = {"share", "ratio", "percent", "percentage", "proportion", "rate", "value", "cent", "per", "fraction"}
_PEOPLE_CLASSES = set(SUBGROUPS.values()) | {"people", "gatherings"}

_IRREGULAR = {
    "be": "been", "become": "become", "begin": "begun", "bind": "bound", "break": "broken", "bring": "brought",
    "build": "built", "buy": "bought", "catch": "caught", "choose": "chosen", "come": "come", "cost": "cost",
    "cut": "cut", "do": "done", "draw": "drawn", "drive": "driven", "eat": "eaten", "fall": "fallen", "feed": "fed",
    "fight": "fought", "find": "found", "flee": "fled", "get": "got", "give": "given", "go": "gone", "grow": "grown",
    "have": "had", "hide": "hidden", "hit": "hit", "hold": "held", "hurt": "hurt", "keep": "kept", "know": "known",
    "lay": "laid", "lead": "led", "leave": "left", "let": "let", "lose": "lost", "make": "made", "meet": "met",
    "pay": "paid", "put": "put", "rise": "risen", "run": "run", "say": "said", "see": "seen", "seek": "sought",
    "sell": "sold", "send": "sent", "set": "set", "shoot": "shot", "show": "shown", "shut": "shut",
    "sleep": "slept", "speak": "spoken", "spend": "spent", "spread": "spread", "stand": "stood", "steal": "stolen",
    "strike": "struck", "swim": "swum", "take": "taken", "teach": "taught", "tell": "told", "throw": "thrown",
    "wear": "worn", "win": "won", "write": "written"}


def participle(lemma: str) -> str:
    """The past participle of a verb lemma ("carry" -> "carried", "take" -> "taken")."""
    v = lemma.lower()
    if v in _IRREGULAR:
        return _IRREGULAR[v]
    if v.endswith("e"):
        return v + "d"
    if re.search(r"[^aeiou]y$", v):
        return v[:-1] + "ied"
    if re.fullmatch(r"[^aeiou]*[aeiou][bdgmnpt]", v) and len(v) <= 4:
        return v + v[-1] + "ed"  # "stop" -> "stopped"
    return v + "ed"


def _verb(f: Figure, cls: str) -> str | None:
    """The article's own verb for a count that no category names, quoted as a lemma ("buildings
    (“damage”)"): its voice is unknown ("countries come", "buildings damaged"), so no participle is
    made up. None when it says nothing that the noun or the sub-count does not."""
    p = (f.predicate or "").lower()
    if not p.isalpha() or len(p) < 3 or p in _LIGHT_VERBS or p in GENERIC_PEOPLE or \
            head_noun(p) in (cls, head_noun(cls)) or (f.subset or "").split(":")[-1] == p:
        return None
    return f"(“{p}”)"


def _noun(f: Figure, cls: str) -> str:
    """The counted, in the plural the article used ("buses", not the key's "buse")."""
    if cls == "military":
        return "military personnel"
    if cls in _PEOPLE_CLASSES:
        return cls
    words: list[str] = re.findall(r"[A-Za-z][A-Za-z'-]*", f.counted or "")
    for i, w in enumerate(words):
        if head_noun(w) == cls or w.lower() == cls:
            # a capital inside the phrase is a name ("two Quilonian citizens"); at its start, the sentence's
            return w if i and w[:1].isupper() else w.lower()
    return cls if cls.endswith("s") else cls + "s"


def _place(place: str) -> str:
    """A quantity's place in words: "in Karvelia", "in government-held areas", "nationwide"."""
    p = " ".join(dict.fromkeys(place.split()))  # "Veshan province province" -> "Veshan province"
    if p.startswith("held:"):
        return f"in {p[5:]}-held areas"
    if p.startswith("from:"):
        return f"from the {p[5:]}"
    if p.startswith("rest:"):
        return f"in the rest of the {p[5:]}"
    if p.startswith("outside:"):
        return f"outside the {p[8:]}"
    return {"national": "nationwide", "combined": "across all areas", "capital": "in the capital",
            "any": ""}.get(p, f"in {p}")


def _citizens(subset: str, counted: str | None) -> str:
    stem = subset[4:]
    if "foreign".startswith(stem) or "tourist".startswith(stem):
        return "foreign citizens"
    word = next((w for w in re.findall(r"[A-Za-z]+", counted or "") if w.lower().startswith(stem)
                 and head_noun(w) not in ("citizen", "national")), None)
    return f"{word.capitalize()} citizens" if word else f"citizens of {stem.capitalize()}…"


def _subset(f: Figure) -> str:
    s = f.subset or ""
    if not s:
        return ""
    if s in _SUBSET:
        return _SUBSET[s]
    if s.startswith("nat:"):
        return _citizens(s, f.counted)
    if s.startswith("part:"):
        verb = s[5:]
        what = _WHAT.get(f.category, "")  # "part:displace" of people displaced says nothing more
        echo = bool(what) and what.startswith(verb[:max(3, len(verb) - 1)])
        same = verb in _LIGHT_VERBS or not verb.isalpha() or echo
        return "part of the total" if same else f"part of the total: “{verb}”"
    if s.startswith("act:"):
        return f"part of the total: those {participle(s[4:])} by someone"
    return s


def story_event(story_label: str | None) -> tuple[str, str]:
    """The event word and first place of a story label ("earthquake · Karvelia / Hazrun · 10–15
    Feb 2032" -> ("earthquake", "Karvelia")); empty strings when the label does not say."""
    parts = [p.strip() for p in (story_label or "").split(" · ")]
    if len(parts) < 2 or not parts[0] or not re.fullmatch(r"[a-z][a-z -]*", parts[0]):
        return "", ""
    place = parts[1].split(" / ")[0].strip() if not re.match(r"\d", parts[1]) else ""
    return parts[0], place


def quantity_label(f: Figure, cls: str, place: str | None, story_label: str | None = None) -> str:
    """A quantity's label from its first figure, counted class, place and story label."""
    money = bool(f.unit) and f.unit != "percent"
    noun = _noun(f, cls)
    verb = _verb(f, head_noun(f.counted) or cls)
    if money:
        head = f"aid in {f.unit}" if f.category == "aid" else f"money in {f.unit}" + (f" {verb}" if verb else "")
    elif f.category in _WHAT:
        head = f"{noun} {_WHAT[f.category]}"
    elif f.category == "attended":
        head = "gatherings held" if cls == "gatherings" else f"{noun} who turned out"
    elif f.category == "aid":
        head = f"{noun} of aid"
    elif f.category == "other" and f.predicate == "population":
        head = f"{noun} living there (population)"  # figures/scope.py: population
    elif f.category == "military":
        head = f"{noun} {verb}" if verb else noun if cls == "military" else f"{noun} (military)"
    else:
        head = f"{noun} {verb}" if verb else noun
    if f.unit == "percent":
        bare = head_noun(f.counted) in _SHARE_NOUNS or cls in _SHARE_NOUNS
        head = "percentage" + (f" {verb}" if bare and verb else "") if bare else f"percentage of {head}"
    if f.projection:
        head = f"forecast of {head}"
    bits = [head]
    sub = _subset(f)
    if sub:
        bits.append(f"({sub})")
    if f.event and f.event not in _OWN_EVENT:
        bits.append(_EVENT.get(f.event) or f"in the incident of {day_words(f.event.removeprefix('on:'))}")
    where = _place(place) if place else ""
    if where:
        bits.append(where)
    if f.event in _OWN_EVENT:
        bits.append(_EVENT[f.event])
    event, story_place = story_event(story_label)
    if event and (not f.event or f.event in _OWN_EVENT):
        bits.append(f"in the {event}" if where or not story_place else f"in the {story_place} {event}")
    if f.category in PER_DAY and f.subset != "cumulative":
        bits.append(f"on {day_words(f.event_date)}" if f.event_date else "on an unknown day")
    return " ".join(b for b in bits if b)
