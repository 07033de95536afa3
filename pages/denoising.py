"""Denoising: corrupt held-out images with a slider, compare the model with classical filters."""

import streamlit as st

from aemodels.data.corruption import add_noise
from aemodels.data.datasets import to_float
from aemodels.data.splits import Split
from aemodels.kinds import Screen
from aemodels.models import inference
from aemodels.scoring import baselines
from aemodels.scoring.scores import DenoisingLevel
from aemodels.settings import NOISE_KINDS
from aemodels.ui import cache, other_data, state
from aemodels.ui.entry import require_app
from aemodels.ui.figures import charts
from aemodels.ui.guard import run_fragment
from aemodels.ui.images import image_row
from aemodels.ui.runs import require_run, run_label
from aemodels.ui.screens import show_heading
from aemodels.ui.verdict import warn_if_beaten

require_app(__file__)

SHOWN = 4

show_heading(__file__)
st.write("The denoiser learnt to turn noisy images back into clean ones, over a whole range of "
         "noise levels. Move the slider to corrupt held-out images and compare its output with the "
         "best classical filter: Gaussian blur, median, non-local means or total variation, each at "
         "its setting chosen on training images.")

info = require_run(Screen.DENOISING)


def filter_table(scores: DenoisingLevel) -> None:
    """Each classical family at its chosen setting, beside the model, at this noise level."""
    rows = [{"denoiser": "the model", "setting": "", "PSNR dB": round(scores.model_psnr, 2),
             "SSIM": round(scores.model_ssim, 3)}]
    rows += [{"denoiser": family, "setting": row["setting"], "PSNR dB": round(row["psnr"], 2),
              "SSIM": round(row["ssim"], 3)} for family, row in scores.filters.items()]
    with st.expander("Every classical filter at this level"):
        st.dataframe(rows, hide_index=True, width="stretch")
        st.caption(f"Each filter's setting is the one with the best PSNR on {baselines.VALIDATION_IMAGES} training "
                   "images with their own noise at this level; the scores are on the held-out images above.")


@run_fragment
def noise_view(run_id: str) -> None:
    """Slider + radio, the image rows and the scores at that level; reruns alone."""
    info = state.run_info(run_id)
    config, home = info.config, state.home_key()
    level = st.slider("Noise level", 0.0, 1.0, float(config.noise_max) * 0.6, 0.05, key="noise_level", bind="query-params",
                      help="Gaussian: standard deviation on the 0-1 pixel scale. Salt-and-pepper: share of pixels replaced.")
    kind = st.radio("Noise kind", NOISE_KINDS, index=NOISE_KINDS.index(config.noise_kind),
                    horizontal=True, key="noise_kind_view", bind="query-params")
    if kind != config.noise_kind:
        st.caption(f"The model was trained on {config.noise_kind} noise: expect it to do worse on {kind}.")
    if level > config.noise_max:
        st.warning(f"The model trained on noise levels up to {config.noise_max:g}: at {level:g} it sees noise "
                   "it never learnt to remove, so expect it to do worse.")
    x_test, _ = cache.held_out(Split.of(config), home)
    bundle = cache.bundle(run_id, state.run_key(run_id))
    scores = DenoisingLevel.read(cache.denoising_scores(run_id, state.run_key(run_id), kind, round(level, 2)))
    clean = to_float(x_test[:SHOWN])
    noisy = add_noise(clean, kind, level, config.seed)
    denoised = inference.reconstruct(bundle, noisy)
    filtered = baselines.by_name(scores.filter).apply(noisy, level)
    for i in range(SHOWN):
        image_row([clean[i], noisy[i], filtered[i], denoised[i]],
                  ["original", f"noisy ({kind} {level:g})", scores.filter, "denoised by the model"])
    a, b, c, d = st.columns(4)
    a.metric("Model PSNR", f"{scores.model_psnr:.1f} dB", f"{scores.model_psnr - scores.filter_psnr:+.1f} dB vs filter")
    b.metric("Filter PSNR", f"{scores.filter_psnr:.1f} dB", help=f"best filter: {scores.filter}")
    c.metric("Model SSIM", f"{scores.model_ssim:.3f}", f"{scores.model_ssim - scores.filter_ssim:+.3f} vs filter")
    d.metric("Filter SSIM", f"{scores.filter_ssim:.3f}")
    st.caption(f"Means over the first 200 held-out images; the best classical filter here is {scores.filter}. "
               f"The noisy input itself scores {scores.noisy_psnr:.1f} dB.")
    filter_table(scores)
    saved = info.scores.denoising
    if saved is not None and saved.curve:
        st.plotly_chart(charts.denoising_curve(saved.curve, level), key="denoise_curve")
        if kind != saved.kind:
            st.caption(f"The curve is for {saved.kind} noise, the kind it was trained on.")


if info is not None:
    st.caption(f"Run: {run_label(info)}")
    warn_if_beaten(info)
    noise_view(info.run_id)
    other_data.section(info.run_id)
