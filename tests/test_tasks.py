"""The task objects: one per task name, the only code that knows what a task trains on, builds,
scores and judges; training, scoring and the verdict go through them."""

from __future__ import annotations

import numpy as np
import pytest

from aemodels.config import TrainConfig
from aemodels.data.datasets import load_dataset, to_float
from aemodels.kinds import KINDS, TaskName
from aemodels.tasks import registry
from aemodels.tasks.denoising import Denoising
from aemodels.tasks.registry import TASKS, task_of
from aemodels.tasks.task import LOSS_WORDS, Task


def test_every_task_name_has_its_task_and_every_kind_finds_its_own():
    assert set(TASKS) == set(TaskName)
    for kind in KINDS.values():
        task = task_of(kind)
        assert task.name is kind.task and task is task_of(TrainConfig(model=kind.name))
        assert task.screen in kind.screens  # the screen that scores the task shows the kind
        assert task.loss(kind) in LOSS_WORDS and task.step_budget > 0


def test_a_task_without_a_verdict_cannot_be_made():
    """A new task must say when it loses to its baseline: nothing assumes it wins."""

    class NoVerdict(Task):
        name, screen, baseline, step_budget = TaskName.DENOISING, Denoising.screen, "a filter", 100
        pairs, assemble, loss, score = Denoising.pairs, Denoising.assemble, Denoising.loss, Denoising.score

    with pytest.raises(TypeError, match="baseline_losses"):
        NoVerdict()


@pytest.mark.parametrize("model", sorted(KINDS))
def test_pairs_are_clean_targets_and_the_tasks_inputs(model):
    config = TrainConfig(dataset="digits", model=model, noise_max=0.5)
    clean = to_float(load_dataset("digits").images[:16])
    labels = load_dataset("digits").labels[:16]
    pairs = task_of(config).pairs(config, clean, seed=3, labels=labels)
    again = task_of(config).pairs(config, clean, seed=3, labels=labels)
    if config.kind.conditional:  # the images and their one-hot classes, as one input
        (images, classes), = pairs
        assert np.array_equal(images, clean) and np.array_equal(classes.argmax(axis=1), labels)
        return
    assert all(part.shape == clean.shape and part.dtype == np.float32 for part in pairs)
    assert all(np.array_equal(a, b) for a, b in zip(pairs, again))  # seeded
    if config.kind.adds_own_loss:
        assert len(pairs) == 1 and np.array_equal(pairs[0], clean)
    else:
        inputs, targets = pairs
        assert np.array_equal(targets, clean)
        assert np.array_equal(inputs, clean) == config.has_embedding


def test_training_scoring_and_the_verdict_ask_the_registered_task(monkeypatch):
    """A task registered under a name is what trains, scores and judges that name's kinds: here a
    denoiser trained on images with a blanked square, the inpainting variant of the task."""
    from aemodels.scoring.scores import Scores
    from aemodels.tasks.assessment import assess
    from aemodels.tasks.diagnosis import advice
    from aemodels.tasks.training import train

    asked = []

    class Inpainting(Denoising):
        def pairs(self, config, clean, seed, labels=None):
            asked.append(len(clean))
            holed = clean.copy()
            holed[:, 2:6, 2:6, :] = 0
            return holed, clean

        def baseline_losses(self, config, scores):
            return ["fills holes (judged by this test's task)"]

    monkeypatch.setitem(registry.TASKS, TaskName.DENOISING, Inpainting())
    config = TrainConfig(dataset="digits", model="denoise", epochs=1, batch_size=64, train_images=256, seed=1)
    result = train(config)
    assert asked and sum(asked) >= 256  # every training batch and the held-out pairs came from it
    scores = assess(result.bundle).metrics
    assert scores["denoising"]["curve"] and scores["scores_version"]
    assert "fills holes (judged by this test's task)" in advice(config, Scores.read(scores))


def test_the_tasks_and_the_screens_that_read_them_do_not_import_keras():
    """The web server imports Keras once, silenced, when a screen first needs a model
    (``native_log.import_tensorflow``): a task read for its words or defaults must not pull it in."""
    import subprocess
    import sys

    modules = ("aemodels.tasks.registry", "aemodels.tasks.defaults", "aemodels.tasks.diagnosis",
               "aemodels.tasks.assessment", "aemodels.tasks.training", "aemodels.ui.settings_form",
               "aemodels.ui.compare_views", "aemodels.ui.verdict")
    code = f"import sys\nfor m in {modules!r}: __import__(m)\nprint(sorted(m for m in ('keras', 'tensorflow') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
