"""AppTest of Train: every control, a tiny training, reuse of the same config, a bad upload."""

from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from aemodels.data.datasets import save_upload
from aemodels.data.uploads import read_upload
from tests.apptest import finish_training

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/train.py"


def open_page(**params):
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in params.items():
        at.query_params[key] = value
    return at.switch_page(PAGE).run()


def tiny(at, kind="dense-ae"):
    """Smallest settings the widgets allow, on the 8×8 digits."""
    at.selectbox(key="dataset_choice").set_value("digits").run()
    at.selectbox(key="kind").set_value(kind)
    at.number_input(key="epochs").set_value(1)
    at.select_slider(key="batch").set_value(512)
    return at.run()


def test_controls_render(home):
    at = open_page()
    assert not at.exception
    for kind in ("denoise", "superres", "vae"):
        at.selectbox(key="kind").set_value(kind).run()
        assert not at.exception
    at.selectbox(key="kind").set_value("denoise").run()
    at.slider(key="noise_max").set_value(0.3)
    at.radio(key="noise_kind").set_value("salt-and-pepper").run()
    assert not at.exception
    at.selectbox(key="kind").set_value("superres").run()
    at.multiselect(key="factors").set_value([]).run()
    assert "Upscale factors must be" in at.error[0].value
    assert at.button(key="train").disabled


def test_train_then_reuse(home):
    at = tiny(open_page())
    at.button(key="train").click().run()
    finish_training(at)
    assert not at.exception and not at.error
    assert "run" not in at.query_params  # offered, not made current
    first = next(link.proto.label.removeprefix("See the results of run ") for link in at.get("page_link")
                 if link.proto.label.startswith("See the results of run "))
    at.button(key="train").click().run()
    assert not at.exception
    assert any("trained before" in s.value for s in at.success)
    assert at.query_params["run"] == first


def test_uploaded_dataset_trains(home):
    rng = np.random.default_rng(0)
    name = save_upload(read_upload(_npz(rng.integers(0, 255, (64, 12, 12), np.uint8), rng.integers(0, 3, 64)), "x.npz"))
    at = open_page(dataset=name)
    assert not at.exception
    assert at.selectbox(key="dataset_choice").value == name
    at.selectbox(key="kind").set_value("conv-ae")
    at.number_input(key="epochs").set_value(1)
    at.select_slider(key="batch").set_value(16).run()
    at.button(key="train").click().run()
    finish_training(at)
    assert not at.exception and not at.error
    at.switch_page("pages/embedding.py").run()
    assert not at.exception and not at.error
    assert {"emb_model_chart", "emb_pca_chart", "emb_forming"} <= {chart.key for chart in at.get("plotly_chart")}


def test_a_conditional_vae_on_data_without_labels_is_refused_in_one_line(home):
    rng = np.random.default_rng(1)
    name = save_upload(read_upload(_npz(rng.integers(0, 255, (64, 12, 12), np.uint8)), "plain.npz"))
    at = open_page(dataset=name)
    at.selectbox(key="kind").set_value("cvae").run()
    assert not at.exception
    assert [e.value for e in at.error] == ["A cvae is told each image's class, and this data has no labels: choose a "
                                           "labelled dataset, or train a vae."]
    assert at.button(key="train").disabled
    at.selectbox(key="dataset_choice").set_value("digits").run()
    assert not at.error and not at.button(key="train").disabled


def test_a_code_shape_that_does_not_fit_the_images_is_refused_in_one_line(home):
    at = open_page()
    at.selectbox(key="dataset_choice").set_value("digits").run()
    at.selectbox(key="kind").set_value("conv-ae").run()
    at.selectbox(key="code_shape").set_value("4x4x8").run()
    assert not at.exception
    assert [e.value for e in at.error] == ["For 8×8 images a code's maps are 1×1 (the sides halved three times): use a "
                                           "code shape of 1x1xC, such as 1x1x8."]
    assert at.button(key="train").disabled
    assert not [s for s in at.slider if s.key == "latent"]  # the shape sets the code size


def _npz(x, y=None) -> bytes:
    import io

    buffer = io.BytesIO()
    np.savez(buffer, x=x, **({} if y is None else {"y": y}))
    return buffer.getvalue()


def test_training_waits_its_turn(home):
    """With one slot taken by another session, the page waits in line, then trains."""
    import threading
    import time

    from aemodels.jobs.limiter import limiter, training_slot

    seen_waiting: list[list[str]] = []
    holding = threading.Event()

    def other_session():
        with training_slot("other-session"):
            holding.set()
            deadline = time.monotonic() + 120
            while not limiter().waiting() and time.monotonic() < deadline:
                time.sleep(0.05)
            seen_waiting.append(limiter().waiting())

    holder = threading.Thread(target=other_session)
    holder.start()
    holding.wait(10)
    at = tiny(open_page())
    at.button(key="train").click().run()
    holder.join(10)
    assert seen_waiting and len(seen_waiting[0]) == 1, "the page never queued behind the other training"
    finish_training(at)
    assert not at.exception and not at.error
    assert any(m.value.startswith("Saved as run") for m in at.success)
