"""The latent explorer's parts: sliders and a clickable map in step, interpolation between chosen
ends, samples; for VAEs and, since their decoder exists too, for plain autoencoders.

The sliders are bound to the URL (``bind="query-params"``, keys ``z1``, ``z2``, …), so a link
reopens the same point. A click on the map sets the first two sliders.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import streamlit as st

from aemodels.data.datasets import to_float
from aemodels.data.splits import Split
from aemodels.models import inference
from aemodels.scoring.latent_layers import plane_codes
from aemodels.store.run_folder import RunInfo
from aemodels.ui import cache, session, state
from aemodels.ui.figures import maps
from aemodels.ui.guard import run_fragment
from aemodels.ui.images import code_maps_row, image_grid, image_row, png_data_url, tiled
from aemodels.ui.timing import timed

MAX_SLIDERS = 8
GRID_SIDE = 15
GRID_SPREAD = 2.5  # the decoded grid spans this many standard deviations of the codes each way
INTERPOLATION_STEPS = 8
SAMPLES = 10
DECODED_SIDE = 196  # pixels on screen for the decoded image
SLIDER_STEPS = 60  # a plain autoencoder's slider crosses its codes' range in this many steps
MAP_POINTS = 300  # held-out codes on the map: it is redrawn on every slider move


def grid_axes(codes: np.ndarray, side: int, dims: tuple[int, int], spread: float) -> tuple[np.ndarray, np.ndarray]:
    """The decoded grid's tile centres along ``dims`` (two arrays of ``side`` values, code units):
    ±``spread`` standard deviations of ``codes`` (N, D) around their mean."""
    mean, std = codes.mean(axis=0), codes.std(axis=0) + 1e-6
    a, b = dims
    return (np.linspace(mean[a] - spread * std[a], mean[a] + spread * std[a], side),
            np.linspace(mean[b] - spread * std[b], mean[b] + spread * std[b], side))


def grid_extent(codes: np.ndarray, side: int | None = None, dims: tuple[int, int] = (0, 1),
                spread: float | None = None) -> tuple[float, float, float, float]:
    """(x_min, x_max, y_min, y_max) of the decoded-grid map in code units: the outer edges of its
    tiles, each tile centred on the code it shows. A click anywhere in it is a code the sliders reach."""
    xs, ys = grid_axes(codes, side or GRID_SIDE, dims, GRID_SPREAD if spread is None else spread)
    half_x, half_y = (xs[1] - xs[0]) / 2, (ys[1] - ys[0]) / 2
    return float(xs[0] - half_x), float(xs[-1] + half_x), float(ys[0] - half_y), float(ys[-1] + half_y)


@st.cache_data(max_entries=4, show_spinner="Decoding the grid…")
def manifold(run_id: str, home: str, side: int, dims: tuple[int, int], spread: float,
             label: int | None = None) -> tuple[str, tuple]:
    """``side``×``side`` decoded images over two latent coordinates, the others at their mean
    (a conditional model's in class ``label``).

    Returns (the grid as one picture, ``maps.grid_picture``, highest value of ``dims[1]`` on top;
    extent ``grid_extent`` in latent units). The tile centres span ±``spread`` standard deviations
    of the held-out codes around their mean, decoded in one batched call.
    """
    codes = cache.embedding_views(run_id, state.run_key(run_id)).codes
    xs, ys = grid_axes(codes, side, dims, spread)
    images = inference.decode(cache.bundle(run_id, state.run_key(run_id)), plane_codes(codes, xs, ys, dims), label)
    return (maps.grid_picture(images.reshape(side, side, *images.shape[1:])),
            grid_extent(codes, side, dims, spread))


@dataclasses.dataclass(frozen=True)
class SliderScale:
    """One latent coordinate's slider: range, step and starting value, in code units."""

    low: float
    high: float
    step: float
    start: float

    def snap(self, value: float) -> float:
        """``value`` clipped to the range and rounded to a step."""
        steps = round((min(max(value, self.low), self.high) - self.low) / self.step)
        return float(round(self.low + steps * self.step, 6))


def slider_scales(codes: np.ndarray, has_prior: bool) -> list[SliderScale]:
    """A slider per coordinate of ``codes`` (N, D). A kind that fills the prior N(0, I) (a VAE, an
    AAE) has them in the prior's units, -3 to 3 from 0; a plain autoencoder has no prior, so its
    sliders span its held-out codes, from their mean. Either way the first two also reach every point of the decoded-grid map
    (``grid_extent``), so a click anywhere on it decodes where it landed."""
    reach = {}
    if codes.shape[0] > 1 and codes.shape[1] >= 2:
        x0, x1, y0, y1 = grid_extent(codes)
        reach = {0: (x0, x1), 1: (y0, y1)}
    if has_prior:
        scales = []
        for i in range(codes.shape[1]):
            low, high = reach.get(i, (-3.0, 3.0))
            scales.append(SliderScale(min(-3.0, float(np.floor(low * 10) / 10)),
                                      max(3.0, float(np.ceil(high * 10) / 10)), 0.1, 0.0))
        return scales
    scales = []
    for i, (low, high, mean) in enumerate(zip(codes.min(axis=0), codes.max(axis=0), codes.mean(axis=0))):
        pad = 0.05 * (high - low) + 1e-3
        low, high = low - pad, high + pad
        if i in reach:
            low, high = min(low, reach[i][0]), max(high, reach[i][1])
        step = float(f"{(high - low) / SLIDER_STEPS:.1g}")
        low, high = np.floor(low / step) * step, np.ceil(high / step) * step
        scale = SliderScale(float(round(low, 6)), float(round(high, 6)), step, 0.0)
        scales.append(dataclasses.replace(scale, start=scale.snap(float(mean))))
    return scales


def slider_key(i: int) -> str:
    """The session and URL key of coordinate ``i`` (from 0): ``z1``, ``z2``, …"""
    return session.COORDINATE(i + 1).name


def start_run(info: RunInfo, scales: list[SliderScale]) -> None:
    """Put the sliders at their starting values when the explorer turns to another run (a URL's
    values stand on a first visit)."""
    previous = session.LATENT_RUN.get()
    if previous != info.run_id:
        if previous is not None:
            for i, scale in enumerate(scales[:MAX_SLIDERS]):
                session.COORDINATE(i + 1).set(scale.start)
        session.LATENT_ENDS.set([])
        session.LATENT_RUN.set(info.run_id)


def _on_map_click(scales: list[SliderScale], dims: tuple[int, int]) -> None:
    """A click on the map: the sliders of the map's two coordinates go to the clicked point,
    which is also kept as an interpolation end."""
    event = session.LATENT_MAP.get() or {}
    points = event.get("selection", {}).get("points", [])
    if not points:
        return
    x, y = float(points[0]["x"]), float(points[0]["y"])
    for i, value in zip(dims, (x, y)):
        if i < MAX_SLIDERS:
            session.COORDINATE(i + 1).set(scales[i].snap(value))
    session.LATENT_ENDS.set((session.LATENT_ENDS.get([]) + [(x, y)])[-2:])
    session.LATENT_ENDS_CHANGED.set(True)


@run_fragment
@timed("latent_sliders")
def explorer(info: RunInfo, labels: np.ndarray, class_names: tuple[str, ...], label: int | None = None) -> None:
    """Sliders, the decoded image and the clickable map, redrawn together on every move.

    ``labels`` (the held-out images' classes) and ``class_names`` come from the page's full run:
    a fragment rerun reuses them instead of copying the dataset out of the cache on every move.
    ``label``: the class a conditional model decodes (``class_picker``)."""
    if session.LATENT_ENDS_CHANGED.pop(False):
        st.rerun(scope="app")  # the interpolation below the fragment uses the clicked ends
    config = info.config
    codes = cache.embedding_views(info.run_id, state.run_key(info.run_id)).codes
    scales = slider_scales(codes, config.fills_prior)
    shown = min(MAX_SLIDERS, codes.shape[1])
    unit = "the prior's standard deviations: 0 is its centre" if config.fills_prior else "code units"
    left, right = st.columns([3, 2])
    with right:
        z = np.array([scale.start for scale in scales], np.float32)
        for i in range(shown):
            scale = scales[i]
            # The start goes in by key, as a click on the map does: a widget given a value and also
            # set through the session state makes Streamlit log a warning with a stack.
            session.COORDINATE(i + 1).setdefault(scale.start)
            z[i] = st.slider(f"z{i + 1}", scale.low, scale.high, step=scale.step, key=slider_key(i),
                             bind="query-params", help=f"In {unit}; the held-out codes average {codes[:, i].mean():.2f}.")
        image = inference.decode(cache.bundle(info.run_id, state.run_key(info.run_id)), z[None], label)[0]
        image_row([image], ["decoded from z = (" + ", ".join(f"{v:.2f}" for v in z[:shown])
                            + (", …" if codes.shape[1] > shown else "") + ")"], DECODED_SIDE)
        if codes.shape[1] > shown:
            st.caption(f"The other {codes.shape[1] - shown} coordinates stay at their starting values.")
    with left:
        if codes.shape[1] >= 2:
            _map(info, codes, scales, z, labels, class_names, label)
        else:
            st.caption("A code of one number has no 2-D map: move the slider.")


def _map(info: RunInfo, codes: np.ndarray, scales: list[SliderScale], z: np.ndarray, labels: np.ndarray,
         class_names: tuple[str, ...], label: int | None) -> None:
    home = state.home_key()
    dims = (0, 1)
    picture, extent = manifold(info.run_id, home, GRID_SIDE, dims, GRID_SPREAD, label)
    shown = slice(0, MAP_POINTS)
    layers = cache.embedding_views(info.run_id, state.run_key(info.run_id)).layers
    offered = [LAYER_NONE] + ([] if layers is None else [LAYER_STRETCH] + ([LAYER_CONFIDENCE] if layers.confidence is not None else []))
    chosen = LAYER_NONE
    if len(offered) > 1:
        chosen = st.segmented_control("Over the map", offered, default=LAYER_NONE, key="latent_layer") or LAYER_NONE
    figure = maps.latent_map(picture, extent, codes[shown][:, list(dims)], labels[shown], class_names,
                              ("z1", "z2"), (float(z[0]), float(z[1])), session.LATENT_ENDS.get([]),
                              _map_layer(layers, chosen))
    st.plotly_chart(figure, key=session.LATENT_MAP.name, on_select=lambda: _on_map_click(scales, dims), selection_mode="points")
    st.caption("Click anywhere on the map to decode that point: z1 and z2 follow, and the red cross marks the "
               "sliders' point." + (" The grid holds the other coordinates at their mean." if codes.shape[1] > 2 else ""))
    if chosen != LAYER_NONE:
        st.caption(_layer_words(info, layers, chosen))
    elif info.config.kind.conditional:
        st.caption("The map's layers are not measured for a conditional model: each class has a decoded plane of its "
                   "own. The dots are the held-out images' style codes, coloured by their class.")
    elif layers is None:
        st.caption("This run was scored before the decoder's stretch and its classes' confidence were kept with runs: "
                   "train it again to see them.")


LAYER_NONE, LAYER_STRETCH, LAYER_CONFIDENCE = "decoded images only", "stretch", "which class?"


def _map_layer(layers, chosen: str) -> maps.MapLayer | None:
    if layers is None or chosen == LAYER_NONE:
        return None
    xs, ys = layers.axes
    if chosen == LAYER_STRETCH:
        return maps.MapLayer(xs, ys, layers.stretch, "stretch", "Magma", 0.0, float(np.percentile(layers.stretch, 98)))
    return maps.MapLayer(xs, ys, layers.confidence, "top class prob.", "RdYlGn", 0.0, 1.0)


def _layer_words(info: RunInfo, layers, chosen: str) -> str:
    """How to read the chosen layer, with the run's figures."""
    where = ("the prior's range, ±3 on z1 and z2" if info.config.fills_prior
             else "the range of the held-out codes on z1 and z2")
    if chosen == LAYER_STRETCH:
        low, high = np.percentile(layers.stretch, [10, 90])
        return (f"How much the decoded image changes per unit step of the code, over {where} (a 20×20 grid): the "
                "length of the pixel change (intensities 0 to 1) per code unit, averaged over a step along z1 and "
                f"along z2. Bright tiles are where the decoder stretches: a small move there changes the image a "
                f"lot, typically between classes; dark tiles, inside a class, change it little. Here it runs from "
                f"{low:.2g} to {high:.2g} (10th to 90th percentile). That is why distances on a plain autoencoder's "
                "map are not to be read as differences between images.")
    reader = info.metrics.get("reader", {})
    share = info.scores.model.nonsense_share
    return (f"The top class probability that a classifier of this data gives each decoded tile, over {where} "
            f"(a 20×20 grid). Red tiles decode to images it cannot call any one class: blends and blurs. "
            f"{share:.0%} of the tiles are below one half (the run's nonsense share). Green is no proof of a "
            "plausible image: far from its codes a decoder may draw bold, repeated strokes that no image of the data "
            "looks like, and a classifier still reads them with confidence. The classifier: "
            f"{reader.get('name', 'a classifier')}, fitted on this run's training images, right on "
            f"{reader.get('held_out_accuracy', float('nan')):.1%} of its held-out images.")


def interpolation(info: RunInfo, labelled: bool, class_names: tuple[str, ...], label: int | None = None) -> None:
    """Decode evenly spaced codes between two ends: typical images of two classes, two points
    clicked on the map, or two held-out images by index (a conditional model in class ``label``)."""
    home, config = state.home_key(), info.config
    x_test, y_test = cache.held_out(Split.of(config), home)
    bundle = cache.bundle(info.run_id, state.run_key(info.run_id))
    codes = cache.embedding_views(info.run_id, state.run_key(info.run_id)).codes
    st.subheader("Interpolate between two ends")
    present = [name for k, name in enumerate(class_names) if (y_test == k).any()]
    ways = ((["two classes"] if labelled and len(present) >= 2 else [])
            + (["the last two points clicked on the map"] if codes.shape[1] >= 2 else []) + ["two held-out images"])
    way = st.radio("Ends", ways, horizontal=True, key="interp_way", bind="query-params",
                   label_visibility="collapsed")
    originals = None
    if way == "two classes":
        a, b = st.columns(2)
        first = a.selectbox("From a typical", present, index=min(3, len(present) - 1), key="interp_from",
                            bind="query-params")
        second = b.selectbox("into a typical", present, index=min(8, len(present) - 1), key="interp_to",
                             bind="query-params")
        rows = [typical_example(codes, y_test, class_names.index(name)) for name in (first, second)]
        ends, originals = codes[rows], to_float(x_test[rows])
        words = f"a typical {first} into a typical {second}"
    elif way == "two held-out images":
        a, b = st.columns(2)
        rows = [a.number_input("First image (index)", 0, len(x_test) - 1, 0, key="interp_a", bind="query-params"),
                b.number_input("Second image (index)", 0, len(x_test) - 1, min(1, len(x_test) - 1), key="interp_b",
                                bind="query-params")]
        ends, originals = codes[rows], to_float(x_test[rows])
        words = f"held-out image {rows[0]} into image {rows[1]}"
    else:
        clicked = session.LATENT_ENDS.get([])
        if len(clicked) < 2:
            st.caption(f"Click two points on the map above ({len(clicked)} so far): they become the ends.")
            return
        ends = np.tile(codes.mean(axis=0), (2, 1)).astype(np.float32)
        ends[:, :2] = np.array(clicked, np.float32)
        words = "clicked point 1 into clicked point 2"
    steps = np.linspace(0, 1, INTERPOLATION_STEPS)[:, None]
    path = inference.decode(bundle, ((1 - steps) * ends[0] + steps * ends[1]).astype(np.float32), label)
    if label is not None:
        words += f", decoded as {class_names[label]}"
    if originals is not None:
        image_grid([(f"{words}: the originals at the ends, decoded along a straight line in latent space between",
                     np.concatenate([originals[:1], path, originals[1:]]))], INTERPOLATION_STEPS + 2)
    else:
        image_grid([(f"{words}, decoded along a straight line in latent space", path)], INTERPOLATION_STEPS)


def typical_example(codes: np.ndarray, labels: np.ndarray, label: int) -> int:
    """The row of the held-out image of class ``label`` whose code is nearest the class's median
    code: a typical member, not an outlier."""
    rows = np.flatnonzero(labels == label)
    centre = np.median(codes[rows], axis=0)
    return int(rows[np.argmin(((codes[rows] - centre) ** 2).sum(axis=1))])


@run_fragment
def samples(info: RunInfo, label: int | None = None) -> None:
    """Decode random codes: from the prior N(0, I) of a kind that fills it (VAE, AAE; a
    conditional one in class ``label``), uniform over each number's range for a code with a shape
    (the notebook's recipe), or from a Gaussian fitted to a plain autoencoder's held-out codes."""
    bundle = cache.bundle(info.run_id, state.run_key(info.run_id))
    st.subheader("Random samples" + (" from the prior" if info.config.fills_prior else ""))
    if st.button("Draw new samples", key="resample"):
        session.SAMPLE_SEED.set(session.SAMPLE_SEED.get(0) + 1)
    rng = np.random.default_rng(session.SAMPLE_SEED.get(0))
    if info.config.fills_prior:
        codes = rng.standard_normal((SAMPLES, info.config.latent_dim)).astype(np.float32)
        words = "codes drawn from a standard normal distribution, the prior"
    elif info.config.code_grid:
        held_out = cache.embedding_views(info.run_id, state.run_key(info.run_id)).codes
        low, high = held_out.min(axis=0), held_out.max(axis=0)
        codes = (low + (high - low) * rng.random((SAMPLES, held_out.shape[1]))).astype(np.float32)
        words = ("codes drawn as the notebook draws them, each number uniform over its range (the notebook's "
                 "7 · rand(4, 4, 8) spans its codes' 0 to 7; here each number spans its held-out codes' range): "
                 "the numbers of real codes are not independent, so these decode to strokes and blots, not digits")
    else:
        held_out = cache.embedding_views(info.run_id, state.run_key(info.run_id)).codes.astype(np.float64)
        cov = np.atleast_2d(np.cov(held_out, rowvar=False))
        codes = rng.multivariate_normal(held_out.mean(axis=0), cov, SAMPLES).astype(np.float32)
        words = ("codes drawn from a normal distribution fitted to the held-out codes: some land between the "
                 "classes' clusters, where this decoder was never trained")
    image_grid([(words, inference.decode(bundle, codes, label))], SAMPLES)


def class_picker(info: RunInfo, class_names: tuple[str, ...]) -> int | None:
    """The class a conditional model decodes everywhere on the screen (None for other kinds)."""
    if not info.config.kind.conditional:
        return None
    name = st.segmented_control("Decode as class", class_names, default=class_names[min(7, len(class_names) - 1)],
                                key=session.LATENT_CLASS.name, bind="query-params") or class_names[0]
    return class_names.index(name)


CLASS_GRID_STYLES = 8
CLASS_GRID_WIDTH = 480  # pixels on screen for the classes × styles grid


@run_fragment
def class_grid(info: RunInfo, class_names: tuple[str, ...]) -> None:
    """A conditional model's classes × styles: one row per class, one column per style code drawn
    from the prior, the same style across each column."""
    st.subheader("Every class in the same styles")
    if st.button("Draw new styles", key="restyle"):
        session.STYLE_SEED.set(session.STYLE_SEED.get(0) + 1)
    styles = np.random.default_rng(session.STYLE_SEED.get(0)).standard_normal(
        (CLASS_GRID_STYLES, info.config.latent_dim)).astype(np.float32)
    bundle = cache.bundle(info.run_id, state.run_key(info.run_id))
    classes = np.arange(len(class_names))
    images = inference.decode(bundle, np.tile(styles, (len(classes), 1)), np.repeat(classes, CLASS_GRID_STYLES))
    grid = tiled(images.reshape(len(classes), CLASS_GRID_STYLES, *images.shape[1:]))
    st.image(png_data_url(grid, CLASS_GRID_WIDTH), width=CLASS_GRID_WIDTH,
             caption=f"One row per class, top to bottom: {', '.join(class_names)}; one column per style.")
    accuracy = info.scores.model.conditional_accuracy
    reader = info.metrics.get("reader", {})
    if accuracy is not None:
        st.caption(
            f"Each column is one style code drawn from the prior N(0, I), decoded under every class. The class is "
            f"told, the style is the code: what the code keeps is what the classes share (slant, width, size). "
            f"Over 100 random styles per class, a classifier of this data reads {accuracy:.1%} of the decoded images "
            f"as the class they were decoded for (it reads {reader.get('held_out_accuracy', float('nan')):.1%} of "
            f"the real held-out images right).")


def code_maps(info: RunInfo, x_test: np.ndarray) -> None:
    """A shaped code drawn as the notebook draws it: one small image per channel, for a chosen
    held-out image, beside the image and its reconstruction."""
    height, width, channels = info.config.code_grid
    st.subheader(f"The code as {channels} maps of {height}×{width}")
    index = st.columns([1, 3])[0].number_input("Held-out image (index)", 0, len(x_test) - 1, 0,
                                               key=session.CODE_IMAGE.name, bind="query-params")
    codes = cache.embedding_views(info.run_id, state.run_key(info.run_id)).codes
    low, high = float(codes.min()), float(codes.max())
    bundle = cache.bundle(info.run_id, state.run_key(info.run_id))
    image = to_float(x_test[index:index + 1])
    image_row([image[0], inference.decode(bundle, codes[index:index + 1])[0]], ["the image", "decoded from its code"])
    code_maps_row(codes[index], info.config.code_grid, low, high)
    st.caption(f"The {height}×{width}×{channels} = {info.config.latent_dim} numbers of the code, each channel drawn "
               "as a small grey image. The encoder keeps where strokes are: its maps are a coarse picture of the "
               "image, and the decoder draws the strokes back from them.")


def shaped_code_note(info: RunInfo) -> None:
    """What the flat-code parts of the screen show for a code with a shape."""
    if info.config.code_grid:
        height, width, channels = info.config.code_grid
        shown = min(MAX_SLIDERS, info.config.latent_dim)
        st.info(f"This code has a shape: {channels} maps of {height}×{width} ({info.config.latent_dim} numbers, read "
                f"row by row with the channels last). The sliders move its first {shown} numbers, the channels of "
                f"the maps' top-left corner{' and then the next position' if shown > channels else ''}; the map plots "
                "the first two. The maps themselves are drawn below.")
