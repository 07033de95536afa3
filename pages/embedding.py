"""Embedding vs PCA: the run's 2-D map of held-out images beside PCA's, with their scores."""

import numpy as np
import streamlit as st

from aemodels import inference, plots
from aemodels.kinds import Screen
from aemodels.datasets import to_float
from aemodels.ui import cache, state
from aemodels.ui.errors import user_errors
from aemodels.ui.images import image_grid
from aemodels.ui.runs import require_run, run_label
from aemodels.ui.tables import model_vs_pca
from aemodels.ui.verdict import warn_if_beaten
from aemodels.words import count
from aemodels.ui.entry import require_app

require_app(__file__)

MAX_SHOWN = 10

st.title("Embedding vs PCA")
INTRO = ("Each dot is a held-out image the model never trained on, placed by its code. A good embedding "
         "keeps neighbours together. PCA, on the right, is the best *linear* 2-D projection of the pixels.")
LABELLED = (" Colours are the true classes, which the model never saw: a good embedding also keeps the "
            "classes apart.")

info = require_run(Screen.EMBEDDING)
if info is not None:
    with user_errors():
        config, home = info.config, state.home_key()
        data = cache.dataset(config.dataset, home)
        x_test, y_test = cache.test_split(config.dataset, config.seed, config.test_fraction, home)
        views = cache.embedding_views(info.run_id, home)
        st.write(INTRO + (LABELLED if data.is_labelled else " This data has no labels, so the dots have one colour."))
        warn_if_beaten(info)
        st.caption(f"Run: {run_label(info)} · {len(x_test)} held-out images.")
        if config.latent_dim > 2:
            st.info(f"The code has {config.latent_dim} numbers: the left map is PCA of the codes to 2-D; "
                    "the scores below use the full code.")
        elif config.latent_dim == 1:
            st.info("The code has a single number: the map shows it against PCA's second axis (zero).")

        def chosen(key: str) -> np.ndarray:
            event = st.session_state.get(key)
            points = event.get("selection", {}).get("points", []) if event else []
            return np.array([p["customdata"] for p in points if "customdata" in p], dtype=int)

        selected = chosen("emb_model_chart")
        if not len(selected):
            selected = chosen("emb_pca_chart")
        code_name = "z_mean" if config.is_variational else "code"
        left, right = st.columns(2)
        left.plotly_chart(plots.embedding_scatter(views.model_2d, y_test, data.class_names,
                                                  f"{config.model}: {code_name} of each image", selected),
                          key="emb_model_chart", on_select="rerun", selection_mode=("box", "lasso"))
        right.plotly_chart(plots.embedding_scatter(views.pca_2d, y_test, data.class_names,
                                                   "PCA: first two components", selected),
                           key="emb_pca_chart", on_select="rerun", selection_mode=("box", "lasso"))
        if len(selected):
            shown = selected[:MAX_SHOWN]
            images = to_float(x_test[shown])
            bundle = cache.bundle(info.run_id, home)
            st.subheader(f"{count(len(selected), 'selected image')}" + (f", first {MAX_SHOWN} shown" if len(selected) > MAX_SHOWN else ""))
            image_grid([("original", images),
                        ("model's reconstruction", inference.decode(bundle, inference.encode(bundle, images)))])
        else:
            st.caption("Draw a box or lasso on either map to see those images, their reconstructions, "
                       "and where they fall in the other map.")
        st.subheader("Scores on the held-out images")
        st.dataframe(model_vs_pca(info.metrics, config.model), width="content")
        knn = ("kNN accuracy: how often a point's nearest neighbours in the code share its class. "
               if data.is_labelled else "")
        st.caption(knn + "Trustworthiness: how many of an image's neighbours in the map were neighbours in "
                   f"pixel space. PCA uses {count(config.latent_dim, 'component')}, the same code size.")
