"""`streamlit run serve.py` (app.py in Tenfold's server, as `make run` starts it) on a free 127.0.0.1
port, headless, for the browser tests, the tests that drive a server over its websocket
(tests/streamlit_client.py) and bench/load.py. Standard library only, so the benchmark imports it
without pytest."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "serve.py"
START_TIMEOUT_S = 90  # a cold start on a busy two-core machine


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StreamlitServer:
    """One app server on `data_dir`, its output in `log`. `start()` again after `kill()` (SIGKILL) or
    `stop()` brings it back on the same port and data; `env` overrides the inherited environment.
    `script` is serve.py unless a test serves a small app of its own (run from the script's folder)."""

    def __init__(
        self, data_dir: Path, env: dict[str, str] | None = None, port: int | None = None, script: Path = APP
    ):
        self.data_dir = data_dir
        self.script = script
        self.port = port or free_port()
        # Never the caller's database: the data directory's SQLite file unless `env` names another.
        inherited = {k: v for k, v in os.environ.items() if k not in ("TENFOLD_DATABASE_URL", "DATABASE_URL")}
        self.env = {**inherited, "TENFOLD_DATA_DIR": str(data_dir), **(env or {})}
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data_dir / f"server-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def start(self) -> None:
        """Start and wait for `/_stcore/health` (the server is up; the app script has not run yet)."""
        command = [
            sys.executable, "-m", "streamlit", "run", str(self.script),
            "--server.address", "127.0.0.1", "--server.port", str(self.port),
            "--server.headless", "true", "--server.fileWatcherType", "none",
            "--browser.gatherUsageStats", "false",
        ]  # fmt: skip
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=self.script.parent, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"streamlit did not become healthy:\n{self.log_tail()}")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM, and SIGKILL if it has not exited within 15 s."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self) -> None:
        self.kill()
        self.start()
