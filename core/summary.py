"""The CSV files people take home: the decision summary and the counsellor's cohort table.

Both follow docs/workspace-format.md ("The decision summary CSV") and are safe to open in a spreadsheet:

- Quoting follows RFC 4180 with CRLF line ends, and every text cell is quoted (its quotes
  doubled), as OWASP's CSV-injection guidance recommends; the header, numbers (`76.8`, `72`)
  and empty cells are not, so they read exactly as before.
- Every cell goes through `neutralise`, OWASP's CSV-injection guidance: a cell that starts
  with =, +, -, @, a tab or a carriage return gets a leading single quote, so a spreadsheet
  shows it as text instead of running it as a formula. A spreadsheet set to another separator
  (`;` in French, German or Dutch settings, a tab, `|`) or reading a line break as a row's
  end splits a cell there, and ignores the quotes of a cell it entered mid-way: so wherever a
  separator or line break is followed (past spaces and double quotes) by a trigger, a `'` goes
  right after the separator too. `p;=cmd` becomes `p;'=cmd`: no split on any separator leaves
  a field that starts a formula. Our numeric cells are never negative, so no number is ever
  changed by this.
- Downloads are UTF-8 with a byte-order mark (`CSV_ENCODING`, `csv_bytes`). Without the
  mark, Excel on Windows reads a CSV in the computer's legacy code page and turns "é",
  "日本" or "🙂" into mojibake; with it, Excel, LibreOffice, Numbers, Google Sheets and
  pandas all read UTF-8. Programs that do not expect the mark read it with
  encoding "utf-8-sig" (pandas strips it by itself). `tenfold summary` prints the same
  bytes as the download (both are `summary_bytes(decision)`), so the two files are identical.

The decision summary is built from a `core.decision.Decision`: its standing gives the scores,
ranks and ratings, its robustness each option's p_first, and each kind's verdict goes on that
kind's leaning's row.
The cohort's rows are `core.cohort.CohortRow`; this module only writes them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from core.decision import VERDICT_CODES
from core.dimensions import DIMENSION_KEYS

if TYPE_CHECKING:
    from core.cohort import CohortRow
    from core.decision import Decision
    from core.scoring import Standing

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
    "employer_leaning",
    "employer_verdict",
)
# Cells starting with one of these could run as a formula in a spreadsheet (OWASP).
FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
# Where a spreadsheet set to another separator, or reading line breaks as row ends, may start a field.
SEPARATORS: tuple[str, ...] = (",", ";", "\t", "|", "\r", "\n")
CSV_ENCODING = "utf-8-sig"

_SEPARATOR_CLASS = "".join(re.escape(ch) for ch in SEPARATORS)
_TRIGGER_CLASS = "".join(re.escape(ch) for ch in FORMULA_TRIGGERS)
# A field's start (the cell's, or just after a separator) followed, past spaces and double quotes
# (which a spreadsheet strips), by a formula trigger.
_FORMULA_AT_FIELD_START = re.compile(f"(?:^|(?<=[{_SEPARATOR_CLASS}]))(?=[ \"]*[{_TRIGGER_CLASS}])")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def neutralise(cell: str) -> str:
    """The cell as a spreadsheet will show it as text, whatever separator it splits on: a ' at the
    start of every field that would start with a formula trigger (see the module notes)."""
    return _FORMULA_AT_FIELD_START.sub("'", cell)


def _quoted(cell: str) -> str:
    """A cell as the file holds it: numbers and empty cells bare, every text cell quoted (RFC 4180)."""
    if not cell or _NUMBER.fullmatch(cell):
        return cell
    return '"' + cell.replace('"', '""') + '"'


def _write(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = [",".join(header)]
    lines += [",".join(_quoted(neutralise(cell)) for cell in row) for row in rows]
    return "".join(line + "\r\n" for line in lines)


def csv_bytes(text: str) -> bytes:
    """A CSV text as the bytes of a download (UTF-8 with a byte-order mark; see the module notes)."""
    return text.encode(CSV_ENCODING)


def _decimal(value: float, places: int) -> str:
    return "" if math.isnan(value) else f"{value:.{places}f}"


def _percent(fraction: float | None) -> str:
    if fraction is None or math.isnan(fraction):
        return ""
    return f"{100 * fraction:.0f}"


def _verdicts_by_kind(
    standing: Standing, verdict: str | None, verdicts: Mapping[str, str] | None
) -> dict[str, str]:
    """Each leaning's verdict code by its kind. `verdict` is shorthand for a workspace with one leaning."""
    ev = standing.evidence
    leaning_kinds = {str(kind) for kind in ev.kinds[ev.leaning]}
    by_kind = dict(verdicts or {})
    if verdict is not None:
        if len(leaning_kinds) > 1:
            raise ValueError("this workspace has a career and an employer leaning: pass `verdicts` by kind")
        by_kind.update(dict.fromkeys(leaning_kinds or {"career"}, verdict))
    for kind, code in by_kind.items():
        if code not in VERDICT_CODES:
            raise ValueError(f"verdict {code!r} is not one of {', '.join(VERDICT_CODES)}")
        if kind not in leaning_kinds:
            raise ValueError(f"a verdict belongs to a current leaning, and this workspace has none of kind {kind!r}")
    return by_kind


def _check_p_first(standing: Standing, p_first: Mapping[str, float] | None) -> None:
    ids = set(standing.evidence.option_ids)
    for option_id, probability in (p_first or {}).items():
        if option_id not in ids:
            raise ValueError(f"p_first names option {option_id!r}, which is not in the workspace")
        if not 0.0 <= probability <= 1.0:
            raise ValueError(f"p_first of {option_id!r} is {probability}; it must be a probability from 0 to 1")


def summary_rows(
    standing: Standing,
    *,
    p_first: Mapping[str, float] | None = None,
    verdict: str | None = None,
    verdicts: Mapping[str, str] | None = None,
) -> list[list[str]]:
    """The decision summary's rows (without the header), as the CSV will hold them before neutralising.

    `verdicts` maps a kind to its leaning's verdict code, written on that leaning's row."""
    _check_p_first(standing, p_first)
    by_kind = _verdicts_by_kind(standing, verdict, verdicts)
    ev = standing.evidence
    names = dict(zip(ev.option_ids, ev.names, strict=True))
    rows = []
    for option_id in standing.table()["id"]:  # careers first, then employers; best first within each
        i = ev.index(option_id)
        career = ev.career_of[i]
        leaning = bool(ev.leaning[i])
        rank = standing.shown_rank(i)
        # An option with no score has no rank and no chance of first place: empty cells, not 0.
        chance = None if rank is None else (p_first or {}).get(option_id)
        rows.append(
            [
                "" if rank is None else str(rank),
                str(ev.kinds[i]),
                ev.names[i],
                names[career] if career else "",
                _decimal(standing.score[i], 1),
                _percent(float(standing.coverage[i])),
                _percent(chance),
                "yes" if leaning else "",
                by_kind.get(str(ev.kinds[i]), "") if leaning else "",
                str(ev.own_ratings[i]),
                str(ev.interviews[i]),
                *(_decimal(value, 2) for value in ev.mean[i]),
                " ".join(key for key, flag in zip(DIMENSION_KEYS, ev.inherited[i], strict=True) if flag),
            ]
        )
    return rows


def standing_summary_csv(
    standing: Standing,
    *,
    p_first: Mapping[str, float] | None = None,
    verdict: str | None = None,
    verdicts: Mapping[str, str] | None = None,
) -> str:
    """The decision summary CSV (docs/workspace-format.md) from scores alone: `p_first` (option id ->
    probability 0–1 of ranking first among its kind) and `verdicts` (kind -> that kind's leaning's
    verdict code; `verdict` for a workspace with one leaning) are whatever is passed, and their
    columns stay empty without them. The app and the CLI use `summary_csv`."""
    return _write(SUMMARY_HEADER, summary_rows(standing, p_first=p_first, verdict=verdict, verdicts=verdicts))


def summary_csv(decision: Decision) -> str:
    """The decision summary CSV (docs/workspace-format.md): one row per option, header exactly `SUMMARY_HEADER`,
    with each option's p_first and, on each leaning's row, its kind's verdict, all from `decision`."""
    return standing_summary_csv(
        decision.standing, p_first=decision.robustness.p_first_by_id(), verdicts=decision.leaning_verdicts
    )


def summary_bytes(decision: Decision, *, bom: bool = True) -> bytes:
    """The decision summary CSV as a file's bytes: what `tenfold summary` prints and what the app's
    Export page offers (both call this, so they are the same bytes by construction). With `bom`
    (the default) UTF-8 with a byte-order mark, as every download; without it plain UTF-8."""
    text = summary_csv(decision)
    return csv_bytes(text) if bom else text.encode("utf-8")


def _cohort_cells(row: CohortRow) -> list[str]:
    return [
        row.participant,
        str(row.options),
        str(row.interviews),
        row.top_option,
        "" if row.top_score is None else _decimal(row.top_score, 1),
        _percent(row.top_coverage),
        row.leaning,
        row.verdict,
        row.employer_leaning,
        row.employer_verdict,
    ]


def cohort_csv(rows: Iterable[CohortRow]) -> str:
    """The counsellor's cohort CSV, one row per sharing participant, neutralised like the summary."""
    return _write(COHORT_HEADER, (_cohort_cells(row) for row in rows))
