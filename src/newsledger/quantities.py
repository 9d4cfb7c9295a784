"""Group figures that measure the same quantity within one run.

This is the simple per-run grouping: same counted head noun, category, unit and
event day (running totals stated in the present are grouped on the day they are
stated). The cross-article ledger refines it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from .records import Figure

_IRREGULAR = {"children": "child", "men": "man", "women": "woman", "people": "people", "persons": "person",
              "police": "police", "personnel": "personnel", "troops": "troop", "dead": "people"}


def head_noun(counted: str | None) -> str:
    """The singular head word of a counted phrase ("police officers" -> "officer")."""
    words = re.findall(r"[A-Za-z$]+", counted or "")
    if not words:
        return ""
    w: str = str(words[-1]).lower()
    if w in _IRREGULAR:
        return str(_IRREGULAR[w])
    for suf, rep in (("ies", "y"), ("ses", "s"), ("s", "")):
        if w.endswith(suf) and len(w) > len(suf) + 2:
            return w[: -len(suf)] + rep
    return w


def quantity_key(f: Figure) -> tuple[str, str, str, str]:
    return (f.category, head_noun(f.counted), f.unit or "", f.event_date or "")


def assign_quantities(figures: Iterable[Figure]) -> list[Figure]:
    """Give every figure a quantity id ``q-N`` shared by figures with the same key."""
    ids: dict[tuple[str, str, str, str], str] = {}
    out: list[Figure] = []
    for f in figures:
        key = quantity_key(f)
        qid = ids.setdefault(key, f"q-{len(ids) + 1}")
        out.append(replace(f, quantity=qid))
    return out
