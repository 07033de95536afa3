"""Embedding vs PCA: the run's 2-D map of held-out images beside PCA's, with their scores."""

import streamlit as st

from aemodels.data.splits import Split
from aemodels.kinds import Screen
from aemodels.ui import cache, embedding, other_data, state
from aemodels.ui.entry import require_app
from aemodels.ui.guard import run_guard
from aemodels.ui.runs import require_run, run_label
from aemodels.ui.screens import show_heading
from aemodels.ui.tables import model_vs_pca
from aemodels.ui.verdict import warn_if_beaten
from aemodels.words import count

require_app(__file__)

show_heading(__file__)
INTRO = ("Each dot is a held-out image the model never trained on, placed by its code. A good embedding "
         "keeps neighbours together. PCA, on the right, is the best *linear* 2-D projection of the pixels.")
LABELLED = (" Colours are the true classes, which the model never saw: a good embedding also keeps the "
            "classes apart.")

info = require_run(Screen.EMBEDDING)
if info is not None:
    with run_guard(info.run_id):
        config, home = info.config, state.home_key()
        data = cache.dataset(config.dataset, home)
        x_test, y_test = cache.held_out(Split.of(config), home)
        views = cache.embedding_views(info.run_id, state.run_key(info.run_id))
        st.write(INTRO + (LABELLED if data.is_labelled else " This data has no labels, so the dots have one colour."))
        warn_if_beaten(info)
        st.caption(f"Run: {run_label(info)} · {len(x_test):,} held-out images.")
        if config.kind.conditional:
            st.info("A conditional VAE is told each image's class, so its code is free to leave the class out: this "
                    "map is of style (slant, width, size), and classes that overlap here are what it was built for. "
                    "Its scores against PCA are shown, not judged; Latent explorer decodes each class in one style.")
        if config.code_grid:
            height, width, channels = config.code_grid
            st.info(f"The code has a shape, {channels} maps of {height}×{width} ({config.latent_dim} numbers): the left "
                    "map is PCA of the flattened codes to 2-D; the neighbours and scores below use the full code. "
                    "Latent explorer draws the maps.")
        elif config.latent_dim > 2:
            st.info(f"The code has {config.latent_dim} numbers: the left map is PCA of the codes to 2-D; "
                    "the neighbours and scores below use the full code.")
        elif config.latent_dim == 1:
            st.info("The code has a single number: the map shows it against a zero second axis.")
        embedding.restore_point(info.run_id, len(x_test))
        hidden = embedding.class_filter(data.class_names, data.is_labelled)
        training = embedding.training_toggle(info.scores.train_images or len(data.images) - len(x_test))
        quality = embedding.quality_controls(views)
        embedding.linked_maps(info, views, y_test, data.class_names, hidden, training, quality)
        embedding.chosen_images(info, views, x_test, y_test, data.class_names, data.is_labelled)

        st.subheader("Scores on the held-out images")
        st.dataframe(model_vs_pca(info.scores, config.model), width="content", height="content")
        knn = ("5-NN and 1-NN accuracy: a nearest-neighbour vote among the *training* images' codes, scored on the "
               "held-out ones (the published protocol). " if data.is_labelled else "")
        st.caption(knn + "Trustworthiness at k: how few of an image's k nearest in the map were not among its k "
                   "nearest in pixel space (invented neighbours); continuity: how few pixel-space neighbours the map "
                   f"lost. PCA uses {count(config.latent_dim, 'component')}, the same code size.")
        embedding.prior_sentence(info)
        embedding.reference_section(info, data.is_labelled)
        embedding.forming_section(info, y_test, views, data.class_names)
        embedding.code_size_section(info)
        other_data.section(info.run_id)
