"""A page; with ?leave=1 it first leaves folder mode, as Tenfold's pages do (ui.router.ensure_router)."""

import streamlit as st

if "leave" in st.query_params:
    from ui.streamlit_workarounds import leave_folder_mode

    leave_folder_mode()
st.markdown("other page")
