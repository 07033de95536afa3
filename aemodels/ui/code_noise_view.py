"""Latent explorer's "Noise in the code" (the lesson's Task 2): a slider adds noise to held-out
images' codes, the decoded images show what it does, and a curve compares the current run with
the newest run of each other embedding kind on the same data and code size."""

from __future__ import annotations

import streamlit as st

from aemodels.data.datasets import to_float
from aemodels.data.splits import Split
from aemodels.models import inference
from aemodels.scoring.code_noise import CURVE_IMAGES, CodeNoiseCurve, code_noise_curve, noisy_codes
from aemodels.store.run_folder import RunInfo
from aemodels.ui import cache, session, state
from aemodels.ui.figures import charts
from aemodels.ui.guard import run_fragment
from aemodels.ui.images import image_grid

SHOWN = 8
COMPARED_SIZE = 1.0


@st.cache_data(max_entries=16, show_spinner="Adding noise to the codes of held-out images…")
def curve(run_id: str, run_key: str) -> CodeNoiseCurve:
    """The run's ``code_noise_curve`` on its first ``CURVE_IMAGES`` held-out images (a VAE's mean codes)."""
    info = state.run_info(run_id)
    bundle = cache.bundle(run_id, run_key)
    x_test, y_test = cache.held_out(Split.of(info.config), state.home_key())
    images, labels = to_float(x_test[:CURVE_IMAGES]), y_test[:CURVE_IMAGES]
    return code_noise_curve(lambda x: inference.encode(bundle, x, labels),
                            lambda z: inference.decode(bundle, z, labels), images, info.config.seed)


def companions(info: RunInfo) -> list[RunInfo]:
    """The newest sound run of each other embedding kind on the same data with the same code size
    (a VAE of β 1 before others: the lesson's VAE)."""
    chosen: dict[str, RunInfo] = {}
    fitting = [other for other in state.runs() if not other.broken and other.run_id != info.run_id
               and other.config.has_embedding and other.config.model != info.config.model
               and other.config.dataset == info.config.dataset and other.config.latent_dim == info.config.latent_dim]
    for other in sorted(fitting, key=lambda run: run.config.beta != 1):  # stable: newest first within each
        chosen.setdefault(other.config.model, other)
    return list(chosen.values())


def _label(info: RunInfo) -> str:
    return f"{info.config.model}{f' β {info.config.beta:g}' if info.config.is_variational and info.config.beta != 1 else ''}" \
           f" ({info.name or info.run_id[-6:]})"


@run_fragment
def section(run_id: str) -> None:
    """The slider, the held-out images decoded from clean and noisy codes, and the curves."""
    info = state.run_info(run_id)
    st.subheader("Noise in the code")
    size = st.slider("Noise added to the codes", 0.0, 2.0, 0.5, 0.05, key=session.CODE_NOISE.name,
                     bind="query-params", help="In units of each code number's standard deviation over the held-out "
                                               "images, so that models whose codes have different scales compare.")
    bundle = cache.bundle(run_id, state.run_key(run_id))
    x_test, y_test = cache.held_out(Split.of(info.config), state.home_key())
    images, labels = to_float(x_test[:CURVE_IMAGES]), y_test[:CURVE_IMAGES]
    codes = inference.encode(bundle, images, labels)
    noisy = noisy_codes(codes, size, info.config.seed)[:SHOWN]
    image_grid([("held-out images", images[:SHOWN]),
                ("decoded from their codes", inference.decode(bundle, codes[:SHOWN], labels[:SHOWN])),
                (f"decoded from their codes plus noise of {size:g} standard deviations",
                 inference.decode(bundle, noisy, labels[:SHOWN]))], SHOWN)
    mine = _label(info)
    curves = {mine: curve(run_id, state.run_key(run_id))}
    prior = {mine: info.config.fills_prior}
    for other in companions(info):
        curves[_label(other)] = curve(other.run_id, state.run_key(other.run_id))
        prior[_label(other)] = other.config.fills_prior
    st.plotly_chart(charts.code_noise_curves(curves, mine, size), key="code_noise_curve")
    st.caption(_reading(curves, mine, prior) + f" Each curve: the first {curves[mine].images} held-out images "
               "of its run.")


def _reading(curves: dict[str, CodeNoiseCurve], mine: str, fills_prior: dict[str, bool]) -> str:
    """What the curves show at one standard deviation, in words; ``fills_prior`` says which curves
    are of kinds trained to fill a prior (VAE, AAE)."""
    growth = {label: curve.growth(COMPARED_SIZE) for label, curve in curves.items()}
    words = f"Noise of one standard deviation multiplies this run's error by {growth[mine]:.1f}"
    others = [f"{label}'s by {value:.1f}" for label, value in growth.items() if label != mine]
    if not others:
        return words + ". Train another kind of model on the same data with the same code size to compare."
    words += ", " + ", ".join(others) + "."
    filling = [growth[label] for label in curves if fills_prior[label]]
    plain = [growth[label] for label in curves if not fills_prior[label]]
    if filling and plain:
        if max(filling) < min(plain):
            words += (" Here the codes of the kinds trained to fill a prior tolerate the noise better than a plain "
                      "autoencoder's: a VAE samples each code around its mean while it trains, and an adversarial "
                      "autoencoder's codes are pushed to spread like the prior, so nearby codes decode to similar "
                      "images; a plain autoencoder's decoder only ever saw exact codes.")
        else:
            words += (" Here the kinds trained to fill a prior (VAE, AAE) do not all tolerate the noise better than "
                      "a plain autoencoder: compare runs trained longer, with the same settings.")
    return words
