"""The Decision page's rerun time, cache cold and warm, against the bare baseline page.

Run from the repository root: `python bench/bench_decision_page.py`. Prints `name: value unit` lines.

- decision_page_15_ms: one `AppTest.run()` of the whole app (router, sidebar, workspace lookup,
  Decision page on its default section, Rank acceptability) on the Compare benchmark's workspace of
  15 options and 40 interviews; warm (a first run filled the caches), median of several reruns
  taken in turns with the baseline, so a busy machine slows both alike.
- decision_page_15_cold_ms: the same rerun right after a write to the workspace (its revision goes
  up, so every cache keyed on it misses: the workspace is loaded again and the 10,000-draw decision,
  the chart and its Arrow rows are computed again), median of several.
- baseline_page_ms: the Compare benchmark's bare script (one `st.data_editor` and two Altair
  charts, a bar chart and a heatmap, of the same 15 options), through AppTest the same way.
- decision_vs_baseline: decision_page_15_ms / baseline_page_ms (budget: at most 1.5).
- decision_page_15_<section>_ms: every other section (and the table view) warm, the same way.

The workspace, the baseline and the timing loop are bench/bench_compare_page.py's, imported, so
the two pages are measured against the same baseline.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for folder in (ROOT, HERE):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from bench_compare_page import (  # noqa: E402
    RERUNS,
    _interleaved_medians,
    baseline_data,
    baseline_script,
    print_figures,
    synthetic_workspace,
)
from streamlit.testing.v1 import AppTest  # noqa: E402

from core import storage  # noqa: E402
from tests.apptest.helpers import app_test  # noqa: E402
from views.decision import SECTIONS  # noqa: E402

COLD_RUNS = 9


def decision_app(url: str, token: str) -> AppTest:
    at = app_test(url, session_state={"workspace_token": token}, timeout=60)
    at.run()
    at.switch_page("pages/decision.py")
    return at


def cold_median(at: AppTest, engine, token: str) -> float:  # type: ignore[no-untyped-def]
    """Median rerun right after a write (the name set again: nothing changes but the revision)."""
    ref = storage.find_workspace(engine, token)
    assert ref is not None
    times = []
    for _ in range(COLD_RUNS):
        storage.rename_workspace(engine, ref.id, ref.name)
        started = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - started) * 1000)
        assert not at.exception, at.exception
    return statistics.median(times)


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        engine = storage.make_engine(url)
        small = synthetic_workspace(15, 40)
        token = storage.import_workspace(engine, small)
        decision = decision_app(url, token)
        table, cells = baseline_data(small)
        base = AppTest.from_function(baseline_script, default_timeout=60)
        base.session_state["bench_scores"] = table
        base.session_state["bench_cells"] = cells

        results = _interleaved_medians({"decision_page_15_ms": decision, "baseline_page_ms": base}, RERUNS)
        results["decision_page_15_cold_ms"] = cold_median(decision, engine, token)
        for section in [*(s for s in SECTIONS if s != "acceptability"), "table"]:
            if section == "table":
                decision.segmented_control(key="decision_section").set_value("acceptability").run()
                decision.toggle(key="decision_as_table").set_value(True)
            else:
                decision.segmented_control(key="decision_section").set_value(section)
            results |= _interleaved_medians({f"decision_page_15_{section}_ms": decision}, RERUNS)
        engine.dispose()

    print_figures(
        results, ("decision_page_15_cold_ms", "decision_page_15_ms"), "decision_vs_baseline", "decision_page_15_ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
