"""Training: progress, stopping, bad settings, reproducibility; small real runs on digits."""

from __future__ import annotations

import numpy as np
import pytest

from aemodels.config import TrainConfig
from aemodels.data.corruption import denoise_inputs, superres_inputs
from aemodels.data.datasets import Dataset, load_dataset, to_float
from aemodels.data.splits import Split
from aemodels.errors import ConfigError, TrainingStopped
from aemodels.models.training import TrainProgress, TrainResult
from aemodels.store.runs import RunStore
from aemodels.tasks.training import train

SMALL = {"dataset": "digits", "train_images": 256, "epochs": 2, "batch_size": 64}


def _weights(bundle):
    return bundle.model.get_weights()


_RUNS: dict = {}


def _run(kind: str, seed: int = 0, copy: int = 0, epochs: int = 2):
    """(TrainResult, progress events) of a small run, trained once per module."""
    key = (kind, seed, copy, epochs)
    if key not in _RUNS:
        events: list[TrainProgress] = []
        config = TrainConfig(model=kind, **{**SMALL, "epochs": epochs}, seed=seed)
        _RUNS[key] = (train(config, progress=events.append), events)
    return _RUNS[key]


def test_progress_is_reported_with_increasing_fraction():
    result, events = _run("dense-ae", epochs=3)
    assert isinstance(result, TrainResult) and result.config.model == "dense-ae"
    batches = 256 // 64
    per_batch = [e for e in events if not e.epoch_done]
    before, *epoch_ends = [e for e in events if e.epoch_done]
    assert before.epoch == 0 and before.codes is not None and not before.losses  # the map before training
    assert len(per_batch) == 3 * batches
    assert [e.epoch for e in epoch_ends] == [1, 2, 3]
    assert result.forming.maps.shape == (4, *before.codes.shape)  # the same 2-D codes, kept with the result
    np.testing.assert_array_equal(result.forming.maps[-1], epoch_ends[-1].codes)
    fractions = [e.fraction for e in per_batch]
    assert all(a < b for a, b in zip(fractions, fractions[1:]))
    assert fractions[-1] == 1.0 and 0 < fractions[0] < 1
    assert all(e.epochs == 3 and e.batches == batches for e in events)
    assert all("loss" in e.losses for e in events if e.epoch)
    assert all("val_loss" in e.losses for e in epoch_ends)
    seconds = [e.seconds for e in events if e.epoch]
    assert seconds == sorted(seconds)
    assert per_batch[0].eta_seconds >= 0 and per_batch[-1].eta_seconds == 0
    assert set(result.history) >= {"loss", "val_loss"}
    assert all(len(v) == 3 for v in result.history.values())
    assert result.train_seconds > 0


def test_training_lowers_the_loss():
    result, _ = _run("dense-ae", epochs=3)
    loss, val = result.history["loss"], result.history["val_loss"]
    assert loss[-1] < loss[0] and val[-1] < val[0]


def test_vae_progress_reports_both_loss_terms():
    result, events = _run("vae")
    assert {"loss", "reconstruction_loss", "kl_loss"} <= set(events[-1].losses)
    assert {"val_loss", "val_kl_loss", "val_reconstruction_loss"} <= set(events[-1].losses)
    assert {"loss", "reconstruction_loss", "kl_loss"} <= set(result.history)


@pytest.mark.parametrize("kind", ["dense-ae", "vae"])
def test_same_seed_same_run(kind):
    (a, _), (b, _) = _run(kind), _run(kind, copy=1)
    for wa, wb in zip(_weights(a.bundle), _weights(b.bundle)):
        np.testing.assert_allclose(wa, wb, atol=1e-5)
    for name in a.history:
        np.testing.assert_allclose(a.history[name], b.history[name], rtol=1e-4)


def test_different_seed_different_weights():
    (a, _), (b, _) = _run("dense-ae"), _run("dense-ae", seed=1)
    assert any(not np.allclose(wa, wb) for wa, wb in zip(_weights(a.bundle), _weights(b.bundle)))
    assert a.history["loss"] != b.history["loss"]


def test_should_stop_raises_and_saves_nothing(home):
    calls = []

    def should_stop():
        calls.append(1)
        return len(calls) >= 2

    with pytest.raises(TrainingStopped):
        train(TrainConfig(model="dense-ae", **{**SMALL, "epochs": 3}), should_stop=should_stop)
    assert len(calls) == 2  # stops at once, not at the end of the epoch
    assert RunStore().list() == []
    assert not any((home / "runs").iterdir())


def test_batch_larger_than_the_data(home):
    with pytest.raises(ConfigError, match="batch size") as info:
        train(TrainConfig(model="dense-ae", dataset="digits", train_images=50, batch_size=64))
    assert "\n" not in str(info.value)
    assert not (home / "runs").exists() or not any((home / "runs").iterdir())


def test_unknown_dataset_fails_before_training():
    from aemodels.errors import DatasetError

    with pytest.raises(DatasetError):
        train(TrainConfig(dataset="nope"))


def test_a_split_respects_train_images_and_holds_out_the_same_test_set():
    full = Split.of(TrainConfig(dataset="digits")).images()
    small = Split.of(TrainConfig(dataset="digits", train_images=100)).images()
    assert Split.of(TrainConfig(dataset="digits", train_images=100)).held_out == Split.of(TrainConfig(dataset="digits"))
    assert len(small.x_train) == 100
    assert np.array_equal(small.x_train, full.x_train[:100])
    assert np.array_equal(small.x_test, full.x_test)
    assert len(full.x_test) == round(1797 * 0.2)


def test_trains_on_a_given_colour_dataset_of_odd_size():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (60, 10, 14, 3), dtype=np.uint8)
    data = Dataset("upload", images, np.zeros(60, np.int64), ("unlabelled",))
    result = train(TrainConfig(model="conv-ae", epochs=1, batch_size=16), dataset=data)
    assert result.bundle.image_shape == (10, 14, 3)
    assert np.asarray(result.bundle.model(to_float(images[:2]))).shape == (2, 10, 14, 3)


def test_denoise_inputs_are_seeded_and_within_the_level_range():
    clean = to_float(load_dataset("digits").images[:200])
    a = denoise_inputs(clean, "gaussian", 0.3, seed=1)
    assert a.shape == clean.shape and a.dtype == np.float32
    assert np.array_equal(a, denoise_inputs(clean, "gaussian", 0.3, seed=1))
    assert not np.array_equal(a, denoise_inputs(clean, "gaussian", 0.3, seed=2))
    per_image = np.sqrt(((a - clean) ** 2).mean(axis=(1, 2, 3)))
    assert per_image.max() < 0.3 and per_image.std() > 0.02  # levels vary from image to image
    sp = denoise_inputs(clean, "salt-and-pepper", 0.5, seed=1)
    assert set(np.unique(sp[sp != clean])) <= {0.0, 1.0}


def test_superres_inputs_use_every_factor():
    clean = to_float(load_dataset("mnist-10k").images[:60])
    degraded = superres_inputs(clean, (2, 7), seed=0)
    assert degraded.shape == clean.shape
    assert np.array_equal(degraded, superres_inputs(clean, (2, 7), seed=0))
    errors = ((degraded - clean) ** 2).mean(axis=(1, 2, 3))
    # Factor 7 loses far more than factor 2: both groups are there.
    assert errors.max() > 3 * errors.min()


def test_neighbour_weight_zero_is_exactly_the_plain_model():
    """W = 0 is the plain model: the same config (and id), the same losses, the same weights."""
    plain = TrainConfig(model="dense-ae", **SMALL)
    zero = TrainConfig(model="dense-ae", **SMALL, neighbour_weight=0)
    assert zero == plain and zero.config_id == plain.config_id and "neighbour_weight" not in zero.to_dict()
    first, second = train(plain), train(zero)
    assert first.history == second.history
    for a, b in zip(first.bundle.model.get_weights(), second.bundle.model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_neighbour_keeping_keeps_more_neighbours_than_the_plain_model():
    """A small real training on the same data and seed: with W = 1 the held-out codes keep more of
    their pixel-space neighbours and separate the classes better than with W = 0."""
    from aemodels.tasks.assessment import evaluate

    scores = {}
    for weight in (0.0, 1.0):
        config = TrainConfig(model="dense-ae", train_images=1000, epochs=4, batch_size=32, learning_rate=2e-3,
                             neighbour_weight=weight, seed=0)
        phases: list[str] = []
        result = train(config, phase=phases.append)
        scores[weight] = evaluate(result.bundle)["model"]
        assert ("neighbour_loss" in result.history) == (weight > 0)
        # what a person waiting sees before the first batch: the t-SNE layout is said, not hidden
        # under "building the model"
        assert phases[0] == "building the model"
        assert any(p.startswith("mapping the ") and "training images with t-SNE" in p for p in phases) == (weight > 0), phases
    plain, keeping = scores[0.0], scores[1.0]
    assert keeping["trustworthiness"]["10"] > plain["trustworthiness"]["10"]
    assert keeping["knn_accuracy"] > plain["knn_accuracy"]
    assert keeping["reconstruction_mse"] < 0.07  # the decoder still rebuilds the images


def test_streaming_batches_cast_per_batch_and_draw_fresh_noise_each_epoch():
    from aemodels.data.datasets import load_dataset
    from aemodels.tasks.training import training_batches

    images = load_dataset("digits").images[:100]
    config = TrainConfig(dataset="digits", model="denoise", batch_size=32, epochs=2, noise_max=0.4)
    batches = training_batches(config, images)
    assert len(batches) == 4
    noisy, clean = batches[0]
    assert noisy.dtype == clean.dtype == np.float32 and clean.shape == (32, 8, 8, 1)
    assert 0.0 <= noisy.min() and noisy.max() <= 1.0 and not np.array_equal(noisy, clean)
    seen = np.concatenate([batches[i][1] for i in range(len(batches))])
    assert len(seen) == 100 and np.allclose(np.sort(seen.reshape(100, -1), axis=0),
                                            np.sort(images.reshape(100, -1) / 255.0, axis=0))  # every image once
    again = training_batches(config, images)[0][0]
    assert np.array_equal(noisy, again)  # the same seed, epoch and index: the same batch
    batches.on_epoch_end()
    assert not np.array_equal(batches[0][1], clean)  # a new order in the next epoch


def test_a_batch_depends_on_seed_epoch_and_index_only():
    """Keras asks for batches more than once and in its own threads: the same (seed, epoch, index)
    must give the same batch whatever was asked before, for the corrupted kinds and the layout."""
    from aemodels.data.datasets import load_dataset
    from aemodels.models.batches import LayoutBatches
    from aemodels.tasks.training import training_batches

    images = load_dataset("digits").images[:96]
    layout = np.random.default_rng(0).normal(size=(96, 2)).astype(np.float32)
    superres = TrainConfig(dataset="digits", model="superres", batch_size=32, epochs=2)
    embedding = TrainConfig(dataset="digits", model="dense-ae", latent_dim=2, batch_size=32, epochs=2)
    for make in (lambda: training_batches(superres, images), lambda: LayoutBatches(images, layout, embedding, 1)):
        forwards, backwards = make(), make()
        ahead = [forwards[i] for i in range(3)]
        backwards[1]  # asked twice, as Keras does for the first batches' shapes
        behind = {i: backwards[i] for i in (2, 1, 0)}
        flat = lambda batch: np.concatenate([np.ravel(part) for part in _leaves(batch)])  # noqa: E731
        assert all(np.array_equal(flat(ahead[i]), flat(behind[i])) for i in range(3))
        forwards.on_epoch_end()
        assert not np.array_equal(flat(forwards[0]), flat(ahead[0]))  # the next epoch draws anew


def test_layout_batches_pair_each_image_with_its_own_target():
    from aemodels.data.datasets import load_dataset
    from aemodels.models.batches import LayoutBatches

    images = load_dataset("digits").images[:64]
    layout = np.arange(128, dtype=np.float32).reshape(64, 2)  # row i's target is (2i, 2i + 1)
    config = TrainConfig(dataset="digits", model="dense-ae", latent_dim=2, batch_size=16, epochs=1)
    (shifted, targets), rebuilt = LayoutBatches(images, layout, config, shift=0)[1]
    rows = (targets[:, 0] // 2).astype(int)
    assert np.array_equal(shifted, rebuilt) and np.allclose(shifted, images[rows] / 255.0)


def _leaves(batch):
    if isinstance(batch, (tuple, list)):
        for part in batch:
            yield from _leaves(part)
    else:
        yield batch
