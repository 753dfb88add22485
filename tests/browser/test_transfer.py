"""Export & import in Chromium: every download for real, an upload, and hostile names shown as text."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image
from playwright.sync_api import expect

from core import storage
from core.cli import main as tenfold
from core.demo import demo_workspace
from core.settings import Settings
from core.workspace_file import dump_workspace, parse_workspace, renumber_ids
from tests.browser import ui
from tests.browser.conftest import ARTIFACTS
from views.images import EXPORT_WIDTH, PNG_SCALE

pytestmark = pytest.mark.browser

PAYLOADS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "<svg/onload=alert(1)>",
            '=HYPERLINK("http://evil.example","click")')


def _engine(server):  # type: ignore[no-untyped-def]
    return storage.make_engine(Settings(TENFOLD_DATA_DIR=server.data_dir).resolved_database_url())


def _no_dialogs(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Fail on any alert(): a payload that ran would open one."""
    opened: list[str] = []

    def record(dialog):  # type: ignore[no-untyped-def]
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    return opened


def _download(page, key: str, folder: Path) -> Path:  # type: ignore[no-untyped-def]
    with page.expect_download(timeout=60_000) as info:
        ui.keyed(page, key).locator("button").first.click()
    download = info.value
    path = folder / download.suggested_filename
    download.save_as(path)
    return path


def _open_export(page, server) -> str:  # type: ignore[no-untyped-def]
    ui.goto(page, server.url)
    ui.click(page, "start_demo")
    ui.nav(page, "Export & import")
    ui.expect_text(page, "Decision summary (CSV)")
    return page.url.split("w=")[1]


def test_every_export_downloads_and_the_csv_matches_the_command(page, server, tmp_path, capsysbinary):
    dialogs = _no_dialogs(page)
    _open_export(page, server)

    csv_path = _download(page, "transfer_csv", tmp_path)
    assert re.fullmatch(r"tenfold-summary-demo-sam-s-health-care-decision-\d{4}-\d\d-\d\d\.csv", csv_path.name)
    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)  # pandas drops the byte-order mark
    assert len(frame) == 8 and frame.columns[0] == "rank"
    nurse = frame.set_index("name").loc["Registered nurse"]
    assert (nurse["rank"], nurse["kind"], nurse["leaning"], nurse["verdict"]) == ("1", "career", "yes", "confirmed")
    assert 50 <= int(nurse["p_first"]) <= 100 and nurse["score"] == "76.8"
    assert frame.set_index("name").loc["City General Hospital", "career"] == "Registered nurse"
    assert frame["kind"].tolist() == ["career"] * 3 + ["employer"] * 5

    workspace_path = _download(page, "transfer_workspace_file", tmp_path)
    exported = parse_workspace(workspace_path.read_bytes())
    assert dump_workspace(exported) == dump_workspace(renumber_ids(demo_workspace()))
    # `tenfold summary` on the downloaded workspace file prints the downloaded CSV, byte for byte.
    assert tenfold(["summary", str(workspace_path), "--seed", "2001"]) == 0
    assert capsysbinary.readouterr().out == csv_path.read_bytes()

    png_path = _download(page, "transfer_chart_download", tmp_path)
    image = Image.open(png_path)
    assert png_path.suffix == ".png" and image.width == EXPORT_WIDTH * PNG_SCALE and image.height > 300

    ui.choose(page, "transfer_chart", "Compare: mean ratings of employers")
    ui.segment(page, "transfer_chart_format", "SVG (sharp at any size)")
    svg_path = _download(page, "transfer_chart_download", tmp_path)
    svg = svg_path.read_text(encoding="utf-8")
    assert svg_path.suffix == ".svg" and svg.startswith("<svg") and "Riverside Community Care" in svg

    report_path = _download(page, "transfer_report", tmp_path)
    assert report_path.suffix == ".html"
    report = page.context.new_page()
    report.goto(report_path.as_uri())
    expect(report.get_by_role("heading", level=1)).to_have_text("Demo: Sam's health-care decision")
    expect(report.get_by_text("Confirmed", exact=True)).to_be_visible()
    expect(report.get_by_role("heading", name="Questions to ask next")).to_be_visible()
    assert report.locator("img").count() == 2
    assert all(report.evaluate("[...document.images].map(i => i.complete && i.naturalWidth > 0)"))
    pdf = report.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1  # the demo's report fits one A4 page
    report.close()
    assert dialogs == []


def test_a_downloaded_workspace_file_uploads_as_a_new_workspace(page, server, tmp_path):
    mine = _open_export(page, server)
    workspace_path = _download(page, "transfer_workspace_file", tmp_path)
    ui.segment(page, "transfer_mode", "Import a workspace file")
    ui.keyed(page, "transfer_upload").locator("input[type='file']").set_input_files(str(workspace_path))
    ui.wait_idle(page)
    ui.expect_text(page, "This file is fine")
    ui.expect_text(page, "8 options (3 careers, 5 employers), 6 interviews, 1 self-assessment, 31 ratings")
    ui.click(page, "transfer_import_new")
    ui.expect_text(page, "Imported as a new workspace")
    new = page.url.split("w=")[1]
    assert new != mine
    expect(page.get_by_text(f"/?w={new}", exact=False).first).to_be_visible()
    engine = _engine(server)
    try:
        loaded = storage.load_workspace(engine, storage.find_workspace(engine, new).id)
        assert dump_workspace(renumber_ids(loaded)) == workspace_path.read_bytes()
    finally:
        engine.dispose()


def test_a_bad_upload_is_explained_and_changes_nothing(page, server, tmp_path):
    mine = _open_export(page, server)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "tenfold.workspace/2", "name": "<b>x</b>"}), encoding="utf-8")
    ui.segment(page, "transfer_mode", "Import a workspace file")
    ui.keyed(page, "transfer_upload").locator("input[type='file']").set_input_files(str(bad))
    ui.wait_idle(page)
    ui.expect_text(page, "This file cannot be imported")
    ui.expect_text(page, "format: 'tenfold.workspace/2' is not a format Tenfold can read")
    assert ui.keyed(page, "transfer_import_new").count() == 0
    assert page.url.split("w=")[1] == mine


def test_hostile_names_and_notes_are_plain_text_in_the_app_and_the_report(page, server, tmp_path):
    dialogs = _no_dialogs(page)
    ws = demo_workspace()
    options = [o.model_copy(update={"name": f"{PAYLOADS[n % len(PAYLOADS)]} {n}"}) for n, o in enumerate(ws.options)]
    interviews = [i.model_copy(update={"ratings": [r.model_copy(update={"note": PAYLOADS[1]}) for r in i.ratings]})
                  for i in ws.interviews]
    hostile = ws.model_copy(update={"name": PAYLOADS[0], "options": options, "interviews": interviews})
    engine = _engine(server)
    try:
        token = storage.import_workspace(engine, hostile)
    finally:
        engine.dispose()
    ui.goto(page, f"{server.url}/?w={token}")
    ui.nav(page, "Export & import")
    expect(page.get_by_test_id("stSidebar").get_by_text(PAYLOADS[0], exact=True)).to_be_visible()
    report_path = _download(page, "transfer_report", tmp_path)
    html = report_path.read_text(encoding="utf-8")
    assert PAYLOADS[0] not in html and PAYLOADS[1] not in html
    report = page.context.new_page()
    report_dialogs = _no_dialogs(report)
    report.goto(report_path.as_uri())
    expect(report.get_by_role("heading", level=1)).to_have_text(PAYLOADS[0])
    expect(report.get_by_text(PAYLOADS[1], exact=False).first).to_be_visible()
    assert report.locator("script, iframe, svg, [onerror], [onload]").count() == 0
    report.close()
    # The upload preview shows the same names as text too.
    ui.segment(page, "transfer_mode", "Import a workspace file")
    hostile_file = tmp_path / "hostile.json"
    hostile_file.write_bytes(dump_workspace(hostile))
    ui.keyed(page, "transfer_upload").locator("input[type='file']").set_input_files(str(hostile_file))
    ui.wait_idle(page)
    ui.expect_text(page, f"“{PAYLOADS[0]}”")
    page.wait_for_timeout(500)
    assert dialogs == [] and report_dialogs == []
    assert page.locator("img[src='x']").count() == 0
    csv_frame = pd.read_csv(io.BytesIO(_csv_of(page, tmp_path)), encoding="utf-8-sig", dtype=str,
                            keep_default_na=False)
    assert "'=HYPERLINK(\"http://evil.example\",\"click\") 3" in set(csv_frame["name"])


def _csv_of(page, folder: Path) -> bytes:  # type: ignore[no-untyped-def]
    ui.segment(page, "transfer_mode", "Export: take it with you")
    return _download(page, "transfer_csv", folder).read_bytes()


def test_a_good_file_after_a_bad_one_shows_no_stale_error(page, server, tmp_path):
    _open_export(page, server)
    good = _download(page, "transfer_workspace_file", tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    ui.segment(page, "transfer_mode", "Import a workspace file")
    upload = ui.keyed(page, "transfer_upload").locator("input[type='file']")
    upload.set_input_files(str(bad))
    ui.wait_idle(page)
    ui.expect_text(page, "This file cannot be imported")
    upload.set_input_files(str(good))
    ui.wait_idle(page)
    ui.expect_text(page, "This file is fine")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "good-after-bad-upload.png"), full_page=True)
    expect(page.get_by_text("This file cannot be imported")).to_have_count(0)
