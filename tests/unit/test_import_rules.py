"""The layout's import rules, in one place (README, "How it is built").

- `core/` is the domain: it never imports Streamlit, the presentation (`views`) or the pages' helpers (`ui`).
- `views/` draws: it never imports Streamlit or `ui` either (pages and `ui` put its output on screen).
- `core.access` (join codes, passcodes) imports only the standard library and the models, and
  `core.storage` loads no pandas, numpy or decision engine: `tenfold ready`, a readiness probe a load
  balancer calls every few seconds, imports storage and nothing heavier.

Each rule is checked twice: in the source (a direct import) and in a fresh process (an indirect one).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# package -> the top-level packages its modules may never import
FORBIDDEN = {
    "core": {"streamlit", "views", "ui"},
    "views": {"streamlit", "ui"},
}


def _modules(package: str) -> list[str]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module or "")
    return names


def _loaded_after(imports: list[str], watched: set[str]) -> list[str]:
    """The watched modules (or packages) that importing `imports` loads, in a fresh interpreter."""
    code = (
        f"import sys; import {', '.join(imports)}; "
        f"print(sorted(m for m in sys.modules if m in {watched!r} or m.split('.')[0] in {watched!r}))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return eval(done.stdout)  # a list literal printed by the line above


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_module_imports_what_its_package_may_not(package):
    for path in sorted((ROOT / package).rglob("*.py")):
        tops = {name.split(".")[0] for name in _imports(path)}
        assert not tops & FORBIDDEN[package], f"{path.relative_to(ROOT)} imports {sorted(tops & FORBIDDEN[package])}"


def test_nor_indirectly():
    assert _loaded_after(_modules("core"), FORBIDDEN["core"]) == []
    assert _loaded_after(_modules("views"), FORBIDDEN["views"]) == []


def test_access_needs_only_the_standard_library_and_the_models():
    imported = _imports(ROOT / "core" / "access.py")
    ours = {name for name in imported if name.split(".")[0] in {"core", "views", "ui"}}
    assert ours == {"core.models"}
    third_party = {name.split(".")[0] for name in imported} - set(sys.stdlib_module_names) - {"core", "__future__"}
    assert third_party <= {"pydantic"}, third_party  # through core.models anyway


def test_storage_loads_no_pandas_numpy_or_decision_engine():
    heavy = {"pandas", "numpy", "core.decision", "core.robustness", "core.scoring"}
    assert _loaded_after(["core.storage"], heavy) == []
