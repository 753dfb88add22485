"""`make bench`: run every benchmark script in turn and print its `name: value unit` lines.

Each script runs in its own process (so one's caches and memory never flatter another's).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = [
    "bench_scoring.py", "bench_decision.py", "bench_compare_page.py", "bench_decision_page.py",
    "cold_start.py", "load.py",
]


def main() -> int:
    scripts = [HERE / name for name in ORDER if (HERE / name).exists()]
    scripts += sorted(p for p in HERE.glob("bench_*.py") if p not in scripts)
    failed = 0
    for script in scripts:
        started = time.monotonic()
        print(f"# {script.name}", flush=True)
        result = subprocess.run([sys.executable, str(script)], cwd=HERE.parent)
        print(f"# {script.name} took {time.monotonic() - started:.0f} s (exit {result.returncode})", flush=True)
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
