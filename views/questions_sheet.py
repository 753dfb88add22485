"""The printable "questions for my next interview" sheet: plain, print-ready HTML.

Pure: built from `core.decision.Gap` items (Ask next). One self-contained page, no scripts and
no external resources, that any browser prints on A4 or Letter: the gaps grouped by option
(one conversation is usually about one career or employer), each with why it is worth asking,
the dimension's suggested questions with room for the answer, and what a 1, 3 and 5 mean so the
answer can be rated right after the conversation. Every user string (workspace, option and
contact names, reasons that quote them) is HTML-escaped here; nothing else may build this HTML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from core.decision import Gap
from core.dimensions import BY_KEY, WEIGHT_MAX
from core.models import isolate_direction

SHEET_TITLE = "Questions for my next interview"
FILE_NAME = "tenfold-questions.html"
MIME = "text/html"

_CSS = """
body { font-family: Georgia, 'Times New Roman', serif; font-size: 12pt; line-height: 1.4; color: #000;
       max-width: 46em; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 20pt; margin-bottom: 0.2em; }
h2 { font-size: 15pt; border-bottom: 1px solid #000; margin-top: 1.6em; padding-bottom: 0.1em; }
h3 { font-size: 12.5pt; margin: 1.1em 0 0.2em; }
.meta, .why, .scale { color: #333; }
.scale { font-size: 10.5pt; }
ul.questions { list-style: none; padding-left: 0; }
ul.questions li { margin: 0.5em 0 0; }
ul.questions li::before { content: "\\2610\\00a0"; }
.answer { border-bottom: 1px dotted #666; height: 1.6em; margin: 0 0 0.2em 1.4em; }
.gap { break-inside: avoid; page-break-inside: avoid; }
@media print { body { margin: 0; max-width: none; } a { color: #000; text-decoration: none; } }
"""


def _e(text: object) -> str:
    """User text as HTML text: every <, >, &, " and ' escaped, direction controls isolated."""
    return escape(isolate_direction(str(text)), quote=True)


def _kind_word(kind: str) -> str:
    return "career" if kind == "career" else "employer"


def questions_sheet_html(
    gaps: Sequence[Gap],
    *,
    workspace_name: str = "",
    headline: str = "",
    today: dt.date | None = None,
    answer_lines: int = 1,
) -> str:
    """The sheet as one HTML document (UTF-8). `headline` is the current verdict, for context."""
    today = today or dt.date.today()
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(SHEET_TITLE)}</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{_e(SHEET_TITLE)}</h1>",
        f'<p class="meta">{_e(workspace_name) + " · " if workspace_name else ""}'
        f"Tenfold, {_e(today.strftime('%d %B %Y').lstrip('0'))}</p>",
    ]
    if headline:
        parts.append(f"<p><strong>Where things stand:</strong> {_e(headline)}</p>")
    if not gaps:
        parts.append("<p>Nothing stands out to ask next: every dimension that matters to you already has "
                     "at least two ratings.</p>")
    by_option: dict[str, list[Gap]] = {}
    for gap in gaps:
        by_option.setdefault(gap.option, []).append(gap)
    for items in by_option.values():
        first = items[0]
        parts.append(f"<h2>{_e(first.option_name)} <small>({_e(_kind_word(first.kind))})</small></h2>")
        for gap in items:
            scale = BY_KEY[gap.dimension].scale
            parts.append('<div class="gap">')
            parts.append(f"<h3>{_e(gap.label)} <small>· matters {gap.weight}/{WEIGHT_MAX} to me</small></h3>")
            parts.append(f'<p class="why">{_e(gap.reason)}</p>')
            parts.append('<ul class="questions">')
            for question in gap.questions:
                parts.append(f"<li>{_e(question)}</li>" + '<div class="answer"></div>' * answer_lines)
            parts.append("</ul>")
            scale_text = "<br>".join(f"{k} = {_e(scale[k])}" for k in sorted(scale))
            parts.append(f'<p class="scale">Rate it afterwards, from 1 to 5:<br>{scale_text}</p>')
            parts.append("</div>")
    parts.append("</body></html>")
    return "\n".join(parts)
