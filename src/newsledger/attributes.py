"""The model's attribute rules (POS, morphology, lemma exceptions) applied by table lookup.

spaCy's ``AttributeRuler`` runs a ``Matcher`` with every rule at every token: in
en_core_web_sm that is ~190 patterns, costing more CPU than the parser. Nearly all of them
test one token's attributes for equality (``[{"TAG": "NNS"}]``, ``[{"LOWER": "is", "TAG":
"VBZ"}]``), sometimes with ``IN``, ``NOT_IN`` or ``REGEX``. Which of those a token satisfies is
a function of the few attribute values they read, so it is worked out once per distinct tuple
of values and memoised; the attributes are then set for the whole Doc with one ``from_array``.
Patterns of several tokens without operators are checked from the tokens that satisfy their
first position; anything else (operators, extensions, unknown predicates) stays with a
``Matcher`` holding only those patterns.

The semantics are spaCy's: all matches are found on the Doc as it came in, then applied in
the order of the rule's number (a later rule overwrites an earlier one), at the rule's index
inside the match. A ruler that sets anything other than token-level LEMMA, POS, TAG, MORPH or
DEP is not translated (``translatable`` is False) and spaCy's component is kept.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy
from spacy.attrs import DEP, IDS, LEMMA, LENGTH, MORPH, POS, TAG
from spacy.errors import Errors
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.vocab import Vocab

from .util import MEMO_LIMIT

# Set on the token alone by spaCy's set_token_attrs (Token.set_struct_attr; the lexeme has no such
# field) and by Doc.from_array alike, so setting them by array is the same operation.
SETTABLE = frozenset((LEMMA, POS, TAG, MORPH, DEP))
# Read by Doc.to_array exactly as the Matcher reads them (SENT_START and ENT_IOB are read or
# converted differently, MORPH values are normalised: patterns on those stay with the Matcher).
_STRING_ATTRS = frozenset(IDS[name] for name in (
    "ORTH", "LOWER", "NORM", "SHAPE", "PREFIX", "SUFFIX", "LEMMA", "POS", "TAG", "DEP", "ENT_TYPE"))
_FLAGS = frozenset(v for k, v in IDS.items() if 0 < v < 64 and k.startswith(("IS_", "LIKE_")))
READABLE = _STRING_ATTRS | _FLAGS | {LENGTH}
# an IN list is expanded to equality keys; a product larger than this stays with the Matcher
MAX_KEYS_PER_PATTERN = 10_000

Predicate = Callable[[int], bool]


class Spec:
    """One token position of a pattern: equality sets per attribute plus other predicates."""

    def __init__(self, eq: dict[int, frozenset[int]], preds: list[tuple[int, Predicate]]) -> None:
        self.eq = eq
        self.preds = preds
        self.eq_attrs = tuple(sorted(eq))


def _attr_id(key: Any) -> int | None:
    if isinstance(key, int) and not isinstance(key, bool):
        return key if key in READABLE else None
    if not isinstance(key, str):
        return None
    name = key.upper()
    attr = IDS.get("ORTH" if name == "TEXT" else name)
    return attr if attr in READABLE else None


def _ids(values: Any) -> frozenset[int] | None:
    """The Matcher's IN/NOT_IN set: get_string_id of each str or int (anything else: not ours)."""
    if not isinstance(values, (list, tuple, set, frozenset)):
        return None
    if not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in values):
        return None
    return frozenset(get_string_id(v) for v in values)


def compile_spec(spec: Any, vocab: Vocab) -> Spec | None:
    """The token spec as equality sets and predicates, or None when only the Matcher can test it."""
    if not isinstance(spec, dict):
        return None
    eq: dict[int, frozenset[int]] = {}
    preds: list[tuple[int, Predicate]] = []

    def restrict(attr: int, values: frozenset[int]) -> None:
        eq[attr] = eq[attr] & values if attr in eq else values

    for key, value in spec.items():
        attr = _attr_id(key)
        if attr is None:  # OP, "_", MORPH, SENT_START, ... and unknown names
            return None
        if isinstance(value, bool):
            restrict(attr, frozenset((int(value),)))
        elif isinstance(value, int):
            restrict(attr, frozenset((value,)))
        elif isinstance(value, str):
            restrict(attr, frozenset((vocab.strings.add(value),)))
        elif isinstance(value, dict):
            for op, arg in value.items():
                op = op.upper() if isinstance(op, str) else op
                if op in ("IN", "NOT_IN"):
                    members = _ids(arg)
                    if members is None:
                        return None
                    if op == "IN":
                        restrict(attr, members)
                    else:
                        preds.append((attr, _not_in(members)))
                elif op == "REGEX" and isinstance(arg, str) and attr in _STRING_ATTRS:
                    preds.append((attr, _regex(re.compile(arg), vocab)))
                else:
                    return None
        else:
            return None
    return Spec(eq, preds)


def _not_in(members: frozenset[int]) -> Predicate:
    return lambda value: value not in members


def _regex(pattern: re.Pattern[str], vocab: Vocab) -> Predicate:
    strings = vocab.strings
    return lambda value: bool(pattern.search(strings[value]))


def translatable(ruler: Any) -> bool:
    """Whether ``ruler`` is spaCy's AttributeRuler setting only attributes we can set by array."""
    return (isinstance(ruler, AttributeRuler)
            and all(all(isinstance(k, int) and k in SETTABLE for k in attrs) for attrs in ruler.attrs))


class FastAttributeRuler:
    """Applies an AttributeRuler's rules with the same result (see the module docstring)."""

    def __init__(self, ruler: AttributeRuler, limit: int = MEMO_LIMIT) -> None:
        if not translatable(ruler):
            raise ValueError("this attribute ruler sets attributes the lookup cannot set; keep spaCy's")
        self.vocab = ruler.vocab
        self.limit = limit
        self.rule_attrs: list[dict[int, int]] = [dict(a) for a in ruler.attrs]
        self.indices: list[int] = list(ruler.indices)
        self.set_cols: list[int | str] = sorted({k for a in self.rule_attrs for k in a})
        self.specs: list[Spec] = []  # every compiled token position
        self.single: dict[int, int] = {}  # spec of a one-token pattern -> its rule
        self.multi: list[tuple[int, list[int]]] = []  # (rule, spec per position)
        self.matcher = Matcher(self.vocab, validate=ruler.validate)
        for rule, pattern in self._patterns(ruler):
            specs = [compile_spec(s, self.vocab) for s in pattern]
            if len(specs) == 1 and specs[0] is not None and self.indices[rule] in (0, -1) \
                    and _n_keys(specs[0]) <= MAX_KEYS_PER_PATTERN:
                self.single[len(self.specs)] = rule
                self.specs.append(specs[0])
            elif len(specs) > 1 and all(s is not None and _n_keys(s) <= MAX_KEYS_PER_PATTERN for s in specs):
                self.multi.append((rule, list(range(len(self.specs), len(self.specs) + len(specs)))))
                self.specs.extend(s for s in specs if s is not None)
            else:
                self.matcher.add(str(rule), [pattern])
        read = {a for s in self.specs for a in s.eq} | {a for s in self.specs for a, _ in s.preds}
        self.cols: list[int | str] = sorted(read)
        # equality attributes -> key of values -> specs; the specs with predicates are then checked
        self.index: dict[tuple[int, ...], dict[tuple[int, ...], list[int]]] = {}
        for i, spec in enumerate(self.specs):
            table = self.index.setdefault(spec.eq_attrs, {})
            for values in itertools.product(*(sorted(spec.eq[a]) for a in spec.eq_attrs)):
                table.setdefault(values, []).append(i)
        self.col_of = {a: j for j, a in enumerate(self.cols)}
        self.first_specs = {specs[0] for _, specs in self.multi}
        self._reset()

    @staticmethod
    def _patterns(ruler: AttributeRuler) -> Iterator[tuple[int, list[Any]]]:
        for rule in range(len(ruler.attrs)):
            for pattern in ruler.matcher.get(str(rule))[1]:
                yield rule, pattern

    def _reset(self) -> None:
        """Empty the memo (bounded: cleared when it reaches ``limit`` distinct tokens)."""
        self.memo: dict[tuple[int, ...], tuple[int, frozenset[int]]] = {}
        self.classes: dict[tuple[int, ...], int] = {}
        self.class_rules: list[tuple[int, ...]] = []
        self.values: list[list[int]] = []
        self.masks: list[list[bool]] = []
        self._tables: tuple[Any, Any] | None = None

    def _class(self, rules: tuple[int, ...]) -> int:
        """The id of a set of matched rules; its row says which attribute gets which value."""
        found = self.classes.get(rules)
        if found is not None:
            return found
        values = [0] * len(self.set_cols)
        mask = [False] * len(self.set_cols)
        for rule in rules:  # ascending: a later rule overwrites, as in spaCy
            for j, attr in enumerate(self.set_cols):
                if attr in self.rule_attrs[rule]:
                    values[j] = self.rule_attrs[rule][attr]
                    mask[j] = True
        self.classes[rules] = len(self.class_rules)
        self.class_rules.append(rules)
        self.values.append(values)
        self.masks.append(mask)
        self._tables = None
        return len(self.class_rules) - 1

    def _evaluate(self, key: tuple[int, ...]) -> tuple[int, frozenset[int]]:
        """Which specs a token with these attribute values satisfies: (class of its one-token
        rules, the positions of longer patterns it satisfies)."""
        satisfied = []
        for attrs, table in self.index.items():
            for i in table.get(tuple(key[self.col_of[a]] for a in attrs), ()):
                if all(pred(key[self.col_of[a]]) for a, pred in self.specs[i].preds):
                    satisfied.append(i)
        rules = tuple(sorted({self.single[i] for i in satisfied if i in self.single}))
        result = (self._class(rules), frozenset(i for i in satisfied if i not in self.single))
        self.memo[key] = result
        return result

    def _target(self, rule: int, start: int, end: int) -> int:
        index = self.indices[rule]
        target = start + index if index >= 0 else end + index
        if not start <= target < end:
            raise ValueError(Errors.E1001.format(patterns=self.matcher.get(str(rule)), span=[], index=index))
        return target

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        if len(self.memo) >= self.limit:  # between Docs: the class ids of a Doc stay valid
            self._reset()
        if self.cols:
            rows: Any = doc.to_array(self.cols).reshape(n, len(self.cols)).tolist()
            memo, evaluate = self.memo, self._evaluate
            found = [memo.get(key) or evaluate(key) for key in map(tuple, rows)]
        else:
            found = [(self._class(()), frozenset())] * n
        ids = [f[0] for f in found]
        extra: dict[int, list[int]] = {}
        if self.multi:
            for start, (_, positions) in enumerate(found):
                if positions & self.first_specs:
                    for rule, specs in self.multi:
                        end = start + len(specs)
                        if end <= n and all(s in found[start + k][1] for k, s in enumerate(specs)):
                            extra.setdefault(self._target(rule, start, end), []).append(rule)
        if len(self.matcher):
            for match_id, start, end in self.matcher(doc, allow_missing=True, as_spans=False):
                rule = int(self.vocab.strings[match_id])
                extra.setdefault(self._target(rule, start, end), []).append(rule)
        for i, rules in extra.items():
            ids[i] = self._class(tuple(sorted(set(self.class_rules[ids[i]]) | set(rules))))
        self._apply(doc, ids)
        return doc

    def _apply(self, doc: Doc, ids: list[int]) -> None:
        if not self.set_cols:
            return
        if self._tables is None:
            self._tables = (numpy.array(self.values, dtype=numpy.uint64).reshape(-1, len(self.set_cols)),
                            numpy.array(self.masks, dtype=bool).reshape(-1, len(self.set_cols)))
        values, masks = self._tables
        rows = numpy.array(ids, dtype=numpy.intp)
        mask = masks[rows]
        if not mask.any():
            return
        current = doc.to_array(self.set_cols).reshape(len(doc), len(self.set_cols))
        new: Any = numpy.where(mask, values[rows], current)
        doc.from_array(self.set_cols, new)

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)


def _n_keys(spec: Spec) -> int:
    n = 1
    for values in spec.eq.values():
        n *= len(values)
    return n


@Language.factory("newsledger_attributes", default_config={"source": "attribute_ruler"},
                  assigns=["token.pos", "token.tag", "token.morph", "token.lemma", "token.dep"])
def make_attributes(nlp: Language, name: str, source: str) -> FastAttributeRuler:
    """The lookup built from the pipeline's component ``source`` (spaCy's AttributeRuler)."""
    return FastAttributeRuler(nlp.get_pipe(source))  # type: ignore[arg-type]
