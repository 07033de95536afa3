"""The Runs screen's tables: scores rounded, the comparison readable."""

import pandas as pd

from aemodels.ui.run_table import KNN_COLUMN, comparison_table, runs_table, shared_settings


def test_scores_have_three_significant_digits(home_with_runs):
    from aemodels.store.runs import RunStore

    home, _ = home_with_runs
    table = runs_table(RunStore(home / "runs").list())
    scores = table[KNN_COLUMN].dropna()
    assert len(scores) >= 4
    assert all(float(f"{value:.3g}") == value for value in scores)


def test_comparison_is_text_with_blanks_for_missing():
    table = pd.DataFrame([{"run": "a", "latent": 2.0, KNN_COLUMN: 0.307, "gain": None},
                          {"run": "b", "latent": None, KNN_COLUMN: None, "gain": 1.5}])
    compared = comparison_table(table, ["a", "b"])
    assert list(compared.columns) == ["a", "b"]
    assert compared.loc["latent", "a"] == "2" and compared.loc["latent", "b"] == ""
    assert compared.loc[KNN_COLUMN, "a"] == "0.307" and compared.loc["gain", "b"] == "1.5"  # one value: no ★


def test_comparison_shows_settings_that_differ_and_marks_the_best_scores():
    table = pd.DataFrame([
        {"run": "a", "model": "dense-ae", "dataset": "mnist-10k", "epochs": 6, "seed": 0, KNN_COLUMN: 0.70, "MSE": 0.05},
        {"run": "b", "model": "dense-ae", "dataset": "mnist-10k", "epochs": 6, "seed": 1, KNN_COLUMN: 0.66, "MSE": 0.04},
    ])
    compared = comparison_table(table, ["a", "b"])
    assert "epochs" not in compared.index and "seed" in compared.index  # only what differs
    assert "model" in compared.index  # what each column is
    assert compared.loc[KNN_COLUMN, "a"] == "0.7 ★" and compared.loc[KNN_COLUMN, "b"] == "0.66"
    assert compared.loc["MSE", "b"] == "0.04 ★"  # lower is better
    assert shared_settings(table, ["a", "b"]) == {"epochs": "6"}
    table["scored at"] = ["clean held-out images", "gaussian noise σ = 0.3"]
    assert "★" not in comparison_table(table, ["a", "b"]).loc["MSE"].str.cat()  # not one race
    assert comparison_table(table, ["a", "b"]).loc[KNN_COLUMN, "a"] == "0.7 ★"


def test_the_default_comparison_pairs_runs_of_one_kind_and_dataset(home_with_runs):
    """Current run first, then the newest other run of its kind and dataset; a run of another
    kind is never the default partner."""
    from aemodels.config import TrainConfig
    from aemodels.store.runs import RunStore
    from aemodels.tasks.assessment import assess
    from aemodels.tasks.training import train
    from aemodels.ui.run_table import default_comparison

    _, run_ids = home_with_runs
    store = RunStore()
    assert default_comparison(store.list(), run_ids["vae"]) == [run_ids["vae"]]  # no other vae yet
    result = train(TrainConfig(model="vae", train_images=400, epochs=1, batch_size=64, seed=7))
    assessment = assess(result.bundle)
    twin = store.save(result, assessment.metrics, assessment.views)
    assert default_comparison(store.list(), run_ids["vae"]) == [run_ids["vae"], twin]
    assert default_comparison(store.list(), None)[0] == twin  # no current run: the newest
    assert default_comparison([], None) == []


def test_image_scores_say_where_they_were_measured(home_with_runs):
    """A denoiser's PSNR is at one noise level, a super-resolution model's at one factor: the
    table says which, beside the scores."""
    from aemodels.store.runs import RunStore

    _, run_ids = home_with_runs
    table = runs_table(RunStore().list()).set_index("run")
    assert table.loc[run_ids["denoise"], "scored at"] == "gaussian noise σ = 0.3"
    assert table.loc[run_ids["superres"], "scored at"] == "×4 (gain: mean over ×2–×7)"
    assert table.loc[run_ids["vae"], "scored at"] == "clean held-out images"


def test_the_devices_and_precision_a_run_trained_on_are_columns(home_with_runs):
    """Training time is only comparable on the same hardware: the table says what each run had."""
    import json

    from aemodels.store.runs import RunStore

    home, runs = home_with_runs
    meta_file = home / "runs" / runs["vae"] / "meta.json"
    meta = json.loads(meta_file.read_text())
    meta_file.write_text(json.dumps({**meta, "replicas": 2, "mixed_precision": True}))
    table = runs_table(RunStore(home / "runs").list()).set_index("run")
    assert table.loc[runs["vae"], "devices"] == 2 and table.loc[runs["vae"], "precision"] == "mixed float16"
    assert table.loc[runs["dense-ae"], "devices"] == 1 and table.loc[runs["dense-ae"], "precision"] == "float32"
    compared = comparison_table(table.reset_index(), [runs["vae"], runs["dense-ae"]])
    assert {"devices", "precision"} <= set(compared.index)  # they differ, so the comparison shows them
