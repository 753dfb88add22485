"""Tenfold's domain: the ten dimensions, models, scoring and file formats (no Streamlit here)."""
