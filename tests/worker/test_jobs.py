"""Jobs run once by the worker: handlers by kind, retries with backoff, dead after the last attempt, retry by an
admin, leases that run out when a worker died, a heartbeat per worker."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from aidcoord.common.types import utcnow
from aidcoord.errors import Conflict
from aidcoord.extensions import db
from aidcoord.worker import PermanentFailure, enqueue, handles, last_heartbeat
from aidcoord.worker.models import Job, JobState, WorkerHeartbeat
from aidcoord.worker.services import claim_rows, retry_job, run_worker

CALLS: list[int] = []


@handles("test.count")
def count(job):
    CALLS.append(job.payload["n"])
    return {"seen": job.payload["n"]}


@handles("test.flaky")
def flaky(job):
    raise ConnectionError("the other end is down")


@handles("test.hopeless")
def hopeless(job):
    raise PermanentFailure("this payload can never work")


@pytest.fixture(autouse=True)
def _fresh_calls():
    CALLS.clear()


def test_a_queued_job_runs_once_and_keeps_its_result(app):
    enqueue("test.count", {"n": 7})
    db.session.commit()
    assert run_worker(burst=True) == 1
    assert run_worker(burst=True) == 0
    job = db.session.scalars(select(Job)).one()
    assert (job.state, job.result, job.attempts, CALLS) == (JobState.DONE, {"seen": 7}, 1, [7])


def test_a_job_queued_in_a_transaction_that_rolls_back_never_runs(app):
    enqueue("test.count", {"n": 1})
    db.session.rollback()
    assert run_worker(burst=True) == 0 and CALLS == []


def test_a_dedupe_key_queues_the_work_once(app):
    first = enqueue("test.count", {"n": 1}, dedupe_key="telegram:update:42")
    db.session.commit()
    assert enqueue("test.count", {"n": 1}, dedupe_key="telegram:update:42").id == first.id
    db.session.commit()
    assert db.session.scalar(select(db.func.count(Job.id))) == 1


def test_a_failing_job_is_retried_with_growing_delays_then_dead_and_an_admin_can_retry_it(app):
    app.config.update(WORKER_MAX_ATTEMPTS=3, WORKER_RETRY_BASE_SECONDS=60)
    job = enqueue("test.flaky", {})
    db.session.commit()
    delays = []
    for _ in range(3):
        db.session.execute(db.update(Job).values(run_after=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        before = utcnow()
        run_worker(burst=True)
        db.session.refresh(job)
        if job.state == JobState.FAILED:
            delays.append(round((job.run_after - before).total_seconds() / 60))
    assert delays == [1, 2]
    assert job.state == JobState.DEAD and job.attempts == 3
    assert job.last_error == "ConnectionError"  # the class only: an exception's text may quote the data
    retry_job(job.id)
    assert job.state == JobState.QUEUED and job.attempts == 0


def test_a_permanent_failure_is_dead_at_once(app):
    job = enqueue("test.hopeless", {})
    db.session.commit()
    run_worker(burst=True)
    db.session.refresh(job)
    assert job.state == JobState.DEAD and job.attempts == 1 and "never work" in job.last_error


def test_a_job_held_by_a_worker_that_died_is_taken_again_when_its_lease_runs_out(app):
    app.config.update(WORKER_LEASE_SECONDS=60)
    job = enqueue("test.count", {"n": 3})
    db.session.commit()
    assert claim_rows(Job, claimable=[JobState.QUEUED], running=JobState.RUNNING, worker="crashed", limit=5) == [job.id]
    assert run_worker(burst=True) == 0  # still leased to the crashed worker
    db.session.execute(db.update(Job).values(locked_at=utcnow() - timedelta(seconds=61)))
    db.session.commit()
    assert run_worker(burst=True) == 1
    db.session.refresh(job)
    assert job.state == JobState.DONE and job.attempts == 2 and CALLS == [3]


def test_every_worker_records_its_heartbeat(app):
    assert last_heartbeat() is None
    run_worker(burst=True, name="host:1:abc")
    beat = db.session.get(WorkerHeartbeat, "host:1:abc")
    assert beat is not None and beat.stopped_at is not None  # a burst worker says when it stopped
    assert last_heartbeat() is None


DIED: list[int] = []


def _note_death(job):
    DIED.append(job.id)


@handles("test.needs_its_file", on_dead=_note_death, retry_refused="send the file again")
def needs_its_file(job):
    raise PermanentFailure("the file cannot be read")


def _broken_hook(job):
    raise LookupError("the hook's own fault")


@handles("test.dies_with_a_broken_hook", on_dead=_broken_hook)
def dies_with_a_broken_hook(job):
    raise PermanentFailure("never works")


def test_a_kind_is_told_when_its_job_dies_and_may_refuse_a_retry(app):
    job = enqueue("test.needs_its_file", {})
    db.session.commit()
    run_worker(burst=True)
    db.session.refresh(job)
    assert job.state == JobState.DEAD
    assert [job.id] == DIED
    with pytest.raises(Conflict, match="send the file again"):
        retry_job(job.id)
    db.session.refresh(job)
    assert job.state == JobState.DEAD


def test_a_failing_death_hook_does_not_keep_the_job_from_dying(app):
    job = enqueue("test.dies_with_a_broken_hook", {})
    db.session.commit()
    run_worker(burst=True)
    db.session.refresh(job)
    assert job.state == JobState.DEAD and "never works" in job.last_error
