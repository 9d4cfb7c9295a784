"""Word lists the extraction rules use, kept as data files beside this module.

One file per list: ``NAME.txt``, one entry per line, ``#`` starts a comment. A line may hold a
word (or a phrase of several words) and, for mappings, a value after a tab or `` -> ``.
Files are read once per process. The first comment line of each file says how its entries
are matched (``match: lemma``, ``match: lower`` or ``match: phrase``); the tests check that
every entry can match in that way, so a list never carries dead entries.

Keeping the lists out of the code lets a reader see and review each one as a whole, and lets
the tests hold every list to the same rules.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

LOADED: set[str] = set()


@cache
def _lines(name: str) -> tuple[tuple[str, str | None], ...]:
    text = resources.files(__package__).joinpath(f"{name}.txt").read_text(encoding="utf-8")
    LOADED.add(name)
    out: list[tuple[str, str | None]] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if "\t" in line or " -> " in line:
            key, value = (line.split("\t", 1) if "\t" in line else line.split(" -> ", 1))
            out.append((key.strip(), value.strip()))
        else:
            out.append((line, None))
    return tuple(out)


@cache
def words(name: str) -> frozenset[str]:
    """The entries of list ``name`` (lower-cased as written in the file); built once, as hot loops
    look words up per token."""
    return frozenset(k for k, _ in _lines(name))


def mapping(name: str) -> dict[str, str]:
    """Entry -> value for a list written as ``entry<TAB>value`` or ``entry -> value``."""
    out: dict[str, str] = {}
    for key, value in _lines(name):
        if value is None:
            raise ValueError(f"wordlist {name!r}: entry {key!r} has no value")
        out[key] = value
    return out


def match_mode(name: str) -> str:
    """How the entries of ``name`` are matched, from its ``# match: ...`` header."""
    text = resources.files(__package__).joinpath(f"{name}.txt").read_text(encoding="utf-8")
    for raw in text.splitlines():
        if raw.startswith("# match:"):
            return raw.split(":", 1)[1].strip()
    return "lower"


def available() -> list[str]:
    """Every list shipped with the package."""
    return sorted(p.name[:-4] for p in resources.files(__package__).iterdir() if p.name.endswith(".txt"))
