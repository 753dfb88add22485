"""Hardening, checked: the server's protections stay on, no user text reaches the page as HTML,
secrets and databases are never committed, and the pinned dependencies have no known
vulnerabilities (when pip-audit can reach its service). That users never see a traceback is
checked against a real server, in tests/integration/test_hardening_server.py."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ROOT

CONFIG = ROOT / ".streamlit" / "config.toml"
UI_SOURCES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]


# --- the server's configuration -------------------------------------------------------------


def _config() -> dict:
    return tomllib.loads(CONFIG.read_text(encoding="utf-8"))


def test_xsrf_protection_and_cors_stay_on():
    server = _config()["server"]
    assert server.get("enableXsrfProtection", True) is True
    assert server.get("enableCORS", True) is True


def test_users_never_get_error_details_from_the_config():
    assert _config()["client"]["showErrorDetails"] == "none"


def test_no_cookie_secret_in_the_committed_config():
    # Replicas share one through the environment or secrets.toml (docs/deployment.md), never git.
    assert "cookieSecret" not in CONFIG.read_text(encoding="utf-8")


def test_no_full_garbage_collection_after_every_run():
    # Two thirds of a rerun's CPU and a GIL held for every session (bench/load.py).
    assert _config()["runner"]["postScriptGC"] is False


# --- no user text as HTML -------------------------------------------------------------------


def _constant_strings(tree: ast.Module) -> set[str]:
    """Module-level names bound once to a constant string (e.g. a fixed CSS block)."""
    bound: dict[str, list[ast.expr]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    bound.setdefault(target.id, []).append(node.value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            bound.setdefault(node.target.id, []).append(node.value)
    return {
        name for name, values in bound.items()
        if len(values) == 1 and isinstance(values[0], ast.Constant) and isinstance(values[0].value, str)
    }  # fmt: skip


def html_sinks(source: str) -> list[tuple[int, str, bool]]:
    """Every call that renders raw HTML: (line, call, whether its content is a constant)."""
    tree = ast.parse(source)
    constants = _constant_strings(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = ast.unparse(node.func)
        unsafe = any(
            kw.arg == "unsafe_allow_html" and not (isinstance(kw.value, ast.Constant) and kw.value.value is False)
            for kw in node.keywords
        )
        raw_html = name.split(".")[-1] == "html" or name.endswith("components.v1.html")
        if not (unsafe or raw_html):
            continue
        content = node.args[0] if node.args else next(
            (kw.value for kw in node.keywords if kw.arg in ("body", "html")), None
        )
        constant = (isinstance(content, ast.Constant) and isinstance(content.value, str)) or (
            isinstance(content, ast.Name) and content.id in constants
        )
        found.append((node.lineno, name, constant))
    return found


def test_the_html_check_catches_user_text():
    source = (
        "import streamlit as st\nCSS = '<style>p{}</style>'\nname = st.text_input('n')\n"
        "st.html(CSS)\nst.markdown('<b>fixed</b>', unsafe_allow_html=True)\n"
        "st.markdown(f'<b>{name}</b>', unsafe_allow_html=True)\nst.html(name)\n"
        "st.write(name, unsafe_allow_html=flag)\nst.markdown(name, unsafe_allow_html=False)\n"
    )
    assert html_sinks(source) == [
        (4, "st.html", True), (5, "st.markdown", True), (6, "st.markdown", False),
        (7, "st.html", False), (8, "st.write", False),
    ]  # fmt: skip


# The one reviewed exception: the copy button carries the private link (Tenfold's own address and a
# token it made, never typed text), JSON-quoted into its script with no "<" (ui/private_link.py).
REVIEWED_HTML = {("ui/private_link.py", "st.html"): "the private link, JSON-quoted into the copy button's script"}


@pytest.mark.parametrize("path", UI_SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_pages_render_only_constant_html(path: Path):
    where = str(path.relative_to(ROOT))
    unsafe = [
        (line, call) for line, call, constant in html_sinks(path.read_text(encoding="utf-8"))
        if not constant and (where, call) not in REVIEWED_HTML
    ]
    assert unsafe == [], f"{path.name}: HTML from something other than a constant string at {unsafe}"


# --- secrets and data are never committed ---------------------------------------------------


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize(
    "path",
    [".streamlit/secrets.toml", "data/tenfold.db", "data/anything.json", "tenfold.db", "x/y.db", "x/y.db-wal"],
)
def test_secrets_and_databases_are_ignored(path: str):
    assert _git("check-ignore", "-q", "--no-index", path).returncode == 0, f"{path} is not ignored"


def test_no_secrets_or_databases_are_tracked():
    tracked = _git("ls-files").stdout.splitlines()
    secret = (".streamlit/secrets.toml", ".db", ".db-wal", ".db-shm")
    committed = [f for f in tracked if f.endswith(secret) or f.startswith("data/")]
    assert committed == []


# --- known vulnerabilities ------------------------------------------------------------------


def test_pinned_dependencies_have_no_known_vulnerabilities(tmp_path):
    """pip-audit over requirements.lock. Skips, with the reason, when pip-audit is not installed
    or cannot reach its vulnerability service (or the index knows none of the pinned versions);
    fails on any known vulnerability."""
    audit = Path(sys.executable).with_name("pip-audit")
    if not audit.exists():
        pytest.skip("pip-audit is not installed (pip install pip-audit)")
    report = tmp_path / "audit.json"
    result = subprocess.run(
        [str(audit), "-r", str(ROOT / "requirements.lock"), "--no-deps", "--disable-pip",
         "--progress-spinner", "off", "-f", "json", "-o", str(report)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if not report.exists() or not report.read_text().strip():
        reason = (result.stderr.strip().splitlines() or ["no output"])[-1]
        pytest.skip(f"pip-audit could not reach its vulnerability service: {reason[:300]}")
    dependencies = json.loads(report.read_text())["dependencies"]
    vulnerable = {d["name"]: [v["id"] for v in d["vulns"]] for d in dependencies if d.get("vulns")}
    assert vulnerable == {}, f"known vulnerabilities: {vulnerable}"
    audited = [d for d in dependencies if "skip_reason" not in d]
    if not audited:
        pytest.skip(
            f"pip-audit could audit none of the {len(dependencies)} pinned dependencies "
            f"(e.g. {dependencies[0]['skip_reason']})"
        )
