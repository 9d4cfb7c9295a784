"""The model's named entities, decoded by array operations over a batch.

spaCy's entity recognizer scores one transition per token with a small network and keeps
the best *valid* one. The network is cheap; finding the valid transitions is not: for every
token of every Doc, spaCy's compiled loop asks each of the ~74 transitions (B/I/L/U per label,
and O) whether it is valid, and on this machine that check costs more than the recognizer's
own tok2vec (about 60% of the component's time, measured with py-spy).

Each BILUO transition consumes exactly one token, so all the Docs of a batch stand at the same
token at the same step, and validity depends only on a few facts: is an entity open, with which
label, is this token a space, does the next token start a sentence, is this the last token. So
the valid transitions of a state are one row of a small table, and a step of the whole batch is
a handful of array operations. The arithmetic is spaCy's, operation for operation: the same
tok2vec and precomputed lower layer (spaCy's own layers are called), the feature sum in the same
order, maxout, BLIS's ``sgemm`` for the output layer as spaCy's compiled loop calls it, the same
masking of unseen classes and the first maximum among valid transitions. The entities are
therefore those of spaCy's component; tests compare both on many Docs.

Docs that already carry entity annotation (preset or blocked entities) and models this decoder
does not describe (beam search, other state features, no hidden layer, classes marked unseen,
whose masking couples the Docs of a batch) go to spaCy's component.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import numpy
from blis.py import gemm  # type: ignore[import-untyped]
from spacy.attrs import ENT_IOB, IS_SPACE, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from .util import batched

KINDS = ("B", "I", "L", "U", "O")
B, I, L, U, O = range(5)  # noqa: E741 (spaCy's names for the BILUO moves)


def _moves(ner: Any) -> list[tuple[int, str]]:
    """(kind, label) of each of the recognizer's transitions, in class order."""
    out = []
    for i in range(ner.moves.n_moves):
        name = ner.moves.get_class_name(i)
        if name == "O":
            out.append((O, ""))
            continue
        kind, _, label = name.partition("-")
        out.append((KINDS.index(kind), label))
    return out


def supported(ner: Any) -> bool:
    """Whether ``ner`` is a greedy BILUO recognizer of the architecture decoded here."""
    try:
        from spacy.pipeline._parser_internals.ner import BiluoPushDown

        model = ner.model
        lower = model.get_ref("lower")
        return (isinstance(ner.moves, BiluoPushDown) and ner.cfg.get("beam_width", 1) == 1
                and model.attrs.get("has_upper") is True and not model.attrs.get("unseen_classes")
                and lower.get_dim("nF") == 3
                and lower.get_dim("nP") >= 2 and len(model.layers) == 3
                and len(_moves(ner)) > 0)  # a transition other than B/I/L/U/O raises here
    except (AttributeError, KeyError, ValueError, ImportError):
        return False


class GreedyEntities:
    """Drop-in for a greedy spaCy ``EntityRecognizer`` (same network, same entities)."""

    def __init__(self, ner: Any, name: str = "newsledger_entities") -> None:
        self.ner = ner
        self.name = name
        self.vocab = ner.vocab
        moves = _moves(ner)
        self.n_moves = len(moves)
        self.kind = numpy.array([k for k, _ in moves], dtype=numpy.int8)
        labels = sorted({label for _, label in moves if label})
        self.labels = labels
        index = {label: i for i, label in enumerate(labels)}
        self.label_of = numpy.array([index.get(label, -1) for _, label in moves], dtype=numpy.int64)
        self.label_ids = numpy.array([self.vocab.strings.add(label) for label in labels],
                                     dtype=numpy.uint64)
        # Valid transitions by situation (see the module docstring): rows 0-2 with no entity
        # open (token is a space / may not begin an entity / may begin one), then two rows per
        # label of the open entity (it may only end here / it may go on).
        labelled = self.label_of >= 0
        table = numpy.zeros((3 + 2 * len(labels), self.n_moves), dtype=bool)
        table[:3, self.kind == O] = True
        table[1:3, (self.kind == U) & labelled] = True
        table[2, (self.kind == B) & labelled] = True
        for i in range(len(labels)):
            table[3 + 2 * i, (self.kind == L) & (self.label_of == i)] = True
            table[4 + 2 * i, ((self.kind == L) | (self.kind == I)) & (self.label_of == i)] = True
        self.table = table
        model = ner.model
        self.tok2vec, self.lower, self.upper = model.layers

    def __call__(self, doc: Doc) -> Doc:
        self._annotate([doc])
        return doc

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 256) -> Iterator[Doc]:
        """spaCy's batching: sort each batch by length, decode it in sub-batches of a quarter."""
        for batch in batched(docs, batch_size):
            by_length = sorted(batch, key=len)
            for sub in batched(by_length, max(batch_size // 4, 2)):
                self._annotate(sub)
            yield from batch

    def _annotate(self, docs: list[Doc]) -> None:
        annotated = [bool(doc.to_array(ENT_IOB).any()) for doc in docs]
        plain = [doc for doc, done in zip(docs, annotated, strict=True) if not done]
        if len(plain) < len(docs):  # preset or blocked entities: spaCy's transitions honour them
            preset = [doc for doc, done in zip(docs, annotated, strict=True) if done]
            self.ner.set_annotations(preset, self.ner.predict(preset))
        if not any(len(doc) for doc in plain):
            for doc in plain:
                doc.set_ents([], default="outside")
            return
        for doc, ents in zip(plain, self.decode(plain), strict=True):
            doc.set_ents([Span(doc, start, end, label=int(self.label_ids[label]))
                          for start, end, label in ents], default="outside")

    def decode(self, docs: list[Doc]) -> list[list[tuple[int, int, int]]]:
        """(start, end, label index) of each Doc's entities, as spaCy's greedy parse finds them.

        With no entity open, a state's features are its token and two paddings, so those
        scores are computed for every token at once; the few steps inside an entity, whose
        features also name the entity's first token, are computed one state at a time. BLIS
        gives each row of a product the same bits whatever the number of rows (tested), and
        the sums are element-wise, so batching changes no number.
        """
        tokvecs = self.tok2vec.predict(docs)
        cached = self.lower.predict(tokvecs)  # (tokens + 1, nF, nH, nP); row 0 is the padding
        n_rows, n_feats, n_hidden, n_pieces = cached.shape
        self._cached = cached = cached.reshape((n_rows, n_feats, n_hidden * n_pieces))
        self._bias = self.lower.get_param("b").reshape(-1)
        self._shape = (n_hidden, n_pieces)
        hidden = numpy.zeros((n_rows - 1, n_hidden * n_pieces), dtype=numpy.float32)
        hidden += cached[1:, 0]
        hidden += cached[0, 1]
        hidden += cached[0, 2]
        scores = self._scores(hidden)
        # per token: is it a space, is it its Doc's last, does the next token start a sentence
        space = numpy.zeros(n_rows - 1, dtype=bool)
        ends = numpy.zeros(n_rows - 1, dtype=bool)
        offset = 0
        for doc in docs:
            if len(doc):
                arr = doc.to_array([IS_SPACE, SENT_START]).astype(numpy.int64)
                space[offset:offset + len(doc)] = arr[:, 0] != 0
                ends[offset:offset + len(doc) - 1] = arr[1:, 1] == 1
                ends[offset + len(doc) - 1] = True
                offset += len(doc)
        self._ends = ends
        situation = numpy.where(space, 0, numpy.where(ends, 1, 2))
        best = self._best(scores, self.table[situation])
        kinds = self.kind[best]
        labels = self.label_of[best]
        found: list[list[tuple[int, int, int]]] = []
        offset = 0
        for doc in docs:
            ents: list[tuple[int, int, int]] = []
            n = len(doc)
            begins = numpy.flatnonzero(kinds[offset:offset + n] == B).tolist()
            units = numpy.flatnonzero(kinds[offset:offset + n] == U).tolist()
            t = u = 0
            for p in [*begins, n]:
                if p < t:  # inside an entity: the closed-state choice does not apply
                    continue
                while u < len(units) and units[u] < p:
                    if units[u] >= t:
                        ents.append((units[u], units[u] + 1, int(labels[offset + units[u]])))
                    u += 1
                if p == n:
                    break
                label = int(labels[offset + p])
                t = self._close(offset, p, label)
                ents.append((p, t, label))
            found.append(ents)
            offset += n
        del self._cached, self._ends  # the batch's arrays are not kept until the next one
        return found

    def _scores(self, hidden: Any) -> Any:
        """Maxout, then the output layer by BLIS, as spaCy's ``predict_states``."""
        hidden += self._bias
        state = hidden.reshape((len(hidden), *self._shape)).max(axis=2)
        scores = gemm(state, self.upper.get_param("W"), trans2=True, beta=0.0)
        scores += self.upper.get_param("b")
        return scores

    @staticmethod
    def _best(scores: Any, valid: Any) -> Any:
        """spaCy's ``arg_max_if_valid``: the first highest-scoring valid class of each row."""
        best = numpy.where(valid, scores, -numpy.inf).argmax(axis=1)
        ok = valid[numpy.arange(len(best)), best]
        if not ok.all():  # every valid score is -inf: spaCy keeps the first valid class
            best = numpy.where(ok, best, valid.argmax(axis=1))
        return best

    def _close(self, offset: int, start: int, label: int) -> int:
        """Walk the entity begun at ``start`` to the token that ends it; return its end."""
        cached = self._cached
        t = start + 1
        while True:  # a B needs two tokens left, an I one more, so the Doc cannot end open
            at = offset + t
            hidden = numpy.zeros((1, cached.shape[2]), dtype=numpy.float32)
            hidden += cached[at + 1, 0]
            hidden += cached[offset + start + 1, 1]
            hidden += cached[at, 2]
            valid = self.table[3 + 2 * label + (0 if self._ends[at] else 1)][None, :]
            kind = self.kind[self._best(self._scores(hidden), valid)[0]]
            t += 1
            if kind == L:
                return t

@Language.factory("newsledger_entities", default_config={"source": "ner"}, assigns=["doc.ents"])
def make_entities(nlp: Language, name: str, source: str) -> GreedyEntities:
    """The named entities of the pipeline's ``source`` recognizer, decoded by arrays."""
    return GreedyEntities(nlp.get_pipe(source), name)
