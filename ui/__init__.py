"""Streamlit helpers shared by several pages, one concern a module:

- `workspace` — the workspace this tab has open: its token in the URL, `require_workspace`;
- `counsellor` — a counsellor's sign-in, the pages it opens, read-only views of participants;
- `database` — the process-wide engine and workspaces loaded through it (`Opened`);
- `messages` — flashed messages and `attempt`, the one way a page saves a change;
- `presentation` — the pages' own styles, and presentation mode for sharing a screen;
- `router` — the pages by name, and every page run through app.py;
- `chart_panel`, `decision_panel` — the cached charts of Compare and Decision;
- `streamlit_workarounds` — every workaround of Streamlit's internals, each with the upstream
  behaviour it works around (app.py switches TCP_NODELAY on through it).

Here: `escape_md`, which every one of them needs.
Modules here import one another from the bottom up (streamlit_workarounds, router, database,
counsellor, presentation, messages, workspace); none imports from a module above it.
"""

from __future__ import annotations

import re

from core.models import isolate_direction

_MD_SPECIAL = "\\`*_{}[]()#+-.!|<>~$:"
WORD_JOINER = "\u2060"  # invisible, and keeps the characters on either side on one line
# Streamlit's Markdown (1.67) turns some text into links, icons or symbols *after* it has resolved
# backslash escapes, so escaping cannot stop it: "https://x", "www.x" and "a@b.org" become links
# (GFM autolink literals), ":material/x:" and ":streamlit:" icons, " -> ", " -- ", " >= " arrows and
# dashes. A word joiner inside each breaks its pattern: after a ":" or "@" that a letter, digit or
# "/" follows, between "www" and ".", and between the two characters of an arrow.
_PATTERN_BREAKS = re.compile(r"(?<=[:@])(?=[\w/-])|(?i:(?<=www)(?=\.))|(?<=[-<>~])(?=[-<>=])")


def escape_md(text: str) -> str:
    """User text for st.markdown, labels and messages: plain text, whatever it holds. Every Markdown
    and HTML character is shown literally, nothing becomes a link, an icon or a symbol, and direction
    controls are isolated (`core.models.isolate_direction`)."""
    text = _PATTERN_BREAKS.sub(WORD_JOINER, isolate_direction(text))
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)
