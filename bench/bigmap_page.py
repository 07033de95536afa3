"""A page with one Embedding map of ``?n=`` synthetic points in 10 classes (``bench/bigmaps.py``)."""

import numpy as np
import streamlit as st

from aemodels.ui.figures import maps

n = int(st.query_params.get("n", 2000))
contours = st.query_params.get("contours") == "1"
rng = np.random.default_rng(0)
labels = rng.integers(0, 10, n)
centres = rng.normal(0, 4, (10, 2))
points = (centres[labels] + rng.normal(0, 1, (n, 2))).astype(np.float32)
names = tuple(str(k) for k in range(10))
st.plotly_chart(maps.embedding_scatter(points, labels, names, f"{n:,} points", contours=contours), key="map")
