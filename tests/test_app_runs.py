"""AppTest of Runs: empty store, the table, comparison, export/import, delete (also broken)."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from aemodels.runs import RunStore

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
    assert len(at.get("plotly_chart")) == 1
    at.multiselect(key="compare").set_value([runs["vae"], runs["dense-ae"], runs["superres"]]).run()
    assert not at.exception
    # Three kinds, three units: three panels, each titled with what its loss measures.
    import json

    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    titles = [a["text"] for a in spec["layout"]["annotations"]]
    assert len(titles) == 3 and any("nats per image" in t for t in titles) and any("per pixel" in t for t in titles)
    at.selectbox(key="one_run").set_value(broken).run()
    assert not at.exception
    at.button(key="delete").click().run()
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


def test_delete_asks_first_and_says_what_it_did(home_with_runs):
    _, runs = home_with_runs
    at = open_page()
    at.selectbox(key="one_run").set_value(runs["conv-ae"]).run()
    assert any("for good" in m.value for m in at.markdown)  # the question, in the popover
    assert runs["conv-ae"] in {i.run_id for i in RunStore().list()}  # nothing deleted by opening it
    at.button(key="delete").click().run()
    assert not at.exception
    assert runs["conv-ae"] not in {i.run_id for i in RunStore().list()}
    assert any(f"Deleted run {runs['conv-ae']}" in s.value for s in at.success)
