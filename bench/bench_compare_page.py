"""The Compare page's rerun time, against a bare Streamlit page drawing the same kind of content.

Run from the repository root: `python bench/bench_compare_page.py`. Prints `name: value unit` lines.

- compare_page_15_ms / compare_page_200_ms: one `AppTest.run()` of the whole app (router, sidebar,
  workspace lookup, Compare page on its default Ranking view) on a workspace of 15 options and 40
  interviews, and of 200 options and 500 interviews; warm (after a first run filled the caches),
  median of several reruns. compare_page_<n>_<view>_ms lines give every other view the same way.
  The app's AppTests are the tests' own (tests/apptest/helpers.py: `app_test`): each run goes
  straight through the router, as on a server that has run app.py once.
- baseline_page_ms: a bare script (no database, no router) that draws one `st.data_editor` and
  two Altair charts (a bar chart of the 15 scores and an options x dimensions heatmap) from
  DataFrames already in session state, run through AppTest the same way.
- compare_vs_baseline: compare_page_15_ms / baseline_page_ms (budget: at most 1.5).
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from core import storage  # noqa: E402
from core.dimensions import DIMENSION_KEYS  # noqa: E402
from core.models import Contact, Interview, Option, Rating, Workspace  # noqa: E402
from core.scoring import standing  # noqa: E402
from tests.apptest.helpers import app_test  # noqa: E402
from views.compare import VIEWS  # noqa: E402

RERUNS = 25
SEED = 3


def synthetic_workspace(n_options: int, n_interviews: int, seed: int = SEED) -> Workspace:
    """A plausible workspace: a quarter careers, the rest employers of them; each interview rates
    one to three options on three to seven dimensions."""
    rng = np.random.default_rng(seed)
    n_careers = max(1, n_options // 4)
    options = [Option(id=f"c{i}", kind="career", name=f"Career {i}", leaning=i == 0) for i in range(n_careers)]
    options += [
        Option(id=f"e{i}", kind="employer", name=f"Employer {i}", career=f"c{rng.integers(n_careers)}")
        for i in range(n_options - n_careers)
    ]
    start = dt.date(2026, 1, 5)
    interviews = []
    for i in range(n_interviews):
        informed = list(rng.choice(n_options, size=min(n_options, int(rng.integers(1, 4))), replace=False))
        ratings = []
        for o in informed:
            for d in rng.choice(len(DIMENSION_KEYS), size=int(rng.integers(3, 8)), replace=False):
                ratings.append(
                    Rating(option=options[o].id, dimension=DIMENSION_KEYS[d], score=int(rng.integers(1, 6)))
                )
        interviews.append(
            Interview(
                id=f"i{i}", kind="interview", date=start + dt.timedelta(days=int(i * 300 / max(1, n_interviews))),
                contact=Contact(name=f"Contact {i}"), options=[options[o].id for o in informed], ratings=ratings,
            )
        )
    weights = {key: int(rng.integers(1, 6)) for key in DIMENSION_KEYS}
    return Workspace(name="Benchmark", weights=weights, options=options, interviews=interviews)


def _interleaved_medians(apps: dict[str, AppTest], rounds: int = RERUNS) -> dict[str, float]:
    """Median rerun time of each app, warm, taking turns so a busy machine slows all alike."""
    for at in apps.values():
        at.run()  # warm: fills every cache this view uses
        assert not at.exception, at.exception
    times: dict[str, list[float]] = {name: [] for name in apps}
    for _ in range(rounds):
        for name, at in apps.items():
            started = time.perf_counter()
            at.run()
            times[name].append((time.perf_counter() - started) * 1000)
            assert not at.exception, at.exception
    return {name: statistics.median(values) for name, values in times.items()}


def compare_app(url: str, token: str) -> AppTest:
    at = app_test(url, session_state={"workspace_token": token}, timeout=60)
    at.run()
    at.switch_page("pages/compare.py")
    return at


def baseline_script() -> None:
    import altair as alt
    import streamlit as st

    scores = st.session_state["bench_scores"]
    cells = st.session_state["bench_cells"]
    st.title("Baseline")
    st.data_editor(scores, key="bench_editor", hide_index=True)
    bars = alt.Chart(scores).mark_bar().encode(x="score:Q", y=alt.Y("name:N", sort="-x"), color="kind:N")
    st.altair_chart(bars, width="stretch")
    heat = alt.Chart(cells).mark_rect().encode(x="dimension:N", y="name:N", color="mean:Q")
    st.altair_chart(heat, width="stretch")


def baseline_data(ws: Workspace):  # type: ignore[no-untyped-def]
    import pandas as pd

    table = standing(ws).table()[["name", "kind", "score", "coverage"]]
    ev = standing(ws).evidence
    cells = pd.DataFrame(
        {
            "name": np.repeat(ev.names, len(DIMENSION_KEYS)),
            "dimension": np.tile(DIMENSION_KEYS, ev.n),
            "mean": ev.mean.ravel(),
        }
    )
    return table, cells


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        engine = storage.make_engine(url)
        small = synthetic_workspace(15, 40)
        apps = {
            "compare_page_15_ms": compare_app(url, storage.import_workspace(engine, small)),
            "compare_page_200_ms": compare_app(url, storage.import_workspace(engine, synthetic_workspace(200, 500))),
        }
        table, cells = baseline_data(small)
        base = AppTest.from_function(baseline_script, default_timeout=60)
        base.session_state["bench_scores"] = table
        base.session_state["bench_cells"] = cells
        apps["baseline_page_ms"] = base
        results = _interleaved_medians(apps)
        # Every other view, and the table instead of the chart, measured the same way.
        for view in [*(v for v in VIEWS if v != "ranking"), "table"]:
            for size in ("15", "200"):
                at = apps[f"compare_page_{size}_ms"]
                if view == "table":
                    at.segmented_control(key="compare_view").set_value("ranking")
                    at.toggle(key="compare_as_table").set_value(True)
                else:
                    at.segmented_control(key="compare_view").set_value(view)
            views = {f"compare_page_{size}_{view}_ms": apps[f"compare_page_{size}_ms"] for size in ("15", "200")}
            results |= _interleaved_medians(views)
        engine.dispose()

    print_figures(results, ("compare_page_15_ms", "compare_page_200_ms"), "compare_vs_baseline", "compare_page_15_ms")
    return 0


def print_figures(results: dict[str, float], headline: tuple[str, ...], ratio_name: str, ratio_of: str) -> None:
    """The headline figures and the baseline first, then the ratio, then every other figure."""
    main_names = (*headline, "baseline_page_ms")
    for name in main_names:
        print(f"{name}: {results[name]:.1f} ms")
    print(f"{ratio_name}: {results[ratio_of] / results['baseline_page_ms']:.2f} x")
    for name, value in results.items():
        if name not in main_names:
            print(f"{name}: {value:.1f} ms")


if __name__ == "__main__":
    sys.exit(main())
