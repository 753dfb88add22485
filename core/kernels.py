"""The score-and-rank loops, compiled with numba.

Why compiled loops and not numpy: a workspace has tens of options, and at that size every numpy
call costs about a microsecond of overhead while the arithmetic costs nanoseconds. Scoring 20
options took a dozen such calls (22 µs); one compiled pass over the matrix takes about 2 µs, and
it stays ahead at 1,000 options too (one pass instead of several full-size temporaries).

The formulas are those of `core.scoring` (see its docstring); these functions only do the loops.
Callers (`core.scoring`) pass float64 C-contiguous arrays and float scalars, so each function
compiles once (cached on disk); `core.scoring.warm_up` compiles them all.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def score_rows(mean, weights, floor, points_per_unit):  # type: ignore[no-untyped-def]
    """Score and coverage of each row of `mean` (m, d); NaN in `mean` is "no value".

    score = points_per_unit * sum_E w (m - floor) / sum_E w over E = the dimensions with a value
    (a weight of 0 adds nothing); NaN when sum_E w is 0. coverage = sum_E w / sum w, or 0 when
    every weight is 0.
    """
    m, d = mean.shape
    total = 0.0
    for j in range(d):
        total += weights[j]
    score = np.empty(m)
    coverage = np.empty(m)
    for i in range(m):
        used = 0.0
        points = 0.0
        for j in range(d):
            value = mean[i, j]
            if value == value:  # not NaN
                used += weights[j]
                points += weights[j] * (value - floor)
        score[i] = points * points_per_unit / used if used > 0.0 else np.nan
        coverage[i] = used / total if total > 0.0 else 0.0
    return score, coverage


@njit(cache=True, nogil=True)
def competition_ranks(score, group, steps_per_point):  # type: ignore[no-untyped-def]
    """Ranks 1, 2, 2, 4 among the options of each group (0, 1, ...); no score (NaN) comes last.

    Scores are compared as whole numbers of 1 / `steps_per_point` (scaled and rounded), so float
    noise never splits a tie. One sort of every option, best first, then one sweep: within its
    group, an option's place is one more than the options of that group already passed, and a
    tie keeps the place of the first of its run.
    """
    n = score.shape[0]
    n_groups = 0
    for i in range(n):
        n_groups = max(n_groups, group[i] + 1)
    key = np.empty(n)
    for i in range(n):
        key[i] = -np.rint(score[i] * steps_per_point)  # negated: the best sorts first
    order = np.argsort(key)  # NaN (no score) sorts last
    passed = np.zeros(n_groups, dtype=np.int64)
    place = np.zeros(n_groups, dtype=np.int64)
    last = np.full(n_groups, np.nan)
    rank = np.empty(n, dtype=np.int64)
    for i in order:
        g = group[i]
        if key[i] != key[i]:  # every scored option of the group is passed: share the next place
            rank[i] = passed[g] + 1
            continue
        passed[g] += 1
        if key[i] != last[g]:
            place[g] = passed[g]
            last[g] = key[i]
        rank[i] = place[g]
    return rank


@njit(cache=True, nogil=True)
def score_and_rank(mean, weights, floor, points_per_unit, group, steps_per_point):  # type: ignore[no-untyped-def]
    """`score_rows` then `competition_ranks`, in one call (one call's overhead instead of two)."""
    score, coverage = score_rows(mean, weights, floor, points_per_unit)
    return score, coverage, competition_ranks(score, group, steps_per_point)

