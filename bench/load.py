"""Load benchmark: simulated participants against a real `streamlit run` server.

Run from the repository root: ``python bench/load.py`` (50 and then 200 sessions, 60 s each),
``python bench/load.py --quick`` (10 sessions, 15 s) or e.g. ``--sessions 20 --duration 30``.

For each size N the benchmark
  1. makes a fresh data directory and imports N copies of the demo workspace through
     `core.storage` (8 options, 7 interviews: the Interviews page has its rating rows);
  2. starts ``streamlit run serve.py`` on a free port of 127.0.0.1 and warms it up;
  3. opens N sessions (`tests/streamlit_client.py`: Streamlit's own websocket protocol) on
     ``/interviews?w=<token>``, each with its own workspace, and measures the server's RSS with
     them idle against none (``/proc/<pid>/status`` VmRSS);
  4. lets every participant make a change every 5-15 s (uniform, mean 10 s; seeded) for the
     duration, in visits: about six ratings on Interviews (a segmented control), then about two
     weights on Weights (a slider), and back; each page switch is a rerun and counts too;
  5. times each run from sending ``rerun_script`` to ``script_finished``, and counts errors:
     an exception box, an error message, a timeout, a disconnect;
  6. reads the database afterwards: each write bumps a workspace's `revision` by exactly 1, so
     revision - writes acknowledged = doubled (if > 0) or lost (if < 0) writes; and every
     rating and weight must hold the last value sent (a wrong value counts as a lost write).

The named figures go to standard output as ``name: value`` lines; the breakdown and progress go
to standard error. Everything is bounded: the run stops by itself after the duration plus
fixed timeouts, and only loopback addresses are used.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import re
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core import storage  # noqa: E402
from core.demo import demo_workspace  # noqa: E402
from core.dimensions import DIMENSION_KEYS, SCORE_MAX, SCORE_MIN, WEIGHT_MAX, WEIGHT_MIN  # noqa: E402
from tests.streamlit_client import RunResult, StreamlitSession  # noqa: E402
from tests.streamlit_server import StreamlitServer  # noqa: E402

INTERVAL_S = (5.0, 15.0)  # between one participant's changes: uniform, mean 10 s
# A participant works in visits: a few ratings on Interviews, then a few weights, and back. Visit
# lengths are geometric with these means: three changes in four are ratings, and one change in
# four follows a page switch (which is a whole-page rerun of its own).
VISIT_MEAN = {"interviews": 6.0, "weights": 2.0}
RATING_PAGE, WEIGHTS_PAGE = "interviews", "weights"
OPEN_CONCURRENCY = 12  # sessions opening at once (a workshop arrives over a minute, not in 1 ms)
RUN_TIMEOUT_S = 20.0  # a run not finished by then is an error (timeout)
SETTLE_S = 3.0
RATING_KEY = re.compile(r"^rate_(\d+)_(\d+)_([a-z_]+)_score$")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the server's memory and CPU, from /proc --------------------------------------------------


def _proc(server: StreamlitServer, name: str) -> str:
    assert server.process is not None
    return Path(f"/proc/{server.process.pid}/{name}").read_text()


def rss_kb(server: StreamlitServer) -> int:
    for line in _proc(server, "status").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def cpu_s(server: StreamlitServer) -> float:
    fields = _proc(server, "stat").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- one simulated participant ----------------------------------------------------------------


@dataclass
class Participant:
    number: int
    token: str
    workspace_id: int
    rng: random.Random
    session: StreamlitSession | None = None
    ratings: dict[str, int | None] = field(default_factory=dict)  # widget key -> expected score
    rating_cells: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # key -> interview, option, dim
    weights: dict[str, int] = field(default_factory=dict)
    writes: int = 0  # acknowledged changes: each is one write
    unacknowledged: int = 0  # changes whose run did not finish (may or may not have been written)
    stopped: bool = False


@dataclass
class Tally:
    change_ms: list[float] = field(default_factory=list)
    page_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    whole_page_changes: int = 0  # changes that reran the whole page, not only a fragment

    def record(self, result: RunResult, what: str, bucket: list[float]) -> bool:
        if result.ok and not result.error_alerts:
            bucket.append(result.seconds * 1000)
            if bucket is self.change_ms and result.status == "finished":
                self.whole_page_changes += 1
            return True
        detail = result.exceptions or result.error_alerts or [result.status]
        self.errors.append(f"{what}: {result.status} {detail[0][:200]}")
        return False


def _rating_choice(rng: random.Random, current: int | None) -> int | None:
    choices: list[int | None] = [s for s in range(SCORE_MIN, SCORE_MAX + 1) if s != current]
    if current is not None and rng.random() < 0.1:
        return None  # "not discussed" again: a delete, still one write
    return rng.choice(choices)


def _weight_choice(rng: random.Random, weights: dict[str, int]) -> tuple[str, int]:
    dimension = rng.choice(DIMENSION_KEYS)
    others_zero = all(v == 0 for k, v in weights.items() if k != dimension)
    choices = [w for w in range(WEIGHT_MIN, WEIGHT_MAX + 1) if w != weights[dimension] and (w or not others_zero)]
    return dimension, rng.choice(choices)


async def participate(p: Participant, tally: Tally, started: float, duration: float) -> None:
    session = p.session
    assert session is not None
    due = started + p.rng.uniform(0, INTERVAL_S[1])  # participants do not start in step
    while not p.stopped:
        if due - started > duration:
            return
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        if p.rng.random() < 1 / VISIT_MEAN[session.page]:  # this visit is over: the other page
            page = WEIGHTS_PAGE if session.page == RATING_PAGE else RATING_PAGE
        else:
            page = session.page
        rating = page == RATING_PAGE
        if session.page != page and not tally.record(
            await session.switch_page(page), f"p{p.number} open {page}", tally.page_ms
        ):
            p.stopped = True
            return
        if rating:
            key = p.rng.choice(sorted(p.rating_cells))
            value: int | None = _rating_choice(p.rng, p.ratings[key])
        else:
            dimension, value = _weight_choice(p.rng, p.weights)
            key = f"weights_{dimension}"
        result = await session.change(key, value)
        if tally.record(result, f"p{p.number} change {key}={value}", tally.change_ms):
            p.writes += 1
            if rating:
                p.ratings[key] = value
            else:
                p.weights[key.removeprefix("weights_")] = int(value)  # type: ignore[arg-type]
        else:
            p.unacknowledged += 1
            p.stopped = True  # what the server holds is now uncertain: this participant stops
            return
        due += p.rng.uniform(*INTERVAL_S)


# --- one run ----------------------------------------------------------------------------------


def rounded(value: float, digits: int | None = None) -> float:
    """`round`, except that NaN (no such event in a short run) stays NaN instead of raising."""
    return value if math.isnan(value) else round(value, digits)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


@dataclass
class Outcome:
    sessions: int
    p50_ms: float
    p95_ms: float
    errors: int
    lost_writes: int
    doubled_writes: int
    idle_session_kb: float
    detail: dict[str, Any]


def _machine_busy_s() -> float:
    """CPU seconds all processes of the machine have used (every core), from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _own_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _prepare(engine: Any, n: int, seed: int) -> list[Participant]:
    demo = demo_workspace()
    participants = []
    for number in range(n):
        token = storage.import_workspace(engine, demo)
        assert token is not None
        ref = storage.find_workspace(engine, token)
        assert ref is not None and ref.revision == 0
        participants.append(Participant(number, token, ref.id, random.Random(seed * 100_003 + number)))
    return participants


async def _open(server: StreamlitServer, p: Participant, gate: asyncio.Semaphore) -> RunResult:
    async with gate:
        p.session = StreamlitSession(server.url, timeout=RUN_TIMEOUT_S * 3)
        result = await p.session.open(RATING_PAGE, f"w={p.token}")
        p.session.timeout = RUN_TIMEOUT_S
        return result


def _expected_from(p: Participant, engine: Any) -> None:
    """The rating widgets on screen and what the database holds for them and for the weights."""
    assert p.session is not None
    workspace = storage.load_workspace(engine, p.workspace_id)
    p.weights = dict(workspace.weights)
    for key in p.session.widgets:
        match = RATING_KEY.match(key)
        if match:
            interview_id, option_id, dimension = int(match[1]), int(match[2]), match[3]
            p.rating_cells[key] = (interview_id, option_id, dimension)
            p.ratings[key] = _score(workspace, interview_id, option_id, dimension)
    if len(p.rating_cells) != len(DIMENSION_KEYS):
        raise RuntimeError(f"participant {p.number}: {len(p.rating_cells)} rating widgets on the page, not 10")


def _score(workspace: Any, interview_id: int, option_id: int, dimension: str) -> int | None:
    for interview in workspace.interviews:
        if int(interview.id) == interview_id:
            for rating in interview.ratings:
                if int(rating.option) == option_id and rating.dimension == dimension:
                    return rating.score
    return None


def _audit(engine: Any, participants: list[Participant]) -> tuple[int, int, int]:
    """(lost, doubled, participants whose count was uncertain) from the database."""
    lost = doubled = uncertain = 0
    for p in participants:
        ref = storage.find_workspace(engine, p.token)
        assert ref is not None
        workspace = storage.load_workspace(engine, p.workspace_id)
        low, high = p.writes, p.writes + p.unacknowledged
        if ref.revision < low:
            lost += low - ref.revision
        elif ref.revision > high:
            doubled += ref.revision - high
        if p.unacknowledged:
            uncertain += 1
            continue  # the last value sent may or may not have landed
        wrong = sum(
            _score(workspace, *p.rating_cells[key]) != value for key, value in p.ratings.items()
        ) + sum(workspace.weights[k] != v for k, v in p.weights.items())
        lost += wrong if ref.revision >= low else 0
    return lost, doubled, uncertain


async def _run(server: StreamlitServer, participants: list[Participant], engine: Any, duration: float) -> Outcome:
    n = len(participants)
    tally = Tally()
    # Warm-up: one tab (a workspace of its own) loads both pages, so imports and caches are
    # in place before the baseline is measured.
    warm = _prepare(engine, 1, seed=0)[0]
    warm.session = StreamlitSession(server.url, timeout=120)
    for result in (
        await warm.session.open(RATING_PAGE, f"w={warm.token}"),
        await warm.session.switch_page(WEIGHTS_PAGE),
    ):
        if not result.ok:
            raise RuntimeError(f"warm-up failed: {result}\n{server.log_tail()}")
    await warm.session.close()
    await asyncio.sleep(SETTLE_S)
    rss_before = rss_kb(server)

    gate = asyncio.Semaphore(OPEN_CONCURRENCY)
    opened_at = time.perf_counter()
    results = await asyncio.gather(*(_open(server, p, gate) for p in participants))
    log(f"  {n} sessions opened in {time.perf_counter() - opened_at:.1f} s")
    for p, result in zip(participants, results, strict=True):
        if tally.record(result, f"p{p.number} open", tally.page_ms):
            _expected_from(p, engine)
        else:
            p.stopped = True
    await asyncio.sleep(SETTLE_S)
    rss_idle = rss_kb(server)
    idle_kb = (rss_idle - rss_before) / n
    log(f"  RSS {rss_before} kB with no session, {rss_idle} kB with {n} idle: {idle_kb:.0f} kB per session")
    tally.page_ms.clear()  # opening is not part of the steady-state figures

    cpu_before, client_before, busy_before = cpu_s(server), _own_cpu_s(), _machine_busy_s()
    started = time.perf_counter()
    await asyncio.gather(*(participate(p, tally, started, duration) for p in participants if not p.stopped))
    elapsed = time.perf_counter() - started
    cpu, client_cpu = cpu_s(server) - cpu_before, _own_cpu_s() - client_before
    others_cpu = _machine_busy_s() - busy_before - cpu - client_cpu  # other tenants of this machine
    for p in participants:
        if p.session is not None:
            await p.session.close()

    lost, doubled, uncertain = _audit(engine, participants)
    all_ms = tally.change_ms + tally.page_ms
    detail = {
        "elapsed_s": round(elapsed, 1),
        "changes": len(tally.change_ms),
        "whole_page_changes": tally.whole_page_changes,
        "page_switches": len(tally.page_ms),
        "reruns_per_s": round(len(all_ms) / elapsed, 1),
        "change_p50_ms": rounded(percentile(tally.change_ms, 50)),
        "change_p95_ms": rounded(percentile(tally.change_ms, 95)),
        "page_p50_ms": rounded(percentile(tally.page_ms, 50)),
        "page_p95_ms": rounded(percentile(tally.page_ms, 95)),
        "max_ms": rounded(max(all_ms, default=math.nan)),
        "server_cpu_percent": round(100 * cpu / elapsed),
        "server_cpu_ms_per_rerun": round(1000 * cpu / max(1, len(all_ms)), 1),
        "client_cpu_percent": round(100 * client_cpu / elapsed),
        "other_processes_cpu_percent": round(100 * others_cpu / elapsed),  # of one core; 200 = both busy
        "uncertain_participants": uncertain,
        "first_errors": tally.errors[:5],
    }
    return Outcome(
        sessions=n,
        p50_ms=percentile(all_ms, 50),
        p95_ms=percentile(all_ms, 95),
        errors=len(tally.errors),
        lost_writes=lost,
        doubled_writes=doubled,
        idle_session_kb=idle_kb,
        detail=detail,
    )


def run_size(n: int, duration: float, seed: int, postgres_admin_url: str = "") -> Outcome:
    data_dir = Path(tempfile.mkdtemp(prefix=f"tenfold-load-{n}-"))
    database_url, drop = "", None
    try:
        if postgres_admin_url:
            database_url, drop = _scratch_postgres(postgres_admin_url)
        engine = storage.make_engine(database_url or f"sqlite:///{data_dir / 'tenfold.db'}")
        participants = _prepare(engine, n, seed)
        server = StreamlitServer(data_dir, {"TENFOLD_DATABASE_URL": database_url} if database_url else None)
        try:
            server.start()
            budget = duration + 4 * RUN_TIMEOUT_S + n * 2 + 120  # opening, settling, the last runs
            return asyncio.run(asyncio.wait_for(_run(server, participants, engine, duration), budget))
        finally:
            server.stop()
            engine.dispose()
    finally:
        if drop is not None:
            drop()
        shutil.rmtree(data_dir, ignore_errors=True)


def _scratch_postgres(admin_url: str) -> tuple[str, Any]:
    """A new database on the given server, dropped afterwards."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"tenfold_load_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(admin_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), drop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[50, 200], help="sizes to run (default 50 200)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of changes per size (default 60)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 10 sessions for 15 s")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--postgres-url", default="",
        help="run against a scratch database on this PostgreSQL server (default: the embedded SQLite file)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    sizes, duration = ([10], 15.0) if args.quick else (args.sessions, args.duration)
    if any(n < 1 for n in sizes) or duration <= 0:
        parser.error("sizes and duration must be positive")

    outcomes = []
    for n in sizes:
        log(f"load: {n} sessions, {duration:.0f} s, seed {args.seed}")
        outcome = run_size(n, duration, args.seed, args.postgres_url)
        log(f"  {outcome.detail}")
        outcomes.append(outcome)
    largest = max(outcomes, key=lambda o: o.sessions)
    for outcome in outcomes:
        print(f"load_{outcome.sessions}_p50_ms: {outcome.p50_ms:.0f}")
        print(f"load_{outcome.sessions}_p95_ms: {outcome.p95_ms:.0f}")
    print(f"load_{largest.sessions}_errors: {largest.errors}")
    print(f"load_{largest.sessions}_lost_writes: {largest.lost_writes}")
    print(f"load_{largest.sessions}_doubled_writes: {largest.doubled_writes}")
    print(f"idle_session_kb: {largest.idle_session_kb:.0f}")
    sys.stdout.flush()
    failed = any(o.errors or o.lost_writes or o.doubled_writes for o in outcomes)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
