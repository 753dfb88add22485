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



