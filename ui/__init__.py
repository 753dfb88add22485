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

_MD_SPECIAL = "\\`*_{}[]()#+-.!|<>~$:"


def escape_md(text: str) -> str:
    """User text for st.markdown: every Markdown and HTML character shown literally."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)
