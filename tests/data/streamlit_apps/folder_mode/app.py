"""A router like Tenfold's app.py, beside a `pages/` folder of its own, for the tests of
ui/streamlit_workarounds.py (test_streamlit_workarounds.py in tests/apptest and tests/integration)."""

from pathlib import Path

import streamlit as st

HERE = Path(__file__).parent

st.markdown("entrypoint ran")
st.navigation([st.Page(HERE / "home.py", default=True), st.Page(HERE / "pages" / "other.py")]).run()
