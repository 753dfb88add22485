"""Export & import, driven through the real app script with AppTest, on real databases.

AppTest does not download files, so a spy on `st.download_button` records what each button would
send (the bytes, or the function a deferred download calls on click); the browser test downloads
them for real. Uploads go through AppTest's file_uploader, i.e. through the page's own checks.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pandas as pd
import pytest
import streamlit
from PIL import Image

from core import storage
from core.cli import main as tenfold
from core.demo import demo_workspace
from core.models import Workspace
from core.workspace_file import MAX_FILE_BYTES, dump_workspace, renumber_ids
from tests.apptest.helpers import by_key, demo_token, open_app, texts
from tests.integration.test_import_atomic import dump_tables
from views.images import EXPORT_WIDTH, PNG_SCALE

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "bad_workspaces"
EXPECTED: dict[str, str] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
sys.path.insert(0, str(ROOT / "tests" / "data"))
from make_bad_workspaces import GENERATED  # noqa: E402

PAGE = "pages/transfer.py"
PAYLOADS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "=HYPERLINK(\"http://x\",\"y\")",
            "@SUM(1+1)", "**bold** [link](javascript:alert(1))")


@pytest.fixture
def downloads(monkeypatch):
    """What every download button of a run would send, by key (bytes, or a deferred callable)."""
    sent: dict[str, dict] = {}
    original = streamlit.download_button

    def spy(label, data, file_name=None, mime=None, key=None, **kwargs):  # type: ignore[no-untyped-def]
        sent[key] = {"label": label, "data": data, "file_name": file_name, "mime": mime}
        return original(label, data, file_name=file_name, mime=mime, key=key, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", spy)
    return sent


def _content(entry: dict) -> bytes:
    data = entry["data"]
    return data() if callable(data) else data


def _import_mode(url: str, token: str | None = None):  # type: ignore[no-untyped-def]
    at = open_app(url, token=token, page=PAGE)
    at.segmented_control(key="transfer_mode").set_value("import").run()
    assert not at.exception
    return at


def _upload(at, name: str, data: bytes):  # type: ignore[no-untyped-def]
    at.file_uploader(key="transfer_upload").set_value((name, data, "application/json")).run()
    assert not at.exception
    return at


def _workspace(engine, token: str) -> Workspace:
    return storage.load_workspace(engine, storage.find_workspace(engine, token).id)


# --- export -----------------------------------------------------------------------------------------


def test_export_offers_every_file_with_stable_keys(db, downloads, tmp_path, capsysbinary):
    url, engine = db
    token = demo_token(engine)
    at = open_app(url, token=token, page=PAGE)
    assert not at.exception
    assert [b.key for b in at.download_button] == [
        "transfer_csv", "transfer_workspace_file", "transfer_chart_download", "transfer_report"
    ]
    ws = _workspace(engine, token)
    # The workspace file re-imports to the same workspace.
    workspace_file = _content(downloads["transfer_workspace_file"])
    assert workspace_file == dump_workspace(renumber_ids(ws))
    assert downloads["transfer_workspace_file"]["mime"] == "application/json"
    # The CSV is exactly what `tenfold summary` prints for that file, with the default seed (the
    # README says so; the page speaks to participants and names no command).
    csv = _content(downloads["transfer_csv"])
    path = tmp_path / downloads["transfer_workspace_file"]["file_name"]
    path.write_bytes(workspace_file)
    assert tenfold(["summary", str(path), "--seed", "2001"]) == 0
    assert capsysbinary.readouterr().out == csv
    assert "--seed" not in texts(at) and "command" not in texts(at)
    frame = pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    nurse = frame.set_index("name").loc["Registered nurse"]
    assert (nurse["rank"], nurse["leaning"], nurse["verdict"]) == ("1", "yes", "confirmed")
    assert downloads["transfer_csv"]["file_name"].endswith(".csv")


def test_a_workspace_bigger_than_a_file_may_be_still_exports_and_says_so(db, downloads, monkeypatch):
    """Long notes can make a workspace's file larger than an import takes (the counts are capped,
    the text is not): the file is still offered, with a plain warning, and the summary still works."""
    url, engine = db
    token = demo_token(engine)
    at = open_app(url, token=token, page=PAGE)
    csv = _content(downloads["transfer_csv"])
    assert not at.warning
    workspace_file = _content(downloads["transfer_workspace_file"])
    monkeypatch.setattr("core.workspace_file.MAX_FILE_BYTES", len(workspace_file) // 2)
    storage.rename_workspace(engine, storage.find_workspace(engine, token).id, "Sam's decision")  # a new revision
    at.run()
    assert not at.exception
    assert "a workspace file can be at most" in at.warning[0].value
    assert "shorten some long notes" in at.warning[0].value
    assert len(_content(downloads["transfer_workspace_file"])) > len(workspace_file) // 2
    assert _content(downloads["transfer_csv"]) == csv  # the name is not in the summary


def test_charts_and_the_report_are_drawn_only_when_asked(db, downloads):
    url, engine = db
    at = open_app(url, token=demo_token(engine), page=PAGE)
    # Deferred: the page hands Streamlit a function, called when the button is clicked.
    assert callable(downloads["transfer_chart_download"]["data"])
    assert callable(downloads["transfer_report"]["data"])
    png = _content(downloads["transfer_chart_download"])
    assert Image.open(io.BytesIO(png)).width == EXPORT_WIDTH * PNG_SCALE
    assert downloads["transfer_chart_download"]["mime"] == "image/png"
    by_key(at.selectbox, "transfer_chart").set_value("heatmap_employers").run()
    at.segmented_control(key="transfer_chart_format").set_value("svg").run()
    assert not at.exception
    svg = _content(downloads["transfer_chart_download"]).decode("utf-8")
    assert svg.startswith("<svg") and "Mean ratings of employers" in svg
    assert downloads["transfer_chart_download"]["file_name"].endswith(".svg")
    report = _content(downloads["transfer_report"]).decode("utf-8")
    assert "Demo: Sam&#x27;s health-care decision" in report and "Confirmed" in report


def test_export_without_an_open_workspace_says_how_to_open_one(db):
    url, _ = db
    at = open_app(url, page=PAGE)
    assert not at.exception
    assert "Open your workspace first" in texts(at)
    assert not at.download_button


def test_payloads_in_names_and_notes_are_plain_text_in_the_page_and_the_csv(db, downloads):
    url, engine = db
    ws = demo_workspace()
    options = [o.model_copy(update={"name": f"{PAYLOADS[n % len(PAYLOADS)]} {n}", "notes": PAYLOADS[1]})
               for n, o in enumerate(ws.options)]
    hostile = ws.model_copy(update={"name": PAYLOADS[0], "options": options})
    token = storage.import_workspace(engine, hostile)
    at = open_app(url, token=token, page=PAGE)
    assert not at.exception
    csv = _content(downloads["transfer_csv"]).decode("utf-8-sig")
    frame = pd.read_csv(io.StringIO(csv), dtype=str, keep_default_na=False)
    assert "'=HYPERLINK(\"http://x\",\"y\") 2" in set(frame["name"])  # neutralised, still readable
    assert "'@SUM(1+1) 3" in set(frame["name"])
    assert not [name for name in frame["name"] if name.startswith(("=", "+", "-", "@"))]
    # Uploading the same file shows the names as they are typed, never as markup.
    at = _import_mode(url)
    at = _upload(at, "hostile.json", dump_workspace(hostile))
    assert f"“{PAYLOADS[0]}”" in texts(at)  # as typed...
    assert "“\\<script\\>alert\\(1\\)\\</script\\>”" in at.success[0].value  # ...every character escaped
    shown = at.dataframe[0].value  # a table shows text as text
    assert f"{PAYLOADS[0]} 0" in set(shown["Option"]) and f"{PAYLOADS[4]} 4" in set(shown["Option"])


# --- import ---------------------------------------------------------------------------------------


def test_a_good_file_imports_as_a_new_workspace_with_its_own_link(db):
    url, engine = db
    mine = demo_token(engine)
    incoming = demo_workspace().model_copy(update={"name": "Imported copy"})
    at = _import_mode(url, token=mine)
    at = _upload(at, "copy.json", dump_workspace(incoming))
    assert "This file is fine" in texts(at)
    assert "8 options (3 careers, 5 employers), 6 interviews, 1 self-assessment, 31 ratings" in texts(at)
    before = dump_tables(engine)
    mine_before = _workspace(engine, mine)
    by_key(at.button, "transfer_import_new").click().run()
    assert not at.exception
    new = at.query_params["w"]
    assert new != mine and storage.find_workspace(engine, new) is not None
    assert f"?w={new}" in texts(at) and f"?w={mine}" in texts(at)  # both private links shown
    assert dump_workspace(renumber_ids(_workspace(engine, new))) == dump_workspace(renumber_ids(incoming))
    assert _workspace(engine, mine) == mine_before
    after = dump_tables(engine)
    assert len(after["workspaces"]) == len(before["workspaces"]) + 1
    assert [r for r in after["options"] if r in before["options"]] == before["options"]  # nothing else changed
    # The same upload, rerun, does not import twice.
    at.run()
    assert len(dump_tables(engine)["workspaces"]) == len(after["workspaces"])


def test_replacing_needs_the_explicit_confirmation(db):
    url, engine = db
    mine = demo_token(engine)
    other = demo_token(engine)
    incoming = Workspace(name="Fresh start")
    at = _import_mode(url, token=mine)
    at = _upload(at, "fresh.json", dump_workspace(incoming))
    replace = by_key(at.button, "transfer_import_replace")
    assert replace.disabled
    assert by_key(at.checkbox, "transfer_replace_confirm").label == "Replace everything in my current workspace"
    before = dump_tables(engine)
    other_before = _workspace(engine, other)
    by_key(at.checkbox, "transfer_replace_confirm").check().run()
    assert not by_key(at.button, "transfer_import_replace").disabled
    by_key(at.button, "transfer_import_replace").click().run()
    assert not at.exception
    assert at.query_params["w"] == mine  # the same private link
    replaced = _workspace(engine, mine)
    assert replaced.name == "Fresh start" and replaced.options == []
    assert _workspace(engine, other) == other_before
    assert len(dump_tables(engine)["workspaces"]) == len(before["workspaces"])
    assert "replaced" in texts(at)


def test_without_an_open_workspace_only_a_new_import_is_offered(db):
    url, engine = db
    at = _import_mode(url)
    at = _upload(at, "w.json", dump_workspace(demo_workspace()))
    assert [b.key for b in at.button if b.key == "transfer_import_replace"] == []
    assert "nothing to replace" in texts(at)
    by_key(at.button, "transfer_import_new").click().run()
    assert storage.find_workspace(engine, at.query_params["w"]) is not None


def test_import_is_off_in_presentation_mode(db):
    url, engine = db
    at = open_app(url, token=demo_token(engine), page=PAGE)
    at.session_state["presentation_mode"] = True
    at.run()
    at.segmented_control(key="transfer_mode").set_value("import").run()
    assert "switched off in presentation mode" in texts(at)
    assert not at.file_uploader


def test_a_file_over_the_limit_is_refused_before_it_is_read(db, monkeypatch):
    url, engine = db
    token = demo_token(engine)
    at = _import_mode(url, token=token)

    def never(_data):  # type: ignore[no-untyped-def]
        raise AssertionError("an oversized file was parsed")

    monkeypatch.setattr("core.workspace_file.parse_workspace", never)
    before = dump_tables(engine)
    at = _upload(at, "big.json", b" " * (MAX_FILE_BYTES + 1))
    assert "a workspace file can be at most 10,000,000 bytes" in texts(at)
    assert "Nothing was changed" in texts(at)
    assert dump_tables(engine) == before


def _bad_files(tmp_path: Path) -> list[tuple[str, bytes, str]]:
    files = [(name, (CORPUS / name).read_bytes(), fragment) for name, fragment in EXPECTED.items()]
    for name, (write, fragment) in GENERATED.items():
        write(tmp_path / name)
        files.append((name, (tmp_path / name).read_bytes(), fragment))
    return files


def test_every_bad_file_is_refused_with_its_message_and_changes_nothing(database_url, tmp_path):
    """The whole corpus through the page, on SQLite and PostgreSQL: a dump of every table is the
    same before and after, and the page shows each file's message and offers no import."""
    engine = storage.make_engine(database_url)
    try:
        token = demo_token(engine)
        at = _import_mode(database_url, token=token)
        before = dump_tables(engine)
        for name, data, fragment in _bad_files(tmp_path):
            at = _upload(at, name if name.endswith(".json") else name + ".json", data)
            shown = texts(at)
            assert "This file cannot be imported" in shown, name
            assert fragment in shown, (name, fragment, shown[-600:])
            assert "Traceback" not in shown
            assert [b.key for b in at.button if b.key.startswith("transfer_import")] == [], name
            assert dump_tables(engine) == before, name
        assert at.query_params["w"] == token
    finally:
        engine.dispose()
