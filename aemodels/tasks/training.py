"""Train a model from a ``TrainConfig``, reporting progress through one callback.

``train`` is used by the command line, the dashboard and the benchmarks alike. Its task makes the
training pairs and builds the model. It saves nothing: the caller passes a finished
``TrainResult`` to the run store, so a training that is stopped part-way (``should_stop`` returns
True, or the process dies) leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import functools
import time
from typing import Callable

import numpy as np

from aemodels.config import TrainConfig
from aemodels.data.datasets import Dataset, SplitImages, to_float
from aemodels.data.splits import Split
from aemodels.errors import ConfigError, TrainingStopped
from aemodels.kinds import CONDITIONAL_CLASSES
from aemodels.models.forming import FORMING_IMAGES, Forming
from aemodels.models.neighbour_term import LAYOUT_MAX_IMAGES
from aemodels.models.training import ProgressCallback, Reporter, TrainResult
from aemodels.settings import code_map_side
from aemodels.tasks.registry import build_model, task_of


def validation_data(config: TrainConfig, split: SplitImages) -> tuple:
    """The held-out images as Keras's ``validation_data``, floats, corrupted once (seeded) for the
    image-to-image kinds: the same images at the same levels after every epoch."""
    return task_of(config).pairs(config, to_float(split.x_test), config.seed + 1, labels=split.y_test)


def streamed_arguments(config: TrainConfig, split: SplitImages, workers: int = 1) -> dict:
    """``model.fit`` arguments that stream the uint8 training split (``batches.TrainingBatches``),
    with the held-out ``validation_data``. The same on one device and under a ``MirroredStrategy``,
    which splits each batch among the replicas. ``workers`` > 1 (threads building batches ahead)
    only on one device: under a strategy Keras draws batches before the epoch starts, and its
    enqueuer keeps the ones not taken for the next run (``OrderedEnqueuer.stop``), which would
    start an epoch with the last one's batches."""
    from aemodels.models.batches import FIT_OPTIONS

    return {"x": training_batches(config, split.x_train, workers, split.y_train), "validation_data": validation_data(config, split),
            **FIT_OPTIONS}


def training_batches(config: TrainConfig, images: np.ndarray, workers: int = 1, labels: np.ndarray | None = None):
    """``batches.TrainingBatches`` of uint8 ``images`` (N, H, W, C) with their classes ``labels``
    (N,), as ``config``'s task pairs them."""
    from aemodels.models.batches import TrainingBatches

    return TrainingBatches(images, config, functools.partial(task_of(config).pairs, config), workers, labels)


def array_arguments(config: TrainConfig, split: SplitImages) -> dict:
    """``model.fit`` arguments with the whole training split as float arrays, corrupted once:
    how training fed Keras before ``batches.TrainingBatches``, kept as the benchmarks' baseline."""
    return {**dict(zip(("x", "y"), task_of(config).pairs(config, to_float(split.x_train), config.seed,
                                                         labels=split.y_train))),
            "validation_data": validation_data(config, split)}


def train(
    config: TrainConfig,
    dataset: Dataset | None = None,
    progress: ProgressCallback | None = None,
    should_stop: Callable[[], bool] | None = None,
    devices: int = 1,
    jit: bool = False,
    mixed_precision: bool = False,
    phase: Callable[[str], None] | None = None,
) -> TrainResult:
    """Build and train the model ``config`` describes, on its dataset's training split.

    Args:
        config: what to train.
        dataset: the dataset already loaded (else loaded by ``config.dataset``).
        progress: called after every batch and at the end of every epoch.
        should_stop: polled after every batch; when it returns True training stops and
            ``TrainingStopped`` is raised.
        devices: replicas of ``tf.distribute.MirroredStrategy`` (GPUs, else logical CPU devices);
            ``config.batch_size`` is the global batch, split among them.
        jit: compile the training step with XLA (``model.jit_compile``) even on CPU; otherwise
            Keras decides ("auto": XLA with a GPU, not on CPU). The same model either way.
        mixed_precision: train in float16 with float32 weights (``devices.precision``); needs a
            GPU (``devices.check_mixed_precision``).
        phase: told, in words, what the training does before its first batch (building the
            model, neighbour keeping's t-SNE layout), for people waiting on it.

    Raises:
        ConfigError: the config does not fit the data (e.g. a batch larger than the data).
        TrainingStopped: ``should_stop`` asked to stop.
    """
    split = Split.of(config).images(dataset)
    n_train = len(split.x_train)
    if config.batch_size > n_train:
        raise ConfigError(
            f"The batch size ({config.batch_size}) is larger than the {n_train} training images: "
            f"use at most {n_train}."
        )
    keeping_neighbours = config.has_embedding and config.neighbour_weight > 0
    if keeping_neighbours and n_train > LAYOUT_MAX_IMAGES:
        raise ConfigError(
            f"Neighbour keeping maps the training images with t-SNE, at most {LAYOUT_MAX_IMAGES:,} of them "
            f"(this data has {n_train:,}): set the training images to {LAYOUT_MAX_IMAGES:,} or fewer."
        )
    if config.kind.conditional:
        _check_classes(config, split)
    if config.code_grid:
        check_code_shape(config, split.x_train.shape[1:3])
    if devices > 1 and config.batch_size % devices:
        raise ConfigError(f"The batch size ({config.batch_size}) does not split evenly over {devices} devices: "
                          f"use a multiple of {devices}.")
    tell = phase or (lambda words: None)
    tell("building the model")
    import keras  # after the checks: a bad config fails before TensorFlow's 3 s import

    from aemodels.models.devices import check_mixed_precision, precision, strategy_for

    strategy = strategy_for(devices)  # before anything else runs TensorFlow: logical devices are made now
    if mixed_precision:
        check_mixed_precision()
    keras.utils.set_random_seed(config.seed)
    batches = -(-n_train // config.batch_size)
    with precision(mixed_precision), strategy.scope() if strategy is not None else contextlib.nullcontext():
        bundle = build_model(config, split.x_train.shape[1:], steps_per_epoch=batches)
        if jit:
            bundle.model.jit_compile = True
        encode = None
        if bundle.encoder is not None and config.kind.has_embedding:
            watched = to_float(split.x_test[:FORMING_IMAGES])
            if bundle.classes:
                from aemodels.models.conditional import one_hot

                watched = [watched, one_hot(split.y_test[:FORMING_IMAGES])]
            encode = lambda: np.asarray(bundle.encoder(watched, training=False), np.float32)  # noqa: E731
        reporter = Reporter(config.epochs, batches, progress, should_stop, encode)
        start = time.perf_counter()
        if keeping_neighbours:
            tell(f"mapping the {n_train:,} training images with t-SNE, the layout neighbour keeping pulls the "
                 f"codes towards (about {max(5, round(20 * n_train / 8000))} s on 2 cores)")
            history = _fit_keeping_neighbours(config, bundle, split, reporter, should_stop)
        else:
            history = bundle.model.fit(**streamed_arguments(config, split), epochs=config.epochs,
                                       callbacks=[reporter.callback], verbose=0)
    seconds = time.perf_counter() - start
    if reporter.stopped:
        raise TrainingStopped("Training was stopped before it finished; nothing was saved.")
    losses = {name: [float(v) for v in values] for name, values in history.history.items()}
    forming = Forming.of(np.stack(reporter.frames), config.seed) if reporter.frames else None
    if mixed_precision:  # scored as the dashboard will see it: float32 compute, the same weights
        trained, bundle = bundle, build_model(config, split.x_train.shape[1:], steps_per_epoch=batches)
        bundle.model.set_weights(trained.model.get_weights())
    return TrainResult(config, bundle, losses, seconds, forming, devices, mixed_precision,
                       reporter.started, reporter.epoch_ends)


def check_code_shape(config: TrainConfig, image_side: tuple[int, int]) -> None:
    """A shaped code's maps have the size the encoder's three halvings give the images."""
    sides = tuple(code_map_side(side) for side in image_side)
    if config.code_grid[:2] != sides:
        raise ConfigError(f"For {image_side[0]}×{image_side[1]} images a code's maps are {sides[0]}×{sides[1]} "
                          f"(the sides halved three times): use a code shape of {sides[0]}x{sides[1]}xC, "
                          f"such as {sides[0]}x{sides[1]}x8.")


def _check_classes(config: TrainConfig, split: SplitImages) -> None:
    """A conditional kind needs labels of 2 to ``CONDITIONAL_CLASSES`` classes."""
    classes = np.unique(split.y_train)
    if len(classes) < 2:
        raise ConfigError(f"A {config.model} is told each image's class, and this data has no labels: "
                          "choose a labelled dataset, or train a vae.")
    if classes.max() >= CONDITIONAL_CLASSES:
        raise ConfigError(f"A {config.model} takes at most {CONDITIONAL_CLASSES} classes, and this data has "
                          f"{classes.max() + 1}: choose data with fewer, or train a vae.")


def _fit_keeping_neighbours(config: TrainConfig, bundle, split: SplitImages, reporter, should_stop):
    """``fit`` with the neighbour-keeping term (``neighbour_term``): the layout of the training
    images first (t-SNE, part of the training time; a stop asked meanwhile takes effect when it
    ends), then the model's layers trained on their loss plus the term, with the optimizer
    ``build_model`` chose."""
    from aemodels.models import neighbour_term
    from aemodels.models.batches import FIT_OPTIONS, LayoutBatches

    layout = neighbour_term.target_layout(split.x_train, config.seed)
    if should_stop is not None and should_stop():
        raise TrainingStopped("Training was stopped before it finished; nothing was saved.")
    keeping = neighbour_term.layout_keeping(bundle, config.neighbour_weight)
    keeping.compile(optimizer=bundle.model.optimizer)
    batches = LayoutBatches(split.x_train, layout, config, neighbour_term.SHIFT_PIXELS)
    return keeping.fit(batches, validation_data=validation_data(config, split), epochs=config.epochs,
                       callbacks=[reporter.callback], verbose=0, **FIT_OPTIONS)
