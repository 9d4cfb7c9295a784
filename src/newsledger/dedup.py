"""Near-duplicate detection for wire copies: MinHash signatures and LSH bands.

A wire story republished by many outlets must count once, not as many independent
confirmations. Each article gets a MinHash signature over word 4-gram shingles;
signatures are cut into bands, and articles sharing a band bucket are candidates,
confirmed when the estimated Jaccard similarity reaches the threshold. Looking up
candidates by band bucket keeps the cost per article flat as the corpus grows.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
SHINGLE = 4
THRESHOLD = 0.5
_PRIME = np.uint64(4294967311)  # > 2**32, so (a * x + b) fits in uint64 for 32-bit x and a
_rng = np.random.default_rng(20260101)
_A = _rng.integers(1, 2**32 - 1, size=NUM_PERM, dtype=np.uint64)
_B = _rng.integers(0, 2**32 - 1, size=NUM_PERM, dtype=np.uint64)
_WORD = re.compile(r"\w+")


def shingles(text: str) -> set[int]:
    """32-bit hashes of the word 4-grams of a text (lower-cased, punctuation ignored)."""
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE:
        words = words + [""] * (SHINGLE - len(words))
    # each distinct 4-gram hashed once (the shorter slices end the zip)
    grams = set(map(" ".join, zip(*(words[k:] for k in range(SHINGLE)), strict=False)))
    return {int.from_bytes(hashlib.blake2b(g.encode("utf-8"), digest_size=4).digest(), "little") for g in grams}


def signature(text: str) -> np.ndarray:
    """The MinHash signature (NUM_PERM unsigned ints)."""
    xs = np.fromiter(shingles(text), dtype=np.uint64)
    hashed = (np.outer(xs, _A) + _B) % _PRIME
    return np.asarray(hashed.min(axis=0), dtype=np.uint64)


def bands(sig: np.ndarray) -> list[int]:
    """One 63-bit bucket id per band, the band number mixed in so a single indexed column
    holds all bands (stable across processes and databases)."""
    out = []
    for b in range(BANDS):
        chunk = bytes([b]) + sig[b * ROWS: (b + 1) * ROWS].tobytes()
        out.append(int.from_bytes(hashlib.blake2b(chunk, digest_size=8).digest(), "little") >> 1)
    return out


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.mean(a == b))


def similarities(sig: np.ndarray, others: list[np.ndarray]) -> list[float]:
    """:func:`similarity` of ``sig`` to each of ``others``, in one array operation: the same
    values (a mean of NUM_PERM zeros and ones is exact), at a cost that stays small for the
    many candidates of a large cluster of wire copies."""
    if not others:
        return []
    return [float(x) for x in (np.stack(others) == sig).mean(axis=1)]


def to_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u8").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u8").astype(np.uint64)
