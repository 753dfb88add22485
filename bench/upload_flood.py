"""Upload flood: what a burst of large uploads from one client costs the server's memory.

Run from the repository root: ``python bench/upload_flood.py`` (30 uploads of 10 MB from one
client: all at once into one session, all at once into 30 sessions, then into 30 sessions one
after another), or e.g. ``--uploads 10 --megabytes 5``.

It starts a server the way `make run` does (tests/streamlit_server.py) on a free port of
127.0.0.1, opens Streamlit sessions over its websocket (a session id is what an upload URL
needs), and PUTs each file to ``/_stcore/upload_file/<session>/<file>`` as the browser's file
uploader does, with the XSRF cookie and header. It reports how many uploads the server accepted
and refused, and the server's resident memory (``/proc/<pid>/status``: VmRSS now, VmHWM the peak)
before the flood (once start-up has settled) and 2 s after it. Everything is bounded: one flood
per scenario, fixed timeouts, loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import websockets  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from tests.streamlit_server import StreamlitServer  # noqa: E402

TIMEOUT_S = 60
BOUNDARY = "tenfold-upload-flood"


def memory_kb(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


def settled_memory_kb(pid: int) -> dict[str, int]:
    """Memory once the server has finished starting up (the first page run's imports take seconds):
    no reading moves by more than 1 MB for 3 s; at most a minute."""
    readings = [memory_kb(pid)]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(0.5)
        readings.append(memory_kb(pid))
        recent = [reading["VmRSS"] for reading in readings[-7:]]
        if len(recent) == 7 and max(recent) - min(recent) < 1024:
            break
    return readings[-1]


def xsrf_cookie(base_url: str) -> str:
    """The `_streamlit_xsrf` cookie, as a page's first health check receives it."""
    with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=TIMEOUT_S) as response:
        for header in response.headers.get_all("set-cookie") or []:
            name, _, rest = header.partition("=")
            if name.strip() == "_streamlit_xsrf":
                return rest.split(";")[0]
    raise RuntimeError("the server set no XSRF cookie")


async def open_session(base_url: str) -> tuple[object, str]:
    """A websocket session that has run the Start page once; (the connection, its session id)."""
    ws = await websockets.connect(
        base_url.replace("http://", "ws://") + "/_stcore/stream", subprotocols=["streamlit"],  # type: ignore[list-item]
        max_size=None, ping_interval=None, open_timeout=TIMEOUT_S, close_timeout=2, compression=None,
    )  # fmt: skip
    message = BackMsg()
    message.rerun_script.query_string = ""
    await ws.send(message.SerializeToString())
    while True:
        reply = ForwardMsg()
        reply.ParseFromString(await asyncio.wait_for(ws.recv(), TIMEOUT_S))
        if reply.WhichOneof("type") == "new_session":
            return ws, reply.new_session.initialize.session_id


def multipart(size: int) -> bytes:
    head = (
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"flood.json\"\r\n"
        "Content-Type: application/json\r\n\r\n"
    ).encode()
    return head + b"0" * size + f"\r\n--{BOUNDARY}--\r\n".encode()


def put(port: int, session_id: str, body: bytes, cookie: str, statuses: list[int]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
    try:
        connection.request(
            "PUT", f"/_stcore/upload_file/{session_id}/{uuid.uuid4()}", body=body,
            headers={
                "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                "X-Xsrftoken": cookie, "Cookie": f"_streamlit_xsrf={cookie}",
            },
        )  # fmt: skip
        statuses.append(connection.getresponse().status)
    except OSError:
        statuses.append(0)  # the server closed the connection
    finally:
        connection.close()


def flood(port: int, session_ids: list[str], body: bytes, cookie: str, *, at_once: bool) -> tuple[list[int], float]:
    """One PUT per session id, all released at once or one after another; (statuses, seconds until
    the last answer)."""
    statuses: list[int] = []
    if not at_once:
        started = time.perf_counter()
        for session_id in session_ids:
            put(port, session_id, body, cookie, statuses)
        return statuses, time.perf_counter() - started
    start = threading.Barrier(len(session_ids) + 1)

    def one(session_id: str) -> None:
        start.wait()
        put(port, session_id, body, cookie, statuses)

    threads = [threading.Thread(target=one, args=(sid,), daemon=True) for sid in session_ids]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join(TIMEOUT_S)
    return statuses, time.perf_counter() - started


async def scenario(server: StreamlitServer, sessions: int, uploads: int, body: bytes, *, at_once: bool) -> None:
    assert server.process is not None
    cookie = xsrf_cookie(server.url)
    opened = [await open_session(server.url) for _ in range(sessions)]
    try:
        before = await asyncio.to_thread(settled_memory_kb, server.process.pid)
        ids = [opened[i % sessions][1] for i in range(uploads)]
        statuses, seconds = await asyncio.to_thread(flood, server.port, ids, body, cookie, at_once=at_once)
        await asyncio.sleep(2.0)
        after = memory_kb(server.process.pid)
    finally:
        await asyncio.gather(*(ws.close() for ws, _ in opened))  # type: ignore[attr-defined]
    label = f"{uploads}_uploads_{sessions}_sessions_{'at_once' if at_once else 'in_turn'}"
    accepted = sum(status == 204 for status in statuses)
    print(f"{label}_accepted: {accepted}")
    print(f"{label}_refused: {len(statuses) - accepted} ({sorted(set(statuses))})")
    print(f"{label}_seconds: {seconds:.2f}")
    print(f"{label}_rss_before_mb: {before['VmRSS'] / 1024:.0f}")
    print(f"{label}_rss_after_mb: {after['VmRSS'] / 1024:.0f}")
    print(f"{label}_rss_peak_mb: {after['VmHWM'] / 1024:.0f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uploads", type=int, default=30)
    parser.add_argument("--megabytes", type=float, default=10.0, help="each file (the app's limit is 10 MB)")
    args = parser.parse_args()
    body = multipart(int(args.megabytes * 1_000_000))
    for sessions, at_once in ((1, True), (args.uploads, True), (args.uploads, False)):
        # A fresh server per scenario: memory the first flood took is not counted against the second.
        with tempfile.TemporaryDirectory() as data:
            server = StreamlitServer(Path(data))
            server.start()
            try:
                run = scenario(server, sessions, args.uploads, body, at_once=at_once)
                asyncio.run(asyncio.wait_for(run, 5 * TIMEOUT_S))
            finally:
                server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
