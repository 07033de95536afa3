"""Plotly figure builders: pure functions from arrays and dicts to ``go.Figure``.

Nothing here knows Streamlit or Keras; every builder returns a new figure and changes no input.
"""
