"""The CSV files people take home: the decision summary and the counsellor's cohort table.

Both follow docs/workspace-format.md ("The decision summary CSV") and are safe to open in a spreadsheet:

- Quoting follows RFC 4180 (the csv module, minimal quoting, CRLF line ends): a cell with
  a comma, a double quote or a line break is quoted, and its quotes are doubled.
- Every cell goes through `neutralise`, OWASP's CSV-injection guidance: a cell that starts
  with =, +, -, @, a tab or a carriage return gets a leading single quote, so a spreadsheet
  shows it as text instead of running it as a formula. Our numeric cells are never
  negative, so no number is ever changed by this.
- Downloads are UTF-8 with a byte-order mark (`CSV_ENCODING`, `csv_bytes`). Without the
  mark, Excel on Windows reads a CSV in the computer's legacy code page and turns "é",
  "日本" or "🙂" into mojibake; with it, Excel, LibreOffice, Numbers, Google Sheets and
  pandas all read UTF-8. Programs that do not expect the mark read it with
  encoding "utf-8-sig" (pandas strips it by itself). `tenfold summary` prints the same
  bytes as the download, so the two files are identical.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from core.dimensions import DIMENSION_KEYS
from core.models import Workspace
from core.scoring import standing

SUMMARY_HEADER: tuple[str, ...] = (
    "rank",
    "kind",
    "name",
    "career",
    "score",
    "coverage",
    "p_first",
    "leaning",
    "verdict",
    "ratings",
    "interviews",
    *DIMENSION_KEYS,
    "inherited",
)
COHORT_HEADER: tuple[str, ...] = (
    "participant",
    "options",
    "interviews",
    "top_option",
    "top_score",
    "top_coverage",
    "leaning",
    "verdict",
)
# The verdict codes the CSV may carry (docs/scoring.md, "The verdict").
VERDICTS: tuple[str, ...] = ("confirmed", "close_call", "reconsider", "not_enough_evidence")
# Cells starting with one of these could run as a formula in a spreadsheet (OWASP).
FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
CSV_ENCODING = "utf-8-sig"


def neutralise(cell: str) -> str:
    """The cell as a spreadsheet will show it as text: a leading ' before a formula trigger."""
    return "'" + cell if cell.startswith(FORMULA_TRIGGERS) else cell


def _write(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def csv_bytes(text: str) -> bytes:
    """A CSV text as the bytes of a download (UTF-8 with a byte-order mark; see the module notes)."""
    return text.encode(CSV_ENCODING)


def _decimal(value: float, places: int) -> str:
    return "" if math.isnan(value) else f"{value:.{places}f}"


def _percent(fraction: float | None) -> str:
    if fraction is None or math.isnan(fraction):
        return ""
    return f"{100 * fraction:.0f}"


def _check_decision(
    workspace: Workspace, p_first: Mapping[str, float] | None, verdict: str | None
) -> None:
    ids = {o.id for o in workspace.options}
    for option_id, probability in (p_first or {}).items():
        if option_id not in ids:
            raise ValueError(f"p_first names option {option_id!r}, which is not in the workspace")
        if not 0.0 <= probability <= 1.0:
            raise ValueError(f"p_first of {option_id!r} is {probability}; it must be a probability from 0 to 1")
    if verdict is not None:
        if verdict not in VERDICTS:
            raise ValueError(f"verdict {verdict!r} is not one of {', '.join(VERDICTS)}")
        if workspace.leaning is None:
            raise ValueError("a verdict belongs to the current leaning, and this workspace has none")


def summary_rows(
    workspace: Workspace, *, p_first: Mapping[str, float] | None = None, verdict: str | None = None
) -> list[list[str]]:
    """The decision summary's rows (without the header), as the CSV will hold them before neutralising."""
    _check_decision(workspace, p_first, verdict)
    result = standing(workspace)
    ev = result.evidence
    names = dict(zip(ev.option_ids, ev.names, strict=True))
    rows = []
    for option_id in result.table()["id"]:  # careers first, then employers; best first within each
        i = ev.index(option_id)
        career = ev.career_of[i]
        leaning = bool(ev.leaning[i])
        rows.append(
            [
                str(result.rank[i]),
                str(ev.kinds[i]),
                ev.names[i],
                names[career] if career else "",
                _decimal(result.score[i], 1),
                _percent(float(result.coverage[i])),
                _percent((p_first or {}).get(option_id)),
                "yes" if leaning else "",
                (verdict or "") if leaning else "",
                str(ev.own_ratings[i]),
                str(ev.interviews[i]),
                *(_decimal(value, 2) for value in ev.mean[i]),
                " ".join(key for key, flag in zip(DIMENSION_KEYS, ev.inherited[i], strict=True) if flag),
            ]
        )
    return rows


def summary_csv(
    workspace: Workspace, *, p_first: Mapping[str, float] | None = None, verdict: str | None = None
) -> str:
    """The decision summary CSV (docs/workspace-format.md): one row per option, header exactly `SUMMARY_HEADER`.

    `p_first` maps option ids to the probability (0–1) that the option ranks first among its
    kind, and `verdict` is the leaning's verdict code, both from the decision engine; leave
    them out and those columns stay empty. Use `csv_bytes` for the bytes of a download.
    """
    return _write(SUMMARY_HEADER, summary_rows(workspace, p_first=p_first, verdict=verdict))


@dataclass(frozen=True)
class CohortRow:
    """One participant in the counsellor's cohort table, as plain values."""

    participant: str
    options: int
    interviews: int
    top_option: str = ""
    top_score: float | None = None  # 0–100
    top_coverage: float | None = None  # 0–1
    leaning: str = ""  # the name of the participant's current leaning
    verdict: str = ""  # one of VERDICTS, or empty

    def cells(self) -> list[str]:
        return [
            self.participant,
            str(self.options),
            str(self.interviews),
            self.top_option,
            "" if self.top_score is None else _decimal(self.top_score, 1),
            _percent(self.top_coverage),
            self.leaning,
            self.verdict,
        ]


def cohort_row(participant: str, workspace: Workspace, *, verdict: str | None = None) -> CohortRow:
    """A participant's cohort row from their workspace.

    The top option is the best-ranked option of the leaning's kind (the decision the
    participant is weighing); without a leaning, the best career, else the best employer.
    `interviews` counts interviews, not self-assessments.
    """
    result = standing(workspace)
    table = result.table()
    scored = table[table["score"].notna()]
    leaning = workspace.leaning
    kinds = [leaning.kind] if leaning else ["career", "employer"]
    top = None
    for kind in kinds:
        candidates = scored[scored["kind"] == kind]
        if len(candidates):
            top = candidates.iloc[0]
            break
    return CohortRow(
        participant=participant,
        options=len(workspace.options),
        interviews=sum(i.kind == "interview" for i in workspace.interviews),
        top_option="" if top is None else str(top["name"]),
        top_score=None if top is None else float(top["score"]),
        top_coverage=None if top is None else float(top["coverage"]),
        leaning=leaning.name if leaning else "",
        verdict=verdict or "",
    )


def cohort_csv(rows: Iterable[CohortRow]) -> str:
    """The counsellor's cohort CSV, one row per sharing participant, neutralised like the summary."""
    return _write(COHORT_HEADER, (row.cells() for row in rows))
