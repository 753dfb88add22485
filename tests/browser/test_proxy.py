"""deploy/nginx/tenfold.conf served for real: Debian's nginx in front of two `streamlit run`
replicas, all on 127.0.0.1, over TLS with a throwaway certificate (the file is a TLS site; a
browser keeps its `Secure` cookies only over https).

The configuration under test is the shipped file with four substitutions and nothing else: its
listen ports, its replica addresses and its certificate paths (`site_config` asserts each is found
once). Test-only additions live outside the file: an `X-Tenfold-Upstream` answer header and an
access log naming the replica of every request, including the websocket's.

The replicas share one database, as docs/deployment.md asks: a fresh PostgreSQL database when
TENFOLD_TEST_POSTGRES_URL is set (always under CI). Without it they share one SQLite file, which is
not a deployment the docs offer (replicas need PostgreSQL) but is enough for what this module
checks: the proxy's headers, its closed endpoint, the websocket upgrade, stickiness and one
journey. Locally the module skips when nginx, openssl or Chromium is missing; under CI=true it fails.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.browser import ui
from tests.browser.conftest import ARTIFACTS
from tests.conftest import POSTGRES_URL, ROOT, chromium_path, missing
from tests.streamlit_client import StreamlitSession, run_to_end
from tests.streamlit_server import StreamlitServer, free_port

pytestmark = pytest.mark.browser

SHIPPED = ROOT / "deploy" / "nginx" / "tenfold.conf"
NGINX = os.environ.get("TENFOLD_TEST_NGINX", "/usr/sbin/nginx")
SECURITY_HEADERS = {
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
BROWSER_COOKIE = "tenfold_browser"
UPSTREAM_HEADER = "X-Tenfold-Upstream"
START_TIMEOUT_S = 15


def nginx_path() -> str:
    if not (Path(NGINX).exists() or shutil.which(NGINX)):
        missing(f"nginx not found at {NGINX} (apt-get install nginx)")
    return NGINX


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (openssl comes with Debian's nginx)."""
    if shutil.which("openssl") is None:
        missing("openssl not found (apt-get install openssl)")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def substitute(config: str, old: str, new: str) -> str:
    assert config.count(old) == 1, f"deploy/nginx/tenfold.conf should contain {old!r} once"
    return config.replace(old, new)


def site_config(
    *, https_port: int = 443, http_port: int = 80, replicas: tuple[int, int] = (8501, 8502), cert: Path, key: Path
) -> str:
    """The shipped file with its ports, replica addresses and certificate paths replaced."""
    config = SHIPPED.read_text()
    config = substitute(config, "listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    config = substitute(config, "listen 80;", f"listen 127.0.0.1:{http_port};")
    config = substitute(config, "server 127.0.0.1:8501 ", f"server 127.0.0.1:{replicas[0]} ")
    config = substitute(config, "server 127.0.0.1:8502 ", f"server 127.0.0.1:{replicas[1]} ")
    config = substitute(config, "/etc/ssl/tenfold/fullchain.pem;", f"{cert};")
    return substitute(config, "/etc/ssl/tenfold/privkey.pem;", f"{key};")


def main_config(prefix: Path, site: str, *, test_only: str = "") -> None:
    """nginx.conf under `prefix`: Debian's mime types, every file nginx writes inside `prefix`, the
    site file in the `http` block as /etc/nginx/conf.d/ would be."""
    (prefix / "conf").mkdir(parents=True, exist_ok=True)
    (prefix / "conf" / "tenfold.conf").write_text(site)
    # As root, nginx's workers would run as `nobody`, who cannot write the test's private temp dirs.
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(f"    {kind}_temp_path {prefix / (kind + '_temp')};" for kind in
                     ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))  # fmt: skip
    (prefix / "conf" / "nginx.conf").write_text(
        f"{user}worker_processes 1;\n"
        "events { worker_connections 512; }\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n"
        f"{temp}\n"
        f"    access_log {prefix / 'access.log'};\n"
        f"{test_only}"
        "    include tenfold.conf;\n"
        "}\n"
    )


def nginx_command(prefix: Path, *args: str) -> list[str]:
    return [nginx_path(), "-p", str(prefix), "-c", "conf/nginx.conf",
            "-g", f"pid {prefix / 'nginx.pid'}; error_log stderr;", *args]  # fmt: skip


# The replica of every request, the websocket's included (logged when it closes), and the test-only
# header that names the replica on every answer.
TEST_ONLY = (
    "    log_format tenfold_replica '$upstream_addr $request_uri browser=$cookie_tenfold_browser';\n"
    "    access_log {prefix}/replicas.log tenfold_replica;\n"
)


@dataclass
class Proxy:
    url: str
    context: ssl.SSLContext
    certificate: Path
    replica_log: Path
    replicas: dict[str, StreamlitServer]  # by "127.0.0.1:PORT", as nginx's $upstream_addr says

    def get(self, path: str, cookie: str = "") -> http.client.HTTPResponse:
        host, port = self.url.removeprefix("https://").split(":")
        connection = http.client.HTTPSConnection(host, int(port), context=self.context, timeout=15)
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        response.body = response.read().decode(errors="replace")  # type: ignore[attr-defined]
        connection.close()
        return response

    def logged(self) -> list[tuple[str, str, str]]:
        """(replica, path, browser cookie) of every request logged so far."""
        rows = []
        for line in self.replica_log.read_text().splitlines():
            replica, path, browser = line.split(" ", 2)
            rows.append((replica, path, browser.removeprefix("browser=")))
        return rows


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The replicas' one database: a fresh PostgreSQL database, else one SQLite file."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('replicas-sqlite') / 'tenfold.db'}"
        return
    admin_url = make_url(POSTGRES_URL)
    name = f"tenfold_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[Proxy]:
    nginx_path()
    chromium_path()
    prefix = tmp_path_factory.mktemp("nginx")
    cert, key = make_certificate(prefix)
    env = {"TENFOLD_DATABASE_URL": database_url, "STREAMLIT_SERVER_COOKIE_SECRET": uuid.uuid4().hex * 2}
    servers = [StreamlitServer(tmp_path_factory.mktemp(f"replica-{n}"), env=env) for n in (1, 2)]
    https_port, http_port = free_port(), free_port()
    site = site_config(
        https_port=https_port, http_port=http_port, replicas=(servers[0].port, servers[1].port), cert=cert, key=key
    )
    site = substitute(
        site,
        "add_header Referrer-Policy no-referrer always;\n",
        f"add_header Referrer-Policy no-referrer always;\n    add_header {UPSTREAM_HEADER} $upstream_addr always;\n",
    )
    main_config(prefix, site, test_only=TEST_ONLY.format(prefix=prefix))
    nginx_log = prefix / "nginx.log"
    nginx = None
    try:
        for server in servers:
            server.start()
        with nginx_log.open("ab") as log:
            nginx = subprocess.Popen(nginx_command(prefix, "-g", "daemon off;"), stdout=log, stderr=log)
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            assert nginx.poll() is None, f"nginx exited:\n{nginx_log.read_text()}"
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, f"nginx did not listen:\n{nginx_log.read_text()}"
                time.sleep(0.1)
        context = ssl.create_default_context(cafile=str(cert))
        yield Proxy(
            f"https://127.0.0.1:{https_port}",
            context,
            cert,
            prefix / "replicas.log",
            {f"127.0.0.1:{s.port}": s for s in servers},
        )
    finally:
        if nginx is not None and nginx.poll() is None:
            nginx.send_signal(signal.SIGQUIT)  # graceful: let the workers close what they hold
            try:
                nginx.wait(timeout=10)
            except subprocess.TimeoutExpired:
                nginx.kill()
        for server in servers:
            server.stop()


# --- the file as shipped -----------------------------------------------------------------------------


def test_the_shipped_file_passes_nginx_t(tmp_path):
    """As a person copies it: only the certificate paths point at a real certificate (nginx -t
    reads them); its own ports and replica addresses stay."""
    cert, key = make_certificate(tmp_path)
    main_config(tmp_path, site_config(cert=cert, key=key))
    result = subprocess.run(nginx_command(tmp_path, "-t"), capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


# --- through the proxy ----------------------------------------------------------------------------------


def assert_security_headers(response: http.client.HTTPResponse, what: str) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get_all(name) == [value], (what, name, response.headers.get_all(name))


def test_every_answer_carries_the_security_headers_once(proxy):
    page = proxy.get("/")
    assert page.status == 200
    assets = re.findall(r'src="\.?(/static/js/[^"]+\.js)"', page.body)
    assert assets, page.body[:500]
    answers = {
        "page": page,
        "static asset": proxy.get(assets[0]),
        "health": proxy.get("/_stcore/health"),
        "the app's 404": proxy.get("/no-such-file.png"),
        "nginx's own 404 (metrics)": proxy.get("/_stcore/metrics"),
    }
    assert answers["static asset"].status == 200 and answers["health"].status == 200
    for what, response in answers.items():
        assert_security_headers(response, what)


def test_metrics_are_closed_at_the_edge(proxy):
    for path in ("/_stcore/metrics", "/_stcore/metrics?format=text", "/_stcore/metrics/", "//_stcore/metrics"):
        response = proxy.get(path)
        assert response.status == 404, path
        assert "memory" not in response.body and response.getheader(UPSTREAM_HEADER) is None, path
    # nginx answers itself: no replica was asked
    assert not [row for row in proxy.logged() if "metrics" in row[1] and row[0] != "-"]


def test_a_browser_id_cookie_is_set_once_and_keeps_each_browser_on_one_replica(proxy):
    first = proxy.get("/_stcore/health")
    cookies = first.headers.get_all("Set-Cookie") or []
    (browser_cookie,) = [c for c in cookies if c.startswith(f"{BROWSER_COOKIE}=")]
    assert {"Secure", "HttpOnly", "SameSite=Lax", "Path=/"} <= {part.strip() for part in browser_cookie.split(";")}
    cookie = browser_cookie.split(";")[0]
    again = proxy.get("/_stcore/health", cookie=cookie)
    assert not [c for c in again.headers.get_all("Set-Cookie") or [] if c.startswith(f"{BROWSER_COOKIE}=")]

    # Each of 20 browsers always reaches the same replica, and the browsers are spread over both.
    seen = {}
    for n in range(20):
        cookie = f"{BROWSER_COOKIE}={uuid.uuid4().hex}"
        replicas = {proxy.get(path, cookie=cookie).getheader(UPSTREAM_HEADER) for path in
                    ("/", "/_stcore/health", "/_stcore/host-config", "/_stcore/health")}  # fmt: skip
        assert len(replicas) == 1, replicas
        seen[n] = replicas.pop()
    assert set(seen.values()) == set(proxy.replicas), seen


def test_the_websocket_upgrades_and_a_session_opens_the_demo(proxy, monkeypatch):
    """tests/streamlit_client.py speaks the app's websocket protocol through the proxy (wss)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(proxy.certificate))  # the client's default TLS context

    async def visit() -> tuple[bool, bool, list[str]]:
        session = StreamlitSession(proxy.url)
        session.ws_url = proxy.url.replace("https://", "wss://") + "/_stcore/stream"
        try:
            start = await session.open()
            assert start.ok, start
            opened = await session.change("start_demo", True)
            return start.ok, opened.ok, opened.texts
        finally:
            await session.close()

    start_ok, opened_ok, texts = run_to_end(visit(), 90)
    assert start_ok and opened_ok
    assert any("Your workspace is open" in t for t in texts), texts
    assert any(path == "/_stcore/stream" and replica in proxy.replicas for replica, path, _ in proxy.logged())


def test_one_browser_stays_on_one_replica_and_walks_to_compare(proxy, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, ignore_https_errors=True)
    responses = []
    try:
        page = context.new_page()
        page.on("response", lambda response: responses.append(response))
        ui.goto(page, proxy.url)
        ui.click(page, "start_demo")
        ui.expect_text(page, "Your workspace is open")
        for _ in range(3):
            page.reload()
            ui.wait_idle(page)
        (browser_id,) = [c["value"] for c in context.cookies() if c["name"] == BROWSER_COOKIE]
        # Every answer to a request that carried the browser's id, and the replica that gave it.
        answered_by = [
            (response.url, response.all_headers().get(UPSTREAM_HEADER.lower(), ""))
            for response in responses
            if BROWSER_COOKIE in response.request.all_headers().get("cookie", "")
        ]

        ui.nav(page, "Compare")
        expect(page.get_by_role("heading", name="Compare", level=1)).to_be_visible()
        ui.keyed(page, "compare_as_table").locator("label").click()
        ui.wait_idle(page)
        grid = page.get_by_test_id("stDataFrame").locator("table[role='grid']")
        expect(grid.locator("th", has_text=re.compile(r"^\s*Rank\s*$"))).to_have_count(1, timeout=10_000)
        for name in ("Registered nurse", "Physiotherapist", "Health data analyst"):
            expect(grid.get_by_text(name).first).to_be_attached()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "proxy-compare.png"))
    finally:
        context.close()  # closes the websockets: nginx logs them now

    http_replicas = {replica for _, replica in answered_by if replica}
    assert len(answered_by) > 10 and len(http_replicas) == 1, answered_by
    time.sleep(0.5)  # the log line of a closed websocket
    sockets = [replica for replica, path, browser_cookie in proxy.logged()
               if path == "/_stcore/stream" and browser_cookie == browser_id]  # fmt: skip
    assert len(sockets) >= 4, proxy.logged()  # the first load and three reloads
    assert set(sockets) == http_replicas, (sockets, http_replicas)
