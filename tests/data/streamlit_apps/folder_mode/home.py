import streamlit as st

st.markdown("home page")
