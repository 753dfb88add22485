"""A fresh server as the first visitor feels it: from `streamlit run` to Start, then the demo's Compare.

Run from the repository root: `python bench/cold_start.py`. Prints `name: value unit` lines, medians
of several runs, each on a new process and an empty data directory (the SQLite file is created by
the first page, as on a fresh `make run`):

- cold_start_first_page_s: from launching the server to Start drawn in Chromium (script idle);
- cold_start_first_compare_s: then "Explore the demo" and Compare, from the click on Compare to the
  page drawn: the first visitor's first comparison, with every module it needs imported for the
  first time in that process.

Needs Chromium at /usr/bin/chromium (Playwright drives it). 127.0.0.1 only.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.streamlit_server import StreamlitServer  # noqa: E402

RUNS = 3
CHROMIUM = "/usr/bin/chromium"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def _wait_idle(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_timeout(150)
    page.wait_for_selector(IDLE, timeout=60_000)


def one_run(browser) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as data:
        server = StreamlitServer(Path(data))
        launched = time.perf_counter()
        server.start()
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(server.url)
            page.get_by_role("heading", level=1).first.wait_for(timeout=60_000)
            _wait_idle(page)
            first_page = time.perf_counter() - launched
            page.locator(".st-key-start_demo button").click()
            _wait_idle(page)
            clicked = time.perf_counter()
            page.get_by_role("link", name="Compare").first.click()
            page.get_by_role("heading", name="Compare", level=1).wait_for(timeout=60_000)
            _wait_idle(page)
            first_compare = time.perf_counter() - clicked
            page.close()
        finally:
            server.stop()
    return first_page, first_compare


def main() -> int:
    from playwright.sync_api import sync_playwright

    pages, compares = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for _ in range(RUNS):
            first_page, first_compare = one_run(browser)
            pages.append(first_page)
            compares.append(first_compare)
        browser.close()
    print(f"cold_start_first_page_s: {statistics.median(pages):.2f} s")
    print(f"cold_start_first_compare_s: {statistics.median(compares):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
