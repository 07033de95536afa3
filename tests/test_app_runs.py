"""AppTest of Runs: empty store, the table, comparison, export/import, delete (also broken)."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from aemodels.store.runs import RunStore

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/runs.py"


def open_page():
    return AppTest.from_file(APP, default_timeout=120).switch_page(PAGE).run()


def test_empty_store(home):
    at = open_page()
    assert not at.exception
    assert at.info[0].value == "No runs yet."
    assert at.button(key="runs_train")


def test_table_compare_and_delete_broken(home_with_runs):
    path, runs = home_with_runs
    broken = runs["dense-vae"]
    (path / "runs" / broken / "metrics.json").unlink()
    at = open_page()
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    assert len(table) == len(runs)
    assert table.loc[table["run"] == broken, "status"].iloc[0].startswith("broken")
    assert [chart.key for chart in at.get("plotly_chart")] == ["compare_chart", "rate_distortion"]  # one sound VAE
    at.multiselect(key="compare").set_value([runs["vae"], runs["dense-ae"], runs["superres"]]).run()
    assert not at.exception
    # Three kinds, three units: three panels, each titled with what its loss measures.
    import json

    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    titles = [a["text"] for a in spec["layout"]["annotations"]]
    assert len(titles) == 3 and any("nats per image" in t for t in titles) and any("per pixel" in t for t in titles)
    at.selectbox(key="one_run").set_value(broken).run()
    assert not at.exception
    at.button(key=f"delete_{broken}").click().run()
    assert not at.exception
    assert len(at.dataframe[0].value) == len(runs) - 1


def test_export_and_make_current(home_with_runs):
    _, runs = home_with_runs
    at = open_page()
    at.selectbox(key="one_run").set_value(runs["vae"]).run()
    at.button(key="make_current").click().run()
    assert not at.exception
    assert runs["vae"] in at.query_params["run"]
    data = RunStore().export_zip(runs["vae"])
    assert RunStore().import_zip(data, "run.zip")


def test_the_table_follows_the_kind_and_dataset_filters(home_with_runs):
    _, runs = home_with_runs
    at = open_page()
    at.multiselect(key="compare").set_value([runs["vae"], runs["dense-ae"]]).run()
    at.multiselect(key="runs_kinds").set_value(["vae"]).run()
    assert not at.exception and not at.error
    assert set(at.dataframe[0].value["model"]) == {"vae"}
    assert at.multiselect(key="compare").value == [runs["vae"]]  # the hidden run left the comparison
    assert any("of" in c.value and "runs shown" in c.value for c in at.caption)
    at.multiselect(key="runs_kinds").set_value([]).run()
    assert not at.exception
    assert any("No run of the chosen kinds" in i.value for i in at.info)


def test_delete_asks_first_then_restores_from_the_trash(home_with_runs):
    _, runs = home_with_runs
    gone = runs["conv-ae"]
    at = open_page()
    at.selectbox(key="one_run").set_value(gone).run()
    assert any("to the trash?" in m.value for m in at.markdown)  # the question, in the popover
    assert gone in {i.run_id for i in RunStore().list()}  # nothing deleted by opening it
    at.button(key=f"delete_{gone}").click().run()
    assert not at.exception
    assert gone not in {i.run_id for i in RunStore().list()} and RunStore().in_trash(gone)
    assert any(f"Moved run {gone} to the trash" in s.value for s in at.success)
    assert not [w for w in at.warning if gone in w.value]  # deleted here: no "moved elsewhere" warning
    assert gone not in list(at.dataframe[0].value["run"])
    at.button(key=f"restore_{gone}").click().run()
    assert not at.exception
    assert gone in {i.run_id for i in RunStore().list()} and gone in list(at.dataframe[0].value["run"])
    assert any(s.value.startswith("Restored run ") and gone in s.value for s in at.success)
    # Deleted again, then the trash emptied: gone for good.
    at.selectbox(key="one_run").set_value(gone).run()
    at.button(key=f"delete_{gone}").click().run()
    at.button(key="empty_trash").click().run()
    assert not at.exception
    assert not RunStore().in_trash(gone) and gone not in {i.run_id for i in RunStore().list()}
    assert not [b for b in at.button if b.key == f"restore_{gone}"]


def test_a_name_given_to_a_run_shows_in_the_pickers(home_with_runs):
    _, runs = home_with_runs
    at = open_page()
    at.selectbox(key="one_run").set_value(runs["vae"]).run()
    at.text_input(key=f"run_name_{runs['vae']}").input("<b>first VAE</b> [x](javascript:1)")
    at.text_area(key=f"run_note_{runs['vae']}").input("2 epochs only: a smoke test.")
    next(b for b in at.button if b.label == "Save name and note").click().run()  # one submit of the form
    assert not at.exception and not at.error
    info = RunStore().get(runs["vae"])
    assert info.name == "bfirst VAE/b x(javascript:1)" and info.note == "2 epochs only: a smoke test."
    sidebar_picker = at.sidebar.selectbox[0]
    assert any(option.startswith("bfirst VAE/b x(javascript:1): vae on mnist-10k") for option in sidebar_picker.options)
    assert any(option.startswith("bfirst VAE") for option in at.selectbox(key="one_run").options)
    # The name and note travel with the run.
    copy = RunStore(RunStore().root.parent / "elsewhere")
    copied = copy.get(copy.import_zip(RunStore().export_zip(runs["vae"]), "run.zip"))
    assert (copied.name, copied.note) == (info.name, info.note)


def test_compared_embeddings_side_by_side_and_a_setting_against_a_score(home_with_runs):
    _, runs = home_with_runs
    at = open_page()
    at.multiselect(key="compare").set_value([runs["vae"], runs["dense-ae"], runs["denoise"]]).run()
    assert not at.exception and not at.error
    # The loss chart, the two embedding runs' maps of the same held-out images and PCA's, the scatter;
    # then the VAE runs' rate–distortion plane.
    assert len(at.get("plotly_chart")) == 1 + 2 + 1 + 1 + 1
    assert at.get("plotly_chart")[-1].key == "rate_distortion"
    assert any("the same in every map" in c.value for c in at.caption)
    at.selectbox(key="compare_setting").set_value("epochs").run()
    at.selectbox(key="compare_score").set_value("MSE").run()
    import json

    spec = json.loads(next(c for c in at.get("plotly_chart") if c.key == "compare_scatter").proto.spec)
    assert spec["layout"]["xaxis"]["title"]["text"] == "epochs" and spec["layout"]["yaxis"]["title"]["text"] == "MSE"
    assert sum(len(trace["customdata"]) for trace in spec["data"]) == 3  # one point per compared run


def test_every_compared_embedding_gets_its_map_and_the_caption_names_what_is_left_out(home_with_runs):
    """Four embedding runs of one split and a denoiser: four maps and PCA's, three to a row; the
    caption names the denoiser as having no map (it used to show three maps and blame the data)."""
    _, runs = home_with_runs
    embeddings = [runs[kind] for kind in ("dense-ae", "conv-ae", "vae", "dense-vae")]
    at = open_page()
    at.multiselect(key="compare").set_value(embeddings + [runs["denoise"]]).run()
    assert not at.exception and not at.error
    maps = [chart for chart in at.get("plotly_chart") if chart.proto.id and "compare_map_" in chart.proto.id]
    assert len(maps) == len(embeddings) + 1, [c.proto.id for c in at.get("plotly_chart")]
    caption = next(c.value for c in at.caption if "the same in every map" in c.value)
    assert f"their kind makes no 2-D map: {runs['denoise']}" in caption
    assert "other data or another split" not in caption


def test_the_same_held_out_images_go_through_each_compared_run_and_its_baseline(home_with_runs):
    """An autoencoder, a denoiser and an upscaler of one split: the images, then for each run what
    it was given, what it made and its baseline, all on the same first held-out images."""
    from aemodels.scoring.scores import Scores
    from aemodels.ui.compare_views import EXAMPLE_IMAGES

    _, runs = home_with_runs
    at = open_page()
    at.multiselect(key="compare").set_value([runs["vae"], runs["denoise"], runs["superres"]]).run()
    assert not at.exception and not at.error
    assert not at.get("image")  # nothing loaded until asked
    at.toggle(key="compare_images").set_value(True).run()
    assert not at.exception and not at.error
    labels = [c.value for c in at.caption]
    rows = labels[labels.index("The held-out images"):][:10]
    denoising = Scores.read(RunStore().get(runs["denoise"]).metrics).denoising
    point = denoising.at(denoising.report_level)
    noisy = f"images with {denoising.kind} noise σ = {denoising.report_level:g}"
    for run, given, baseline in ((runs["vae"], None, "PCA, 2 components"),
                                 (runs["denoise"], noisy, f"{point.filter}, from the same {noisy}"),
                                 (runs["superres"], "images shrunk ×", "Lanczos ×")):
        made = rows.index(f"{RunStore().get(run).config.model} · {run[-6:]}: what it made of them")
        if given:
            assert rows[made - 1].startswith(f"Given to the model: {given}")
        assert rows[made + 1].startswith(f"Baseline: {baseline}") or rows[made + 1].startswith("Baseline: Bicubic ×")
    # The images, then per run its input (where it has one), its output and its baseline: 9 rows.
    assert len(at.get("image")) == 9 * EXAMPLE_IMAGES
    assert any("the same for every run here" in label for label in labels)
