"""Queueing jobs, claiming rows with a lease, running jobs, retries with backoff, the workers' heartbeats."""
import logging
import os
import secrets
import signal
import socket
import time
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from aidcoord.common.types import utcnow
from aidcoord.errors import Conflict, NotFound
from aidcoord.extensions import db
from aidcoord.worker.models import Job, JobFile, JobState, WorkerHeartbeat
from aidcoord.worker.registry import (
    PermanentFailure,
    dead_handler_for,
    handler_for,
    known_kinds,
    register_source,
    retry_refusal,
    sources,
)

log = logging.getLogger(__name__)


def enqueue(kind: str, payload: dict[str, Any] | None = None, *, dedupe_key: str | None = None,
            run_after: datetime | None = None, file: bytes | None = None) -> Job:
    """Queue a job in the caller's transaction (committed with the change that causes it, or not at all).
    With a `dedupe_key` already queued, returns that job and queues nothing. A `file` (an upload: it may hold
    personal data, so never in the payload) is stored beside the job until it ends (`job_file`)."""
    if file is not None:
        job = Job(kind=kind, payload=payload or {}, run_after=run_after or utcnow())
        db.session.add(job)
        db.session.flush()  # the file needs the job's id
        db.session.add(JobFile(job_id=job.id, content=file))
        return job
    if dedupe_key is not None:
        existing = db.session.scalar(select(Job).where(Job.dedupe_key == dedupe_key))
        if existing is not None:
            return existing
    job = Job(kind=kind, payload=payload or {}, dedupe_key=dedupe_key, run_after=run_after or utcnow())
    if dedupe_key is None:
        db.session.add(job)
        return job
    try:
        with db.session.begin_nested():  # another process may queue the same key at this moment
            db.session.add(job)
    except IntegrityError:
        return db.session.scalars(select(Job).where(Job.dedupe_key == dedupe_key)).one()
    return job


def report_progress(job: Job, percent: int) -> None:
    """Record a long job's progress (0..100) and renew its lease, committed at once."""
    db.session.execute(update(Job).where(Job.id == job.id, Job.locked_by == job.locked_by)
                       .values(progress=max(0, min(100, percent)), locked_at=utcnow())
                       .execution_options(synchronize_session=False))
    db.session.commit()


def report_progress_apart(job: Job, percent: int) -> None:
    """report_progress for a handler whose own transaction must stay open until it ends (an all-or-nothing
    import): written through a connection of its own, on PostgreSQL only (SQLite lets one writer in at a time,
    and that is the handler)."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.begin() as connection:
        connection.execute(update(Job).where(Job.id == job.id, Job.locked_by == job.locked_by)
                           .values(progress=max(0, min(100, percent)), locked_at=utcnow()))


def job_file(job: Job) -> bytes | None:
    """The file queued with the job (None once the job ended: it is deleted then)."""
    stored = db.session.get(JobFile, job.id)
    return stored.content if stored is not None else None


def _discard_file(job_id: int) -> None:
    db.session.execute(delete(JobFile).where(JobFile.job_id == job_id))


def backoff(attempts: int) -> timedelta:
    """Wait before attempt number attempts+1: base * 2^(attempts-1), at most an hour."""
    base = float(current_app.config.get("WORKER_RETRY_BASE_SECONDS", 30))
    return timedelta(seconds=min(base * 2 ** max(0, attempts - 1), 3600))


def max_attempts() -> int:
    return int(current_app.config.get("WORKER_MAX_ATTEMPTS", 5))


def claim_rows(model, *, claimable, running, worker: str, limit: int, where=()) -> list[int]:
    """Take up to `limit` ready rows of `model` for `worker` and commit: rows waiting whose run_after has come,
    and rows whose holder's lease ran out (a crashed worker). Rows another transaction is claiming are skipped
    (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite has one writer at a time), so no row is taken twice."""
    now = utcnow()
    lease = timedelta(seconds=int(current_app.config.get("WORKER_LEASE_SECONDS", 300)))
    ready = or_(and_(model.state.in_(claimable), model.run_after <= now),
                and_(model.state == running, model.locked_at < now - lease))
    candidates = (select(model.id).where(ready, *where).order_by(model.id).limit(limit)
                  .with_for_update(skip_locked=True))
    claimed = list(db.session.scalars(
        update(model).where(model.id.in_(candidates.scalar_subquery()))
        .values(state=running, locked_by=worker, locked_at=now, attempts=model.attempts + 1)
        .returning(model.id).execution_options(synchronize_session=False)))
    db.session.commit()
    return sorted(claimed)


def _error_text(error: Exception) -> str:
    # Exception texts may quote the data (a phone, a name): only the class is kept, except a PermanentFailure,
    # whose words are the handler's own.
    return (f"PermanentFailure: {error}" if isinstance(error, PermanentFailure) else type(error).__name__)[:500]


def run_jobs(worker: str, limit: int = 20) -> int:
    """Claim and run up to `limit` jobs of the kinds with a handler; returns how many were run."""
    kinds = known_kinds()
    if not kinds:
        return 0
    claimed = claim_rows(Job, claimable=[JobState.QUEUED, JobState.FAILED], running=JobState.RUNNING,
                         worker=worker, limit=limit, where=[Job.kind.in_(kinds)])
    for job_id in claimed:
        _run_one(job_id, worker)
    return len(claimed)


def _run_one(job_id: int, worker: str) -> None:
    job = db.session.get_one(Job, job_id)
    handler = handler_for(job.kind)
    try:
        if handler is None:
            raise PermanentFailure("no handler for this kind")
        result = handler(job)
    except Exception as error:  # any failure of one job is recorded on it; the others go on
        db.session.rollback()
        log.warning("job %s (%s) failed: %s", job_id, job.kind, type(error).__name__)
        job = db.session.get_one(Job, job_id)
        job.last_error = _error_text(error)
        job.locked_by = job.locked_at = None
        if isinstance(error, PermanentFailure) or job.attempts >= max_attempts():
            job.state, job.finished_at = JobState.DEAD, utcnow()
            _discard_file(job_id)
            _tell_of_death(job)
        else:
            job.state, job.run_after = JobState.FAILED, utcnow() + backoff(job.attempts)
    else:
        job.state, job.result, job.finished_at = JobState.DONE, result, utcnow()
        _discard_file(job_id)
        job.locked_by = job.locked_at = None
        job.last_error = None
    db.session.commit()


def _tell_of_death(job: Job) -> None:
    """The kind's on_dead hook, in a savepoint: if the hook fails, the job is still recorded dead."""
    on_dead = dead_handler_for(job.kind)
    if on_dead is None:
        return
    try:
        with db.session.begin_nested():
            on_dead(job)
    except Exception as error:  # the death is recorded whatever the hook does
        log.warning("job %s (%s): its on_dead hook failed: %s", job.id, job.kind, type(error).__name__)


def dead_jobs(limit: int = 100) -> list[Job]:
    return list(db.session.scalars(select(Job).where(Job.state == JobState.DEAD).order_by(Job.id).limit(limit)))


def retry_job(job_id: int) -> Job:
    """Put a dead job back in the queue with its attempts counted afresh (not one of a kind that refuses it: its
    work must be asked for again, e.g. by uploading the file again)."""
    job = db.session.get(Job, job_id)
    if job is None or job.state != JobState.DEAD:
        raise NotFound()
    refusal = retry_refusal(job.kind)
    if refusal is not None:
        raise Conflict(refusal)
    job.state, job.attempts, job.run_after, job.finished_at = JobState.QUEUED, 0, utcnow(), None
    db.session.commit()
    return job


# -- the workers' loop and heartbeats ---------------------------------------------------------------------

def worker_name() -> str:
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{secrets.token_hex(3)}"


def beat(name: str, processed: int = 0, stopped: bool = False) -> None:
    """Record that the worker `name` is alive (and how much it handled)."""
    now = utcnow()
    heartbeat = db.session.get(WorkerHeartbeat, name)
    if heartbeat is None:
        heartbeat = WorkerHeartbeat(name=name, started_at=now)
        db.session.add(heartbeat)
    heartbeat.beat_at, heartbeat.processed = now, processed
    heartbeat.stopped_at = now if stopped else None
    db.session.commit()


def last_heartbeat() -> datetime | None:
    """When a worker that has not stopped last said it was alive (None: no worker running)."""
    return db.session.scalar(select(func.max(WorkerHeartbeat.beat_at)).where(WorkerHeartbeat.stopped_at.is_(None)))


def run_worker(burst: bool = False, name: str | None = None, batch: int = 20) -> int:
    """Work off jobs and every registered source; with `burst`, return once nothing is ready, else run until
    SIGTERM/SIGINT (finishing the batch in hand). Returns how many rows were handled."""
    name = name or worker_name()
    idle = float(current_app.config.get("WORKER_IDLE_SECONDS", 2))
    stopping = []

    def stop(_signum, _frame):
        stopping.append(True)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)} if not burst else {}
    processed = 0
    beat(name)
    try:
        while not stopping:
            handled = run_jobs(name, batch)
            for source in sources().values():
                handled += source(name, batch)
            processed += handled
            beat(name, processed)
            if handled == 0:
                if burst:
                    break
                time.sleep(idle)
    finally:
        db.session.rollback()
        beat(name, processed, stopped=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return processed


__all__ = ["enqueue", "register_source", "run_worker"]
