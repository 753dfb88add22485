"""views.report, the one-page decision report and the charts to take home: content, escaping, file names."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from PIL import Image

from core.decision import decide
from core.demo import demo_workspace
from core.models import Contact, Interview, Option, Rating, Workspace
from views import report
from views.images import EXPORT_WIDTH, PNG_SCALE
from views.report import (
    EXPORT_CHARTS,
    MAX_CHART_OPTIONS,
    chart_choices,
    chart_file,
    decision_report,
    file_name,
    long_date,
)

DAY = dt.date(2026, 11, 16)
# OWASP's XSS filter-evasion and CSV-injection examples, as a participant could type them.
PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "'';!--\"<XSS>=&{()}",
    "<iframe src=\"javascript:alert('XSS');\"></iframe>",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example","click")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
)
SAFE_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "header", "p", "h1", "h2", "h3", "section",
    "div", "span", "strong", "img", "ul", "ol", "li", "footer",
}  # fmt: skip


class _Tags(HTMLParser):
    """Every element and attribute of a page, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.tags.append((tag, attrs))

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        self.text.append(data)


def _parsed(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    return parser


def _hostile_workspace() -> Workspace:
    """A workspace whose every piece of text is an attack."""
    ws = demo_workspace()
    options = [o.model_copy(update={"name": f"{PAYLOADS[n % len(PAYLOADS)]} {n}"}) for n, o in enumerate(ws.options)]
    interviews = [
        i.model_copy(update={
            "contact": i.contact.model_copy(update={"name": PAYLOADS[n % len(PAYLOADS)]}) if i.contact else None,
            "ratings": [r.model_copy(update={"note": PAYLOADS[(n + k) % len(PAYLOADS)]})
                        for k, r in enumerate(i.ratings)],
        })
        for n, i in enumerate(ws.interviews)
    ]
    return Workspace(name=PAYLOADS[0], weights=ws.weights, options=options, interviews=interviews)


@pytest.fixture(scope="module")
def demo_page() -> str:
    return decision_report(demo_workspace(), made_on=DAY)


def test_the_report_has_the_name_date_verdict_charts_notes_and_questions(demo_page):
    ws = demo_workspace()
    decision = decide(ws)
    page = _parsed(demo_page)
    text = " ".join(" ".join(page.text).split())
    assert ws.name in text and "16 November 2026" in text
    assert f"Decision report: {ws.name} (16 November 2026)" in text  # the title, for the printed header
    assert "Confirmed" in text and decision.verdict.headline in text
    images = [dict(attrs)["src"] for tag, attrs in page.tags if tag == "img"]
    assert len(images) == 2 and all(src.startswith("data:image/svg+xml;base64,") for src in images)
    ranking_svg = base64.b64decode(images[0].split(",", 1)[1]).decode("utf-8")
    assert "Registered nurse" in ranking_svg and "Regional Health Authority" in ranking_svg
    heatmap_svg = base64.b64decode(images[1].split(",", 1)[1]).decode("utf-8")
    assert "Typical day (5)" in heatmap_svg and "City General Hospital" not in heatmap_svg  # careers only
    assert "Behind the top options' ratings" in text
    assert "Home visits feel personal; more autonomy than the ward." in text  # a note behind the leaning
    assert "Questions to ask next" in text
    first_gap = decision.ask_next[0]
    assert first_gap.reason in text and first_gap.questions[0] in text
    assert "Save as PDF" in text


def test_the_report_is_print_ready_and_self_contained(demo_page):
    assert "@page { size: A4;" in demo_page and "@media print" in demo_page
    assert "Content-Security-Policy" in demo_page and "default-src 'none'" in demo_page
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", demo_page)
    assert urls and all(u.startswith("data:") for u in urls)  # nothing loads from anywhere
    assert "<script" not in demo_page.lower()


def test_every_user_string_is_escaped():
    ws = _hostile_workspace()
    page = decision_report(ws, made_on=DAY)
    parsed = _parsed(page)
    assert {tag for tag, _ in parsed.tags} <= SAFE_TAGS
    for tag, attrs in parsed.tags:
        assert not [name for name, _ in attrs if name.startswith("on")], tag
        if tag == "img":
            assert dict(attrs)["src"].startswith("data:image/svg+xml;base64,")
    text = "".join(parsed.text)
    for payload in PAYLOADS:
        if any(c in payload for c in "<>&\"'"):
            assert payload not in page, payload  # never raw in the markup
    # ...and a reader sees them as typed: the title, option names, notes and contacts.
    assert PAYLOADS[0] in text
    assert any(PAYLOADS[1] in t for t in parsed.text)
    for tag, attrs in parsed.tags:
        if tag == "img":
            svg = base64.b64decode(dict(attrs)["src"].split(",", 1)[1]).decode("utf-8")
            root = ET.fromstring(svg)
            names = {e.tag.rsplit("}", 1)[-1] for e in root.iter()}
            assert not names & {"script", "foreignObject", "iframe", "img"}


def test_a_report_for_an_empty_workspace_says_what_to_do():
    page = decision_report(Workspace(), made_on=DAY)
    parsed = _parsed(page)
    text = " ".join(parsed.text)
    assert "My career decision" in text  # an unnamed workspace still has a heading
    assert "Not enough evidence yet" in text and "There is nothing to compare yet" in text
    assert not [tag for tag, _ in parsed.tags if tag == "img"]


def test_without_a_leaning_the_report_says_whom_the_verdict_is_about():
    ws = demo_workspace()
    ws = ws.model_copy(update={"options": [o.model_copy(update={"leaning": False}) for o in ws.options]})
    text = " ".join(_parsed(decision_report(ws, made_on=DAY)).text)
    assert "You have not marked a current leaning" in text
    assert "★" not in text.split("Ranking")[0]


def test_a_large_workspace_shows_the_best_options_and_counts_the_rest():
    options = [Option(id=f"c{n}", kind="career", name=f"Career {n:02d}") for n in range(15)]
    ratings = [Rating(option=f"c{n}", dimension="culture", score=1 + n % 5, note=f"note {n}") for n in range(15)]
    ws = Workspace(options=options, interviews=[Interview(id="i", kind="interview", date=DAY,
                                                          contact=Contact(name="A"), ratings=ratings)])
    text = " ".join(_parsed(decision_report(ws, made_on=DAY)).text)
    assert f"{15 - MAX_CHART_OPTIONS} more options not shown" in text
    assert f"{15 - MAX_CHART_OPTIONS} more careers not shown" in text


def test_notes_are_shortened_and_counted():
    note = "word " * 200
    ws = demo_workspace()
    first = ws.interviews[0]
    ratings = [r.model_copy(update={"note": note}) for r in first.ratings]
    ws = ws.model_copy(update={"interviews": [first.model_copy(update={"ratings": ratings}), *ws.interviews[1:]]})
    page = decision_report(ws, made_on=DAY)
    assert note.strip() not in page
    assert "…" in page and "more notes in Tenfold" in page


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Demo: Sam's health-care decision", "tenfold-report-demo-sam-s-health-care-decision-2026-11-16.html"),
        ("Zoë's 看護 decision 🙂", "tenfold-report-zoe-s-decision-2026-11-16.html"),
        ("", "tenfold-report-2026-11-16.html"),
        ("看護", "tenfold-report-2026-11-16.html"),
        ('../../etc/passwd"; rm -rf /', "tenfold-report-etc-passwd-rm-rf-2026-11-16.html"),
        ("x" * 100, f"tenfold-report-{'x' * 40}-2026-11-16.html"),
    ],
)
def test_file_names_are_safe_everywhere(name, expected):
    assert file_name(name, "report", "html", DAY) == expected


def test_dates_are_written_the_same_in_every_locale():
    assert long_date(dt.date(2026, 1, 5)) == "5 January 2026"
    assert report.short_date(dt.date(2026, 12, 31)) == "31 Dec 2026"


def test_every_chart_to_take_home_draws_as_png_and_svg():
    ws = demo_workspace()
    choices = chart_choices(ws)
    assert list(choices) == list(EXPORT_CHARTS)  # the demo can draw them all
    assert choices["ranking"] == "Compare: ranking of careers and employers"
    assert choices["sensitivity_employers"] == "Decision: how far each weight can move (employers)"
    names = [o.name for o in ws.options]
    for key in choices:
        png = chart_file(ws, key, "png")
        assert Image.open(io.BytesIO(png)).width == EXPORT_WIDTH * PNG_SCALE
        svg = ET.fromstring(chart_file(ws, key, "svg").decode("utf-8"))
        texts = [t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text")]
        assert EXPORT_CHARTS[key][3] in texts  # the title
        assert any(name in text for name in names for text in texts), key  # and the options: not an empty chart


def test_only_the_charts_a_workspace_can_draw_are_offered():
    assert chart_choices(Workspace()) == {}
    one = Workspace(
        options=[Option(id="a", kind="career", name="A")],
        interviews=[Interview(id="i", kind="self", date=DAY,
                              ratings=[Rating(option="a", dimension="culture", score=4)])],
    )
    # No profile of one option, and no Decision chart of a kind with one option.
    assert set(chart_choices(one)) == {"ranking", "heatmap_careers", "why", "history"}
