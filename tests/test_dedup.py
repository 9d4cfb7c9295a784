"""Near-duplicate signatures: the batched similarity gives exactly the pairwise one."""

from __future__ import annotations

import numpy as np

from newsledger import dedup


def test_similarities_equal_the_pairwise_similarity() -> None:
    """Signatures agreeing on every number of permutations, 0 to NUM_PERM, give bit-equal
    floats both ways (the store compares them with the threshold and with each other)."""
    rng = np.random.default_rng(3)
    sig = dedup.signature("Floods cut the road to the valley, and rescuers reached the villages on foot.")
    others = []
    for agree in range(dedup.NUM_PERM + 1):
        other = sig.copy()
        flip = rng.choice(dedup.NUM_PERM, size=dedup.NUM_PERM - agree, replace=False)
        other[flip] += np.uint64(1)
        others.append(other)
    batched = dedup.similarities(sig, others)
    assert batched == [dedup.similarity(sig, o) for o in others]
    assert batched[0] == 0.0 and batched[-1] == 1.0 and len(set(batched)) == dedup.NUM_PERM + 1
    assert all(type(x) is float for x in batched)
    assert dedup.similarities(sig, []) == []
