"""The Lesson screen's steps: the autoencoder lesson in its order, each with the run that shows it.

A step names a training config and the screen that shows its run. Opening a step opens that run
when the store has it, and trains it otherwise (the page then waits and opens it). A step is also
a link, ``?step=<key>`` on the Lesson page, that a teacher can hand out.

``AEMODELS_LESSON_EPOCHS`` caps the epochs of the steps' trainings, for a classroom on a small
server; the figures the steps quote are for the uncapped settings.
"""

from __future__ import annotations

import dataclasses
import os

import streamlit as st

from aemodels.config import TrainConfig
from aemodels.data.datasets import DEFAULT_DATASET, NAMED_DATASETS, held_out_count
from aemodels.errors import ConfigError
from aemodels.jobs.background import JobState, board
from aemodels.kinds import KINDS
from aemodels.tasks.defaults import recommended
from aemodels.ui import session, state, training
from aemodels.ui.errors import user_errors

EPOCHS_CAP = "AEMODELS_LESSON_EPOCHS"


@dataclasses.dataclass(frozen=True)
class Step:
    """One step: ``key`` (its link's ``?step=``), ``part`` of the lesson it belongs to, ``heading``,
    ``words`` (markdown), the ``button`` label, the ``page`` that shows it, the run's settings
    beyond the kind's recommended ones (``model``, ``dataset``, ``settings``), and ``view``:
    query parameters the page reads (a slider's value)."""

    key: str
    part: str
    heading: str
    words: str
    button: str
    page: str
    model: str
    dataset: str = DEFAULT_DATASET
    settings: tuple[tuple[str, object], ...] = ()
    view: tuple[tuple[str, str], ...] = ()

    @property
    def config(self) -> TrainConfig:
        """The step's training: the kind's recommended epochs, batch and learning rate on the
        dataset's training images (epochs capped by ``AEMODELS_LESSON_EPOCHS``), and the step's own settings."""
        images = NAMED_DATASETS[self.dataset].images
        best = recommended(KINDS[self.model], images - held_out_count(images))
        cap = check_epochs_cap()
        epochs = best.epochs if cap is None else min(best.epochs, cap)
        return TrainConfig(dataset=self.dataset, model=self.model, epochs=epochs, batch_size=best.batch_size,
                           learning_rate=best.learning_rate, **dict(self.settings))


def check_epochs_cap() -> int | None:
    """``AEMODELS_LESSON_EPOCHS`` as a whole number of at least 1, None when unset; ``ConfigError``
    with one line otherwise."""
    cap = os.environ.get(EPOCHS_CAP, "").strip()
    if not cap:
        return None
    try:
        value = int(cap)
    except ValueError:
        value = 0
    if value < 1:
        raise ConfigError(f"The server's {EPOCHS_CAP}={cap[:20]!r} is not a whole number of epochs of at least 1: "
                          "fix or unset it, then restart the app.")
    return value


EMBEDDING, DENOISING, SUPERRES, LATENT = ("pages/embedding.py", "pages/denoising.py", "pages/superres.py",
                                          "pages/latent.py")
LATENT_2 = (("latent_dim", 2),)

STEPS = (
    Step("code", "What an autoencoder is", "Encoder, code, decoder",
         "An **encoder** squeezes each image into a short **code**; a **decoder** rebuilds the image from it. "
         "Nobody says what the code should hold: training only asks that the output equal the input, so the code "
         "keeps what rebuilds the images best. The lesson's network is convolutional and its code is a small stack "
         "of maps, 4×4 pixels by 8 channels (128 numbers). Latent explorer draws those maps for each image.",
         "Open the 4×4×8 code", LATENT, "conv-ae", settings=(("code_shape", "4x4x8"),)),
    Step("map", "The four uses", "1. Visualisation: a code of two numbers",
         "With a code of only two numbers every image becomes a point on a plane, and digits of a kind should "
         "gather. PCA, the classical linear method, makes a plane too: the screen puts both maps side by side "
         "and counts which keeps classes and neighbours better.",
         "Open the 2-number map beside PCA's", EMBEDDING, "conv-ae", settings=LATENT_2),
    Step("denoise", "The four uses", "2. Denoising",
         "Train on noisy images as input and the clean ones as the answer. The model learns what digits look "
         "like, and noise is not part of that, so it cannot come out again. The screen compares it with the best "
         "classical filter at every noise level.",
         "Open the denoiser", DENOISING, "denoise", view=(("noise_level", "0.3"),)),
    Step("superres", "The four uses", "3. Super-resolution",
         "Train on shrunken images as input and the full-size ones as the answer: the model learns to put back "
         "the detail that shrinking threw away, and is compared with bicubic and Lanczos interpolation. "
         "Its options include pure noise as input, the lesson's last exercise: see what it invents.",
         "Open super-resolution", SUPERRES, "superres", view=(("factor", "2"),)),
    Step("photos", "The four uses", "Super-resolution of colour photographs",
         "The lesson's exercise upscales colour photographs. Here they are tiles of a flower photo that "
         "scikit-learn ships, so it works offline.",
         "Open super-resolution on flowers", SUPERRES, "superres", dataset="flowers", view=(("factor", "2"),)),
    Step("generate", "The four uses", "4. Generation, and why the VAE exists",
         "Give a decoder codes of your own and it draws new images. A plain autoencoder leaves holes between its "
         "clusters that decode to nothing; a **variational autoencoder** encodes each image as a mean and a "
         "variance, samples its code from them, and adds a KL term that pulls all codes towards one standard "
         "normal distribution. Its loss is reconstruction plus KL. This is the lesson's fully-connected VAE with "
         "a 2-number code: move through its space with the sliders.",
         "Open the VAE's latent space", LATENT, "dense-vae", settings=LATENT_2),
    Step("code-noise", "The four uses", "Task 2: noise in the code",
         "The lesson asks what noise added to the codes does to the decoded images. Latent explorer adds noise of a "
         "chosen size to held-out images' codes and plots the error it causes for each kind of model on the data.",
         "Open noise in the code", LATENT, "conv-ae", settings=LATENT_2),
    Step("data-specific", "Properties", "Data-specific",
         "A model restores what it learnt from its training data. Super-resolution trained on flowers, tried on "
         "faces, keeps less of its margin over interpolation: the screen's \"On other data\" section scores it on "
         "both. Autoencoders are also **lossy** (the output is never exact, and the loss decides what is lost) and "
         "**unsupervised** (no labels were used to train any of these models).",
         "Open flowers against people", SUPERRES, "superres", dataset="flowers", view=(("factor", "2"),)),
    Step("assignment", "The assignment", "A convolutional VAE",
         "The lesson's assignment: make the VAE convolutional. Compare its map and its latent space with the "
         "fully-connected one above.",
         "Open the convolutional VAE", EMBEDDING, "vae", settings=LATENT_2),
    Step("adversarial", "Further", "The adversarial autoencoder",
         "The PyTorch notebook fills the prior another way: a discriminator learns to tell codes from draws of a "
         "standard normal, and the encoder learns to fool it.",
         "Open the adversarial autoencoder", LATENT, "aae", settings=LATENT_2),
    Step("conditional", "Further", "The conditional VAE",
         "From the reading list: tell the encoder and the decoder each image's class, and the code keeps only the "
         "style. Pick a digit, then move the style sliders.",
         "Open the conditional VAE", LATENT, "cvae", settings=LATENT_2),
    Step("beta", "Further", "β: how hard the KL term pulls",
         "Weigh the KL term by β = 4 and the codes carry less information (the rate falls) while reconstruction "
         "gets worse (the distortion rises). Runs draws every VAE on that plane.",
         "Open the VAE with β = 4", EMBEDDING, "vae", settings=(*LATENT_2, ("beta", 4.0))),
)
BY_KEY = {step.key: step for step in STEPS}

PITFALLS = (
    ("σ or log-variance", "The TensorFlow notebook's VAE samples with exp(z_log_sigma) as the standard deviation "
     "while its KL term reads the same number as a log-variance. Here the encoder gives a log-variance and samples "
     "with exp(½ · log-variance), and the KL term uses the same reading."),
    ("Losses in three units", "The notebook's losses are mean cross-entropy per pixel, MSE times 784, and summed "
     "cross-entropy: they cannot be compared. Here every run's loss is named with its unit, and runs are compared on "
     "scores measured the same way on held-out images (PSNR, 5-NN accuracy, MSE)."),
    ("Grey noise", "The notebook's denoising noise has a mean of 0.5, which turns the background grey. Here noise has "
     "a mean of 0, with its size on the slider."),
    ("A fine-tuned denoiser", "The notebook's denoiser is the clean autoencoder trained further. Here the denoiser "
     "is trained from scratch on noisy inputs, and judged against the best classical filter."),
    ("The PyTorch adversarial autoencoder", "Its discriminator ends in 500 outputs and its discriminator step "
     "updates the decoder's optimizer. Here the discriminator ends in one output and each part has its own optimizer."),
    ("The notebook's 4×4×8 model and PCA", "Trained as the notebook trains it on this 8,000-image split, the "
     "notebook's own 4×4×8 autoencoder reconstructs with MSE 0.018 by the lesson notes that come with this app "
     "(not measured by it), while PCA with 128 components reaches 0.0034 (measured): at that code size the notebook's "
     "model loses. This app's conv-ae with the same code reaches 0.0015 (BENCHMARKS.md)."),
)


def open_step(step: Step) -> None:
    """Open the step's run on its screen, or train it and wait here (``follow_job``)."""
    session.LESSON_UNKNOWN_STEP.pop()
    with user_errors():
        config = step.config
        found = state.store().find(config)
        if found is not None:
            st.switch_page(step.page, query_params={"dataset": config.dataset, "run": found.run_id, **dict(step.view)})
        state.set_dataset(config.dataset)
        job = training.start(config)
        if job is not None:
            session.LESSON_JOB.set((job.job_id, step.key))


def follow_job() -> None:
    """When the step this session started has trained, open its screen with its run."""
    waiting = session.LESSON_JOB.get()
    if not waiting:
        return
    job_id, key = waiting
    job = board().get(job_id)
    if job is None or not job.finished or job_id not in training.seen_jobs():
        return
    session.LESSON_JOB.pop()
    if job.state is JobState.DONE and key in BY_KEY:
        st.switch_page(BY_KEY[key].page, query_params={**training.run_params(job), **dict(BY_KEY[key].view)})


def step_from_link() -> None:
    """A link's ``?step=<key>``: open that step once (the parameter is then dropped). A key that
    names no step is said until the person opens one."""
    key = st.query_params.get("step")
    if key is not None:
        del st.query_params["step"]
        if key in BY_KEY:
            session.LESSON_UNKNOWN_STEP.pop()
            open_step(BY_KEY[key])
        else:
            session.LESSON_UNKNOWN_STEP.set(key[:40])
    unknown = session.LESSON_UNKNOWN_STEP.get()
    if unknown:
        st.warning(f"The link asks for a lesson step called '{unknown}', and there is none: pick a step below.")
