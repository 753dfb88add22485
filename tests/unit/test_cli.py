"""The `tenfold` command, through main() and as the installed console script."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from core.cli import main
from core.decision import decide
from core.demo import demo_workspace
from core.robustness import DEFAULT_SEED
from core.summary import SUMMARY_HEADER, csv_bytes, standing_summary_csv, summary_bytes
from core.workspace_file import dump_workspace, parse_workspace

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "bad_workspaces"
SCRIPT = Path(sys.executable).parent / "tenfold"

# The bad files the command must explain: (corpus file, what stderr must say)
BAD_FILES = [
    ("not_json.txt", "The file is not valid JSON: expecting value at line 1, column 1."),
    ("truncated.json", "The file is not valid JSON: it stops in the middle"),
    ("format_v2.json", "format: 'tenfold.workspace/2' is not a format Tenfold can read; expected 'tenfold.workspace/1"),
    ("unknown_top_level_field.json", "salary_expectations: is not a field Tenfold knows (unknown field)"),
    ("duplicate_option_ids.json", "options[1]: the id 'o1' is used twice"),
    ("rating_6.json", "interviews[0].ratings[0].score: a rating must be a whole number from 1 to 5, not 6"),
    ("rating_of_missing_option.json", "interviews[0]: refers to option 'o7', which is not in this workspace"),
    ("empty.json", "The file is empty."),
    ("invalid_utf8.json", "The file is not UTF-8 text"),
]


def run_main(capsysbinary, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsysbinary.readouterr()
    return code, captured.out.decode("utf-8"), captured.err.decode("utf-8")


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    path = tmp_path / "demo.json"
    path.write_bytes(dump_workspace(demo_workspace()))
    return path


# --- main() ---------------------------------------------------------------------------------


def test_demo_prints_the_demo_workspace_file(capsysbinary):
    code, out, err = run_main(capsysbinary, "demo")
    assert (code, err) == (0, "")
    assert out.encode("utf-8") == dump_workspace(demo_workspace())


def test_validate_says_ok_with_counts(capsysbinary, demo_file):
    code, out, err = run_main(capsysbinary, "validate", str(demo_file))
    assert (code, err) == (0, "")
    assert out == (
        f"OK: {demo_file}: workspace 'Demo: Sam's health-care decision' with 8 options (3 careers, 5 employers), "
        "6 interviews, 1 self-assessment, 31 ratings\n"
    )


@pytest.mark.parametrize(("name", "message"), BAD_FILES)
def test_validate_explains_a_bad_file_and_exits_1(capsysbinary, name, message):
    path = CORPUS / name
    code, out, err = run_main(capsysbinary, "validate", str(path))
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert lines[0] == f"tenfold: {path}: not a workspace Tenfold can read (1 problem):"
    assert message in lines[1] and lines[1].startswith("  ")
    assert "Traceback" not in err


def test_validate_lists_every_problem(capsysbinary, tmp_path):
    path = tmp_path / "several.json"
    path.write_text(
        '{"format": "tenfold.workspace/1", "weights": {"culture": 9}, "colour": "red",'
        ' "options": [{"id": "a", "kind": "job", "name": ""}]}',
        encoding="utf-8",
    )
    code, _, err = run_main(capsysbinary, "validate", str(path))
    assert code == 1
    assert err.splitlines() == [
        f"tenfold: {path}: not a workspace Tenfold can read (4 problems):",
        "  weights.culture: a weight must be a whole number from 0 to 5, not 9",
        "  options[0].kind: must be one of 'career' or 'employer', not 'job'",
        "  options[0].name: must not be empty",
        "  colour: is not a field Tenfold knows (unknown field)",
    ]


@pytest.mark.parametrize("command", ["validate", "summary"])
def test_a_missing_file_or_a_folder_is_explained(capsysbinary, tmp_path, command):
    code, out, err = run_main(capsysbinary, command, str(tmp_path / "nope.json"))
    assert (code, out, err) == (1, "", f"tenfold: {tmp_path / 'nope.json'}: no such file\n")
    code, out, err = run_main(capsysbinary, command, str(tmp_path))
    assert (code, out, err) == (1, "", f"tenfold: {tmp_path}: is a folder, not a workspace file\n")


def test_a_huge_file_is_refused_without_reading_it(capsysbinary, tmp_path):
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.truncate(60_000_000)  # sparse: costs no disk
    code, out, err = run_main(capsysbinary, "validate", str(path))
    assert (code, out) == (1, "")
    assert err == (
        f"tenfold: {path}: The file is 60,000,000 bytes (60 MB); a workspace file can be at most "
        "10,000,000 bytes (10 MB).\n"
    )


def test_summary_prints_the_same_bytes_as_the_download(capsysbinary, demo_file):
    code = main(["summary", str(demo_file), "--seed", "7"])
    captured = capsysbinary.readouterr()
    assert (code, captured.err) == (0, b"")
    workspace = parse_workspace(demo_file.read_bytes())
    decision = decide(workspace, seed=7)
    expected = csv_bytes(
        standing_summary_csv(
            decision.standing, p_first=decision.robustness.p_first_by_id(), verdict=decision.leaning_verdict
        )
    )
    assert captured.out == expected == summary_bytes(decision)
    frame = pd.read_csv(io.BytesIO(captured.out), dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(SUMMARY_HEADER)
    assert all(frame["p_first"].str.isdigit())
    assert frame["verdict"].tolist() == ["confirmed"] + [""] * 7


def test_summary_without_a_seed_uses_the_apps_seed(capsysbinary, demo_file):
    assert main(["summary", str(demo_file)]) == 0
    plain = capsysbinary.readouterr().out
    assert main(["summary", str(demo_file), "--seed", str(DEFAULT_SEED)]) == 0
    assert capsysbinary.readouterr().out == plain


def test_summary_without_the_byte_order_mark(capsysbinary, demo_file):
    code = main(["summary", "--no-bom", str(demo_file)])
    out = capsysbinary.readouterr().out
    assert code == 0 and out.startswith(b"rank,kind,name,")
    assert out == summary_bytes(decide(parse_workspace(demo_file.read_bytes())), bom=False)


def test_summary_of_a_bad_file_exits_1(capsysbinary):
    code, out, err = run_main(capsysbinary, "summary", str(CORPUS / "rating_6.json"))
    assert (code, out) == (1, "")
    assert "not 6" in err and "Traceback" not in err


def test_schema_prints_the_committed_schema(capsysbinary):
    code, out, _ = run_main(capsysbinary, "schema")
    assert code == 0
    assert out == (ROOT / "docs" / "workspace.schema.json").read_text(encoding="utf-8")


def test_a_wrong_command_line_exits_2_with_usage(capsysbinary):
    code, out, err = run_main(capsysbinary, "explode")
    assert code == 2 and out == ""
    assert err.startswith("usage: tenfold") and "invalid choice: 'explode'" in err
    code, _, err = run_main(capsysbinary, "summary", "f.json", "--seed", "soon")
    assert code == 2 and "invalid int value: 'soon'" in err
    code, out, _ = run_main(capsysbinary, "--help")
    assert code == 0 and "validate" in out


def test_an_internal_error_is_one_plain_line(capsysbinary, demo_file, monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("core.summary.summary_csv", broken)
    code, out, err = run_main(capsysbinary, "summary", str(demo_file))
    assert (code, out) == (1, "")
    assert err == (
        "tenfold: something went wrong inside Tenfold (ZeroDivisionError: division by zero); please report it\n"
    )


# --- tenfold ready stays light ------------------------------------------------------------

READY_PROBE = """
import sys
from core.cli import main
code = main(["ready"])
heavy = [name for name in ("pandas", "numpy", "numba", "core.decision", "core.scoring") if name in sys.modules]
print(code, " ".join(heavy) or "-")
"""


def _probe_ready(data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TENFOLD_DATABASE_URL")}
    return subprocess.run(
        [sys.executable, "-c", READY_PROBE], cwd=ROOT, env={**env, "TENFOLD_DATA_DIR": str(data_dir)},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_ready_imports_neither_pandas_nor_numpy_nor_the_decision_engine(tmp_path):
    from core import storage

    # A load balancer calls it every few seconds: it must not pay for the decision engine's imports.
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    storage.make_engine(f"sqlite:///{data_dir / 'tenfold.db'}").dispose()  # the schema, as the app creates it
    result = _probe_ready(data_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"ready: database reachable, schema version {storage.SCHEMA_VERSION}", "0 -"]


def test_ready_without_a_schema_says_so_and_stays_light(tmp_path):
    result = _probe_ready(tmp_path)  # an empty data directory: SQLite creates an empty file
    assert result.stdout.splitlines() == ["1 -"]
    assert result.stderr.startswith("tenfold: not ready: The database holds no Tenfold schema yet")


# --- the operator's workshop commands ------------------------------------------------------


@pytest.fixture
def app_database(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """The app's database as the commands find it (TENFOLD_DATABASE_URL), with one workshop."""
    from core import access, storage
    from core.settings import get_settings

    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("TENFOLD_DATABASE_URL", url)
    get_settings.cache_clear()
    engine = storage.make_engine(url)
    passcode_hash = access.hash_passcode("river otter lantern")
    workshop = storage.create_workshop(engine, name="Tuesday group", passcode_hash=passcode_hash)
    yield engine, workshop
    engine.dispose()
    get_settings.cache_clear()


def test_reset_passcode_prints_a_new_passcode_that_works_and_the_old_one_stops(capsysbinary, app_database):
    from core import access, storage

    engine, workshop = app_database
    code, out, err = run_main(capsysbinary, "workshop", "reset-passcode", access.spoken_join_code(workshop.join_code))
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == f"New counsellor passcode for 'Tuesday group' ({access.spoken_join_code(workshop.join_code)}):"
    new = lines[1]
    access.check_new_passcode(new)
    _, stored = storage.workshop_for_sign_in(engine, workshop.join_code)
    assert access.check_passcode(new, stored) and not access.check_passcode("river otter lantern", stored)
    assert new not in stored


def test_sign_ins_lists_outcomes_and_networks_never_passcodes(capsysbinary, app_database):
    from core import storage

    engine, workshop = app_database
    for n, ok in enumerate((False, True)):
        check = storage.begin_sign_in(engine, workshop.join_code, "client", 1000.0 + 10 * n)
        storage.finish_sign_in(engine, check, "client", "203.0.113.0/24", ok, 1000.0 + 10 * n)
    code, out, err = run_main(capsysbinary, "workshop", "sign-ins", workshop.join_code)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "Sign-ins to 'Tuesday group', newest first, times in UTC (2 shown):"
    assert [line.split()[2:] for line in lines[1:]] == [
        ["signed_in", "203.0.113.0/24"], ["wrong_passcode", "203.0.113.0/24"]
    ]


@pytest.mark.parametrize("command", ["reset-passcode", "sign-ins"])
def test_an_unknown_join_code_is_explained_and_exits_1(capsysbinary, app_database, command):
    code, out, err = run_main(capsysbinary, "workshop", command, "ZZZ ZZZ")
    assert code == 1 and out == "" and err == "tenfold: No workshop has the join code 'ZZZ ZZZ'.\n"


# --- the installed console script ---------------------------------------------------------


def run_script(*argv: str, stdin: bytes = b"", **env: str) -> subprocess.CompletedProcess[bytes]:
    assert SCRIPT.exists(), 'the console script is missing: pip install -c requirements.lock -e ".[test,postgres]"'
    return subprocess.run(
        [str(SCRIPT), *argv], input=stdin, capture_output=True, timeout=60, env={**os.environ, **env}, check=False
    )


def test_script_demo_piped_into_validate():
    demo = run_script("demo")
    assert demo.returncode == 0 and demo.stderr == b""
    checked = run_script("validate", "-", stdin=demo.stdout)
    assert checked.returncode == 0
    assert checked.stdout.startswith(b"OK: -: workspace 'Demo: Sam's health-care decision' with 8 options")


@pytest.mark.parametrize(("name", "message"), BAD_FILES)
def test_script_explains_each_bad_file_without_a_traceback(name, message):
    result = run_script("validate", str(CORPUS / name))
    err = result.stderr.decode("utf-8")
    assert result.returncode == 1 and result.stdout == b""
    assert message in err
    assert "Traceback" not in err


def test_script_writes_utf8_whatever_the_locale(tmp_path):
    ws = demo_workspace().model_copy(update={"name": "Zoë's 看護 decision 🙂"})
    path = tmp_path / "zoë.json"
    path.write_bytes(dump_workspace(ws))
    for env in ({"LC_ALL": "C", "LANG": "C"}, {"PYTHONIOENCODING": "ascii"}, {"PYTHONIOENCODING": "latin-1"}):
        validate = run_script("validate", str(path), **env)
        assert validate.returncode == 0, validate.stderr
        assert "Zoë's 看護 decision 🙂" in validate.stdout.decode("utf-8")
        summary = run_script("summary", str(path), "--seed", "1", **env)
        assert summary.stdout == summary_bytes(decide(ws, seed=1))
        bad = run_script("validate", str(CORPUS / "rating_6.json"), **env)
        assert bad.returncode == 1 and "Traceback" not in bad.stderr.decode("utf-8")


def test_script_refuses_too_much_standard_input():
    result = run_script("validate", "-", stdin=b" " * 11_000_000)
    assert result.returncode == 1
    assert result.stderr == b"tenfold: -: the input is larger than 10,000,000 bytes, the most a workspace file can be\n"


# --- tenfold decide ---------------------------------------------------------------------------


def run_module(*argv: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """`python -m core.cli` from this checkout (whichever checkout the console script was installed from)."""
    return subprocess.run(
        [sys.executable, "-m", "core.cli", *argv], input=stdin, capture_output=True, timeout=120, cwd=ROOT,
        check=False,
    )


def test_decide_prints_the_demos_decision_as_json(tmp_path):
    import json

    from core.decision_record import decision_json

    demo = run_module("demo")
    assert demo.returncode == 0
    path = tmp_path / "demo.json"
    path.write_bytes(demo.stdout)
    result = run_module("decide", str(path), "--seed", "2001")
    assert (result.returncode, result.stderr) == (0, b"")
    record = json.loads(result.stdout.decode("utf-8"))
    assert record["format"] == "tenfold.decision/1" and record["seed"] == 2001
    assert list(record["kinds"]) == ["career", "employer"]
    assert record["kinds"]["career"]["verdict"]["code"] == "confirmed"
    assert record["kinds"]["career"]["leaning"]["name"] == "Registered nurse"
    workspace = parse_workspace(path.read_bytes())
    expected = decision_json(decide(workspace, seed=2001), workspace_name=workspace.name)
    assert result.stdout.decode("utf-8") == expected
    again = run_module("decide", "-", "--seed", "2001", stdin=demo.stdout)
    assert again.stdout == result.stdout


def test_decide_keeps_non_ascii_as_is_and_refuses_a_bad_file(tmp_path):
    ws = demo_workspace()
    ws = ws.model_copy(update={"options": [o.model_copy(update={"name": "Infirmière 日本"}) if o.id == "c1" else o
                                           for o in ws.options]})
    path = tmp_path / "accents.json"
    path.write_bytes(dump_workspace(ws))
    result = run_module("decide", str(path))
    assert result.returncode == 0 and "Infirmière 日本".encode() in result.stdout
    bad = run_module("decide", str(CORPUS / "rating_6.json"))
    assert bad.returncode == 1 and bad.stdout == b"" and b"Traceback" not in bad.stderr
