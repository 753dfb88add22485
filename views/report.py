"""The one-page decision report: a self-contained, print-ready HTML page a participant takes home.

It holds, for one workspace on one day: the verdict on the current leaning, the ranking, the
heatmap of the options the verdict weighs, the notes behind the top options' ratings, and the
questions to ask next; the workspace's name and the date are on it. Pure: no Streamlit, no
database. `decision_report(workspace)` builds the page; the Export page offers it as a download.

Safe with any text a participant typed: every user string goes through `html.escape` (quotes
included) exactly once, in `_e`; charts are embedded as SVG *images* (`data:` URIs in <img>),
which a browser draws without running anything inside them; and a Content-Security-Policy
allows no script, no connection and no image that is not embedded. The page loads nothing
from anywhere.

Printing: one A4 page for a workspace the size of the demo (@page A4, compact type, charts
drawn at the width they are shown, so their text is the size it reads). A larger workspace
shows its `MAX_CHART_OPTIONS` best options of each kind and says how many more there are.

Why there is no PDF download: a PDF needs a layout engine on the server. WeasyPrint needs
Pango and other system libraries that a plain `pip install` does not bring; ReportLab would
mean a second, hand-placed layout of the same report to keep in step; and a headless browser
is not part of the app's installation. Every browser's own Print → Save as PDF turns this page
into a one-page PDF, so the page says how.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from core.decision import (
    CLOSE_CALL,
    CONFIRMED,
    NOT_ENOUGH_EVIDENCE,
    RECONSIDER,
    Decision,
    Sensitivity,
    decide,
    sensitivity,
)
from core.dimensions import BY_KEY, SCORE_MAX
from core.models import Workspace, isolate_direction
from core.robustness import DEFAULT_SEED, DRAWS
from core.scoring import THIN_COVERAGE, standing
from views.acceptability import acceptability_view
from views.common import (
    KIND_PLURAL,
    LEANING_MARK,
    SCOPE_ALL,
    SCOPE_CAREERS,
    SCOPE_EMPLOYERS,
    ChartView,
    chart_spec,
    empty_state,
    scope_rows,
)
from views.compare import build_view
from views.heatmap import heatmap_view
from views.images import ChartImageError, ImageFormat, chart_image, data_uri, export_spec, render
from views.profile import PROFILE_MIN, default_profile_choice
from views.ranking import ranking_kind_view, ranking_view
from views.tornado import tornado_view

# The most options of each kind a chart in the report shows (the best ones).
MAX_CHART_OPTIONS = 8
# How many options' rating notes the report quotes, how many notes each, and how long a note may be.
NOTE_OPTIONS = 2
NOTES_PER_OPTION = 3
NOTE_CHARS = 150
# How many of the "ask next" gaps, and how many suggested questions for each.
ASK_NEXT_SHOWN = 3
QUESTIONS_PER_GAP = 1
# Chart widths in CSS pixels: the width each is shown at on an A4 page with 12 mm margins.
RANKING_WIDTH = 330
HEATMAP_WIDTH = 700
ROW_STEP = 22
CHART_PADDING = 2

VERDICT_WORDS: dict[str, str] = {
    CONFIRMED: "Confirmed",
    CLOSE_CALL: "Close call",
    RECONSIDER: "Reconsider",
    NOT_ENOUGH_EVIDENCE: "Not enough evidence yet",
}
# Verdict colours: the same colour-blind-safe family as the charts; the word always says it too.
VERDICT_COLOURS: dict[str, str] = {
    CONFIRMED: "#009E73",
    CLOSE_CALL: "#E69F00",
    RECONSIDER: "#D55E00",
    NOT_ENOUGH_EVIDENCE: "#777777",
}
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _e(text: object) -> str:
    """User text as HTML text: every <, >, &, " and ' escaped, direction controls isolated."""
    return html.escape(isolate_direction(str(text)), quote=True)


def long_date(day: dt.date) -> str:
    """16 November 2026 (the same in every locale)."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def short_date(day: dt.date) -> str:
    """16 Nov 2026."""
    return f"{day.day} {_MONTHS[day.month - 1][:3]} {day.year}"


def file_name(workspace_name: str, what: str, extension: str, day: dt.date) -> str:
    """A download's file name: tenfold-<what>-<workspace name as ASCII>-<date>.<extension>.

    Only letters, digits and hyphens from the workspace name, so the name is safe on every
    system and in a download header.
    """
    ascii_name = unicodedata.normalize("NFKD", workspace_name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-").lower()[:40].strip("-")
    parts = ["tenfold", what, *([slug] if slug else []), day.isoformat()]
    return "-".join(parts) + "." + extension


# --- what the report says -----------------------------------------------------------------------


@dataclass(frozen=True)
class NoteLine:
    dimension: str
    score: int
    note: str
    source: str
    date: dt.date


@dataclass(frozen=True)
class OptionNotes:
    name: str
    kind: str
    leaning: bool
    score: float | None
    notes: tuple[NoteLine, ...]
    more: int  # notes left out


def _shorten(text: str, limit: int = NOTE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def top_option_ids(decision: Decision, count: int = NOTE_OPTIONS) -> list[str]:
    """The options whose notes the report quotes: the verdict's option and its rival, then
    the best-ranked others of the same kind."""
    chosen = [o for o in (decision.verdict.option, decision.verdict.rival) if o]
    kind = decision.kind
    if kind is not None:
        now = decision.standing
        ev = now.evidence
        members = [i for i in range(ev.n) if ev.kinds[i] == kind and not np.isnan(now.score[i])]
        for i in sorted(members, key=lambda i: (now.rank[i], ev.names[i].casefold())):
            if ev.option_ids[i] not in chosen:
                chosen.append(ev.option_ids[i])
    return list(dict.fromkeys(chosen))[:count]


def option_notes(workspace: Workspace, decision: Decision, option_ids: Sequence[str]) -> list[OptionNotes]:
    """The rating notes behind each option, most important dimension first, then newest first."""
    weights = workspace.weights
    now = decision.standing
    result = []
    for option_id in option_ids:
        option = workspace.option(option_id)
        lines = []
        for interview in workspace.interviews:
            source = "self-assessment" if interview.contact is None else interview.contact.name
            for rating in interview.ratings:
                if rating.option == option_id and rating.note.strip():
                    lines.append(NoteLine(rating.dimension, rating.score, rating.note, source, interview.date))
        lines.sort(key=lambda n: (-weights[n.dimension], -n.date.toordinal(), n.dimension))
        row = now.evidence.index(option_id)
        score = float(now.score[row])
        result.append(
            OptionNotes(
                name=option.name,
                kind=option.kind,
                leaning=option.leaning,
                score=None if np.isnan(score) else score,
                notes=tuple(lines[:NOTES_PER_OPTION]),
                more=max(0, len(lines) - NOTES_PER_OPTION),
            )
        )
    return result


def chart_rows(decision: Decision, kind: str | None) -> np.ndarray:
    """The rows a report chart shows: the best `MAX_CHART_OPTIONS` of each kind (or of one kind)."""
    now = decision.standing
    rows = scope_rows(now, SCOPE_ALL if kind is None else kind)
    kinds = now.evidence.kinds
    keep = []
    for k in ("career", "employer"):
        keep += [i for i in rows if kinds[i] == k][:MAX_CHART_OPTIONS]
    return np.array([i for i in rows if i in set(keep)], dtype=np.int64)


# --- charts to take home (the Export page's images) ----------------------------------------------

# key -> (page, view, filter or kind, title). The Compare charts as Compare draws them (the
# heatmap per kind: careers and employers are two decisions, and one kind per image keeps its
# columns wide enough to read in a document), and the Decision charts for each kind.
EXPORT_CHARTS: dict[str, tuple[str, str, str, str]] = {
    "ranking": ("compare", "ranking", SCOPE_ALL, "Ranking of careers and employers"),
    "heatmap_careers": ("compare", "heatmap", SCOPE_CAREERS, "Mean ratings of careers"),
    "heatmap_employers": ("compare", "heatmap", SCOPE_EMPLOYERS, "Mean ratings of employers"),
    "profile": ("compare", "profile", SCOPE_ALL, "Side-by-side profile of two options"),
    "why": ("compare", "why", SCOPE_ALL, "What each score is made of"),
    "history": ("compare", "history", SCOPE_ALL, "Scores as the interviews came in"),
    **{
        f"{section}_{KIND_PLURAL[kind]}": ("decision", section, kind, f"{title} ({KIND_PLURAL[kind]})")
        for section, title in (
            ("acceptability", "Chance of each place"),
            ("intervals", "Scores and their likely range"),
            ("sensitivity", "How far each weight can move"),
        )
        for kind in ("career", "employer")
    },
}


def _sensitivity(decision: Decision, kind: str) -> Sensitivity | None:
    if kind == decision.kind:
        return decision.sensitivity
    return sensitivity(decision.standing.evidence, kind)


def chart_choices(
    workspace: Workspace, *, seed: int = DEFAULT_SEED, decision: Decision | None = None
) -> dict[str, str]:
    """The charts this workspace can draw, as key -> title (titles hold no user text)."""
    now = standing(workspace)
    if empty_state(now) is not None:
        return {}
    decision = decision or decide(workspace, seed=seed)
    choices = {}
    for key, (page, view, scope, title) in EXPORT_CHARTS.items():
        if page == "compare":
            if empty_state(now, scope) is not None:
                continue
            if view == "profile" and len(scope_rows(now, scope)) < PROFILE_MIN:
                continue
        else:  # as the Decision page: a kind of at least two options, and for sensitivity a top one
            if int((now.evidence.kinds == scope).sum()) < 2:
                continue
            if view == "sensitivity" and _sensitivity(decision, scope) is None:
                continue
        choices[key] = f"{page.capitalize()}: {title[0].lower()}{title[1:]}"
    return choices


def chart_view(workspace: Workspace, key: str, *, seed: int = DEFAULT_SEED) -> tuple[ChartView, dict]:
    """One chart to take home, drawn for a document (not the presentation size), and its spec."""
    page, view, scope, _ = EXPORT_CHARTS[key]
    now = standing(workspace)
    if page == "compare":
        chosen: list[str] = []
        if view == "profile":  # the leaning and its closest rival, as Compare picks them
            chosen = default_profile_choice(now, scope_rows(now, scope))
        built = build_view(view, workspace, now, scope, chosen=chosen, large=False)
        return built, chart_spec(built.chart)
    decision = decide(workspace, seed=seed)
    if view == "acceptability":
        built = acceptability_view(decision.robustness, scope)
    elif view == "intervals":
        built = ranking_kind_view(decision.standing, decision.robustness, scope)
    else:
        sens = _sensitivity(decision, scope)
        if sens is None:
            raise ValueError(f"no {scope} has a score, so there is no sensitivity to draw")
        built = tornado_view(sens)
    return built, chart_spec(built.chart)


def chart_file(workspace: Workspace, key: str, fmt: ImageFormat, *, seed: int = DEFAULT_SEED) -> bytes:
    """A chart as a PNG or SVG file with its title and its one-sentence reading."""
    built, spec = chart_view(workspace, key, seed=seed)
    return chart_image(spec, fmt, title=EXPORT_CHARTS[key][3], subtitle=built.reading)


# --- drawing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportChart:
    title: str
    reading: str
    image: str | None  # a data: URI, or None when there is nothing to draw
    left_out: int  # options not shown


def report_charts(decision: Decision) -> tuple[ReportChart, ReportChart]:
    """The ranking (both kinds) and the heatmap (the verdict's kind), as SVG images."""
    now = decision.standing
    ev = now.evidence
    empty = empty_state(now)
    kind = decision.kind
    kind_words = KIND_PLURAL.get(kind or "", "options")
    if empty is not None:
        none = ReportChart("Ranking", empty.message, None, 0)
        return none, ReportChart(f"Ratings of your {kind_words}", empty.message, None, 0)

    rows = chart_rows(decision, None)
    ranking = ranking_view(now, rows)
    ranking_image = _svg(chart_spec(ranking.chart), RANKING_WIDTH)
    ranking_chart = ReportChart("Ranking", ranking.reading, ranking_image, ev.n - len(rows))

    heat_rows = chart_rows(decision, kind)
    heat_title = f"Ratings of your {kind_words}"
    if not len(heat_rows):
        return ranking_chart, ReportChart(heat_title, "", None, 0)
    heatmap = heatmap_view(now, heat_rows)
    heat_image = _svg(chart_spec(heatmap.chart), HEATMAP_WIDTH, legend="right")
    of_kind = int((ev.kinds == kind).sum()) if kind else ev.n
    return ranking_chart, ReportChart(heat_title, heatmap.reading, heat_image, of_kind - len(heat_rows))


def _svg(spec: Mapping[str, object], width: int, *, legend: str = "bottom") -> str | None:
    laid_out = export_spec(spec, width=width)
    # Compact for one printed page: thinner rows and margins than a chart pasted on its own.
    laid_out["config"]["legend"]["orient"] = legend
    laid_out["padding"] = CHART_PADDING
    if isinstance(laid_out.get("height"), dict) and "step" in laid_out["height"]:
        laid_out["height"] = {"step": ROW_STEP}
    try:
        return data_uri(render(laid_out, "svg"), "svg")
    except ChartImageError:
        return None  # the report still says everything in words


def _score_text(score: float | None) -> str:
    return "not rated yet" if score is None else f"score {score:.0f}"


def decision_report(
    workspace: Workspace,
    *,
    seed: int = DEFAULT_SEED,
    made_on: dt.date | None = None,
    decision: Decision | None = None,
) -> str:
    """The report as one self-contained HTML page (UTF-8 text)."""
    decision = decision or decide(workspace, seed=seed)
    made_on = made_on or dt.date.today()
    ranking, heatmap = report_charts(decision)
    notes = option_notes(workspace, decision, top_option_ids(decision))
    return _page(workspace, decision, made_on, seed, ranking, heatmap, notes)


def _chart_block(chart: ReportChart, width: int, more_words: str) -> str:
    parts = [f"<h2>{_e(chart.title)}</h2>"]
    if chart.reading:
        parts.append(f'<p class="reading">{_e(chart.reading)}</p>')
    if chart.image:
        parts.append(f'<img src="{chart.image}" alt="{_e(chart.reading)}" style="width:{width}px">')
    if chart.left_out:
        parts.append(f'<p class="small">{chart.left_out} more {more_words} not shown; see Tenfold.</p>')
    return "\n".join(parts)


def _verdict_block(decision: Decision) -> str:
    verdict = decision.verdict
    word = VERDICT_WORDS.get(verdict.code, verdict.code)
    colour = VERDICT_COLOURS.get(verdict.code, "#777777")
    about = ""
    if verdict.option_name and not verdict.is_leaning:
        about = (
            '<p class="small">You have not marked a current leaning, so this is about the option the '
            f"evidence favours: <strong>{_e(verdict.option_name)}</strong>.</p>"
        )
    deciding = ""
    if verdict.explanation is not None:  # the one explanation (core.explain), as on Compare and Decision
        deciding = f'<p class="small">{_e(verdict.explanation.sentence())}</p>'
    return (
        f'<section class="verdict" style="border-color:{colour}">'
        f'<p class="verdict-word" style="background:{colour}">{_e(word)}</p>'
        f'<div><p class="headline">{_e(verdict.headline)}</p>'
        f'<p class="small">{_e(verdict.detail)}</p>{about}{deciding}</div></section>'
    )


def _notes_block(notes: list[OptionNotes]) -> str:
    parts = ["<h2>Behind the top options' ratings</h2>"]
    if not notes:
        parts.append('<p class="small">No option has a score yet, so there are no notes to show.</p>')
        return "\n".join(parts)
    parts.append('<div class="columns">')
    for item in notes:
        parts.append('<div class="column">')
        star = f"{LEANING_MARK} " if item.leaning else ""
        about = f"{item.kind}, {_score_text(item.score)}"
        parts.append(f'<h3>{star}{_e(item.name)} <span class="small">({_e(about)})</span></h3>')
        if not item.notes:
            parts.append('<p class="small">No notes with its ratings yet.</p></div>')
            continue
        parts.append("<ul>")
        for line in item.notes:
            label = BY_KEY[line.dimension].label
            parts.append(
                f"<li><strong>{_e(label)} {line.score}/{SCORE_MAX}</strong>: “{_e(_shorten(line.note))}” "
                f'<span class="small">({_e(line.source)}, {_e(short_date(line.date))})</span></li>'
            )
        parts.append("</ul>")
        if item.more:
            parts.append(f'<p class="small">…and {item.more} more note{"s" if item.more != 1 else ""} in Tenfold.</p>')
        parts.append("</div>")
    parts.append("</div>")
    return "\n".join(parts)


def _ask_next_block(decision: Decision) -> str:
    parts = ["<h2>Questions to ask next</h2>"]
    gaps = decision.ask_next[:ASK_NEXT_SHOWN]
    if not gaps:
        parts.append('<p class="small">No open questions stand out: every dimension that matters has evidence.</p>')
        return "\n".join(parts)
    parts.append("<ol>")
    for gap in gaps:
        questions = "".join(f"<li>{_e(q)}</li>" for q in gap.questions[:QUESTIONS_PER_GAP])
        parts.append(
            f"<li><strong>{_e(gap.option_name)} · {_e(gap.label)}</strong>"
            f'<p class="small">{_e(gap.reason)}</p><ul class="questions">{questions}</ul></li>'
        )
    parts.append("</ol>")
    return "\n".join(parts)


def _page(
    workspace: Workspace,
    decision: Decision,
    made_on: dt.date,
    seed: int,
    ranking: ReportChart,
    heatmap: ReportChart,
    notes: list[OptionNotes],
) -> str:
    name = workspace.name.strip() or "My career decision"
    kind_words = KIND_PLURAL.get(decision.kind or "", "options")
    footer = (
        f"Scores (0–100) weigh each dimension's mean rating by how much it matters to you; coverage (in "
        f"brackets) is the share of what matters that has evidence: below {round(100 * THIN_COVERAGE)}% the "
        f"evidence is thin. ★ marks your current leaning. Plausible cases: {DRAWS:,} variations of your "
        f"weights and ratings within what your conversations support (seed {seed}). "
        "For a PDF, print this page and choose Save as PDF."
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Decision report: {_e(name)} ({_e(long_date(made_on))})</title>
<style>{_CSS}</style>
</head>
<body>
<main>
<header>
<p class="brand">Tenfold decision report</p>
<h1>{_e(name)}</h1>
<p class="date">{_e(long_date(made_on))}</p>
</header>
{_verdict_block(decision)}
<div class="columns">
<section class="ranking">
{_chart_block(ranking, RANKING_WIDTH, "options")}
</section>
<section class="ask">
{_ask_next_block(decision)}
</section>
</div>
<section class="heatmap">
{_chart_block(heatmap, HEATMAP_WIDTH, kind_words)}
</section>
<section class="notes">
{_notes_block(notes)}
</section>
<footer>{_e(footer)}</footer>
</main>
</body>
</html>
"""


_CSS = """
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: #f2f2f2; color: #1a1a1a;
  font: 9.5pt/1.35 "Liberation Sans", Arial, Helvetica, "DejaVu Sans", sans-serif; }
main { width: 186mm; margin: 8mm auto; padding: 10mm; background: #fff; box-shadow: 0 0 4px #bbb; }
header { display: flex; align-items: baseline; gap: 4mm; border-bottom: 2px solid #0072B2; padding-bottom: 2mm; }
header .brand { margin: 0; color: #0072B2; font-weight: bold; font-size: 9pt; white-space: nowrap; }
h1 { margin: 0; font-size: 15pt; flex: 1; overflow-wrap: anywhere; }
header .date { margin: 0; white-space: nowrap; }
h2 { font-size: 11pt; margin: 2.5mm 0 0.5mm; }
h3 { font-size: 10pt; margin: 2mm 0 0.5mm; overflow-wrap: anywhere; }
p { margin: 0 0 1mm; }
.small { font-size: 8.5pt; color: #333; font-weight: normal; }
.reading { font-size: 8.5pt; color: #333; }
.verdict { display: flex; gap: 3mm; align-items: flex-start; border: 2px solid; border-radius: 2mm;
  padding: 2mm 3mm; margin-top: 3mm; }
.verdict-word { margin: 0; padding: 1mm 2.5mm; border-radius: 1mm; color: #fff; font-weight: bold;
  white-space: nowrap; font-size: 10.5pt; }
.verdict .headline { font-weight: bold; font-size: 10.5pt; }
.columns { display: flex; gap: 5mm; }
.columns .ranking { flex: 0 0 auto; width: 88mm; }
.columns .ask { flex: 1; min-width: 0; }
img { display: block; max-width: 100%; height: auto; }
ol, ul { margin: 0.5mm 0 1mm; padding-left: 5mm; }
li { margin-bottom: 0.8mm; overflow-wrap: anywhere; }
ul.questions { list-style: "→ "; font-style: italic; }
.columns .column { flex: 1; min-width: 0; }
footer { margin-top: 3mm; padding-top: 1.5mm; border-top: 1px solid #ccc; font-size: 7.5pt; color: #444; }
section { break-inside: avoid; }
@media print {
  body { background: #fff; }
  main { width: auto; margin: 0; padding: 0; box-shadow: none; }
}
"""
