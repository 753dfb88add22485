import ast
import subprocess
import sys
from pathlib import Path

from core.dimensions import DIMENSION_KEYS, DIMENSIONS

ROOT = Path(__file__).resolve().parents[2]

DESIGN_KEYS = (
    "culture", "industry_outlook", "entry_requirements", "education", "career_path",
    "lessons_learned", "competitive_edge", "confidence", "typical_day", "network",
)


def test_the_ten_stable_keys_in_article_order():
    assert DIMENSION_KEYS == DESIGN_KEYS
    assert [d.article_number for d in DIMENSIONS] == list(range(10, 0, -1))


def test_every_dimension_is_fully_described():
    labels = set()
    for d in DIMENSIONS:
        assert d.label and d.label not in labels
        labels.add(d.label)
        assert d.description.endswith(".")
        assert sorted(d.scale) == [1, 3, 5] and all(d.scale.values())
        assert 2 <= len(d.questions) <= 4
        assert all(q.endswith("?") for q in d.questions)


def test_no_text_is_copied_from_the_source_article():
    article = (ROOT.parent / "shared" / "seed" / "informational-interviews-top-10-benefits.txt")
    if not article.exists():
        return  # the article lives beside the repository, not in it
    words = article.read_text().lower().split()
    article_runs = {" ".join(words[i : i + 8]) for i in range(len(words) - 7)}
    for d in DIMENSIONS:
        for text in (d.description, *d.scale.values(), *d.questions):
            ours = text.lower().split()
            for i in range(len(ours) - 7):
                assert " ".join(ours[i : i + 8]) not in article_runs, text


def test_core_never_imports_streamlit():
    for path in (ROOT / "core").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n.split(".")[0] == "streamlit" for n in names), path.name
    # and importing every core module does not pull it in indirectly
    modules = ", ".join(f"core.{p.stem}" for p in (ROOT / "core").glob("*.py") if p.stem != "__init__")
    code = f"import sys, {modules}; assert 'streamlit' not in sys.modules, 'streamlit imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_views_never_import_streamlit_and_core_never_imports_views():
    for folder, forbidden in (("views", "streamlit"), ("core", "views")):
        for path in (ROOT / folder).glob("*.py"):
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom):
                    names = [node.module or ""]
                assert not any(n.split(".")[0] == forbidden for n in names), f"{folder}/{path.name}"
    # and importing every core module pulls in no views, nor every views module Streamlit, indirectly
    core = ", ".join(f"core.{p.stem}" for p in (ROOT / "core").glob("*.py") if p.stem != "__init__")
    views = ", ".join(f"views.{p.stem}" for p in (ROOT / "views").glob("*.py") if p.stem != "__init__")
    code = (
        f"import sys, {core}; assert not [m for m in sys.modules if m.split('.')[0] == 'views'], 'views imported'; "
        f"import {views}; assert 'streamlit' not in sys.modules, 'streamlit imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
