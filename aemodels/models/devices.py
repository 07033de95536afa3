"""The hardware a training runs on: several devices of one machine, and mixed precision.

Several devices: ``tf.distribute.MirroredStrategy``, single host only. With GPUs, ``devices`` of
them; without, as many *logical* CPU devices carved out of the one CPU, so that the same code path
runs (and is tested) on a laptop. The batch size stays the global batch: Keras splits each batch
across the replicas. Keras 3 does not support multi-worker training with TensorFlow today, so
there is no multi-machine path here.

Mixed precision (``precision``): float16 compute with float32 weights, offered only where a GPU
is present, the hardware it pays on.
"""

from __future__ import annotations

import contextlib

from aemodels.errors import ConfigError

MAX_DEVICES = 16
# Codes, images out and the layers after them compute in float32 even under mixed precision
# (``precision``), so that sigmoids, losses and codes keep full precision; under the
# default float32 policy this changes nothing, saved weights included.
EXACT = "float32"


def gpu_count() -> int:
    """How many GPUs TensorFlow sees on this machine."""
    import tensorflow as tf

    return len(tf.config.list_physical_devices("GPU"))


def check_mixed_precision() -> None:
    """Raise ``ConfigError`` unless this machine has a GPU for mixed precision."""
    if gpu_count() == 0:
        raise ConfigError("--mixed-precision needs a GPU, and TensorFlow sees none on this machine: "
                          "leave it out (training stays float32).")


@contextlib.contextmanager
def precision(mixed: bool):
    """Within: models built compute in float16 with float32 weights (Keras's ``mixed_float16``
    policy; ``compile`` wraps their optimizer in a ``LossScaleOptimizer``), when ``mixed``. The
    process's policy before is restored after, so later models (inference) are float32."""
    if not mixed:
        yield
        return
    import keras

    before = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_float16")
    try:
        yield
    finally:
        keras.config.set_dtype_policy(before)


def strategy_for(devices: int):
    """A ``MirroredStrategy`` over ``devices`` devices, or None for one device.

    Logical CPU devices can only be made before TensorFlow starts running: a process that already
    ran TensorFlow with fewer devices gets a ``ConfigError`` saying to start afresh.
    """
    if not 1 <= devices <= MAX_DEVICES:
        raise ConfigError(f"--devices {devices} is outside 1 to {MAX_DEVICES}.")
    if devices == 1:
        return None
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        if len(gpus) < devices:
            raise ConfigError(f"--devices {devices}, but this machine has {len(gpus)} GPU(s): ask for at most that.")
        names = [f"/gpu:{i}" for i in range(devices)]
    else:
        cpu = tf.config.list_physical_devices("CPU")[0]
        try:
            tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * devices)
        except RuntimeError:  # TensorFlow is already running: its devices are fixed
            pass
        made = len(tf.config.list_logical_devices("CPU"))
        if made < devices:
            raise ConfigError(f"--devices {devices}: TensorFlow already runs with {made} CPU device(s) in this "
                              "process; start a new process to train on more.")
        names = [f"/cpu:{i}" for i in range(devices)]
    return tf.distribute.MirroredStrategy(names)


def replica_share(value):
    """A loss ready for the gradient of one replica's batch: divided by the number of replicas,
    since the replicas' gradients are summed (as Keras does for a compiled loss). Unchanged on one
    device."""
    import tensorflow as tf
    from keras import ops

    replicas = tf.distribute.get_strategy().num_replicas_in_sync
    return value if replicas == 1 else ops.multiply(value, 1.0 / replicas)
