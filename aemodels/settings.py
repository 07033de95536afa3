"""Every training setting, declared once: its default, its valid values, its words and help, the
model kinds it applies to, and how the Train form offers it.

``TrainConfig`` (its fields, defaults, validation and run identity), the command line's flags and
the Train form are all made from ``SETTINGS``. Adding a setting is adding one ``Setting`` here
(and the code that uses its value); a setting added after runs were saved gives ``omitted_at``
the value every earlier run had, so their config ids stay what they were.

This module is light: no TensorFlow, no Streamlit.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Callable

from aemodels.kinds import KINDS, ModelKind, TaskName

NOISE_KINDS = ("gaussian", "salt-and-pepper")
_ALWAYS = object()  # ``omitted_at`` of a setting that is always written


@dataclasses.dataclass(frozen=True)
class Form:
    """How the Train form offers a setting.

    Attributes:
        widget: ``slider``, ``number``, ``select_slider``, ``radio``, ``selectbox`` or ``multiselect``.
        key: the widget's key (kept across pages and reruns).
        column: 0 for the left column, 1 for the right one.
        low, high, step: the slider's or number box's range; may be narrower than the valid one.
        options: the values a ``select_slider``, ``radio`` or ``multiselect`` offers.
        at_most_images: offer only options up to the number of training images (and the
            recommended one).
        shown: whether to draw it, given the values chosen above it on the form (name → value).
    """

    widget: str
    key: str
    column: int = 0
    low: float | None = None
    high: float | None = None
    step: float | None = None
    options: tuple = ()
    at_most_images: bool = False
    shown: Callable[[dict], bool] = lambda chosen: True


@dataclasses.dataclass(frozen=True)
class Setting:
    """One training setting.

    Attributes:
        name: the ``TrainConfig`` field and JSON key; the flag is ``--`` and the name with dashes.
        default: its value when none is given.
        words: what people read beside it ("Latent size (numbers in the code)").
        noun: how an error message names it ("The latent size").
        help: one more line for the form's tooltip and the command line's help.
        value_type: ``int``, ``float``, ``str``, ``"factors"`` (whole numbers, at least one),
            ``"optional int"`` (None allowed) or ``"shape"`` (``"HxWxC"``, or "" for none).
        low, high: the valid range, inclusive (of each number, for ``factors``); ``above_low``
            excludes ``low`` itself.
        choices: the allowed values of a ``str`` setting (empty: any non-empty text).
        hint: added to the error message ("1 is the recommended strength").
        applies: whether it applies to a kind; a setting that does not is reset to its default
            and left out of that kind's runs.
        requires: a rule across settings: given the config, a one-line reason or None.
        omitted_at: left out of the run's JSON at this value (for a setting added later); a saved
            config without the setting is read with this value (``TrainConfig.from_dict``).
        recommended: left unset, it takes the value recommended for the kind and the data
            (``tasks.defaults``): on the command line its flag defaults to that.
        command_line: whether ``python -m aemodels train`` has a flag for it.
        form: how the Train form offers it; None where the form has a picker of its own or none.
    """

    name: str
    default: Any
    words: str
    noun: str
    value_type: Any
    help: str = ""
    low: float | None = None
    high: float | None = None
    above_low: bool = False
    choices: tuple[str, ...] = ()
    hint: str = ""
    applies: Callable[[ModelKind], bool] = lambda kind: True
    requires: Callable[[Any], str | None] = lambda config: None
    omitted_at: Any = _ALWAYS
    recommended: bool = False
    command_line: bool = True
    form: Form | None = None

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def annotation(self) -> str:
        return {"factors": "tuple[int, ...]", "optional int": "int | None"}.get(self.value_type,
                                                                              getattr(self.value_type, "__name__", ""))

    @property
    def added_later(self) -> bool:
        """Whether runs were saved before this setting existed (they have ``omitted_at``)."""
        return self.omitted_at is not _ALWAYS

    def omitted(self, value: Any) -> bool:
        """Whether a run's JSON leaves this value out (the value of runs saved before the setting)."""
        return self.added_later and value == self.omitted_at

    def normal(self, value: Any) -> Any:
        """``value`` in its one canonical form (JSON gives lists, and 1 and 1.0 are one rate)."""
        if self.value_type == "factors":
            return tuple(value)
        if self.value_type is float:
            return float(value)
        if self.value_type == "shape":
            return "x".join(str(size) for size in shape_of(value)) if value else ""
        return value

    def problem(self, value: Any) -> str | None:
        """Why ``value`` is not valid for this setting, in one line; None when it is."""
        if self.value_type == "factors":
            ok = (not isinstance(value, (str, bytes)) and hasattr(value, "__iter__") and len(tuple(value)) > 0
                  and all(_whole(v) and self.low <= v <= self.high for v in value))
            return None if ok else f"{self.noun} must be whole numbers from {self.low} to {self.high}, at least one."
        if self.value_type is str:
            if self.choices:
                allowed = " or ".join(self.choices) if len(self.choices) == 2 else "one of " + ", ".join(self.choices)
                return None if value in self.choices else f"Unknown {self.words.lower()} {value!r}: use {allowed}."
            return None if isinstance(value, str) and value else f"{self.noun} must be {self.hint}."
        if self.value_type == "shape":
            sizes = shape_of(value) if isinstance(value, str) else None
            if value == "" or (sizes and all(1 <= s <= 64 for s in sizes) and math.prod(sizes) <= self.high):
                return None
            return f"{self.noun} must be three whole numbers such as 4x4x8 (height x width x channels), {self.hint}."
        if self.value_type == "optional int" and value is None:
            return None
        whole = self.value_type in (int, "optional int")
        ok = (_whole(value) if whole else _number(value) and math.isfinite(value)) and (
            (self.low < value if self.above_low else self.low <= value) and value <= self.high)
        if ok:
            return None
        span = (f"above {self.low:g} and at most {self.high:g}" if self.above_low
                else f"from {self.low:g} to {self.high:g}")
        return f"{self.noun} must be {'a whole number' if whole else 'a number'} {span}" + \
            (f"; {self.hint}." if self.hint else ".")

    def parse(self, text: str) -> Any:
        """A command-line value (text) as this setting's type; ``ValueError`` if it cannot be."""
        if self.value_type == "factors":
            return tuple(int(part) for part in text.split(",") if part.strip())
        if self.value_type == "optional int":
            return int(text)
        if self.value_type == "shape":
            return text
        return self.value_type(text)

    def show(self, value: Any) -> str:
        """``value`` as typed on the command line."""
        return ",".join(str(v) for v in value) if self.value_type == "factors" else str(value)


def shape_of(text: str) -> tuple[int, int, int] | None:
    """``"4x4x8"`` → (4, 4, 8); None when ``text`` is not three whole numbers joined by x."""
    parts = text.lower().replace("×", "x").split("x")
    if len(parts) != 3 or not all(part.strip().isdigit() for part in parts):
        return None
    return tuple(int(part) for part in parts)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _embedding(kind: ModelKind) -> bool:
    return kind.task is TaskName.EMBEDDING


def _versioned(kind: ModelKind) -> bool:
    return kind.task is TaskName.EMBEDDING and kind.layout == "conv"


def _image_to_image(kind: ModelKind) -> bool:
    return kind.task in (TaskName.DENOISING, TaskName.SUPER_RESOLUTION)


MAX_CODE = 256  # numbers in a code, flat or shaped


def _spatial_code(kind: ModelKind) -> bool:
    return kind.task is TaskName.EMBEDDING and kind.layout == "conv" and not kind.variational


def code_map_side(side: int) -> int:
    """The side of a shaped code's maps for images of ``side`` pixels: padded to a multiple of 4,
    halved by the encoder's two stride-2 convolutions and by the one that makes the code."""
    return math.ceil(math.ceil(side / 4) / 2)


LATEST_ARCHITECTURE = 2  # what new runs of a versioned kind are built with (``models.architectures``)
LATEST_IMAGE_MODEL = 2  # how new denoisers and upscalers start and train (``models.architectures``, ``tasks.superres``)


def _neighbours_need_a_2d_code(config) -> str | None:
    if config.neighbour_weight and config.latent_dim != 2:
        return ("Neighbour keeping pulls the code towards a 2-D map: it needs a latent size of 2 "
                f"(this config has {config.latent_dim}).")
    return None


RECOMMENDED_HELP = "default: recommended for the kind and the number of training images"

SETTINGS: dict[str, Setting] = {setting.name: setting for setting in (
    Setting("dataset", "mnist-10k", "Dataset", "The dataset", str, hint="a dataset name such as 'mnist-10k'",
            help="a name from 'python -m aemodels datasets', or upload:<id> for an upload kept in the store"),
    Setting("model", "dense-ae", "Model kind", "The model kind", str, choices=tuple(KINDS),
            help="one of " + "; ".join(f"{kind.name} ({kind.title})" for kind in KINDS.values())),
    Setting("code_shape", "", "Code shape", "The code shape", "shape", high=MAX_CODE,
            hint=f"at most {MAX_CODE} numbers in all", applies=_spatial_code, omitted_at="",
            help="A code with a shape, as the lesson's notebook has (4x4x8: 8 maps of 4×4, 128 numbers): the encoder "
                 "ends on a convolution instead of a dense layer, and the latent size is the product. Empty: a flat "
                 "code. Its height and width are the images' sides halved three times (4x4 for 28×28 images).",
            form=Form("selectbox", "code_shape", options=("", "4x4x4", "4x4x8", "4x4x16"))),
    Setting("latent_dim", 2, "Latent size (numbers in the code)", "The latent size", int, low=1, high=MAX_CODE,
            help="the size of the code (with --code-shape, the product of its sizes)", applies=_embedding,
            form=Form("slider", "latent", low=1, high=64, shown=lambda chosen: not chosen.get("code_shape"))),
    Setting("neighbour_weight", 0.0, "Neighbour keeping", "The neighbour weight", float, low=0, high=10,
            hint="0 is the plain model, 1 the recommended strength",
            applies=lambda kind: _embedding(kind) and not kind.adversarial and not kind.conditional,
            requires=_neighbours_need_a_2d_code, omitted_at=0.0,
            help="0 is the plain model. Above 0, the code is also pulled towards a t-SNE map of the training "
                 "images, so images that look alike stay neighbours; 1 is the recommended strength.",
            form=Form("slider", "neighbour", low=0.0, high=2.0, step=0.25,
                      shown=lambda chosen: chosen.get("latent_dim") == 2)),
    Setting("beta", 1.0, "β, the weight of the KL term", "β", float, low=0, high=20,
            hint="1 is the plain VAE", applies=lambda kind: kind.variational, omitted_at=1.0,
            help="The VAE's loss is reconstruction + β · KL. Above 1 (a β-VAE) the code is pulled harder "
                 "towards the prior: smoother and more regular, with blurrier reconstructions; below 1 the "
                 "reverse.",
            form=Form("slider", "beta", low=0.0, high=8.0, step=0.25)),
    Setting("architecture", LATEST_ARCHITECTURE, "Architecture version", "The architecture version", int,
            low=1, high=LATEST_ARCHITECTURE, applies=_versioned, omitted_at=1,
            hint=f"{LATEST_ARCHITECTURE} is the current one",
            help="The layers of a convolutional kind. 2 (new runs): the published conv autoencoder's, Conv64/s2 → "
                 "Conv128/s2 → Dense512 → code and back. 1: the small Conv16/s2 → Conv32/s2 → Dense128 of runs "
                 "saved before it; a run always rebuilds the version it was trained with.",
            form=Form("radio", "architecture", column=1, options=tuple(range(LATEST_ARCHITECTURE, 0, -1)))),
    Setting("image_model_version", LATEST_IMAGE_MODEL, "Model version", "The model version", int,
            low=1, high=LATEST_IMAGE_MODEL, applies=_image_to_image, omitted_at=1,
            hint=f"{LATEST_IMAGE_MODEL} is the current one",
            help="How a denoiser or an upscaler starts and trains. 2 (new runs): it starts as its input (its correction "
                 "layer begins at zero), and an upscaler draws each training image's factor in proportion to "
                 "1/factor², since a dB at ×2 is a far smaller error than at ×7. 1: runs saved before it (a random "
                 "start, factors drawn evenly); a run always rebuilds the version it was trained with.",
            form=Form("radio", "image_model_version", column=1,
                      options=tuple(range(LATEST_IMAGE_MODEL, 0, -1)))),
    Setting("epochs", 10, "Epochs", "Epochs", int, low=1, high=500, recommended=True, help=RECOMMENDED_HELP,
            form=Form("number", "epochs", low=1, high=500)),
    Setting("batch_size", 128, "Batch size", "The batch size", int, low=1, high=4096, recommended=True,
            help=RECOMMENDED_HELP, form=Form("select_slider", "batch", options=(16, 32, 64, 128, 256, 512), at_most_images=True)),
    Setting("learning_rate", 1e-3, "Learning rate", "The learning rate", float, low=0, high=1, above_low=True,
            hint="try 0.001", recommended=True, help=RECOMMENDED_HELP,
            form=Form("select_slider", "rate", options=(1e-4, 3e-4, 1e-3, 2e-3, 3e-3, 1e-2))),
    Setting("seed", 0, "Seed", "The seed", int, low=0, high=2**31 - 1,
            help="drives the data split, weight initialisation, shuffling and corruption",
            form=Form("number", "seed", column=1, low=0, high=2**31 - 1)),
    Setting("train_images", None, "Training images", "Training images", "optional int", low=2, high=100_000,
            help="use only this many training images (default: all)"),
    Setting("noise_kind", "gaussian", "Noise kind", "Noise kind", str, choices=NOISE_KINDS,
            help="the corruption the denoiser trains on", applies=lambda kind: kind.task is TaskName.DENOISING,
            form=Form("radio", "noise_kind", column=1, options=NOISE_KINDS)),
    Setting("noise_max", 0.5, "Largest training noise level", "The largest training noise level", float,
            low=0, high=1, above_low=True, applies=lambda kind: kind.task is TaskName.DENOISING,
            help="The denoiser trains on levels from 0 up to this; the Denoising slider warns beyond it.",
            form=Form("slider", "noise_max", column=1, low=0.05, high=1.0, step=0.05)),
    Setting("upscale_factors", (2, 3, 4, 7), "Upscale factors", "Upscale factors", "factors", low=2, high=8,
            help="the factors the super-resolution model trains on, each image at one of them",
            applies=lambda kind: kind.task is TaskName.SUPER_RESOLUTION,
            form=Form("multiselect", "factors", column=1, options=tuple(range(2, 9)))),
    Setting("test_fraction", 0.2, "Held-out share", "The held-out share", float, low=0.05, high=0.5,
            help="the share of the dataset held out for scoring", command_line=False),
)}


def for_kind(kind: ModelKind) -> tuple[Setting, ...]:
    """The settings that apply to ``kind``, in declaration order."""
    return tuple(setting for setting in SETTINGS.values() if setting.applies(kind))
