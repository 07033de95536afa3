"""Seed groups: runs that differ only in their seed, with the spread of every score; on the
command line (``train --seeds``, ``runs --json``) and on Runs (the table, the comparison, the
setting-against-score chart, and the button that queues more seeds)."""

from __future__ import annotations

import json
import statistics

import pytest

from aemodels.cli.main import main
from aemodels.scoring.seed_groups import Spread, next_seeds, seed_groups
from aemodels.store.runs import RunStore
from tests.apptest import finish_training, open_page

TINY = ["--model", "dense-ae", "--dataset", "digits", "--epochs", "2", "--train-images", "300", "--batch-size", "64"]
PAGE = "pages/runs.py"


def _tables(at, first_column: str):
    """The dataframes on the page whose first column is ``first_column``, in page order."""
    return [frame.value for frame in at.dataframe if list(frame.value.columns)[:1] == [first_column]]


def test_a_spread_is_a_standard_deviation_from_three_values_and_a_range_below():
    three = Spread.of([0.70, 0.72, 0.74])
    assert three.mean == pytest.approx(0.72) and three.sd == pytest.approx(statistics.stdev([0.70, 0.72, 0.74]))
    assert three.text() == "0.72 ± 0.02" and three.error == pytest.approx((0.02, 0.02))
    two = Spread.of([0.5, 0.7])
    assert two.sd is None and two.text() == "0.6 (0.5–0.7)" and two.error == pytest.approx((0.1, 0.1))
    assert next_seeds([0, 1, 3], 3) == [2, 4, 5]


@pytest.fixture(scope="module")
def three_seeds(tmp_path_factory):
    """A store with three seeds of one tiny dense-ae and one run of other settings, trained through
    ``train --seeds 3`` (module-wide: copied by ``seeded_home``)."""
    import os

    home = tmp_path_factory.mktemp("seeds-home")
    before = os.environ.get("AEMODELS_HOME")
    os.environ["AEMODELS_HOME"] = str(home)
    try:
        assert main(["train", *TINY, "--seeds", "3", "--json"]) == 0
        assert main(["train", *TINY, "--latent-dim", "3"]) == 0
    finally:
        if before is None:
            os.environ.pop("AEMODELS_HOME")
        else:
            os.environ["AEMODELS_HOME"] = before
    return home


@pytest.fixture
def seeded_home(three_seeds, tmp_path, monkeypatch):
    import shutil

    path = tmp_path / "home"
    shutil.copytree(three_seeds, path)
    monkeypatch.setenv("AEMODELS_HOME", str(path))
    return path


def test_train_seeds_then_runs_json_give_the_groups_spread(seeded_home, capsys):
    infos = RunStore().list()
    [group] = seed_groups(infos)
    assert group.seeds == (0, 1, 2) and len(group.run_ids) == 3
    assert main(["runs", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    members = [run for run in listed if run["seed_group"] is not None]
    assert len(members) == 3 and len(listed) == 4
    spread = members[0]["seed_group"]["spread"]["model.knn_accuracy"]
    values = [run["metrics"]["model"]["knn_accuracy"] for run in members]
    assert spread["n"] == 3 and spread["mean"] == pytest.approx(statistics.fmean(values))
    assert spread["sd"] == pytest.approx(statistics.stdev(values))
    assert spread["min"] == min(values) and spread["max"] == max(values)
    # Asking for the same seeds again trains nothing; a fourth is added to the group.
    assert main(["train", *TINY, "--seeds", "4"]) == 0
    out = capsys.readouterr().out
    assert out.count("already saved as run") == 3 and "4 seeds (0, 1, 2, 3)" in out
    assert len(RunStore().list()) == 5


def test_seeds_must_be_one_or_more(home, capsys):
    assert main(["train", *TINY, "--seeds", "0"]) == 2
    assert "--seeds takes 1 or more" in capsys.readouterr().err


def test_runs_shows_the_group_in_the_table_the_comparison_and_the_chart(seeded_home):
    members = seed_groups(RunStore().list())[0].run_ids
    at = open_page(PAGE)
    assert not at.exception and not at.error
    table = _tables(at, "seed group")[0]  # the section (the comparison may show it too)
    assert len(table) == 1 and table["runs"].iloc[0] == 3 and "±" in table["5-NN acc"].iloc[0]
    runs = at.dataframe[0].value
    assert runs["seed group"].notna().sum() == 3
    every = _tables(at, "score")[0]  # the group's every score, in its expander
    assert "model.continuity.50" in set(every["score"]) and (every["n"] == 3).all()
    at.multiselect(key="compare").set_value(list(members[:2])).run()
    assert not at.exception
    section, compared = _tables(at, "seed group")  # the section's, then the comparison's
    assert compared["seed group"].iloc[0].startswith("A: seeds 0, 1, 2") and len(compared) == 1
    at.selectbox(key="compare_setting").set_value("latent").run()
    spec = json.loads(at.get("plotly_chart")[-1].proto.spec)
    [diamond] = [trace for trace in spec["data"] if trace.get("marker", {}).get("symbol") == "diamond"]
    values = [float(runs.loc[runs["run"] == run, "5-NN acc"].iloc[0]) for run in members[:2]]
    assert diamond["y"][0] == pytest.approx(statistics.fmean(values))
    assert diamond["error_y"]["array"][0] == pytest.approx(max(values) - statistics.fmean(values))  # range of 2


def test_the_button_queues_more_seeds_that_join_the_group(seeded_home):
    lone = next(info for info in RunStore().list() if info.config.latent_dim == 3)
    at = open_page(PAGE)
    at.selectbox(key="one_run").set_value(lone.run_id).run()
    at.number_input(key="more_seeds").set_value(2).run()
    assert at.button(key="queue_seeds").label == "Queue seeds 1, 2"
    at.button(key="queue_seeds").click().run()
    assert not at.exception and not at.error
    finish_training(at)
    groups = seed_groups(RunStore().list())
    assert sorted(group.seeds for group in groups) == [(0, 1, 2), (0, 1, 2)]
    assert len(_tables(at, "seed group")[0]) == 2
