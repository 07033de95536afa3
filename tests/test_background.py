"""Background training jobs: they run outside any script, stop when told, and keep to their owner."""

from __future__ import annotations

import time

import numpy as np

from aemodels.config import TrainConfig
from aemodels.jobs.background import JobBoard, JobState
from aemodels.jobs.limiter import TrainingLimiter
from aemodels.store.runs import RunStore


def _wait(job, states, timeout=240):
    deadline = time.monotonic() + timeout
    while job.state not in states:
        assert time.monotonic() < deadline, f"job stuck in {job.state}"
        time.sleep(0.02)


def test_a_job_trains_scores_and_saves_a_run(home):
    board = JobBoard(TrainingLimiter(1))
    config = TrainConfig(dataset="digits", model="dense-ae", epochs=2, batch_size=64, train_images=300)
    job = board.start(config, "session-a", RunStore())
    _wait(job, (JobState.DONE, JobState.FAILED))
    assert job.state is JobState.DONE, job.message
    assert RunStore().get(job.run_id).config == config
    assert len(job.history["loss"]) == 2 and job.message.startswith(f"Saved as run {job.run_id}")


def test_stop_ends_the_job_at_the_next_batch_and_saves_nothing(home):
    board = JobBoard(TrainingLimiter(1))
    config = TrainConfig(dataset="digits", model="dense-ae", epochs=400, batch_size=16, train_images=1000)
    job = board.start(config, "session-a", RunStore())
    _wait(job, (JobState.RUNNING,))
    deadline = time.monotonic() + 120
    while job.epoch < 2:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    asked = time.monotonic()
    job.stop()
    _wait(job, (JobState.STOPPED, JobState.DONE, JobState.FAILED))
    # Not a timing test (those live in bench/): the bound only says it stopped at the next batch
    # and not after its 400 epochs (0.15-0.17 s in 3 tries here).
    assert time.monotonic() - asked < 10
    assert job.state is JobState.STOPPED
    assert f"stopped at epoch {job.epoch} of 400; nothing was saved" in job.message
    assert RunStore().list() == []


def test_a_waiting_job_shows_its_place_and_can_be_cancelled(home):
    line = TrainingLimiter(1)
    board = JobBoard(line)
    small = dict(dataset="digits", model="dense-ae", batch_size=64, train_images=300)
    with line.slot("someone-else"):
        first = board.start(TrainConfig(epochs=1, **small), "session-a", RunStore())
        second = board.start(TrainConfig(epochs=2, **small), "session-b", RunStore())
        deadline = time.monotonic() + 10
        while second.place != 2:
            assert time.monotonic() < deadline, (first.place, second.place)
            time.sleep(0.02)
        assert first.state is JobState.WAITING and first.place == 1
        second.stop()
        _wait(second, (JobState.STOPPED,), timeout=5)
        assert "before its first epoch" in second.message
    _wait(first, (JobState.DONE, JobState.FAILED))
    assert first.state is JobState.DONE
    assert [job.job_id for job in board.of("session-a")] == [first.job_id]
    assert [job.job_id for job in board.of("session-b")] == [second.job_id]


def test_a_job_that_cannot_train_says_why_in_one_line(home):
    board = JobBoard(TrainingLimiter(1))
    job = board.start(TrainConfig(dataset="digits", model="dense-ae", epochs=1, batch_size=4096, train_images=300),
                      "session-a", RunStore())
    _wait(job, (JobState.FAILED, JobState.DONE))
    assert job.state is JobState.FAILED
    assert "larger than the 300 training images" in job.message and "\n" not in job.message


def test_an_embedding_job_sends_the_map_as_it_forms(home):
    board = JobBoard(TrainingLimiter(1))
    config = TrainConfig(dataset="digits", model="dense-ae", epochs=3, batch_size=64, train_images=300)
    job = board.start(config, "session-a", RunStore())
    _wait(job, (JobState.DONE, JobState.FAILED))
    assert job.state is JobState.DONE, job.message
    epoch, last = job.latest_codes  # the live map: the latest frame
    assert epoch == 3 and last.shape == (359, 2)  # digits: 1,797 images, 359 held out, all watched
    forming = RunStore().forming(job.run_id, 359)  # every frame is saved with the run
    assert forming.epochs == 3  # before training, then every epoch
    np.testing.assert_allclose(forming.maps[-1], last)
    assert not np.allclose(forming.maps[0], last)


def _wait_for_exit(process, timeout=60):
    deadline = time.monotonic() + timeout
    while process.poll() is None:
        assert time.monotonic() < deadline, "the trainer process did not end"
        time.sleep(0.05)


def test_a_warm_board_trains_in_its_spare_then_readies_another(home):
    """The spare trainer (TensorFlow already imported) takes the job, ends with it (its memory
    goes back to the system), and a new spare is started for the next job."""
    board = JobBoard(TrainingLimiter(1), warm=True)
    board.keep_warm()
    spare = board._spare
    assert spare is not None and spare.alive
    job = board.start(TrainConfig(dataset="digits", model="dense-ae", epochs=1, batch_size=64, train_images=300),
                      "session-a", RunStore())
    _wait(job, (JobState.DONE, JobState.FAILED))
    assert job.state is JobState.DONE, job.message
    _wait_for_exit(spare.process)
    assert spare.process.returncode == 0
    assert board._spare is not None and board._spare is not spare and board._spare.alive
    # A spare that died is replaced, not handed a job.
    board._spare.process.kill()
    _wait_for_exit(board._spare.process)
    second = board.start(TrainConfig(dataset="digits", model="dense-ae", epochs=1, batch_size=64, train_images=300, seed=1),
                         "session-a", RunStore())
    _wait(second, (JobState.DONE, JobState.FAILED))
    assert second.state is JobState.DONE, second.message
    board._spare.close()


def test_a_spare_trainer_ends_when_its_server_goes_away(tmp_path):
    """The spare waits on its socket; a closed socket (the server stopped) ends it."""
    from aemodels.jobs.background import Trainer

    spare = Trainer()
    spare.connection.close()
    _wait_for_exit(spare.process)
    assert spare.process.returncode == 0


def test_no_spare_is_started_while_a_job_trains(home):
    """A spare importing TensorFlow would take the CPU from the training: the board starts the
    next one when the job ends."""
    board = JobBoard(TrainingLimiter(1), warm=True)
    job = board.start(TrainConfig(dataset="digits", model="dense-ae", epochs=200, batch_size=16, train_images=1000),
                      "session-a", RunStore())
    _wait(job, (JobState.RUNNING,))
    deadline = time.monotonic() + 120
    while job.epoch < 1:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    board.keep_warm()  # every app run asks
    assert board._spare is None
    job.stop()
    _wait(job, (JobState.STOPPED,))
    assert board._spare is not None and board._spare.alive
    board._spare.close()
