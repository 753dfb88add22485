"""The AppTest behaviours that ui/streamlit_workarounds.py works around, checked on Streamlit as
installed, with plain AppTests (not tests/apptest/helpers.py's, which apply the workarounds) of a
small app of their own (tests/data/streamlit_apps/folder_mode). Each "still ..." test fails once
upstream has changed the behaviour, and says which workaround to remove; each "... works" test
shows the workaround does its job.
"""

from __future__ import annotations

import pytest
from streamlit import config
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module
from streamlit.testing.v1.util import patch_config_options

from tests.apptest.helpers import ROOT, texts
from ui import streamlit_workarounds

FOLDER_MODE_APP = ROOT / "tests" / "data" / "streamlit_apps" / "folder_mode" / "app.py"


@pytest.fixture
def plain_apptest(monkeypatch):
    """AppTest as Streamlit ships it, whatever tests/apptest/helpers.py patched before."""
    monkeypatch.setattr(app_test_module, "PagesManager", PagesManager)


def _other_page(at: AppTest) -> str:
    at.run()
    at.switch_page("pages/other.py")
    at.run()
    assert not at.exception, at.exception
    return texts(at)


def test_apptest_still_starts_every_run_in_folder_mode(plain_apptest):
    shown = _other_page(AppTest.from_file(str(FOLDER_MODE_APP)))
    assert "other page" in shown
    assert "entrypoint ran" not in shown, (
        "upstream fixed AppTest's folder mode: a switched-to page now runs through the entrypoint "
        "beside a pages/ folder; remove streamlit_workarounds.route_apptest_through_entrypoint "
        "(and its call in tests/apptest/helpers.py: app_test)"
    )


def test_routing_apptest_through_the_entrypoint_works(plain_apptest):
    streamlit_workarounds.route_apptest_through_entrypoint()
    shown = _other_page(AppTest.from_file(str(FOLDER_MODE_APP)))
    assert "entrypoint ran" in shown and "other page" in shown


def _a_page_with_a_format_func() -> None:
    import streamlit as st

    st.selectbox("Kind", ["career", "employer"], format_func=lambda kind: kind.title(), key="kind")


@pytest.fixture
def serializable_check_on():
    """runner.enforceSerializableSessionState on, as in .streamlit/config.toml, whatever a test set before."""
    before = config.get_option("runner.enforceSerializableSessionState")
    config.set_option("runner.enforceSerializableSessionState", True)
    yield
    config.set_option("runner.enforceSerializableSessionState", before)


def test_apptest_still_fails_the_serializable_state_check(serializable_check_on):
    # Error details on (the app's config hides them), to tell this error from any other.
    with patch_config_options({"client.showErrorDetails": "full"}):
        at = AppTest.from_function(_a_page_with_a_format_func).run()
    assert at.exception and "Cannot serialize" in at.exception[0].value, (
        "upstream fixed AppTest's unpicklable values in session state (a page with a format_func "
        "passes runner.enforceSerializableSessionState); remove "
        "streamlit_workarounds.skip_apptest_serializable_check (and its call in "
        "tests/apptest/helpers.py: app_test)"
    )


def test_skipping_the_serializable_check_works(serializable_check_on):
    streamlit_workarounds.skip_apptest_serializable_check()
    at = AppTest.from_function(_a_page_with_a_format_func).run()
    assert not at.exception
    assert at.selectbox(key="kind").value == "career"


def _a_page_with_a_download() -> None:
    import streamlit as st

    st.download_button("Download", b"the bytes", file_name="file.txt", key="file")


# What AppTest 1.67's download button offers: its key, a click, no bytes.
DOWNLOAD_BUTTON_OFFERS = {"click", "key", "proto", "root", "run", "set_value", "type", "value"}


def test_apptest_still_gives_no_bytes_of_a_download():
    at = AppTest.from_function(_a_page_with_a_download).run()
    (button,) = at.get("download_button")
    new = {name for name in dir(button) if not name.startswith("_")} - DOWNLOAD_BUTTON_OFFERS
    assert not new, (
        f"AppTest's download button now offers {sorted(new)}: if one gives the file's bytes, upstream "
        "fixed streamlit/streamlit#9003; read downloads through it and remove "
        "streamlit_workarounds.recorded_apptest_media (and the `downloaded` fixture in "
        "tests/apptest/conftest.py)"
    )
    assert button.proto.url.startswith("/mock/media/")  # only a URL into AppTest's own media store


def test_recording_apptest_media_gives_the_bytes_of_a_download():
    with streamlit_workarounds.recorded_apptest_media() as stores:
        at = AppTest.from_function(_a_page_with_a_download).run()
    (button,) = at.get("download_button")
    assert stores[-1].get_file(button.proto.url.rsplit("/", 1)[1]).content == b"the bytes"



class _ClickedMeanwhile(Exception):
    """What the script runner raises when the browser asked for another run (RerunException)."""


@pytest.fixture
def clicked_meanwhile(monkeypatch):
    """A session whose browser has asked for another run: every state access stops this one."""
    from streamlit.runtime.state import session_state_proxy
    from streamlit.runtime.state.safe_session_state import SafeSessionState
    from streamlit.runtime.state.session_state import SessionState

    def stop_the_run() -> None:
        raise _ClickedMeanwhile

    safe = SafeSessionState(SessionState(), yield_callback=stop_the_run)
    monkeypatch.setattr(session_state_proxy, "get_session_state", lambda: safe)
    return safe


def test_session_state_writes_still_stop_before_writing_when_a_click_came_meanwhile(clicked_meanwhile):
    with pytest.raises(_ClickedMeanwhile):
        clicked_meanwhile["workspace_token"] = "t" * 32
    assert "workspace_token" not in clicked_meanwhile._state, (
        "upstream fixed session state writes: a write lands before a pending rerun stops the run; "
        "remove streamlit_workarounds.keep_in_session"
    )


def test_keeping_values_in_session_works_when_a_click_came_meanwhile(clicked_meanwhile):
    streamlit_workarounds.keep_in_session({"workspace_token": "t" * 32})
    assert clicked_meanwhile._state["workspace_token"] == "t" * 32
