"""Score and rank computation: Tenfold's core against pymcdm and scikit-criteria.

Run from the repository root: `python bench/bench_scoring.py`. Prints `name: value unit` lines.

What each timing covers (one call, median of several repeats, on the same prepared inputs):
- scoring_*_us: `core.scoring.rank_options(mean, weights, kind_group)` (score, coverage and rank
  within kind, as `core.scoring.standing` computes them for the app), on a ready (n, 10) float
  matrix of mean ratings. Its compiled loops are compiled (or loaded from the disk cache) before
  timing starts, as the app does on its first page.
- pymcdm_*_us: `pymcdm.methods.WSM(normalization_function=<(x-1)/4>)(matrix, weights, types,
  validation=False)` followed by `pymcdm.helpers.rankdata(pref, reverse=True)`. The fixed-scale
  normalisation is the one our score uses; pymcdm's default (column-wise) normalisation would
  rank differently. Validation is off so pymcdm does no more checking than we do.
- pymcdm_validated_*_us (extra): the same with pymcdm's default `validation=True`, for reference.
- skcriteria_*_us: `WeightedSumModel().evaluate(dm)` on a DecisionMatrix built beforehand (the
  construction, which validates and copies, is not timed): scores and ranks.
The matrix is complete (every option rated on every dimension) because neither library accepts
missing values; with a complete matrix all three compute the same weighted sum, so their ranks
must agree. One kind of option, so "within kind" is the whole set.
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


def main() -> int:
    from pymcdm.helpers import rankdata
    from pymcdm.methods import WSM
    from skcriteria import mkdm
    from skcriteria.agg.simple import WeightedSumModel

    warnings.filterwarnings("ignore")
    rng = np.random.default_rng(SEED)
    agree = True
    results: dict[str, float] = {}
    for n in SIZES:
        mean, weights = _matrix(n, rng)
        kinds = np.full(n, KIND_GROUP["career"])
        types = np.ones(len(DIMENSION_KEYS))
        unit_weights = weights / weights.sum()
        wsm = WSM(normalization_function=lambda x, cost: (x - SCORE_MIN) / (SCORE_MAX - SCORE_MIN))
        dm = mkdm(mean, objectives=[max] * len(DIMENSION_KEYS), weights=unit_weights,
                  criteria=list(DIMENSION_KEYS))
        model = WeightedSumModel()

        rank_ours = ours(mean, weights, kinds)
        rank_pymcdm = rankdata(wsm(mean, unit_weights, types, validation=False), reverse=True)
        rank_skc = np.asarray(model.evaluate(dm).rank_)
        agree &= bool(np.array_equal(rank_ours, rank_pymcdm.astype(int)) and np.array_equal(rank_ours, rank_skc))

        results[f"scoring_{n}x10_us"] = _median_us(lambda m=mean, w=weights, k=kinds: ours(m, w, k))
        results[f"pymcdm_{n}x10_us"] = _median_us(
            lambda m=mean, w=unit_weights, t=types, f=wsm: rankdata(f(m, w, t, validation=False), reverse=True)
        )
        results[f"skcriteria_{n}x10_us"] = _median_us(lambda d=dm, f=model: f.evaluate(d))
        results[f"pymcdm_validated_{n}x10_us"] = _median_us(
            lambda m=mean, w=unit_weights, t=types, f=wsm: rankdata(f(m, w, t), reverse=True)
        )

    for name, value in results.items():
        print(f"{name}: {value:.1f} us")
    for n in SIZES:
        for peer in ("pymcdm", "pymcdm_validated", "skcriteria"):
            print(f"speedup_vs_{peer}_{n}x10: {results[f'{peer}_{n}x10_us'] / results[f'scoring_{n}x10_us']:.1f} x")
    print(f"ranks_agree: {'yes' if agree else 'no'}")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
