"""The decision summary and cohort CSVs: header, order, ranks, inheritance, spreadsheet safety."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.cohort import CohortRow, cohort_row
from core.decision import VERDICT_CODES, decide
from core.demo import demo_workspace
from core.dimensions import DIMENSION_KEYS
from core.models import Interview, Option, Rating, Workspace
from core.scoring import standing
from core.summary import (
    COHORT_HEADER,
    FORMULA_TRIGGERS,
    SEPARATORS,
    SUMMARY_HEADER,
    cohort_csv,
    csv_bytes,
    neutralise,
    standing_summary_csv,
    summary_bytes,
    summary_csv,
)
from core.workspace_file import renumber_ids
from tests.unit.test_workspace_file import workspaces

EXACT_HEADER = (
    "rank,kind,name,career,score,coverage,p_first,leaning,verdict,ratings,interviews,culture,industry_outlook,"
    "entry_requirements,education,career_path,lessons_learned,competitive_edge,confidence,typical_day,network,"
    "inherited"
)
OWASP_PAYLOADS = ["=1+1", "+1", "-1", "@SUM(1)", '=HYPERLINK("http://x","y")', "\tTab start", "\rCR start"]


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _csv(ws: Workspace, **decision) -> str:  # type: ignore[no-untyped-def]
    """The summary from scores alone (p_first and verdict as given), without running the engine."""
    return standing_summary_csv(standing(ws), **decision)


def _self(*ratings: tuple[str, str, int], day: int = 1) -> Interview:
    return Interview(id=f"s{day}", kind="self", date=dt.date(2026, 1, day),
                     ratings=[Rating(option=o, dimension=d, score=s) for o, d, s in ratings])


def test_the_header_is_exactly_the_designed_one():
    text = _csv(demo_workspace())
    assert ",".join(SUMMARY_HEADER) == EXACT_HEADER
    assert text.split("\r\n", 1)[0] == EXACT_HEADER


def test_careers_first_then_employers_each_best_first():
    rows = _rows(_csv(demo_workspace()))
    assert [(r["kind"], r["rank"], r["name"]) for r in rows] == [
        ("career", "1", "Registered nurse"),
        ("career", "2", "Physiotherapist"),
        ("career", "3", "Health data analyst"),
        ("employer", "1", "Riverside Community Care"),
        ("employer", "2", "City General Hospital"),
        ("employer", "3", "Northshore Rehab Centre"),
        ("employer", "4", "MoveWell Sports Clinic"),
        ("employer", "5", "Regional Health Authority"),
    ]


def test_the_demo_rows_hold_the_designed_values():
    rows = {r["name"]: r for r in _rows(_csv(demo_workspace()))}
    nurse, riverside = rows["Registered nurse"], rows["Riverside Community Care"]
    assert (nurse["score"], nurse["coverage"], nurse["p_first"], nurse["leaning"], nurse["verdict"]) == (
        "76.8", "72", "", "yes", ""
    )
    assert (nurse["ratings"], nurse["interviews"], nurse["career"]) == ("8", "3", "")
    assert (nurse["typical_day"], nurse["culture"], nurse["inherited"]) == ("3.50", "", "")
    assert riverside["career"] == "Registered nurse"
    assert riverside["culture"] == "5.00" and riverside["typical_day"] == "3.50"  # own, inherited
    assert riverside["inherited"] == (
        "industry_outlook entry_requirements education lessons_learned confidence typical_day"
    )
    assert all(r["leaning"] == "" and r["verdict"] == "" for name, r in rows.items() if name != "Registered nurse")


def test_ties_share_a_rank_and_unscored_options_come_last_with_no_rank():
    ws = Workspace(
        options=[
            Option(id="a", kind="career", name="Alpha"),
            Option(id="b", kind="career", name="Bravo"),
            Option(id="c", kind="career", name="Charlie"),
            Option(id="d", kind="career", name="Delta"),
            Option(id="e", kind="employer", name="Echo Ltd"),
        ],
        interviews=[_self(("a", "culture", 4), ("b", "culture", 4), ("d", "culture", 2))],
    )
    rows = _rows(_csv(ws))
    assert [(r["name"], r["rank"], r["score"], r["coverage"]) for r in rows] == [
        ("Alpha", "1", "75.0", "10"),
        ("Bravo", "1", "75.0", "10"),
        ("Delta", "3", "25.0", "10"),
        ("Charlie", "", "", "0"),  # no evidence: no rank, no score (docs/scoring.md)
        ("Echo Ltd", "", "", "0"),
    ]
    assert rows[3]["culture"] == "" and rows[3]["ratings"] == "0"
    assert rows[3]["p_first"] == "" and rows[4]["p_first"] == ""


def test_inherited_values_never_override_an_employers_own_rating():
    ws = Workspace(
        options=[Option(id="c", kind="career", name="Nursing"),
                 Option(id="e", kind="employer", name="Clinic", career="c")],
        interviews=[_self(("c", "culture", 2), ("c", "network", 5), ("e", "culture", 4))],
    )
    clinic = _rows(_csv(ws))[1]
    assert (clinic["culture"], clinic["network"], clinic["inherited"]) == ("4.00", "5.00", "network")
    assert (clinic["ratings"], clinic["interviews"]) == ("1", "0")  # self-assessments are not interviews


def test_p_first_and_the_verdict_plug_in_from_the_decision_engine():
    ws = demo_workspace()
    rows = _rows(_csv(ws, p_first={"c1": 0.614, "c2": 0.386, "e2": 1.0}, verdict="close_call"))
    by_name = {r["name"]: r for r in rows}
    assert by_name["Registered nurse"]["p_first"] == "61"
    assert by_name["Physiotherapist"]["p_first"] == "39"
    assert by_name["Riverside Community Care"]["p_first"] == "100"
    assert by_name["Health data analyst"]["p_first"] == ""
    assert [r["verdict"] for r in rows] == ["close_call"] + [""] * 7


def test_wrong_decision_values_are_programming_errors():
    ws = demo_workspace()
    with pytest.raises(ValueError, match="not one of"):
        _csv(ws, verdict="maybe")
    with pytest.raises(ValueError, match="from 0 to 1"):
        _csv(ws, p_first={"c1": 61})
    with pytest.raises(ValueError, match="not in the workspace"):
        _csv(ws, p_first={"zz": 0.5})
    no_leaning = Workspace(options=[Option(id="a", kind="career", name="A")])
    with pytest.raises(ValueError, match="has none"):
        _csv(no_leaning, verdict="confirmed")


def test_the_summary_of_a_decision_carries_its_p_first_and_the_leanings_verdict():
    decision = decide(demo_workspace())
    text = summary_csv(decision)
    assert text == _csv(
        demo_workspace(), p_first=decision.robustness.p_first_by_id(), verdict=decision.leaning_verdict
    )
    rows = _rows(text)
    assert all(r["p_first"].isdigit() for r in rows)
    assert [r["verdict"] for r in rows] == ["confirmed"] + [""] * 7 and rows[0]["verdict"] in VERDICT_CODES
    assert summary_bytes(decision) == csv_bytes(text) and summary_bytes(decision).startswith(b"\xef\xbb\xbf")
    assert summary_bytes(decision, bom=False) == text.encode("utf-8")
    no_leaning = Workspace(options=[Option(id="a", kind="career", name="A"), Option(id="b", kind="career", name="B")])
    assert all(r["verdict"] == "" for r in _rows(summary_csv(decide(no_leaning))))


@settings(max_examples=25)
@given(workspaces())
def test_ids_change_no_byte_of_the_summary(ws):
    # The Export page summarises the stored workspace; `tenfold summary` reads its file, renumbered.
    assert summary_bytes(decide(ws, seed=5)) == summary_bytes(decide(renumber_ids(ws), seed=5))


@pytest.mark.parametrize("payload", OWASP_PAYLOADS)
def test_neutralise_prefixes_every_formula_trigger(payload):
    assert neutralise(payload) == "'" + payload
    assert neutralise("plain " + payload) == "plain " + payload


def test_neutralise_leaves_safe_cells_alone():
    for cell in ["", "Nurse", "76.8", "0", "yes", "'quoted", "a=b", "Smith, Jones", "é"]:
        assert neutralise(cell) == cell
    assert set(FORMULA_TRIGGERS) == {"=", "+", "-", "@", "\t", "\r"}


def test_neutralise_looks_past_the_spaces_and_quotes_a_spreadsheet_strips():
    # A spreadsheet that trims spaces (LibreOffice's "Trim spaces") would read " =1" as a formula.
    assert neutralise(" =not first") == "' =not first"
    assert neutralise('"=1"') == "'\"=1\""


@pytest.mark.parametrize("separator", [",", ";", "\t", "|", "\r", "\n"])
def test_a_formula_after_any_separator_is_neutralised_too(separator):
    # A semicolon-separated spreadsheet (fr/de/nl settings) splits "p;=cmd" and reads "=cmd" as a formula.
    assert neutralise(f"p{separator}=cmd|' /C calc'!A0") == f"p{separator}'=cmd|' /C calc'!A0"
    assert neutralise(f"p{separator} \"@x") == f"p{separator}' \"@x"
    assert neutralise(f"p{separator}x=1") == f"p{separator}x=1"


def test_text_cells_are_quoted_and_numbers_and_empty_cells_are_not():
    row = CohortRow(participant='Ana "A" Lee', options=3, interviews=0, top_option="Nurse", top_score=76.8,
                    top_coverage=0.72, leaning="", verdict="close_call")
    header, line, end = cohort_csv([row]).split("\r\n")
    assert header == ",".join(COHORT_HEADER) and end == ""
    assert line == '"Ana ""A"" Lee",3,0,"Nurse",76.8,72,,"close_call",,'


def _fields_a_spreadsheet_may_see(text: str) -> list[str]:
    """Every field of `text` split on each separator a spreadsheet may use, stripped as it strips them
    (CRLF, the rows' own end, is one line break)."""
    text = text.replace("\r\n", "\n")
    return [field.lstrip(' "') for separator in SEPARATORS for field in text.split(separator)]


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from('=+-@\t\r\n,;|" \'aZ1.é'), max_size=24) | st.text(max_size=24))
def test_no_split_of_a_cohort_or_summary_line_starts_a_formula(text):
    cohort = cohort_csv([CohortRow(participant=text, options=1, interviews=0, top_option=text, leaning=text)])
    outputs = [cohort]
    if _name_is_valid(text):  # as an option's name and, on its employer's row, as the career's
        outputs.append(_csv(Workspace(options=[Option(id="c", kind="career", name=text),
                                               # a name no generated text can clash with
                                               Option(id="e", kind="employer", name=f"{text} (employer)",
                                                      career="c")])))
    for output in outputs:
        body = output.split("\r\n", 1)[1]
        for field in _fields_a_spreadsheet_may_see(body):
            assert not field.startswith(FORMULA_TRIGGERS), (text, field)
    # Read with the right separator, the cell is the text with the quotes OWASP adds.
    assert _rows(cohort)[0]["participant"].replace("'", "") == text.replace("'", "")


def _name_is_valid(text: str) -> bool:
    try:
        Option(id="c", kind="career", name=text)
    except ValueError:
        return False
    return True


def test_option_and_career_names_are_neutralised_in_the_summary():
    # Option names are stripped of surrounding whitespace by the models, so tab/CR starts cannot occur there.
    payloads = [p for p in OWASP_PAYLOADS if not p[0].isspace()]
    options = [Option(id=f"c{n}", kind="career", name=p) for n, p in enumerate(payloads)]
    options += [Option(id=f"e{n}", kind="employer", name=f"Employer {n}", career=f"c{n}") for n in range(len(payloads))]
    rows = _rows(_csv(Workspace(options=options)))
    assert sorted(r["name"] for r in rows if r["kind"] == "career") == sorted("'" + p for p in payloads)
    assert sorted(r["career"] for r in rows if r["kind"] == "employer") == sorted("'" + p for p in payloads)
    for row in rows:
        assert not any(cell.startswith(FORMULA_TRIGGERS) for cell in row.values())


def test_every_cohort_cell_is_neutralised_including_tab_and_cr():
    rows = [CohortRow(participant=p, options=1, interviews=0, top_option=p, leaning=p) for p in OWASP_PAYLOADS]
    read = _rows(cohort_csv(rows))
    for payload, row in zip(OWASP_PAYLOADS, read, strict=True):
        assert row["participant"] == row["top_option"] == row["leaning"] == "'" + payload


def test_quoting_follows_rfc_4180():
    ws = Workspace(options=[
        Option(id="a", kind="career", name='Nurse, "night" shifts'),
        Option(id="b", kind="career", name="Two\nlines"),  # a name is one line: the break becomes a space
        Option(id="c", kind="employer", name="Trailing ; semicolon", career="a"),
    ])
    text = _csv(ws)
    assert '"Nurse, ""night"" shifts"' in text
    assert text.endswith("\r\n") and text.count("\r\n") == 4 and "\n" not in text.replace("\r\n", "")
    names = [r["name"] for r in _rows(text)]
    assert names == ['Nurse, "night" shifts', "Two lines", "Trailing ; semicolon"]


NON_ASCII = ["Infirmière à domicile", "看護師", "Ärztin 🙂", "Ñandú & Søn"]


def _non_ascii_workspace() -> Workspace:
    options = [Option(id=f"o{n}", kind="career", name=name) for n, name in enumerate(NON_ASCII)]
    options.append(Option(id="e", kind="employer", name="Hôpital Saint-Éloi", career="o0", leaning=True))
    return Workspace(options=options, interviews=[_self(("o1", "culture", 5), ("e", "network", 3))])


def test_downloads_are_utf8_with_a_byte_order_mark():
    data = csv_bytes(_csv(_non_ascii_workspace()))
    assert data.startswith(b"\xef\xbb\xbf" + EXACT_HEADER.encode())
    assert "看護師".encode() in data


def test_non_ascii_survives_pandas():
    data = csv_bytes(_csv(_non_ascii_workspace()))
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(SUMMARY_HEADER)
    assert set(frame["name"]) == {*NON_ASCII, "Hôpital Saint-Éloi"}
    assert frame.loc[frame["name"] == "Hôpital Saint-Éloi", "career"].item() == "Infirmière à domicile"


def test_non_ascii_survives_the_csv_module():
    data = csv_bytes(_csv(_non_ascii_workspace()))
    with io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(SUMMARY_HEADER)
    assert {row[2] for row in rows[1:]} == {*NON_ASCII, "Hôpital Saint-Éloi"}


def test_cohort_csv():
    ws = demo_workspace()
    text = cohort_csv([cohort_row("Sam", ws, verdict="confirmed"), CohortRow("Lee, J.", options=0, interviews=0)])
    assert text.split("\r\n")[0] == ",".join(COHORT_HEADER) == (
        "participant,options,interviews,top_option,top_score,top_coverage,leaning,verdict,employer_leaning,"
        "employer_verdict"
    )
    assert text.split("\r\n")[1:] == [
        '"Sam",8,6,"Registered nurse",76.8,72,"Registered nurse","confirmed",,',  # every text cell quoted
        '"Lee, J.",0,0,,,,,,,',
        "",
    ]


@settings(max_examples=80)
@given(workspaces())
def test_any_workspace_gives_one_safe_row_per_option(ws):
    text = _csv(ws)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(SUMMARY_HEADER)
    body = rows[1:]
    assert len(body) == len(ws.options)
    assert all(len(row) == len(SUMMARY_HEADER) for row in body)
    assert all(not cell.startswith(FORMULA_TRIGGERS) for row in body for cell in row)
    kinds = [row[1] for row in body]
    assert kinds == sorted(kinds)  # careers before employers
    for kind in ("career", "employer"):
        ranks = [row[0] for row in body if row[1] == kind]
        scored = [r for r in ranks if r]
        assert ranks == scored + [""] * (len(ranks) - len(scored))  # unscored (no rank) last
        assert [int(r) for r in scored] == sorted(int(r) for r in scored)
    for row in body:  # no evidence, no rank and no chance: empty together
        assert (row[0] == "") == (row[4] == "") and (row[4] != "" or row[6] == "")
    dims = slice(SUMMARY_HEADER.index(DIMENSION_KEYS[0]), SUMMARY_HEADER.index("inherited"))
    for row in body:
        assert all(cell == "" or 1 <= float(cell) <= 5 for cell in row[dims])
        assert row[4] == "" or 0 <= float(row[4]) <= 100
