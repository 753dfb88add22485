"""A workspace's private link on screen, to keep: the link itself, a copy button and a QR code to
scan with a phone. Never shown while presenting (ui.presentation), nor in a counsellor's view.
"""

from __future__ import annotations

import json

import segno
import streamlit as st

from ui import router
from ui.presentation import presentation_mode
from ui.workspace import TOKEN_PARAM

QR_PIXELS_PER_MODULE = 4  # a 57-module code (a link of ~80 characters) is then 260 px wide with its border
COPIED = "Copied: paste it somewhere safe"


def private_link(token: str) -> str:
    """The app's address (not the current page's) with the workspace's token."""
    return f"{router.app_address()}/?{TOKEN_PARAM}={token}"


def qr_svg(link: str) -> str:
    """The link as a QR code, an SVG image drawn here (no network), dark on white so every phone reads it."""
    return segno.make(link, error="m").svg_inline(scale=QR_PIXELS_PER_MODULE, dark="#000", light="#fff")


def _script_string(text: str) -> str:
    """Text as a JavaScript string inside <script>: JSON-quoted, and no "<" that could end the script."""
    return json.dumps(text).replace("<", "\\u003c")


def _copy_button(link: str, key: str) -> None:
    """A button that puts the link on the clipboard; on a plain-HTTP address, where browsers offer no
    clipboard API, it selects and copies a hidden copy of the link instead."""
    # Streamlit drops inline event handlers (onclick) even here: a script attaches the click instead.
    st.html(
        f"""<button type="button" id="{key}" class="tenfold-copy">Copy the private link</button>
        <script>(function () {{
          const button = document.getElementById({json.dumps(key)}), link = {_script_string(link)};
          if (!button || button.dataset.ready) return;
          button.dataset.ready = "1";
          const done = () => {{ button.textContent = {json.dumps(COPIED)}; }};
          const fallback = () => {{
            const area = document.createElement("textarea");
            area.value = link; document.body.appendChild(area); area.select();
            try {{ document.execCommand("copy"); done(); }} finally {{ area.remove(); }}
          }};
          button.addEventListener("click", () => {{
            if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(link).then(done, fallback);
            else fallback();
          }});
        }})();</script>
        <style>.tenfold-copy {{ min-height: 44px; padding: 0.4rem 1rem; border-radius: 0.5rem;
          border: 1px solid rgba(49, 51, 63, 0.3); background: #fff; color: #31333f; font: inherit; cursor: pointer }}
        </style>""",
        unsafe_allow_javascript=True,
        width="content",
    )


def keep_my_link(token: str, *, key: str) -> None:
    """The private link, a copy button and its QR code (nothing while presenting)."""
    if presentation_mode():
        return
    link = private_link(token)
    st.code(link, language=None, wrap_lines=True)  # a phone shows it whole, no scrolling box
    left, right = st.columns([1, 2], vertical_alignment="center")
    with left:
        st.image(qr_svg(link), alt="QR code of your private link", width=180)
    with right:
        _copy_button(link, key)
        st.caption(
            "Scan the code with your phone's camera to keep the link there, or copy it into a note or an "
            "email to yourself."
        )
