"""What a training reports and gives back: ``TrainProgress`` after every batch, a ``TrainResult``
at the end, and the ``Reporter`` that turns Keras's callback events into them
(``tasks.training.train`` trains).
"""

from __future__ import annotations

import dataclasses
import time
from typing import Protocol

import numpy as np

from aemodels.config import TrainConfig
from aemodels.models.forming import Forming


@dataclasses.dataclass(frozen=True)
class TrainProgress:
    """Where a training is: ``epoch`` counts from 1, ``batch`` from 1 within the epoch.

    ``losses`` holds the running means of the epoch so far (``loss``, and for a VAE
    ``reconstruction_loss`` and ``kl_loss``); at the end of an epoch also ``val_`` entries.
    ``seconds`` is the time since training started. For the embedding kinds, ``codes`` holds the
    codes (N, latent_dim) of the first ``forming.FORMING_IMAGES`` held-out images at the end of
    each epoch, and once before the first one (``epoch`` 0): the embedding as it forms.
    """

    epoch: int
    epochs: int
    batch: int
    batches: int
    losses: dict[str, float]
    seconds: float
    epoch_done: bool = False
    codes: np.ndarray | None = None

    @property
    def fraction(self) -> float:
        """Share of all batches done, 0 to 1."""
        return ((self.epoch - 1) * self.batches + self.batch) / (self.epochs * self.batches)

    @property
    def eta_seconds(self) -> float:
        done = self.fraction
        return self.seconds * (1 - done) / done if done > 0 else float("nan")


class ProgressCallback(Protocol):
    def __call__(self, progress: TrainProgress) -> None: ...


@dataclasses.dataclass(eq=False)
class TrainResult:
    """A finished training: the model, per-epoch ``history`` (loss name → one value per epoch),
    ``train_seconds`` of wall time inside ``fit``, and for the embedding kinds ``forming``, the
    codes of the first held-out images before training and after every epoch; ``replicas``, the
    devices it trained on (``devices.strategy_for``); ``mixed_precision``, whether it trained in
    float16 (``bundle`` is then a float32 copy, the model the run store rebuilds); ``started``,
    when ``fit`` began (Unix seconds), and ``epoch_ends``, seconds from then to each epoch's end."""

    config: TrainConfig
    bundle: object  # architectures.ModelBundle; typed loosely to keep this import light
    history: dict[str, list[float]]
    train_seconds: float
    forming: Forming | None = None
    replicas: int = 1
    mixed_precision: bool = False
    started: float | None = None
    epoch_ends: list[float] = dataclasses.field(default_factory=list)


class Reporter:
    """Turns Keras callback events into ``TrainProgress``, polls ``should_stop`` and keeps the
    watched images' codes of every epoch in ``frames`` (with ``encode``)."""

    def __init__(self, epochs, batches, progress, should_stop, encode=None):
        import keras

        self.stopped = False
        self.start = time.perf_counter()
        self.epoch = 0
        self.frames: list[np.ndarray] = []
        self.started = time.time()
        self.epoch_ends: list[float] = []  # seconds from ``started``
        reporter = self

        def codes():
            if encode is None:
                return None
            reporter.frames.append(encode())
            return reporter.frames[-1]

        class Callback(keras.callbacks.Callback):
            def on_train_begin(self, logs=None):
                reporter.start = time.perf_counter()  # the pace and time left count training only
                reporter.started = time.time()
                before = codes()
                if progress is not None and before is not None:
                    progress(TrainProgress(0, epochs, 0, batches, {}, 0.0, epoch_done=True, codes=before))

            def on_epoch_begin(self, epoch, logs=None):
                reporter.epoch = epoch + 1

            def on_train_batch_end(self, batch, logs=None):
                if progress is not None:
                    progress(TrainProgress(reporter.epoch, epochs, batch + 1, batches,
                                           _floats(logs), time.perf_counter() - reporter.start))
                if should_stop is not None and should_stop():
                    reporter.stopped = True
                    self.model.stop_training = True

            def on_epoch_end(self, epoch, logs=None):
                reporter.epoch_ends.append(time.perf_counter() - reporter.start)
                after = codes()
                if progress is not None:
                    progress(TrainProgress(epoch + 1, epochs, batches, batches, _floats(logs),
                                           time.perf_counter() - reporter.start, epoch_done=True, codes=after))

        self.callback = Callback()


def _floats(logs) -> dict[str, float]:
    return {k: float(v) for k, v in (logs or {}).items()}
