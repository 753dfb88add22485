"""User text is plain text on every page: no link, icon, symbol, Markdown or HTML from what a person
typed (`ui.escape_md`, the one place that makes user text safe for Streamlit's Markdown)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from core import access, storage
from core.demo import demo_workspace
from tests.apptest.helpers import by_key, open_app, shown
from ui import WORD_JOINER, escape_md

HOSTILE = [
    "www.evil.example",
    "https://evil.example/x",
    "mail@evil.example",
    ":material/warning:",
    ":streamlit:",
    "**bold**",
    "<b>x</b>",
    "[a](http://x)",
    "$x$",
    "A -> B",
    ":red[red]",
]
# What Streamlit's Markdown makes live even after backslash escapes (see ui/__init__.py).
LIVE_AFTER_ESCAPES = re.compile(r"(?i)https?:/|www\.|\w@\w|:material|:streamlit|(^|\s)(->|--|<-|>=|<=)(\s|$)")
PAGES = ["pages/options.py", "pages/interviews.py", "pages/compare.py", "pages/decision.py", "pages/transfer.py"]
PASSCODE = "river-otter-42"


@pytest.mark.parametrize("text", HOSTILE)
def test_escape_md_leaves_nothing_that_markdown_makes_live(text):
    escaped = escape_md(text)
    assert shown(escaped) == text  # a reader sees exactly what was typed
    assert text not in escaped
    unescaped = re.sub(r"\\(.)", r"\1", escaped)  # what the Markdown parser hands its text plugins
    assert not LIVE_AFTER_ESCAPES.search(unescaped), unescaped


def test_escape_md_changes_ordinary_text_only_by_backslashes():
    for text in ["Registered nurse", "J. Doe", "76.8", "Ask next: culture", "self-assessment", "St. Mary's"]:
        assert WORD_JOINER not in escape_md(text)


def _markdown_sources(at) -> list[str]:
    """Every string the page hands Streamlit's Markdown: texts, alerts, and the labels that render it."""
    sources = [str(e.value) for kind in ("markdown", "caption", "error", "warning", "info", "success", "title",
                                          "header", "subheader") for e in getattr(at, kind)]
    sources += [e.proto.label for e in at.expander]
    sources += [option for radio in at.radio for option in radio.options]
    sources += [e.label for kind in ("button", "toggle", "checkbox", "metric") for e in getattr(at, kind)]
    return sources


def _assert_plain(sources: list[str]) -> None:
    for source in sources:
        for text in HOSTILE:
            assert text not in source, (text, source)
        assert not LIVE_AFTER_ESCAPES.search(re.sub(r"\\(.)", r"\1", source)), source


def test_every_page_shows_hostile_names_as_plain_text(db):
    url, engine = db
    token = storage.import_workspace(engine, demo_workspace())
    ws_id = storage.find_workspace(engine, token).id
    ids = [storage.add_option(engine, ws_id, kind="career", name=name) for name in HOSTILE]
    storage.set_leaning(engine, ws_id, ids[0])
    interview = storage.add_interview(engine, ws_id, kind="interview", date=dt.date(2026, 11, 2),
                                      contact_name=HOSTILE[0], contact_role=HOSTILE[3],
                                      contact_organisation=HOSTILE[1], notes=" ".join(HOSTILE), option_ids=ids)
    for option_id in ids:
        storage.set_rating(engine, ws_id, interview, option_id, "culture", score=4, note=HOSTILE[5])
    for page in PAGES:
        at = open_app(url, token=token, page=page, session_state={
            "interviews_selected": interview, f"options_{ids[0]}_open": True})
        assert not at.exception, page
        sources = _markdown_sources(at)
        _assert_plain(sources)
        if page in ("pages/options.py", "pages/interviews.py"):
            assert any(HOSTILE[0] in shown(source) for source in sources), page  # shown, as typed


def test_the_cohort_shows_hostile_display_names_as_plain_text(db):
    url, engine = db
    workshop = storage.create_workshop(engine, name=HOSTILE[1], passcode_hash=access.hash_passcode(PASSCODE))
    for n, name in enumerate(HOSTILE):
        token = storage.create_workspace_in_workshop(engine, workshop.join_code, name)
        ws_id = storage.find_workspace(engine, token).id
        storage.add_option(engine, ws_id, kind="career", name=HOSTILE[-1 - n])
        storage.set_sharing(engine, ws_id, n % 2 == 0)
    at = open_app(url, page="pages/workshop.py")
    by_key(at.segmented_control, "workshop_task").set_value("sign_in").run()
    by_key(at.text_input, "workshop_sign_in_code").input(workshop.join_code)
    by_key(at.text_input, "workshop_sign_in_passcode").input(PASSCODE)
    next(b for b in at.button if b.label == "Sign in").click().run()
    at.switch_page("pages/cohort.py")
    at.run()
    assert not at.exception
    sources = _markdown_sources(at)
    _assert_plain(sources)
    assert all(any(name in shown(source) for source in sources) for name in HOSTILE)
