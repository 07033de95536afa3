"""The Embedding screen's parts: the two linked maps, one image's neighbours, a selection, the
embedding forming over the epochs, and the published figures beside the run's scores.

The selection lives in the session (``session.SELECTION``), not in the charts: Streamlit gives a
Plotly chart a new identity, and so an empty selection, whenever its figure changes (the figure is
part of the element id in ``elements/plotly_chart.py``), and drawing the selection on the maps
changes them.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import streamlit as st

from aemodels.data.datasets import dataset_title, to_float
from aemodels.models import inference
from aemodels.scoring.evaluation import pca_reconstruction
from aemodels.scoring.neighbours import neighbourhood
from aemodels.scoring.scoresheet import REFERENCE_PROTOCOL, REFERENCE_SOURCE
from aemodels.scoring.views import POINT_TRUST_K, EmbeddingViews
from aemodels.store.run_folder import RunInfo
from aemodels.ui import access, cache, session, state
from aemodels.ui.errors import callback_errors
from aemodels.ui.figures import charts, maps
from aemodels.ui.images import captioned_row, code_maps_row, image_grid, image_row
from aemodels.ui.tables import reference_table
from aemodels.words import count

POINT_PARAM = state.POINT_PARAM  # the URL keeps one chosen image: ?point=123
CLASSES_KEY = "classes"
TRAINING_KEY = "training_points"
MAP_KEYS = {side: session.MAP_EVENT(side) for side in ("model", "pca")}
MAX_SHOWN = 10
KEPT_BY = {(True, True): "kept by both", (True, False): "kept by code", (False, True): "kept by PCA",
           (False, False): "lost by both"}  # (in the code's neighbours, in PCA's) → words


@dataclasses.dataclass(frozen=True)
class Selection:
    """Held-out images chosen on a map of run ``run_id``: row indices of its test split."""

    run_id: str
    rows: tuple[int, ...]


def selection(run_id: str) -> tuple[int, ...]:
    """The rows chosen on this run's maps (empty when none, or when chosen on another run)."""
    chosen = session.SELECTION.get()
    return chosen.rows if isinstance(chosen, Selection) and chosen.run_id == run_id else ()


def choose(run_id: str, rows) -> None:
    """Make ``rows`` the selection of run ``run_id`` (empty: no selection); one chosen image
    goes into the URL too."""
    chosen = Selection(run_id, tuple(sorted({int(r) for r in rows})))
    session.SELECTION.set(chosen)
    if len(chosen.rows) == 1:
        st.query_params[POINT_PARAM] = str(chosen.rows[0])
    elif POINT_PARAM in st.query_params:
        del st.query_params[POINT_PARAM]


def restore_point(run_id: str, held_out: int) -> None:
    """Choose the image a link names (``?point=``), unless this run already has a selection;
    a point that is not a held-out image is dropped, with a one-line warning."""
    asked = st.query_params.get(POINT_PARAM)
    chosen = selection(run_id)
    if len(chosen) == 1 and asked != str(chosen[0]):
        st.query_params[POINT_PARAM] = str(chosen[0])  # back on this run: the URL names its point again
    if asked is None or chosen:
        return
    if asked.isascii() and asked.isdigit() and int(asked) < held_out:
        choose(run_id, (int(asked),))
        return
    st.warning(f"The link asks for point '{asked[:20]}', but this run's held-out images are numbered 0 to "
               f"{held_out - 1}: no point is chosen.")
    del st.query_params[POINT_PARAM]


def _on_select(chart: session.Entry, run_id: str) -> None:
    """A box, lasso or click on a map: keep its images. Streamlit calls this only for a change
    made by the user, so an empty event is the user clearing the selection (a double click)."""
    event = chart.get() or {}
    points = event.get("selection", {}).get("points", [])
    choose(run_id, [p["customdata"] for p in points if isinstance(p.get("customdata"), (int, float))])


def class_filter(class_names: tuple[str, ...], labelled: bool) -> tuple[int, ...]:
    """Classes to leave out of both maps (chosen in a multiselect above them)."""
    if not labelled:
        return ()
    left, right = st.columns([4, 1], vertical_alignment="bottom")
    shown = left.multiselect("Classes shown on both maps", class_names, default=list(class_names), key=CLASSES_KEY,
                             bind="query-params", placeholder="Choose classes to show")
    right.toggle("Density contours", key=session.CONTOURS.name, bind="query-params", help="A contour of each class's density: where it is "
                 "crowded, when thousands of points overlap.")
    return tuple(k for k, name in enumerate(class_names) if name not in shown)


def training_toggle(train_images: int) -> bool:
    """Whether to draw the training images beneath the held-out ones (a toggle kept in the URL)."""
    return st.toggle(f"Training images too ({train_images:,} more points, paler)", key=TRAINING_KEY,
                     bind="query-params", help="The model learnt from these: a map that keeps its held-out images where "
                     "its training images of the same class lie has generalised. Only held-out images can be chosen.")


def code_word(config) -> str:
    """What the map shows of an image: a VAE's ``z_mean``, another model's code."""
    return "z_mean" if config.is_variational else "code"


def model_axes(config) -> tuple[str, str]:
    """The titles of the model map's axes: the code's numbers, or the axes of their PCA."""
    code_name = code_word(config)
    if config.latent_dim == 2:
        return f"{code_name} 1", f"{code_name} 2"
    if config.latent_dim == 1:
        return code_name, "(zero)"
    return f"PC 1 of the {config.latent_dim}-number {code_name}", f"PC 2 of the {code_name}"


COLOUR_CLASS, COLOUR_TRUST = "class", "each point's own trustworthiness"
SHOW_ALL, SHOW_WORST, SHOW_DISAGREE = "all points", "the worst placed", "where the model and PCA disagree most"


@dataclasses.dataclass(frozen=True)
class PointQuality:
    """How the maps colour their points: by class, or by each point's own trustworthiness with
    only the ``shown`` rows coloured."""

    by_trust: bool
    shown: np.ndarray


def quality_controls(views: EmbeddingViews) -> PointQuality:
    """The 'colour by' choice and, for trustworthiness, which points to keep coloured."""
    if not views.has_point_trust:
        return PointQuality(False, np.arange(len(views.codes)))
    left, middle, right = st.columns([2, 3, 1], vertical_alignment="bottom")
    colour = left.segmented_control("Colour by", [COLOUR_CLASS, COLOUR_TRUST], default=COLOUR_CLASS,
                                    key="emb_colour") or COLOUR_CLASS
    if colour == COLOUR_CLASS:
        return PointQuality(False, np.arange(len(views.codes)))
    show = middle.selectbox("Show", [SHOW_ALL, SHOW_WORST, SHOW_DISAGREE], key="emb_quality_show")
    n = int(right.number_input("How many", 5, 500, 50, step=5, key="emb_quality_n", disabled=show == SHOW_ALL))
    rated = np.flatnonzero(np.isfinite(views.trust_model))
    if show == SHOW_WORST:
        shown = rated[np.argsort(views.trust_model[rated], kind="stable")[:n]]
    elif show == SHOW_DISAGREE:
        gap = np.abs(views.trust_model[rated] - views.trust_pca[rated])
        shown = rated[np.argsort(-gap, kind="stable")[:n]]
    else:
        shown = rated
    st.caption(f"Each point's own trustworthiness at k = {POINT_TRUST_K}: how few of its {POINT_TRUST_K} nearest "
               "neighbours on that map were not among its nearest in pixel space, weighted by how far they were "
               "(1 none invented; the map's trustworthiness is the mean). Each map is coloured by its own. "
               + {SHOW_ALL: "", SHOW_WORST: f"Coloured: the {n} images the model's map places worst. ",
                  SHOW_DISAGREE: f"Coloured: the {n} images whose trustworthiness differs most between the two maps. "}[show]
               + "Click one to see its neighbours three ways.")
    return PointQuality(True, np.sort(shown))


def linked_maps(info: RunInfo, views: EmbeddingViews, labels: np.ndarray, class_names: tuple[str, ...],
         hidden: tuple[int, ...], training: bool = False, quality: PointQuality | None = None) -> None:
    """The model's map beside PCA's, the chosen images ringed on both, one chosen image crossed;
    with ``training``, the training images beneath."""
    config = info.config
    chosen = np.array(selection(info.run_id), dtype=int)
    one = int(chosen[0]) if len(chosen) == 1 else None
    code_name = code_word(config)
    contours = bool(session.CONTOURS.get())
    ringed = chosen if one is None else None
    behind = {"model": None, "pca": None}
    if training:
        model_points, pca_points, train_labels = cache.training_maps(info.run_id, state.run_key(info.run_id))
        behind = {"model": (model_points, train_labels), "pca": (pca_points, train_labels)}
    left, right = st.columns(2)
    for column, side, points, title, axes in (
        (left, "model", views.model_2d, f"{config.model}: {code_name} of each image", model_axes(config)),
        (right, "pca", views.pca_2d, "PCA: first two components of the pixels", ("PC 1", "PC 2")),
    ):
        if quality is not None and quality.by_trust:
            own = views.trust_model if side == "model" else views.trust_pca
            figure = maps.quality_scatter(points, own, title, axes, quality.shown, one, ringed)
        else:
            figure = maps.embedding_scatter(points, labels, class_names, title, ringed, axes, hidden, contours, one,
                                             behind[side])
        column.plotly_chart(figure, key=MAP_KEYS[side].name, on_select=lambda chart=MAP_KEYS[side]: _on_select(chart, info.run_id),
                            selection_mode=("points", "box", "lasso"))


def chosen_images(info: RunInfo, views: EmbeddingViews, x_test: np.ndarray, y_test: np.ndarray,
                  class_names: tuple[str, ...], labelled: bool) -> None:
    """What the selection shows: one image's neighbourhood, or the chosen images rebuilt."""
    chosen = selection(info.run_id)
    if not chosen:
        st.caption("Click a point to see that image, its reconstructions and its nearest neighbours. Draw a box "
                   "or lasso (the tools at the top right of each map) to see a group of images.")
        return
    st.button("Clear the selection", key="emb_clear", icon=":material/close:", on_click=choose, args=(info.run_id, ()))
    if len(chosen) == 1:
        neighbour_panel(info, chosen[0], views, x_test, y_test, class_names, labelled)
    else:
        selection_panel(info, np.array(chosen), x_test, y_test, class_names, labelled)


def _rebuilt(info: RunInfo, images: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The model's and PCA's reconstructions (N, H, W, C) of float ``images`` of classes
    ``labels`` (N,) (a conditional model is told them), PCA with as many components as the code
    has numbers."""
    bundle = cache.bundle(info.run_id, state.run_key(info.run_id))
    model = inference.reconstruct(bundle, images, labels)
    return model, pca_reconstruction(cache.pixel_pca(info.run_id, state.run_key(info.run_id)), images, info.config.latent_dim)


def neighbour_panel(info: RunInfo, index: int, views: EmbeddingViews, x_test: np.ndarray, y_test: np.ndarray,
                    class_names: tuple[str, ...], labelled: bool) -> None:
    """One image's world: it, both reconstructions, and its nearest neighbours three ways, each
    marked kept (also a pixel-space neighbour) or not."""
    images = to_float(x_test)
    image = images[[index]]
    model, pca = _rebuilt(info, image, y_test[[index]])
    pca_codes = cache.pixel_pca(info.run_id, state.run_key(info.run_id)).transform(images)[:, :info.config.latent_dim]
    near = neighbourhood(index, images, views.codes, pca_codes)
    of_class = f", class {class_names[y_test[index]]}" if labelled else ""
    st.subheader(f"Image {index}{of_class}: its reconstructions and nearest neighbours")
    components = count(info.config.latent_dim, "component")
    image_row([image[0], model[0], pca[0]],
              ["the held-out image", f"the model's reconstruction (MSE {np.mean((model - image) ** 2):.4f})",
               f"PCA with {components} (MSE {np.mean((pca - image) ** 2):.4f})"])
    if info.config.code_grid:
        code_maps_row(views.codes[index], info.config.code_grid, float(views.codes.min()), float(views.codes.max()))
    k = len(near.pixels)

    def names(rows: np.ndarray) -> list[str]:
        return [class_names[y_test[r]] if labelled else f"image {r}" for r in rows]

    code_kept, pca_kept = near.kept(near.code), near.kept(near.pca)
    captioned_row(f"nearest {k} in pixel space (the truth both maps are scored against)", images[near.pixels],
                  [f"{name} · {KEPT_BY[(bool(c), bool(p))]}"
                   for name, c, p in zip(names(near.pixels), ~near.lost_by(near.code), ~near.lost_by(near.pca))])
    captioned_row(f"nearest {k} in the model's code", images[near.code],
                  [f"{name} · {'kept' if kept else 'invented'}" for name, kept in zip(names(near.code), code_kept)])
    captioned_row(f"nearest {k} in PCA's code ({components})", images[near.pca],
                  [f"{name} · {'kept' if kept else 'invented'}" for name, kept in zip(names(near.pca), pca_kept)])
    st.caption(f"The model's code keeps {int(code_kept.sum())} of the {k} pixel-space neighbours; PCA's code keeps "
               f"{int(pca_kept.sum())}. *Invented*: near in the map, not among the {k} nearest in pixels. "
               "Trustworthiness sums this over every image, weighted by how far the invented ones really are.")


def selection_panel(info: RunInfo, chosen: np.ndarray, x_test: np.ndarray, y_test: np.ndarray,
                    class_names: tuple[str, ...], labelled: bool) -> None:
    """A group of chosen images: which classes, the images and both reconstructions."""
    shown = chosen[:MAX_SHOWN]
    images = to_float(x_test[shown])
    model, pca = _rebuilt(info, images, y_test[shown])
    title = count(len(chosen), "selected image") + (f", first {MAX_SHOWN} shown" if len(chosen) > MAX_SHOWN else "")
    st.subheader(title)
    if labelled:
        classes, counts = np.unique(y_test[chosen], return_counts=True)
        order = np.argsort(-counts, kind="stable")
        st.write("Classes in the selection: " + ", ".join(
            f"**{class_names[classes[i]]}** × {counts[i]}" for i in order) + ".")
    image_grid([("original", images), ("model's reconstruction", model),
                (f"PCA's reconstruction ({count(info.config.latent_dim, 'component')})", pca)])


def forming_section(info: RunInfo, labels: np.ndarray, views: EmbeddingViews,
                    class_names: tuple[str, ...]) -> None:
    """The held-out images' codes before training and after every epoch, PCA's map beside."""
    st.subheader("How the map formed, epoch by epoch")
    forming = cache.forming(info.run_id, state.run_key(info.run_id))
    if forming is None:
        st.info("This run was saved before the app kept the codes of every epoch, so its map cannot be replayed. "
                "Train it again to see it form.", icon=":material/history:")
        return
    epoch_maps = forming.maps
    n = epoch_maps.shape[1]
    axes = model_axes(info.config)
    if info.config.latent_dim > 2:
        axes = ("axis 1 of the last epoch's codes", "axis 2")
    left, right = st.columns([3, 2])
    left.plotly_chart(maps.forming_animation(epoch_maps, labels[:n], class_names,
                                              f"The first {n} held-out images' codes, {count(forming.epochs, 'epoch')}",
                                              axes),
                      key="emb_forming")
    right.plotly_chart(maps.embedding_scatter(views.pca_2d[:n], labels[:n], class_names,
                                               "For reference: PCA's map of the same images",
                                               axis_titles=("PC 1", "PC 2")),
                       key="emb_forming_pca")
    st.caption("Press ▶ Play, or drag the slider. Each frame has its own axis range: the first codes span a "
               "small fraction of the last ones." + (" A code of more than two numbers is shown on the "
                                                      "principal axes of its last epoch." if info.config.latent_dim > 2 else ""))
    frames, accuracy, trust = cache.forming_curve(info.run_id, state.run_key(info.run_id))
    st.plotly_chart(charts.forming_curve(frames, accuracy, trust), key="emb_forming_curve")
    st.caption(f"The same {n} images' map scored at each epoch: 5-NN accuracy, each image voted by its 5 nearest "
               "others on that map (not the published protocol's training codes, which are not kept per epoch), and "
               "trustworthiness at k = 5. Where the curves stop rising, the map has formed.")


def prior_sentence(info: RunInfo) -> None:
    """One sentence on how well the codes follow the standard normal prior (``prior_mmd``)."""
    mmd = info.scores.model.prior_mmd
    if mmd is None:
        return
    if info.config.kind.fills_prior:
        how = (f"This {info.config.model} is trained to fill that prior, so a random draw from N(0, I) lands "
               "where its codes are and decodes to a plausible image")
    else:
        how = ("A plain autoencoder is not trained towards any prior: its codes spread at a scale and in a shape "
               "of their own, so a random draw from N(0, I) may land where no code is")
    st.caption(f"Distance from the prior: MMD² {mmd:.3f} between the held-out codes and as many draws from the "
               f"standard normal N(0, I) (0 when they match; kernel width the median distance). {how}.")


def reference_section(info: RunInfo, labelled: bool) -> None:
    """Published scores of 2-D MNIST embeddings, with their source and protocol."""
    if not labelled:
        return
    with st.expander("Published figures for 2-D embeddings of MNIST, to read these scores against"):
        st.dataframe(reference_table(), width="content")
        train_images = info.scores.train_images
        ours = f"{train_images:,}" if isinstance(train_images, int) else "fewer"
        st.caption(f"Source: {REFERENCE_SOURCE}. Protocol: {REFERENCE_PROTOCOL} This run was fitted on {ours} "
                   f"training images of {dataset_title(info.config.dataset)} and scored on its own held-out split, so the "
                   "figures are the same measures, not the same experiment.")


def code_size_section(info: RunInfo) -> None:
    """Error and kNN accuracy against code size: PCA at every size, this kind's runs of the same
    settings from the store, and a button that queues the missing sizes."""
    from aemodels.scoring import curve
    from aemodels.ui import training

    st.subheader("Is an autoencoder better than PCA? By code size")
    home, config = state.home_key(), info.config
    base = curve.sweep_config(config, config.latent_dim)
    model = curve.model_curve(state.runs(), base)
    pca = cache.pca_curve(base, home)
    st.plotly_chart(charts.code_size_curves(model, pca, config.model), key="emb_code_sizes")
    sentence = curve.ratio_text(model, pca)
    missing = curve.missing_sizes(model)
    sizes = " ".join(str(size) for size in curve.SWEEP_SIZES)
    st.caption((sentence + " " if sentence else "") + f"Points of this {config.model}: its runs with these settings "
               f"at other code sizes (plain, same data, seed and training). From the command line: "
               f"`python -m aemodels sweep --model {config.model} --dataset {config.dataset} --latent-dims {sizes}`.")
    queued = [size for size in missing if training.queued(curve.sweep_config(base, size)) is not None]
    missing = [size for size in missing if size not in queued]
    if queued:
        st.caption(f"Already queued or training: code {'sizes' if len(queued) > 1 else 'size'} "
                   f"{', '.join(map(str, queued))}. Their points appear when they are saved.")
    if missing and access.limited():
        st.caption("In this public app a visitor trains one model at a time: train the missing sizes one by one "
                   "on **Train**.")
    elif missing:
        st.button(f"Train the missing sizes ({', '.join(map(str, missing))})", key="emb_sweep",
                  icon=":material/play_arrow:", on_click=_train_sizes, args=(base, missing))


def _train_sizes(base, sizes: list[int]) -> None:
    """The sweep button's callback: one training per code size, queued before the page that follows."""
    from aemodels.scoring import curve
    from aemodels.ui import training

    with callback_errors():
        for size in sizes:
            training.start(curve.sweep_config(base, size))
