"""Autoencoder Lab: placeholder entry point until the dashboard lands."""

import streamlit as st

st.set_page_config(page_title="Autoencoder Lab", layout="wide")
st.title("Autoencoder Lab")
st.write("The dashboard is being built: train from the command line with `python -m aemodels train`.")
