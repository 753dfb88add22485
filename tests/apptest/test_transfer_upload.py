"""An upload on Export & import is read and checked once, not at every click on the page: parsing a
file of up to 10 MB takes seconds of the process every participant shares."""

from __future__ import annotations

from core import workspace_file
from core.demo import demo_workspace
from core.workspace_file import dump_workspace
from tests.apptest.helpers import by_key, demo_token, open_app, texts


def test_an_upload_is_parsed_once_however_often_the_page_reruns(db, monkeypatch):
    url, engine = db
    parsed: list[int] = []
    parse = workspace_file.parse_workspace

    def counting(data: bytes):  # type: ignore[no-untyped-def]
        parsed.append(len(data))
        return parse(data)

    monkeypatch.setattr(workspace_file, "parse_workspace", counting)
    at = open_app(url, token=demo_token(engine), page="pages/transfer.py")
    at.segmented_control(key="transfer_mode").set_value("import").run()
    data = dump_workspace(demo_workspace())
    at.file_uploader(key="transfer_upload").set_value(("demo.json", data, "application/json")).run()
    assert "This file is fine" in texts(at)
    by_key(at.checkbox, "transfer_replace_confirm").check().run()
    by_key(at.checkbox, "transfer_replace_confirm").uncheck().run()
    at.run()
    assert not at.exception and "This file is fine" in texts(at)
    assert parsed == [len(data)]
    # Another upload, even of the same bytes, is another file: read once too.
    at.file_uploader(key="transfer_upload").set_value(("again.json", data, "application/json")).run()
    by_key(at.button, "transfer_import_new").click().run()
    assert not at.exception and "Imported as a new workspace" in texts(at)
    assert parsed == [len(data), len(data)]
