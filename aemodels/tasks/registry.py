"""Every task, under the name its kinds give; the one place a new task is registered."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aemodels.config import TrainConfig
from aemodels.kinds import ModelKind, TaskName
from aemodels.tasks.denoising import DENOISING
from aemodels.tasks.embedding import EMBEDDING
from aemodels.tasks.superres import SUPER_RESOLUTION
from aemodels.tasks.task import Task

if TYPE_CHECKING:
    from aemodels.models.architectures import ModelBundle

TASKS: dict[TaskName, Task] = {task.name: task for task in (EMBEDDING, DENOISING, SUPER_RESOLUTION)}
assert set(TASKS) == set(TaskName), "every task name needs its task"


def task_of(what: ModelKind | TrainConfig) -> Task:
    """The task of a kind, or of a config's kind."""
    kind = what.kind if isinstance(what, TrainConfig) else what
    return TASKS[kind.task]


def build_model(config: TrainConfig, image_shape: tuple[int, int, int],
                steps_per_epoch: int | None = None) -> ModelBundle:
    """The untrained, compiled model for ``config`` on images of ``image_shape`` (H, W, C), as its
    task builds it (``Task.build``)."""
    return task_of(config).build(config, image_shape, steps_per_epoch)
