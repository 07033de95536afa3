"""The sidebar, the URL and the page agree; trainings end as they say; settings are kept."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.apptest import finish_training

APP = str(Path(__file__).resolve().parent.parent / "app.py")
UNKNOWN_RUN = "20200101-000000-vae-abcdef"


def app(page: str, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in params.items():
        at.query_params[key] = value
    return at.switch_page(page).run()


def sidebar_run(at) -> str | None:
    pickers = [box for box in at.sidebar.selectbox if box.key and box.key.startswith("run_picker_")]
    assert len(pickers) == 1, [box.key for box in at.sidebar.selectbox]
    return pickers[0].value


def sidebar_dataset(at) -> str:
    return next(m.value for m in at.sidebar.markdown if m.value.startswith("**Dataset:**"))


def offered_runs(at) -> dict[str, str]:
    """The sidebar's offers of runs that finished lately: the job's words → the link's query."""
    links = [link.proto.query_string for link in at.sidebar.get("page_link") if link.proto.label == "Open the new run"]
    words = [c.value.split(": saved as run")[0].split(":material/check_circle: ")[-1] for c in at.sidebar.caption
             if ": saved as run " in c.value]
    assert len(links) == len(words), (links, words)
    return dict(zip(words, links))


def test_a_finished_training_is_offered_and_its_stop_button_is_gone(home_with_runs):
    _, runs = home_with_runs
    at = app("pages/train.py", run=runs["vae"])
    assert sidebar_run(at) == runs["vae"]
    at.selectbox(key="dataset_choice").set_value("digits").run()
    before = at.query_params.get("run")
    at.selectbox(key="kind").set_value("dense-ae").run()
    at.number_input(key="epochs").set_value(1).run()
    at.button(key="train").click().run()
    finish_training(at)
    assert not at.exception and not at.error
    assert at.query_params.get("run") == before  # not made current by itself
    offered = offered_runs(at)
    assert list(offered) == ["dense-ae, code 2 on digits"], offered
    new = offered["dense-ae, code 2 on digits"]
    assert "dense-ae" in new and "dataset=digits" in new
    assert any(m.value.startswith("Saved as run") for m in at.success)
    assert not [b for b in at.button if b.key and b.key.startswith("stop_")]


def test_a_finished_job_leaves_the_train_form_on_the_data_the_person_chose(home_with_runs):
    """A job on one dataset finishing while the form shows another: the form stays where it is
    (it used to jump to the job's dataset, and the next click trained on it)."""
    at = app("pages/train.py", dataset="digits")
    at.selectbox(key="kind").set_value("dense-ae").run()
    at.number_input(key="epochs").set_value(2).run()
    at.button(key="train").click().run()
    at.selectbox(key="dataset_choice").set_value("mnist-10k").run()
    at.selectbox(key="kind").set_value("vae").run()
    finish_training(at)
    at.run()
    assert not at.exception and not at.error
    assert at.selectbox(key="dataset_choice").value == "mnist-10k"
    assert at.selectbox(key="kind").value == "vae"
    assert "mnist-10k" in sidebar_dataset(at)
    assert offered_runs(at)  # the run is offered, not opened


def test_a_training_goes_on_while_the_person_opens_other_screens(home):
    at = app("pages/train.py", dataset="digits")
    at.selectbox(key="kind").set_value("dense-ae").run()
    at.number_input(key="epochs").set_value(20).run()
    at.button(key="train").click().run()
    assert any(b.key.startswith("stop_") for b in at.button if b.key)
    at.switch_page("pages/runs.py").run()  # a page change: the training is not in any page's script
    assert not at.exception
    assert any(link.proto.label == "Follow the training" for link in at.sidebar.get("page_link"))
    finish_training(at)
    assert not at.exception
    assert "run" not in at.query_params  # nothing the person chose changed
    assert list(offered_runs(at)) == ["dense-ae, code 2 on digits"]
    assert at.title[0].value == "Runs"  # it did not take the person anywhere


def test_an_unknown_run_and_an_offline_dataset_in_the_link_are_explained(home_with_runs):
    _, runs = home_with_runs
    at = app("pages/embedding.py", dataset="mnist", run=UNKNOWN_RUN)
    assert not at.exception
    texts = [w.value for w in at.warning]
    assert any("'mnist'" in t and "offline" in t and "showing mnist-10k instead" in t for t in texts), texts
    assert any(UNKNOWN_RUN in t and "is not in the store" in t for t in texts), texts
    # not silently replaced: the person is offered the newest fitting run
    assert at.query_params["run"] == UNKNOWN_RUN
    assert any(b.key == "open_fitting" for b in at.button)
    at.button(key="open_fitting").click().run()
    shown = at.query_params["run"]
    assert shown != UNKNOWN_RUN and sidebar_run(at) == shown
    assert "mnist-10k" in sidebar_dataset(at)


def test_a_dataset_that_needs_a_download_is_named_with_the_reason(home):
    at = app("pages/home.py", dataset="fashion-mnist")
    assert any("fashion-mnist" in w.value and "showing mnist-10k instead" in w.value for w in at.warning)
    at = app("pages/train.py")
    picker = at.selectbox(key="dataset_choice")
    assert any(o.startswith("fashion-mnist:") and o.endswith("(needs a download)") for o in picker.options)
    assert any(o.startswith("mnist:") and o.endswith("(needs a download)") for o in picker.options)
    at.selectbox(key="dataset_choice").set_value("fashion-mnist").run()
    assert any("cannot be used now" in e.value and "offline" in e.value for e in at.error)
    assert at.button(key="train").disabled


def test_the_one_run_picker_starts_at_the_current_run_and_names_its_download(home_with_runs):
    _, runs = home_with_runs
    at = app("pages/runs.py", run=runs["dense-ae"])
    picker = at.selectbox(key="one_run")
    assert picker.value == runs["dense-ae"]
    downloads = [d for d in at.get("download_button") if d.proto.id and runs["dense-ae"] in d.proto.label]
    assert downloads, [d.proto.label for d in at.get("download_button")]


def test_train_settings_survive_a_visit_to_another_page(home):
    at = app("pages/train.py")
    at.selectbox(key="kind").set_value("conv-ae").run()
    at.number_input(key="epochs").set_value(7).run()
    at.slider(key="latent").set_value(5).run()
    at.switch_page("pages/home.py").run()
    at.switch_page("pages/train.py").run()
    assert not at.exception
    assert at.selectbox(key="kind").value == "conv-ae"
    assert at.number_input(key="epochs").value == 7
    assert at.slider(key="latent").value == 5


def test_train_shows_the_gradient_steps_and_only_the_settings_of_the_kind(home):
    at = app("pages/train.py")
    at.selectbox(key="kind").set_value("conv-ae").run()
    assert any("gradient steps per epoch" in c.value for c in at.caption)
    assert not [s for s in at.slider if s.key == "noise_max"] and not at.multiselect
    at.selectbox(key="kind").set_value("superres").run()
    assert at.multiselect(key="factors") and not [s for s in at.slider if s.key == "latent"]
    # the latent size reaches what the store accepts
    at.selectbox(key="kind").set_value("vae").run()
    assert at.slider(key="latent").max == 64


def test_choosing_another_dataset_leaves_a_run_of_the_old_one(home_with_runs):
    _, runs = home_with_runs
    at = app("pages/train.py", run=runs["dense-ae"])
    assert sidebar_run(at) == runs["dense-ae"]
    at.selectbox(key="dataset_choice").set_value("digits").run()
    assert not at.exception
    assert "run" not in at.query_params and at.query_params["dataset"] == "digits"
    assert sidebar_run(at) is None and "digits" in sidebar_dataset(at)


def test_a_tiny_upload_can_be_trained_with_a_batch_of_all_its_images(home):
    import numpy as np

    from aemodels.data.datasets import Dataset, save_upload

    images = np.random.default_rng(1).integers(0, 256, (12, 8, 8, 1), dtype=np.uint8)
    name = save_upload(Dataset("upload", images, np.zeros(12, np.int64), ("unlabelled",)), "twelve.npz")
    at = app("pages/train.py", dataset=name)
    assert not at.exception and not at.error
    assert at.select_slider(key="batch").value == 10  # 12 images, 2 held out
    assert not at.button(key="train").disabled


def test_each_session_sees_only_its_own_training(home):
    mine = app("pages/train.py", dataset="digits")
    mine.number_input(key="epochs").set_value(30).run()
    mine.button(key="train").click().run()
    assert any(b.key.startswith("stop_") for b in mine.button if b.key)
    other = app("pages/train.py", dataset="digits")  # another browser session on the same server
    assert not any(b.key and b.key.startswith("stop_") for b in other.button)
    assert not other.sidebar.get("page_link")
    finish_training(mine)
    other.run()
    assert "run" not in other.query_params  # the other session's current run did not change
