"""Score and rank computation: Tenfold's core against pymcdm and scikit-criteria.

Run from the repository root: `python bench/bench_scoring.py`. Prints `name: value unit` lines.

What each timing covers (one call, median of several repeats, on the same prepared inputs):
- scoring_*_us: `core.scoring.rank_options(mean, weights, kind_group)` (score, coverage and rank
  within kind, as `core.scoring.standing` computes them for the app), on a ready (n, 10) float
  matrix of mean ratings.
- pymcdm_*_us: `pymcdm.methods.WSM(normalization_function=<(x-1)/4>)(matrix, weights, types,
  validation=False)` followed by `pymcdm.helpers.rankdata(pref, reverse=True)`. The fixed-scale
  normalisation is the one our score uses; pymcdm's default (column-wise) normalisation would
  rank differently. Validation is off so pymcdm does no more checking than we do.
- pymcdm_validated_*_us (extra): the same with pymcdm's default `validation=True`, for reference.
- skcriteria_*_us: `WeightedSumModel().evaluate(dm)` on a DecisionMatrix built beforehand (the
  construction, which validates and copies, is not timed): scores and ranks.
The matrix is complete (every option rated on every dimension) because neither library accepts
missing values; with a complete matrix all three compute the same weighted sum, so their ranks
must agree (`ranks_agree`). One kind of option, so "within kind" is the whole set.

The peers are the `bench` extra (`make bench` installs them). Without one of them its figures are
left out with a note, and `ranks_agree` compares with the peers that are there.
"""

from __future__ import annotations

import statistics
import sys
import timeit
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.dimensions import DIMENSION_KEYS, SCORE_MAX, SCORE_MIN
from core.scoring import KIND_GROUP, rank_options

SIZES = (20, 1000)
REPEATS = 7
SEED = 20261125


def _matrix(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    mean = rng.uniform(SCORE_MIN, SCORE_MAX, size=(n, len(DIMENSION_KEYS)))
    weights = rng.integers(1, 6, size=len(DIMENSION_KEYS)).astype(float)
    return mean, weights


def _median_us(call, min_time: float = 0.2) -> float:
    number, _ = timeit.Timer(call).autorange()
    number = max(1, int(number * min_time / 0.2))
    runs = timeit.repeat(call, number=number, repeat=REPEATS)
    return statistics.median(runs) / number * 1e6


def ours(mean: np.ndarray, weights: np.ndarray, kind_group: np.ndarray) -> np.ndarray:
    _score, _coverage, rank = rank_options(mean, weights, kind_group)
    return rank


def _peers() -> dict[str, object]:
    """The peers that are installed, each as a maker of (rank, timed call) for a matrix."""
    peers: dict[str, object] = {}
    try:
        from pymcdm.helpers import rankdata
        from pymcdm.methods import WSM
    except ImportError:
        print("# pymcdm is not installed (pip install -e \".[bench]\"): its figures are left out")
    else:

        def pymcdm(mean, unit_weights, validation):  # type: ignore[no-untyped-def]
            wsm = WSM(normalization_function=lambda x, cost: (x - SCORE_MIN) / (SCORE_MAX - SCORE_MIN))
            types = np.ones(len(DIMENSION_KEYS))
            call = lambda: rankdata(wsm(mean, unit_weights, types, validation=validation), reverse=True)  # noqa: E731
            return np.asarray(call()).astype(int), call

        peers["pymcdm"] = lambda m, w: pymcdm(m, w, validation=False)
        peers["pymcdm_validated"] = lambda m, w: pymcdm(m, w, validation=True)
    try:
        from skcriteria import mkdm
        from skcriteria.agg.simple import WeightedSumModel
    except ImportError:
        print("# scikit-criteria is not installed (pip install -e \".[bench]\"): its figures are left out")
    else:

        def skcriteria(mean, unit_weights):  # type: ignore[no-untyped-def]
            dm = mkdm(mean, objectives=[max] * len(DIMENSION_KEYS), weights=unit_weights,
                      criteria=list(DIMENSION_KEYS))
            model = WeightedSumModel()
            return np.asarray(model.evaluate(dm).rank_), lambda: model.evaluate(dm)

        peers["skcriteria"] = skcriteria
    return peers


def main() -> int:
    warnings.filterwarnings("ignore")
    peers = _peers()
    rng = np.random.default_rng(SEED)
    agree = True
    results: dict[str, float] = {}
    for n in SIZES:
        mean, weights = _matrix(n, rng)
        kinds = np.full(n, KIND_GROUP["career"])
        unit_weights = weights / weights.sum()
        rank_ours = ours(mean, weights, kinds)
        results[f"scoring_{n}x10_us"] = _median_us(lambda m=mean, w=weights, k=kinds: ours(m, w, k))
        for name, make in peers.items():
            rank_peer, call = make(mean, unit_weights)  # type: ignore[operator]
            agree &= bool(np.array_equal(rank_ours, rank_peer))
            results[f"{name}_{n}x10_us"] = _median_us(call)

    for name, value in results.items():
        print(f"{name}: {value:.1f} us")
    if peers:
        print(f"ranks_agree: {'yes' if agree else 'no'}")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
