"""Join code on screen (counsellors only): the workshop's join code and the address to open, in
type large enough to read from the back of a room, for a projector. Nothing else: no menu, no
participant's name, no link that opens a workspace.
"""

from __future__ import annotations

import streamlit as st

from core import storage
from core.access import spoken_join_code
from ui import counsellor, database, escape_md, router

REFRESH_SECONDS = 5
# Sizes follow the screen's width, so the code fills a projector and still fits a phone.
# Fixed text only: never put user text in here.
ROOM_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"] {
  display: none;
}
[data-testid="stMainBlockContainer"] { padding-top: 2rem; max-width: 100%; }
.st-key-room_code p {
  font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-weight: 700;
  font-size: clamp(3rem, 15vw, 14rem); line-height: 1.1; letter-spacing: 0.08em; margin: 0;
}
.st-key-room_address [data-testid="stText"] {
  font-size: clamp(1.3rem, 4.5vw, 4rem); font-weight: 600; overflow-wrap: anywhere; margin: 0;
}
[class*="st-key-room_steps"] p, .st-key-room_joined p { font-size: clamp(1.1rem, 2.6vw, 2.4rem); }
</style>"""

workshop_id = counsellor.counsellor_workshop_id()
workshop = storage.get_workshop(database.engine(), workshop_id) if workshop_id is not None else None
if workshop is None:
    st.error("**Counsellors only.** Sign in with your workshop's join code and passcode on the Workshop page.")
    st.stop()


def workshop_address() -> str:
    """The Workshop page's address as this browser reaches the app (the room reaches it the same way)."""
    here = (st.context.url or "").split("?")[0].rstrip("/")
    own = "/" + router.page("room").url_path
    base = here[: -len(own)] if here.endswith(own) else here
    return f"{base}/{router.page('workshop').url_path}" if base else "this app's address, on the Workshop page"


st.html(ROOM_CSS)
st.title(f"Join {escape_md(workshop.name)}")
with st.container(key="room_steps_1"):
    st.markdown("**1.** On your phone or laptop, open")
with st.container(key="room_address"):
    # Tenfold's own address as plain text to read and type: st.text draws no Markdown and no link,
    # so it needs none of the word joiners escape_md puts into user text.
    st.text(workshop_address())
with st.container(key="room_steps_2"):
    st.markdown("**2.** Choose **Join a workshop** and type the code")
with st.container(key="room_code"):
    st.markdown(spoken_join_code(workshop.join_code))


@st.fragment(run_every=REFRESH_SECONDS)
def joined() -> None:
    count = len(storage.cohort_members(database.engine(), workshop.id))
    with st.container(key="room_joined"):
        st.markdown(f"{count} joined so far." if count != 1 else "1 joined so far.")


joined()
st.page_link(router.page("cohort"), label="Back to the cohort", icon=":material/groups:")
