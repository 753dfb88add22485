"""Time the robustness Monte Carlo (10,000 draws, full p_first and rank distribution).

Run from the repository root: ``python bench/bench_decision.py``. Prints one line per size,
``smaa_<options>x10_ms: <median> ms``, the median of `RUNS` timed runs after one warm-up.

The synthetic workspaces look like real ones, only bigger: a fifth of the options are careers,
the rest employers linked to a career (so they inherit); each option has 0-3 interviews that
rate 2-6 dimensions each, a few options have no evidence at all, and one weight is 0.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core.dimensions import DIMENSION_KEYS  # noqa: E402
from core.models import Contact, Interview, Option, Rating, Workspace  # noqa: E402
from core.robustness import DRAWS, robustness  # noqa: E402
from core.scoring import evidence  # noqa: E402

RUNS = 9
SIZES = (20, 200)


def synthetic_workspace(n_options: int, seed: int = 0) -> Workspace:
    rng = np.random.default_rng(seed)
    n_careers = max(1, n_options // 5)
    options = [Option(id=f"c{i}", kind="career", name=f"Career {i}") for i in range(n_careers)]
    options += [
        Option(id=f"e{i}", kind="employer", name=f"Employer {i}", career=f"c{rng.integers(n_careers)}")
        for i in range(n_options - n_careers)
    ]
    interviews = []
    for option in options:
        taste = rng.uniform(1.5, 4.5)  # each option has its own general level
        for _ in range(int(rng.choice([0, 1, 2, 3], p=[0.1, 0.4, 0.3, 0.2]))):
            dims = rng.choice(DIMENSION_KEYS, size=int(rng.integers(2, 7)), replace=False)
            ratings = [
                Rating(option=option.id, dimension=str(d), score=int(np.clip(round(rng.normal(taste, 1)), 1, 5)))
                for d in dims
            ]
            interviews.append(
                Interview(
                    id=f"i{len(interviews)}",
                    kind="interview",
                    date=dt.date(2026, 10, 1) + dt.timedelta(days=len(interviews) % 60),
                    contact=Contact(name=f"Contact {len(interviews)}"),
                    ratings=ratings,
                )
            )
    weights = {key: int(rng.integers(1, 6)) for key in DIMENSION_KEYS}
    weights[DIMENSION_KEYS[int(rng.integers(len(DIMENSION_KEYS)))]] = 0
    return Workspace(name=f"bench {n_options}", weights=weights, options=options, interviews=interviews)


def median_ms(n_options: int) -> float:
    ev = evidence(synthetic_workspace(n_options))
    robustness(ev, draws=DRAWS)  # warm-up
    times = []
    for run in range(RUNS):
        start = time.perf_counter()
        robustness(ev, draws=DRAWS, seed=run)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    for n_options in SIZES:
        print(f"smaa_{n_options}x10_ms: {median_ms(n_options):.1f} ms")


if __name__ == "__main__":
    main()
