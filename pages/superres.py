"""Super-resolution: shrink held-out images by a factor, compare the model with interpolation."""

import numpy as np
import streamlit as st

from aemodels.data.corruption import low_resolution_size
from aemodels.data.datasets import to_float
from aemodels.data.splits import Split
from aemodels.kinds import Screen
from aemodels.models import inference
from aemodels.scoring import metrics
from aemodels.scoring.scores import SuperresScores
from aemodels.ui import cache, other_data, state
from aemodels.ui.entry import require_app
from aemodels.ui.figures import charts
from aemodels.ui.guard import run_fragment
from aemodels.ui.images import image_row
from aemodels.ui.runs import require_run, run_label
from aemodels.ui.screens import show_heading
from aemodels.ui.verdict import warn_if_beaten

require_app(__file__)

SHOWN = 3

show_heading(__file__)
st.write("Each held-out image is shrunk by the factor below (pixels averaged), then blown back up "
         "to full size: by repeating pixels (nearest), by bicubic and Lanczos interpolation, and by the "
         "model, which starts from the bicubic image and learnt to restore the detail that was lost.")

info = require_run(Screen.SUPER_RESOLUTION)
NOISE_WORDS = ("Here nothing was shrunk: each small image is random pixels. There is no lost detail to put back, so "
               "whatever the model adds is what it learnt to add to every image: it sharpens the blur of bicubic "
               "into the edges and contrasts its training images had. It invents texture, not a picture, and on "
               "data unlike its own the same habit is what costs it its margin.")


def gain_sentence(summary: SuperresScores, images, run_id: str) -> str:
    """The model's mean PSNR gain over the classical upscalers, in words (runs scored before
    Lanczos was compared carry their gain over bicubic only)."""
    if summary.gain_db is None:
        gain = summary.bicubic_gain_db or 0.0
        return (f"On average over its trained factors the model {'beats' if gain >= 0 else 'trails'} **bicubic** by "
                f"{abs(gain):.2f} dB of PSNR ({images} held-out images). It was scored before Lanczos was compared; "
                f"the rows above and `python -m aemodels evaluate {run_id}` compare with it.")
    gain = summary.gain_db
    return (f"On average over its trained factors the model **{'beats' if gain >= 0 else 'trails'} the best "
            f"classical interpolation (bicubic or Lanczos) by {abs(gain):.2f} dB** of PSNR ({images} held-out images).")


@run_fragment
def factor_view(run_id: str) -> None:
    """The factor slider and the rows of views with their PSNR; reruns alone."""
    info = state.run_info(run_id)
    config, home = info.config, state.home_key()
    trained = sorted(config.upscale_factors)
    factor = st.slider("Upscale factor", 2, 8, trained[0], key="factor", bind="query-params",
                       help=f"The model was trained on factors {', '.join(map(str, trained))}.")
    if factor not in trained:
        st.caption(f"×{factor} is not one of the factors the model trained on.")
    if st.toggle("Give it pure noise instead of a shrunk image", key="superres_noise", bind="query-params"):
        noise_view(run_id, factor)
        return
    x_test, _ = cache.held_out(Split.of(config), home)
    clean = to_float(x_test[:SHOWN])
    views = inference.super_resolve(cache.bundle(run_id, state.run_key(run_id)), clean, factor)
    for i in range(SHOWN):
        psnr = {name: float(metrics.psnr(clean[i:i + 1], views[name][i:i + 1])[0])
                for name in ("nearest", "bicubic", "lanczos", "model")}
        low = views["low"][i]
        image_row([low, views["nearest"][i], views["bicubic"][i], views["lanczos"][i], views["model"][i], clean[i]],
                  [f"low-res {low.shape[0]}×{low.shape[1]}", f"nearest {psnr['nearest']:.1f} dB",
                   f"bicubic {psnr['bicubic']:.1f} dB", f"Lanczos {psnr['lanczos']:.1f} dB",
                   f"model {psnr['model']:.1f} dB", "original"])
    summary = info.scores.superres
    if summary is not None and summary.factors:
        st.markdown(gain_sentence(summary, info.scores.test_images or "?", run_id))
        st.plotly_chart(charts.superres_bars(summary.factors, factor), key="superres_bars")


def noise_view(run_id: str, factor: int) -> None:
    """The lesson's exercise: random low-resolution pixels, blown up by bicubic and by the model."""
    info = state.run_info(run_id)
    height, width, channels = info.meta["image_shape"]
    low_size = low_resolution_size(height, width, factor)
    low = np.random.default_rng(info.config.seed).random((SHOWN, *low_size, channels)).astype(np.float32)
    views = inference.upscale_low(cache.bundle(run_id, state.run_key(run_id)), low, (height, width))
    for i in range(SHOWN):
        image_row([low[i], views["bicubic"][i], views["model"][i]],
                  [f"noise {low_size[0]}×{low_size[1]}", f"bicubic ×{factor}", "model"])
    st.markdown(NOISE_WORDS)


if info is not None:
    st.caption(f"Run: {run_label(info)}")
    warn_if_beaten(info)
    factor_view(info.run_id)
    other_data.section(info.run_id)
